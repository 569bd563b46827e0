/*
 * redline/xml_safe.h - safe libxml2 parsing and text helpers shared by the
 * extractors (internal to the extract module; not part of the public API).
 *
 * Invariants: documents are parsed without network access, DTD loading,
 * entity substitution or XInclude; libxml2 never prints (a no-op error
 * handler is installed around every call); text handed out is copied into
 * our own malloc'd memory and is valid UTF-8.
 */
#ifndef REDLINE_XML_SAFE_H
#define REDLINE_XML_SAFE_H

#include <stddef.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include "redline/buf.h"
#include "redline/item.h"

/** Silences libxml2 for the current thread; pair with rl_xml_quiet_end(). */
typedef struct rl_xml_quiet {
	xmlStructuredErrorFunc structured;
	void *structured_ctx;
	xmlGenericErrorFunc generic;
	void *generic_ctx;
} rl_xml_quiet;
void rl_xml_quiet_begin(rl_xml_quiet *q);
void rl_xml_quiet_end(rl_xml_quiet *q);

/** Parses an HTML page with the safe flags.  Charset order: BOM, `charset`
 *  (from HTTP; iso-8859-1/us-ascii read as windows-1252), the page's own
 *  <meta>, and windows-1252 when the text comes out as C1 controls or bad
 *  UTF-8.  NUL bytes become U+FFFD.  Free with xmlFreeDoc(). */
int rl_xml_html_parse(htmlDocPtr *out, const char *data, size_t len, const char *charset);

/** RL_ETOOBIG when the document has more than RL_EXTRACT_MAX_ELEMENTS start
 *  tags; the HTML and feed parsers call it before building anything. */
int rl_xml_check_size(const char *data, size_t len);

/** Parses an HTML fragment that is already UTF-8 (a feed's description). */
int rl_xml_html_fragment(htmlDocPtr *out, const char *data, size_t len);

/** Parses a feed as XML: the DOCTYPE is dropped (no entity declarations can
 *  reach the parser), HTML named entities become numeric references, and a
 *  broken document is parsed again with RECOVER. */
int rl_xml_feed_parse(xmlDocPtr *out, const char *data, size_t len);

/** Decides per element whether its subtree contributes no text. */
typedef int (*rl_xml_skip_fn)(const xmlNode *node, void *ctx);

/** Appends the text of `node`'s subtree as paragraphs ("\n" between them,
 *  each one line, whitespace collapsed).  Block elements end paragraphs;
 *  script, style, nav, footer, aside, form, ... and nodes for which `skip`
 *  returns non-zero are left out.  Iterative: any depth is fine. */
int rl_xml_paras(rl_buf *out, const xmlNode *node, rl_xml_skip_fn skip, void *ctx);

/** The text of a subtree on one line (a title); NULL with *out when it is
 *  empty.  Returns 0 or an error. */
int rl_xml_line(char **out, const xmlNode *node);

/** Whether the element is one whose text never counts (script, nav, ...). */
int rl_xml_is_noise(const xmlNode *node);

/** Whether `node` is an element with that (lowercase) local name. */
int rl_xml_is(const xmlNode *node, const char *name);

/** A copy of attribute `name` (NULL when absent); *out NULL or malloc'd. */
int rl_xml_attr(char **out, const xmlNode *node, const char *name);

/** Attribute `name` as xmlGetProp() gives it, without a copy when its value
 *  is one text node (nearly always): NULL when absent; *copy is then NULL,
 *  else the copy the caller frees with xmlFree(). */
const char *rl_xml_prop(const xmlNode *node, const char *name, xmlChar **copy);

/** Whether attribute `name` equals `value` (ASCII case-insensitive). */
int rl_xml_attr_is(const xmlNode *node, const char *name, const char *value);

/** xmlBuildURI()'s result for the commonest links, without its parsing:
 *  `href` (trimmed, `len` bytes) with a scheme, or a plain absolute path on
 *  a plain http(s) base.  1 and *out malloc'd when taken, 0 when libxml2
 *  must decide, RL_ENOMEM.  tests/unit/test_xml_resolve.c compares them. */
int rl_xml_resolve_fast(char **out, const char *href, size_t len, const char *base);

/** Makes `href` absolute against `base` (may be NULL).  javascript:,
 *  mailto:, data: and bare "#..." links give NULL. */
int rl_xml_resolve(char **out, const char *href, const char *base);

/** Evaluates a compiled XPath relative to `node`; NULL result when empty. */
xmlXPathObjectPtr rl_xml_eval(xmlXPathCompExprPtr expr, xmlDocPtr doc, xmlNodePtr node);

/* Paragraph builder: collapses whitespace, drops empty paragraphs. */
typedef struct rl_xml_para {
	rl_buf *out;
	int open;     /* current paragraph has text */
	int space;    /* a space is pending before the next text */
	int oneline;  /* breaks become spaces */
} rl_xml_para;
void rl_xml_para_init(rl_xml_para *p, rl_buf *out, int oneline);
int rl_xml_para_text(rl_xml_para *p, const char *s, size_t n);
void rl_xml_para_break(rl_xml_para *p);

/** Undoes a failed extraction: clears the items past the first `n0`. */
void rl_extract_rollback(rl_item_list *out, size_t n0);

/** RL_ETOOBIG with the module's message when `len` is over the cap. */
int rl_extract_check_size(size_t len);

/** Iterative pre-order successor of `cur` within `root`'s subtree (no
 *  recursion, so deep documents cannot exhaust the stack); `descend` 0 skips
 *  cur's children. */
const xmlNode *rl_xml_next_in(const xmlNode *cur, const xmlNode *root, int descend);

/** Copies `s` to `out` with NUL bytes and invalid UTF-8 replaced by U+FFFD. */
int rl_utf8_sanitize(rl_buf *out, const char *s, size_t n);

#endif
