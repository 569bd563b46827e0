/* Packs are rolled up as commits pile up; nothing is lost, git agrees. */
#include "testutil.h"
#include "fixtures.h"
#include "../../src/archive/archive_internal.h"
#include "../../src/archive/packwrite_internal.h"
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
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	char path[64], data[128], *out = NULL;
	int rolled, max_seen = 0, total_rolled = 0;

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
}

static void test_few_packs_are_left_alone(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	rl_archive_file_update u = { "x/INDEX", "a\n", 2 };
	rl_archive_commit_info info = { "one\n", 1700000000, 0, NULL, NULL };
	git_oid id;
	int rolled = -1;

	assert_int_equal(rl_archive_commit(&id, a, &u, 1, &info), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 8), 0);
	assert_int_equal(rolled, 0);
	assert_int_equal(count_packs(archive_dir), 1);
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
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	int rolled = 0;

	commit_n(a, 0, 30);
	assert_int_equal(count_packs(archive_dir), 30);
	assert_int_equal(rl_archive_maintain(&rolled, a, 4), 0);
	assert_true(rolled >= 27);
	assert_true(count_packs(archive_dir) <= 4);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
}

/* A roll-up interrupted before the old packs were removed: the next one
 * meets every object twice (in the new pack and in its old one); it still
 * ends with one pack holding each object once. */
static void test_rollup_after_a_crash_meets_every_object_twice(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	const char *dir = fx->dir;
	char *out = NULL;
	int rolled = 0;

	commit_n(a, 0, 3);
	/* Keep copies of the three packs, roll them up, put the copies back. */
	assert_int_equal(tu_sh(NULL, "mkdir '%s/old' && cp '%s'/objects/pack/pack-* '%s/old/'", dir,
			       archive_dir, dir), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(NULL, "cp '%s'/old/* '%s'/objects/pack/", dir, archive_dir), 0);
	assert_int_equal(count_packs(archive_dir), 4);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	/* Once more, with copies of that pack and of one old pack. */
	assert_int_equal(tu_sh(NULL, "mkdir '%s/again' && cp '%s'/objects/pack/pack-* '%s/again/' && "
				     "cp \"$(ls '%s'/old/*.pack | head -1)\" \"$(ls '%s'/old/*.idx | head -1)\" "
				     "'%s'/objects/pack/", dir, archive_dir, dir, dir, dir, archive_dir), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' cat-file --batch-all-objects --batch-check | wc -l",
			       archive_dir), 0);
	assert_int_equal(atoi(out), 3 + 3 * 2 + 3); /* blobs (INDEX = story), trees, commits */
	free(out);
}

/* A roll-up copies the packs' entries: git's own index of the new pack is
 * byte for byte ours, every delta of the old packs is still a delta (none
 * computed again, none lost), and every object reads back. */
static void test_rollup_concatenates_the_packs(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	const char *dir = fx->dir;
	char *before = NULL, *after = NULL, *out = NULL;
	int rolled = 0;

	/* Each batch writes src/'s tree several times: deltas within a pack. */
	for (int b = 0; b < 6; b++) {
		rl_archive_batch *batch = NULL;
		char path[64], data[128];

		assert_int_equal(rl_archive_batch_new(&batch, a), 0);
		for (int i = b * 10; i < b * 10 + 10; i++) {
			rl_archive_file_update u[2];
			rl_archive_commit_info info = { 0 };
			git_oid id;

			snprintf(path, sizeof(path), "src/story-%02d.txt", i);
			snprintf(data, sizeof(data), "Title: %d\n\nversion %d.\n", i, i);
			u[0] = (rl_archive_file_update){ path, data, strlen(data) };
			u[1] = (rl_archive_file_update){ "src/INDEX", data, strlen(data) };
			info.message = "test\n";
			info.time = 1700000000 + i;
			assert_int_equal(rl_archive_batch_add(&id, batch, u, 2, &info), 0);
		}
		assert_int_equal(rl_archive_batch_commit(batch), 0);
		rl_archive_batch_free(batch);
	}
	assert_int_equal(count_packs(archive_dir), 6);
	assert_int_equal(tu_sh(&before, "cd '%s'/objects/pack && for i in *.idx; do git verify-pack -v $i; done "
					"| awk 'NF >= 7 { print $1, $2, $3, $4, $6, $7 }' | sort",
			       archive_dir), 0);
	assert_non_null(strstr(before, " tree "));
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(rolled, 6);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(&after, "cd '%s'/objects/pack && git verify-pack -v *.idx "
				       "| awk 'NF >= 7 { print $1, $2, $3, $4, $6, $7 }' | sort",
			       archive_dir), 0);
	/* id, type, size, size in pack, delta depth, base: all kept */
	assert_string_equal(before, after);
	assert_int_equal(tu_sh(NULL, "cd '%s'/objects/pack && p=$(ls *.pack) && "
				     "git index-pack -o '%s/git.idx' $p >/dev/null && cmp '%s/git.idx' ${p%%.pack}.idx",
			       archive_dir, dir, dir), 0);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' log --format=%%H | while read c; do "
				     "git -C '%s' show $c:src/INDEX >/dev/null || echo missing; done",
			       archive_dir, archive_dir), 0);
	assert_null(strstr(out, "missing"));
	free(out);
	free(before);
	free(after);
}

