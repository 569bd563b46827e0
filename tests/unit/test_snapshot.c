/* snapshot.c from its documentation: the story file of docs/archive-format.md
 * byte for byte, its XXH3-128 (checked against libxxhash directly), what
 * rl_snapshot_prepare does to extracted items, and the 12-hex ids. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/charset.h"
#include "redline/normalise.h"
#include "redline/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define T0 1795856400 /* 2026-11-28T09:00:00Z */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static rl_item *add(rl_item_list *list, const char *guid, const char *link, const char *title,
		    const char *body)
{
	rl_item *it = NULL;
	assert_int_equal(rl_item_list_add(&it, list), 0);
	it->guid = dup_or_null(guid);
	it->link = dup_or_null(link);
	it->title = dup_or_null(title);
	it->body = dup_or_null(body);
	return it;
}

static void prepare(rl_item_list *list, const char *base)
{
	rl_normaliser *n = NULL;
	assert_int_equal(rl_normaliser_new(&n, NULL, 0), 0);
	assert_int_equal(rl_snapshot_prepare(list, n, base), 0);
	rl_normaliser_free(n);
}

static void assert_hash_is_xxh3_128_of_text(const rl_item *it)
{
	XXH128_hash_t h = XXH3_128bits(it->text, strlen(it->text));
	assert_true(h.high64 == it->hash.high);
	assert_true(h.low64 == it->hash.low);
}

/* --- rendering --------------------------------------------------------- */

static void test_render_gives_the_documented_file_byte_for_byte(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_item *it = add(&list, "tag:example.nl,2026:123", NULL, "VS schatten aantal soldaten op 10.000",
			  "WASHINGTON (ANP/AFP) - Noord-Korea heeft 10.000 militairen gestuurd. "
			  "Vorige week waren het er 3000.\nDe troepen worden ingezet.");
	const char *want =
		"Title: VS schatten aantal soldaten op 10.000\n"
		"URL: https://example.nl/nieuws/123\n"
		"GUID: tag:example.nl,2026:123\n"
		"Source: anp\n"
		"First-Seen: 2026-11-28T09:00:00Z\n"
		"Id: 3fa2c1d0e9ab\n"
		"\n"
		"WASHINGTON (ANP/AFP) - Noord-Korea heeft 10.000 militairen gestuurd.\n"
		"Vorige week waren het er 3000.\n"
		"\n"
		"De troepen worden ingezet.\n";
	(void)state;
	it->url = strdup("https://example.nl/nieuws/123");
	it->id = strdup("3fa2c1d0e9ab");
	assert_int_equal(rl_snapshot_render(it, "anp", T0, NULL), 0);
	assert_string_equal(it->text, want);
	assert_hash_is_xxh3_128_of_text(it);
	rl_item_list_release(&list);
}

static void test_render_guid_only_when_it_differs_from_the_url(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_item *same = add(&list, "https://example.nl/a", NULL, "Een", "Tekst een.");
	rl_item *none = add(&list, NULL, NULL, "Twee", "Tekst twee.");
	(void)state;
	same->url = strdup("https://example.nl/a");
	same->id = strdup("000000000001");
	none->id = strdup("000000000002");
	assert_int_equal(rl_snapshot_render(same, "nos", T0, NULL), 0);
	assert_int_equal(rl_snapshot_render(none, "nos", T0, NULL), 0);
	assert_string_equal(same->text, "Title: Een\nURL: https://example.nl/a\nSource: nos\n"
					"First-Seen: 2026-11-28T09:00:00Z\nId: 000000000001\n\nTekst een.\n");
	assert_string_equal(none->text, "Title: Twee\nSource: nos\n"
					"First-Seen: 2026-11-28T09:00:00Z\nId: 000000000002\n\nTekst twee.\n");
	assert_hash_is_xxh3_128_of_text(same);
	assert_hash_is_xxh3_128_of_text(none);
	rl_item_list_release(&list);
}

