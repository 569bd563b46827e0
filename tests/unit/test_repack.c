/* Packs are rolled up as commits pile up; nothing is lost, git agrees. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count_packs(const char *dir)
{
	char *out = NULL;
	int n;
	tu_sh(&out, "ls '%s'/objects/pack/*.pack 2>/dev/null | wc -l", dir);
	n = atoi(out);
	free(out);
	return n;
}

static void test_rollup_keeps_every_object(void **state)
{
	char *dir = tu_tmpdir(), path[64], data[128], *out = NULL;
	char *archive_dir;
	rl_archive *a = NULL;
	int rolled, max_seen = 0, total_rolled = 0;

	assert_true(asprintf(&archive_dir, "%s/a", dir) > 0);
	assert_int_equal(rl_archive_init(&a, archive_dir), 0);
	for (int i = 0; i < 60; i++) {
		rl_archive_file_update u[2];
		rl_archive_commit_info info = { 0 };
		git_oid id;
		snprintf(path, sizeof(path), "src/2026-11/story-%02d.txt", i);
		snprintf(data, sizeof(data), "Title: %d\n\nversion %d of story %d.\n", i, i, i);
		u[0] = (rl_archive_file_update){ path, data, strlen(data) };
		u[1] = (rl_archive_file_update){ "src/INDEX", data, strlen(data) };
		info.message = "test\n";
		info.time = 1700000000 + i;
		assert_int_equal(rl_archive_commit(&id, a, u, 2, &info), 0);
		assert_int_equal(rl_archive_maintain(&rolled, a, 8), 0);
		total_rolled += rolled;
		if (count_packs(archive_dir) > max_seen)
			max_seen = count_packs(archive_dir);
	}
	assert_true(total_rolled > 0);
	assert_true(max_seen <= 9);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-list --count HEAD", archive_dir), 0);
	assert_int_equal(atoi(out), 60);
	free(out);
	/* Every version of every file is still readable. */
	assert_int_equal(tu_sh(&out, "git -C '%s' log --format=%%H | while read c; do "
				     "git -C '%s' show $c:src/INDEX >/dev/null || echo missing; done",
			       archive_dir, archive_dir), 0);
	assert_null(strstr(out, "missing"));
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(archive_dir);
	free(dir);
}

static void test_few_packs_are_left_alone(void **state)
{
	char *dir = tu_tmpdir(), *archive_dir;
	rl_archive *a = NULL;
	rl_archive_file_update u = { "x/INDEX", "a\n", 2 };
	rl_archive_commit_info info = { "one\n", 1700000000, 0, NULL, NULL };
	git_oid id;
	int rolled = -1;

	assert_true(asprintf(&archive_dir, "%s/a", dir) > 0);
	assert_int_equal(rl_archive_init(&a, archive_dir), 0);
	assert_int_equal(rl_archive_commit(&id, a, &u, 1, &info), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 8), 0);
	assert_int_equal(rolled, 0);
	assert_int_equal(count_packs(archive_dir), 1);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(archive_dir);
	free(dir);
}

static void commit_n(rl_archive *a, int from, int n)
{
	char path[64], data[128];
	for (int i = from; i < from + n; i++) {
		rl_archive_file_update u[2];
		rl_archive_commit_info info = { 0 };
		snprintf(path, sizeof(path), "src/story-%02d.txt", i);
		snprintf(data, sizeof(data), "Title: %d\n\nversion %d.\n", i, i);
		u[0] = (rl_archive_file_update){ path, data, strlen(data) };
		u[1] = (rl_archive_file_update){ "src/INDEX", data, strlen(data) };
		info.message = "test\n";
		info.time = 1700000000 + i;
		assert_int_equal(rl_archive_commit(NULL, a, u, 2, &info), 0);
	}
}

/* One maintenance run brings any number of packs down to the bound. */
static void test_rollup_goes_on_until_bounded(void **state)
{
	char *dir = tu_tmpdir(), *archive_dir;
	rl_archive *a = NULL;
	int rolled = 0;

	(void)state;
	assert_true(asprintf(&archive_dir, "%s/a", dir) > 0);
	assert_int_equal(rl_archive_init(&a, archive_dir), 0);
	commit_n(a, 0, 30);
	assert_int_equal(count_packs(archive_dir), 30);
	assert_int_equal(rl_archive_maintain(&rolled, a, 4), 0);
	assert_true(rolled >= 27);
	assert_true(count_packs(archive_dir) <= 4);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(archive_dir);
	free(dir);
}

/* A roll-up interrupted before the old packs were removed: the next one
 * writes the same pack again, under the same name.  That file is the new
 * pack: it must stay while every other rolled pack goes. */
