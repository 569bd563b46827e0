/*
 * redline/change.h - what one snapshot did to one story: the unit of a
 * commit message's change list, of the hook payload's items and of
 * `redline log`.  Filled by ingest (ingest.h), read by everything above.
 */
#ifndef REDLINE_CHANGE_H
#define REDLINE_CHANGE_H

#include "redline/classify.h"
#include "redline/figures.h"
#include "redline/hash.h"

typedef enum rl_change_kind {
	RL_CHANGE_EDITED,
	RL_CHANGE_NEW,
	RL_CHANGE_GONE,    /* dropped off the page; the file stays */
	RL_CHANGE_BACK,    /* on the page again */
	RL_CHANGE_MOVED,   /* only its place on the page changed */
	RL_CHANGE_REMOVED, /* its article answered 404/410 */
} rl_change_kind;

/** "edited", "new", "gone", "back", "moved", "removed". */
const char *rl_change_kind_name(rl_change_kind kind);

typedef struct rl_change {
	rl_change_kind kind;
	char id[13];
	char *path;
	char *title;
	char *url;
	int has_old, has_new;
	rl_hash128 old_hash, new_hash;
	rl_edit_class edit;        /* the kinds of edit and the figures whose value changed,
				      in headline and body (classify.h; edited stories) */
} rl_change;

#endif
