/* The group commit: a batch gives exactly the commits one-at-a-time
 * commits give, in one pack and one ref move; nothing before the commit;
 * retries that write nothing twice; a ref moved under the batch.  Every
 * archive is checked with the real `git fsck --strict`. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T0 1795856400

unsigned archive_retry_delay_ms(int attempt); /* archive_internal.h */

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

/* What a shell command prints, as a number or as text (macros: tu_sh
 * checks the format). */
static char *sh_buf;
static int sh_status(int status)
{
	assert_int_equal(status, 0);
	return status;
}
static int take_count(void)
{
	int n = atoi(sh_buf);
	free(sh_buf);
	sh_buf = NULL;
	return n;
}
#define count(fmt, dir) (sh_status(tu_sh(&sh_buf, fmt, dir)), take_count())
#define run(fmt, dir) (sh_status(tu_sh(&sh_buf, fmt, dir)), sh_buf)

#define N_STEPS 4
/* Four snapshots: new files, an edit, a removal that empties a folder, an
 * edit of a nested file; each with its own message and time. */
static void step(size_t i, const rl_archive_file_update **u, size_t *n, rl_archive_commit_info *info)
{
	static const rl_archive_file_update s0[] = { { "anp/INDEX", "a\n", 2 },
					     { "anp/2026/a.txt", "first\n", 6 },
					     { "bbc/x/y/z.txt", "deep\n", 5 } };
	static const rl_archive_file_update s1[] = { { "anp/2026/a.txt", "second\n", 7 } };
	static const rl_archive_file_update s2[] = { { "bbc/x/y/z.txt", NULL, 0 },
					     { "bbc/INDEX", "gone\n", 5 } };
	static const rl_archive_file_update s3[] = { { "anp/2026/b.txt", "third\n", 6 },
					     { "anp/INDEX", "a\nb\n", 4 } };
	static const rl_archive_file_update *const all[] = { s0, s1, s2, s3 };
	static const size_t sizes[] = { 3, 1, 2, 2 };
	static const char *const messages[] = { "anp: 1 new\n\nSource-URL: x\n", "anp: 1 edited\n",
						 "bbc: 1 gone\n", "anp: 1 new\n\nSnapshot-Time: t\n" };
	*u = all[i];
	*n = sizes[i];
	memset(info, 0, sizeof(*info));
	info->message = messages[i];
	info->time = T0 + (int64_t)i * 3600;
}

static void test_batch_gives_the_commits_of_one_at_a_time(void **state)
{
	char *one_dir, *batch_dir, *one_log, *batch_log;
	rl_archive *one = new_archive(&one_dir), *b = new_archive(&batch_dir);
	rl_archive_batch *batch = NULL;
#define LOG_FMT "git -C '%s' log --format='%%H %%T %%P %%at %%ct%%n%%B' --raw main"

	(void)state;
	for (size_t i = 0; i < N_STEPS; i++) {
		const rl_archive_file_update *u;
		size_t n;
		rl_archive_commit_info info;
		step(i, &u, &n, &info);
		assert_int_equal(rl_archive_commit(NULL, one, u, n, &info), 0);
	}
	assert_int_equal(rl_archive_batch_new(&batch, b), 0);
	for (size_t i = 0; i < N_STEPS; i++) {
		const rl_archive_file_update *u;
		size_t n;
		rl_archive_commit_info info;
		step(i, &u, &n, &info);
		assert_int_equal(rl_archive_batch_add(NULL, batch, u, n, &info), 0);
	}
	assert_int_equal(rl_archive_batch_count(batch), N_STEPS);
	/* Nothing on disk before the commit: no pack, no ref. */
	assert_int_equal(count("ls '%s'/objects/pack | grep -c '\\.pack$' || true", batch_dir), 0);
	assert_int_not_equal(tu_sh(NULL, "git -C '%s' rev-parse -q --verify main", batch_dir), 0);
	assert_int_equal(rl_archive_batch_commit(batch), 0);
	rl_archive_batch_free(batch);

	one_log = run(LOG_FMT, one_dir);
	batch_log = run(LOG_FMT, batch_dir);
	assert_string_equal(batch_log, one_log); /* same ids: same trees, parents, times, messages */
	assert_int_equal(count("ls '%s'/objects/pack | grep -c '\\.pack$'", one_dir), N_STEPS);
	assert_int_equal(count("ls '%s'/objects/pack | grep -c '\\.pack$'", batch_dir), 1);
	assert_int_equal(count("git -C '%s' reflog show main | wc -l", batch_dir), 1);
	assert_int_equal(count("find '%s'/objects -type f -path '*/objects/[0-9a-f][0-9a-f]/*' | wc -l", batch_dir), 0);
	assert_fsck_clean(batch_dir);
	free(one_log);
	free(batch_log);
	rl_archive_free(one);
	rl_archive_free(b);
	tu_rmtree(one_dir);
	tu_rmtree(batch_dir);
	free(one_dir);
	free(batch_dir);
}

