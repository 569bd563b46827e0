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
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/classify.h"

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

/** One story revision of a feed, found by the caller (site.c walks the
 *  history once for every page and feed). */
typedef struct rl_feed_entry {
	const char *commit;         /* 40 hex digits */
	int64_t time;               /* committer time, Unix seconds */
	const char *path;           /* the story file */
	const rl_edit_class *cls;   /* its kinds of edit */
	git_oid old_blob, new_blob; /* zero when absent */
} rl_feed_entry;

/** Writes a feed of the given entries (newest first; opts->kinds and
 *  opts->max are the caller's to apply), `updated` its <updated> time. */
int rl_feed_write_entries(rl_buf *out, rl_archive *archive, const rl_feed_opts *opts,
			  int64_t updated, const rl_feed_entry *v, size_t n);

#endif
