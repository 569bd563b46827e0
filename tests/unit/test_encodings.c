/*
 * Encodings: UTF-16 and UTF-32 with and without a BOM, the precedence of
 * BOM over HTTP charset over <meta>, and stray bytes all give the right
 * text; U+FFFD is never read again as windows-1252 ("ï¿½") on the HTML path.
 */
#include "testutil.h"
#include "redline/charset.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT "H\xC3\xA9llo w\xC3\xB6rld, the news of today."

/* `utf8` (ASCII and Latin-1 only) as UTF-16/32, little or big endian. */
static char *widen(size_t *len, const char *utf8, int unit, int big, int bom)
{
	char *out = calloc(strlen(utf8) * 4 + 8, 1), *p = out;
	const unsigned char *s = (const unsigned char *)utf8;

	if (bom) {
		unsigned cp = 0xFEFF;
		for (int b = 0; b < unit; b++)
			*p++ = (char)(big ? cp >> (8 * (unit - 1 - b)) : cp >> (8 * b));
	}
	while (*s) {
		unsigned cp = *s < 0x80 ? *s++ : (unsigned)((s[0] & 0x1F) << 6 | (s[1] & 0x3F));
		if (cp > 0x7F)
			s += 2;
		for (int b = 0; b < unit; b++)
			*p++ = (char)(big ? cp >> (8 * (unit - 1 - b)) : cp >> (8 * b));
	}
	*len = (size_t)(p - out);
	return out;
}

static void expect_text(const char *in, size_t len, const char *charset, const char *want)
{
	char *out = NULL;
	size_t out_len = 0;

	assert_int_equal(rl_charset_to_utf8(&out, &out_len, in, len, charset), 0);
	assert_string_equal(out, want);
	free(out);
}

static void test_utf16_and_utf32_with_and_without_bom(void **state)
{
	for (int unit = 2; unit <= 4; unit += 2)
		for (int big = 0; big <= 1; big++)
			for (int bom = 0; bom <= 1; bom++) {
				size_t len;
				char *w = widen(&len, TEXT, unit, big, bom);
				expect_text(w, len, NULL, TEXT);
				free(w);
			}
}

static void test_a_bom_beats_the_declared_charset(void **state)
{
	expect_text("\xEF\xBB\xBF" "caf\xC3\xA9", 8, "windows-1252", "caf\xC3\xA9");
	expect_text("caf\xE9", 4, "iso-8859-1", "caf\xC3\xA9");
}

static char *first_title(const char *html, size_t len, const char *http_charset)
{
	rl_extract_opts opts = { 0 };
	rl_item_list items = { 0 };
	char *title;

	opts.base_url = "https://example.nl/";
	opts.charset = http_charset;
	assert_int_equal(rl_extract(&items, html, len, RL_FORMAT_HTML, &opts), 0);
	assert_true(items.n > 0);
	title = strdup(items.v[0].title);
	rl_item_list_release(&items);
	return title;
}

#define PAGE(meta, title)                                                                   \
	"<html><head>" meta "</head><body><article><h2><a href=\"/a\">" title "</a></h2>"    \
	"<p>The body of the story.</p></article><article><h2><a href=\"/b\">Second</a></h2>"  \
	"<p>More.</p></article></body></html>"

static void test_http_charset_beats_meta_and_bom_beats_both(void **state)
{
	static const char latin1_meta_utf8[] = PAGE("<meta charset=\"utf-8\">", "Caf\xE9 story");
	static const char latin1_meta[] = PAGE("<meta charset=\"iso-8859-1\">", "Caf\xE9 story");
	static const char bom_utf8[] = "\xEF\xBB\xBF" PAGE("", "Caf\xC3\xA9 story");
	char *t;

	t = first_title(latin1_meta_utf8, sizeof(latin1_meta_utf8) - 1, "iso-8859-1");
	assert_string_equal(t, "Caf\xC3\xA9 story");
	free(t);
	t = first_title(latin1_meta, sizeof(latin1_meta) - 1, NULL);
	assert_string_equal(t, "Caf\xC3\xA9 story");
	free(t);
	t = first_title(bom_utf8, sizeof(bom_utf8) - 1, "iso-8859-1");
	assert_string_equal(t, "Caf\xC3\xA9 story");
	free(t);
}

static void test_replacement_char_is_never_double_encoded(void **state)
{
	/* windows-1252 with a NUL (which becomes U+FFFD) and no charset. */
	static const char cp1252_nul[] = PAGE("", "Caf\xE9 \0 story");
	/* UTF-8 holding a U+FFFD and one stray byte. */
	static const char utf8_stray[] = PAGE("", "Caf\xC3\xA9 \xEF\xBF\xBD \x96 story");
	char *t;

	t = first_title(cp1252_nul, sizeof(cp1252_nul) - 1, NULL);
	assert_non_null(strstr(t, "Caf\xC3\xA9"));
	assert_null(strstr(t, "\xC3\xAF\xC2\xBF\xC2\xBD"));
	free(t);
	t = first_title(utf8_stray, sizeof(utf8_stray) - 1, NULL);
	assert_non_null(strstr(t, "Caf\xC3\xA9 \xEF\xBF\xBD"));
	assert_null(strstr(t, "\xC3\xAF\xC2\xBF\xC2\xBD"));
	free(t);
}

static void test_utf16_pages_are_sniffed_and_read(void **state)
{
	static const char page[] = PAGE("", "Caf\xC3\xA9 story");
	for (int bom = 0; bom <= 1; bom++) {
		size_t len;
		char *w = widen(&len, page, 2, 0, bom), *t;
		assert_int_equal(rl_extract_sniff(w, len), RL_FORMAT_HTML);
		t = first_title(w, len, NULL);
		assert_string_equal(t, "Caf\xC3\xA9 story");
		free(t);
		free(w);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf16_and_utf32_with_and_without_bom),
		cmocka_unit_test(test_a_bom_beats_the_declared_charset),
		cmocka_unit_test(test_http_charset_beats_meta_and_bom_beats_both),
		cmocka_unit_test(test_replacement_char_is_never_double_encoded),
		cmocka_unit_test(test_utf16_pages_are_sniffed_and_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
