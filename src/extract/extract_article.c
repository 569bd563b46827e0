/*
 * extract_article.c - the main text of one article page (followed stories).
 *
 * Title: og:title / twitter:title, else the first <h1>, else <title> without
 * its " - Site" / " | Site" tail.  Content: the element that holds the most
 * <p> text is found first; the closest enclosing [itemprop=articleBody],
 * <article>, <main> or [role=main] is preferred over it.  Within the content
 * nothing under header, figure, nav, footer, aside, scripts, hidden nodes or
 * elements whose class/id names related links, sharing, newsletters,
 * comments or ads counts.  Link: <link rel=canonical>, og:url, else base_url.
 */
#include "redline/extract.h"
#include "redline/error.h"
#include "xml_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


static int attr_is(const xmlNode *n, const char *name, const char *value)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	int eq = v && strcasecmp((const char *)v, value) == 0;

	xmlFree(v);
	return eq;
}

/* Whether a class or id names boilerplate; matched per token ("ad" alone,
 * not inside "header"). */
static int boilerplate_name(const char *s)
{
	static const char *const parts[] = { "related", "share", "sharing", "social", "newsletter",
					     "comment", "promo", "sponsor", "recommend", "subscribe",
					     "cookie", "breadcrumb", "outbrain", "taboola", "popup",
					     "modal", "advert", NULL };
	static const char *const whole[] = { "ad", "ads", "banner", "toolbar", "tags", NULL };
	char tok[64];

	while (*s) {
		size_t n = 0;
		while (*s && !isalnum((unsigned char)*s))
			s++;
		while (*s && isalnum((unsigned char)*s)) {
			if (n + 1 < sizeof(tok))
				tok[n++] = (char)tolower((unsigned char)*s);
			s++;
		}
		tok[n] = '\0';
		if (n == 0)
			continue;
		for (const char *const *w = whole; *w; w++)
			if (strcmp(tok, *w) == 0)
				return 1;
		for (const char *const *p = parts; *p; p++)
			if (strstr(tok, *p))
				return 1;
	}
	return 0;
}

static int is_boilerplate(const xmlNode *n, void *ctx)
{
	static const char *const names[] = { "header", "figure", "h1", "menu", "dialog", NULL };
	xmlChar *v;
	int bad = 0;

	(void)ctx;
	for (const char *const *name = names; *name; name++)
		if (rl_xml_is(n, *name))
			return 1;
	if (xmlHasProp(n, (const xmlChar *)"hidden") || attr_is(n, "aria-hidden", "true") ||
	    attr_is(n, "role", "navigation") || attr_is(n, "role", "complementary"))
		return 1;
	if ((v = xmlGetProp(n, (const xmlChar *)"class")) != NULL) {
		bad = boilerplate_name((const char *)v);
		xmlFree(v);
	}
	if (!bad && (v = xmlGetProp(n, (const xmlChar *)"id")) != NULL) {
		bad = boilerplate_name((const char *)v);
		xmlFree(v);
	}
	return bad;
}

