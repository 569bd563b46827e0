/* The writer lock: one holder at a time, the holder named, never stuck after
 * a crash, and a stale git ref lock reported rather than removed. */
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

static void test_stale_git_ref_lock_is_reported_not_removed(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL, *b = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	/* A fresh one may belong to a running git: no complaint. */
	assert_int_equal(tu_sh(NULL, "touch '%s/refs/heads/main.lock'", dir), 0);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	rl_archive_unlock(a);

	/* Eleven minutes old: a crashed git. */
	assert_int_equal(tu_sh(NULL, "touch -d '11 minutes ago' '%s/refs/heads/main.lock'", dir), 0);
	assert_int_equal(rl_archive_lock(a, 0), RL_ELOCKED);
	assert_non_null(strstr(rl_error_last(), "stale lock"));
	assert_non_null(strstr(rl_error_last(), "crashed git"));
	assert_non_null(strstr(rl_error_last(), "refs/heads/main.lock"));
	assert_non_null(strstr(rl_error_last(), "rm '"));
	assert_int_equal(tu_sh(NULL, "test -e '%s/refs/heads/main.lock'", dir), 0);
	/* Our flock was given back: another handle is not told about a redline. */
	assert_int_equal(rl_archive_open(&b, dir), 0);
	assert_int_equal(rl_archive_lock(b, 0), RL_ELOCKED);
	assert_null(strstr(rl_error_last(), "another redline"));

	/* Following the advice works. */
	assert_int_equal(tu_sh(&out, "rm '%s/refs/heads/main.lock'", dir), 0);
	free(out);
	assert_int_equal(rl_archive_lock(a, 0), 0);
	rl_archive_free(b);
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
		cmocka_unit_test(test_stale_git_ref_lock_is_reported_not_removed),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
