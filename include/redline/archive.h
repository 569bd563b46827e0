/*
 * redline/archive.h - the git repository that keeps every revision.
 *
 * An archive is a bare git repository (HEAD -> refs/heads/main,
 * core.logAllRefUpdates=true), readable with plain git.  Commits are written
 * through libgit2's object model, the crash-safe way: a batch's objects
 * streamed into one new pack (written by redline itself, with its own
 * .idx), fsynced and renamed into place, the ref moved last
 * (compare-and-swap on the parent).  redline's own files live in
 * <gitdir>/redline/.
 */
#ifndef REDLINE_ARCHIVE_H
#define REDLINE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/buf.h"
#include "redline/item.h"

typedef struct rl_archive rl_archive;

/** Creates an archive at `path` (created if missing, must be empty or absent):
 *  bare repo, HEAD -> main, logAllRefUpdates, diff.redline.wordRegex and
 *  info/attributes so `git diff --word-diff` keeps 10.000 / 3,5 one word.
 *  RL_EEXISTS when `path` already holds a repository. */
int rl_archive_init(rl_archive **out, const char *path);

/** The text of the `.gitattributes` file the pipeline puts at the top of the
 *  tree, so that clones get the same diff driver assignment (static). */
const char *rl_archive_gitattributes(void);

/** The value init gives diff.redline.wordRegex: figures such as 10.000, 3,5
 *  and 1.200.000 are one word, other punctuation is a word of its own (static). */
const char *rl_archive_word_regex(void);

/** Opens an existing bare archive at exactly `path` (no search upwards);
 *  RL_ENOTFOUND "not a redline archive: 'x' (create one with 'redline init')". */
int rl_archive_open(rl_archive **out, const char *path);

/** Closes the archive, dropping the writer lock if held; NULL is fine. */
void rl_archive_free(rl_archive *archive);

/** The libgit2 repository (lent). */
git_repository *rl_archive_repo(const rl_archive *archive);

/** The git directory (the archive's path, lent, no trailing slash). */
const char *rl_archive_path(const rl_archive *archive);

/** <gitdir>/redline, created on demand: state, lock (lent). */
const char *rl_archive_state_dir(const rl_archive *archive);

/** Takes the writer lock: an flock on <gitdir>/redline/lock (released by the
 *  kernel if we crash, so never stuck).  Waits up to `wait_ms`, then
 *  RL_ELOCKED: "archive 'x' is locked by another redline (pid N)".  With the
 *  lock held it recovers what a crash left: refs/heads/main.lock when the last
 *  holder died holding the lock or when it is over 10 minutes old (removed),
 *  temporary packs and dead processes' cache files (docs/reliability.md).  A
 *  younger main.lock no redline left (a git may be running) is waited for up
 *  to half a second, then RL_ELOCKED saying so.  Taking a lock already held
 *  by this handle succeeds. */
int rl_archive_lock(rl_archive *archive, int wait_ms);

/** Drops the writer lock (no-op when not held). */
void rl_archive_unlock(rl_archive *archive);

/** One file to write (data != NULL) or remove (data == NULL). */
typedef struct rl_archive_file_update {
	const char *path;
	const char *data;
	size_t len;
} rl_archive_file_update;

typedef struct rl_archive_commit_info {
	const char *message;   /* stored verbatim; should end in '\n' */
	int64_t time;          /* author and committer time (Unix seconds) */
	int tz_offset_minutes;
	const char *name;      /* NULL: "redline" */
	const char *email;     /* NULL: "redline@localhost" */
} rl_archive_commit_info;

/** A batch of one: commits `n` updates on top of refs/heads/main (the first commit when none)
 *  and moves refs/heads/main last (compare-and-swap).  Cost is proportional
 *  to the updates, not the tree.  Removing a path that does not exist is not
 *  an error.  Every path must pass rl_path_is_safe() and appear once, and
 *  `n` must be > 0: RL_EINVAL otherwise, with nothing written.  Retries a
 *  few times on GIT_ELOCKED / GIT_EMODIFIED, then RL_ELOCKED.  The caller
 *  should hold the writer lock. */
int rl_archive_commit(git_oid *out, rl_archive *archive, const rl_archive_file_update *updates,
		      size_t n, const rl_archive_commit_info *info);

/** Writes a commit object (no ref moved) on objects of rl_archive_repo(), signed exactly when the archive's own commits are (commit.gpgSign). */
int rl_archive_commit_create(git_oid *out, rl_archive *archive, const git_signature *sig,
			     const char *message, const git_tree *tree, size_t n_parents,
			     const git_commit **parents);

/*
 * A batch: many commits, each with its own files, message and time, written
 * as ONE pack (one fsync) and published by ONE move of refs/heads/main
 * (compare-and-swap from the value read when the batch began), the ref
 * last.  Until rl_archive_batch_commit() the commits live only in memory: a
 * crash loses the batch and nothing else.  While a batch is open on an
 * archive, rl_archive_head() (and so rl_archive_read(NULL)) answer with the
 * batch's last commit, so that each snapshot is classified against the one
 * before it.  One batch at a time per handle; free it before the archive.
 */
