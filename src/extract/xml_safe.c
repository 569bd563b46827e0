/*
 * xml_safe.c - safe libxml2 parsing and text collection for the extractors.
 *
 * Every parse goes through here so the flags are decided once: no network,
 * no DTD loading, no entity substitution, no XInclude, no HUGE; libxml2's
 * own depth limit (256) bounds the trees.  Text leaves as our own UTF-8
 * copies; tree walks are iterative so no input can exhaust the stack.
 */
#include "xml_internal.h"
#include "redline/normalise.h"
#include "redline/charset.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTML_FLAGS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
		    HTML_PARSE_NONET | HTML_PARSE_COMPACT)
/* Never NOENT, DTDLOAD, HUGE or XINCLUDE: see LIBS.md. */
#define XML_FLAGS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static void noop_structured(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static void noop_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void rl_xml_quiet_begin(rl_xml_quiet *q)
{
	xmlInitParser();
	q->structured = xmlStructuredError;
	q->structured_ctx = xmlStructuredErrorContext;
	q->generic = xmlGenericError;
	q->generic_ctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(NULL, noop_structured);
	xmlSetGenericErrorFunc(NULL, noop_generic);
}

void rl_xml_quiet_end(rl_xml_quiet *q)
{
	xmlSetStructuredErrorFunc(q->structured_ctx, q->structured);
	xmlSetGenericErrorFunc(q->generic_ctx, q->generic);
}

/* ---- UTF-8 ---- */

int rl_utf8_sanitize(rl_buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, start = 0;
	int error;

	if ((error = rl_buf_grow(out, n)) < 0)
		return error;
	while (i < n) {
		k = rl_charset_utf8_seq(u + i, n - i);
		if (k != 0 && u[i] != 0) {
			i += k;
			continue;
		}
		if ((error = rl_buf_put(out, s + start, i - start)) < 0 ||
		    (error = rl_buf_put(out, "\xEF\xBF\xBD", 3)) < 0)
			return error;
		start = ++i;
	}
	return rl_buf_put(out, s + start, n - start);
}

/* ---- walking ---- */

const xmlNode *rl_xml_next_in(const xmlNode *cur, const xmlNode *root, int descend)
{
	if (descend && (cur->type == XML_ELEMENT_NODE || cur == root) && cur->children)
		return cur->children;
	while (cur && cur != root) {
		if (cur->next)
			return cur->next;
		cur = cur->parent;
	}
	return NULL;
}

/* ---- paragraphs ---- */

void rl_xml_para_init(rl_xml_para *p, rl_buf *out, int oneline)
{
	p->out = out;
	p->open = 0;
	p->space = 0;
	p->oneline = oneline;
}

/* A table, not six compares: every byte of every text node goes through it. */
static const unsigned char space_byte[256] = { [' '] = 1, ['\t'] = 1, ['\n'] = 1,
					       ['\r'] = 1, ['\f'] = 1, ['\v'] = 1 };

static int is_space(char c)
{
	return space_byte[(unsigned char)c];
}

/* rl_xml_para_text() written straight into the buffer, which has room:
 * each separator but the first stands for a whitespace byte of `s`, so the
 * text grows by at most n + 1 bytes. */
static void para_text_fits(rl_xml_para *p, const char *s, size_t n)
{
	char *o = p->out->ptr + p->out->len;
	size_t i = 0, run;

	while (i < n) {
		if (is_space(s[i])) {
			p->space = 1;
			i++;
			continue;
		}
		if (!p->open && o > p->out->ptr)
			*o++ = p->oneline ? ' ' : '\n';
		else if (p->open && p->space)
			*o++ = ' ';
		p->open = 1;
		p->space = 0;
		for (run = i; run < n && !is_space(s[run]); run++)
			;
		memcpy(o, s + i, run - i);
		o += run - i;
		i = run;
	}
	*o = '\0';
	p->out->len = (size_t)(o - p->out->ptr);
}

