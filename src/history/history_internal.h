/*
 * history_internal.h - helpers shared by history.c, history_find.c and
 * history_log.c; not part of the library's face.  The story-file format is
 * story.h's, revisions are resolved and files read by archive.h.
 */
#ifndef REDLINE_HISTORY_INTERNAL_H
#define REDLINE_HISTORY_INTERNAL_H

#include "redline/history.h"

/** 1 and the entry's id when `path` is in `tree` (NULL: absent), 0 when not. */
int hist_entry_id(git_oid *out, git_tree *tree, const char *path);
/** 1 when `path` differs between the trees (either may be NULL), 0 when not. */
int hist_path_changed(git_tree *a, git_tree *b, const char *path);
/** The file at `path` of `tree` as a C string of at most RL_HISTORY_STORY_MAX
 *  bytes; RL_ENOTFOUND (message cleared) when absent. */
int hist_read_text(char **out, rl_archive *archive, git_tree *tree, const char *path);
/** The commit a revision names (rl_archive_resolve()), loaded. */
int hist_commit(git_commit **out, rl_archive *archive, const char *rev);
/** HEAD's tree; RL_ENOTFOUND "the archive has no snapshots yet". */
int hist_head_tree(git_tree **out, rl_archive *archive);
/** A time-sorted walk from HEAD. */
int hist_walk_head(git_revwalk **walk, rl_archive *archive);
/** The commits the revision index (revindex.h) holds for the story file at
 *  `path` (<source>/<month>/<name>-<id>.txt), newest first: a superset of
 *  those that changed it or name its id, to be checked one by one.  1 with
 *  them, 0 when `path` is no story file or the index cannot be read (walk
 *  the history instead). */
int hist_story_commits(git_oid **out, size_t *n, rl_archive *archive, const char *path);
/** The next commit to look at: from `walk` when there is one, else the
 *  next of the `n` commits `v` (`*i` counts them); GIT_ITEROVER at the end. */
int hist_next_commit(git_oid *oid, git_revwalk *walk, const git_oid *v, size_t n, size_t *i);
/** A commit, its tree and its first parent's tree (NULL for a root commit). */
int hist_load_trees(git_commit **c, git_tree **tree, git_tree **ptree, rl_archive *archive,
		    const git_oid *oid);

#endif