typedef struct rl_archive_batch rl_archive_batch;

/** Opens a batch on top of the current refs/heads/main.  RL_EINVAL when the
 *  handle has a batch open already.  The caller should hold the writer lock
 *  until the batch is committed or freed. */
int rl_archive_batch_new(rl_archive_batch **out, rl_archive *archive);

/** Queues one commit (the same rules as rl_archive_commit) on top of the
 *  batch's last one; `*out` is its id as built now (it changes only if a
 *  writer without the lock moves the ref before the batch is committed:
 *  read the final ids with rl_archive_batch_commit_id()). */
int rl_archive_batch_add(git_oid *out, rl_archive_batch *batch, const rl_archive_file_update *updates,
			 size_t n, const rl_archive_commit_info *info);

/** Packs `len` bytes of `data` as a blob the way a batch's pack stores it
 *  whole (git blob id, zlib stream, CRC), into `out` (free out->bytes), on
 *  any thread and without an archive: for rl_archive_batch_add_packed().
 *  out->bytes stays NULL for data over 1 GiB, which only the writer packs. */
int rl_archive_blob_pack(rl_item_packed *out, const void *data, size_t len);

/** rl_archive_batch_add() with, for each update, NULL or its `data` packed
 *  as a blob already, off the writer's thread (rl_snapshot_render_ahead):
 *  its id is taken as it is and its bytes go into the batch's pack without
 *  being deflated again.  `packed` NULL: none is. */
int rl_archive_batch_add_packed(git_oid *out, rl_archive_batch *batch,
				const rl_archive_file_update *updates,
				const rl_item_packed *const *packed, size_t n,
				const rl_archive_commit_info *info);

/** The last commit of the batch, else the base; RL_ENOTFOUND (no message)
 *  in an archive without commits. */
int rl_archive_batch_tip(git_oid *out, const rl_archive_batch *batch);

/** Commits queued so far. */
size_t rl_archive_batch_count(const rl_archive_batch *batch);

/** Bytes of file contents queued so far (what the batch holds in memory). */
size_t rl_archive_batch_bytes(const rl_archive_batch *batch);

/** Writes the batch: one pack of the new objects, fsynced, then the ref
 *  moved once.  A ref lock held for a moment by someone else is waited for
 *  without writing anything again; a ref moved by a writer without the lock
 *  makes the commits be rebuilt on its tip (then the new trees and commits
 *  go in a second pack).  An empty batch is fine and writes nothing. */
int rl_archive_batch_commit(rl_archive_batch *batch);

/** The final id of the `i`-th commit of the batch (0-based, in order). */
int rl_archive_batch_commit_id(git_oid *out, const rl_archive_batch *batch, size_t i);

/** Frees the batch; what was not committed is dropped.  NULL is fine. */
void rl_archive_batch_free(rl_archive_batch *batch);

/** The commit HEAD points to (inside a batch: the batch's last commit);
 *  RL_ENOTFOUND in an archive without commits. */
int rl_archive_head(git_oid *out, rl_archive *archive);

/** Entry `name` (no '/') of the root tree of HEAD (inside a batch: of the
 *  batch's last commit): its id, and in `*is_tree` whether it is a folder;
 *  RL_ENOTFOUND, without a message, when there is none or no commit yet.
 *  Inside a batch the answer comes from the trees the batch built, not
 *  from reading its root tree back. */
int rl_archive_head_entry(git_oid *out, int *is_tree, rl_archive *archive, const char *name);

/** Resolves a revision (as git rev-parse does) to a commit id: the one
 *  resolver of the library.  RL_ENOTFOUND "unknown revision 'x'" when git
 *  knows no such revision (or it names no commit), RL_EAMBIGUOUS when a short
 *  id matches several objects, RL_EINVAL for an empty one. */
int rl_archive_resolve(git_oid *out, rl_archive *archive, const char *rev);

/** Reads the file `path` as of `commit` (NULL: HEAD) into `out`, replacing
 *  its contents (bounded by out->max: RL_ETOOBIG); RL_ENOTFOUND if absent or
 *  not a file. */
int rl_archive_read(rl_buf *out, rl_archive *archive, const git_oid *commit, const char *path);

/** Reads the file `path` of `tree` (a tree of this archive, lent; NULL: an
 *  empty tree) into `out`, replacing its contents (bounded by out->max:
 *  RL_ETOOBIG); RL_ENOTFOUND "'path' does not exist" if absent or not a file.
 *  The one path read of the library: rl_archive_read() and history use it. */
int rl_archive_read_tree(rl_buf *out, rl_archive *archive, git_tree *tree, const char *path);

/** Rolls the smallest packs into one when there are more than `max_packs`
 *  (geometrically, so each object is repacked O(log n) times); `*repacked`
 *  is the number of packs rolled up, 0 when nothing was needed.  The caller
 *  holds the writer lock. */
int rl_archive_maintain(int *repacked, rl_archive *archive, size_t max_packs);

/** The pack count above which the pipeline rolls packs up after a commit. */
#define RL_ARCHIVE_MAX_PACKS 64

#endif