/* Whether `n` or an ancestor is noise or boilerplate. */
static int excluded(const xmlNode *n)
{
	for (; n && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (rl_xml_is_noise(n) || (is_boilerplate(n, NULL) && !rl_xml_is(n, "h1")))
			return 1;
	return 0;
}

static size_t text_len(const xmlNode *n)
{
	size_t len = 0;

	for (const xmlNode *c = n->children; c; c = rl_xml_next_in(c, n, 1))
		if (c->type == XML_TEXT_NODE && c->content)
			len += strlen((const char *)c->content);
	return len;
}

/* The element whose <p> children carry the most text. */
static const xmlNode *densest(const xmlNode *root)
{
	typedef struct { const xmlNode *node; size_t score; } slot;
	slot *v = NULL;
	size_t n = 0, cap = 0, best = 0;
	const xmlNode *cur = root, *winner = NULL;

	while (cur) {
		int skip = cur->type == XML_ELEMENT_NODE && rl_xml_is_noise(cur);
		if (!skip && rl_xml_is(cur, "p") && cur->parent && !excluded(cur)) {
			size_t len = text_len(cur), i;
			for (i = 0; i < n && v[i].node != cur->parent; i++)
				;
			if (i == n) {
				if (n == cap) {
					size_t ncap = cap ? cap * 2 : 32;
					slot *nv = realloc(v, ncap * sizeof(*v));
					if (nv == NULL)
						break;
					v = nv;
					cap = ncap;
				}
				v[n].node = cur->parent;
				v[n++].score = 0;
			}
			v[i].score += len;
			if (v[i].score > best) {
				best = v[i].score;
				winner = v[i].node;
			}
		}
		cur = rl_xml_next_in(cur, root, !skip);
	}
	free(v);
	return winner;
}

static int is_main_container(const xmlNode *n)
{
	return attr_is(n, "itemprop", "articleBody") || rl_xml_is(n, "article") ||
	       rl_xml_is(n, "main") || attr_is(n, "role", "main");
}

static const xmlNode *content_root(const xmlNode *doc)
{
	const xmlNode *dense = densest(doc), *n;

	if (dense == NULL)
		return xmlDocGetRootElement((xmlDocPtr)doc);
	/* itemprop=articleBody first, then the nearest article/main around it */
	for (n = dense; n && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (attr_is(n, "itemprop", "articleBody") && text_len(n) > 0)
			return n;
	for (n = dense; n && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (is_main_container(n))
			return n;
	return dense;
}

static const xmlNode *find(const xmlNode *root, int (*want)(const xmlNode *), int skip_noise)
{
	for (const xmlNode *c = root; c;) {
		int noise = skip_noise && c->type == XML_ELEMENT_NODE && rl_xml_is_noise(c);
		if (!noise && c->type == XML_ELEMENT_NODE && want(c))
			return c;
		c = rl_xml_next_in(c, root, !noise);
	}
	return NULL;
}

static int is_og_title(const xmlNode *n)
{
	return rl_xml_is(n, "meta") && (attr_is(n, "property", "og:title") ||
					attr_is(n, "name", "twitter:title"));
}

static int is_og_url(const xmlNode *n)
{
	return rl_xml_is(n, "meta") && attr_is(n, "property", "og:url");
}

static int is_canonical(const xmlNode *n)
{
	return rl_xml_is(n, "link") && attr_is(n, "rel", "canonical");
}

static int is_h1(const xmlNode *n)
{
	return rl_xml_is(n, "h1");
}

static int is_title(const xmlNode *n)
{
	return rl_xml_is(n, "title");
}

/* "Headline - Site" -> "Headline": the last separator, when what is left
 * is the longer part. */
static void strip_site(char *title)
{
	static const char *const seps[] = { " - ", " | ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
					    " :: ", " \xC2\xB7 ", NULL };
	char *cut = NULL;

	for (const char *const *s = seps; *s; s++) {
		char *p = title, *last = NULL;
		while ((p = strstr(p, *s)) != NULL)
			last = p++;
		if (last && (cut == NULL || last > cut))
			cut = last;
	}
	if (cut && (size_t)(cut - title) >= strlen(cut))
		*cut = '\0';
}

static int page_title(char **out, const xmlNode *doc, const xmlNode *content)
{
	const xmlNode *n;
	int error;

	*out = NULL;
	if ((n = find(doc, is_og_title, 0)) != NULL) {
		char *v;
		if ((error = rl_xml_attr(&v, n, "content")) < 0)
			return error;
		if (v && *v) {
			rl_buf b = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
			rl_xml_para p;
			rl_xml_para_init(&p, &b, 1);
			error = rl_xml_para_text(&p, v, strlen(v));
			free(v);
			if (error == 0 && b.len)
				*out = rl_buf_detach(&b);
			rl_buf_release(&b);
			if (error < 0 || *out)
				return error;
		} else
			free(v);
	}
	if (((n = find(content, is_h1, 1)) != NULL || (n = find(doc, is_h1, 1)) != NULL) &&
	    ((error = rl_xml_line(out, n)) < 0 || *out))
		return error;
	if ((n = find(doc, is_title, 0)) != NULL) {
		if ((error = rl_xml_line(out, n)) < 0)
			return error;
		if (*out)
			strip_site(*out);
	}
	return 0;
}

static int page_link(char **out, const xmlNode *doc, const char *base)
{
	const xmlNode *n;
	char *raw = NULL;
	int error = 0;

	*out = NULL;
	if ((n = find(doc, is_canonical, 0)) != NULL)
		error = rl_xml_attr(&raw, n, "href");
	else if ((n = find(doc, is_og_url, 0)) != NULL)
		error = rl_xml_attr(&raw, n, "content");
	if (error == 0 && raw)
		error = rl_xml_resolve(out, raw, base);
	free(raw);
	if (error == 0 && *out == NULL && base && (*out = rl_strdup(base)) == NULL)
		error = RL_ENOMEM;
	return error;
}

/* Lines that are page furniture wherever they stand ("Advertisement" between
 * two paragraphs of the NYT), compared whole and case-insensitively. */
static const char *const furniture[] = {
	"advertisement", "supported by", "advertentie", "anzeige", "werbung", "publicité",
	"publicite", "read more", "lees meer", "lees ook", "weiterlesen", "lire aussi",
	"share", "delen", "teilen", "partager", "share this article", "continue reading",
	"continue reading the main story", "skip to content",
};

static int is_furniture(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof(furniture) / sizeof(furniture[0]); i++)
		if (strlen(furniture[i]) == len && strncasecmp(line, furniture[i], len) == 0)
			return 1;
	return 0;
}

/* Removes furniture lines from paragraphs separated by '\n', in place. */
static void drop_boilerplate_lines(rl_buf *body)
{
	char *r = body->ptr, *w = body->ptr;

	if (body->ptr == NULL)
		return;
	while (*r) {
		size_t len = strcspn(r, "\n");
		int keep = !is_furniture(r, len);
		if (keep) {
			if (w != body->ptr)
				*w++ = '\n';
			memmove(w, r, len);
			w += len;
		}
		r += len;
		if (*r == '\n')
			r++;
	}
	*w = '\0';
	body->len = (size_t)(w - body->ptr);
}

int rl_extract_article(rl_item *out, const char *data, size_t len, const rl_extract_opts *opts)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	const char *base = opts ? opts->base_url : NULL;
	const xmlNode *content;
	htmlDocPtr doc = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = rl_extract_check_size(len)) < 0)
		return error;
	if ((error = rl_xml_html_parse(&doc, data, len, opts ? opts->charset : NULL)) < 0)
		goto done;
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		out->body = rl_strdup("");
		error = out->body ? 0 : RL_ENOMEM;
		goto done;
	}
	content = content_root((const xmlNode *)doc);
	if ((error = page_title(&out->title, (const xmlNode *)doc, content)) < 0 ||
	    (error = page_link(&out->link, (const xmlNode *)doc, base)) < 0 ||
	    (error = rl_xml_paras(&body, content, is_boilerplate, NULL)) < 0)
		goto done;
	drop_boilerplate_lines(&body);
	if ((out->body = rl_buf_detach(&body)) == NULL)
		error = RL_ENOMEM;
done:
	if (error < 0)
		rl_item_clear(out);
	rl_buf_release(&body);
	xmlFreeDoc(doc);
	return error;
}
