/*
 * hook.c - runs the archive's hook scripts (post-snapshot, post-commit).
 *
 * Invariants:
 *  - Everything the child needs (argv, envp, paths, fds) is prepared before
 *    fork(): between fork() and execve() the child makes only
 *    async-signal-safe calls, so a multi-threaded caller is safe.
 *  - The caller never dies of SIGPIPE from a hook that does not read its
 *    stdin: SIGPIPE is blocked in the calling thread while we talk to the
 *    hook, and one raised by our own write is consumed before the caller's
 *    signal mask comes back.
 *  - The parent never blocks on the hook: the payload write and the output
 *    read are non-blocking, multiplexed by poll() against a deadline; output
 *    past RL_HOOK_OUTPUT_MAX is read and dropped so the hook never stalls.
 *  - The hook leads a process group of its own; on timeout the whole group
 *    gets SIGTERM, then SIGKILL after RL_HOOK_KILL_GRACE_MS.
 *  - We wait for the hook, not for what it leaves behind: once it has exited
 *    we take the output already in the pipe and return, even if a background
 *    child still holds the pipe open.
 */
#include "redline/timeutil.h"
#include "redline/hook.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HOOK_NAME_MAX 64
#define IO_CHUNK 16384
/* Without a pidfd we learn of the hook's exit by looking this often. */
#define EXIT_POLL_MS 50

/* Inherited variables that would point a git command run by the hook at
 * something other than the archive. */
static const char *const dropped_env[] = { "GIT_WORK_TREE", "GIT_INDEX_FILE", NULL };

static int valid_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > HOOK_NAME_MAX || name[0] == '.')
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* 1 when "NAME=value" entry `a` and `b` set the same NAME. */
static int same_var(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");
	return strncmp(a, b, n) == 0 && b[n] == '=';
}

static int in_vec(const rl_strvec *vec, const char *entry)
{
	for (size_t i = 0; i < vec->n; i++)
		if (same_var(vec->v[i], entry))
			return 1;
	return 0;
}

/*
 * The hook's environment: REDLINE_HOOK and GIT_DIR (ours), then the
 * caller's extra entries, then the inherited environment minus anything
 * named before.  Each name appears once, so getenv() cannot disagree with
 * the last-one-wins rule of a shell.
 */
static int build_env(char ***out, rl_strvec *vars, const char *name, const char *archive,
		     const char *const *extra)
{
	rl_strvec forced = RL_STRVEC_INIT;
	char *s = NULL, **envp;
	int error = RL_ENOMEM;

	if (asprintf(&s, "REDLINE_HOOK=%s", name) < 0 || rl_strvec_push_owned(&forced, s) < 0)
		goto done;
	if (asprintf(&s, "GIT_DIR=%s", archive) < 0 || rl_strvec_push_owned(&forced, s) < 0)
		goto done;
	for (size_t i = 0; i < forced.n; i++)
		if (rl_strvec_push(vars, forced.v[i]) < 0)
			goto done;
	for (size_t i = 0; extra && extra[i]; i++) {
		if (!in_vec(&forced, extra[i]) && !in_vec(vars, extra[i]) &&
		    rl_strvec_push(vars, extra[i]) < 0)
			goto done;
	}
	for (char **e = environ; e && *e; e++) {
		int drop = strchr(*e, '=') == NULL || in_vec(vars, *e);
		for (size_t i = 0; !drop && dropped_env[i]; i++) {
			size_t n = strlen(dropped_env[i]);
			drop = strncmp(*e, dropped_env[i], n) == 0 && (*e)[n] == '=';
		}
		if (!drop && rl_strvec_push(vars, *e) < 0)
			goto done;
	}
	if ((envp = calloc(vars->n + 1, sizeof(*envp))) == NULL)
		goto done;
	for (size_t i = 0; i < vars->n; i++)
		envp[i] = vars->v[i];
	*out = envp;
	error = 0;
done:
	if (error == RL_ENOMEM)
		rl_error_set(RL_ENOMEM, "out of memory");
	rl_strvec_release(&forced);
	return error;
}

static void close_from(int lowfd, long maxfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0U, 0) == 0)
		return;
#endif
	for (long fd = lowfd; fd < maxfd; fd++)
		close((int)fd);
}

/*
 * In the child, up to execve(): async-signal-safe calls only.  The three
 * fds are first moved above 2 so that none of them is clobbered by the
 * dup2() onto 0, 1 and 2 (they may be 0-2 when the caller closed those).
 */
