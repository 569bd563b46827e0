/*
 * redline/state.h - what redline remembers between snapshots of a source.
 *
 * A cache of what HEAD already says, for fast change detection: the stories
 * on the page now (id, XXH3-128 of the file, path, key, title, first seen),
 * the hash of the last raw snapshot, and an append-only list of every id the
 * source ever had (to recognise a story coming back).  It lives in
 * <archive>/redline/state/<source>.json (rewritten in place behind an
 * XXH3-128 of its text, so that a torn write reads as stale) and, for the
 * ids, in the archive's one list <archive>/redline/known.ids (older archives
 * also have a list per source, state/<source>.ids, still read).  It is
 * rebuilt from HEAD when missing, unreadable, describing another tree than
 * HEAD's <source>/ (someone else committed), or saved against a list that is
 * gone or shorter: losing it loses nothing.
 */
#ifndef REDLINE_STATE_H
#define REDLINE_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/hash.h"
#include "redline/story.h"

#define RL_STATE_ID_SIZE (RL_STORY_ID_LEN + 1) /* the id and the NUL */

typedef struct rl_state_item {
	char id[RL_STATE_ID_SIZE];
	char *path;
	char *key;          /* NULL for a story without URL or GUID */
	char *title;
	int64_t first_seen;
	rl_hash128 hash;    /* XXH3-128 of the story file */
} rl_state_item;

typedef struct rl_state {
	char *source;
	git_oid tree;            /* HEAD's <source>/ subtree this describes; zero if none */
	rl_hash128 snapshot;     /* XXH3-128 of the last raw snapshot */
	int has_snapshot;
	rl_state_item *items;    /* the stories on the page, in page order */
	size_t n;
	size_t cap;
	int rebuilt;             /* 1 when load had to rebuild from HEAD */
	int64_t last_time;       /* Snapshot-Time of the source's last commit */
	int has_last_time;       /* 0: unknown (ingest_order.c walks the history) */
} rl_state;

/** Loads the state of `source`, rebuilding it from HEAD when needed. */
int rl_state_load(rl_state **out, rl_archive *archive, const char *source);

/** Rebuilds from HEAD alone (INDEX and story files), ignoring any cache. */
int rl_state_rebuild(rl_state **out, rl_archive *archive, const char *source);

/** Writes the state (in place, behind the XXH3-128 of its text). */
int rl_state_save(const rl_state *state, rl_archive *archive);

#define RL_STATE_MARK_SIZE 48

/** The mark of the archive's known list that a saved state records (which
 *  list its ids are in: the list's inode and size), "" and RL_ENOTFOUND
 *  (no message) when there is none. */
int rl_state_known_mark(char out[RL_STATE_MARK_SIZE], rl_archive *archive);

/** rl_state_save() with the mark taken once for many states, after the
 *  last append to the list.  Distinct states may be saved on several
 *  threads at once: it touches nothing of `archive` but its store of
 *  states (redline/states.log), which takes one at a time. */
int rl_state_save_marked(const rl_state *state, rl_archive *archive, const char *mark);

/** Appends an item (copying the strings) in page order. */
int rl_state_push(rl_state *state, const rl_state_item *item);

/** The on-page item with `id`, or NULL. */
rl_state_item *rl_state_find(const rl_state *state, const char *id);

/** Looks `id` up among every story the source ever had; `*path_out` is the
 *  caller's.  RL_ENOTFOUND when the id was never seen. */
int rl_state_lookup_known(char **path_out, rl_archive *archive, const char *source, const char *id);

/** The `max` most recently recorded ids of the source and their paths,
 *  newest first (from the tail of the append-only list). */
int rl_state_recent_known(rl_strvec *ids, rl_strvec *paths, rl_archive *archive,
			  const char *source, size_t max);

/** One id of a source and the path of its file, to record. */
typedef struct rl_state_known {
	const char *source;
	const char *id;
	const char *path;   /* <source>/.../<slug>-<id>.txt */
} rl_state_known;

/** Records new ids with their paths in the archive's append-only list, the
 *  ids of every source in one write.  RL_EINVAL when a path is no story
 *  path of its source and id. */
int rl_state_append_known(rl_archive *archive, const rl_state_known *known, size_t n);

/** The id of HEAD's <source>/ subtree (zero when absent). */
int rl_state_source_tree(git_oid *out, rl_archive *archive, const char *source);

/** Frees an item's strings and zeroes it. */
void rl_state_item_clear(rl_state_item *item);
/** Frees a state and its items; NULL is fine. */
void rl_state_free(rl_state *state);

#endif