int rl_xml_para_text(rl_xml_para *p, const char *s, size_t n)
{
	size_t i = 0, run;
	int error;

	while (i < n && is_space(s[i]))
		i++;
	if (i > 0)
		p->space = 1;
	if (i == n)
		return 0; /* nothing to write: the buffer stays as it is */
	if (n < RL_EXTRACT_MAX_INPUT && rl_buf_grow(p->out, n + 1) == 0) {
		para_text_fits(p, s + i, n - i);
		return 0;
	}
	rl_error_clear(); /* near the cap: word by word, as far as it goes */
	while (i < n) {
		char c = s[i];
		if (is_space(c)) {
			p->space = 1;
			i++;
			continue;
		}
		if (!p->open && p->out->len > 0) {
			if ((error = rl_buf_putc(p->out, p->oneline ? ' ' : '\n')) < 0)
				return error;
		} else if (p->open && p->space) {
			if ((error = rl_buf_putc(p->out, ' ')) < 0)
				return error;
		}
		p->open = 1;
		p->space = 0;
		for (run = i; run < n && !is_space(s[run]); run++)
			;
		if ((error = rl_buf_put(p->out, s + i, run - i)) < 0)
			return error;
		i = run;
	}
	return 0;
}

void rl_xml_para_break(rl_xml_para *p)
{
	p->open = 0;
	p->space = 0;
}

/* ---- tree walking ---- */

/* An element name against a lower-case ASCII name, ASCII letters
 * compared without case (libxml2's HTML parser lower-cases names already;
 * feeds keep theirs).  Not strcasecmp(): no locale, and most names differ
 * at the first byte, which this decides without a call. */
static int name_eq(const xmlChar *a, const char *lower)
{
	for (;; a++, lower++) {
		unsigned char x = *a, y = (unsigned char)*lower;
		if (x != y && (x < 'A' || x > 'Z' || x + 32 != y))
			return 0;
		if (y == '\0')
			return 1;
	}
}

int rl_xml_is(const xmlNode *node, const char *name)
{
	return node && node->type == XML_ELEMENT_NODE && node->name && name_eq(node->name, name);
}

/* A set of element names, and which first two bytes (& 31: the same for a
 * letter in either case) any of them has: most names are ruled out by one
 * bit, not by a compare with each name of the set. */
struct name_set {
	const char *const *names;
	uint64_t pairs[16];
};

static uint32_t pair_bit(const unsigned char *name)
{
	return (uint32_t)(name[0] & 31) << 5 | (name[0] ? name[1] & 31u : 0);
}

static struct name_set noise = {
	(const char *const[]){ "script", "style", "noscript", "template", "nav", "footer", "aside",
			       "iframe", "svg", "object", "embed", "canvas", "select", "button",
			       "textarea", "head", "math", NULL },
	{ 0 }
};
static struct name_set block = {
	(const char *const[]){ "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
			       "dl", "dt", "dd", "tr", "td", "th", "table", "thead", "tbody",
			       "tfoot", "caption", "blockquote", "pre", "section", "article",
			       "header", "footer", "main", "aside", "nav", "figure", "figcaption",
			       "address", "hr", "br", "fieldset", "details", "summary", "center",
			       "body", NULL },
	{ 0 }
};
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static void sets_init(void)
{
	struct name_set *sets[] = { &noise, &block };

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (const char *const *n = sets[i]->names; *n; n++) {
			uint32_t bit = pair_bit((const unsigned char *)*n);
			sets[i]->pairs[bit >> 6] |= 1ull << (bit & 63);
		}
}

static int name_in(const xmlNode *node, const struct name_set *set)
{
	uint32_t bit;

	if (node == NULL || node->type != XML_ELEMENT_NODE || node->name == NULL)
		return 0;
	pthread_once(&sets_once, sets_init);
	bit = pair_bit(node->name);
	if (!(set->pairs[bit >> 6] >> (bit & 63) & 1))
		return 0;
	for (const char *const *n = set->names; *n; n++)
		if (name_eq(node->name, *n))
			return 1;
	return 0;
}

int rl_xml_is_noise(const xmlNode *node)
{
	return name_in(node, &noise);
}

static int is_block(const xmlNode *node)
{
	return name_in(node, &block);
}

