/* state.c: the change-detection cache round-trips, and whenever it is
 * missing, corrupt or about another tree than HEAD's (a commit made with
 * plain git) it is rebuilt from HEAD into exactly what HEAD says.  Story
 * hashes are checked against the files as the real `git` binary shows them. */
#include "testutil.h"
#include "fixtures.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#define T0 1795856400 /* 2026-11-28T09:00:00Z */

static char *feed(int first, int last, const char *edit_title)
{
	size_t cap = 64 * 1024;
	char *s = malloc(cap);
	size_t n = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
					    "<title>T</title>");
	for (int i = first; i <= last; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "<item><guid isPermaLink=\"false\">tag:ex.nl,2026:%d</guid>"
				      "<link>https://ex.nl/nieuws/%d</link><title>%s %d</title>"
				      "<description>Het verhaal nummer %d. Er waren %d mensen.</description>"
				      "</item>",
				      i, i, i == first && edit_title ? edit_title : "Verhaal", i, i,
				      i * 100);
	snprintf(s + n, cap - n, "</channel></rss>");
	return s;
}

static void ingest(rl_archive *a, const char *data, int64_t when)
{
	rl_ingest_opts o = { 0 };
	rl_ingest_result *r = NULL;
	o.time = when;
	o.no_hooks = 1;
	o.origin = "file:///test";
	if (rl_ingest(&r, a, "src", data, strlen(data), &o) < 0)
		fail_msg("ingest: %s", rl_error_last());
	rl_ingest_result_free(r);
}

static rl_archive *archive_with_stories(char **dir, int n)
{
	rl_archive *a = NULL;
	char *f = feed(1, n, NULL);
	*dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&a, *dir), 0);
	ingest(a, f, T0);
	free(f);
	return a;
}

static void assert_same_state(const rl_state *a, const rl_state *b)
{
	assert_int_equal(a->n, b->n);
	assert_true(git_oid_equal(&a->tree, &b->tree));
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->items[i].id, b->items[i].id);
		assert_string_equal(a->items[i].path, b->items[i].path);
		assert_true(rl_hash128_equal(a->items[i].hash, b->items[i].hash));
		assert_true(a->items[i].first_seen == b->items[i].first_seen);
		if (a->items[i].key || b->items[i].key) {
			assert_non_null(a->items[i].key);
			assert_non_null(b->items[i].key);
			assert_string_equal(a->items[i].key, b->items[i].key);
		}
		assert_string_equal(a->items[i].title, b->items[i].title);
	}
}

/* Every item's hash is XXH3-128 of its file as `git show HEAD:path` gives it. */
static void assert_hashes_match_head(const char *dir, const rl_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		char *text = NULL;
		assert_int_equal(tu_sh(&text, "git -C '%s' show 'HEAD:%s'", dir, s->items[i].path), 0);
		XXH128_hash_t h = XXH3_128bits(text, strlen(text));
		assert_true(h.high64 == s->items[i].hash.high && h.low64 == s->items[i].hash.low);
		free(text);
	}
}

