/*
 * redline/hook.h - running the archive's hook scripts after a commit.
 *
 * libgit2 runs no hooks, so redline does, the way git would: after each
 * commit `<archive>/hooks/post-snapshot` gets the snapshot's JSON payload on
 * its stdin, then `<archive>/hooks/post-commit` runs with stdin from
 * /dev/null.  A hook is
 * executed directly (never through a shell) with argv {path}, its cwd the
 * archive, in a process group of its own so that a timeout can kill it and
 * everything it started.  The protocol is described in docs/hooks.md.
 *
 * A commit stands whatever its hooks do: a hook that fails, dies or hangs is
 * reported in an rl_hook_result, and rl_hook_run() still returns 0.  Only
 * not being able to start a process at all (fork or pipe failure, bad
 * arguments) is an error.
 */
#ifndef REDLINE_HOOK_H
#define REDLINE_HOOK_H

#include <stddef.h>

#include "redline/buf.h"

/** Time a hook may run before it is sent SIGTERM (milliseconds). */
#define RL_HOOK_TIMEOUT_DEFAULT_MS 30000
/** Time between SIGTERM and SIGKILL for a hook that ran out of time. */
#define RL_HOOK_KILL_GRACE_MS 2000
/** Bytes of a hook's output (stdout and stderr together) that are kept;
 *  the rest is read and dropped so the hook never blocks on a full pipe. */
#define RL_HOOK_OUTPUT_MAX (64 * 1024)

typedef enum rl_hook_status {
	RL_HOOK_ABSENT = 0,   /* no such hook: nothing to do, not an error */
	RL_HOOK_SKIPPED,      /* exists but not executable / not a file: see skipped_reason */
	RL_HOOK_EXEC_FAILED,  /* execve() failed (no #! line, bad interpreter): see skipped_reason */
	RL_HOOK_OK,           /* exited with status 0 */
	RL_HOOK_FAILED,       /* exited with a non-zero status: exit_code */
	RL_HOOK_KILLED,       /* killed by a signal it was not sent by us: signal */
	RL_HOOK_TIMED_OUT,    /* ran past its time and was killed (with its process group) */
} rl_hook_status;

typedef struct rl_hook_result {
	char *name;            /* "post-snapshot" */
	char *path;            /* absolute path of the hook, NULL when absent */
	rl_hook_status status;
	int ran;               /* 1 when the hook's program was started */
	int exit_code;         /* its exit status when it exited, -1 otherwise */
	int signal;            /* the signal that ended it, 0 when it exited */
	int timed_out;         /* 1 when it ran out of time and was killed */
	char *output;          /* stdout+stderr interleaved, NUL-terminated; NULL when it did not run */
	size_t output_len;     /* at most RL_HOOK_OUTPUT_MAX */
	int output_truncated;  /* 1 when more output came than was kept */
	size_t stdin_written;  /* bytes of the payload the hook took before closing its stdin */
	long duration_ms;      /* wall time from start to exit */
	int timeout_ms;        /* the time limit it had */
	char *skipped_reason;  /* why it did not run (SKIPPED, EXEC_FAILED), NULL otherwise */
} rl_hook_result;

#define RL_HOOK_RESULT_INIT { NULL, NULL, RL_HOOK_ABSENT, 0, -1, 0, 0, NULL, 0, 0, 0, 0, 0, NULL }

/**
 * Runs `<archive_dir>/hooks/<name>` if it exists and waits for it.
 *
 * @param out         an initialised (RL_HOOK_RESULT_INIT) or used result; it is
 *                    cleared, then filled in; free with rl_hook_result_clear()
 * @param archive_dir the archive (a bare repository); becomes the hook's cwd
 * @param name        the hook's file name, e.g. "post-snapshot" (no '/')
 * @param stdin_data  written to the hook's stdin through a pipe; NULL gives it
 *                    /dev/null.  A hook that does not read it all is fine.
 * @param stdin_len   bytes of stdin_data
 * @param extra_env   NULL-terminated "NAME=value" strings added to (and
 *                    overriding) the caller's environment; may be NULL.
 *                    REDLINE_HOOK=<name> and GIT_DIR=<archive> are always set.
 * @param timeout_ms  time limit; <= 0 means RL_HOOK_TIMEOUT_DEFAULT_MS
 * @return 0 when the hook ran, was absent or was skipped, whatever it did
 *         (see out->status); RL_EINVAL for a bad name or environment entry,
 *         RL_ENOTFOUND when archive_dir does not exist, RL_EIO / RL_ENOMEM
 *         when no process could be started.
 */
int rl_hook_run(rl_hook_result *out, const char *archive_dir, const char *name,
		const char *stdin_data, size_t stdin_len,
		const char *const *extra_env, int timeout_ms);

/**
 * Runs the hooks that follow a commit, as git orders them: `post-snapshot`
 * with `payload` on its stdin, then `post-commit` with /dev/null, whatever
 * post-snapshot did.  Both results are filled in (RL_HOOK_ABSENT for a missing
 * hook).  Returns the first error of rl_hook_run(), 0 otherwise.
 */
int rl_hook_run_after_commit(rl_hook_result *post_snapshot, rl_hook_result *post_commit,
			     const char *archive_dir, const char *payload, size_t payload_len,
			     const char *const *extra_env, int timeout_ms);

/** 1 when `<archive_dir>/hooks/` has a post-snapshot or post-commit entry
 *  of any kind (even one that would be skipped, whose warning the user
 *  must see), 0 when it has neither: the writer then records no payloads. */
int rl_hook_any_installed(const char *archive_dir);

/** 1 when the result needs the user's attention: the hook failed, was
 *  killed, timed out, could not be executed or was skipped. */
int rl_hook_result_is_problem(const rl_hook_result *r);

/**
 * Appends a one-line description of a result worth reporting, in git's
 * style, e.g. "hook 'post-snapshot' exited with status 3" or "hook
 * 'post-snapshot' timed out after 30 s and was killed"; appends nothing when
 * the hook was absent or succeeded.  For the command line to print.
 */
int rl_hook_result_describe(rl_buf *out, const rl_hook_result *r);

/** Frees what a result holds and resets it to RL_HOOK_RESULT_INIT. NULL is fine. */
void rl_hook_result_clear(rl_hook_result *r);

#endif
