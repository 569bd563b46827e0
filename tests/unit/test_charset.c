/* Charsets: whatever comes in, valid UTF-8 comes out. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/charset.h"
#include "redline/normalise.h"

#include <stdlib.h>
#include <string.h>

static char *conv(const char *in, size_t len, const char *charset, size_t *out_len)
{
	char *out = NULL;
	assert_int_equal(rl_charset_to_utf8(&out, out_len, in, len, charset), 0);
	assert_true(rl_charset_is_utf8(out, *out_len));
	return out;
}

#define EXPECT_CONV(in, charset, want) do { \
	size_t n_; \
	char *got_ = conv(in, sizeof(in) - 1, charset, &n_); \
	assert_int_equal(n_, sizeof(want) - 1); \
	assert_memory_equal(got_, want, n_); \
	free(got_); \
} while (0)

static void test_bom_wins(void **state)
{
	EXPECT_CONV("\xEF\xBB\xBF" "caf\xC3\xA9", "windows-1252", "caf\xC3\xA9");
	EXPECT_CONV("\xFF\xFE" "c\0a\0f\0\xE9\0", "utf-8", "caf\xC3\xA9");
	EXPECT_CONV("\xFE\xFF" "\0c\0a\0f\0\xE9", NULL, "caf\xC3\xA9");
}

static void test_latin1_and_ascii_read_as_windows_1252(void **state)
{
	/* 0x93/0x94 are curly quotes in windows-1252, C1 controls in ISO-8859-1 */
	EXPECT_CONV("\x93" "hi\x94 \x80", "ISO-8859-1", "\xE2\x80\x9C" "hi\xE2\x80\x9D \xE2\x82\xAC");
	EXPECT_CONV("\x93" "hi\x94", "us-ascii", "\xE2\x80\x9C" "hi\xE2\x80\x9D");
	EXPECT_CONV("\xE9", "latin1", "\xC3\xA9");
	/* the five holes of windows-1252 decode as browsers do, never fail */
	EXPECT_CONV("\x81\x8D\x8F\x90\x9D", "windows-1252", "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D");
}

static void test_null_charset_sniffs_utf8_then_windows_1252(void **state)
{
	EXPECT_CONV("Oekra\xC3\xAF" "ne", NULL, "Oekra\xC3\xAF" "ne");
	EXPECT_CONV("Oekra\xEF" "ne", NULL, "Oekra\xC3\xAF" "ne");
}

/* A UTF-8 page with a stray byte keeps its accents (the stray byte becomes
 * U+FFFD); a page with no valid multi-byte sequence at all is windows-1252. */
static void test_null_charset_utf8_with_stray_bytes_stays_utf8(void **state)
{
	EXPECT_CONV("Oekra\xC3\xAF" "ne \xFF\xFE en Li\xC3\xA8ge", NULL,
		    "Oekra\xC3\xAF" "ne \xEF\xBF\xBD\xEF\xBF\xBD en Li\xC3\xA8ge");
	EXPECT_CONV("Caf\xE9 in Li\xE8ge \x93" "a\x94", NULL,
		    "Caf\xC3\xA9 in Li\xC3\xA8ge \xE2\x80\x9C" "a\xE2\x80\x9D");
	/* many invalid runs against one valid sequence: windows-1252 wins */
	EXPECT_CONV("\xC3\xA9 \xE9 \xE8 \xE0 \xEB \xEF", NULL,
		    "\xC3\x83\xC2\xA9 \xC3\xA9 \xC3\xA8 \xC3\xA0 \xC3\xAB \xC3\xAF");
}

static void test_other_labels_through_iconv(void **state)
{
	EXPECT_CONV("\xA4", "iso-8859-15", "\xE2\x82\xAC");
	EXPECT_CONV("\xCF\xF0\xE8\xE2\xE5\xF2", "windows-1251", "Привет");
	EXPECT_CONV("\x82\xA0", "shift_jis", "あ");
	EXPECT_CONV("  \"UTF-8\" ", "Utf-8", "  \"UTF-8\" ");
}

