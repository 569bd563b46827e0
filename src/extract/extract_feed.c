/*
 * extract_feed.c - items from RSS 0.9x/1.0/2.0 and Atom feeds.
 *
 * One item per <item>/<entry>, matched by local name so any namespace (RSS
 * 1.0, Atom, Atom 0.3) works.  guid from <guid>/<id>; link from RSS <link>
 * text or an Atom <link href> whose rel is absent or "alternate"; body from
 * content:encoded / Atom <content>, else <description> / <summary>.  Escaped
 * HTML in those is parsed with the HTML parser and its text kept as
 * paragraphs.  The XML is parsed by rl_xml_feed_parse(): no DOCTYPE, no
 * entity declarations, no network, so entity bombs and external entities
 * have nothing to expand.
 */
#include "redline/extract.h"
#include "redline/error.h"
#include "xml_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *local_name(const xmlNode *n)
{
	const char *name = (const char *)n->name, *colon;

	if (name == NULL)
		return "";
	colon = strrchr(name, ':'); /* a prefix the recovering parser kept */
	return colon ? colon + 1 : name;
}

static int named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp(local_name(n), name) == 0;
}

static int has_element_child(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* The element's own text (text and CDATA children, entity refs left out). */
static int raw_text(rl_buf *out, const xmlNode *n)
{
	int error;

	for (const xmlNode *c = n->children; c; c = c->next) {
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
		    (error = rl_buf_puts(out, (const char *)c->content)) < 0)
			return error;
	}
	return 0;
}

static int trimmed_copy(char **out, const char *s)
{
	size_t n;

	*out = NULL;
	while (*s && strchr(" \t\r\n", *s))
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	return (*out = rl_strndup(s, n)) ? 0 : RL_ENOMEM;
}

/* Plain text: blank lines separate paragraphs. */
static int plain_paras(rl_buf *out, const char *s)
{
	rl_xml_para p;
	int error, newlines = 0;

	rl_xml_para_init(&p, out, 0);
	for (; *s; s++) {
		if (*s == '\n' && ++newlines >= 2)
			rl_xml_para_break(&p);
		if (*s != '\n' && !strchr(" \t\r", *s))
			newlines = 0;
		if ((error = rl_xml_para_text(&p, s, 1)) < 0)
			return error;
	}
	return 0;
}

/* Escaped HTML (RSS description, Atom type="html") as paragraphs. */
static int html_paras(rl_buf *out, const char *s, int oneline)
{
	htmlDocPtr frag = NULL;
	int error;

	if (!strchr(s, '<') && !strchr(s, '&')) {
		rl_xml_para p;
		rl_xml_para_init(&p, out, oneline);
		return rl_xml_para_text(&p, s, strlen(s));
	}
	if ((error = rl_xml_html_fragment(&frag, s, strlen(s))) < 0 || frag == NULL)
		return error;
	if (oneline) {
		char *line = NULL;
		if ((error = rl_xml_line(&line, (xmlNode *)frag)) == 0 && line)
			error = rl_buf_puts(out, line);
		free(line);
	} else
		error = rl_xml_paras(out, (xmlNode *)frag, NULL, NULL);
	xmlFreeDoc(frag);
	return error;
}

/* The text of a title/description/content element, by its Atom type. */
static int element_text(rl_buf *out, const xmlNode *n, int oneline)
{
	rl_buf raw = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	xmlChar *type = xmlGetProp(n, (const xmlChar *)"type");
	int error;

	if (has_element_child(n)) { /* Atom xhtml, or unescaped markup in RSS */
		if (oneline) {
			char *line = NULL;
			if ((error = rl_xml_line(&line, n)) == 0 && line)
				error = rl_buf_puts(out, line);
			free(line);
		} else
			error = rl_xml_paras(out, n, NULL, NULL);
		goto done;
	}
	if ((error = raw_text(&raw, n)) < 0 || raw.len == 0)
		goto done;
	if (type && strcasecmp((const char *)type, "text") == 0 && !oneline)
		error = plain_paras(out, raw.ptr);
	else if (type && strcasecmp((const char *)type, "text") == 0) {
		rl_xml_para p;
		rl_xml_para_init(&p, out, 1);
		error = rl_xml_para_text(&p, raw.ptr, raw.len);
	} else
		error = html_paras(out, raw.ptr, oneline);
done:
	xmlFree(type);
	rl_buf_release(&raw);
	return error;
}

