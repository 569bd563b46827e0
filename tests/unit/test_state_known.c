/* The known ids of the sources (state.h): one archive-wide list,
 * redline/known.ids, instead of a list and a table per source.  A new
 * source's first commit creates only its state .json; a story that leaves
 * the page and comes back keeps its id and path, one snapshot at a time and
 * within one group commit; an archive with the older full lists per source
 * still answers; a list deleted, torn or cut short is rebuilt from git with
 * the same answers (ids whose file left the tree included, as long as the
 * list holds them); hostile lines are skipped, never trusted or crashed on.
 * Checked with the real `git`. */
#include "testutil.h"
#include "fixtures.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1795856400 /* 2026-11-28T09:00:00Z */
#define HOUR 3600

static char *feed(int first, int last, int version)
{
	return fx_feed("Bericht", first, last, version);
}

static void put(rl_ingest_batch *b, rl_archive *a, const char *source, char *data, int64_t when)
{
	rl_ingest_opts o = { 0 };
	rl_ingest_result *r = NULL;
	o.time = when;
	o.no_hooks = 1;
	o.origin = "file:///test";
	o.batch = b;
	if (rl_ingest(&r, a, source, data, strlen(data), &o) < 0)
		fail_msg("ingest: %s", rl_error_last());
	rl_ingest_result_free(r);
	free(data);
}

/* The id and path of story `n` (its title "Bericht n") in the state. */
static void story(char id[RL_STATE_ID_SIZE], char **path, rl_archive *a, const char *source, int n)
{
	char title[32];
	rl_state *s = NULL;
	snprintf(title, sizeof(title), "Bericht %d", n);
	assert_int_equal(rl_state_load(&s, a, source), 0);
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->items[i].title, title) == 0) {
			memcpy(id, s->items[i].id, RL_STATE_ID_SIZE);
			*path = strdup(s->items[i].path);
			rl_state_free(s);
			return;
		}
	fail_msg("no story '%s' on the page", title);
}

/* How many files of HEAD's tree carry `id`. */
static int files_with_id(const char *dir, const char *id)
{
	char *out = NULL;
	int n;
	assert_int_equal(tu_sh(&out, "git -C '%s' ls-tree -r --name-only HEAD | grep -c -- '-%s\\.txt$' || true",
			       dir, id), 0);
	n = atoi(out);
	free(out);
	return n;
}

static char *files_under_redline(const char *dir)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "cd '%s/redline' && find . -type f | sort", dir), 0);
	return out;
}

