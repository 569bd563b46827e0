/* Unicode normalisation, ignore patterns and the full pipeline: each rule of
 * normalise.h on its own, then all of them in order. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/charset.h"
#include "redline/normalise.h"

#include <stdlib.h>
#include <string.h>

static char *uni(const char *in, size_t len)
{
	char *out = NULL;
	assert_int_equal(rl_normalise_unicode(&out, in, len), 0);
	assert_true(rl_charset_is_utf8(out, strlen(out)));
	return out;
}

#define EXPECT_UNI(in, want) do { \
	char *got_ = uni(in, sizeof(in) - 1); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void test_invalid_bytes_become_replacement_char(void **state)
{
	EXPECT_UNI("a\xFF" "b", "a\xEF\xBF\xBD" "b");
	/* overlong, surrogate and truncated sequences */
	EXPECT_UNI("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD");
	EXPECT_UNI("x\xED\xA0\x80y", "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy");
	EXPECT_UNI("caf\xC3", "caf\xEF\xBF\xBD");
}

static void test_nul_bytes_dropped(void **state)
{
	EXPECT_UNI("a\0b\0\0c", "abc");
}

static void test_nfc(void **state)
{
	/* e + combining acute -> é; Å as A + ring -> U+00C5 */
	EXPECT_UNI("Oekrai\xCC\x88" "ne", "Oekraïne");
	EXPECT_UNI("A\xCC\x8A", "\xC3\x85");
	/* compatibility characters are not folded (NFC, not NFKC) */
	EXPECT_UNI("\xEF\xAC\x81", "\xEF\xAC\x81");
}

static void test_unicode_spaces_become_space(void **state)
{
	/* NBSP, narrow NBSP, em space, ideographic space, tab */
	EXPECT_UNI("10\xC2\xA0" "000 euro", "10 000 euro");
	EXPECT_UNI("3\xE2\x80\xAF%", "3 %");
	EXPECT_UNI("a\xE2\x80\x83" "b\xE3\x80\x80" "c\td", "a b c d");
}

static void test_invisible_chars_removed(void **state)
{
	/* ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen */
	EXPECT_UNI("a\xE2\x80\x8B" "b\xE2\x80\x8C" "c\xE2\x80\x8D" "d\xE2\x81\xA0" "e\xEF\xBB\xBF" "f",
		   "abcdef");
	EXPECT_UNI("ver\xC2\xAD" "kie\xC2\xAD" "zin\xC2\xAD" "gen", "verkiezingen");
}

static void test_invisible_between_letter_and_accent_still_composes(void **state)
{
	EXPECT_UNI("e\xE2\x80\x8B\xCC\x81", "\xC3\xA9");
}

static void test_control_chars_and_line_ends(void **state)
{
	EXPECT_UNI("a\x01" "b\x7F" "c\xC2\x85" "d", "abc\nd");
	EXPECT_UNI("een\r\ntwee\rdrie\xE2\x80\xA8vier", "een\ntwee\ndrie\nvier");
}

static void test_whitespace_collapsed_lines_trimmed_empty_dropped(void **state)
{
	EXPECT_UNI("  a   b  \n\n   \n c \n", "a b\nc");
	EXPECT_UNI("\xC2\xA0\n\xE2\x80\x8B\n", "");
}

static void test_too_big(void **state)
{
	char *big = malloc(RL_NORMALISE_MAX + 1), *out = (char *)1;
	memset(big, 'a', RL_NORMALISE_MAX + 1);
	assert_int_equal(rl_normalise_unicode(&out, big, RL_NORMALISE_MAX + 1), RL_ETOOBIG);
	assert_null(out);
	/* within the cap, but U+FFFD triples each bad byte past it */
	memset(big, 0xFF, RL_NORMALISE_MAX);
	assert_int_equal(rl_normalise_unicode(&out, big, RL_NORMALISE_MAX), RL_ETOOBIG);
	assert_non_null(strstr(rl_error_last(), "larger than"));
	free(big);
}

static void test_ignore_patterns_removed(void **state)
{
	const char *pats[] = { "Aantal keer bekeken: \\d+", "^Advertentie$" };
	const char *in;
	rl_normaliser *nz;
	char *out;

	assert_int_equal(rl_normaliser_new(&nz, pats, 2), 0);
	assert_int_equal(rl_normalise_strip_ignored(&out, nz, "Nieuws. Aantal keer bekeken: 4099 Meer"), 0);
	assert_string_equal(out, "Nieuws.   Meer");
	free(out);
	/* ^ and $ work per line; the pipeline then drops the emptied line */
	in = "Een\nAdvertentie\nTwee\nGeen Advertentie";
	assert_int_equal(rl_normalise_text(&out, nz, in, strlen(in)), 0);
	assert_string_equal(out, "Een\nTwee\nGeen Advertentie");
	free(out);
	rl_normaliser_free(nz);
}

