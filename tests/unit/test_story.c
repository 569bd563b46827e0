/* story.c from docs/archive-format.md: every header field of a story file
 * survives render -> parse, the body is one sentence a line with a blank
 * line between paragraphs, and a file name built for a story gives its id
 * back.  This is the only module that knows the format. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/path.h"
#include "redline/story.h"
#include "redline/normalise.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define T0 1795856400 /* 2026-11-28T09:00:00Z */

static const char doc_example[] =
	"Title: VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000\n"
	"URL: https://example.nl/nieuws/123\n"
	"GUID: tag:example.nl,2026:123\n"
	"Source: anp\n"
	"First-Seen: 2026-11-28T09:00:00Z\n"
	"Id: 3fa2c1d0e9ab\n"
	"Status: removed (HTTP 404, 2026-11-29T10:00:00Z)\n"
	"\n"
	"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 10.000 militairen naar Rusland "
	"gestuurd, schat het Amerikaanse Pentagon.\n"
	"Vorige week dachten de Verenigde Staten nog dat het om 3000 soldaten ging.\n"
	"\n"
	"De troepen worden \"waarschijnlijk\" gebruikt.\n";

static const char doc_body[] =
	"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 10.000 militairen naar Rusland "
	"gestuurd, schat het Amerikaanse Pentagon. Vorige week dachten de Verenigde Staten nog "
	"dat het om 3000 soldaten ging.\n"
	"De troepen worden \"waarschijnlijk\" gebruikt.";

static rl_story_header doc_header(void)
{
	rl_story_header h = { 0 };
	h.title = (char *)"VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000";
	h.url = (char *)"https://example.nl/nieuws/123";
	h.guid = (char *)"tag:example.nl,2026:123";
	h.source = (char *)"anp";
	h.first_seen = T0;
	memcpy(h.id, "3fa2c1d0e9ab", RL_STORY_ID_LEN + 1);
	h.status = (char *)"removed (HTTP 404, 2026-11-29T10:00:00Z)";
	return h;
}

/* Every field of the format, in its order, byte for byte. */
static void test_render_is_the_documented_file(void **state)
{
	rl_story_header h = doc_header();
	rl_buf out = RL_BUF_INIT(1 << 20);
	(void)state;
	assert_int_equal(rl_story_render(&out, &h, doc_body), 0);
	assert_string_equal(out.ptr, doc_example);
	rl_buf_release(&out);
}

/* The header, then the body appended to it: the whole file again. */
static void test_header_then_body_is_the_file(void **state)
{
	rl_story_header h = doc_header();
	rl_buf out = RL_BUF_INIT(1 << 20);
	(void)state;
	assert_int_equal(rl_story_render_header(&out, &h), 0);
	assert_int_equal(rl_story_render_body(&out, doc_body), 0);
	assert_string_equal(out.ptr, doc_example);
	rl_buf_release(&out);
}

/* A body past the largest story file is refused, and nothing is left. */
static void test_render_is_bounded(void **state)
{
	rl_story_header h = doc_header();
	rl_buf out = RL_BUF_INIT(SIZE_MAX / 2);
	size_t len = RL_NORMALISE_MAX + 128 * 1024;
	char *body = malloc(len + 1);
	(void)state;
	assert_non_null(body);
	for (size_t i = 0; i < len; i++)
		body[i] = i % 50 == 49 ? '\n' : 'a';
	body[len] = '\0';
	assert_int_equal(rl_story_render(&out, &h, body), RL_ETOOBIG);
	assert_int_equal(out.len, 0);
	assert_int_equal(rl_story_render_header(&out, &h), 0);
	assert_int_equal(rl_story_render_body(&out, body), RL_ETOOBIG);
	assert_int_equal(out.len, 0);
	assert_int_equal(out.max, SIZE_MAX / 2);
	/* a buffer with room left from a bigger text is bounded all the same */
	assert_int_equal(rl_buf_grow(&out, 2 * len), 0);
	assert_int_equal(rl_story_render(&out, &h, body), RL_ETOOBIG);
	assert_int_equal(out.len, 0);
	free(body);
	rl_buf_release(&out);
}