static int walk(rl_xml_para *p, const xmlNode *root, rl_xml_skip_fn skip, void *ctx)
{
	const xmlNode *cur;
	int error;

	if (root->type == XML_TEXT_NODE || root->type == XML_CDATA_SECTION_NODE)
		return root->content ? rl_xml_para_text(p, (const char *)root->content,
						    strlen((const char *)root->content)) : 0;
	if (root->type == XML_ATTRIBUTE_NODE)
		return walk(p, root->children ? root->children : root, skip, ctx);
	cur = root->children;
	while (cur) {
		int descend = 0;
		if (cur->type == XML_ELEMENT_NODE) {
			/* a block, skipped or not: words on either side stay apart */
			if (is_block(cur))
				rl_xml_para_break(p);
			if (!rl_xml_is_noise(cur) && !(skip && skip(cur, ctx)))
				descend = cur->children != NULL;
		} else if ((cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) &&
			   cur->content) {
			if ((error = rl_xml_para_text(p, (const char *)cur->content,
						  strlen((const char *)cur->content))) < 0)
				return error;
		}
		/* Entity references, comments, DTDs and PIs add nothing. */
		if (descend) {
			cur = cur->children;
			continue;
		}
		while (cur) {
			if (cur->next) {
				cur = cur->next;
				break;
			}
			cur = cur->parent;
			if (cur == NULL || cur == root) {
				cur = NULL;
				break;
			}
			if (is_block(cur))
				rl_xml_para_break(p);
		}
	}
	return 0;
}

int rl_xml_paras(rl_buf *out, const xmlNode *node, rl_xml_skip_fn skip, void *ctx)
{
	rl_xml_para p;
	int error;

	rl_xml_para_init(&p, out, 0);
	p.open = 0;
	if ((error = walk(&p, node, skip, ctx)) < 0)
		return error;
	return 0;
}

int rl_xml_line(char **out, const xmlNode *node)
{
	rl_buf b = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	rl_xml_para p;
	int error;

	*out = NULL;
	rl_xml_para_init(&p, &b, 1);
	if ((error = walk(&p, node, NULL, NULL)) < 0) {
		rl_buf_release(&b);
		return error;
	}
	if (b.len > 0)
		*out = rl_buf_detach(&b);
	rl_buf_release(&b);
	return 0;
}

int rl_xml_attr(char **out, const xmlNode *node, const char *name)
{
	xmlChar *v;

	*out = NULL;
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return 0;
	if ((v = xmlGetProp(node, (const xmlChar *)name)) == NULL)
		return 0;
	*out = rl_strdup((const char *)v);
	xmlFree(v);
	return *out ? 0 : RL_ENOMEM;
}

const char *rl_xml_prop(const xmlNode *node, const char *name, xmlChar **copy)
{
	const xmlAttr *attr;
	const xmlNode *c;
	const xmlDoc *doc;

	*copy = NULL;
	if (node == NULL || node->type != XML_ELEMENT_NODE)
		return NULL;
	/* xmlGetProp()'s own lookup: attributes without a namespace */
	for (attr = node->properties; attr; attr = attr->next)
		if (attr->ns == NULL && xmlStrEqual(attr->name, (const xmlChar *)name))
			break;
	if (attr == NULL) {
		/* absent, unless a DTD declares a default value */
		doc = node->doc;
		if (doc == NULL || doc->intSubset == NULL ||
		    (doc->intSubset->attributes == NULL &&
		     (doc->extSubset == NULL || doc->extSubset->attributes == NULL)))
			return NULL;
		*copy = xmlGetProp(node, (const xmlChar *)name);
		return (const char *)*copy;
	}
	c = attr->children;
	if (c == NULL)
		return ""; /* xmlGetProp() gives an empty string */
	/* xmlGetProp() copies exactly this; anything else it builds */
	if (c->next == NULL && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE))
		return (const char *)c->content;
	*copy = xmlGetProp(node, (const xmlChar *)name);
	return (const char *)*copy;
}

int rl_xml_attr_is(const xmlNode *node, const char *name, const char *value)
{
	xmlChar *copy;
	const char *v = rl_xml_prop(node, name, &copy);
	int eq = v && strcasecmp(v, value) == 0;

	xmlFree(copy);
	return eq;
}

