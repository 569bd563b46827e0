/*
 * state_known_internal.h - finding a story id in the lists of known ids
 * through a hash table beside each (hashfile.c) instead of a scan: the
 * archive's one list (known.ids), and a source's list from an older
 * version (<state>/<source>.ids).
 */
#ifndef REDLINE_STATE_KNOWN_INTERNAL_H
#define REDLINE_STATE_KNOWN_INTERNAL_H

#include "redline/buf.h"
#include "redline/state.h"

/** The path recorded for `id` in the list at `ids_path`; `*path_out` is the
 *  caller's.  RL_ENOTFOUND when the list does not hold it.  The table is
 *  caught up with the list's new lines first (it records how far it got and
 *  the list's inode, so a rewritten list rebuilds it), and every hit is
 *  checked against the line it points to: a bad table is rebuilt, once. */
int state_known_find(char **path_out, const char *ids_path, const char *id);

/** The path after "id<TAB>" on the line of `id` in `len` bytes of such
 *  lines (up to its LF), or NULL. */
const char *state_known_in_lines(const char *ids, size_t len, const char *id);

/** state_known_find() on an older version's list at `path`, or a scan of
 *  the list when its table cannot be used (a read-only directory). */
int state_known_old_find(char **path_out, const char *path, const char *id);

/** The `max` last ids of an older version's list at `path` and their
 *  paths, newest first (its tail); nothing when there is no list. */
int state_known_old_recent(rl_strvec *ids, rl_strvec *paths, const char *path, size_t max);

/*
 * The archive's one list of the ids of every source (state_known_list.c,
 * <gitdir>/redline/known.ids and its table known.ids.tab), which archives
 * of this version append to instead of a list per source.
 */

/** The path of `id` of `source` in the list at `list`; `*path_out` is the
 *  caller's.  RL_ENOTFOUND (no message) when the list does not hold it. */
int state_known_list_find(char **path_out, const char *list, const char *source, const char *id);

/** Pushes up to `max` of the source's most recently appended ids and their
 *  paths, newest first; nothing when there is no list. */
int state_known_list_recent(rl_strvec *ids, rl_strvec *paths, const char *list, const char *source,
			    size_t max);

/** Appends `known` in one write (creating the list), its table caught up;
 *  with `only_new`, the pairs the list holds already are left out. */
int state_known_list_append(const char *list, const rl_state_known *known, size_t n, int only_new);

#endif
