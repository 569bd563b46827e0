/*
 * redline/feed.h - an Atom 1.0 feed of edits (RFC 4287): one entry per
 * story revision, newest first, with the story's title, a link to the
 * story's URL, the kinds of edit as categories and in the summary, the
 * readable diff as HTML content, and the commit id (in the entry id and as
 * <rl:commit>).
 */
#ifndef REDLINE_FEED_H
#define REDLINE_FEED_H

#include <stddef.h>

#include "redline/archive.h"
#include "redline/buf.h"

/** The namespace of redline's own Atom elements (<rl:commit>). */
#define RL_FEED_NS "https://redline.example/ns/1"

/** Entries written when opts->max is 0. */
#define RL_FEED_DEFAULT_MAX 50

/** How many commits a feed looks through at most for its entries. */
#define RL_FEED_MAX_COMMITS 5000

typedef struct rl_feed_opts {
	const char *const *sources; /* only these sources; NULL (or n_sources 0): all */
	size_t n_sources;
	unsigned kinds;             /* only revisions with one of these RL_EDIT_* kinds; 0: all */
	size_t max;                 /* at most this many entries; 0: RL_FEED_DEFAULT_MAX */
	const char *title;          /* the feed's title; NULL: "redline: <sources>" */
	const char *self_url;       /* rel="self" link, when known */
	const char *story_base;     /* when set, entries without a URL link here + path */
} rl_feed_opts;

/** Writes the feed into `out` (appended). */
int rl_feed_write(rl_buf *out, rl_archive *archive, const rl_feed_opts *opts);

#endif
