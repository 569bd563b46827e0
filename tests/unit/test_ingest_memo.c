/* The batch's memo of prepared items (ingest_memo.c): a stream ingested
 * through one batch, where items unchanged since the source's last
 * snapshot are taken from the memo, makes the same commits as the same
 * stream ingested a snapshot a batch (no memo to take from); and a change
 * of the source's normalisation is never hidden by the memo.  Checked
 * with the real `git`. */
#include "testutil.h"
#include "fixtures.h"
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1795856400
#define HOUR 3600

/* A feed of stories first..last at `version`, and one story `odd` at
 * `odd_version`, its bytes made unique by `salt` (a comment) so that no
 * snapshot is skipped as the last one again. */
static char *stream_feed(int first, int last, int version, int odd, int odd_version, int salt)
{
	char *a = fx_feed("Verhaal", first, last, version), *b = NULL, *c = NULL;
	size_t n;

	if (odd > 0) {
		char *from = fx_feed("Verhaal", odd, odd, version), *to =
			fx_feed("Verhaal", odd, odd, odd_version);
		/* the item alone: between "<channel>" and "</channel>" */
		char *fi = strstr(from, "<item>"), *ti = strstr(to, "<item>"), *at;
		*strstr(fi, "</channel>") = '\0';
		*strstr(ti, "</channel>") = '\0';
		at = strstr(a, fi);
		assert_non_null(at);
		n = strlen(a) + strlen(ti) + 1;
		assert_non_null(b = malloc(n));
		snprintf(b, n, "%.*s%s%s", (int)(at - a), a, ti, at + strlen(fi));
		free(from);
		free(to);
		free(a);
		a = b;
	}
	n = strlen(a) + 32;
	assert_non_null(c = malloc(n));
	snprintf(c, n, "%s<!-- %d -->", a, salt);
	free(a);
	return c;
}

static void run_stream(rl_archive *a, rl_ingest_batch *b)
{
	/* new stories, unchanged ones, one edited, one gone and back, one
	 * reverted, all edited, all back to the first version */
	struct { int first, last, version, odd, odd_version; } s[] = {
		{ 1, 3, 1, 0, 0 }, { 1, 4, 1, 0, 0 }, { 1, 4, 1, 2, 2 }, { 2, 5, 1, 2, 2 },
		{ 1, 5, 1, 3, 3 }, { 1, 5, 1, 0, 0 }, { 1, 5, 2, 0, 0 }, { 1, 5, 1, 0, 0 },
		{ 1, 5, 1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(s) / sizeof(*s); i++) {
		char *f = stream_feed(s[i].first, s[i].last, s[i].version, s[i].odd,
				      s[i].odd_version, (int)i);
		assert_int_equal(fx_ingest(NULL, NULL, a, b, "src", f, T0 + (int64_t)i * HOUR, NULL), 0);
		free(f);
	}
}

static void test_same_commits_as_without_memo(void **state)
{
	char *one = tu_tmpdir(), *each = tu_tmpdir(), *x = NULL, *y = NULL;
	rl_archive *a = NULL, *e = NULL;
	rl_ingest_batch *b = NULL;

	(void)state;
	assert_int_equal(rl_archive_init(&a, one), 0);
	assert_int_equal(rl_archive_init(&e, each), 0);
	assert_int_equal(rl_ingest_batch_new(&b, a, NULL), 0);
	run_stream(a, b);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	run_stream(e, NULL);
	/* Trees, messages (the revision a revert names too) and diffs. */
	assert_int_equal(tu_sh(&x, "git -C '%s' log --format='%%T %%s%%n%%b' -p main", one), 0);
	assert_int_equal(tu_sh(&y, "git -C '%s' log --format='%%T %%s%%n%%b' -p main", each), 0);
	assert_string_equal(x, y);
	/* the stream did what it says: an edit, a story back, a revert */
	assert_non_null(strstr(x, "1 edited"));
	assert_non_null(strstr(x, "1 back"));
	assert_non_null(strstr(x, "5 edited"));
	assert_non_null(strstr(x, "reverted"));
	free(x);
	free(y);
	rl_ingest_batch_free(b);
	rl_archive_free(a);
	rl_archive_free(e);
	tu_rmtree(one);
	tu_rmtree(each);
	free(one);
	free(each);
}

/* The same items under a new ignore pattern: normalised again, so edited. */
static void test_new_ignore_pattern_is_seen(void **state)
{
	char *dir = tu_tmpdir(), *f;
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;
	rl_source_config *plain = NULL, *ignoring = NULL;
	size_t edited = 0;

	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_source_config_new(&plain, "src"), 0);
	assert_int_equal(rl_source_config_new(&ignoring, "src"), 0);
	assert_int_equal(rl_strvec_push(&ignoring->ignore, "Versie \\d+ van "), 0);
	assert_int_equal(rl_ingest_batch_new(&b, a, NULL), 0);
	f = stream_feed(1, 3, 1, 0, 0, 0);
	assert_int_equal(fx_ingest(NULL, &edited, a, b, "src", f, T0, plain), 0);
	free(f);
	f = stream_feed(1, 3, 1, 0, 0, 1);
	assert_int_equal(fx_ingest(NULL, &edited, a, b, "src", f, T0 + HOUR, plain), 0);
	assert_int_equal(edited, 0);
	free(f);
	f = stream_feed(1, 3, 1, 0, 0, 2);
	assert_int_equal(fx_ingest(NULL, &edited, a, b, "src", f, T0 + 2 * HOUR, ignoring), 0);
	assert_int_equal(edited, 3);
	free(f);
	f = stream_feed(1, 3, 1, 0, 0, 3);
	assert_int_equal(fx_ingest(NULL, &edited, a, b, "src", f, T0 + 3 * HOUR, ignoring), 0);
	assert_int_equal(edited, 0);
	free(f);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	rl_ingest_batch_free(b);
	rl_source_config_free(plain);
	rl_source_config_free(ignoring);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_commits_as_without_memo),
		cmocka_unit_test(test_new_ignore_pattern_is_seen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