static void test_render_status_comes_last_in_the_header(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_item *it = add(&list, NULL, NULL, "Weg", "Eerste zin. Tweede zin.");
	(void)state;
	it->url = strdup("https://example.nl/weg");
	it->id = strdup("abcdefabcdef");
	assert_int_equal(rl_snapshot_render(it, "anp", T0,
					    "removed (HTTP 404, 2026-11-29T10:00:00Z)"), 0);
	assert_string_equal(it->text, "Title: Weg\nURL: https://example.nl/weg\nSource: anp\n"
				      "First-Seen: 2026-11-28T09:00:00Z\nId: abcdefabcdef\n"
				      "Status: removed (HTTP 404, 2026-11-29T10:00:00Z)\n"
				      "\nEerste zin.\nTweede zin.\n");
	assert_hash_is_xxh3_128_of_text(it);
	rl_item_list_release(&list);
}

static void test_render_hash_follows_every_byte(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_item *a = add(&list, NULL, NULL, "Titel", "Er zijn 3000 soldaten.");
	rl_item *b = add(&list, NULL, NULL, "Titel", "Er zijn 3001 soldaten.");
	rl_hash128 first;
	(void)state;
	a->id = strdup("0123456789ab");
	b->id = strdup("0123456789ab");
	assert_int_equal(rl_snapshot_render(a, "anp", T0, NULL), 0);
	assert_int_equal(rl_snapshot_render(b, "anp", T0, NULL), 0);
	assert_false(rl_hash128_equal(a->hash, b->hash));
	first = a->hash;
	assert_int_equal(rl_snapshot_render(a, "anp", T0, NULL), 0);
	assert_true(rl_hash128_equal(a->hash, first)); /* rendering is deterministic */
	assert_int_equal(rl_snapshot_render(a, "anp", T0 + 1, NULL), 0);
	assert_false(rl_hash128_equal(a->hash, first)); /* First-Seen is in the file */
	rl_item_list_release(&list);
}

/* --- prepare ----------------------------------------------------------- */

static void test_prepare_title_is_one_line(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, "https://example.nl/1", "Eerste\nregel\r\nen\tdan", "Tekst.");
	prepare(&list, NULL);
	assert_int_equal(list.n, 1);
	assert_null(strchr(list.v[0].title, '\n'));
	assert_null(strchr(list.v[0].title, '\r'));
	assert_null(strchr(list.v[0].title, '\t'));
	assert_string_equal(list.v[0].title, "Eerste regel en dan");
	rl_item_list_release(&list);
}

/* A cut title is a prefix of the title and "…", within the maximum. */
static void assert_cut_title(const char *orig, const char *cut)
{
	size_t n = strlen(cut), e = sizeof("\u2026") - 1;
	assert_true(n <= RL_SNAPSHOT_TITLE_MAX);
	assert_true(n > e);
	assert_true(rl_charset_is_utf8(cut, n));
	assert_string_equal(cut + n - e, "\u2026");
	assert_memory_equal(orig, cut, n - e); /* a prefix of the title */
}

static void test_prepare_long_title_cut_at_a_word_within_the_max(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	char orig[1024] = "";
	const char *cut;
	(void)state;
	for (int i = 0; i < 60; i++)
		strcat(orig, "café Liège "); /* 13 bytes a round, accents everywhere */
	orig[strlen(orig) - 1] = '\0';
	add(&list, NULL, "https://example.nl/1", orig, "Tekst.");
	prepare(&list, NULL);
	cut = list.v[0].title;
	assert_cut_title(orig, cut);
	/* cut at a word: the next byte of the original is the space after it */
	assert_int_equal(orig[strlen(cut) - strlen("\u2026")], ' ');
	assert_true(strlen(cut) > RL_SNAPSHOT_TITLE_MAX / 2);
	rl_item_list_release(&list);
}

static void test_prepare_long_title_without_spaces_never_splits_utf8(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	char orig[1024] = "a";
	(void)state;
	for (int i = 0; i < 150; i++)
		strcat(orig, "€"); /* 3 bytes each: byte 300 is inside one */
	add(&list, NULL, "https://example.nl/1", orig, "Tekst.");
	prepare(&list, NULL);
	assert_cut_title(orig, list.v[0].title);
	assert_true(strlen(list.v[0].title) >= RL_SNAPSHOT_TITLE_MAX - 6);
	rl_item_list_release(&list);
}