static void test_empty_matching_pattern_removes_nothing(void **state)
{
	const char *pats[] = { "x*" };
	rl_normaliser *nz;
	char *out;

	assert_int_equal(rl_normaliser_new(&nz, pats, 1), 0);
	assert_int_equal(rl_normalise_strip_ignored(&out, nz, "abxxcé"), 0);
	assert_string_equal(out, "ab cé");
	free(out);
	rl_normaliser_free(nz);
}

static void test_bad_pattern_names_pattern_and_offset(void **state)
{
	const char *pats[] = { "ok", "foo(bar" };
	rl_normaliser *nz = (rl_normaliser *)1;

	assert_int_equal(rl_normaliser_new(&nz, pats, 2), RL_EINVAL);
	assert_null(nz);
	assert_non_null(strstr(rl_error_last(), "'foo(bar'"));
	assert_non_null(strstr(rl_error_last(), "offset 7"));
	rl_normaliser_free(NULL);
}

static void test_catastrophic_pattern_is_an_error_not_a_hang(void **state)
{
	const char *pats[] = { "(a+)+$" };
	rl_normaliser *nz;
	char in[64], *out = NULL;

	memset(in, 'a', sizeof(in) - 2);
	in[sizeof(in) - 2] = '!';
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(rl_normaliser_new(&nz, pats, 1), 0);
	assert_int_equal(rl_normalise_strip_ignored(&out, nz, in), RL_EINVAL);
	assert_null(out);
	assert_non_null(strstr(rl_error_last(), "limit"));
	rl_normaliser_free(nz);
}

/* All rules, in order: the pipeline turns a messy page into clean lines. */
static void test_pipeline_order(void **state)
{
	const char in[] = "\xEF\xBB\xBF  2\xC2\xA0uur geleden" "ANKARA (ANP) - Het wrak\xE2\x80\x8B is gevonden.\r\n"
			  "\n  Bijgewerkt 5 minuten geleden \n"
			  "Caf\x65\xCC\x81 open \xFF  Views: 12\n";
	const char *pats[] = { "Views: \\d+" };
	rl_normaliser *nz;
	char *out;

	assert_int_equal(rl_normaliser_new(&nz, pats, 1), 0);
	assert_int_equal(rl_normalise_text(&out, nz, in, sizeof(in) - 1), 0);
	assert_string_equal(out, "ANKARA (ANP) - Het wrak is gevonden.\nCafé open \xEF\xBF\xBD");
	free(out);
	rl_normaliser_free(nz);
}

static void test_pipeline_is_idempotent_on_seed(void **state)
{
	char *path = tu_shared_path("seeds/000_cab50403b27c31fc.txt"), *raw, *once, *twice;
	rl_normaliser *nz;
	size_t len;

	if (path == NULL)
		tu_skip();
	assert_non_null(raw = tu_read_file(path, &len));
	assert_int_equal(rl_normaliser_new(&nz, NULL, 0), 0);
	assert_int_equal(rl_normalise_text(&once, nz, raw, len), 0);
	assert_int_equal(rl_normalise_text(&twice, nz, once, strlen(once)), 0);
	assert_string_equal(once, twice);
	/* the timestamps are gone, the news stays */
	assert_null(strstr(once, "geleden"));
	assert_non_null(strstr(once, "\nANKARA (ANP/RTR) - Het wrak"));
	assert_non_null(strstr(once, "\"Wij willen de stem van ons deel van Europa zijn.\""));
	free(once);
	free(twice);
	free(raw);
	free(path);
	rl_normaliser_free(nz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invalid_bytes_become_replacement_char),
		cmocka_unit_test(test_nul_bytes_dropped),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_unicode_spaces_become_space),
		cmocka_unit_test(test_invisible_chars_removed),
		cmocka_unit_test(test_invisible_between_letter_and_accent_still_composes),
		cmocka_unit_test(test_control_chars_and_line_ends),
		cmocka_unit_test(test_whitespace_collapsed_lines_trimmed_empty_dropped),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_ignore_patterns_removed),
		cmocka_unit_test(test_empty_matching_pattern_removes_nothing),
		cmocka_unit_test(test_bad_pattern_names_pattern_and_offset),
		cmocka_unit_test(test_catastrophic_pattern_is_an_error_not_a_hang),
		cmocka_unit_test(test_pipeline_order),
		cmocka_unit_test(test_pipeline_is_idempotent_on_seed),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
