/* Safe paths: whatever a title holds, a slug is [a-z0-9-], bounded, never
 * "..", "/" or ".git"; rl_path_is_safe() is the gate before every commit. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/path.h"

#include <stdlib.h>
#include <string.h>

/* Every slug obeys the format's rules, whatever went in. */
static void assert_slug_shape(const char *slug)
{
	size_t len = strlen(slug);
	assert_true(len >= 1 && len <= RL_PATH_SLUG_MAX);
	assert_true(slug[0] != '-' && slug[len - 1] != '-');
	assert_null(strstr(slug, "--"));
	for (size_t i = 0; i < len; i++)
		assert_true((slug[i] >= 'a' && slug[i] <= 'z') || (slug[i] >= '0' && slug[i] <= '9') ||
			    slug[i] == '-');
}

static void check_slug(const char *title, const char *want)
{
	char slug[RL_PATH_SLUG_MAX + 1];
	rl_path_slug(slug, title);
	assert_slug_shape(slug);
	assert_string_equal(slug, want);
}

static void test_slug_examples(void **state)
{
	/* 64 characters in full: cut back to the '-' before "000". */
	check_slug("VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000",
		   "vs-schatten-aantal-noord-koreaanse-soldaten-in-rusland-op-10");
	check_slug("Oekraïne", "oekraine");
	check_slug("Zürich", "zurich");
	check_slug("Straße in København", "strasse-in-kobenhavn");
	check_slug("ÉLYSÉE: «Ça va?»", "elysee-ca-va");
}

static void test_slug_hostile_titles(void **state)
{
	check_slug("../../etc/passwd", "etc-passwd");
	check_slug(".git", "git");
	check_slug("\x01\x1b[31m", "31m");
	check_slug("a\x01" "b\x7f" "c\nd", "a-b-c-d");
	check_slug("!!! ... ??? --- ///", "story");
	check_slug("", "story");
	check_slug(NULL, "story");
	check_slug("\xF0\x9F\x94\xA5\xF0\x9F\x98\x80", "story");     /* emoji only */
	check_slug("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D 2024", "2024"); /* Hebrew (RTL) */
	check_slug("\xE2\x80\xAE" "evil\xE2\x80\xAC.txt", "evil-txt"); /* RTL override marks */
	check_slug("\xff\xfe invalid \xc3 utf8", "invalid-utf8");
}

static void test_slug_long_titles_are_bounded(void **state)
{
	char slug[RL_PATH_SLUG_MAX + 1];
	char *title = malloc(100001);

	/* One endless word: a hard cut at the maximum. */
	memset(title, 'a', 100000);
	title[100000] = '\0';
	rl_path_slug(slug, title);
	assert_slug_shape(slug);
	assert_int_equal(strlen(slug), RL_PATH_SLUG_MAX);

	/* Words: the cut falls on a boundary, never a trailing '-'. */
	for (size_t i = 0; i < 100000; i++)
		title[i] = (i % 7 == 6) ? ' ' : (char)('a' + i % 7);
	rl_path_slug(slug, title);
	assert_slug_shape(slug);
	assert_true(strlen(slug) > RL_PATH_SLUG_MAX - 7);
	assert_int_equal(strlen(slug) % 7, 6); /* whole words only */

	/* Multi-byte letters up to the input bound, cut never mid-character. */
	for (size_t i = 0; i + 2 <= 100000; i += 2)
		memcpy(title + i, "\xC3\xA9", 2); /* é */
	rl_path_slug(slug, title);
	assert_slug_shape(slug);
	assert_int_equal(strlen(slug), RL_PATH_SLUG_MAX);
	free(title);
}

static void test_source_names(void **state)
{
	char long_name[80];
	const char *good[] = { "anp", "nos.nl", "bbc_world-2", "0day", NULL };
	const char *bad[] = { "", ".", "..", ".git", ".hidden", "-x", "_x", "ANP", "a/b", "a b",
			      "a\\b", "x.lock", "caf\xC3\xA9", "a\x1b[31m", NULL };

	for (int i = 0; good[i]; i++)
		assert_int_equal(rl_path_source_name_check(good[i]), 0);
	for (int i = 0; bad[i]; i++)
		assert_int_equal(rl_path_source_name_check(bad[i]), RL_EINVAL);
	assert_int_equal(rl_path_source_name_check(NULL), RL_EINVAL);
	/* The message never echoes a control byte to the terminal. */
	rl_path_source_name_check("a\x1b[31m");
	assert_null(strchr(rl_error_last(), '\x1b'));

	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	assert_int_equal(rl_path_source_name_check(long_name), 0);
	long_name[64] = 'a';
	long_name[65] = '\0';
	assert_int_equal(rl_path_source_name_check(long_name), RL_EINVAL);
}

static void test_is_safe(void **state)
{
	char long_path[2100];
	const char *good[] = { "INDEX", ".gitattributes", "anp/INDEX", "anp/2026-11/x-3fa2c1d0e9ab.txt",
			       "a/.gitx/b", "a/..b/c", "a/b..", NULL };
	const char *bad[] = { "", "/etc/passwd", "a//b", "a/", "./a", "a/./b", "../a", "a/..",
			      ".git", ".git/config", "a/.GIT/b", "a/.Git", "a\\b", "a\nb", "a\x01",
			      "a\x7f", "a\tb", NULL };

	for (int i = 0; good[i]; i++)
		assert_true(rl_path_is_safe(good[i]));
	for (int i = 0; bad[i]; i++)
		assert_false(rl_path_is_safe(bad[i]));
	assert_false(rl_path_is_safe(NULL));

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	assert_false(rl_path_is_safe(long_path));   /* one component past 255 */
	for (size_t i = 100; i < sizeof(long_path) - 1; i += 100)
		long_path[i] = '/';
	assert_false(rl_path_is_safe(long_path));   /* whole path past the bound */
	long_path[900] = '\0';
	assert_true(rl_path_is_safe(long_path));
}

/* An ASCII title skips utf8proc: the same slug as the mapped path gives,
 * which a trailing em dash (a separator, dropped) forces. */
static void test_slug_ascii_same_as_mapped(void **state)
{
	char title[400], mapped[410], a[RL_PATH_SLUG_MAX + 1], b[RL_PATH_SLUG_MAX + 1];
	unsigned seed = 7;

	(void)state;
	for (int t = 0; t < 3000; t++) {
		size_t n = (size_t)rand_r(&seed) % 300;
		for (size_t i = 0; i < n; i++)
			title[i] = (char)(1 + rand_r(&seed) % 127); /* controls too, no NUL */
		title[n] = '\0';
		memcpy(mapped, title, n);
		memcpy(mapped + n, "\xe2\x80\x94", 4);
		rl_path_slug(a, title);
		rl_path_slug(b, mapped);
		assert_string_equal(a, b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug_examples),
		cmocka_unit_test(test_slug_ascii_same_as_mapped),
		cmocka_unit_test(test_slug_hostile_titles),
		cmocka_unit_test(test_slug_long_titles_are_bounded),
		cmocka_unit_test(test_source_names),
		cmocka_unit_test(test_is_safe),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