xmlXPathObjectPtr rl_xml_eval(xmlXPathCompExprPtr expr, xmlDocPtr doc, xmlNodePtr node)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr obj;

	if (ctx == NULL)
		return NULL;
	ctx->node = node ? node : (xmlNodePtr)doc;
	obj = xmlXPathCompiledEval(expr, ctx);
	xmlXPathFreeContext(ctx);
	if (obj && obj->type == XPATH_NODESET &&
	    (obj->nodesetval == NULL || obj->nodesetval->nodeNr == 0)) {
		xmlXPathFreeObject(obj);
		return NULL;
	}
	return obj;
}

/* ---- parsing ---- */

/* For input that is not UTF-8: text decoded as C1 controls or kept as bad
 * UTF-8 means the charset guess was wrong (libxml2 falls back to
 * ISO-8859-1 silently).  Valid UTF-8 input is never second-guessed: C1
 * characters in it are the page's own mojibake. */
static int doc_suspect(const xmlNode *root)
{
	const xmlNode *cur = root;

	while (cur) {
		if (cur->type == XML_TEXT_NODE && cur->content) {
			const unsigned char *s = cur->content;
			size_t n = strlen((const char *)s);
			if (!rl_charset_is_utf8((const char *)s, n))
				return 1;
			for (size_t i = 0; i + 1 < n; i++)
				if (s[i] == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
					return 1;
		}
		if (cur->type == XML_ELEMENT_NODE || cur->type == XML_HTML_DOCUMENT_NODE ||
		    cur->type == XML_DOCUMENT_NODE) {
			if (cur->children) {
				cur = cur->children;
				continue;
			}
		}
		while (cur && cur != root && cur->next == NULL)
			cur = cur->parent;
		if (cur == NULL || cur == root)
			break;
		cur = cur->next;
	}
	return 0;
}

static int wide_charset(const char *cs)
{
	return cs && (strncasecmp(cs, "utf-16", 6) == 0 || strncasecmp(cs, "utf-32", 6) == 0 ||
		      strncasecmp(cs, "ucs", 3) == 0);
}

/* NUL bytes would end libxml2's view of the text early; U+FFFD keeps them
 * visible.  As a character reference, not as UTF-8 bytes: a page that
 * libxml2 then reads as windows-1252 or ISO-8859-1 would turn those bytes
 * into "ï¿½". */
static int replace_nuls(rl_buf *out, const char *data, size_t len)
{
	size_t start = 0;
	int error;

	if ((error = rl_buf_grow(out, len)) < 0)
		return error;
	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\0')
			continue;
		if ((error = rl_buf_put(out, data + start, i - start)) < 0 ||
		    (error = rl_buf_put(out, "&#xFFFD;", 8)) < 0)
			return error;
		start = i + 1;
	}
	return rl_buf_put(out, data + start, len - start);
}

/* The one cap on the work a document may cause (RL_EXTRACT_MAX_ELEMENTS):
 * start tags counted in one pass over the bytes, before libxml2 builds a
 * tree.  A '<' followed by a letter, NUL bytes skipped (UTF-16/32). */
int rl_xml_check_size(const char *data, size_t len)
{
	size_t tags = 0;

	for (const char *p = data, *end = data + len; (p = memchr(p, '<', (size_t)(end - p)));) {
		const char *q = ++p;
		while (q < end && *q == '\0' && q - p < 3)
			q++;
		if (q < end && ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') &&
		    ++tags > RL_EXTRACT_MAX_ELEMENTS)
			return rl_error_set(RL_ETOOBIG,
					    "document has more than %u elements: refused before "
					    "parsing (a page of news has tens of thousands)",
					    RL_EXTRACT_MAX_ELEMENTS);
	}
	return 0;
}

static int has_non_ascii(const char *data, size_t len)
{
	size_t i = 0;

	for (uint64_t w; len - i >= 8; i += 8) /* eight bytes at a time */
		if ((memcpy(&w, data + i, 8), w & 0x8080808080808080ull) != 0)
			return 1;
	for (; i < len; i++)
		if ((unsigned char)data[i] >= 0x80)
			return 1;
	return 0;
}

