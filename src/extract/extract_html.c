/*
 * extract_html.c - items from an HTML page (an article list).
 *
 * With per-source selectors, select_item picks one node per story and the
 * other selectors run relative to it.  Without them: every outermost
 * <article>; else every h2/h3 holding a link, with the <p>s that follow it;
 * else the whole page as one item.  Text inside script, style, nav, footer,
 * aside, form, iframe (rl_xml_is_noise) never counts.  Links are made
 * absolute against <base href> or opts->base_url; javascript: and "#" links
 * are skipped.  Items with neither title nor text are left out.
 */
#include "redline/extract.h"
#include "redline/error.h"
#include "article_internal.h"

#include <libxml/xpathInternals.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sel {
	xmlXPathCompExprPtr item, title, link, body;
} sel;

typedef struct page {
	xmlDocPtr doc;
	const char *base;
	rl_item_list *out;
} page;

static int compile(xmlXPathCompExprPtr *out, const char *name, const char *expr)
{
	rl_xml_quiet q;

	*out = NULL;
	if (expr == NULL || *expr == '\0')
		return 0;
	rl_xml_quiet_begin(&q);
	*out = xmlXPathCompile((const xmlChar *)expr);
	rl_xml_quiet_end(&q);
	if (*out == NULL)
		return rl_error_set(RL_EINVAL, "invalid selector %s '%s'", name, expr);
	return 0;
}

static void sel_free(sel *s)
{
	xmlXPathFreeCompExpr(s->item);
	xmlXPathFreeCompExpr(s->title);
	xmlXPathFreeCompExpr(s->link);
	xmlXPathFreeCompExpr(s->body);
}

static int is_heading(const xmlNode *n)
{
	return rl_xml_is(n, "h1") || rl_xml_is(n, "h2") || rl_xml_is(n, "h3") ||
	       rl_xml_is(n, "h4") || rl_xml_is(n, "h5") || rl_xml_is(n, "h6");
}


/* First element below `root` (outside noise) matching `want`. */
static const xmlNode *find_first(const xmlNode *root, int (*want)(const xmlNode *))
{
	const xmlNode *cur = root->children;

	while (cur) {
		int noise = cur->type == XML_ELEMENT_NODE && rl_xml_is_noise(cur);
		if (!noise && cur->type == XML_ELEMENT_NODE && want(cur))
			return cur;
		cur = rl_xml_next_in(cur, root, !noise);
	}
	return NULL;
}

static int is_early_heading(const xmlNode *n)
{
	return rl_xml_is(n, "h1") || rl_xml_is(n, "h2") || rl_xml_is(n, "h3") || rl_xml_is(n, "h4");
}

/* The first usable link below `root`, resolved. */
static int first_link(char **out, const xmlNode *root, const char *base)
{
	const xmlNode *cur = root->type == XML_ELEMENT_NODE && rl_xml_is(root, "a") ? root : root->children;
	int error;

	*out = NULL;
	while (cur) {
		int noise = cur->type == XML_ELEMENT_NODE && rl_xml_is_noise(cur);
		if (!noise && rl_xml_is(cur, "a") && !rl_xml_in_boilerplate(cur, root)) {
			char *href;
			if ((error = rl_xml_attr(&href, cur, "href")) < 0)
				return error;
			error = rl_xml_resolve(out, href, base);
			free(href);
			if (error < 0 || *out)
				return error;
		}
		if (cur == root)
			break;
		cur = rl_xml_next_in(cur, root, !noise);
	}
	return 0;
}

static int skip_node(const xmlNode *node, void *ctx)
{
	return node == (const xmlNode *)ctx;
}

/* Body by default: the <p>s of the item, or all its text but the title. */
static int default_body(rl_buf *body, const xmlNode *item, const xmlNode *title)
{
	const xmlNode *cur = item->children;
	int error, found = 0;

	while (cur) {
		int noise = cur->type == XML_ELEMENT_NODE && rl_xml_is_noise(cur);
		if (!noise && rl_xml_is(cur, "p")) {
			if ((error = rl_xml_paras(body, cur, NULL, NULL)) < 0)
				return error;
			found = 1;
			cur = rl_xml_next_in(cur, item, 0);
			continue;
		}
		cur = rl_xml_next_in(cur, item, !noise);
	}
	if (found)
		return 0;
	return rl_xml_paras(body, item, skip_node, (void *)title);
}

