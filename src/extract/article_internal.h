/*
 * article_internal.h - what an HTML page declares about itself (metadata)
 * and where its main text is (a scored block), shared by the article
 * extractor and the list-page extractor, which asks "is this one story?".
 * Internal to the extract layer.
 */
#ifndef REDLINE_ARTICLE_INTERNAL_H
#define REDLINE_ARTICLE_INTERNAL_H

#include "xml_internal.h"

/* What the page says of itself: JSON-LD, OpenGraph, <link rel=canonical>,
 * <title>, the first <h1>.  Every string is ours (malloc'd) or NULL. */
typedef struct rl_page_meta {
	char *ld_type;     /* the JSON-LD @type of the article object found */
	char *ld_headline;
	char *ld_url;      /* url, else mainEntityOfPage (string or @id) */
	char *ld_body;     /* articleBody */
	char *ld_date;     /* datePublished */
	char *ld_modified; /* dateModified */
	char *ld_author;
	char *og_type;
	char *og_title;
	char *og_url;
	char *canonical;   /* as written (maybe relative) */
	char *title;       /* <title> */
	char *h1;          /* the first <h1> outside noise */
	int ld_listing;    /* JSON-LD declares an ItemList / CollectionPage */
} rl_page_meta;

/** Reads the metadata of a parsed page. */
int rl_page_meta_read(rl_page_meta *out, const xmlDoc *doc);
void rl_page_meta_clear(rl_page_meta *meta);

/** Whether the metadata declares one article (og:type article, a JSON-LD
 *  Article type) rather than a front page or a section. */
int rl_page_meta_is_article(const rl_page_meta *meta);

/** The page's canonical link: <link rel=canonical>, og:url or the JSON-LD
 *  url, resolved against `base` (and a relative canonical against an
 *  absolute og:url when there is no base); NULL when none is absolute. */
int rl_page_meta_link(char **out, const rl_page_meta *meta, const char *base);

/** The headline as the page shows it: the <h1> when the JSON-LD headline,
 *  og:title or <title> starts with it, else the declared headline, else the
 *  <h1> (unless it is the site's logo) or <title> without " - Site".  With
 *  `page`, a whole-page item: <title> as it is before a lone <h1>. */
int rl_page_meta_title(char **out, const rl_page_meta *meta, int page);

/* The main block of a page, chosen by score. */
typedef struct rl_main_block {
	const xmlNode **nodes; /* the chosen container and the siblings joined to it */
	size_t n;
	size_t text;           /* characters of text in them (links included) */
	size_t link_text;      /* of which inside links */
	size_t page_text;      /* characters of paragraph text on the whole page */
	size_t paragraphs;     /* paragraphs of 80+ characters in the block */
	size_t headlines;      /* linked h2/h3/h4 headlines in the block */
} rl_main_block;

/** Scores every container of the page and picks the main block; n 0 when
 *  the page has no paragraph text. */
int rl_main_block_find(rl_main_block *out, const xmlDoc *doc);
void rl_main_block_clear(rl_main_block *block);

/** Whether a class or id names boilerplate (comments, related, share, nav,
 *  cookie, newsletter, promo, footer, sidebar, most read ...) and does not
 *  also name content. */
int rl_xml_boilerplate_name(const char *class_and_id);

/** The weights of an element's class and id added up (each +1 content, -1
 *  boilerplate, 0 neither), as rl_xml_boilerplate_name() reads them. */
int rl_xml_class_weight(const xmlNode *n);

/** Whether `n` or an ancestor below `stop` (NULL: the document) is a
 *  region that holds no story: page header, banner, navigation, hidden,
 *  or a class/id naming boilerplate. */
int rl_xml_in_boilerplate(const xmlNode *n, const xmlNode *stop);

/** The same test for one element, as a skip function for rl_xml_paras(). */
int rl_xml_skip_region(const xmlNode *n, void *ctx);

/** Whether an element is, by tag, role or class/id, not part of a story. */
int rl_xml_is_boilerplate(const xmlNode *n, void *ctx);

/** The article of a parsed page: title and link from the metadata, body
 *  from the main block (or the declared articleBody).  `base` may be NULL. */
int rl_article_from_doc(rl_item *out, const xmlDoc *doc, const rl_page_meta *meta,
			const rl_main_block *block, const char *base);

/** A list page by structure: repeated sibling blocks each carrying one
 *  headline link, one item per block keyed on its link (extract_cards.c).
 *  *found 0 when the page has no such group. */
int rl_extract_cards(rl_item_list *out, const xmlDoc *doc, const char *base, int *found);

/** Drops lines that are page furniture wherever they stand ("Advertisement",
 *  "Read more", "Lees ook", "View Article"), compared whole, in place. */
void rl_extract_drop_furniture(rl_buf *body);

#endif
