/*
 * extract_article.c - the main text of one article page.
 *
 * Metadata first (extract_meta.c): the title is the JSON-LD headline or
 * og:title (the <h1> when it agrees), the link the canonical URL.  The body
 * is the scored main block (extract_score.c) without the boilerplate inside
 * it (comments, related links, sharing, credits, hidden nodes; a picture's
 * caption stays);
 * when the page declares an articleBody that is much longer than that
 * block, the declared body is taken instead.  Furniture lines
 * ("Advertisement", "Lees ook") are dropped wherever they stand.
 */
#include "redline/extract.h"
#include "redline/error.h"
#include "article_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Lines that are page furniture wherever they stand ("Advertisement" between
 * two paragraphs of the NYT), compared whole and case-insensitively. */
static const char *const furniture[] = {
	"advertisement", "supported by", "advertentie", "anzeige", "werbung", "publicité",
	"publicite", "read more", "lees meer", "lees ook", "weiterlesen", "lire aussi",
	"share", "delen", "teilen", "partager", "share this article", "continue reading",
	"continue reading the main story", "skip to content", "view article", "read article",
	"meer lezen", "mehr lesen", "lire la suite", "lire plus", "read full story", "full story",
	"advert", "iklan", "reklame", "pubblicità", "publicidad", "comments", "reacties",
	"kommentare", "commentaires", "more:", "related:", "like this:", "share this:",
	"don't miss", "lees ook:", "zie ook:", "lesen sie auch:", "mehr zum thema", "lire aussi :",
	"related articles", "related stories", "more stories", "recommended", "aanbevolen",
};

static int is_furniture(const char *line, size_t len)
{
	for (size_t i = 0; i < sizeof(furniture) / sizeof(furniture[0]); i++)
		if (strlen(furniture[i]) == len && strncasecmp(line, furniture[i], len) == 0)
			return 1;
	return 0;
}

/* Removes furniture lines from paragraphs separated by '\n', in place. */
void rl_extract_drop_furniture(rl_buf *body)
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

/* A promo line inside an article, told by its structure rather than its
 * words: a short block that is mostly link ("Lees ook: <a>other story</a>",
 * "RELATED: ...", a row of share links), or a short block with a form
 * control (a newsletter sign-up, a poll). */
#define PROMO_TEXT_MAX 100   /* characters of a line that is all link */
#define PROMPT_TEXT_MAX 200  /* characters of a block around a form control */

static int is_promo_block(const xmlNode *n)
{
	size_t text = 0, link = 0;
	int control = 0, anchor = 0;

	if (!rl_xml_is(n, "p") && !rl_xml_is(n, "div") && !rl_xml_is(n, "section"))
		return 0;
	for (const xmlNode *c = n->children; c; c = rl_xml_next_in(c, n, 1)) {
		if (c->type == XML_ELEMENT_NODE) {
			control |= rl_xml_is(c, "input") || rl_xml_is(c, "button") ||
				   rl_xml_is(c, "select") || rl_xml_is(c, "textarea");
			anchor |= rl_xml_is(c, "a") && xmlHasProp(c, (const xmlChar *)"href");
			continue;
		}
		if (c->type != XML_TEXT_NODE || c->content == NULL)
			continue;
		size_t len = 0;
		int in_link = 0;
		for (const unsigned char *p = c->content; *p; p++)
			len += !isspace(*p) && (*p & 0xC0) != 0x80;
		for (const xmlNode *a = c->parent; a && a != n->parent; a = a->parent)
			in_link |= rl_xml_is(a, "a");
		text += len;
		link += in_link ? len : 0;
		if (text > PROMPT_TEXT_MAX)
			return 0;
	}
	if (control)
		return 1;
	return anchor && text > 0 && text <= PROMO_TEXT_MAX && link * 10 >= text * 6;
}

/* What the article body leaves out: boilerplate by name or tag, and promo
 * lines by structure. */
static int skip_in_body(const xmlNode *n, void *ctx)
{
	return rl_xml_is_boilerplate(n, ctx) || is_promo_block(n);
}

/* The JSON-LD articleBody as paragraphs (it may hold markup). */
static int declared_body(rl_buf *out, const char *text)
{
	htmlDocPtr frag = NULL;
	int error;

	if ((error = rl_xml_html_fragment(&frag, text, strlen(text))) < 0 || frag == NULL)
		return error;
	if (xmlDocGetRootElement(frag))
		error = rl_xml_paras(out, xmlDocGetRootElement(frag), NULL, NULL);
	xmlFreeDoc(frag);
	return error;
}

int rl_article_from_doc(rl_item *out, const xmlDoc *doc, const rl_page_meta *meta,
			const rl_main_block *block, const char *base)
{
	rl_buf body = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	int error = 0;

	memset(out, 0, sizeof(*out));
	if ((error = rl_page_meta_title(&out->title, meta, 0)) < 0 ||
	    (error = rl_page_meta_link(&out->link, meta, base)) < 0)
		goto done;
	if (out->link == NULL && base && (out->link = rl_strdup(base)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	for (size_t i = 0; i < block->n && error == 0; i++)
		error = rl_xml_paras(&body, block->nodes[i], skip_in_body, NULL);
	/* no paragraph long enough to score: a stub page, all of its text */
	if (block->n == 0 && xmlDocGetRootElement(doc))
		error = rl_xml_paras(&body, xmlDocGetRootElement(doc), rl_xml_is_boilerplate, NULL);
	if (error < 0)
		goto done;
	if (meta->ld_body && strlen(meta->ld_body) > 2 * (block->text - block->link_text) + 200) {
		rl_buf_clear(&body);
		if ((error = declared_body(&body, meta->ld_body)) < 0)
			goto done;
	}
	rl_extract_drop_furniture(&body);
	if ((out->body = rl_buf_detach(&body)) == NULL && (out->body = rl_strdup("")) == NULL)
		error = RL_ENOMEM;
done:
	if (error < 0)
		rl_item_clear(out);
	rl_buf_release(&body);
	return error;
}

int rl_extract_article(rl_item *out, const char *data, size_t len, const rl_extract_opts *opts)
{
	rl_page_meta meta;
	rl_main_block block;
	htmlDocPtr doc = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&meta, 0, sizeof(meta));
	memset(&block, 0, sizeof(block));
	if ((error = rl_extract_check_size(len)) < 0)
		return error;
	if ((error = rl_xml_html_parse(&doc, data, len, opts ? opts->charset : NULL)) < 0)
		goto done;
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		out->body = rl_strdup("");
		error = out->body ? 0 : RL_ENOMEM;
		goto done;
	}
	if ((error = rl_page_meta_read(&meta, doc)) < 0 ||
	    (error = rl_main_block_find(&block, doc)) < 0)
		goto done;
	error = rl_article_from_doc(out, doc, &meta, &block, opts ? opts->base_url : NULL);
done:
	rl_main_block_clear(&block);
	rl_page_meta_clear(&meta);
	xmlFreeDoc(doc);
	return error;
}