static void test_invalid_sequences_become_replacement(void **state)
{
	EXPECT_CONV("a\xFF" "b", "utf-8", "a\xEF\xBF\xBD" "b");
	/* a lead byte of shift_jis cut off at the end */
	EXPECT_CONV("a\x82", "shift_jis", "a\xEF\xBF\xBD");
	/* a lone surrogate and an odd trailing byte in UTF-16 */
	EXPECT_CONV("\xFF\xFE" "a\0\x00\xD8" "b\0x", NULL, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

static void test_nul_bytes_are_kept_and_counted(void **state)
{
	EXPECT_CONV("a\0b", "utf-8", "a\0b");
}

static void test_unknown_or_hostile_labels_rejected(void **state)
{
	const char *bad[] = { "klingon", "utf-8//TRANSLIT", "../../etc/x", "", "utf 8",
			      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *out = (char *)1;
		size_t n = 1;
		assert_int_equal(rl_charset_to_utf8(&out, &n, "x", 1, bad[i]), RL_EINVAL);
		assert_null(out);
		assert_non_null(strstr(rl_error_last(), "unknown charset"));
	}
}

static void test_repair_replaces_maximal_subparts(void **state)
{
	/* Unicode's example: F0 80 80 is three bad bytes, E1 80 one truncated sequence */
	char *out;
	size_t n;
	assert_int_equal(rl_charset_repair_utf8(&out, &n, "\xE1\x80" "A\xF0\x80\x80", 6), 0);
	assert_string_equal(out, "\xEF\xBF\xBD" "A\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	free(out);
	assert_false(rl_charset_is_utf8("\xF4\x90\x80\x80", 4));
	assert_true(rl_charset_is_utf8("\xF4\x8F\xBF\xBF", 4));
}

static void test_random_bytes_never_crash(void **state)
{
	static const char *labels[] = { NULL, "utf-8", "windows-1252", "shift_jis", "utf-16", "gb18030",
					"iso-2022-jp", "koi8-r" };
	unsigned seed = 12345;
	char buf[512];

	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)(seed >> 16);
		}
		for (size_t l = 0; l < sizeof(labels) / sizeof(*labels); l++) {
			char *out;
			size_t n;
			assert_int_equal(rl_charset_to_utf8(&out, &n, buf, sizeof(buf), labels[l]), 0);
			assert_true(rl_charset_is_utf8(out, n));
			free(out);
		}
	}
}

static void test_corpus_utf8_page_kept_byte_for_byte(void **state)
{
	/* a German page of the corpus: valid UTF-8 stays byte for byte */
	char *path = tu_shared_path("corpus/trafilatura/tests/cache"), *out, *raw;
	char *file = NULL;
	size_t len, n;

	if (path == NULL)
		tu_skip();
	if (tu_sh(&file, "ls %s/*zeit* 2>/dev/null | head -1", path) != 0 || file[0] == '\0') {
		free(file);
		free(path);
		tu_skip();
	}
	file[strcspn(file, "\n")] = '\0';
	assert_non_null(raw = tu_read_file(file, &len));
	assert_int_equal(rl_charset_to_utf8(&out, &n, raw, len, NULL), 0);
	assert_true(rl_charset_is_utf8(out, n));
	if (rl_charset_is_utf8(raw, len))
		assert_memory_equal(out, raw, len);
	free(out);
	free(raw);
	free(file);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom_wins),
		cmocka_unit_test(test_latin1_and_ascii_read_as_windows_1252),
		cmocka_unit_test(test_null_charset_sniffs_utf8_then_windows_1252),
		cmocka_unit_test(test_other_labels_through_iconv),
		cmocka_unit_test(test_invalid_sequences_become_replacement),
		cmocka_unit_test(test_nul_bytes_are_kept_and_counted),
		cmocka_unit_test(test_unknown_or_hostile_labels_rejected),
		cmocka_unit_test(test_repair_replaces_maximal_subparts),
		cmocka_unit_test(test_null_charset_utf8_with_stray_bytes_stays_utf8),
		cmocka_unit_test(test_random_bytes_never_crash),
		cmocka_unit_test(test_corpus_utf8_page_kept_byte_for_byte),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
