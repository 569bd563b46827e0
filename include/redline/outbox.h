/*
 * redline/outbox.h - hook deliveries that no crash or failure can lose.
 *
 * Every commit's post-snapshot payload is recorded in the archive's outbox
 * (<gitdir>/redline/outbox/, one fsynced file per commit, named so that
 * names sort in commit order) before its hooks run, and removed only when
 * post-snapshot and post-commit both succeeded (or are absent).  A crash, a
 * failed state save or a failing hook leaves it pending; the next delivery
 * runs every pending payload in order, oldest first, before new ones: at
 * least once, each with its commit id so that receivers can de-duplicate.
 *
 * A commit that a crash kept from being recorded at all (killed between the
 * ref move and the outbox write) is found by its absence: the outbox keeps
 * the last commit it recorded, and every commit on main after it gets a
 * payload rebuilt from its message ("rebuilt": true: the changes with ids
 * and titles, no hashes or figures).  See docs/hooks.md, docs/reliability.md.
 */
#ifndef REDLINE_OUTBOX_H
#define REDLINE_OUTBOX_H

#include <stddef.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/hook.h"

/** Commits after the last recorded one that get rebuilt payloads, at most. */
#define RL_OUTBOX_RECOVER_MAX 1000

/** Records `payload` for `commit`; the caller holds the writer lock. */
int rl_outbox_record(rl_archive *archive, const git_oid *commit, const char *payload);

/** Records the payloads of `n` commits in commit order (a NULL payload:
 *  that commit needs none) and moves the recovery point once, to the last;
 *  the caller holds the writer lock. */
int rl_outbox_record_batch(rl_archive *archive, const git_oid *commits,
			   const char *const *payloads, size_t n);

/** Records rebuilt payloads for the commits on main after the last recorded
 *  one (none on an outbox never used: it starts at the current HEAD); the
 *  caller holds the writer lock. */
int rl_outbox_recover(rl_archive *archive);

/** The pending entries' names, oldest first, into `out` (appended). */
int rl_outbox_list(rl_strvec *out, rl_archive *archive);

/** Reads one pending entry's payload into `out` (replacing its contents). */
int rl_outbox_read(rl_buf *out, rl_archive *archive, const char *name);

/** Told each entry tried: its commit and both hooks' results (which the
 *  callback may take, leaving RL_HOOK_RESULT_INIT behind). */
typedef void (*rl_outbox_entry_cb)(const git_oid *commit, rl_hook_result results[2],
				   void *userdata);

typedef struct rl_outbox_deliver_opts {
	int timeout_ms;                 /* each hook's limit; <= 0: the default */
	rl_outbox_entry_cb on_entry;    /* may be NULL */
	void *userdata;
} rl_outbox_deliver_opts;

/**
 * Delivers the pending payloads in order: post-snapshot with the payload,
 * then post-commit, each with REDLINE_* variables from the payload (no
 * length cap).  An entry goes when both hooks succeeded or are absent; the
 * first that fails stops the delivery (later ones stay pending, in order).
 * `last` (may be NULL) gets the results of the last entry tried (unless
 * on_entry took them); `*delivered` and `*pending` (may be NULL) the
 * counts; `opts` may be NULL.  Deliveries of several processes are
 * serialised by a lock of their own; none holds the writer lock.  Returns 0
 * whatever the hooks did, an error only when the outbox cannot be read or
 * a hook cannot be started.
 */
int rl_outbox_deliver(size_t *delivered, size_t *pending, rl_hook_result last[2],
		      rl_archive *archive, const rl_outbox_deliver_opts *opts);

#endif