static void __attribute__((noreturn))
child_exec(char *const argv[], char *const envp[], const char *cwd, int in_fd, int out_fd,
	   int err_fd, const sigset_t *mask, long maxfd)
{
	struct sigaction dfl;
	int e;

	setpgid(0, 0);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &dfl, NULL);
	sigprocmask(SIG_SETMASK, mask, NULL);

	if ((err_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (in_fd = fcntl(in_fd, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (out_fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 3)) < 0)
		goto fail;
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		goto fail;
	if (err_fd != 3) {
		if (dup3(err_fd, 3, O_CLOEXEC) < 0)
			goto fail;
		err_fd = 3;
	}
	close_from(4, maxfd);
	if (chdir(cwd) < 0)
		goto fail;
	execve(argv[0], argv, envp);
fail:
	e = errno;
	if (err_fd >= 0)
		(void)!write(err_fd, &e, sizeof(e));
	_exit(127);
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reads what is available; keeps up to the buffer's maximum, drops the rest.
 * Returns 0 at EOF or on an error (the fd is finished), 1 otherwise. */
static int read_output(int fd, rl_buf *buf, int *truncated)
{
	char chunk[IO_CHUNK];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			size_t room = buf->max - buf->len, take = (size_t)n < room ? (size_t)n : room;
			if (take < (size_t)n)
				*truncated = 1;
			if (take > 0 && rl_buf_put(buf, chunk, take) < 0)
				*truncated = 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		return 0;
	}
}

/* Writes what the pipe takes.  Returns 0 when the fd is finished (all
 * written, or the hook closed its stdin: EPIPE), 1 to come back later. */
static int write_input(int fd, const char *data, size_t len, size_t *written)
{
	while (*written < len) {
		size_t left = len - *written;
		ssize_t n = write(fd, data + *written, left < IO_CHUNK ? left : IO_CHUNK);
		if (n > 0) {
			*written += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		return 0;
	}
	return 0;
}

static int __attribute__((format(printf, 2, 3)))
skip(rl_hook_result *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	out->status = RL_HOOK_SKIPPED;
	va_start(ap, fmt);
	n = vasprintf(&out->skipped_reason, fmt, ap);
	va_end(ap);
	if (n < 0) {
		out->skipped_reason = NULL;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	return 0;
}

/* Decides whether the file at out->path can be run; 1 when it can. */
static int check_hook_file(rl_hook_result *out, int *error)
{
	struct stat st;

	*error = 0;
	if (stat(out->path, &st) < 0) {
		if (errno == ENOENT && lstat(out->path, &st) == 0) {
			*error = skip(out, "a symbolic link to a missing file");
			return 0;
		}
		if (errno == ENOENT || errno == ENOTDIR) {
			free(out->path);
			out->path = NULL;
			return 0;  /* absent */
		}
		*error = skip(out, "cannot be read: %s", strerror(errno));
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		*error = skip(out, "not a regular file");
		return 0;
	}
	if (access(out->path, X_OK) < 0) {
		*error = skip(out, "not set as executable");
		return 0;
	}
	return 1;
}

/* Everything one run needs; torn down by run_release(). */
struct run {
	char *archive;         /* realpath of the archive: the hook's cwd and GIT_DIR */
	char *argv[2];
	char **envp;
	rl_strvec vars;
	int in_child, in_fd;   /* the hook's stdin: its end, our end (-1 for /dev/null) */
	int out_child, out_fd; /* its stdout+stderr */
	int err_child, err_fd; /* execve()'s errno, CLOEXEC: EOF means exec succeeded */
	int pid_fd;
	pid_t pid;
	rl_buf output;
	/* SIGPIPE blocked in the calling thread while we talk to the hook */
	sigset_t pipe_set, old_mask, child_mask;
	int masked, pipe_was_pending;
};

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->in_child = r->in_fd = r->out_child = r->out_fd = -1;
	r->err_child = r->err_fd = r->pid_fd = -1;
	r->pid = -1;
	rl_buf_init(&r->output, RL_HOOK_OUTPUT_MAX);
}

/* Blocks SIGPIPE in this thread (the hook may close its stdin early); the
 * child gets the caller's mask back before execve(). */
static void block_sigpipe(struct run *r)
{
	sigset_t pending;

	sigemptyset(&r->pipe_set);
	sigaddset(&r->pipe_set, SIGPIPE);
	sigpending(&pending);
	r->pipe_was_pending = sigismember(&pending, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &r->pipe_set, &r->old_mask);
	r->masked = 1;
	r->child_mask = r->old_mask;
	sigdelset(&r->child_mask, SIGPIPE);
}

/* Consumes a SIGPIPE our own write raised, then restores the caller's mask. */
static void restore_sigpipe(struct run *r)
{
	struct timespec zero = { 0, 0 };
	sigset_t pending;

	if (!r->masked)
		return;
	sigpending(&pending);
	if (!r->pipe_was_pending && sigismember(&pending, SIGPIPE))
		while (sigtimedwait(&r->pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &r->old_mask, NULL);
	r->masked = 0;
}

static void run_release(struct run *r)
{
	free(r->envp);
	rl_strvec_release(&r->vars);
	close_fd(&r->in_child);
	close_fd(&r->in_fd);
	close_fd(&r->out_child);
	close_fd(&r->out_fd);
	close_fd(&r->err_child);
	close_fd(&r->err_fd);
	close_fd(&r->pid_fd);
	restore_sigpipe(r);
	rl_buf_release(&r->output);
	free(r->archive);
}

static int open_pipes(struct run *r, int want_stdin)
{
	int p[2];

	if (want_stdin) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return rl_error_set_errno(RL_EIO, "cannot create a pipe for a hook");
		r->in_child = p[0];
		r->in_fd = p[1];
	} else if ((r->in_child = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		return rl_error_set_errno(RL_EIO, "cannot open '/dev/null'");
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return rl_error_set_errno(RL_EIO, "cannot create a pipe for a hook");
	r->out_fd = p[0];
	r->out_child = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return rl_error_set_errno(RL_EIO, "cannot create a pipe for a hook");
	r->err_fd = p[0];
	r->err_child = p[1];
	return 0;
}

/* The deadline passed: SIGTERM to the group first, SIGKILL after the grace
 * time.  Returns the next phase (1 sent SIGTERM, 2 sent SIGKILL). */
static int escalate(rl_hook_result *out, pid_t pid, int phase, long *deadline)
{
	if (phase == 0) {
		out->timed_out = 1;
		kill(-pid, SIGTERM);
		*deadline = rl_time_now_ms() + RL_HOOK_KILL_GRACE_MS;
	} else {
		kill(-pid, SIGKILL);
	}
	return phase + 1;
}

/*
 * Feeds the payload, collects output and waits for `pid`, killing its
 * process group when the deadline passes.  Returns the wait status.
 */
static int supervise(rl_hook_result *out, struct run *r, pid_t pid, const char *data,
		     size_t len, rl_buf *output)
{
	long start = rl_time_now_ms(), deadline = start + out->timeout_ms;
	int phase = 0;  /* 0 running, 1 sent SIGTERM, 2 sent SIGKILL */
	int wstatus = 0;

	if ((r->in_fd >= 0 && set_nonblock(r->in_fd) < 0) || set_nonblock(r->out_fd) < 0) {
		kill(-pid, SIGKILL);
		phase = 2;
	}
	if (r->in_fd >= 0 && len == 0)
		close_fd(&r->in_fd);
	for (;;) {
		struct pollfd pfd[3];
		int n = 0, i_in = -1, i_out = -1, wait_ms;
		long left = deadline - rl_time_now_ms();
		pid_t w;

		if (r->in_fd >= 0)
			pfd[i_in = n++] = (struct pollfd){ r->in_fd, POLLOUT, 0 };
		if (r->out_fd >= 0)
			pfd[i_out = n++] = (struct pollfd){ r->out_fd, POLLIN, 0 };
		if (r->pid_fd >= 0)
			pfd[n++] = (struct pollfd){ r->pid_fd, POLLIN, 0 };
		wait_ms = phase == 2 ? -1 : (left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left);
		if (r->pid_fd < 0 && (wait_ms < 0 || wait_ms > EXIT_POLL_MS))
			wait_ms = EXIT_POLL_MS;
		if (poll(pfd, (nfds_t)n, wait_ms) < 0 && errno != EINTR && phase < 2) {
			kill(-pid, SIGKILL);  /* cannot watch it any more: end it */
			phase = 2;
		}
		if (i_in >= 0 && pfd[i_in].revents &&
		    !write_input(r->in_fd, data, len, &out->stdin_written))
			close_fd(&r->in_fd);
		if (i_out >= 0 && pfd[i_out].revents &&
		    !read_output(r->out_fd, output, &out->output_truncated))
			close_fd(&r->out_fd);

		w = waitpid(pid, &wstatus, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (phase < 2 && rl_time_now_ms() >= deadline)
			phase = escalate(out, pid, phase, &deadline);
	}
	out->duration_ms = rl_time_now_ms() - start;
	close_fd(&r->in_fd);
	if (r->out_fd >= 0)
		read_output(r->out_fd, output, &out->output_truncated);
	/* What the group's stragglers (if any) ignored SIGTERM for ends here. */
	if (out->timed_out)
		kill(-pid, SIGKILL);
	return wstatus;
}

static void fill_status(rl_hook_result *out, int wstatus)
{
	if (WIFEXITED(wstatus)) {
		out->exit_code = WEXITSTATUS(wstatus);
		out->status = out->exit_code == 0 ? RL_HOOK_OK : RL_HOOK_FAILED;
	} else if (WIFSIGNALED(wstatus)) {
		out->signal = WTERMSIG(wstatus);
		out->status = RL_HOOK_KILLED;
	}
	if (out->timed_out)
		out->status = RL_HOOK_TIMED_OUT;
}

static int check_args(const char *archive_dir, const char *name,
		      const char *const *extra_env)
{
	if (!valid_name(name))
		return rl_error_set(RL_EINVAL, "invalid hook name '%s'", name ? name : "(null)");
	if (archive_dir == NULL)
		return rl_error_set(RL_EINVAL, "no archive given for hook '%s'", name);
	for (size_t i = 0; extra_env && extra_env[i]; i++) {
		const char *eq = strchr(extra_env[i], '=');
		if (eq == NULL || eq == extra_env[i])
			return rl_error_set(RL_EINVAL, "invalid hook environment entry '%s'",
					    extra_env[i]);
	}
	return 0;
}

/* Finds the hook file; *runnable when it can be run (absent and skipped
 * hooks are results, not errors). */
static int locate(int *runnable, rl_hook_result *out, struct run *r, const char *archive_dir,
		  const char *name)
{
	int error = 0;

	*runnable = 0;
	if ((out->name = rl_strdup(name)) == NULL)
		return RL_ENOMEM;
	if ((r->archive = realpath(archive_dir, NULL)) == NULL)
		return rl_error_set_errno(errno == ENOENT ? RL_ENOTFOUND : RL_EIO,
					  "cannot open archive '%s'", archive_dir);
	if (asprintf(&out->path, "%s/hooks/%s", r->archive, name) < 0) {
		out->path = NULL;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	*runnable = check_hook_file(out, &error);
	r->argv[0] = out->path;
	return error;
}

/* fork() and execve() of the prepared run; the parent keeps its ends only. */
static int spawn(struct run *r, const char *name)
{
	long maxfd = sysconf(_SC_OPEN_MAX);

	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	block_sigpipe(r);
	if ((r->pid = fork()) < 0)
		return rl_error_set_errno(RL_EIO, "cannot run hook '%s'", name);
	if (r->pid == 0)
		child_exec(r->argv, r->envp, r->archive, r->in_child, r->out_child, r->err_child,
			   &r->child_mask, maxfd);
	/* Also here: a timeout must never signal a group that does not exist yet. */
	setpgid(r->pid, r->pid);
	close_fd(&r->in_child);
	close_fd(&r->out_child);
	close_fd(&r->err_child);
	return 0;
}

/* Whether execve() failed in the child (its errno comes through err_fd;
 * EOF means it succeeded); 1 when it failed, the child then reaped. */
static int exec_failed(rl_hook_result *out, struct run *r, int *error)
{
	int exec_errno = 0, wstatus;
	ssize_t n;

	while ((n = read(r->err_fd, &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(exec_errno))
		return 0;
	while (waitpid(r->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	out->status = RL_HOOK_EXEC_FAILED;
	if (asprintf(&out->skipped_reason, "%s%s", strerror(exec_errno),
		     exec_errno == ENOEXEC ? " (does it start with '#!'?)" : "") < 0) {
		out->skipped_reason = NULL;
		*error = rl_error_set(RL_ENOMEM, "out of memory");
	}
	return 1;
}

/* Feeds, watches and reaps the running hook; fills in what it did. */
static int wait_for_hook(rl_hook_result *out, struct run *r, const char *data, size_t len)
{
	int wstatus;

	out->ran = 1;
#ifdef SYS_pidfd_open
	r->pid_fd = (int)syscall(SYS_pidfd_open, r->pid, 0);
#endif
	wstatus = supervise(out, r, r->pid, data, len, &r->output);
	fill_status(out, wstatus);
	out->output_len = r->output.len;
	if ((out->output = rl_buf_detach(&r->output)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	return 0;
}

int rl_hook_run(rl_hook_result *out, const char *archive_dir, const char *name,
		const char *stdin_data, size_t stdin_len,
		const char *const *extra_env, int timeout_ms)
{
	struct run r;
	int error, runnable = 0;

	run_init(&r);
	rl_hook_result_clear(out);
	out->timeout_ms = timeout_ms > 0 ? timeout_ms : RL_HOOK_TIMEOUT_DEFAULT_MS;
	if ((error = check_args(archive_dir, name, extra_env)) < 0)
		return error;
	if ((error = locate(&runnable, out, &r, archive_dir, name)) < 0 || !runnable)
		goto done;
	if ((error = build_env(&r.envp, &r.vars, name, r.archive, extra_env)) < 0 ||
	    (error = open_pipes(&r, stdin_data != NULL)) < 0 ||
	    (error = spawn(&r, name)) < 0)
		goto done;
	if (exec_failed(out, &r, &error))
		goto done;
	error = wait_for_hook(out, &r, stdin_data, stdin_len);
done:
	run_release(&r);
	return error;
}

int rl_hook_run_after_commit(rl_hook_result *post_snapshot, rl_hook_result *post_commit,
			     const char *archive_dir, const char *payload, size_t payload_len,
			     const char *const *extra_env, int timeout_ms)
{
	int e1, e2;

	e1 = rl_hook_run(post_snapshot, archive_dir, "post-snapshot", payload ? payload : "",
			 payload ? payload_len : 0, extra_env, timeout_ms);
	e2 = rl_hook_run(post_commit, archive_dir, "post-commit", NULL, 0, extra_env, timeout_ms);
	return e1 < 0 ? e1 : e2;
}

int rl_hook_any_installed(const char *archive_dir)
{
	static const char *const names[] = { "post-snapshot", "post-commit" };
	char path[4200];
	struct stat st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/hooks/%s", archive_dir, names[i]) >=
		    sizeof(path))
			return 1; /* cannot tell: as if there were one */
		if (lstat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR))
			return 1;
	}
	return 0;
}

int rl_hook_result_is_problem(const rl_hook_result *r)
{
	return r && r->status != RL_HOOK_ABSENT && r->status != RL_HOOK_OK;
}

int rl_hook_result_describe(rl_buf *out, const rl_hook_result *r)
{
	const char *name = r && r->name ? r->name : "?";
	int t = r ? r->timeout_ms : 0;

	if (!rl_hook_result_is_problem(r))
		return 0;
	switch (r->status) {
	case RL_HOOK_SKIPPED:
		if (r->skipped_reason && strcmp(r->skipped_reason, "not set as executable") == 0)
			return rl_buf_printf(out, "hook '%s' was ignored because it is not set as "
					     "executable (chmod +x '%s')", name, r->path);
		return rl_buf_printf(out, "hook '%s' was ignored: %s", name,
				     r->skipped_reason ? r->skipped_reason : "cannot run it");
	case RL_HOOK_EXEC_FAILED:
		return rl_buf_printf(out, "hook '%s' could not be run: %s", name,
				     r->skipped_reason ? r->skipped_reason : "execve failed");
	case RL_HOOK_FAILED:
		return rl_buf_printf(out, "hook '%s' exited with status %d", name, r->exit_code);
	case RL_HOOK_KILLED:
		return rl_buf_printf(out, "hook '%s' was killed by signal %d (%s)", name, r->signal,
				     strsignal(r->signal));
	case RL_HOOK_TIMED_OUT:
		if (t % 1000 == 0)
			return rl_buf_printf(out, "hook '%s' timed out after %d s and was killed",
					     name, t / 1000);
		return rl_buf_printf(out, "hook '%s' timed out after %d ms and was killed", name, t);
	default:
		return 0;
	}
}

void rl_hook_result_clear(rl_hook_result *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->path);
	free(r->output);
	free(r->skipped_reason);
	*r = (rl_hook_result)RL_HOOK_RESULT_INIT;
}