static void test_new_source_creates_only_its_state(void **state)
{
	char *dir = tu_tmpdir(), *before = NULL, *after = NULL, *diff = NULL;
	rl_archive *a = NULL;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	put(NULL, a, "src", feed(1, 3, 1), T0);
	before = files_under_redline(dir);
	/* no list or table of its own: the archive's list holds its ids */
	assert_non_null(strstr(before, "./known.ids\n"));
	assert_null(strstr(before, "src.ids"));
	put(NULL, a, "other", feed(1, 4, 1), T0 + HOUR);
	after = files_under_redline(dir);
	assert_int_equal(tu_sh(&diff, "printf '%%s' '%s' > '%s/b'; printf '%%s' '%s' > '%s/c'; "
				      "comm -13 '%s/b' '%s/c'", before, dir, after, dir, dir, dir), 0);
	/* nor does a new source: its state is a record of the one store */
	assert_string_equal(diff, "");
	free(diff);
	free(before);
	before = after;
	/* later snapshots with new and gone stories create no file at all */
	put(NULL, a, "other", feed(3, 6, 2), T0 + 2 * HOUR);
	put(NULL, a, "src", feed(2, 5, 2), T0 + 2 * HOUR);
	after = files_under_redline(dir);
	assert_string_equal(before, after);
	free(before);
	free(after);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void assert_back_with_same_id(rl_archive *a, const char *dir, const char *id, const char *path)
{
	char back_id[RL_STATE_ID_SIZE], *back_path = NULL;
	story(back_id, &back_path, a, "src", 3);
	assert_string_equal(back_id, id);
	assert_string_equal(back_path, path);
	assert_int_equal(files_with_id(dir, id), 1);
	free(back_path);
}

static void test_story_back_keeps_its_id(void **state)
{
	char *dir = tu_tmpdir(), id[RL_STATE_ID_SIZE], *path = NULL, *found = NULL;
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	put(NULL, a, "src", feed(1, 3, 1), T0);
	story(id, &path, a, "src", 3);
	/* one snapshot at a time */
	put(NULL, a, "src", feed(1, 2, 1), T0 + HOUR);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", id), 0);
	assert_string_equal(found, path);
	free(found);
	put(NULL, a, "src", feed(1, 3, 2), T0 + 2 * HOUR);
	assert_back_with_same_id(a, dir, id, path);
	/* gone and back inside one group commit */
	assert_int_equal(rl_ingest_batch_new(&b, a, NULL), 0);
	put(b, a, "src", feed(1, 2, 3), T0 + 3 * HOUR);
	put(b, a, "src", feed(1, 3, 4), T0 + 4 * HOUR);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	rl_ingest_batch_free(b);
	assert_back_with_same_id(a, dir, id, path);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* A new source whose story leaves and comes back within its first group
 * commit (no list on disk yet): the batch's own ids answer. */
static void test_story_back_in_a_new_sources_first_batch(void **state)
{
	char *dir = tu_tmpdir(), id[RL_STATE_ID_SIZE], *path = NULL, *ids = NULL;
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_ingest_batch_new(&b, a, NULL), 0);
	put(b, a, "src", feed(1, 3, 1), T0);
	put(b, a, "src", feed(1, 2, 2), T0 + HOUR);
	put(b, a, "src", feed(1, 3, 3), T0 + 2 * HOUR);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	rl_ingest_batch_free(b);
	story(id, &path, a, "src", 3);
	assert_int_equal(files_with_id(dir, id), 1);
	/* each id recorded once, with its path */
	assert_int_equal(tu_sh(&ids, "cut -f1,2 '%s/redline/known.ids' | sort | uniq -d | wc -l", dir), 0);
	assert_string_equal(ids, "0\n");
	free(ids);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* An archive of an older version: a full list per source, no archive-wide
 * list.  Its state is not rebuilt, and a story gone from the page is found
 * in the old list and comes back under its path. */
static void test_old_style_lists_still_answer(void **state)
{
	char *dir = tu_tmpdir(), id[RL_STATE_ID_SIZE], *path = NULL, *found = NULL;
	rl_archive *a = NULL;
	rl_state *s = NULL;
	rl_strvec ids = RL_STRVEC_INIT, paths = RL_STRVEC_INIT;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	put(NULL, a, "src", feed(1, 3, 1), T0);
	story(id, &path, a, "src", 3);
	put(NULL, a, "src", feed(1, 2, 1), T0 + HOUR);
	/* what an older version left: state/src.ids of every id, no known.ids */
	assert_int_equal(tu_sh(NULL, "cd '%s' && mkdir -p redline/state && "
				     "git ls-tree -r --name-only HEAD src | grep '\\.txt$' | "
				     "sed -E 's/.*-([0-9a-f]{12})\\.txt$/\\1\\t&/' > redline/state/src.ids && "
				     "rm redline/known.ids redline/known.ids.tab", dir), 0);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 0);
	rl_state_free(s);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", id), 0);
	assert_string_equal(found, path);
	free(found);
	assert_int_equal(rl_state_recent_known(&ids, &paths, a, "src", 10), 0);
	assert_int_equal(ids.n, 3);
	rl_strvec_release(&ids);
	rl_strvec_release(&paths);
	put(NULL, a, "src", feed(1, 3, 2), T0 + 2 * HOUR);
	assert_back_with_same_id(a, dir, id, path);
	/* a new story goes to the archive's list, the old one is still read */
	put(NULL, a, "src", feed(1, 4, 2), T0 + 3 * HOUR);
	assert_int_equal(rl_state_recent_known(&ids, &paths, a, "src", 10), 0);
	assert_int_equal(ids.n, 4);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", id), 0);
	free(found);
	rl_strvec_release(&ids);
	rl_strvec_release(&paths);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

#define N_STORIES 6

/* Every story's id and the path lookups give for it. */
static void answers(char ids[N_STORIES][RL_STATE_ID_SIZE], char *paths[N_STORIES], rl_archive *a)
{
	for (int i = 0; i < N_STORIES; i++) {
		paths[i] = NULL;
		assert_int_equal(rl_state_lookup_known(&paths[i], a, "src", ids[i]), 0);
	}
}

static void assert_same_answers(char ids[N_STORIES][RL_STATE_ID_SIZE], char *want[N_STORIES], rl_archive *a)
{
	char *got[N_STORIES];
	answers(ids, got, a);
	for (int i = 0; i < N_STORIES; i++) {
		assert_string_equal(got[i], want[i]);
		free(got[i]);
	}
}

static void load_expect_rebuilt(rl_archive *a, int rebuilt)
{
	rl_state *s = NULL;
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, rebuilt);
	rl_state_free(s);
}

static void test_lost_or_torn_list_is_rebuilt_alike(void **state)
{
	char *dir = tu_tmpdir(), ids[N_STORIES][RL_STATE_ID_SIZE], *want[N_STORIES], *path = NULL;
	rl_archive *a = NULL;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	put(NULL, a, "src", feed(1, N_STORIES, 1), T0);
	for (int i = 0; i < N_STORIES; i++) {
		story(ids[i], &path, a, "src", i + 1);
		free(path);
	}
	put(NULL, a, "src", feed(1, 4, 1), T0 + HOUR); /* two leave the page */
	answers(ids, want, a);
	/* deleted: the state no longer matches it and is rebuilt */
	assert_int_equal(tu_sh(NULL, "rm '%s/redline/known.ids'", dir), 0);
	load_expect_rebuilt(a, 1);
	assert_same_answers(ids, want, a);
	/* torn mid-line by a crash: shorter than the state says */
	put(NULL, a, "src", feed(1, 3, 2), T0 + 2 * HOUR);
	assert_int_equal(tu_sh(NULL, "f='%s/redline/known.ids'; truncate -s $(( $(stat -c %%s $f) / 2 + 3 )) $f",
			       dir), 0);
	load_expect_rebuilt(a, 1);
	assert_same_answers(ids, want, a);
	/* a table of garbage: rebuilt from the list, same answers */
	assert_int_equal(tu_sh(NULL, "head -c 70000 /dev/urandom > '%s/redline/known.ids.tab'", dir), 0);
	load_expect_rebuilt(a, 0);
	assert_same_answers(ids, want, a);
	/* a state cache lost with the write after a commit: the list still
	 * holds the ids, the state is rebuilt from HEAD */
	assert_int_equal(tu_sh(NULL, "rm -f '%s/redline/states.log'", dir), 0);
	load_expect_rebuilt(a, 1);
	assert_same_answers(ids, want, a);
	for (int i = 0; i < N_STORIES; i++)
		free(want[i]);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A story file removed with plain git, and the state cache lost (a crash
 * after the commit): the rebuild keeps the id in the list, so the id is
 * still known; when the story comes back it gets one file again. */
static void test_departed_id_is_still_known(void **state)
{
	char *dir = tu_tmpdir(), id[RL_STATE_ID_SIZE], *path = NULL, *found = NULL;
	rl_archive *a = NULL;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	put(NULL, a, "src", feed(1, 3, 1), T0);
	story(id, &path, a, "src", 3);
	put(NULL, a, "src", feed(1, 2, 1), T0 + HOUR);
	assert_int_equal(tu_sh(NULL, "cd '%s' && export GIT_INDEX_FILE=$PWD/tmp-index && git read-tree HEAD && "
				     "git rm -q --cached '%s' && t=$(git write-tree) && "
				     "c=$(git commit-tree -p HEAD -m 'src: removed by hand' $t) && "
				     "git update-ref refs/heads/main $c && rm tmp-index redline/states.log",
			       dir, path), 0);
	assert_int_equal(files_with_id(dir, id), 0);
	load_expect_rebuilt(a, 1);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", id), 0);
	assert_string_equal(found, path);
	free(found);
	put(NULL, a, "src", feed(1, 3, 2), T0 + 2 * HOUR);
	assert_int_equal(files_with_id(dir, id), 1);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* Damaged lines, a line of 2 MiB, NUL bytes, a path of another id, links
 * that go forwards or loop, a torn last line: skipped, never trusted, and
 * what is appended after them is found. */
static void test_hostile_list(void **state)
{
	char *dir = tu_tmpdir(), *found = NULL, list[4096];
	rl_archive *a = NULL;
	rl_strvec ids = RL_STRVEC_INIT, paths = RL_STRVEC_INIT;
	const rl_state_known more[] = { { "src", "cccccccccccc", "src/2026-11/c-cccccccccccc.txt" },
					{ "src", "dddddddddddd", "src/2026-11/d-dddddddddddd.txt" } };
	const rl_state_known bad[] = { { "src", "eeeeeeeeeeee", "src/2026-11/x-ffffffffffff.txt" } };
	FILE *f;
	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	snprintf(list, sizeof(list), "%s/redline/known.ids", dir);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/redline'", dir), 0);
	assert_non_null(f = fopen(list, "wb"));
	fputs("src\taaaaaaaaaaaa\tsrc/2026-11/a-aaaaaaaaaaaa.txt\t0\n", f); /* a good line */
	fputs("src\tZZZZZZZZZZZZ\tsrc/2026-11/z-ZZZZZZZZZZZZ.txt\t0\n", f);  /* no id */
	fputs("src\tbbbbbbbbbbbb\tsrc/2026-11/b-aaaaaaaaaaaa.txt\t1\n", f);  /* another id's file */
	fputs("src\tbbbbbbbbbbbb\tother/2026-11/b-bbbbbbbbbbbb.txt\t1\n", f); /* another source's */
	fputs("src\tbbbbbbbbbbbb\tsrc/b-bbbbbbbbbbbb.txt\t99999999999999999999999\n", f); /* overflow */
	fwrite("src\tbbbb\0bbbbbbb\tsrc/b-bbbbbbbbbbbb.txt\t1\n", 1, 42, f);
	for (int i = 0; i < 2 * 1024 * 1024; i++)
		fputc(i % 7 ? 'x' : '\t', f);
	fputc('\n', f);
	fputs("src\t999999999999\tsrc/2026-11/n-999999999999.txt\t999999\n", f); /* a link forwards */
	fputs("src\tbbbbbbbbbbbb\tsrc/2026-11/b-bbbbbbbbbbbb.txt\t1\n", f);    /* good, links to a */
	fputs("src\tcccccccccccc\tsrc/2026-11/c-cccc", f);                         /* torn */
	fclose(f);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "aaaaaaaaaaaa"), 0);
	assert_string_equal(found, "src/2026-11/a-aaaaaaaaaaaa.txt");
	free(found);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "bbbbbbbbbbbb"), 0);
	assert_string_equal(found, "src/2026-11/b-bbbbbbbbbbbb.txt");
	free(found);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "cccccccccccc"), RL_ENOTFOUND);
	assert_int_equal(rl_state_lookup_known(&found, a, "other", "bbbbbbbbbbbb"), RL_ENOTFOUND);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "zzzzzzzzzzzz"), RL_ENOTFOUND);
	assert_int_equal(rl_state_recent_known(&ids, &paths, a, "src", 200), 0);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.v[0], "bbbbbbbbbbbb");
	assert_string_equal(ids.v[1], "aaaaaaaaaaaa");
	rl_strvec_release(&ids);
	rl_strvec_release(&paths);
	/* appended after the torn line: whole lines, found */
	assert_int_equal(rl_state_append_known(a, more, 2), 0);
	assert_int_equal(rl_state_append_known(a, bad, 1), RL_EINVAL);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "cccccccccccc"), 0);
	assert_string_equal(found, more[0].path);
	free(found);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "dddddddddddd"), 0);
	free(found);
	assert_int_equal(rl_state_lookup_known(&found, a, "src", "eeeeeeeeeeee"), RL_ENOTFOUND);
	assert_int_equal(rl_state_recent_known(&ids, &paths, a, "src", 200), 0);
	assert_int_equal(ids.n, 4);
	assert_string_equal(ids.v[0], "dddddddddddd");
	assert_string_equal(ids.v[3], "aaaaaaaaaaaa");
	rl_strvec_release(&ids);
	rl_strvec_release(&paths);
	/* a line whose link loops onto itself ends the walk */
	assert_non_null(f = fopen(list, "ab"));
	{
		long at = ftell(f);
		fprintf(f, "src\t777777777777\tsrc/2026-11/s-777777777777.txt\t%ld\n", at + 1);
	}
	fclose(f);
	assert_int_equal(rl_state_recent_known(&ids, &paths, a, "src", 200), 0);
	assert_int_equal(ids.n, 1);
	rl_strvec_release(&ids);
	rl_strvec_release(&paths);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_source_creates_only_its_state),
		cmocka_unit_test(test_story_back_keeps_its_id),
		cmocka_unit_test(test_story_back_in_a_new_sources_first_batch),
		cmocka_unit_test(test_old_style_lists_still_answer),
		cmocka_unit_test(test_lost_or_torn_list_is_rebuilt_alike),
		cmocka_unit_test(test_departed_id_is_still_known),
		cmocka_unit_test(test_hostile_list),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
