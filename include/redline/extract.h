/*
 * redline/extract.h - splitting a snapshot into items (stories).
 *
 * Input is hostile: capped in size, parsed without network access, entity
 * expansion or DTD loading.  Output items carry decoded UTF-8 text; the
 * ingest pipeline normalises it.
 */
#ifndef REDLINE_EXTRACT_H
#define REDLINE_EXTRACT_H

#include <stddef.h>
#include "redline/format.h"
#include "redline/item.h"

/** The largest snapshot accepted (bytes); more is RL_ETOOBIG. */
#define RL_EXTRACT_MAX_INPUT (16u * 1024 * 1024)
/** Most elements (start tags) an HTML page or feed may have: a parsed tree
 *  costs ~600 bytes an element, so 16 MiB of bare <p> would take over a
 *  gigabyte.  Real pages have a few tens of thousands; more is refused
 *  (RL_ETOOBIG) before anything is built. */
#define RL_EXTRACT_MAX_ELEMENTS 120000u

typedef struct rl_extract_opts {
	const char *base_url;     /* resolves relative links; may be NULL */
	const char *charset;      /* from the HTTP header; may be NULL */
	/* Per-source XPath selectors (HTML); NULL for the defaults. */
	const char *select_item;  /* one node per story */
	const char *select_title; /* relative to the item node */
	const char *select_link;  /* relative to the item node; an @href or element */
	const char *select_body;  /* relative to the item node */
} rl_extract_opts;

/** Guesses the format from the content: XML with <rss>/<rdf:RDF> -> rss,
 *  <feed> -> atom, markup -> html, otherwise text. */
rl_format rl_extract_sniff(const char *data, size_t len);

/** Refuses what is not a page or a feed, before anything is extracted:
 *  binary data (the magic numbers of gzip, zip, PDF, PNG, JPEG, GIF, WebP,
 *  ELF and PE files, or control bytes past 2 %), and a snapshot whose
 *  content contradicts `format` (HTML read as text or as a feed, a feed read
 *  as text).  RL_EPARSE with "snapshot is not ...: it is ...";
 *  RL_FORMAT_AUTO checks only for binary data.  rl_extract() calls it. */
int rl_extract_refuse(const char *data, size_t len, rl_format format);

/** Extracts the items of a snapshot (appending to `out`).  RL_FORMAT_AUTO sniffs.
 *  `opts` may be NULL.  Empty or blank input gives no items and returns 0.
 *  RL_ETOOBIG past RL_EXTRACT_MAX_INPUT or RL_ITEMS_MAX items; on any error
 *  `out` is left as it was.  Rules per format: docs/extraction.md. */
int rl_extract(rl_item_list *out, const char *data, size_t len, rl_format format,
	       const rl_extract_opts *opts);

/** rl_extract() for a caller that has just run rl_extract_refuse() on the
 *  same bytes and knows the format (never RL_FORMAT_AUTO): the refusal and
 *  sniffing are not done twice.  The size caps still hold (each extractor
 *  checks them). */
int rl_extract_refused(rl_item_list *out, const char *data, size_t len, rl_format format,
		       const rl_extract_opts *opts);

/** Plain text (UTF-8): a headline story plus wire items split at datelines
 *  ("KYIV (ANP) - "), relative times and section headings dropped; without
 *  datelines one item, or one per headline block.  `opts` is unused. */
int rl_extract_text(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts);
/** An HTML list page: per-source selectors, else <article>s, else linked
 *  h2/h3 headlines with their paragraphs, else the page as one item.
 *  RL_EINVAL names a selector that does not compile. */
int rl_extract_html(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts);
/** RSS 0.9x/1.0/2.0 and Atom, one item per <item>/<entry>; never expands
 *  declared entities nor loads DTDs.  RL_EPARSE when not XML at all. */
int rl_extract_feed(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts);

/** The main text of a single article page (for following stories): title and
 *  body paragraphs, without navigation, ads, scripts or related links.
 *  `out` is overwritten (not cleared first); free it with rl_item_clear(). */
int rl_extract_article(rl_item *out, const char *data, size_t len, const rl_extract_opts *opts);

#endif