/* Text of an XPath result: a node's line or @attribute, or a string value. */
static int result_text(char **out, xmlXPathObjectPtr obj, int href, const char *base)
{
	xmlNodePtr n;
	char *raw = NULL;
	int error = 0;

	*out = NULL;
	if (obj == NULL)
		return 0;
	if (obj->type == XPATH_STRING || obj->type == XPATH_NUMBER || obj->type == XPATH_BOOLEAN) {
		xmlChar *s = xmlXPathCastToString(obj);
		raw = rl_strdup(s ? (const char *)s : "");
		xmlFree(s);
		if (raw == NULL)
			return RL_ENOMEM;
	} else if (obj->type == XPATH_NODESET && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
		n = obj->nodesetval->nodeTab[0];
		if (href && n->type == XML_ELEMENT_NODE) {
			if ((error = rl_xml_attr(&raw, n, "href")) < 0)
				return error;
		}
		if (raw == NULL && (error = rl_xml_line(&raw, n)) < 0)
			return error;
	}
	if (href && raw) {
		error = rl_xml_resolve(out, raw, base);
		free(raw);
		return error;
	}
	if (raw && raw[0] == '\0') {
		free(raw);
		raw = NULL;
	}
	*out = raw;
	return 0;
}

static int add_item(page *pg, char **title, char **link, rl_buf *body)
{
	rl_item *item;
	int error;

	if (*title == NULL && body->len == 0) {
		free(*link);
		*link = NULL;
		return 0;
	}
	if ((error = rl_item_list_add(&item, pg->out)) < 0)
		return error;
	item->title = *title;
	item->link = *link;
	*title = *link = NULL;
	if ((item->body = rl_buf_detach(body)) == NULL)
		return RL_ENOMEM;
	return 0;
}

/* The end of one item of a scan (from_articles, from_headlines): added
 * unless an earlier step failed, its parts freed either way, so that the
 * scan has nothing left to free when it stops. */
static int emit(page *pg, char **title, char **link, rl_buf *body, int error)
{
	if (error == 0)
		error = add_item(pg, title, link, body);
	free(*title);
	free(*link);
	*title = *link = NULL;
	rl_buf_release(body);
	return error;
}

static int from_selectors(page *pg, const sel *s)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	xmlXPathObjectPtr items = rl_xml_eval(s->item, pg->doc, NULL), r = NULL;
	char *title = NULL, *link = NULL;
	int error = 0;

	for (int i = 0; items && items->type == XPATH_NODESET && i < items->nodesetval->nodeNr; i++) {
		xmlNodePtr node = items->nodesetval->nodeTab[i];
		const xmlNode *tnode = NULL;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (s->title) {
			r = rl_xml_eval(s->title, pg->doc, node);
			error = result_text(&title, r, 0, NULL);
			if (r && r->type == XPATH_NODESET && r->nodesetval->nodeTab[0]->type == XML_ELEMENT_NODE)
				tnode = r->nodesetval->nodeTab[0]; /* kept out of the default body */
		} else if ((tnode = find_first(node, is_early_heading)) != NULL)
			error = rl_xml_line(&title, tnode);
		xmlXPathFreeObject(r);
		r = NULL;
		if (error < 0)
			break;
		if (s->link) {
			r = rl_xml_eval(s->link, pg->doc, node);
			error = result_text(&link, r, 1, pg->base);
			xmlXPathFreeObject(r);
			r = NULL;
		} else if ((tnode == NULL || (error = first_link(&link, tnode, pg->base)) == 0) && link == NULL)
			error = first_link(&link, node, pg->base);
		if (error < 0)
			break;
		if (s->body) {
			r = rl_xml_eval(s->body, pg->doc, node);
			if (r && r->type == XPATH_NODESET) {
				for (int j = 0; j < r->nodesetval->nodeNr && error == 0; j++) {
					error = rl_xml_paras(&body, r->nodesetval->nodeTab[j], NULL, NULL);
				}
			} else if (r) {
				char *t = NULL;
				if ((error = result_text(&t, r, 0, NULL)) == 0 && t)
					error = rl_buf_puts(&body, t);
				free(t);
			}
			xmlXPathFreeObject(r);
			r = NULL;
		} else
			error = default_body(&body, node, tnode);
		if (error < 0 || (error = add_item(pg, &title, &link, &body)) < 0)
			break;
		rl_buf_clear(&body);
	}
	free(title);
	free(link);
	rl_buf_release(&body);
	xmlXPathFreeObject(items);
	return error;
}

