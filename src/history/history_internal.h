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
/** One commit the revision index holds for a story file: whether it
 *  changed the file (0: it only names the story, or changed another file
 *  of it), and the file's blob before and after it (zero: absent). */
typedef struct hist_rev {
	git_oid commit, before, after;
	int changed;
} hist_rev;
/** The commits the revision index (revindex.h) holds for the story file at
 *  `path` (<source>/<month>/<name>-<id>.txt), newest first, each decided
 *  from the index's blob ids and path hashes without reading a tree (the
 *  few the index cannot decide - a commit that removed a file of the story
 *  or changed two - on their trees).  1 with them, 0 when `path` is no
 *  story file or the index cannot be read (walk the history instead). */
int hist_story_revs(hist_rev **out, size_t *n, rl_archive *archive, const char *path);
/** The blob of the story file at `path` in HEAD's tree, from the revision
 *  index instead of HEAD's trees: 1 with it when the index holds the file
 *  there and its first version's header names exactly `path` (Source,
 *  First-Seen's month, the slug of its first Title, Id: rl_story_path()),
 *  0 when the index cannot say so (read HEAD's tree: the truth). */
int hist_head_blob(git_oid *out, rl_archive *archive, const char *path);
/** hist_read_text() of the file at `path` whose blob is `blob`, without
 *  the tree: RL_ENOTFOUND (message cleared) for the zero id (absent). */
int hist_read_blob(char **out, rl_archive *archive, const git_oid *blob, const char *path);
/** The next commit to look at: from `walk` when there is one, else that of
 *  the next of the `n` revisions `v` (`*i` counts them, so the revision is
 *  v[*i - 1]); GIT_ITEROVER at the end. */
int hist_next_commit(git_oid *oid, git_revwalk *walk, const hist_rev *v, size_t n, size_t *i);
/** A commit, its tree and its first parent's tree (NULL for a root commit). */
int hist_load_trees(git_commit **c, git_tree **tree, git_tree **ptree, rl_archive *archive,
		    const git_oid *oid);

#endif
