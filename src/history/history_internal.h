/*
 * history_int.h - helpers shared by history.c, history_find.c and
 * history_log.c; not part of the library's face.
 */
#ifndef REDLINE_HISTORY_INT_H
#define REDLINE_HISTORY_INT_H

#include "redline/history.h"

#define ID_LEN 12

/** 1 and the entry's id when `path` is in `tree` (NULL: absent), 0 when not. */
int hist_entry_id(git_oid *out, git_tree *tree, const char *path);
/** 1 when `path` differs between the trees (either may be NULL), 0 when not. */
int hist_path_changed(git_tree *a, git_tree *b, const char *path);
/** The file at `path` as a C string; RL_ENOTFOUND (no message) when absent. */
int hist_read_path(char **out, git_repository *repo, git_tree *tree, const char *path);
/** A revision as git rev-parse reads it, peeled to a commit. */
int hist_resolve_commit(git_commit **out, git_repository *repo, const char *rev);
/** HEAD's tree; RL_ENOTFOUND "the archive has no snapshots yet". */
int hist_head_tree(git_tree **out, git_repository *repo);
/** A time-sorted walk from HEAD. */
int hist_walk_head(git_revwalk **walk, git_repository *repo);
/** A commit, its tree and its first parent's tree (NULL for a root commit). */
int hist_load_trees(git_commit **c, git_tree **tree, git_tree **ptree, git_repository *repo,
		    const git_oid *oid);

/** 12 lowercase hex digits at `s`? */
int hist_is_id(const char *s);
/** The id inside a file name "<slug>-<id>.txt" of `len` bytes, or NULL. */
const char *hist_id_in_name(const char *name, size_t len);
/** A header's value in a parsed story, or NULL. */
const char *hist_header(const rl_history_story *s, const char *name);
void hist_story_clear_parts(rl_history_story *s);
/** Title and body without the other headers: where figures are looked for. */
int hist_story_content(rl_buf *out, const char *text);
/** The body of a story file (after the first blank line), "" when none. */
const char *hist_story_body(const char *text);

#endif
