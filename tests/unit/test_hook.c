/*
 * Hooks run like git runs them: directly, in the archive, with the payload on
 * stdin and REDLINE_* in the environment; whatever a hook does (fail, die,
 * hang, ignore its stdin, shout), the caller gets a result and lives on.
 */
#include "testutil.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/hook.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct fixture {
	char *dir;    /* the archive (only hooks/ matters here) */
	char *real;   /* its realpath */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[PATH_MAX];

	f->dir = tu_tmpdir();
	f->real = realpath(f->dir, NULL);
	snprintf(path, sizeof(path), "%s/hooks", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->real);
	free(f);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void write_hook(struct fixture *f, const char *name, const char *script, mode_t mode)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/hooks/%s", f->dir, name);
	write_file(path, script, mode);
}

/* A file the hook wrote into its cwd (the archive); caller frees. */
static char *archive_file(struct fixture *f, const char *name, size_t *len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	return tu_read_file(path, len);
}

static pid_t read_pid(struct fixture *f, const char *name)
{
	char *s = archive_file(f, name, NULL);
	pid_t pid;
	assert_non_null(s);
	pid = (pid_t)atol(s);
	free(s);
	assert_true(pid > 1);
	return pid;
}

/* A killed process may linger a moment as a zombie of init; that counts
 * as gone.  Bounded: a few seconds at most, then the answer stands. */
static int process_gone(pid_t pid)
{
	for (int i = 0; i < 250; i++) {
		char path[64], *stat;
		int zombie;

		if (kill(pid, 0) < 0 && errno == ESRCH)
			return 1;
		snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
		stat = tu_read_file(path, NULL);
		zombie = stat && strstr(stat, ") Z ") != NULL;
		free(stat);
		if (zombie || stat == NULL)
			return 1;
		usleep(20000);
	}
	return 0;
}

/* 1 when `text` has `line` as one whole line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

static char *describe(const rl_hook_result *r)
{
	rl_buf b = RL_BUF_INIT(4096);
	assert_int_equal(rl_hook_result_describe(&b, r), 0);
	return rl_buf_detach(&b);
}

static void test_payload_env_argv_and_cwd_reach_the_hook(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	const char *env[] = { "REDLINE_SOURCE=anp", "REDLINE_COMMIT=0123456789abcdef0123456789abcdef01234567",
			      "REDLINE_EDITED=1", NULL };
	size_t len = 200000, got_len;  /* more than a pipe holds: written in parts */
	char *payload = malloc(len + 1), *got, *argv, *cwd, *envs, *expect;

	for (size_t i = 0; i < len; i++)
		payload[i] = (char)('a' + i % 26);
	memcpy(payload, "{\"version\":1}", 13);
	payload[len] = '\0';
	write_hook(f, "post-snapshot",
		   "#!/bin/sh\n"
		   "cat > stdin.out\n"
		   "printf '%s\\n' \"$0\" \"$#\" > argv.out\n"
		   "pwd -P > cwd.out\n"
		   "env > env.out\n"
		   "echo to stdout\n"
		   "echo to stderr >&2\n", 0755);
	setenv("REDLINE_TEST_INHERITED", "yes", 1);
	setenv("REDLINE_SOURCE", "stale", 1);
	setenv("GIT_WORK_TREE", "/somewhere/else", 1);

	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", payload, len, env, 10000), 0);
	unsetenv("REDLINE_TEST_INHERITED");
	unsetenv("REDLINE_SOURCE");
	unsetenv("GIT_WORK_TREE");

	assert_int_equal(r.status, RL_HOOK_OK);
	assert_int_equal(r.ran, 1);
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.stdin_written, len);
	assert_false(rl_hook_result_is_problem(&r));
	assert_string_equal(r.output, "to stdout\nto stderr\n");
	assert_int_equal(r.output_len, strlen("to stdout\nto stderr\n"));

	got = archive_file(f, "stdin.out", &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, payload, len);

	assert_int_equal(asprintf(&expect, "%s/hooks/post-snapshot", f->real) > 0, 1);
	assert_string_equal(r.path, expect);
	argv = archive_file(f, "argv.out", NULL);
	assert_true(has_line(argv, expect));   /* $0: the hook's absolute path */
	assert_true(has_line(argv, "0"));      /* $#: no arguments */
	free(expect);

	assert_int_equal(asprintf(&expect, "%s\n", f->real) > 0, 1);
	cwd = archive_file(f, "cwd.out", NULL);
	assert_string_equal(cwd, expect);
	free(expect);

	envs = archive_file(f, "env.out", NULL);
	assert_true(has_line(envs, "REDLINE_SOURCE=anp"));
	assert_null(strstr(envs, "REDLINE_SOURCE=stale"));
	assert_true(has_line(envs, "REDLINE_COMMIT=0123456789abcdef0123456789abcdef01234567"));
	assert_true(has_line(envs, "REDLINE_EDITED=1"));
	assert_true(has_line(envs, "REDLINE_HOOK=post-snapshot"));
	assert_true(has_line(envs, "REDLINE_TEST_INHERITED=yes"));
	assert_null(strstr(envs, "GIT_WORK_TREE="));
	assert_int_equal(asprintf(&expect, "GIT_DIR=%s", f->real) > 0, 1);
	assert_true(has_line(envs, expect));
	free(expect);

	free(got);
	free(argv);
	free(cwd);
	free(envs);
	free(payload);
	rl_hook_result_clear(&r);
	assert_null(r.name);
}

