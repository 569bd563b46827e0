/* The group commit of the pipeline (ingest.h): the state cache describes
 * the commit just made, bounds commit early, and the flush callback sees
 * the published ids in order.  Checked with the real `git`. */
#include "testutil.h"
#include "fixtures.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1795856400
#define HOUR 3600

static char *feed(int first, int last, int version)
{
	return fx_feed("Verhaal", first, last, version);
}

/* fx_ingest() of `data`, which it frees. */
static int ingest_into(rl_ingest_batch *b, rl_archive *a, const char *source, char *data,
		       int64_t when, git_oid *commit)
{
	int error = fx_ingest(commit, NULL, a, b, source, data, when, NULL);

	free(data);
	return error;
}

static int packs(const char *dir)
{
	char *out = NULL;
	int n;
	assert_int_equal(tu_sh(&out, "ls '%s'/objects/pack/ | grep -c '\\.pack$' || true", dir), 0);
	n = atoi(out);
	free(out);
	return n;
}

/* A writer without the lock commits into the source while the batch is
 * open: the batch is rebuilt on its commit, and the state cache saved is
 * that of the commit the pipeline made - so the next load sees that it no
 * longer describes HEAD and rebuilds, instead of trusting a cache that
 * lacks the other writer's file. */
static void test_state_is_that_of_the_commit_made(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;
	rl_state *s = NULL;
	git_oid built;

	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(ingest_into(NULL, a, "src", feed(1, 3, 1), T0, NULL), 0);
	assert_int_equal(rl_ingest_batch_new(&b, a, NULL), 0);
	assert_int_equal(ingest_into(b, a, "src", feed(1, 4, 1), T0 + HOUR, &built), 0);
	assert_int_equal(rl_ingest_batch_pending(b), 1);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && t=$(printf 'x\\n' | git hash-object -w --stdin) && "
			       "sub=$(git ls-tree main:src | { cat; printf '100644 blob %%s\\tstray.txt\\n' $t; } | git mktree) && "
			       "tree=$(git ls-tree main | sed \"s/[0-9a-f]\\{40\\}\\tsrc$/$sub\\tsrc/\" | git mktree) && "
			       "c=$(git commit-tree $tree -p main -m foreign) && git update-ref refs/heads/main $c",
			       dir), 0);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' log --format=%%s -2 main", dir), 0);
	assert_non_null(strstr(out, "src: 0 edited, 1 new"));
	assert_non_null(strstr(out, "foreign"));
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' ls-tree --name-only main:src | grep -c stray", dir), 0);
	free(out);
	/* The cache names the subtree of the commit as built, not HEAD's. */
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-parse %s:src", dir, git_oid_tostr_s(&built)), 0);
	out[40] = '\0';
	{
		char *json = fx_stored_state(a, "src");
		assert_non_null(json);
		assert_non_null(strstr(json, out));
		free(json);
	}
	free(out);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 1);
	assert_int_equal(s->n, 4);
	rl_state_free(s);
	rl_ingest_batch_free(b);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

struct flushes {
	int calls;
	size_t n[4];
	git_oid first[4];
};

static void on_flush(rl_archive *archive, const git_oid *commits, size_t n, void *userdata)
{
	struct flushes *f = userdata;
	git_oid head;

	/* The ref has moved when this is called. */
	assert_int_equal(rl_archive_head(&head, archive), 0);
	assert_true(git_oid_equal(&head, &commits[n - 1]));
	if (f->calls < 4) {
		f->n[f->calls] = n;
		git_oid_cpy(&f->first[f->calls], &commits[0]);
	}
	f->calls++;
}

/* max_commits = 2: five snapshots of two sources make three group commits
 * (2 + 2 + 1), each one pack; the callback gets the ids in order. */
static void test_bound_commits_early(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;
	rl_ingest_batch_opts bo = { 0 };
	struct flushes f;
	git_oid ids[5];

	(void)state;
	memset(&f, 0, sizeof(f));
	bo.max_commits = 2;
	bo.on_flush = on_flush;
	bo.userdata = &f;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_ingest_batch_new(&b, a, &bo), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ingest_into(b, a, i % 2 ? "two" : "one", feed(1, 2 + i, i), T0 + i * HOUR,
					     &ids[i]), 0);
	assert_int_equal(f.calls, 2);
	assert_int_equal(rl_ingest_batch_pending(b), 1);
	assert_int_equal(packs(dir), 2);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	assert_int_equal(f.calls, 3);
	assert_int_equal(f.n[0], 2);
	assert_int_equal(f.n[1], 2);
	assert_int_equal(f.n[2], 1);
	assert_true(git_oid_equal(&f.first[0], &ids[0]));
	assert_true(git_oid_equal(&f.first[1], &ids[2]));
	assert_true(git_oid_equal(&f.first[2], &ids[4]));
	assert_int_equal(packs(dir), 3);
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-list --count main", dir), 0);
	assert_int_equal(atoi(out), 5);
	free(out);
	/* An empty batch commits nothing. */
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	assert_int_equal(f.calls, 3);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict 2>&1", dir), 0);
	rl_ingest_batch_free(b);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A batch dropped without its commit: nothing in the archive, and the
 * state caches still describe HEAD (nothing was saved ahead of the ref). */
