/*
 * site_internal.h - what site.c (the build) and site_pages.c (the pages)
 * share.
 */
#ifndef REDLINE_SITE_INTERNAL_H
#define REDLINE_SITE_INTERNAL_H

#include "redline/site.h"
#include "redline/buf.h"
#include "redline/edits.h"

#define SITE_PAGE_MAX (64u * 1024 * 1024)

struct site {
	rl_archive *archive;
	const char *dir;
	rl_site_stats *stats;
};

/** The page's head up to <main>; `root` is the way back to the site's top
 *  ("" or "../"). */
int site_page_begin(rl_buf *out, const char *title, const char *root);
int site_page_end(rl_buf *out);
/** Kind badges: <span class="badge k-NAME">NAME</span> for each bit. */
int site_badges(rl_buf *out, unsigned kinds);
/** Writes `page` to dir/rel (directories made), counting it. */
int site_write(struct site *s, const char *rel, const rl_buf *page);

/** The history page of the story at `path` (<source>/<id>.html); `known`
 *  its revisions when already found (NULL: walk the history for them). */
int site_story_page(struct site *s, const char *path, const rl_revisions *known, char **title_out);
/** A source's page and feed. */
int site_source_page(struct site *s, const char *source);

#endif
