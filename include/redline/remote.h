/*
 * redline/remote.h - pushing a worker's archive to a central git remote,
 * and fetching shard branches back for a merge.
 *
 * Remotes are git's own: `remote.<name>.url` (and `pushurl`) and
 * `remote.<name>.push` in the archive's config, as `git remote add` writes
 * them.  A worker pushes its `main` to a branch of its own
 * (refs/heads/shards/K-of-N), so that workers never race on one ref.
 *
 * Credentials, as git users already have them (docs/sharding.md has the
 * table): for SSH the ssh-agent, then the IdentityFile keys of
 * GIT_SSH_COMMAND / core.sshCommand (-i, -o) and ~/.ssh/config (Host
 * sections: HostName, Port, User, IdentityFile, IdentitiesOnly,
 * UserKnownHostsFile), else ~/.ssh/id_ed25519, id_ecdsa and id_rsa without
 * a passphrase; the server's host key must be in known_hosts.  For HTTPS a
 * user:password in the URL, else `git credential fill` (the credential
 * helpers of the user's git config); CAs from http.sslCAInfo/sslCAPath.
 * git:// and file paths need none.
 *
 * A push's outcome is kept in <archive>/redline/push/<remote>.json: the
 * commit last pushed, failures in a row, and when to try again (backoff:
 * 30 s after the first failure, doubling, at most an hour).
 */
#ifndef REDLINE_REMOTE_H
#define REDLINE_REMOTE_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/shard.h"

/** A remote's name: 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'. */
#define RL_REMOTE_NAME_MAX 64

typedef struct rl_remote_opts {
	const char *home;        /* for ~/.ssh (keys, config, known_hosts); NULL: agent only */
	int64_t now;             /* 0: time(NULL) */
	const char *ssh_command; /* GIT_SSH_COMMAND (over core.sshCommand); NULL: none */
	const char *ssh_program; /* GIT_SSH (under core.sshCommand); NULL: none */
	const char *ssh_auth_sock; /* SSH_AUTH_SOCK: the ssh-agent; NULL: none */
} rl_remote_opts;

typedef struct rl_push_state {
	char *remote;
	char *dst_ref;        /* where it last pushed to; NULL before the first push */
	int has_pushed;
	git_oid pushed;       /* the commit last pushed there */
	int has_pushed_notes;
	git_oid pushed_notes; /* refs/notes/timestamps as of the last push */
	int64_t last_try;
	int64_t last_success;
	int64_t next_try;     /* 0: at once */
	int failures;         /* in a row */
	char *last_error;
} rl_push_state;

/** RL_EINVAL unless `name` is a usable remote name (see RL_REMOTE_NAME_MAX). */
int rl_remote_check_name(const char *name);

/** The refspec a worker pushes with: the first `remote.<name>.push` if set,
 *  else refs/heads/main:refs/heads/shards/K-of-N for a sharded worker, else
 *  refs/heads/main:refs/heads/shards/<redline.worker>.  RL_ENOTFOUND when
 *  none applies; RL_EINVAL for a refspec that is not "src:dst" of full refs. */
int rl_remote_push_refspec(char **out, rl_archive *archive, const char *remote,
			   const rl_shard *shard);

/** Pushes with `refspec` (fast-forward only) and records the outcome in the
 *  push state, success or failure.  refs/notes/timestamps (the timestamp
 *  tokens) goes with it, fast-forward only too: to refs/notes/timestamps
 *  when the branch is refs/heads/main, to refs/notes/shards/NAME when it is
 *  refs/heads/shards/NAME, nowhere for another branch.  RL_ELOCKED when another push of this
 *  archive to this remote is running (nothing recorded); RL_EFETCH when the
 *  push failed or the remote refused it. */
int rl_remote_push(rl_archive *archive, const char *remote, const char *refspec,
		   const rl_remote_opts *opts);

/** Records a push that failed outside rl_remote_push() (it was killed after
 *  running too long), with the same backoff as any failed push. */
int rl_remote_push_failed(rl_archive *archive, const char *remote, int64_t now,
			  const char *message);

/** 1 in `*due` when main has commits, or refs/notes/timestamps notes, not
 *  yet pushed to `remote` and no backoff is running (`now` >= next_try). */
int rl_remote_push_due(int *due, rl_archive *archive, const char *remote, int64_t now);

/** Loads the push state (an empty one if there is none yet). */
int rl_push_state_load(rl_push_state **out, rl_archive *archive, const char *remote);
/** Frees a push state; NULL is fine. */
void rl_push_state_free(rl_push_state *state);

/** How far the remote is behind: commits on main not in the last push
 *  (`ahead`) and commits of the last push no longer on main (`behind`). */
int rl_push_state_ahead_behind(size_t *ahead, size_t *behind, rl_archive *archive,
			       const rl_push_state *state);

/** Fetches `refspecs` from `remote` (forced updates allowed, as "+src:dst"). */
int rl_remote_fetch(rl_archive *archive, const char *remote, const char *const *refspecs,
		    size_t n, const rl_remote_opts *opts);

/** Pushes one refspec and records nothing (merge pushes `main` this way). */
int rl_remote_push_once(rl_archive *archive, const char *remote, const char *refspec,
			const rl_remote_opts *opts);

/** Looks `key` (the raw SSH host key, as the server sent it) up in the
 *  known_hosts `file` with `ssh-keygen -F` (plain or hashed entries), under
 *  "[host]:port" for a port other than 22 (0: 22), as OpenSSH files it.
 *  `*known`: 1 listed with this key, 0 not listed (or no file), -1 listed
 *  with other keys only (a changed key, or someone in between).  An error
 *  only when ssh-keygen cannot be run. */
int rl_remote_host_key_known(int *known, const char *file, const char *host, int port,
			     const unsigned char *key, size_t len);

/** The names of the remotes configured in the archive (remote.NAME.url), in config order. */
int rl_remote_list(rl_strvec *out, rl_archive *archive);

#endif