static int is_outer_article(const xmlNode *n)
{
	if (!rl_xml_is(n, "article"))
		return 0;
	for (const xmlNode *p = n->parent; p; p = p->parent)
		if (rl_xml_is(p, "article"))
			return 0;
	return 1;
}

/* An <article> without a heading of its own whose parent holds its
 * heading and no other <article> (a card: header, article, action links):
 * the card is the story.  Returns the card (`art` when there is none) and
 * its heading in *tnode. */
static const xmlNode *heading_card(const xmlNode *art, const xmlNode **tnode)
{
	const xmlNode *p = art->parent;

	*tnode = NULL;
	if (p == NULL || p->type != XML_ELEMENT_NODE || rl_xml_is(p, "body") || rl_xml_is(p, "html"))
		return art;
	for (const xmlNode *c = p->children; c; c = c->next) {
		if (c == art)
			break;
		if (c->type != XML_ELEMENT_NODE || rl_xml_is_noise(c))
			continue;
		if (rl_xml_is(c, "article") || find_first(c, is_outer_article))
			return art;
		if (*tnode == NULL)
			*tnode = is_early_heading(c) ? c : find_first(c, is_early_heading);
	}
	for (const xmlNode *c = art->next; c; c = c->next)
		if (rl_xml_is(c, "article") || (c->type == XML_ELEMENT_NODE && find_first(c, is_outer_article)))
			return art;
	return *tnode ? p : art;
}

/* Whether a block's whole text is one link (a card's "View this Dataset"). */
static int is_link_block(const xmlNode *n)
{
	const xmlNode *a = NULL;

	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content) {
			for (const xmlChar *p = c->content; *p; p++)
				if (!isspace(*p))
					return 0;
		} else if (c->type == XML_ELEMENT_NODE) {
			if (a || !rl_xml_is(c, "a") || !xmlHasProp(c, (const xmlChar *)"href"))
				return 0;
			a = c;
		}
	}
	return a != NULL;
}

/* The lines of a card outside its <article> that are links of their own
 * (a download, a dataset, a document): part of what the card offers, so
 * their coming and going is a change of the story. */
static int link_lines(rl_buf *body, const xmlNode *card, const xmlNode *art)
{
	int error = 0;

	for (const xmlNode *c = card->children; c && error == 0; c = rl_xml_next_in(c, card, 1)) {
		if (c == art) {
			if ((c = rl_xml_next_in(c, card, 0)) == NULL)
				break;
		}
		if (c->type == XML_ELEMENT_NODE && !rl_xml_is_noise(c) && !rl_xml_is(c, "a") &&
		    is_link_block(c) && !rl_xml_in_boilerplate(c, card))
			error = rl_xml_paras(body, c, NULL, NULL);
	}
	return error;
}

static int from_articles(page *pg, int *found)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	const xmlNode *root = (const xmlNode *)pg->doc, *cur = root->children;
	char *title = NULL, *link = NULL;
	int error = 0;

	*found = 0;
	while (cur && error == 0) {
		int noise = cur->type == XML_ELEMENT_NODE && rl_xml_is_noise(cur);
		if (!noise && is_outer_article(cur) && !rl_xml_in_boilerplate(cur, NULL)) {
			const xmlNode *tnode = find_first(cur, is_early_heading);
			const xmlNode *card = tnode ? cur : heading_card(cur, &tnode);
			*found = 1;
			if (tnode && (error = rl_xml_line(&title, tnode)) == 0)
				error = first_link(&link, tnode, pg->base);
			if (error == 0 && link == NULL)
				error = first_link(&link, cur, pg->base);
			if (error == 0)
				error = default_body(&body, cur, tnode);
			if (error == 0 && card != cur)
				error = link_lines(&body, card, cur);
			error = emit(pg, &title, &link, &body, error);
			cur = rl_xml_next_in(cur, root, 0);
			continue;
		}
		cur = rl_xml_next_in(cur, root, !noise);
	}
	return error;
}

