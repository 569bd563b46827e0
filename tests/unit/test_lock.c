/* The writer lock: one holder at a time, the holder named, never stuck after
 * a crash; a ref lock left by a crash removed, one a git may hold refused. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A child that opens the archive, locks it, tells the parent, then waits to
 * be killed (or for the parent to close the pipe). */
static pid_t spawn_holder(const char *dir)
{
	int ready[2], hold[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		rl_archive *a = NULL;
		close(ready[0]);
		close(hold[1]);
		if (rl_archive_open(&a, dir) < 0 || rl_archive_lock(a, 0) < 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		/* Hold until the parent closes its end or kills us. */
		if (read(hold[0], &c, 1) < 0)
			_exit(1);
		rl_archive_free(a);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	/* hold[1] stays open in the parent until the child is killed. */
	return pid;
}

static void test_second_writer_is_refused_and_told_who(void **state)
{
	char *dir = tu_tmpdir(), pidtext[32];
	rl_archive *a = NULL;
	pid_t holder;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	holder = spawn_holder(dir);

	assert_int_equal(rl_archive_lock(a, 200), RL_ELOCKED);
	snprintf(pidtext, sizeof(pidtext), "(pid %ld)", (long)holder);
	assert_non_null(strstr(rl_error_last(), "is locked by another redline"));
	assert_non_null(strstr(rl_error_last(), pidtext));
	assert_non_null(strstr(rl_error_last(), dir));
	/* wait 0: one try only, same answer. */
	assert_int_equal(rl_archive_lock(a, 0), RL_ELOCKED);

	kill(holder, SIGTERM);
	waitpid(holder, NULL, 0);
	assert_int_equal(rl_archive_lock(a, 200), 0);
	/* Taking it again through the same handle is fine; the pid is ours. */
	assert_int_equal(rl_archive_lock(a, 0), 0);
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "cat '%s/redline/lock'", dir), 0);
	assert_int_equal(atol(out), (long)getpid());
	free(out);
	rl_archive_unlock(a);
	rl_archive_unlock(a); /* twice is harmless */
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_a_killed_holder_leaves_no_lock(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	pid_t holder;
	int status;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	holder = spawn_holder(dir);
	assert_int_equal(rl_archive_lock(a, 0), RL_ELOCKED);
	kill(holder, SIGKILL);
	assert_int_equal(waitpid(holder, &status, 0), holder);
	assert_true(WIFSIGNALED(status));
	/* The lock file is still there, with the dead pid in it, but no flock. */
	assert_int_equal(tu_sh(NULL, "test -s '%s/redline/lock'", dir), 0);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* The waiting writer gets the lock once the holder lets go. */
static void test_waiting_writer_gets_it_after_release(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	pid_t holder;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	holder = spawn_holder(dir);
	pid_t killer = fork();
	assert_true(killer >= 0);
	if (killer == 0) {
		usleep(100 * 1000);
		kill(holder, SIGKILL);
		_exit(0);
	}
	/* Generous wait: the holder dies after ~100 ms. */
	assert_int_equal(rl_archive_lock(a, 20000), 0);
	waitpid(killer, NULL, 0);
	waitpid(holder, NULL, 0);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Rule 3: a young ref lock no redline left may be a running git's: refused
 * with the real reason, left in place, and our flock given back. */
static void test_young_ref_lock_of_a_git_is_refused_not_removed(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL, *b = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(tu_sh(NULL, "touch '%s/refs/heads/main.lock'", dir), 0);
	assert_int_equal(rl_archive_lock(a, 0), RL_ELOCKED);
	assert_non_null(strstr(rl_error_last(), "refs/heads/main.lock' exists"));
	assert_non_null(strstr(rl_error_last(), "a git command may be updating"));
	assert_non_null(strstr(rl_error_last(), "rm '"));
	assert_int_equal(tu_sh(NULL, "test -e '%s/refs/heads/main.lock'", dir), 0);
	assert_int_equal(rl_archive_open(&b, dir), 0);
	assert_int_equal(rl_archive_lock(b, 0), RL_ELOCKED);
	assert_null(strstr(rl_error_last(), "another redline"));
	/* A git that finishes within the wait is simply waited for. */
	assert_int_equal(tu_sh(NULL, "(sleep 0.1; rm '%s/refs/heads/main.lock') &", dir), 0);
	assert_int_equal(rl_archive_lock(a, 5000), 0);
	assert_int_equal(tu_sh(NULL, "test ! -e '%s/refs/heads/main.lock'", dir), 0);
	rl_archive_free(b);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Rule 2: eleven minutes old, no git holds a ref lock that long: removed. */
static void test_old_ref_lock_of_a_crashed_git_is_removed(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(tu_sh(NULL, "touch -d '11 minutes ago' '%s/refs/heads/main.lock'", dir), 0);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	assert_int_equal(tu_sh(NULL, "test ! -e '%s/refs/heads/main.lock'", dir), 0);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Rule 1: a redline killed holding the flock (its pid still in the lock
 * file) left a main.lock newer than its flock: removed at once, however
 * young; an older main.lock is not its own and falls under rules 2-3. */
static void test_ref_lock_of_a_dead_redline_is_removed(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	pid_t holder;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	holder = spawn_holder(dir);
	assert_int_equal(tu_sh(NULL, "touch -d '1 minute ago' '%s/refs/heads/main.lock'", dir), 0);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	/* Older than the dead holder's flock: a git's, refused. */
	assert_int_equal(rl_archive_lock(a, 0), RL_ELOCKED);
	assert_int_equal(tu_sh(NULL, "rm '%s/refs/heads/main.lock'", dir), 0);

	holder = spawn_holder(dir);
	assert_int_equal(tu_sh(NULL, "touch '%s/refs/heads/main.lock'", dir), 0);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	assert_int_equal(tu_sh(NULL, "test ! -e '%s/refs/heads/main.lock'", dir), 0);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* A clean unlock clears the pid: the next holder sees no crash. */
static void test_clean_release_is_not_a_crash(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	assert_int_equal(tu_sh(NULL, "touch '%s/refs/heads/main.lock'", dir), 0);
	rl_archive_unlock(a);
	assert_int_equal(rl_archive_lock(a, 0), RL_ELOCKED);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* What a killed writer leaves is removed by the next one: libgit2's
 * temporary packs and locks always, cache temporaries of dead processes. */
static void test_crash_leftovers_are_swept(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	pid_t dead = fork();

	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && mkdir -p redline/state redline/fetch && "
			       "touch objects/pack/pack_git2_AbCdEf objects/pack/pack-1234.idx.lock "
			       "objects/pack/tmp_pack_git redline/state/s.json.tmp.%ld "
			       "redline/fetch/f.json.tmp.%ld redline/state/live.json.tmp.%ld "
			       "redline/state/keep.json",
			       dir, (long)dead, (long)dead, (long)getppid()),
			 0);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && test ! -e objects/pack/pack_git2_AbCdEf && "
			       "test ! -e objects/pack/pack-1234.idx.lock && "
			       "test ! -e redline/state/s.json.tmp.%ld && "
			       "test ! -e redline/fetch/f.json.tmp.%ld && "
			       "test -e objects/pack/tmp_pack_git && "
			       "test -e redline/state/live.json.tmp.%ld && test -e redline/state/keep.json",
			       dir, (long)dead, (long)dead, (long)getppid()),
			 0);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_writer_is_refused_and_told_who),
		cmocka_unit_test(test_a_killed_holder_leaves_no_lock),
		cmocka_unit_test(test_waiting_writer_gets_it_after_release),
		cmocka_unit_test(test_young_ref_lock_of_a_git_is_refused_not_removed),
		cmocka_unit_test(test_old_ref_lock_of_a_crashed_git_is_removed),
		cmocka_unit_test(test_ref_lock_of_a_dead_redline_is_removed),
		cmocka_unit_test(test_clean_release_is_not_a_crash),
		cmocka_unit_test(test_crash_leftovers_are_swept),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
