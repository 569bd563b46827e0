/*
 * ingest_internal.h - what the pipeline's files share (not a public header).
 */
#ifndef REDLINE_INGEST_INTERNAL_H
#define REDLINE_INGEST_INTERNAL_H

#include "redline/buf.h"
#include "redline/config.h"
#include "redline/ingest.h"
#include "redline/item.h"
#include "redline/pool.h"
#include "redline/state.h"
#include "redline/story.h"

struct ingest {
	rl_archive *archive;
	struct rl_ingest_batch *batch; /* the group commit this snapshot joins */
	const char *source;
	rl_ingest_opts opts;
	const rl_source_config *config; /* opts.config, or owned_config */
	rl_source_config *owned_config;
	rl_state *state;           /* the page before this snapshot */
	int state_lent;            /* in->state belongs to the batch */
	rl_item_list items;        /* the page now, in order */
	rl_hash128 snapshot_hash;
	int have_snapshot_hash;    /* known: raw bytes given, or opts.snapshot_hash */
	int from_raw;              /* the snapshot came as bytes (rl_ingest) */
	char *shown_url;           /* the source's URL without userinfo, or NULL */
	rl_ingest_result *result;
	/* the revision index, opened by the first edited story's revert check
	 * and closed after classifying (ingest_revert_done): one open, one
	 * flock and one unmap a snapshot, not one an edited story */
	struct rl_revindex *revindex;
	int revindex_failed;
	/* each item's entry in the batch's memo (ingest_memo.c), or NULL */
	struct memo_entry **memo;
};

/** The snapshot's URL as it may be stored and handed on: without its
 *  userinfo (credentials stay in the config); NULL when there is none. */
const char *ingest_source_url(const struct ingest *in);

/** Refuses a snapshot older than the source's last one (RL_EINVAL), unless
 *  it is already in the history: then *already (a re-run, a no-op). */
int ingest_check_order(struct ingest *in, int *already);

/** Gives every item its id (ingest_identity.c). */
int ingest_assign_ids(struct ingest *in);

/** Reads a story file as of HEAD into `out` (replacing its contents). */
int ingest_read_story(struct ingest *in, rl_buf *out, const char *path);

/** Commits the changes in in->result (if any) and saves the new state. */
int ingest_commit(struct ingest *in);

/** Marks an edited story whose new text is one of its earlier versions as a
 *  revert ("reverted to <rev>", no figures): never fails (ingest_revert.c). */
void ingest_find_revert(struct ingest *in, rl_change *c, const char *new_text);

/** Closes the revision index the revert checks opened (releasing its lock). */
void ingest_revert_done(struct ingest *in);

/** Fills c->edit with the kinds of edit and the figures (headline and
 *  body) that changed between two story files. */
int ingest_figures(rl_change *c, const char *old_text, const char *new_text);

/* A commit's hook payload, held until the batch's ref move: it is recorded
 * in the outbox (outbox.h) then, with the ids as published, and delivered
 * after the lock is dropped. */
struct hook_call {
	char *source;
	char *payload;               /* the post-snapshot JSON; NULL: no hooks */
	char commit_hex[41];         /* the ids as built when queued */
	char parent_hex[41];         /* "" for a root commit */
	size_t index;                /* the commit's place in the archive batch */
	int timeout_ms;
	rl_ingest_result *result;    /* where the results go (own batch), or NULL */
};

/** Builds the payload of in->result->commit's hooks (none with --no-hooks
 *  or for a re-extraction: the outbox only moves past the commit). */
int ingest_hooks_prepare(struct hook_call *call, struct ingest *in);

void ingest_hook_call_clear(struct hook_call *call);

/** Replaces the ids as built by those published (`commit`, `parent` NULL
 *  for a root) in the call's payload. */
void ingest_hook_call_publish(struct hook_call *call, const git_oid *commit,
			      const git_oid *parent);

/** The time limit of each hook: the option, redline.hook-timeout, or 30 s. */
int ingest_hook_timeout(const struct ingest *in);

