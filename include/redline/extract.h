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

/** Extracts the items of a snapshot (appending to `out`).  RL_FORMAT_AUTO sniffs.
 *  `opts` may be NULL. */
int rl_extract(rl_item_list *out, const char *data, size_t len, rl_format format,
	       const rl_extract_opts *opts);

int rl_extract_text(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts);
int rl_extract_html(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts);
/** RSS 0.9x/1.0/2.0 and Atom. */
int rl_extract_feed(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts);

/** The main text of a single article page (for following stories): title and
 *  body paragraphs, without navigation, ads, scripts or related links. */
int rl_extract_article(rl_item *out, const char *data, size_t len, const rl_extract_opts *opts);

#endif
