/*
 * redline/site.h - a static web site of the archive: plain HTML and CSS
 * (JavaScript only enhances the title search), relative links only, so it
 * works from file:// and from any static web server.
 *
 *   index.html            the sources, a search by title, the feeds
 *   stories.html          every story by title (the search: a plain list)
 *   all.xml               Atom feed of every source's edits
 *   <source>/index.html   a source's recent edits and the stories on its page
 *   <source>/feed.xml     Atom feed of that source
 *   <source>/<id>.html    a story's history: every revision with its kinds as
 *                         badges, its diff inline and side by side, and
 *                         links to the raw captures it was read from
 *   _captures/<uuid>.warc.gz  a capture (WARC) exactly as committed
 *   _captures/<uuid>.txt  the body it holds, as text/plain (never run)
 *   .redline-site         what the last build saw (commit, titles)
 *   .redline-pass         the revisions of every story its walk found
 *
 * One walk over the history feeds every page and feed.  Incremental: only
 * the commits since the last build are walked, and only the pages of the
 * stories and sources they changed are rewritten (plus the index pages and
 * feeds).
 */
#ifndef REDLINE_SITE_H
#define REDLINE_SITE_H

#include <stddef.h>

#include "redline/archive.h"

/** Recent edits listed on a source's page (and entries in its feed). */
#define RL_SITE_RECENT 50

typedef struct rl_site_stats {
	int up_to_date;      /* HEAD is what the last build saw: nothing written */
	int full;            /* everything was rebuilt */
	size_t story_pages;  /* story pages written */
	size_t source_pages; /* source pages written */
	size_t files;        /* files written in all */
	size_t commits;      /* commits walked: all of them, or those since the last build */
	size_t captures;     /* raw captures exported (_captures/) */
	size_t bytes;
} rl_site_stats;

/** Builds or updates the site in `dir` (created when missing).  `full`
 *  rebuilds everything even when an earlier build is there. */
int rl_site_build(rl_site_stats *stats, rl_archive *archive, const char *dir, int full);

#endif