static void test_failing_hook_is_reported_not_an_error(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char *msg;

	write_hook(f, "post-snapshot", "#!/bin/sh\necho cannot reach the newsroom >&2\nexit 3\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_FAILED);
	assert_int_equal(r.ran, 1);
	assert_int_equal(r.exit_code, 3);
	assert_int_equal(r.signal, 0);
	assert_int_equal(r.timed_out, 0);
	assert_int_equal(r.timeout_ms, RL_HOOK_TIMEOUT_DEFAULT_MS);
	assert_string_equal(r.output, "cannot reach the newsroom\n");
	assert_true(rl_hook_result_is_problem(&r));
	msg = describe(&r);
	assert_string_equal(msg, "hook 'post-snapshot' exited with status 3");
	free(msg);
	rl_hook_result_clear(&r);
}

static void test_hook_killed_by_a_signal(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char *msg;

	write_hook(f, "post-snapshot", "#!/bin/sh\nkill -KILL $$\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_KILLED);
	assert_int_equal(r.signal, SIGKILL);
	assert_int_equal(r.exit_code, -1);
	assert_int_equal(r.timed_out, 0);
	msg = describe(&r);
	assert_non_null(strstr(msg, "was killed by signal 9"));
	free(msg);
	rl_hook_result_clear(&r);
}

static void test_hanging_hook_and_its_children_are_killed(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	pid_t hook, child;
	char *msg;

	write_hook(f, "post-snapshot",
		   "#!/bin/sh\n"
		   "sleep 60 &\n"
		   "echo $! > child.pid\n"
		   "echo $$ > hook.pid\n"
		   "sleep 60\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 300), 0);
	assert_int_equal(r.status, RL_HOOK_TIMED_OUT);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.ran, 1);
	assert_int_equal(r.timeout_ms, 300);
	msg = describe(&r);
	assert_string_equal(msg, "hook 'post-snapshot' timed out after 300 ms and was killed");
	free(msg);

	hook = read_pid(f, "hook.pid");
	child = read_pid(f, "child.pid");
	assert_true(process_gone(hook));
	assert_true(process_gone(child));
	rl_hook_result_clear(&r);
}

static void test_hook_ignoring_sigterm_gets_sigkill(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;

	write_hook(f, "post-snapshot",
		   "#!/bin/sh\n"
		   "trap '' TERM\n"
		   "echo $$ > hook.pid\n"
		   "while :; do sleep 1; done\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 200), 0);
	assert_int_equal(r.status, RL_HOOK_TIMED_OUT);
	assert_int_equal(r.signal, SIGKILL);
	assert_true(process_gone(read_pid(f, "hook.pid")));
	rl_hook_result_clear(&r);
}

static void test_not_executable_hook_is_skipped(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char *msg, *ran;

	write_hook(f, "post-snapshot", "#!/bin/sh\necho ran > ran.out\n", 0644);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_SKIPPED);
	assert_int_equal(r.ran, 0);
	assert_null(r.output);
	assert_non_null(r.skipped_reason);
	assert_non_null(strstr(r.skipped_reason, "executable"));
	assert_true(rl_hook_result_is_problem(&r));
	msg = describe(&r);
	assert_non_null(strstr(msg, "not set as executable (chmod +x '"));
	assert_non_null(strstr(msg, "/hooks/post-snapshot')"));
	ran = archive_file(f, "ran.out", NULL);
	assert_null(ran);
	free(msg);
	rl_hook_result_clear(&r);
}

static void test_missing_hook_is_nothing_to_do(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char *msg;

	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_ABSENT);
	assert_int_equal(r.ran, 0);
	assert_null(r.output);
	assert_null(r.path);
	assert_null(r.skipped_reason);
	assert_false(rl_hook_result_is_problem(&r));
	msg = describe(&r);
	assert_string_equal(msg, "");
	free(msg);
	rl_hook_result_clear(&r);
}

static void test_broken_symlink_and_directory_are_skipped(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/hooks/post-snapshot", f->dir);
	assert_int_equal(symlink("/nonexistent/redline/hooks/webhook", path), 0);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_SKIPPED);
	assert_non_null(strstr(r.skipped_reason, "symbolic link"));

	snprintf(path, sizeof(path), "%s/hooks/post-commit", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-commit", NULL, 0, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_SKIPPED);
	assert_non_null(strstr(r.skipped_reason, "not a regular file"));
	rl_hook_result_clear(&r);
}

static void test_script_without_shebang_is_reported(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char *msg;

	write_hook(f, "post-snapshot", "echo no interpreter line\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_EXEC_FAILED);
	assert_int_equal(r.ran, 0);
	assert_true(rl_hook_result_is_problem(&r));
	msg = describe(&r);
	assert_non_null(strstr(msg, "hook 'post-snapshot' could not be run: "));
	assert_non_null(strstr(msg, "#!"));
	free(msg);

	write_hook(f, "post-snapshot", "#!/nonexistent/interpreter\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_EXEC_FAILED);
	assert_non_null(strstr(r.skipped_reason, "No such file"));
	rl_hook_result_clear(&r);
}

static void test_hook_not_reading_stdin_neither_hangs_nor_kills_us(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	size_t len = 1024 * 1024;
	char *payload = malloc(len);
	sigset_t pending;
	struct sigaction before, after;

	memset(payload, '{', len);
	sigaction(SIGPIPE, NULL, &before);
	write_hook(f, "post-snapshot", "#!/bin/sh\necho not listening\nexit 0\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", payload, len, NULL, 10000), 0);
	assert_int_equal(r.status, RL_HOOK_OK);
	assert_int_equal(r.timed_out, 0);
	assert_true(r.stdin_written < len);
	assert_string_equal(r.output, "not listening\n");

	/* A hook that reads a little and closes its stdin: the same. */
	write_hook(f, "post-snapshot", "#!/bin/sh\nhead -c 10 > head.out\nexec <&-\nsleep 0\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", payload, len, NULL, 10000), 0);
	assert_int_equal(r.status, RL_HOOK_OK);
	assert_true(r.stdin_written < len);

	/* No SIGPIPE left pending for us, and our disposition is untouched. */
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGPIPE));
	sigaction(SIGPIPE, NULL, &after);
	assert_true(before.sa_handler == after.sa_handler);
	free(payload);
	rl_hook_result_clear(&r);
}