static void test_save_load_round_trip(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	rl_state *s = NULL, *back = NULL;
	rl_state_item one = { "0123456789ab", "src/2026-11/een-0123456789ab.txt",
			      "https://ex.nl/1", "Een \"titel\" met é", T0, { 1, 2 } };
	rl_state_item two = { "ba9876543210", "src/2026-11/twee-ba9876543210.txt", NULL, "Twee",
			      T0 + 3600, { UINT64_MAX, 42 } };
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 1); /* nothing to load yet */
	assert_int_equal(s->n, 0);
	assert_int_equal(rl_state_push(s, &one), 0);
	assert_int_equal(rl_state_push(s, &two), 0);
	s->snapshot = (rl_hash128){ 7, 8 };
	s->has_snapshot = 1;
	assert_int_equal(rl_state_save(s, a), 0);
	assert_int_equal(rl_state_load(&back, a, "src"), 0);
	assert_int_equal(back->rebuilt, 0);
	assert_int_equal(back->has_snapshot, 1);
	assert_true(rl_hash128_equal(back->snapshot, s->snapshot));
	assert_same_state(s, back);
	assert_null(back->items[1].key);
	assert_ptr_equal(rl_state_find(back, "ba9876543210"), &back->items[1]);
	assert_null(rl_state_find(back, "ffffffffffff"));
	rl_state_free(s);
	rl_state_free(back);
	rl_state_free(NULL);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_state_after_ingest_is_what_head_says(void **state)
{
	char *dir;
	rl_archive *a = archive_with_stories(&dir, 3);
	rl_state *s = NULL, *r = NULL;
	git_oid tree;
	char *hex = NULL, want[GIT_OID_HEXSZ + 1];
	(void)state;
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 0);
	assert_int_equal(s->n, 3);
	assert_int_equal(rl_state_source_tree(&tree, a, "src"), 0);
	assert_int_equal(tu_sh(&hex, "git -C '%s' rev-parse HEAD:src | tr -d '\\n'", dir), 0);
	git_oid_tostr(want, sizeof(want), &tree);
	assert_string_equal(hex, want);
	assert_true(git_oid_equal(&s->tree, &tree));
	assert_hashes_match_head(dir, s);
	assert_string_equal(s->items[0].key, "tag:ex.nl,2026:1");
	assert_true(s->items[0].first_seen == T0);
	assert_int_equal(rl_state_rebuild(&r, a, "src"), 0);
	assert_int_equal(r->rebuilt, 1);
	assert_same_state(s, r);
	free(hex);
	rl_state_free(s);
	rl_state_free(r);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

struct damaged {
	char *dir;
	rl_archive *a;
	rl_state *before;
};

static void damage_start(struct damaged *d)
{
	d->a = archive_with_stories(&d->dir, 4);
	assert_int_equal(rl_state_load(&d->before, d->a, "src"), 0);
	assert_int_equal(d->before->rebuilt, 0);
}

/* After the damage, load rebuilds exactly what was there, from HEAD. */
static void damage_check(struct damaged *d, int damage_status)
{
	rl_state *after = NULL;

	assert_int_equal(damage_status, 0);
	if (rl_state_load(&after, d->a, "src") < 0)
		fail_msg("load after damage: %s", rl_error_last());
	assert_int_equal(after->rebuilt, 1);
	assert_same_state(d->before, after);
	assert_hashes_match_head(d->dir, after);
	rl_state_free(d->before);
	rl_state_free(after);
	rl_archive_free(d->a);
	tu_rmtree(d->dir);
	free(d->dir);
}

/* <dir>/state: the stored text of the state of src, for a shell command
 * to damage. */
static void damage_dump(struct damaged *d)
{
	char path[4200], *text = fx_stored_state(d->a, "src");

	assert_non_null(text);
	snprintf(path, sizeof(path), "%s/state", d->dir);
	fx_write_text(path, text);
	free(text);
}

/* What the command left in <dir>/state is stored next (nothing when it
 * removed the file); the command's status passes through. */
static int damage_store(struct damaged *d, int status)
{
	char path[4200], *after;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/state", d->dir);
	if ((after = tu_read_file(path, &len)) != NULL)
		fx_store_state(d->a, "src", after, len);
	free(after);
	return status;
}

/* The shell command `fmt` (the directory for each %s) turns <dir>/state
 * into what is stored as the state of src. */
#define REBUILT_AFTER(fmt)                                             \
	do {                                                               \
		struct damaged d;                                              \
		damage_start(&d);                                              \
		damage_dump(&d);                                               \
		damage_check(&d, damage_store(&d, tu_sh(NULL, fmt, d.dir, d.dir))); \
	} while (0)

static void test_missing_state_dir_is_rebuilt(void **state)
{
	(void)state;
	REBUILT_AFTER("rm -rf '%s/redline' '%s/state'");
}