/** Whether the batch's commits get hook payloads (a hook is installed;
 *  looked at once a batch, under the lock) and the hooks' time limit. */
int ingest_batch_hooks(struct rl_ingest_batch *batch, const struct ingest *in, int *timeout_ms);

/* --- the states of a group commit (ingest_save.c) --- */

/** Appends `known` to the known list and then saves states[0..n)
 *  (rl_state_save_marked(), the list's mark taken once) on the helpers of
 *  `*pool` (made on first need, the caller's to free) while
 *  `meanwhile(userdata)` runs on this thread, which then joins in.  Each
 *  state saved is freed and its pointer set to NULL; none is saved after a
 *  failed append.  The first error.  libgit2 work belongs in `meanwhile`. */
int ingest_save_states(rl_pool **pool, rl_archive *archive, const rl_state_known *known,
		       size_t n_known, rl_state **states, size_t n,
		       void (*meanwhile)(void *), void *userdata);

/* --- prepared items kept across snapshots (ingest_memo.c) --- */

struct ingest_memo;

/** An empty memo; NULL when out of memory. */
struct ingest_memo *ingest_memo_new(void);

void ingest_memo_free(struct ingest_memo *memo);

/** rl_ingest_prepare() of the snapshot's extracted items, taking the
 *  prepared fields of an item extracted byte for byte as in the source's
 *  last snapshot from the batch's memo; sets in->memo. */
int ingest_memo_prepare(struct ingest *in);

/** 1 when item `i`'s story file, rendered with `first_seen`, would be the
 *  one of hash `old_hash`, as its last rendering found: it need not be
 *  rendered to be known unchanged. */
int ingest_memo_unchanged(const struct ingest *in, size_t i, int64_t first_seen,
			  rl_hash128 old_hash);

/** Remembers item `i`'s rendering (its id, First-Seen and hash). */
void ingest_memo_rendered(struct ingest *in, size_t i);

/** The batch's memo, made on first use; NULL when out of memory. */
struct ingest_memo *ingest_batch_memo(struct rl_ingest_batch *batch);

/* --- the group commit (ingest_batch.c) --- */

/** Takes the writer lock and opens the archive batch if not yet done;
 *  `*locked_now` when this call took the lock. */
int ingest_batch_begin(struct rl_ingest_batch *batch, int lock_wait_ms, int *locked_now);

/** The state of `source` as the batch left it (lent), or NULL. */
rl_state *ingest_batch_state(struct rl_ingest_batch *batch, const char *source);

/** Keeps `state` (taken) and the new ids of a snapshot until the ref moved. */
int ingest_batch_keep(struct rl_ingest_batch *batch, rl_state *state, const char *const *ids,
		      const char *const *paths, size_t n);

/** Queues one commit (see rl_archive_batch_add_packed); `*index` is its place. */
int ingest_batch_add(git_oid *out, size_t *index, struct rl_ingest_batch *batch,
		     const rl_archive_file_update *updates, const rl_item_packed *const *packed,
		     size_t n, const rl_archive_commit_info *info);

/** Records that `commit` (just queued) is one of `source`'s, whose state
 *  the batch keeps already (ingest_batch_keep). */
int ingest_batch_note_commit(struct rl_ingest_batch *batch, const char *source,
			     const git_oid *commit);

/** `source`'s commits queued in the batch, oldest first (*n of them; not
 *  yet referenced, so not in the revision index). */
const git_oid *ingest_batch_commits(size_t *n, struct rl_ingest_batch *batch, const char *source);

/** Queues the hooks of a commit (the call is taken). */
int ingest_batch_queue_hooks(struct rl_ingest_batch *batch, struct hook_call *call);

/** Commits the batch when one of its bounds is reached. */
int ingest_batch_maybe_commit(struct rl_ingest_batch *batch);

/** rl_state_lookup_known() that also sees ids queued in the batch. */
int ingest_lookup_known(char **path_out, struct ingest *in, const char *id);

/** rl_state_recent_known() that also sees ids queued in the batch. */
int ingest_recent_known(rl_strvec *ids, rl_strvec *paths, struct ingest *in, size_t max);

#endif