static void test_background_child_holding_the_pipes_is_not_waited_for(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	pid_t child;

	write_hook(f, "post-snapshot",
		   "#!/bin/sh\n"
		   "sleep 30 &\n"
		   "echo $! > child.pid\n"
		   "echo started\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 5000), 0);
	assert_int_equal(r.status, RL_HOOK_OK);
	assert_int_equal(r.timed_out, 0);
	assert_string_equal(r.output, "started\n");
	child = read_pid(f, "child.pid");
	kill(child, SIGKILL);
	assert_true(process_gone(child));
	rl_hook_result_clear(&r);
}

static void test_huge_output_is_captured_bounded(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;

	write_hook(f, "post-snapshot",
		   "#!/bin/sh\nhead -c 1048576 /dev/zero | tr '\\0' x\necho done > done.out\n", 0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", "{}", 2, NULL, 20000), 0);
	assert_int_equal(r.status, RL_HOOK_OK);
	assert_int_equal(r.output_len, RL_HOOK_OUTPUT_MAX);
	assert_int_equal(r.output_truncated, 1);
	assert_int_equal(r.output[r.output_len], '\0');
	for (size_t i = 0; i < r.output_len; i++)
		if (r.output[i] != 'x')
			fail_msg("unexpected byte at %zu", i);
	/* The hook was drained to its end, not stopped at the cap. */
	char *done = archive_file(f, "done.out", NULL);
	assert_non_null(done);
	free(done);
	rl_hook_result_clear(&r);
}

static void test_other_fds_are_closed_in_the_hook(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	char path[PATH_MAX], var[64];
	const char *env[] = { var, NULL };
	int fd;

	snprintf(path, sizeof(path), "%s/secret", f->dir);
	write_file(path, "x", 0600);
	/* Inheritable on purpose, and high, away from the fds the child reuses. */
	fd = open(path, O_RDONLY);
	assert_true(fd > 2);
	assert_int_equal(dup2(fd, 100), 100);
	close(fd);
	fd = 100;
	snprintf(var, sizeof(var), "LEAK_FD=%d", fd);
	write_hook(f, "post-snapshot",
		   "#!/bin/sh\nif [ -e /proc/$$/fd/$LEAK_FD ]; then echo leaked; else echo closed; fi\n",
		   0755);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", NULL, 0, env, 0), 0);
	close(fd);
	assert_string_equal(r.output, "closed\n");
	rl_hook_result_clear(&r);
}

static void test_post_commit_runs_after_post_snapshot(void **state)
{
	struct fixture *f = *state;
	rl_hook_result snap = RL_HOOK_RESULT_INIT, commit = RL_HOOK_RESULT_INIT;
	char *order, *pc;

	write_hook(f, "post-snapshot", "#!/bin/sh\necho post-snapshot >> order.log\nexit 1\n", 0755);
	write_hook(f, "post-commit",
		   "#!/bin/sh\n"
		   "echo post-commit >> order.log\n"
		   "{ echo \"args=$#\"; echo \"stdin=$(cat)\"; echo \"hook=$REDLINE_HOOK\"; } > pc.out\n",
		   0755);
	assert_int_equal(rl_hook_run_after_commit(&snap, &commit, f->dir, "{\"version\":1}", 13,
						  NULL, 0), 0);
	assert_int_equal(snap.status, RL_HOOK_FAILED);
	assert_int_equal(commit.status, RL_HOOK_OK);
	assert_string_equal(commit.name, "post-commit");
	order = archive_file(f, "order.log", NULL);
	assert_string_equal(order, "post-snapshot\npost-commit\n");
	pc = archive_file(f, "pc.out", NULL);
	assert_string_equal(pc, "args=0\nstdin=\nhook=post-commit\n");
	free(order);
	free(pc);
	rl_hook_result_clear(&snap);
	rl_hook_result_clear(&commit);
}

static void test_bad_arguments_are_refused(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	const char *bad_env[] = { "NO_EQUALS_SIGN", NULL };
	const char *empty_name[] = { "=value", NULL };
	const char *names[] = { "", "../post-snapshot", "a/b", ".hidden", "x\ny" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(rl_hook_run(&r, f->dir, names[i], NULL, 0, NULL, 0), RL_EINVAL);
		assert_non_null(strstr(rl_error_last(), "invalid hook name"));
	}
	assert_int_equal(rl_hook_run(&r, f->dir, NULL, NULL, 0, NULL, 0), RL_EINVAL);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", NULL, 0, bad_env, 0), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "'NO_EQUALS_SIGN'"));
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", NULL, 0, empty_name, 0), RL_EINVAL);
	assert_int_equal(rl_hook_run(&r, "/nonexistent/archive.git", "post-snapshot", NULL, 0, NULL, 0),
			 RL_ENOTFOUND);
	assert_non_null(strstr(rl_error_last(), "cannot open archive '/nonexistent/archive.git'"));
	rl_hook_result_clear(&r);
	rl_hook_result_clear(NULL);
}

/* The shipped alert hook, run the way redline runs it. */
static void test_shipped_alert_hook_runs_as_post_snapshot(void **state)
{
	struct fixture *f = *state;
	rl_hook_result r = RL_HOOK_RESULT_INIT;
	const char *src = getenv("REDLINE_SOURCE_DIR");
	const char *payload =
		"{\"version\":1,\"source\":\"anp\",\"source_url\":\"https://example.nl/\","
		"\"archive\":\"/a\",\"commit\":\"0123456789abcdef0123456789abcdef01234567\","
		"\"parent\":null,\"time\":\"2026-11-28T10:00:00Z\",\"counts\":{\"edited\":1,"
		"\"new\":0,\"gone\":0,\"back\":0,\"moved\":0,\"removed\":0},\"items\":[{\"id\":"
		"\"3fa2c1d0e9ab\",\"path\":\"anp/2026-11/vs-3fa2c1d0e9ab.txt\",\"title\":\"VS "
		"schatten\",\"url\":null,\"change\":\"edited\",\"old_hash\":null,\"new_hash\":null,"
		"\"figures\":[{\"old\":\"3000\",\"new\":\"10.000\"}]}]}";
	char path[PATH_MAX], hook[PATH_MAX];

	if (src == NULL || tu_sh(NULL, "command -v jq >/dev/null") != 0)
		tu_skip();
	snprintf(hook, sizeof(hook), "%s/hooks/alert-figures", src);
	snprintf(path, sizeof(path), "%s/hooks/post-snapshot", f->dir);
	assert_int_equal(symlink(hook, path), 0);
	assert_int_equal(rl_hook_run(&r, f->dir, "post-snapshot", payload, strlen(payload), NULL, 0), 0);
	assert_int_equal(r.status, RL_HOOK_OK);
	assert_string_equal(r.output, "ALERT anp: \"VS schatten\" figures 3000 \xe2\x86\x92 10.000 "
				      "(anp/2026-11/vs-3fa2c1d0e9ab.txt)\n");
	rl_hook_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_payload_env_argv_and_cwd_reach_the_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_hook_is_reported_not_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_killed_by_a_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hanging_hook_and_its_children_are_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_ignoring_sigterm_gets_sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_executable_hook_is_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_hook_is_nothing_to_do, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_symlink_and_directory_are_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_script_without_shebang_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_not_reading_stdin_neither_hangs_nor_kills_us, setup, teardown),
		cmocka_unit_test_setup_teardown(test_background_child_holding_the_pipes_is_not_waited_for, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_output_is_captured_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_fds_are_closed_in_the_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_commit_runs_after_post_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shipped_alert_hook_runs_as_post_snapshot, setup, teardown),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