static int is_linked_heading(const xmlNode *n)
{
	const xmlNode *cur;

	if (!rl_xml_is(n, "h2") && !rl_xml_is(n, "h3"))
		return 0;
	for (cur = n->children; cur; cur = rl_xml_next_in(cur, n, 1))
		if (rl_xml_is(cur, "a") && xmlHasProp(cur, (const xmlChar *)"href"))
			return 1;
	return 0;
}

static int from_headlines(page *pg, int *found)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	const xmlNode *root = (const xmlNode *)pg->doc, *cur = root->children;
	char *title = NULL, *link = NULL;
	int error = 0, count = 0;

	/* One linked heading does not make a list. */
	*found = 0;
	for (const xmlNode *h = root->children; h && count < 2; ) {
		int noise = h->type == XML_ELEMENT_NODE && rl_xml_is_noise(h);
		count += !noise && is_linked_heading(h) && !rl_xml_in_boilerplate(h, NULL);
		h = rl_xml_next_in(h, root, !noise);
	}
	if (count < 2)
		return 0;
	while (cur && error == 0) {
		int noise = cur->type == XML_ELEMENT_NODE && rl_xml_is_noise(cur);
		if (!noise && is_linked_heading(cur) && !rl_xml_in_boilerplate(cur, NULL)) {
			*found = 1;
			if ((error = rl_xml_line(&title, cur)) == 0)
				error = first_link(&link, cur, pg->base);
			for (const xmlNode *sib = cur->next; sib && error == 0; sib = sib->next) {
				if (is_heading(sib) || find_first(sib, is_heading))
					break;
				if (rl_xml_is(sib, "p"))
					error = rl_xml_paras(&body, sib, NULL, NULL);
			}
			error = emit(pg, &title, &link, &body, error);
			cur = rl_xml_next_in(cur, root, 0);
			continue;
		}
		cur = rl_xml_next_in(cur, root, !noise);
	}
	return error;
}

/* The page as one item: its declared title and link, and the text of its
 * body without page headers, navigation, share bars and hidden blocks. */
static int from_page(page *pg, const rl_page_meta *meta)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	const xmlNode *root = xmlDocGetRootElement(pg->doc);
	char *title = NULL, *link = NULL;
	int error = 0;

	if (root == NULL)
		return 0;
	if ((error = rl_page_meta_title(&title, meta, 1)) < 0 ||
	    (error = rl_page_meta_link(&link, meta, pg->base)) < 0)
		goto done;
	if (link == NULL && pg->base && (link = rl_strdup(pg->base)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	if ((error = rl_xml_paras(&body, root, rl_xml_skip_region, NULL)) == 0 &&
	    (error = add_item(pg, &title, &link, &body)) == 0 && pg->out->n > 0)
		pg->out->v[pg->out->n - 1].page = 1;
done:
	free(title);
	free(link);
	rl_buf_release(&body);
	return error;
}

/* Below this, the "article" is more likely a stub page whose every line
 * (lists included) matters than a story with boilerplate around it. */
#define ARTICLE_MIN_BODY 400

/* The page as one article (metadata and main block); *found 0 when its
 * body is too short to be one, and the list is left as it was. */
static int from_article_page(page *pg, const rl_page_meta *meta, const rl_main_block *block,
			     size_t min_body, int *found)
{
	rl_item article;
	rl_item *it;
	int error;

	*found = 0;
	if ((error = rl_article_from_doc(&article, pg->doc, meta, block, pg->base)) < 0)
		return error;
	if (article.body == NULL || strlen(article.body) < min_body)
		goto done;
	if ((error = rl_item_list_add(&it, pg->out)) < 0)
		goto done;
	*it = article;
	it->page = 1;
	memset(&article, 0, sizeof(article));
	*found = 1;
done:
	rl_item_clear(&article);
	return error;
}

/* Whether the page, by its structure alone, tells one story: a main block
 * of several real paragraphs holding most of the page's text, with no
 * more than one linked headline or <article> in it. */
static int one_dominant_block(const rl_main_block *b, size_t articles_in_block)
{
	size_t own = b->text - b->link_text;

	return b->n > 0 && (b->headlines < 2 || b->paragraphs >= 4 * b->headlines) &&
	       articles_in_block < 2 && b->paragraphs >= 3 &&
	       own >= ARTICLE_MIN_BODY && own * 10 >= b->page_text * 4 &&
	       b->link_text * 3 < b->text;
}

static size_t outer_articles_in(const rl_main_block *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++) {
		const xmlNode *root = b->nodes[i];
		for (const xmlNode *c = root; c; c = rl_xml_next_in(c, root, 1))
			if (is_outer_article(c)) {
				n++;
				c = rl_xml_next_in(c, root, 0);
				if (c == NULL)
					break;
			}
	}
	return n;
}