static void test_prepare_canonicalises_links_against_the_base(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, "/nieuws/1?utm_source=rss&id=5&utm_medium=feed#reacties", "Een", "Tekst.");
	add(&list, NULL, "../sport/2?fbclid=abc", "Twee", "Tekst.");
	prepare(&list, "https://Example.NL/buitenland/index.html");
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].url, "https://example.nl/nieuws/1?id=5");
	assert_string_equal(list.v[0].key, "https://example.nl/nieuws/1?id=5");
	assert_string_equal(list.v[1].url, "https://example.nl/sport/2");
	assert_string_equal(list.v[1].key, "https://example.nl/sport/2");
	rl_item_list_release(&list);
}

static void test_prepare_drops_javascript_and_mailto_links(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, "javascript:alert(1)", "Een", "Tekst een.");
	add(&list, NULL, "mailto:redactie@example.nl", "Twee", "Tekst twee.");
	prepare(&list, "https://example.nl/");
	assert_int_equal(list.n, 2); /* the stories stay, without a link */
	for (size_t i = 0; i < 2; i++) {
		assert_null(list.v[i].url);
		assert_null(list.v[i].key);
	}
	assert_int_equal(rl_error_last_code(), 0);
	rl_item_list_release(&list);
}

static void test_prepare_key_is_guid_else_canonical_url(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, "tag:example.nl,2026:1", "https://example.nl/a?utm_campaign=x", "Een", "Tekst.");
	add(&list, NULL, "https://example.nl/b?utm_campaign=x", "Twee", "Tekst.");
	add(&list, "https://example.nl/c", NULL, "Drie", "Tekst.");
	prepare(&list, NULL);
	assert_int_equal(list.n, 3);
	assert_string_equal(list.v[0].key, "tag:example.nl,2026:1");
	assert_string_equal(list.v[0].url, "https://example.nl/a");
	assert_string_equal(list.v[1].key, "https://example.nl/b");
	assert_string_equal(list.v[2].key, "https://example.nl/c");
	assert_string_equal(list.v[2].url, "https://example.nl/c"); /* a URL guid is the link */
	rl_item_list_release(&list);
}

static void test_prepare_duplicate_keys_keep_the_first(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, "https://example.nl/a", "Eerste", "Tekst.");
	add(&list, NULL, "https://example.nl/b", "Ander", "Tekst.");
	add(&list, NULL, "https://example.nl/a?utm_source=x#boven", "Tweede", "Tekst.");
	add(&list, "g1", "https://example.nl/c", "Derde", "Tekst.");
	add(&list, "g1", "https://example.nl/d", "Vierde", "Tekst.");
	prepare(&list, NULL);
	assert_int_equal(list.n, 3);
	assert_string_equal(list.v[0].title, "Eerste");
	assert_string_equal(list.v[1].title, "Ander");
	assert_string_equal(list.v[2].title, "Derde");
	rl_item_list_release(&list);
}

static void test_prepare_drops_items_without_text(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, "https://example.nl/leeg", NULL, NULL);
	add(&list, NULL, "https://example.nl/wit", " \t ", "\xe2\x80\x8b \xc2\xa0"); /* ZWSP, NBSP */
	add(&list, NULL, "https://example.nl/vol", "Blijft", "Tekst.");
	add(&list, NULL, NULL, "   ", "");
	prepare(&list, NULL);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "Blijft");
	rl_item_list_release(&list);
}

static void test_prepare_wire_item_title_is_first_sentence_without_dateline(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, NULL, NULL,
	    "KYIV (ANP) - De Oekraïense president zegt dat er meer hulp nodig is. Hij sprak in Kyiv.\n"
	    "Een tweede alinea.");
	add(&list, NULL, NULL, NULL, "(ANP/AFP) - Zonder plaatsnaam. Nog een zin.");
	prepare(&list, NULL);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].title, "De Oekraïense president zegt dat er meer hulp nodig is.");
	assert_string_equal(list.v[1].title, "Zonder plaatsnaam.");
	assert_null(list.v[0].key);
	rl_item_list_release(&list);
}

