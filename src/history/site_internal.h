/*
 * site_internal.h - what site.c (the build) and site_pages.c (the pages)
 * share.
 */
#ifndef REDLINE_SITE_INTERNAL_H
#define REDLINE_SITE_INTERNAL_H

#include "redline/site.h"
#include "redline/buf.h"
#include "redline/edits.h"
#include "redline/feed.h"
#include "redline/readdiff.h"

#define SITE_PAGE_MAX (64u * 1024 * 1024)

/* One revision of one story, found by the build's one walk over the
 * history (site.c); classified on first use, then shared by the story's
 * page, its source's page and feed, and all.xml. */
struct pass_rev {
	rl_revision r;    /* commit, prev, time, blob, gone; cls and title once classified */
	char *path;
	size_t seq;       /* walk order: 0 is the newest */
	git_oid old_blob; /* the file in the commit's parent, zero when absent */
	int classified;
};

struct pass {
	struct pass_rev *v; /* by path, then newest first */
	size_t n, cap, seq;
	size_t *by_seq;     /* indexes into v, newest first over all paths */
	char commit[GIT_OID_HEXSZ + 1];
	int64_t time, head_time;
	int walked_all;     /* the whole history walked (no record of the last build used) */
	size_t commits;     /* commits walked */
};

struct site {
	rl_archive *archive;
	const char *dir;
	rl_site_stats *stats;
	struct pass *pass;
	struct site_caps *caps; /* site_capture.c: each commit's captures, once */
};

/** The page's head up to <main>; `root` is the way back to the site's top
 *  ("" or "../"). */
int site_page_begin(rl_buf *out, const char *title, const char *root);
int site_page_end(rl_buf *out);
/** Kind badges: <span class="badge k-NAME">NAME</span> for each bit. */
int site_badges(rl_buf *out, unsigned kinds);
/** Writes `page` to dir/rel (directories made), counting it. */
int site_write(struct site *s, const char *rel, const rl_buf *page);

/** Walks the history once into `p`.  With `since` (the last build's
 *  commit) and a record of that build's walk in `dir`, only the commits
 *  after it are walked and the rest is read from the record. */
int site_pass_run(struct pass *p, rl_archive *archive, const git_oid *since, const char *dir);
/** The revisions of `path`: pass entries [*first, *first + n); n returned. */
size_t site_pass_find(const struct pass *p, const char *path, size_t *first);
/** Writes the record of the walk for the next build (last, after the pages). */
int site_pass_save(struct site *s, const git_oid *head);
void site_pass_release(struct pass *p);

/** Classifies revision `i` of the pass (once): a revert when its text is an
 *  older revision's than the one before, else against the parent's file;
 *  `d`, when given, is that revision's readable diff, whose classification
 *  is taken instead of computing it again.  Sets r.title too. */
int site_pass_classify(struct site *s, size_t i, rl_rdiff *d);
/** The feed of the pass's `n` revisions at `idx` (newest first). */
int site_feed(rl_buf *out, struct site *s, const rl_feed_opts *opts, const size_t *idx, size_t n);

/** The history page of the story whose revisions are pass entries
 *  [first, first+n) (<source>/<id>.html); its title into *title_out. */
int site_story_page(struct site *s, size_t first, size_t n, char **title_out);
/** Appends the links to the raw captures of `commit` (hex): its WARC file
 *  and the body it holds, exported into DIR/_captures/ when missing (or on
 *  a full build); nothing when the commit names none. */
int site_capture_links(rl_buf *out, struct site *s, const char *commit);
void site_capture_release(struct site *s);

/** A source's page and feed. */
int site_source_page(struct site *s, const char *source);

/* Reads DIR/NAME, one of the site's own records, into `out` (its maximum
 * caps it): 0; 1 when it is absent or unreadable (the caller builds in
 * full); RL_ENOMEM. */
int site_record_read(rl_buf *out, const char *dir, const char *name);

#endif