static void test_corrupt_json_is_rebuilt(void **state)
{
	(void)state;
	REBUILT_AFTER("printf '{\"version\": 1, \"tree\": ' >'%s/state' && test -s '%s/state'");
}

static void test_truncated_to_nothing_is_rebuilt(void **state)
{
	(void)state;
	REBUILT_AFTER(": >'%s/state' && test -e '%s/state'");
}

static void test_state_about_another_tree_is_rebuilt(void **state)
{
	(void)state;
	/* a well-formed state, with its sum (xxhsum -H2 of what follows the
	 * head), that names another tree and lists no stories */
	REBUILT_AFTER("body=$(printf '\"version\":2,\"source\":\"src\",\"tree\":\"%%s\",\"items\":[]}' "
		      "$(git -C '%s' hash-object -t tree /dev/null)) && "
		      "sum=$(printf '%%s' \"$body\" | xxhsum -H2 | cut -d' ' -f1) && "
		      "printf '{\"sum\":\"%%s\",%%s' $sum \"$body\" >'%s/state'");
}

static void test_state_cut_short_is_rebuilt(void **state)
{
	(void)state;
	/* a record cut short by a crash (its head written whole) */
	REBUILT_AFTER("f='%s/state' && size=$(stat -c %%s \"$f\") && "
		      "truncate -s $((size / 2)) \"$f\" && test -s '%s/state'");
}

static void test_valid_json_with_a_wrong_sum_is_rebuilt(void **state)
{
	(void)state;
	/* One digit of a first-seen time changed: still a well-formed state,
	 * the kind a write mixing new and stale blocks could leave; only the
	 * sum tells. */
	REBUILT_AFTER("sed -i '0,/\"first_seen\":1795856400/s//\"first_seen\":1795856401/' "
		      "'%s/state' && grep -q 1795856401 '%s/state'");
}

/* A state is saved by an append to the archive's one store (no new file,
 * no new inode); the last one is the one read, shorter ones too. */
