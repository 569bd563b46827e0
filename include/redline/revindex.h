/*
 * redline/revindex.h - the per-story revision index: for a story id, the
 * commits that changed one of its files or name it in their message
 * ("gone", "moved", ...), found in time proportional to that story's
 * revisions instead of a walk over the whole history.
 *
 * A cache under <gitdir>/redline/revindex/ (docs/archive-format.md):
 * `records` is an append-only list of {story key, commit, previous record
 * of the same story}, `table` maps a story key to its newest record, so one
 * story's revisions are a linked list walked backwards.  The records file
 * says up to which commit it is complete; opening catches up by indexing
 * only the commits after it, and rebuilds from scratch when that commit is
 * no ancestor of HEAD (a rewritten history), when the files are missing,
 * truncated or corrupt, or when a crash left them half-written.  Merges
 * (more than one parent, as `redline merge` makes) are not indexed: their
 * changes are the shards' own commits, which are.
 */
#ifndef REDLINE_REVINDEX_H
#define REDLINE_REVINDEX_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"

typedef struct rl_revindex rl_revindex;

/** Opens the index, caught up with HEAD.  The catch-up is saved when the
 *  index's own lock (redline/revindex/lock) can be had within a few
 *  seconds; otherwise it is kept in memory only, and files another process
 *  is writing are not read. */
int rl_revindex_open(rl_revindex **out, rl_archive *archive);

/** The commits indexed for story `id` (12 lowercase hex), newest first;
 *  `*out` is the caller's (free()).  A story never seen gives n = 0.
 *  RL_EPARSE when a record on the way is inconsistent (a corrupt file). */
int rl_revindex_story(git_oid **out, size_t *n, rl_revindex *idx, const char *id);

/** One revision of a story: the commit; whether it changed a file of the
 *  story (has_file = 1) or only names the story in its message (0); and
 *  when it changed exactly one file of the story and that file is there
 *  after it, the file's blob and rl_revindex_path_hash() of its path
 *  (has_blob = 1). */
typedef struct rl_revindex_rev {
	git_oid commit;
	git_oid blob;
	uint32_t path_hash;
	int has_blob;
	int has_file;
} rl_revindex_rev;

/** rl_revindex_story() with each revision's blob where the index has it;
 *  `*out` is the caller's (free()). */
int rl_revindex_story_revs(rl_revindex_rev **out, size_t *n, rl_revindex *idx, const char *id);

/** The 32-bit hash of a story file's path ("<source>/<month>/" and its
 *  name) that rl_revindex_rev.path_hash holds. */
uint32_t rl_revindex_path_hash(const char *dir, const char *name);

/** The commit the index is complete up to (zero for an empty history), and
 *  how many of its records are on disk (the rest only in memory). */
void rl_revindex_state(git_oid *tip, size_t *on_disk, size_t *total, const rl_revindex *idx);

/** 1 when opening found the files unusable and rebuilt from scratch. */
int rl_revindex_rebuilt(const rl_revindex *idx);

/** Closes the index and releases its lock; NULL is fine. */
void rl_revindex_free(rl_revindex *idx);

/** Brings the files up to HEAD: for the writer, after its ref moved. */
int rl_revindex_update(rl_archive *archive);

/** rl_revindex_story() on a freshly opened index, rebuilt once when the
 *  files prove corrupt on the way. */
int rl_revindex_commits(git_oid **out, size_t *n, rl_archive *archive, const char *id);

/** rl_revindex_story_revs() on a freshly opened index, rebuilt once when
 *  the files prove corrupt on the way; `*out` is the caller's (free()). */
int rl_revindex_revisions(rl_revindex_rev **out, size_t *n, rl_archive *archive, const char *id);

#endif