static int is_base(const xmlNode *n)
{
	return rl_xml_is(n, "base") && xmlHasProp(n, (const xmlChar *)"href");
}

int rl_extract_html(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts)
{
	static const rl_extract_opts none = { 0 };
	sel s = { 0 };
	page pg = { NULL, NULL, out };
	size_t n0 = out->n;
	char *base_href = NULL, *base = NULL;
	const xmlNode *b;
	rl_page_meta meta = { 0 };
	rl_main_block block = { 0 };
	int error, found = 0;

	if (opts == NULL)
		opts = &none;
	if ((error = rl_extract_check_size(len)) < 0)
		return error;
	if ((error = compile(&s.item, "select_item", opts->select_item)) < 0 ||
	    (error = compile(&s.title, "select_title", opts->select_title)) < 0 ||
	    (error = compile(&s.link, "select_link", opts->select_link)) < 0 ||
	    (error = compile(&s.body, "select_body", opts->select_body)) < 0)
		goto done;
	if ((error = rl_xml_html_parse(&pg.doc, data, len, opts->charset)) < 0 || pg.doc == NULL)
		goto done;
	pg.base = opts->base_url;
	for (b = (const xmlNode *)pg.doc; b && !is_base(b); b = rl_xml_next_in(b, (const xmlNode *)pg.doc, 1))
		;
	if (b != NULL) {
		if ((error = rl_xml_attr(&base_href, b, "href")) < 0 ||
		    (error = rl_xml_resolve(&base, base_href, opts->base_url)) < 0)
			goto done;
		if (base)
			pg.base = base;
	}
	if (s.item) {
		error = from_selectors(&pg, &s);
		goto done;
	}
	if ((error = rl_page_meta_read(&meta, pg.doc)) < 0 ||
	    (error = rl_main_block_find(&block, pg.doc)) < 0)
		goto done;
	/* One story by declaration (og:type article, a JSON-LD Article) or by
	 * structure: the page is an article page, whatever teasers, reader
	 * comments or related links stand around the story. */
	if (rl_page_meta_is_article(&meta) && !meta.ld_listing) {
		if ((error = from_article_page(&pg, &meta, &block, 1, &found)) < 0 || found)
			goto done;
	}
	if (one_dominant_block(&block, outer_articles_in(&block))) {
		if ((error = from_article_page(&pg, &meta, &block, 1, &found)) < 0 || found)
			goto done;
	}
	if ((error = from_articles(&pg, &found)) < 0)
		goto done;
	if (found && out->n - n0 == 1) {
		/* One <article> on the page: an article page, not a list. */
		rl_extract_rollback(out, n0);
		if ((error = from_article_page(&pg, &meta, &block, ARTICLE_MIN_BODY, &found)) < 0 ||
		    found)
			goto done;
		error = from_articles(&pg, &found);
		goto done;
	}
	if (found)
		goto done;
	if ((error = rl_extract_cards(out, pg.doc, pg.base, &found)) < 0 || found)
		goto done;
	if ((error = from_headlines(&pg, &found)) < 0 || found)
		goto done;
	/* No list of stories: a single article page.  Its main text, without
	 * navigation, ads and related links; the whole page only when no main
	 * block is found. */
	if ((error = from_article_page(&pg, &meta, &block, ARTICLE_MIN_BODY, &found)) < 0 || found)
		goto done;
	error = from_page(&pg, &meta);
done:
	if (error < 0)
		rl_extract_rollback(out, n0);
	free(base_href);
	free(base);
	rl_main_block_clear(&block);
	rl_page_meta_clear(&meta);
	xmlFreeDoc(pg.doc);
	sel_free(&s);
	return error;
}