/* render -> parse gives every field back. */
static void test_round_trip_every_field(void **state)
{
	rl_story_header h = doc_header(), back;
	rl_buf out = RL_BUF_INIT(1 << 20);
	char *body = NULL;
	(void)state;
	assert_int_equal(rl_story_render(&out, &h, doc_body), 0);
	assert_int_equal(rl_story_parse_header(&back, out.ptr, out.len), 0);
	assert_string_equal(back.title, h.title);
	assert_string_equal(back.url, h.url);
	assert_string_equal(back.guid, h.guid);
	assert_string_equal(back.source, h.source);
	assert_true(back.has_first_seen);
	assert_true(back.first_seen == T0);
	assert_string_equal(back.id, h.id);
	assert_string_equal(back.status, h.status);
	assert_int_equal(rl_story_body_paragraphs(&body, out.ptr), 0);
	assert_string_equal(body, doc_body);
	/* and rendering the parsed story again gives the same bytes */
	{
		rl_buf again = RL_BUF_INIT(1 << 20);
		assert_int_equal(rl_story_render(&again, &back, body), 0);
		assert_int_equal(again.len, out.len);
		assert_memory_equal(again.ptr, out.ptr, out.len);
		rl_buf_release(&again);
	}
	free(body);
	rl_story_header_clear(&back);
	rl_buf_release(&out);
}

/* The optional lines: no URL, no GUID, a GUID equal to the URL, no status,
 * no title, no body. */
static void test_optional_fields(void **state)
{
	rl_story_header h = { 0 }, back;
	rl_buf out = RL_BUF_INIT(1 << 20);
	(void)state;
	h.source = (char *)"nos";
	h.first_seen = T0;
	memcpy(h.id, "000000000000", RL_STORY_ID_LEN + 1);
	assert_int_equal(rl_story_render(&out, &h, NULL), 0);
	assert_string_equal(out.ptr, "Title: \nSource: nos\nFirst-Seen: 2026-11-28T09:00:00Z\n"
				     "Id: 000000000000\n");
	assert_int_equal(rl_story_parse_header(&back, out.ptr, out.len), 0);
	assert_string_equal(back.title, "");
	assert_null(back.url);
	assert_null(back.guid);
	assert_null(back.status);
	assert_string_equal(rl_story_body(out.ptr), "");
	rl_story_header_clear(&back);

	h.url = (char *)"https://nos.nl/1";
	h.guid = (char *)"https://nos.nl/1";
	assert_int_equal(rl_story_render(&out, &h, "Een zin."), 0);
	assert_string_equal(out.ptr, "Title: \nURL: https://nos.nl/1\nSource: nos\n"
				     "First-Seen: 2026-11-28T09:00:00Z\nId: 000000000000\n\nEen zin.\n");
	assert_string_equal(rl_story_body(out.ptr), "Een zin.\n");
	assert_int_equal(rl_story_parse_header(&back, out.ptr, out.len), 0);
	assert_string_equal(back.url, "https://nos.nl/1");
	assert_null(back.guid);
	rl_story_header_clear(&back);

	h.url = NULL;
	h.guid = (char *)"tag:nos,1";
	assert_int_equal(rl_story_render(&out, &h, "Een zin."), 0);
	assert_non_null(strstr(out.ptr, "\nGUID: tag:nos,1\n"));
	assert_null(strstr(out.ptr, "URL:"));
	rl_buf_release(&out);
}