static void test_saved_by_an_append(void **state)
{
	char *dir = NULL, path[4200];
	rl_archive *a = archive_with_stories(&dir, 4);
	rl_state *s = NULL, *back = NULL;
	struct stat before, after;
	(void)state;

	snprintf(path, sizeof(path), "%s/redline/states.log", dir);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 0);
	assert_int_equal(s->n, 4);
	for (size_t i = 1; i < s->n; i++)
		rl_state_item_clear(&s->items[i]);
	s->n = 1;
	assert_int_equal(rl_state_save(s, a), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino == after.st_ino);
	assert_true(after.st_size > before.st_size);
	assert_int_equal(tu_sh(NULL, "test ! -e '%s/redline/state'", dir), 0);
	assert_int_equal(rl_state_load(&back, a, "src"), 0);
	assert_int_equal(back->rebuilt, 0); /* its sum is right: no rebuild */
	assert_same_state(s, back);
	rl_state_free(s);
	rl_state_free(back);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_commit_by_plain_git_is_seen(void **state)
{
	char *dir, *path = NULL, *text = NULL;
	rl_archive *a = archive_with_stories(&dir, 3);
	rl_state *before = NULL, *after = NULL;
	(void)state;
	assert_int_equal(rl_state_load(&before, a, "src"), 0);
	path = strdup(before->items[1].path);
	assert_int_equal(tu_sh(NULL,
			       "set -e; git clone -q '%s' '%s/clone' && cd '%s/clone' && "
			       "printf 'Een regel van de hand van een mens.\\n' >>'%s' && "
			       "git -c user.name=mens -c user.email=m@x commit -qam handwerk && "
			       "git push -q origin HEAD:main",
			       dir, dir, dir, path), 0);
	assert_int_equal(rl_state_load(&after, a, "src"), 0);
	assert_int_equal(after->rebuilt, 1);
	assert_int_equal(after->n, 3);
	assert_hashes_match_head(dir, after);
	assert_false(rl_hash128_equal(before->items[1].hash, after->items[1].hash));
	assert_true(rl_hash128_equal(before->items[0].hash, after->items[0].hash));
	assert_string_equal(after->items[1].path, path);
	assert_int_equal(tu_sh(&text, "git -C '%s' show 'HEAD:%s' | tail -1", dir, path), 0);
	assert_string_equal(text, "Een regel van de hand van een mens.\n");
	free(text);
	free(path);
	rl_state_free(before);
	rl_state_free(after);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_lookup_known_finds_stories_that_dropped_off(void **state)
{
	char *dir, *gone_path = NULL, *found = NULL, gone_id[RL_STATE_ID_SIZE];
	rl_archive *a = archive_with_stories(&dir, 3);
	rl_state *s = NULL;
	char *fewer = feed(1, 2, NULL);
	(void)state;
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	memcpy(gone_id, s->items[2].id, RL_STATE_ID_SIZE);
	gone_path = strdup(s->items[2].path);
	rl_state_free(s);
	ingest(a, fewer, T0 + 3600);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->n, 2);
	assert_null(rl_state_find(s, gone_id));
	rl_state_free(s);

	assert_int_equal(rl_state_lookup_known(&found, a, "src", gone_id), 0);
	assert_string_equal(found, gone_path);
	free(found);
	found = NULL;
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "ffffffffffff"), RL_ENOTFOUND);
	assert_null(found);

	/* The .ids list is a cache too: gone, then rebuilt from HEAD on load. */
	assert_int_equal(tu_sh(NULL, "rm -rf '%s/redline'", dir), 0);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", gone_id), RL_ENOTFOUND);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 1);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", gone_id), 0);
	assert_string_equal(found, gone_path);
	free(found);
	found = NULL;
	for (size_t i = 0; i < s->n; i++) {
		assert_int_equal(rl_state_lookup_known(&found, a, "src", s->items[i].id), 0);
		assert_string_equal(found, s->items[i].path);
		free(found);
		found = NULL;
	}
	rl_state_free(s);
	free(fewer);
	free(gone_path);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_append_known_then_lookup(void **state)
{
	char *dir = tu_tmpdir(), *found = NULL;
	rl_archive *a = NULL;
	const char *paths[] = { "src/2026-11/a-aaaaaaaaaaaa.txt", "src/2026-11/b-bbbbbbbbbbbb.txt" };
	const rl_state_known known[] = { { "src", "aaaaaaaaaaaa", paths[0] },
					 { "src", "bbbbbbbbbbbb", paths[1] } };
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_state_append_known(a, known, 2), 0);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "bbbbbbbbbbbb"), 0);
	assert_string_equal(found, paths[1]);
	free(found);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "aaaaaaaaaaaa"), 0);
	assert_string_equal(found, paths[0]);
	free(found);
	/* a prefix of a known id is not that id */
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "aaaaaaaaaaa"), RL_ENOTFOUND);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_load_round_trip),
		cmocka_unit_test(test_state_after_ingest_is_what_head_says),
		cmocka_unit_test(test_missing_state_dir_is_rebuilt),
		cmocka_unit_test(test_corrupt_json_is_rebuilt),
		cmocka_unit_test(test_truncated_to_nothing_is_rebuilt),
		cmocka_unit_test(test_state_about_another_tree_is_rebuilt),
		cmocka_unit_test(test_state_cut_short_is_rebuilt),
		cmocka_unit_test(test_valid_json_with_a_wrong_sum_is_rebuilt),
		cmocka_unit_test(test_saved_by_an_append),
		cmocka_unit_test(test_commit_by_plain_git_is_seen),
		cmocka_unit_test(test_lookup_known_finds_stories_that_dropped_off),
		cmocka_unit_test(test_append_known_then_lookup),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
