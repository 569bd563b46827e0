/* The batch writer (its own pack): one pack a commit, the ref moved last, nothing
 * written for a refused commit, and nothing lost under concurrent writers.
 * Every archive is checked with the real `git fsck --strict`. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T0 1795856400

static rl_archive *new_archive(char **dir)
{
	rl_archive *a = NULL;
	*dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&a, *dir), 0);
	return a;
}

static void assert_fsck_clean(const char *dir)
{
	char *out = NULL;
	int rc = tu_sh(&out, "git -C '%s' fsck --strict 2>&1", dir);
	if (rc != 0)
		fail_msg("git fsck --strict failed: %s", out);
	free(out);
}

/* The number a shell command prints (a macro: tu_sh checks the format). */
#define count_of(fmt, ...) count_output(tu_sh(&count_buf, fmt, __VA_ARGS__))
static char *count_buf;
static int count_output(int status)
{
	int n;
	assert_int_equal(status, 0);
	n = atoi(count_buf);
	free(count_buf);
	count_buf = NULL;
	return n;
}

/* A ref move's reflog entry names who git would name (user.name and
 * user.email), read again when the config changes between commits. */
static void test_reflog_identity_from_config(void **state)
{
	char *dir, *out = NULL;
	rl_archive *a = new_archive(&dir);
	rl_archive_file_update u = { "anp/INDEX", "1\n", 2 };
	rl_archive_commit_info info = { "one\n", T0, 0, NULL, NULL };
	git_oid id;

	(void)state;
	assert_int_equal(tu_sh(&out, "git -C '%s' config user.name 'Ann Archivist' && "
				 "git -C '%s' config user.email ann@example.nl", dir, dir), 0);
	free(out);
	assert_int_equal(rl_archive_commit(&id, a, &u, 1, &info), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' reflog -1 --format='%%gn <%%ge>' main", dir), 0);
	assert_string_equal(out, "Ann Archivist <ann@example.nl>\n");
	free(out);
	/* Changed (a file of another size, so its stamp differs). */
	assert_int_equal(tu_sh(&out, "sleep 0.01; git -C '%s' config user.name 'Bob B. Editor'", dir), 0);
	free(out);
	u.data = "2\n";
	info.time = T0 + 60;
	assert_int_equal(rl_archive_commit(&id, a, &u, 1, &info), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' reflog -1 --format='%%gn <%%ge>' main", dir), 0);
	assert_string_equal(out, "Bob B. Editor <ann@example.nl>\n");
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_commit_writes_one_pack_and_no_loose_objects(void **state)
{
	char *dir, *out = NULL;
	rl_archive *a = new_archive(&dir);
	rl_archive_file_update u[] = {
		{ "anp/INDEX", "3fa2c1d0e9ab VS schatten\n", 25 },
		{ "anp/2026-11/vs-3fa2c1d0e9ab.txt", "Title: VS\n\nTekst.\n", 18 },
		{ "nos/INDEX", "", 0 },
	};
	rl_archive_commit_info info = { "anp: 1 new\n\nnew 3fa2c1d0e9ab VS\n", T0, 60, NULL, NULL };
	git_oid id;

	assert_int_equal(rl_archive_commit(&id, a, u, 3, &info), 0);
	assert_int_equal(count_of("ls '%s'/objects/pack/*.pack | wc -l", dir), 1);
	assert_int_equal(count_of("find '%s'/objects -type f ! -path '*/pack/*' ! -path '*/info/*' | wc -l", dir), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' show main:anp/2026-11/vs-3fa2c1d0e9ab.txt", dir), 0);
	assert_string_equal(out, "Title: VS\n\nTekst.\n");
	free(out);
	/* Message verbatim, time and zone as given. */
	assert_int_equal(tu_sh(&out, "git -C '%s' log -1 --format='%%B|%%ad' --date=iso-strict", dir), 0);
	assert_string_equal(out, "anp: 1 new\n\nnew 3fa2c1d0e9ab VS\n|2026-11-28T10:00:00+01:00\n");
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' reflog -1 --format=%%gs main", dir), 0);
	assert_string_equal(out, "redline: anp: 1 new\n");
	free(out);

	/* Given author. */
	rl_archive_file_update u2 = { "anp/INDEX", "x\n", 2 };
	rl_archive_commit_info info2 = { "second\n", T0 + 60, 0, "Ann Archivist", "ann@example.nl" };
	assert_int_equal(rl_archive_commit(&id, a, &u2, 1, &info2), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' log -1 --format='%%an <%%ae> %%cn'", dir), 0);
	assert_string_equal(out, "Ann Archivist <ann@example.nl> Ann Archivist\n");
	free(out);
	assert_int_equal(count_of("ls '%s'/objects/pack/*.pack | wc -l", dir), 2);
	assert_fsck_clean(dir);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_removal(void **state)
{
	char *dir, *out = NULL;
	rl_archive *a = new_archive(&dir);
	rl_archive_file_update add[] = {
		{ "anp/2026-11/a-000000000001.txt", "a\n", 2 },
		{ "anp/2026-12/b-000000000002.txt", "b\n", 2 },
		{ "nos/INDEX", "n\n", 2 },
	};
	rl_archive_commit_info info = { "add\n", T0, 0, NULL, NULL };
	git_oid c1, c2;

	/* Removing what does not exist, in an empty archive too, is no error. */
	rl_archive_file_update ghost = { "anp/2026-11/ghost-00000000000f.txt", NULL, 0 };
	assert_int_equal(rl_archive_commit(&c1, a, &ghost, 1, &info), 0);
	assert_int_equal(rl_archive_commit(&c1, a, add, 3, &info), 0);

	rl_archive_file_update rm[] = {
		{ "anp/2026-12/b-000000000002.txt", NULL, 0 },
		{ "anp/2026-12/never-000000000003.txt", NULL, 0 },
		{ "zzz/INDEX", NULL, 0 },
	};
	info.message = "remove\n";
	assert_int_equal(rl_archive_commit(&c2, a, rm, 3, &info), 0);
	/* The emptied month is pruned; the untouched subtree keeps its id. */
	assert_int_equal(tu_sh(&out, "git -C '%s' ls-tree -r --name-only main", dir), 0);
	assert_string_equal(out, "anp/2026-11/a-000000000001.txt\nnos/INDEX\n");
	free(out);
	assert_int_equal(tu_sh(NULL, "test $(git -C '%s' rev-parse main:nos) = $(git -C '%s' rev-parse main~1:nos)", dir, dir), 0);
	assert_fsck_clean(dir);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Cost follows the change: a commit's pack holds the new blob, the trees on
 * its path and the commit - not the 300 untouched files beside it. */
static void test_pack_holds_only_what_the_commit_made(void **state)
{
	char *dir;
	rl_archive *a = new_archive(&dir);
	rl_archive_file_update *many = calloc(300, sizeof(*many));
	char (*paths)[64] = calloc(300, 64);
	rl_archive_commit_info info = { "bulk\n", T0, 0, NULL, NULL };

	for (int i = 0; i < 300; i++) {
		snprintf(paths[i], 64, "anp/2026-%02d/s-%012x.txt", 1 + i % 3, i);
		many[i].path = paths[i];
		many[i].data = paths[i]; /* distinct contents */
		many[i].len = strlen(paths[i]);
	}
	assert_int_equal(rl_archive_commit(NULL, a, many, 300, &info), 0);

	assert_int_equal(tu_sh(NULL, "ls '%s'/objects/pack/*.idx > '%s/packs-before'", dir, dir), 0);
	rl_archive_file_update one = { "anp/2026-02/s-000000000001.txt", "edited\n", 7 };
	info.message = "one\n";
	assert_int_equal(rl_archive_commit(NULL, a, &one, 1, &info), 0);
	/* blob + anp/2026-02 + anp + root + commit */
	assert_int_equal(count_of("git -C '%s' verify-pack -v "
				  "$(ls '%s'/objects/pack/*.idx | grep -vxFf '%s/packs-before') "
				  "| grep -cE '^[0-9a-f]{40} (blob|tree|commit)'", dir, dir, dir), 5);
	assert_fsck_clean(dir);
	free(paths);
	free(many);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A refused commit writes nothing: HEAD, packs and fsck as before. */
static void test_refused_commit_changes_nothing(void **state)
{
	char *dir, *head_before = NULL, *head_after = NULL;
	rl_archive *a = new_archive(&dir);
	rl_archive_file_update ok = { "anp/INDEX", "x\n", 2 };
	rl_archive_commit_info info = { "ok\n", T0, 0, NULL, NULL };
	const char *unsafe[] = { "../escape.txt", ".git/config", "anp/../../x", "/abs", "a//b",
				 "anp/.GIT/hooks/post-commit", "a\\b", "anp/\x1b[31m.txt", "" };

	assert_int_equal(rl_archive_commit(NULL, a, &ok, 1, &info), 0);
	assert_int_equal(tu_sh(&head_before, "git -C '%s' rev-parse HEAD", dir), 0);
	int packs = count_of("ls '%s'/objects/pack/*.pack | wc -l", dir);

	for (size_t i = 0; i < sizeof(unsafe) / sizeof(*unsafe); i++) {
		/* A good update first: it must not be half-written either. */
		rl_archive_file_update u[] = { { "anp/INDEX", "changed\n", 8 }, { unsafe[i], "evil\n", 5 } };
		assert_int_equal(rl_archive_commit(NULL, a, u, 2, &info), RL_EINVAL);
		assert_non_null(strstr(rl_error_last(), "unsafe path"));
	}
	rl_archive_file_update nullpath = { NULL, "x", 1 };
	assert_int_equal(rl_archive_commit(NULL, a, &nullpath, 1, &info), RL_EINVAL);

	/* Nothing to commit is refused, so is a path twice, so is no message. */
	assert_int_equal(rl_archive_commit(NULL, a, &ok, 0, &info), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "nothing to commit"));
	rl_archive_file_update twice[] = { { "anp/INDEX", "a\n", 2 }, { "nos/x", "b\n", 2 }, { "anp/INDEX", NULL, 0 } };
	assert_int_equal(rl_archive_commit(NULL, a, twice, 3, &info), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "twice"));
	rl_archive_commit_info nomsg = { NULL, T0, 0, NULL, NULL };
	assert_int_equal(rl_archive_commit(NULL, a, &ok, 1, &nomsg), RL_EINVAL);

	assert_int_equal(tu_sh(&head_after, "git -C '%s' rev-parse HEAD", dir), 0);
	assert_string_equal(head_before, head_after);
	assert_int_equal(count_of("ls '%s'/objects/pack/*.pack | wc -l", dir), packs);
	assert_int_equal(count_of("find '%s'/objects -type f ! -path '*/pack/*' ! -path '*/info/*' | wc -l", dir), 0);
	assert_fsck_clean(dir);

	/* And the archive still works. */
	rl_archive_file_update next = { "anp/INDEX", "y\n", 2 };
	assert_int_equal(rl_archive_commit(NULL, a, &next, 1, &info), 0);
	assert_fsck_clean(dir);
	free(head_before);
	free(head_after);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* git's own ref lock held briefly (a concurrent `git update-ref`): retried. */
static void test_retries_a_briefly_locked_ref(void **state)
{
	char *dir, *lock;
	rl_archive *a = new_archive(&dir);
	rl_archive_file_update u = { "anp/INDEX", "1\n", 2 };
	rl_archive_commit_info info = { "one\n", T0, 0, NULL, NULL };
	git_oid first, second;
	pid_t pid;

	assert_int_equal(rl_archive_commit(&first, a, &u, 1, &info), 0);
	assert_true(asprintf(&lock, "%s/refs/heads/main.lock", dir) > 0);
	assert_int_equal(tu_sh(NULL, "touch '%s'", lock), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = { 0, 30 * 1000000L };
		nanosleep(&ts, NULL);
		unlink(lock);
		_exit(0);
	}
	u.data = "2\n";
	info.message = "two\n";
	assert_int_equal(rl_archive_commit(&second, a, &u, 1, &info), 0);
	waitpid(pid, NULL, 0);
	/* The new commit sits on the old tip: nothing lost. */
	assert_int_equal(tu_sh(NULL, "test $(git -C '%s' rev-parse main~1) = %s", dir, git_oid_tostr_s(&first)), 0);

	/* A lock that stays: RL_ELOCKED in the end, HEAD unchanged. */
	assert_int_equal(tu_sh(NULL, "touch '%s'", lock), 0);
	u.data = "3\n";
	assert_int_equal(rl_archive_commit(NULL, a, &u, 1, &info), RL_ELOCKED);
	assert_int_equal(tu_sh(NULL, "test $(git -C '%s' rev-parse main) = %s", dir, git_oid_tostr_s(&second)), 0);
	unlink(lock);
	assert_fsck_clean(dir);
	free(lock);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Two handles on one archive: neither caches the tip, so each commit
 * builds on the other's last one. */
static void test_two_handles_interleaved(void **state)
{
	char *dir;
	rl_archive *a = new_archive(&dir), *b = NULL;
	rl_archive_commit_info info = { "x\n", T0, 0, NULL, NULL };

	assert_int_equal(rl_archive_open(&b, dir), 0);
	for (int i = 0; i < 20; i++) {
		char pa[64], pb[64];
		snprintf(pa, sizeof(pa), "a/%02d", i);
		snprintf(pb, sizeof(pb), "b/%02d", i);
		rl_archive_file_update ua = { pa, "a\n", 2 }, ub = { pb, "b\n", 2 };
		assert_int_equal(rl_archive_commit(NULL, a, &ua, 1, &info), 0);
		assert_int_equal(rl_archive_commit(NULL, b, &ub, 1, &info), 0);
	}
	assert_int_equal(count_of("git -C '%s' rev-list --count main", dir), 40);
	assert_int_equal(count_of("git -C '%s' ls-tree -r main | wc -l", dir), 40);
	assert_fsck_clean(dir);
	rl_archive_free(b);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

#define WRITERS 3
#define COMMITS_EACH 50

static int writer(const char *dir, int w)
{
	rl_archive *a = NULL;
	if (rl_archive_open(&a, dir) < 0)
		return 1;
	for (int i = 0; i < COMMITS_EACH; i++) {
		char path[64], data[64], msg[64];
		snprintf(path, sizeof(path), "w%d/%03d.txt", w, i);
		snprintf(data, sizeof(data), "writer %d commit %d\n", w, i);
		snprintf(msg, sizeof(msg), "w%d: %d\n", w, i);
		rl_archive_file_update u[] = { { path, data, strlen(data) }, { "INDEX", data, strlen(data) } };
		rl_archive_commit_info info = { msg, T0 + i, 0, NULL, NULL };
		if (rl_archive_lock(a, 30000) < 0 || rl_archive_commit(NULL, a, u, 2, &info) < 0)
			return 2;
		rl_archive_unlock(a);
	}
	rl_archive_free(a);
	return 0;
}

static void test_three_writers_lose_nothing(void **state)
{
	char *dir;
	rl_archive *a = new_archive(&dir);
	pid_t pids[WRITERS];

	rl_archive_free(a);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0)
			_exit(writer(dir, w));
	}
	for (int w = 0; w < WRITERS; w++) {
		int status;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(count_of("git -C '%s' rev-list --count main", dir), WRITERS * COMMITS_EACH);
	assert_int_equal(count_of("git -C '%s' ls-tree -r --name-only main | grep -c '^w'", dir),
			 WRITERS * COMMITS_EACH);
	for (int w = 0; w < WRITERS; w++) {
		char *out = NULL;
		assert_int_equal(tu_sh(&out, "git -C '%s' log --format=%%s main | grep -c '^w%d: '", dir, w), 0);
		assert_int_equal(atoi(out), COMMITS_EACH);
		free(out);
	}
	assert_int_equal(count_of("git -C '%s' reflog show main | wc -l", dir), WRITERS * COMMITS_EACH);
	assert_fsck_clean(dir);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_writes_one_pack_and_no_loose_objects),
		cmocka_unit_test(test_reflog_identity_from_config),
		cmocka_unit_test(test_removal),
		cmocka_unit_test(test_pack_holds_only_what_the_commit_made),
		cmocka_unit_test(test_refused_commit_changes_nothing),
		cmocka_unit_test(test_retries_a_briefly_locked_ref),
		cmocka_unit_test(test_two_handles_interleaved),
		cmocka_unit_test(test_three_writers_lose_nothing),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