typedef struct feed_item {
	char *guid, *link, *title;
	const xmlNode *content, *summary;
} feed_item;

static int link_of(char **out, const xmlNode *n, const char *base)
{
	xmlChar *href = xmlGetProp(n, (const xmlChar *)"href"), *rel;
	rl_buf raw = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	char *text = NULL;
	int error = 0;

	*out = NULL;
	if (href) {
		rel = xmlGetProp(n, (const xmlChar *)"rel");
		if (rel == NULL || strcasecmp((const char *)rel, "alternate") == 0)
			error = rl_xml_resolve(out, (const char *)href, base);
		xmlFree(rel);
		xmlFree(href);
		return error;
	}
	if ((error = raw_text(&raw, n)) == 0 && raw.len > 0 &&
	    (error = trimmed_copy(&text, raw.ptr)) == 0 && text)
		error = rl_xml_resolve(out, text, base);
	free(text);
	rl_buf_release(&raw);
	return error;
}

static int add_entry(rl_item_list *out, const xmlNode *entry, const char *base)
{
	rl_buf buf = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	feed_item fi = { 0 };
	rl_item *item;
	int error = 0;

	for (const xmlNode *c = entry->children; c && error == 0; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((named(c, "guid") || named(c, "id")) && fi.guid == NULL) {
			rl_buf_clear(&buf);
			if ((error = raw_text(&buf, c)) == 0 && buf.len)
				error = trimmed_copy(&fi.guid, buf.ptr);
		} else if (named(c, "link") && fi.link == NULL) {
			error = link_of(&fi.link, c, base);
		} else if (named(c, "title") && fi.title == NULL) {
			rl_buf_clear(&buf);
			if ((error = element_text(&buf, c, 1)) == 0 && buf.len)
				error = trimmed_copy(&fi.title, buf.ptr);
		} else if ((named(c, "encoded") || named(c, "content")) && fi.content == NULL) {
			fi.content = c;
		} else if ((named(c, "description") || named(c, "summary")) && fi.summary == NULL) {
			fi.summary = c;
		}
	}
	rl_buf_clear(&buf);
	if (error == 0 && fi.content)
		error = element_text(&buf, fi.content, 0);
	if (error == 0 && buf.len == 0 && fi.summary)
		error = element_text(&buf, fi.summary, 0);
	if (error < 0)
		goto done;
	if (!fi.guid && !fi.link && !fi.title && buf.len == 0)
		goto done;
	if ((error = rl_item_list_add(&item, out)) < 0)
		goto done;
	item->guid = fi.guid;
	item->link = fi.link;
	item->title = fi.title;
	fi.guid = fi.link = fi.title = NULL;
	if ((item->body = rl_buf_detach(&buf)) == NULL)
		error = RL_ENOMEM;
done:
	free(fi.guid);
	free(fi.link);
	free(fi.title);
	rl_buf_release(&buf);
	return error;
}

int rl_extract_feed(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts)
{
	const char *base = opts ? opts->base_url : NULL;
	size_t n0 = out->n, i = 0;
	const xmlNode *root, *cur;
	xmlDocPtr doc = NULL;
	int error;

	if ((error = rl_extract_check_size(len)) < 0)
		return error;
	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	if (i == len)
		return 0;
	if ((error = rl_xml_feed_parse(&doc, data, len)) < 0)
		return error;
	root = (const xmlNode *)doc;
	cur = root->children;
	while (cur && error == 0) {
		int descend = cur->type == XML_ELEMENT_NODE;
		if (named(cur, "item") || named(cur, "entry")) {
			error = add_entry(out, cur, base);
			descend = 0;
		}
		if (descend && cur->children) {
			cur = cur->children;
			continue;
		}
		while (cur && cur != root && cur->next == NULL)
			cur = cur->parent;
		cur = (cur && cur != root) ? cur->next : NULL;
	}
	xmlFreeDoc(doc);
	if (error < 0)
		rl_extract_rollback(out, n0);
	return error;
}