/* Inside a batch, HEAD is the batch's last commit; a batch dropped without
 * its commit leaves the archive as it was. */
static void test_batch_reads_its_own_commits_and_drops_cleanly(void **state)
{
	char *dir, *before;
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *batch = NULL;
	rl_archive_file_update u = { "anp/INDEX", "1\n", 2 };
	rl_archive_commit_info info = { "one\n", T0, 0, NULL, NULL };
	rl_buf text = RL_BUF_INIT(1024);
	git_oid head, built;

	(void)state;
	assert_int_equal(rl_archive_commit(NULL, a, &u, 1, &info), 0);
	before = run("git -C '%s' rev-parse main", dir);
	assert_int_equal(rl_archive_batch_new(&batch, a), 0);
	u.data = "2\n";
	assert_int_equal(rl_archive_batch_add(&built, batch, &u, 1, &info), 0);
	assert_int_equal(rl_archive_head(&head, a), 0);
	assert_true(git_oid_equal(&head, &built));
	assert_int_equal(rl_archive_read(&text, a, NULL, "anp/INDEX"), 0);
	assert_string_equal(text.ptr, "2\n");
	/* A second batch on the same handle, or a plain commit, is refused. */
	{
		rl_archive_batch *other = NULL;
		assert_int_equal(rl_archive_batch_new(&other, a), RL_EINVAL);
		assert_int_equal(rl_archive_commit(NULL, a, &u, 1, &info), RL_EINVAL);
	}
	rl_archive_batch_free(batch);
	{
		char *after = run("git -C '%s' rev-parse main", dir);
		assert_string_equal(after, before);
		free(after);
	}
	rl_buf_clear(&text);
	assert_int_equal(rl_archive_read(&text, a, NULL, "anp/INDEX"), 0);
	assert_string_equal(text.ptr, "1\n");
	assert_int_equal(count("ls '%s'/objects/pack | grep -c '\\.pack$'", dir), 1);
	assert_fsck_clean(dir);
	rl_buf_release(&text);
	free(before);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A ref lock held for a moment: the commit waits and writes ONE pack. */
static void test_locked_ref_retry_writes_one_pack(void **state)
{
	char *dir, *lock;
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *batch = NULL;
	rl_archive_file_update u = { "anp/INDEX", "1\n", 2 };
	rl_archive_commit_info info = { "one\n", T0, 0, NULL, NULL };
	pid_t pid;

	(void)state;
	assert_int_equal(rl_archive_commit(NULL, a, &u, 1, &info), 0);
	assert_true(asprintf(&lock, "%s/refs/heads/main.lock", dir) > 0);
	assert_int_equal(tu_sh(NULL, "touch '%s'", lock), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = { 0, 40 * 1000000L };
		nanosleep(&ts, NULL);
		unlink(lock);
		_exit(0);
	}
	assert_int_equal(rl_archive_batch_new(&batch, a), 0);
	for (int i = 0; i < 3; i++) {
		char data[16];
		rl_archive_file_update v = { "anp/INDEX", data, 0 };
		v.len = (size_t)snprintf(data, sizeof(data), "%d\n", i + 2);
		assert_int_equal(rl_archive_batch_add(NULL, batch, &v, 1, &info), 0);
	}
	assert_int_equal(rl_archive_batch_commit(batch), 0);
	rl_archive_batch_free(batch);
	waitpid(pid, NULL, 0);
	assert_int_equal(count("ls '%s'/objects/pack | grep -c '\\.pack$'", dir), 2);
	assert_int_equal(count("git -C '%s' rev-list --count main", dir), 4);
	assert_fsck_clean(dir);
	free(lock);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A writer without the lock moved the ref after the batch began: the
 * batch's commits are rebuilt on its tip; nothing of it is lost. */
static void test_ref_moved_under_the_batch(void **state)
{
	char *dir, *foreign, *out = NULL;
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *batch = NULL;
	rl_archive_file_update u = { "anp/INDEX", "1\n", 2 };
	rl_archive_commit_info info = { "one\n", T0, 0, NULL, NULL };
	git_oid built, final;

	(void)state;
	assert_int_equal(rl_archive_commit(NULL, a, &u, 1, &info), 0);
	assert_int_equal(rl_archive_batch_new(&batch, a), 0);
	u.path = "anp/a.txt";
	u.data = "mine\n";
	u.len = 5;
	info.message = "mine\n";
	assert_int_equal(rl_archive_batch_add(&built, batch, &u, 1, &info), 0);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && t=$(printf 'x\\n' | git hash-object -w --stdin) && "
			       "tree=$(git ls-tree main | { cat; printf '100644 blob %%s\\tforeign.txt\\n' $t; } | git mktree) && "
			       "c=$(git commit-tree $tree -p main -m foreign) && git update-ref refs/heads/main $c",
			       dir), 0);
	foreign = run("git -C '%s' rev-parse main", dir);
	assert_int_equal(rl_archive_batch_commit(batch), 0);
	assert_int_equal(rl_archive_batch_commit_id(&final, batch, 0), 0);
	rl_archive_batch_free(batch);
	assert_false(git_oid_equal(&built, &final));
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-parse main~1", dir), 0);
	assert_string_equal(out, foreign);
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' ls-tree -r --name-only main", dir), 0);
	assert_string_equal(out, "anp/INDEX\nanp/a.txt\nforeign.txt\n");
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-parse main", dir), 0);
	assert_int_equal(strncmp(out, git_oid_tostr_s(&final), 40), 0);
	free(out);
	assert_fsck_clean(dir);
	free(foreign);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Two processes started together do not draw the same retry delays. */
static void test_retry_jitter_is_seeded_per_process(void **state)
{
	unsigned seq[2][8];
	int fds[2][2];

	(void)state;
	for (int p = 0; p < 2; p++) {
		pid_t pid;
		assert_int_equal(pipe(fds[p]), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			unsigned mine[8];
			for (int i = 0; i < 8; i++)
				mine[i] = archive_retry_delay_ms(1);
			if (write(fds[p][1], mine, sizeof(mine)) != (ssize_t)sizeof(mine))
				_exit(1);
			_exit(0);
		}
		close(fds[p][1]);
		assert_int_equal(read(fds[p][0], seq[p], sizeof(seq[p])), (ssize_t)sizeof(seq[p]));
		close(fds[p][0]);
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < 8; i++)
		assert_true(seq[0][i] >= 10 && seq[0][i] < 20);
	assert_memory_not_equal(seq[0], seq[1], sizeof(seq[0]));
}

/* The root-tree entries a batch answers with (kept as it builds, not read
 * back) are the ones libgit2 reads from the same commits made one at a
 * time: folders added, changed, emptied away and back, a file at the
 * root, a name never there. */
static void test_head_entry_follows_the_batch(void **state)
{
	static const rl_archive_file_update c0[] = { { "anp/INDEX", "a\n", 2 },
						     { "bbc/INDEX", "b\n", 2 },
						     { ".gitattributes", "*.txt diff\n", 11 } };
	static const rl_archive_file_update c1[] = { { "anp/2026/a.txt", "one\n", 4 } };
	static const rl_archive_file_update c2[] = { { "bbc/INDEX", NULL, 0 } };
	static const rl_archive_file_update c3[] = { { "bbc/x/y.txt", "back\n", 5 },
						     { "anp/INDEX", "a\nb\n", 4 } };
	static const rl_archive_file_update *const all[] = { c0, c1, c2, c3 };
	static const size_t sizes[] = { 3, 1, 1, 2 };
	static const char *const names[] = { "anp", "bbc", ".gitattributes", "zzz" };
	char *one_dir, *batch_dir;
	rl_archive *one = new_archive(&one_dir), *b = new_archive(&batch_dir);
	rl_archive_batch *batch = NULL;
	git_oid id;
	int is_tree;

	(void)state;
	assert_int_equal(rl_archive_batch_new(&batch, b), 0);
	assert_int_equal(rl_archive_head_entry(&id, &is_tree, b, "anp"), RL_ENOTFOUND);
	for (size_t i = 0; i < 4; i++) {
		rl_archive_commit_info info = { 0 };
		info.message = "step\n";
		info.time = T0 + (int64_t)i;
		assert_int_equal(rl_archive_commit(NULL, one, all[i], sizes[i], &info), 0);
		assert_int_equal(rl_archive_batch_add(NULL, batch, all[i], sizes[i], &info), 0);
		for (size_t k = 0; k < 4; k++) {
			git_oid want, got;
			int want_tree = -1, got_tree = -2;
			int rw = rl_archive_head_entry(&want, &want_tree, one, names[k]);
			int rg = rl_archive_head_entry(&got, &got_tree, b, names[k]);
			assert_int_equal(rg, rw);
			if (rw == 0) {
				assert_true(git_oid_equal(&got, &want));
				assert_int_equal(got_tree, want_tree);
			}
		}
	}
	/* bbc went with its last file at step 2 and came back at step 3 */
	assert_int_equal(rl_archive_head_entry(&id, &is_tree, b, "bbc"), 0);
	assert_true(is_tree);
	assert_int_equal(rl_archive_head_entry(&id, &is_tree, b, ".gitattributes"), 0);
	assert_false(is_tree);
	assert_int_equal(rl_archive_batch_commit(batch), 0);
	rl_archive_batch_free(batch);
	rl_archive_free(one);
	rl_archive_free(b);
	tu_rmtree(one_dir);
	tu_rmtree(batch_dir);
	free(one_dir);
	free(batch_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_gives_the_commits_of_one_at_a_time),
		cmocka_unit_test(test_batch_reads_its_own_commits_and_drops_cleanly),
		cmocka_unit_test(test_head_entry_follows_the_batch),
		cmocka_unit_test(test_locked_ref_retry_writes_one_pack),
		cmocka_unit_test(test_ref_moved_under_the_batch),
		cmocka_unit_test(test_retry_jitter_is_seeded_per_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
