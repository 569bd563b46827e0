/*
 * state_known_internal.h - finding a story id in a source's list of every
 * id it ever had (<state>/<source>.ids) through a hash table beside it
 * (<source>.ids.tab, hashfile.c) instead of a scan of the list.
 */
#ifndef REDLINE_STATE_KNOWN_INTERNAL_H
#define REDLINE_STATE_KNOWN_INTERNAL_H

/** The path recorded for `id` in the list at `ids_path`; `*path_out` is the
 *  caller's.  RL_ENOTFOUND when the list does not hold it.  The table is
 *  caught up with the list's new lines first (it records how far it got and
 *  the list's inode, so a rewritten list rebuilds it), and every hit is
 *  checked against the line it points to: a bad table is rebuilt, once. */
int state_known_find(char **path_out, const char *ids_path, const char *id);

#endif