/* Commit `k` of a batch: story k written, stories k+1..`top` removed,
 * INDEX set to "index k". */
static void add_state(rl_archive_batch *batch, int k, int top)
{
	rl_archive_file_update u[64];
	rl_archive_commit_info info = { 0 };
	char paths[64][48], data[64], index[32];
	size_t n = 0;
	git_oid id;

	snprintf(paths[n], sizeof(paths[n]), "src/story-%02d.txt", k);
	snprintf(data, sizeof(data), "Title: story %d\n\nthe same text for story %d.\n", k, k);
	u[n] = (rl_archive_file_update){ paths[n], data, strlen(data) };
	n++;
	for (int j = k + 1; j <= top && n < 60; j++, n++) {
		snprintf(paths[n], sizeof(paths[n]), "src/story-%02d.txt", j);
		u[n] = (rl_archive_file_update){ paths[n], NULL, 0 };
	}
	snprintf(index, sizeof(index), "index %d\n", k);
	u[n++] = (rl_archive_file_update){ "src/INDEX", index, strlen(index) };
	info.message = "test\n";
	info.time = 1700000000 + k;
	assert_int_equal(rl_archive_batch_add(&id, batch, u, n, &info), 0);
}

/* Two batches that pass through the same folder listings: the second
 * (smaller) pack holds copies of the first's trees and blobs, some of them
 * bases of its deltas.  The roll-up keeps each object once, rewrites the
 * deltas that pointed at a dropped copy, and git reads every commit; git's
 * own (strict) index of the new pack is ours. */