int rl_xml_html_parse(htmlDocPtr *out, const char *data, size_t len, const char *charset)
{
	rl_buf clean = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT * 3);
	const unsigned char *u = (const unsigned char *)data;
	const char *orig = data;
	size_t orig_len = len;
	const char *enc = NULL;
	int from_bom = 0, wide = 0, ascii, utf8, error = 0;
	htmlDocPtr doc = NULL;
	rl_xml_quiet q;

	*out = NULL;
	if ((error = rl_xml_check_size(data, len)) < 0)
		return error;
	if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
		enc = "UTF-8";
		from_bom = 1;
	} else if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		enc = u[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
		from_bom = wide = 1;
	} else if (charset && *charset) {
		if (strcasecmp(charset, "iso-8859-1") == 0 || strcasecmp(charset, "latin1") == 0 ||
		    strcasecmp(charset, "us-ascii") == 0 || strcasecmp(charset, "ascii") == 0 ||
		    strcasecmp(charset, "iso8859-1") == 0)
			enc = "windows-1252";
		else
			enc = charset;
		wide = wide_charset(charset);
	} else if ((enc = rl_charset_detect_wide(data, len)) != NULL) {
		wide = 1; /* UTF-16/32 without a BOM: libxml2 would read it as bytes */
	}
	/* A page that is valid UTF-8 with non-ASCII text is UTF-8, whatever its
	 * <meta> says (pages saved or re-served as UTF-8 keep their old
	 * "gb2312" or "iso-8859-1" meta; real GB2312 or Latin-1 text is almost
	 * never valid UTF-8). */
	/* ASCII is UTF-8; NULs replaced by ASCII below change neither answer. */
	ascii = !has_non_ascii(data, len);
	utf8 = ascii || rl_charset_is_utf8(data, len);
	if (enc == NULL && utf8 && !ascii)
		enc = "UTF-8";
	/* Copied only to replace NULs: most pages have none. */
	if (!wide && memchr(data, '\0', len) != NULL) {
		if ((error = replace_nuls(&clean, data, len)) < 0)
			goto done;
		data = clean.ptr ? clean.ptr : "";
		len = clean.len;
	}
	if (len == 0)
		goto done;
	rl_xml_quiet_begin(&q);
	doc = htmlReadMemory(data, (int)len, NULL, enc, HTML_FLAGS);
	if (doc == NULL && enc && !from_bom) /* an unknown charset name */
		doc = htmlReadMemory(data, (int)len, NULL, NULL, HTML_FLAGS);
	if (doc && !from_bom && !wide && !utf8 && doc_suspect((xmlNode *)doc)) {
		/* The text path's decision (UTF-8 with stray bytes repaired, else
		 * windows-1252), made on the original bytes and parsed as UTF-8:
		 * a U+FFFD already in the page, or one standing for a NUL, is never
		 * read again as windows-1252 ("ï¿½"). */
		htmlDocPtr again = NULL;
		char *u8 = NULL;
		size_t u8_len = 0;
		rl_buf_clear(&clean);
		if (rl_charset_to_utf8(&u8, &u8_len, orig, orig_len, NULL) == 0 &&
		    replace_nuls(&clean, u8, u8_len) == 0 && clean.len > 0)
			again = htmlReadMemory(clean.ptr, (int)clean.len, NULL, "UTF-8", HTML_FLAGS);
		rl_error_clear();
		free(u8);
		if (again) {
			xmlFreeDoc(doc);
			doc = again;
		}
	}
	rl_xml_quiet_end(&q);
	if (doc == NULL)
		error = rl_error_set(RL_EPARSE, "cannot parse html");
	*out = doc;
done:
	rl_buf_release(&clean);
	return error;
}

int rl_xml_html_fragment(htmlDocPtr *out, const char *data, size_t len)
{
	rl_xml_quiet q;

	*out = NULL;
	if (len == 0)
		return 0;
	rl_xml_quiet_begin(&q);
	*out = htmlReadMemory(data, (int)len, NULL, "UTF-8", HTML_FLAGS);
	rl_xml_quiet_end(&q);
	return *out ? 0 : rl_error_set(RL_EPARSE, "cannot parse html fragment");
}