static void test_rollup_named_like_an_old_pack_is_kept(void **state)
{
	char *dir = tu_tmpdir(), *archive_dir, *out = NULL;
	rl_archive *a = NULL;
	int rolled = 0;

	(void)state;
	assert_true(asprintf(&archive_dir, "%s/a", dir) > 0);
	assert_int_equal(rl_archive_init(&a, archive_dir), 0);
	commit_n(a, 0, 3);
	/* Keep copies of the three packs, roll them up, put the copies back. */
	assert_int_equal(tu_sh(NULL, "mkdir '%s/old' && cp '%s'/objects/pack/pack-* '%s/old/'", dir,
			       archive_dir, dir), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(NULL, "cd '%s'/objects/pack && ls pack-*.pack > '%s/rolled'",
			       archive_dir, dir), 0);
	assert_int_equal(tu_sh(NULL, "cp '%s'/old/* '%s'/objects/pack/", dir, archive_dir), 0);
	assert_int_equal(count_packs(archive_dir), 4);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	/* Same objects, same bytes: the roll-up is the very pack it was before. */
	assert_int_equal(tu_sh(&out, "cd '%s'/objects/pack && ls pack-*.pack | cmp - '%s/rolled' "
				     "&& echo same", archive_dir, dir), 0);
	assert_string_equal(out, "same\n");
	free(out);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' cat-file --batch-all-objects --batch-check | wc -l",
			       archive_dir), 0);
	assert_int_equal(atoi(out), 3 + 3 * 2 + 3); /* blobs (INDEX = story), trees, commits */
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(archive_dir);
	free(dir);
}

/* Packs written by git itself, sharing objects: the roll-up copies each
 * object once, and a delta whose base was a duplicate left out now points
 * at the copy kept (git agrees: fsck, and the delta's object reads back). */
static void test_rollup_copies_deltas_over_duplicates(void **state)
{
	char *dir = tu_tmpdir(), *archive_dir, *out = NULL, *want = NULL;
	rl_archive *a = NULL;
	int rolled = 0;

	(void)state;
	assert_true(asprintf(&archive_dir, "%s/a", dir) > 0);
	assert_int_equal(rl_archive_init(&a, archive_dir), 0);
	commit_n(a, 0, 1);
	/* X and Y alike: git stores X as a delta of Y, the larger.  The small
	 * pack holds Y alone, the large one Y and X, whose base is thus a
	 * duplicate left out. */
	assert_int_equal(tu_sh(NULL, "cd '%s' && seq 1 3000 > x && (seq 1 3000; echo end) > y && "
				     "X=$(git hash-object -w x) && Y=$(git hash-object -w y) && "
				     "echo $Y | git pack-objects -q --delta-base-offset objects/pack/pack "
				     ">/dev/null && printf '%%s\\n%%s\\n' $X $Y | git pack-objects -q "
				     "--delta-base-offset --window=10 objects/pack/pack >/dev/null && "
				     "git prune-packed && echo $Y > yid",
			       archive_dir), 0);
	assert_int_equal(tu_sh(&out, "cd '%s' && git verify-pack -v objects/pack/pack-*.idx | "
				     "grep -c 'blob.* 1 [0-9a-f]*$' || true", archive_dir), 0);
	assert_true(atoi(out) >= 1); /* a delta among git's packs */
	free(out);
	assert_int_equal(count_packs(archive_dir), 3);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
	assert_int_equal(tu_sh(&out, "cd '%s' && git cat-file -p $(cat yid) | md5sum", archive_dir), 0);
	assert_int_equal(tu_sh(&want, "cd '%s' && md5sum < y", archive_dir), 0);
	assert_string_equal(out, want);
	free(out);
	free(want);
	/* each object once: a blob, a tree, a commit of commit_n; X, Y */
	assert_int_equal(tu_sh(&out, "git -C '%s' cat-file --batch-all-objects --batch-check | wc -l",
			       archive_dir), 0);
	assert_int_equal(atoi(out), 1 + 2 + 1 + 2);
	free(out);
	assert_int_equal(tu_sh(&out, "cd '%s' && git verify-pack -v objects/pack/pack-*.idx | "
				     "grep -c '^[0-9a-f]\\{40\\} ' ", archive_dir), 0);
	assert_int_equal(atoi(out), 6);
	free(out);
	/* the delta is copied, not undone */
	assert_int_equal(tu_sh(&out, "cd '%s' && git verify-pack -v objects/pack/pack-*.idx | "
				     "grep -c 'blob.* 1 [0-9a-f]*$' || true", archive_dir), 0);
	assert_int_equal(atoi(out), 1);
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(archive_dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollup_keeps_every_object),
		cmocka_unit_test(test_few_packs_are_left_alone),
		cmocka_unit_test(test_rollup_goes_on_until_bounded),
		cmocka_unit_test(test_rollup_named_like_an_old_pack_is_kept),
		cmocka_unit_test(test_rollup_copies_deltas_over_duplicates),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
