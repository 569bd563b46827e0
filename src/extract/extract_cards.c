/*
 * extract_cards.c - a list page by its structure: repeated sibling blocks
 * ("cards") that each carry one headline link.
 *
 * Siblings are the same kind of block when they share a tag and a first
 * class ("field-item odd" and "field-item even" are one kind).  A group of
 * three or more such siblings, each holding exactly one headline link (an
 * <a href> whose text has 20+ bytes and a space, outside boilerplate), is a
 * list of stories; the outermost such group wins over the ones nested in
 * it, so that a card keeps the teaser text around its link.  Each card is
 * an item keyed on its link: title = the heading that holds the link, else
 * the link's text; body = the card's other text without bylines, dates,
 * kickers, counters and captions.  Groups inside page headers, navigation,
 * "most read" and other boilerplate regions are not stories.
 */
#include "article_internal.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MIN_CARDS 3
#define HEADLINE_MIN 20

/* The headline link of `a`, when it is one. */
static int is_headline_link(const xmlNode *a)
{
	char *text = NULL;
	int yes;

	if (!rl_xml_is(a, "a") || !xmlHasProp(a, (const xmlChar *)"href"))
		return 0;
	if (rl_xml_line(&text, a) < 0) {
		rl_error_clear();
		return 0;
	}
	yes = text && strlen(text) >= HEADLINE_MIN && strchr(text, ' ');
	free(text);
	return yes;
}

/* Headline links below `card` whose href differ; the first in *first. */
static int headline_links(const xmlNode *card, const xmlNode **first)
{
	xmlChar *href0 = NULL;
	int n = 0;

	*first = NULL;
	for (const xmlNode *c = card; c; c = rl_xml_next_in(c, card, 1)) {
		if (c->type != XML_ELEMENT_NODE || !is_headline_link(c) ||
		    rl_xml_in_boilerplate(c, card))
			continue;
		xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
		if (n == 0) {
			*first = c;
			href0 = href;
			n = 1;
			continue;
		}
		if (href && href0 && strcmp((const char *)href, (const char *)href0) != 0)
			n++;
		xmlFree(href);
		if (n > 1)
			break;
	}
	xmlFree(href0);
	return n;
}

/* Tag and first class token: the kind of block. */
static void kind_of(char *out, size_t size, const xmlNode *n)
{
	xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
	const char *c = cls ? (const char *)cls : "";
	size_t k;

	c += strspn(c, " \t\r\n");
	k = strcspn(c, " \t\r\n");
	snprintf(out, size, "%s.%.*s", (const char *)n->name, (int)(k < 64 ? k : 64), c);
	xmlFree(cls);
}

static int is_card_noise(const xmlNode *n, void *ctx)
{
	static const char *const words[] = { "byline", "author", "date", "time", "meta", "kicker",
					     "label", "counter", "count", "comment", "caption",
					     "credit", "tag", "category", "dateline", NULL };
	xmlChar *cls;
	int bad = 0;

	if (n == ctx || rl_xml_is(n, "time") || rl_xml_is(n, "figcaption") ||
	    rl_xml_skip_region(n, NULL))
		return 1;
	if ((cls = xmlGetProp(n, (const xmlChar *)"class")) != NULL) {
		for (const char *const *w = words; *w && !bad; w++)
			bad = strcasestr((const char *)cls, *w) != NULL;
		xmlFree(cls);
	}
	return bad;
}

static int is_heading(const xmlNode *n)
{
	return rl_xml_is(n, "h1") || rl_xml_is(n, "h2") || rl_xml_is(n, "h3") ||
	       rl_xml_is(n, "h4") || rl_xml_is(n, "h5") || rl_xml_is(n, "h6");
}

static int add_card(rl_item_list *out, const xmlNode *card, const xmlNode *a, const char *base)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	const xmlNode *title = a;
	char *href = NULL;
	rl_item *it;
	int error;

	for (const xmlNode *p = a->parent; p && p != card->parent; p = p->parent)
		if (is_heading(p)) {
			title = p;
			break;
		}
	if ((error = rl_item_list_add(&it, out)) < 0)
		return error;
	if ((error = rl_xml_line(&it->title, title)) < 0 || (error = rl_xml_attr(&href, a, "href")) < 0 ||
	    (error = rl_xml_resolve(&it->link, href, base)) < 0 ||
	    (error = rl_xml_paras(&body, card, is_card_noise, (void *)title)) < 0)
		goto done;
	rl_extract_drop_furniture(&body);
	if ((it->body = rl_buf_detach(&body)) == NULL && (it->body = rl_strdup("")) == NULL)
		error = RL_ENOMEM;
done:
	free(href);
	rl_buf_release(&body);
	return error;
}

/* Whether `n` lies inside a card already taken. */
static int taken(const xmlNode *n, const xmlNode *const *cards, size_t k)
{
	for (const xmlNode *p = n; p; p = p->parent)
		for (size_t i = 0; i < k; i++)
			if (cards[i] == p)
				return 1;
	return 0;
}

int rl_extract_cards(rl_item_list *out, const xmlDoc *doc, const char *base, int *found)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *cur;
	const xmlNode **cards = NULL;
	size_t n_cards = 0, n0 = out->n;
	int error = 0;

	*found = 0;
	if (root == NULL)
		return 0;
	/* pre-order: an outer group is met before the groups nested in it */
	for (cur = root; cur && error == 0; cur = rl_xml_next_in(cur, root, 1)) {
		char kind[160], other[160];
		size_t same = 0;

		if (cur->type != XML_ELEMENT_NODE || rl_xml_is_noise(cur) || taken(cur, cards, n_cards) ||
		    rl_xml_in_boilerplate(cur, NULL))
			continue;
		/* only the first of its kind among its siblings starts a group */
		kind_of(kind, sizeof(kind), cur);
		int earlier = 0;
		for (const xmlNode *s = cur->prev; s && !earlier; s = s->prev)
			if (s->type == XML_ELEMENT_NODE) {
				kind_of(other, sizeof(other), s);
				earlier = strcmp(kind, other) == 0;
			}
		if (earlier)
			continue;
		for (const xmlNode *s = cur; s; s = s->next) {
			const xmlNode *a;
			if (s->type != XML_ELEMENT_NODE)
				continue;
			kind_of(other, sizeof(other), s);
			if (strcmp(kind, other) == 0 && headline_links(s, &a) == 1)
				same++;
		}
		if (same < MIN_CARDS)
			continue;
		for (const xmlNode *s = cur; s && error == 0; s = s->next) {
			const xmlNode *a, **nv;
			if (s->type != XML_ELEMENT_NODE)
				continue;
			kind_of(other, sizeof(other), s);
			if (strcmp(kind, other) != 0 || headline_links(s, &a) != 1)
				continue;
			if ((nv = realloc(cards, (n_cards + 1) * sizeof(*nv))) == NULL) {
				error = rl_error_set(RL_ENOMEM, "out of memory");
				break;
			}
			cards = nv;
			cards[n_cards++] = s;
			error = add_card(out, s, a, base);
		}
	}
	if (error < 0)
		rl_extract_rollback(out, n0);
	else
		*found = out->n > n0;
	free(cards);
	return error;
}