/* Length of a <!DOCTYPE ...> declaration starting at s, internal subset included. */
static size_t doctype_len(const char *s, size_t n)
{
	size_t i = 9;
	int depth = 0;
	char quote = 0;

	for (; i < n; i++) {
		char c = s[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'')
			quote = c;
		else if (c == '[')
			depth++;
		else if (c == ']' && depth > 0)
			depth--;
		else if (c == '>' && depth == 0)
			return i + 1;
	}
	return n;
}

/* Copies the feed, dropping the DOCTYPE (so no entity is ever declared) and
 * turning HTML named entities, undefined in XML, into numeric references.
 * CDATA sections are copied as they are. */
static int feed_prepare(rl_buf *out, const char *s, size_t n)
{
	size_t i = 0, start = 0;
	int error;

	if ((error = rl_buf_grow(out, n)) < 0)
		return error;
	while (i < n) {
		char c = s[i];
		if (c == '\0') {
			if ((error = rl_buf_put(out, s + start, i - start)) < 0 ||
			    (error = rl_buf_put(out, "\xEF\xBF\xBD", 3)) < 0)
				return error;
			start = ++i;
		} else if (c == '<' && n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
			const char *end = memmem(s + i + 9, n - i - 9, "]]>", 3);
			i = end ? (size_t)(end - s) + 3 : n;
		} else if (c == '<' && n - i >= 9 && strncasecmp(s + i, "<!DOCTYPE", 9) == 0) {
			if ((error = rl_buf_put(out, s + start, i - start)) < 0)
				return error;
			i += doctype_len(s + i, n - i);
			start = i;
		} else if (c == '&') {
			size_t j = i + 1;
			char name[32];
			const htmlEntityDesc *ent;
			while (j < n && j - i <= 30 &&
			       ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
				(s[j] >= '0' && s[j] <= '9' && j > i + 1)))
				j++;
			if (j < n && s[j] == ';' && j > i + 1) {
				memcpy(name, s + i + 1, j - i - 1);
				name[j - i - 1] = '\0';
				if (strcmp(name, "amp") && strcmp(name, "lt") && strcmp(name, "gt") &&
				    strcmp(name, "quot") && strcmp(name, "apos") &&
				    (ent = htmlEntityLookup((const xmlChar *)name)) != NULL) {
					if ((error = rl_buf_put(out, s + start, i - start)) < 0 ||
					    (error = rl_buf_printf(out, "&#%u;", ent->value)) < 0)
						return error;
					start = j + 1;
				}
			}
			i = j > i + 1 ? j : i + 1;
		} else
			i++;
	}
	return rl_buf_put(out, s + start, n - start);
}

int rl_xml_feed_parse(xmlDocPtr *out, const char *data, size_t len)
{
	rl_buf prep = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT * 2);
	const unsigned char *u = (const unsigned char *)data;
	xmlDocPtr doc = NULL;
	rl_xml_quiet q;
	int error = 0;

	*out = NULL;
	if ((error = rl_xml_check_size(data, len)) < 0)
		return error;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		/* UTF-16: byte-level preparation would break it; the parser's own
		 * safety (no NOENT, no DTD loading) still holds. */
		if ((error = rl_buf_put(&prep, data, len)) < 0)
			goto done;
	} else if ((error = feed_prepare(&prep, data, len)) < 0)
		goto done;
	if (prep.len == 0)
		goto done;
	rl_xml_quiet_begin(&q);
	doc = xmlReadMemory(prep.ptr, (int)prep.len, NULL, NULL, XML_FLAGS);
	if (doc == NULL)
		doc = xmlReadMemory(prep.ptr, (int)prep.len, NULL, NULL, XML_FLAGS | XML_PARSE_RECOVER);
	rl_xml_quiet_end(&q);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlFreeDoc(doc);
		doc = NULL;
		error = rl_error_set(RL_EPARSE, "cannot parse feed: not well-formed xml");
	}
	*out = doc;
done:
	rl_buf_release(&prep);
	return error;
}