static void test_dropped_batch_leaves_nothing(void **state)
{
	char *dir = tu_tmpdir(), *before = NULL, *after = NULL;
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;
	rl_state *s = NULL;

	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(ingest_into(NULL, a, "src", feed(1, 3, 1), T0, NULL), 0);
	/* the caches a batch saves (the known-id table beside the list is
	 * an index of the list as it is on disk, kept up by lookups) */
	assert_int_equal(tu_sh(&before, "cd '%s' && git rev-parse main && cat redline/states.log "
					"redline/known.ids", dir), 0);
	assert_int_equal(rl_ingest_batch_new(&b, a, NULL), 0);
	assert_int_equal(ingest_into(b, a, "src", feed(1, 5, 2), T0 + HOUR, NULL), 0);
	assert_int_equal(ingest_into(b, a, "src", feed(2, 5, 3), T0 + 2 * HOUR, NULL), 0);
	rl_ingest_batch_free(b);
	assert_int_equal(tu_sh(&after, "cd '%s' && git rev-parse main && cat redline/states.log "
				       "redline/known.ids", dir), 0);
	assert_string_equal(before, after);
	assert_int_equal(packs(dir), 1);
	assert_int_equal(rl_state_load(&s, a, "src"), 0);
	assert_int_equal(s->rebuilt, 0);
	assert_int_equal(s->n, 3);
	rl_state_free(s);
	free(before);
	free(after);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

#define MANY 100 /* sources in one commit: enough for the helpers (ingest_save.c) */

/* MANY sources ingested into one open batch: 2 stories each, or 2 to 6. */
static void many_sources(rl_ingest_batch **b, rl_archive **a, const char *dir, int varied)
{
	char name[32];

	assert_int_equal(rl_archive_init(a, dir), 0);
	assert_int_equal(rl_ingest_batch_new(b, *a, NULL), 0);
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "s%03d", i);
		assert_int_equal(ingest_into(*b, *a, name, feed(1, 2 + (varied ? i % 5 : 0), 1), T0,
					     NULL), 0);
	}
}

/* The states of a large group commit, saved on helper threads: each one
 * is the file a one-at-a-time save writes (the known list's mark too), and
 * loads without a rebuild. */
static void test_states_saved_on_helpers(void **state)
{
	char *dir = tu_tmpdir(), name[32];
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;

	(void)state;
	many_sources(&b, &a, dir, 1);
	assert_int_equal(rl_ingest_batch_commit(b), 0);
	for (int i = 0; i < MANY; i++) {
		char *saved, *again;
		rl_state *s = NULL;
		snprintf(name, sizeof(name), "s%03d", i);
		assert_non_null(saved = fx_stored_state(a, name));
		assert_int_equal(rl_state_load(&s, a, name), 0);
		assert_int_equal(s->rebuilt, 0);
		assert_int_equal(s->n, 2 + i % 5);
		assert_int_equal(rl_state_save(s, a), 0);
		assert_non_null(again = fx_stored_state(a, name));
		assert_string_equal(saved, again);
		free(saved);
		free(again);
		rl_state_free(s);
	}
	rl_ingest_batch_free(b);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* States that cannot be written (a directory in the store's place): the
 * commit stands and says so; each state is then rebuilt, never wrong. */
static void test_state_save_failure_on_a_helper(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL, name[32];
	rl_archive *a = NULL;
	rl_ingest_batch *b = NULL;

	(void)state;
	many_sources(&b, &a, dir, 0);
	assert_int_equal(tu_sh(NULL, "cd '%s/redline' && rm -f states.log && mkdir states.log",
			       dir), 0);
	assert_true(rl_ingest_batch_commit(b) < 0);
	assert_non_null(strstr(rl_error_last(), "states.log"));
	rl_error_clear();
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-list --count main", dir), 0);
	assert_int_equal(atoi(out), MANY);
	free(out);
	assert_int_equal(tu_sh(NULL, "rmdir '%s/redline/states.log'", dir), 0);
	for (int i = 0; i < MANY; i++) {
		rl_state *s = NULL;
		snprintf(name, sizeof(name), "s%03d", i);
		assert_int_equal(rl_state_load(&s, a, name), 0);
		assert_int_equal(s->n, 2);
		rl_state_free(s);
	}
	rl_ingest_batch_free(b);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_is_that_of_the_commit_made),
		cmocka_unit_test(test_bound_commits_early),
		cmocka_unit_test(test_dropped_batch_leaves_nothing),
		cmocka_unit_test(test_states_saved_on_helpers),
		cmocka_unit_test(test_state_save_failure_on_a_helper),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