/* docs/extraction.md: a dateline ends in "-", "–" or "—"; each is a dateline. */
static void test_prepare_wire_title_without_dash_variants_of_the_dateline(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	(void)state;
	add(&list, NULL, NULL, NULL, "BERLIJN (dpa) – Duitsland stemt in. Meer volgt.");
	add(&list, NULL, NULL, NULL, "PARIJS (AFP) — Frankrijk twijfelt. Meer volgt.");
	prepare(&list, NULL);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].title, "Duitsland stemt in.");
	assert_string_equal(list.v[1].title, "Frankrijk twijfelt.");
	rl_item_list_release(&list);
}

/* --- ids --------------------------------------------------------------- */

static int is_12_hex(const char *s)
{
	if (strlen(s) != 12)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void test_id_for_key_is_first_48_bits_of_xxh3_64(void **state)
{
	const char *keys[] = { "https://example.nl/nieuws/123", "tag:example.nl,2026:123", "",
			       "é ∑ \xf0\x9f\x98\x80" };
	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		char id[13], again[13], want[13], buf[256];
		int n = snprintf(buf, sizeof(buf), "key\n%s", keys[i]);
		snprintf(want, sizeof(want), "%012llx",
			 (unsigned long long)(XXH3_64bits(buf, (size_t)n) >> 16));
		rl_snapshot_id_for_key(id, keys[i]);
		rl_snapshot_id_for_key(again, keys[i]);
		assert_true(is_12_hex(id));
		assert_string_equal(id, want);
		assert_string_equal(id, again);
	}
}

static void test_id_for_key_differs_between_keys(void **state)
{
	char a[13], b[13];
	(void)state;
	rl_snapshot_id_for_key(a, "https://example.nl/a");
	rl_snapshot_id_for_key(b, "https://example.nl/b");
	assert_string_not_equal(a, b);
}

static void test_id_for_new_is_12_hex_and_salted(void **state)
{
	char a[13], b[13], c[13], d[13];
	(void)state;
	rl_snapshot_id_for_new(a, "anp", T0, "Titel", 0);
	rl_snapshot_id_for_new(b, "anp", T0, "Titel", 1);
	rl_snapshot_id_for_new(c, "anp", T0, "Titel", 0);
	rl_snapshot_id_for_new(d, "anp", T0 + 60, "Titel", 0);
	assert_true(is_12_hex(a));
	assert_true(is_12_hex(b));
	assert_string_not_equal(a, b);
	assert_string_equal(a, c);
	assert_string_not_equal(a, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_gives_the_documented_file_byte_for_byte),
		cmocka_unit_test(test_render_guid_only_when_it_differs_from_the_url),
		cmocka_unit_test(test_render_status_comes_last_in_the_header),
		cmocka_unit_test(test_render_hash_follows_every_byte),
		cmocka_unit_test(test_prepare_title_is_one_line),
		cmocka_unit_test(test_prepare_long_title_cut_at_a_word_within_the_max),
		cmocka_unit_test(test_prepare_long_title_without_spaces_never_splits_utf8),
		cmocka_unit_test(test_prepare_canonicalises_links_against_the_base),
		cmocka_unit_test(test_prepare_drops_javascript_and_mailto_links),
		cmocka_unit_test(test_prepare_key_is_guid_else_canonical_url),
		cmocka_unit_test(test_prepare_duplicate_keys_keep_the_first),
		cmocka_unit_test(test_prepare_drops_items_without_text),
		cmocka_unit_test(test_prepare_wire_item_title_is_first_sentence_without_dateline),
		cmocka_unit_test(test_prepare_wire_title_without_dash_variants_of_the_dateline),
		cmocka_unit_test(test_id_for_key_is_first_48_bits_of_xxh3_64),
		cmocka_unit_test(test_id_for_key_differs_between_keys),
		cmocka_unit_test(test_id_for_new_is_12_hex_and_salted),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