static void test_rollup_drops_copies(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	const char *dir = fx->dir;
	char *out = NULL, *before = NULL, *after = NULL;
	rl_archive_batch *batch = NULL;
	int rolled = 0, in_packs, unique;

	assert_int_equal(rl_archive_batch_new(&batch, a), 0);
	for (int k = 0; k < 20; k++)
		add_state(batch, k, 0);
	assert_int_equal(rl_archive_batch_commit(batch), 0);
	rl_archive_batch_free(batch);
	/* back to story 0's listing, then stories 1-4 again (copies), then
	 * new ones (deltas on the copies) */
	assert_int_equal(rl_archive_batch_new(&batch, a), 0);
	add_state(batch, 0, 19);
	for (int k = 1; k < 5; k++)
		add_state(batch, k, 0);
	for (int k = 30; k < 34; k++)
		add_state(batch, k, 0);
	assert_int_equal(rl_archive_batch_commit(batch), 0);
	rl_archive_batch_free(batch);
	assert_int_equal(count_packs(archive_dir), 2);
	assert_int_equal(tu_sh(&out, "cd '%s'/objects/pack && for i in *.idx; do git show-index < $i; done | "
				     "awk '{ print $2 }' | sort | uniq -d | wc -l", archive_dir), 0);
	assert_true(atoi(out) >= 8); /* the copies: 5 trees of src/, 5 roots, story and INDEX blobs */
	free(out);
	assert_int_equal(tu_sh(&out, "cd '%s'/objects/pack && for i in *.idx; do git show-index < $i; done | wc -l",
			       archive_dir), 0);
	in_packs = atoi(out);
	free(out);
	assert_int_equal(tu_sh(&before, "git -C '%s' log -p --format=%%H%%n%%T", archive_dir), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(rolled, 2);
	assert_int_equal(count_packs(archive_dir), 1);
	assert_int_equal(tu_sh(&out, "git -C '%s' cat-file --batch-all-objects --batch-check | wc -l", archive_dir), 0);
	unique = atoi(out);
	free(out);
	assert_true(unique < in_packs);
	assert_int_equal(tu_sh(&out, "cd '%s'/objects/pack && git show-index < $(ls *.idx) | wc -l", archive_dir), 0);
	assert_int_equal(atoi(out), unique);
	free(out);
	assert_int_equal(tu_sh(NULL, "cd '%s'/objects/pack && p=$(ls *.pack) && git verify-pack $p && "
				     "git index-pack --strict -o '%s/git.idx' $p >/dev/null && cmp '%s/git.idx' ${p%%.pack}.idx",
			       archive_dir, dir, dir), 0);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --full --no-dangling 2>&1", archive_dir), 0);
	assert_int_equal(tu_sh(&after, "git -C '%s' log -p --format=%%H%%n%%T", archive_dir), 0);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Offsets past the 31-bit limit go to the index's 64-bit table (the limit
 * lowered, as a pack over 2 GiB would have it); git reads the pack. */
static void test_rollup_writes_64_bit_offsets(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	char *out = NULL;
	int rolled = 0;

	commit_n(a, 0, 12);
	a->pw->off32_limit = 0x200;
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(count_packs(archive_dir), 1);
	/* a version 2 index of n objects is 1,072 + 28 n bytes, plus 8 for each 64-bit offset */
	assert_int_equal(tu_sh(&out, "cd '%s'/objects/pack && echo $(( $(stat -c %%s *.idx) - 1072 - 28 * 48 ))",
			       archive_dir), 0);
	assert_true(atoi(out) > 0 && atoi(out) % 8 == 0);
	free(out);
	assert_int_equal(tu_sh(NULL, "cd '%s'/objects/pack && git verify-pack *.idx", archive_dir), 0);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict --no-dangling 2>&1", archive_dir), 0);
}

/* A damaged pack stops the roll-up: nothing is removed, the error says
 * which pack. */
static void test_rollup_refuses_a_damaged_pack(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	int rolled = 0;

	commit_n(a, 0, 4);
	/* one byte inside the second pack's entries inverted */
	assert_int_equal(tu_sh(NULL, "cd '%s'/objects/pack && p=$(ls *.pack | sed -n 2p) && chmod u+w $p && "
				     "b=$(od -An -tu1 -j20 -N1 $p) && printf \"\\\\$(printf %%o $((255 - b)))\" | "
				     "dd of=$p bs=1 seek=20 conv=notrunc 2>/dev/null",
			       archive_dir), 0);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), RL_EPARSE);
	assert_non_null(strstr(rl_error_last(), "checksum does not match"));
	assert_int_equal(count_packs(archive_dir), 4);
	assert_int_equal(tu_sh(NULL, "ls '%s'/objects/pack | grep -c pack_git2 && exit 1 || exit 0", archive_dir), 0);
}

/* Packs written by git itself, sharing objects: the roll-up copies each
 * object once, and a delta whose base was a duplicate left out now points
 * at the copy kept (git agrees: fsck, and the delta's object reads back). */
static void test_rollup_copies_deltas_over_duplicates(void **state)
{
	struct fx_archive *fx = *state;
	rl_archive *a = fx->archive;
	const char *archive_dir = fx->path;
	char *out = NULL, *want = NULL;
	int rolled = 0;

	commit_n(a, 0, 1);
	/* X and Y alike: git stores X as a delta of Y, the larger.  The small
	 * pack holds Y alone, the large one Y and X: Y is kept once. */
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		fx_archive_test(test_rollup_keeps_every_object),
		fx_archive_test(test_few_packs_are_left_alone),
		fx_archive_test(test_rollup_goes_on_until_bounded),
		fx_archive_test(test_rollup_after_a_crash_meets_every_object_twice),
		fx_archive_test(test_rollup_concatenates_the_packs),
		fx_archive_test(test_rollup_drops_copies),
		fx_archive_test(test_rollup_writes_64_bit_offsets),
		fx_archive_test(test_rollup_refuses_a_damaged_pack),
		fx_archive_test(test_rollup_copies_deltas_over_duplicates),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