/* A value holding ": " is still one value; headers end at the blank line. */
static void test_parse_header_edges(void **state)
{
	const char *text = "Title: Een titel: met dubbele punt\nURL: https://ex.nl/1\n"
			   "GUID: tag:x\nSource: src\nFirst-Seen: 2026-11-28T09:00:00Z\nId: 0123456789ab\n"
			   "\nTitle: geen header maar tekst.\n";
	rl_story_header h;
	(void)state;
	assert_int_equal(rl_story_parse_header(&h, text, strlen(text)), 0);
	assert_string_equal(h.title, "Een titel: met dubbele punt");
	assert_string_equal(h.url, "https://ex.nl/1");
	assert_string_equal(h.guid, "tag:x");
	assert_true(h.has_first_seen && h.first_seen == T0);
	assert_string_equal(h.id, "0123456789ab");
	rl_story_header_clear(&h);

	/* no First-Seen, a bad one, no header at all: parsed, flagged, never a crash */
	assert_int_equal(rl_story_parse_header(&h, "Title: x\n\n", 10), 0);
	assert_false(h.has_first_seen);
	rl_story_header_clear(&h);
	assert_int_equal(rl_story_parse_header(&h, "First-Seen: gisteren\n\n", 22), 0);
	assert_false(h.has_first_seen);
	rl_story_header_clear(&h);
	assert_int_equal(rl_story_parse_header(&h, "Gewoon tekst.\nTitle: x\n", 23), 0);
	assert_null(h.title);
	rl_story_header_clear(&h);
	/* only `len` bytes are read */
	assert_int_equal(rl_story_parse_header(&h, "Title: abcdef", 9), 0);
	assert_string_equal(h.title, "ab");
	rl_story_header_clear(&h);
}

/* The lenient line split history shows files with. */
static void test_parse_lines(void **state)
{
	rl_strvec names = RL_STRVEC_INIT, values = RL_STRVEC_INIT, body = RL_STRVEC_INIT;
	(void)state;
	assert_int_equal(rl_story_parse_lines(&names, &values, &body, doc_example), 0);
	assert_int_equal(names.n, 7);
	assert_string_equal(names.v[0], "Title");
	assert_string_equal(names.v[4], "First-Seen");
	assert_string_equal(values.v[5], "3fa2c1d0e9ab");
	assert_string_equal(names.v[6], "Status");
	assert_int_equal(body.n, 3);
	rl_strvec_release(&names);
	rl_strvec_release(&values);
	rl_strvec_release(&body);
	assert_int_equal(rl_story_parse_lines(&names, &values, &body, "Geen kop.\n\nTweede.\n"), 0);
	assert_int_equal(names.n, 0);
	assert_int_equal(body.n, 2);
	rl_strvec_release(&names);
	rl_strvec_release(&values);
	rl_strvec_release(&body);
}

/* Figures are looked for in the title and the body, not in URL or Id. */
static void test_content(void **state)
{
	rl_buf out = RL_BUF_INIT(1 << 20);
	(void)state;
	assert_int_equal(rl_story_content(&out, "Title: 3000 man\nURL: https://x/4000\n"
						"Id: 000000005000\n\nNu 10.000.\n"), 0);
	assert_string_equal(out.ptr, "3000 man\n\nNu 10.000.\n");
	rl_buf_release(&out);
}

/* A built file name gives its id back; names of other files give none. */
static void test_id_in_name(void **state)
{
	char *path = NULL;
	const char *name, *id;
	(void)state;
	assert_int_equal(rl_story_path(&path, "anp", T0, "Oekraïne", "3fa2c1d0e9ab"), 0);
	name = strrchr(path, '/') + 1;
	assert_non_null(id = rl_story_id_in_name(name, strlen(name)));
	assert_memory_equal(id, "3fa2c1d0e9ab", RL_STORY_ID_LEN);
	free(path);
	assert_null(rl_story_id_in_name("INDEX", 5));
	assert_null(rl_story_id_in_name("x-3FA2C1D0E9AB.txt", 18));
	assert_null(rl_story_id_in_name("x_3fa2c1d0e9ab.txt", 18));
	assert_null(rl_story_id_in_name("x-3fa2c1d0e9ab.md", 17));
	assert_non_null(rl_story_id_in_name("-3fa2c1d0e9ab.txt", 17));
	assert_true(rl_story_is_id("0123456789ab"));
	assert_false(rl_story_is_id("0123456789aB"));
}

static void test_item_path(void **state)
{
	char *path = NULL;

	/* 2026-11-28T09:00:00Z */
	assert_int_equal(rl_story_path(&path, "anp", 1795856400, "Oekraïne: 3,5 miljard", "3fa2c1d0e9ab"), 0);
	assert_string_equal(path, "anp/2026-11/oekraine-3-5-miljard-3fa2c1d0e9ab.txt");
	assert_true(rl_path_is_safe(path));
	free(path);

	/* The month is UTC: 23:30 on 31 Jan at UTC-? is still January in UTC. */
	assert_int_equal(rl_story_path(&path, "nos.nl", 1769902200 /* 2026-01-31T23:30Z */, "x",
				      "000000000000"), 0);
	assert_string_equal(path, "nos.nl/2026-01/x-000000000000.txt");
	free(path);

	assert_int_equal(rl_story_path(&path, "anp", 0, "../../.git/config", "abcdefabcdef"), 0);
	assert_string_equal(path, "anp/1970-01/git-config-abcdefabcdef.txt");
	assert_true(rl_path_is_safe(path));
	free(path);
}

static void test_item_path_refuses_bad_input(void **state)
{
	char *path = (char *)"untouched";

	assert_int_equal(rl_story_path(&path, "anp", 0, "t", "3FA2C1D0E9AB"), RL_EINVAL);
	assert_null(path);
	assert_non_null(strstr(rl_error_last(), "12 lowercase hex"));
	assert_int_equal(rl_story_path(&path, "anp", 0, "t", "3fa2c1d0e9a"), RL_EINVAL);
	assert_int_equal(rl_story_path(&path, "anp", 0, "t", "3fa2c1d0e9abc"), RL_EINVAL);
	assert_int_equal(rl_story_path(&path, "anp", 0, "t", "../../../../"), RL_EINVAL);
	assert_int_equal(rl_story_path(&path, "anp", 0, "t", NULL), RL_EINVAL);
	assert_int_equal(rl_story_path(&path, "../x", 0, "t", "3fa2c1d0e9ab"), RL_EINVAL);
	assert_int_equal(rl_story_path(&path, "anp", -100000000000LL, "t", "3fa2c1d0e9ab"), RL_EINVAL);
	assert_int_equal(rl_story_path(&path, "anp", INT64_MAX, "t", "3fa2c1d0e9ab"), RL_EINVAL);
	assert_null(path);
}

/* The item lines of a commit message: only after the subject, only the six
 * kinds, only a whole id followed by a space or the line's end. */
static void test_item_lines(void **state)
{
	const char *msg = "edited 0123456789ab not in the subject\n\n"
			  "edited 0123456789ab Troops: 10.000\n"
			  "new 00000000000f\n"
			  "edits 0123456789ab a kind we do not write\n"
			  "gone 0123456789abc one digit too many\n"
			  "back 0123456789AB upper case\n"
			  "moved 0123456789\n"
			  "\n"
			  "removed aaaaaaaaaaaa last line, no newline";
	const char *p = rl_story_item_lines(msg);
	rl_story_item_line line;

	(void)state;
	assert_int_equal(rl_story_item_line_next(&line, &p), 1);
	assert_int_equal(line.kind_len, 6);
	assert_memory_equal(line.kind, "edited", 6);
	assert_memory_equal(line.id, "0123456789ab", RL_STORY_ID_LEN);
	assert_int_equal(line.title_len, strlen("Troops: 10.000"));
	assert_memory_equal(line.title, "Troops: 10.000", line.title_len);
	assert_int_equal(rl_story_item_line_next(&line, &p), 1);
	assert_memory_equal(line.kind, "new", 3);
	assert_memory_equal(line.id, "00000000000f", RL_STORY_ID_LEN);
	assert_int_equal(line.title_len, 0);
	assert_int_equal(rl_story_item_line_next(&line, &p), 1);
	assert_memory_equal(line.kind, "removed", 7);
	assert_int_equal(line.title_len, strlen("last line, no newline"));
	assert_int_equal(rl_story_item_line_next(&line, &p), 0);
	assert_int_equal(rl_story_item_line_next(&line, &p), 0);
	p = rl_story_item_lines("subject only\nedited 0123456789ab\n");
	assert_int_equal(rl_story_item_line_next(&line, &p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_is_the_documented_file),
		cmocka_unit_test(test_header_then_body_is_the_file),
		cmocka_unit_test(test_render_is_bounded),
		cmocka_unit_test(test_round_trip_every_field),
		cmocka_unit_test(test_optional_fields),
		cmocka_unit_test(test_parse_header_edges),
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_id_in_name),
		cmocka_unit_test(test_item_path),
		cmocka_unit_test(test_item_path_refuses_bad_input),
		cmocka_unit_test(test_item_lines),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
