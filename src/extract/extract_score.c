/*
 * extract_score.c - which block of a page is its main text.
 *
 * Every paragraph-like unit of text (a <p>, <pre>, <td>, <li>, <blockquote>,
 * or the loose text of any other element: <br>-separated text, a <form>'s
 * content) of 25+ characters scores 1 + its commas + one point per 100
 * characters (at most 3), and gives that score to its parent, half of it to
 * the grandparent and a third, a sixth ... to the ancestors above (as
 * Readability does).  A container starts from its tag (div +5, lists -3,
 * headings -5) and its class/id (+25 for article-body, story, content,
 * entry, post; -25 for comments, related, share, promo ...), and its score
 * is multiplied by 1 - its link density at the end.  The best container
 * wins; its siblings join when they score at least a fifth of it or are
 * plain paragraphs with few links; it is widened to an ancestor that holds
 * nothing else but its pictures (a hero image and caption).  Characters
 * are counted in Latin-letter equivalents (Han and kana 3, Hangul 2), and
 * <br>-separated runs of loose text as paragraphs.  Subtrees whose class/id
 * names boilerplate, hidden ones and noise elements count for nothing; if that
 * leaves almost nothing, the page is scored again without the class rule
 * (pages whose <body> says "has-sidebar").
 *
 * Per-node figures live in one array indexed through node->_private (the
 * text nodes' measures in another), which is ours: the document was parsed
 * for this call alone.
 */
#include "article_internal.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define UNIT_MIN 25
#define PARA_LONG 80
#define FIGURE_TEXT_MAX 400 /* a caption, not a story */

typedef struct stat {
	const xmlNode *node;
	double score;
	size_t text, link;     /* characters in the subtree, and inside links */
	size_t paragraphs;     /* long units in the subtree */
	size_t headlines;      /* linked headings in the subtree */
	unsigned char scored;  /* received a paragraph's score */
	unsigned char excluded;
} stat;

/* A text node's text_measure(), taken once for every pass that asks. */
typedef struct measure {
	const xmlNode *node;
	size_t chars, commas;
} measure;

typedef struct scorer {
	stat *v;
	size_t n;
	measure *t;            /* the text nodes, indexed like the elements */
	size_t nt;
	int use_class;
} scorer;

static int is_hidden(const xmlNode *n)
{
	xmlChar *style;
	int hidden = 0;

	if (xmlHasProp(n, (const xmlChar *)"hidden") || rl_xml_attr_is(n, "aria-hidden", "true"))
		return 1;
	if (rl_xml_prop(n, "style", &style) == NULL)
		return 0;
	/* the copy is ours to change */
	if (style != NULL || (style = xmlGetProp(n, (const xmlChar *)"style")) != NULL) {
		char *s = (char *)style, *w = s;
		for (char *r = s; *r; r++) /* "display: none" -> "display:none" */
			if (!isspace((unsigned char)*r))
				*w++ = (char)tolower((unsigned char)*r);
		*w = '\0';
		hidden = strstr(s, "display:none") || strstr(s, "visibility:hidden");
		xmlFree(style);
	}
	return hidden;
}

/* A <figure> that is a picture of the story (an image and its caption,
 * few links), not a teaser of another page. */
static int is_content_figure(const xmlNode *n)
{
	size_t text = 0, link = 0;
	int img = 0;

	for (const xmlNode *c = n->children; c; c = rl_xml_next_in(c, n, 1)) {
		if (c->type == XML_ELEMENT_NODE)
			img |= rl_xml_is(c, "img") || rl_xml_is(c, "picture") || rl_xml_is(c, "video");
		if (c->type != XML_TEXT_NODE || c->content == NULL)
			continue;
		size_t len = strlen((const char *)c->content);
		int in_link = 0;
		for (const xmlNode *a = c->parent; a && a != n; a = a->parent)
			in_link |= rl_xml_is(a, "a");
		text += len;
		link += in_link ? len : 0;
	}
	return img && link * 2 <= text;
}

int rl_xml_is_boilerplate(const xmlNode *n, void *ctx)
{
	static const char *const names[] = { "header", "h1", "menu",
					     "dialog", "caption", "label", "input", "time", NULL };
	(void)ctx;
	for (const char *const *name = names; *name; name++)
		if (rl_xml_is(n, *name))
			return 1;
	/* a picture's caption is part of the story (its removal is a change);
	 * credits stay out by their class */
	if (rl_xml_is(n, "figure") && !is_content_figure(n))
		return 1;
	if (is_hidden(n) || rl_xml_attr_is(n, "role", "navigation") ||
	    rl_xml_attr_is(n, "role", "complementary") || rl_xml_attr_is(n, "role", "contentinfo") ||
	    rl_xml_attr_is(n, "role", "banner"))
		return 1;
	if (rl_xml_is(n, "body") || rl_xml_is(n, "html") || rl_xml_is(n, "main"))
		return 0;
	return rl_xml_class_weight(n) < 0;
}

/* A region that holds no story: a page header or banner, navigation, a
 * complementary block, hidden, or named as boilerplate. */
static int is_region_boilerplate(const xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE || rl_xml_is(n, "body") || rl_xml_is(n, "html") ||
	    rl_xml_is(n, "main"))
		return 0;
	if (rl_xml_is_noise(n) || rl_xml_is(n, "header") || is_hidden(n) ||
	    rl_xml_attr_is(n, "role", "navigation") || rl_xml_attr_is(n, "role", "complementary") ||
	    rl_xml_attr_is(n, "role", "contentinfo") || rl_xml_attr_is(n, "role", "banner"))
		return 1;
	return rl_xml_class_weight(n) < 0;
}

int rl_xml_skip_region(const xmlNode *n, void *ctx)
{
	(void)ctx;
	return is_region_boilerplate(n);
}

int rl_xml_in_boilerplate(const xmlNode *n, const xmlNode *stop)
{
	for (; n && n != stop && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (is_region_boilerplate(n))
			return 1;
	return 0;
}

/* ---- how much text ---- */

/* The length of a text in Latin-letter equivalents, spaces left out: a Han
 * or kana character carries about what three Latin letters do, a Hangul
 * syllable two, so that a Chinese, Japanese or Korean paragraph meets the
 * same thresholds as its translation would.  *commas counts ',' and the
 * CJK commas (U+FF0C, U+3001). */
/* How many bytes of an ASCII word (eight bytes below 0x80) are marked in
 * `mask` (one high bit per byte). */
static size_t bytes_marked(uint64_t mask)
{
	return (size_t)(((mask >> 7) * 0x0101010101010101ull) >> 56);
}

/* The bytes of an ASCII word equal to `c`, as high bits. */
static uint64_t bytes_equal(uint64_t w, unsigned char c)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
	uint64_t x = w ^ (c * 0x0101010101010101ull);

	return ~(((x & low7) + low7) | x) & ~low7;
}

static size_t text_measure(const unsigned char *s, size_t *commas)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	const unsigned char *end = s + strlen((const char *)s);
	size_t n = 0;

	*commas = 0;
	while (*s) {
		unsigned cp = *s;
		size_t len = 1;
		uint64_t w;
		/* Eight ASCII bytes at a time, as the ASCII case below counts them. */
		if (end - s >= 8 && (memcpy(&w, s, 8), (w & high) == 0)) {
			uint64_t ctrl = ((w + (0x80 - '\t') * ones) ^ (w + (0x80 - '\r' - 1) * ones)) &
					high;
			n += 8 - bytes_marked(ctrl | bytes_equal(w, ' '));
			*commas += bytes_marked(bytes_equal(w, ','));
			s += 8;
			continue;
		}
		if (cp >= 0xE0 && cp < 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
			cp = ((cp & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
			len = 3;
		} else if (cp >= 0x80) {
			/* other multi-byte characters count once, at their lead byte */
			n += (cp & 0xC0) != 0x80;
			s++;
			continue;
		}
		if (len == 1) {
			/* isspace() of an ASCII byte, in any locale */
			n += !(cp == ' ' || (cp >= '\t' && cp <= '\r'));
			*commas += cp == ',';
		} else if (cp == 0xFF0C || cp == 0x3001) {
			n++;
			(*commas)++;
		} else if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
			   (cp >= 0xF900 && cp <= 0xFAFF)) {
			n += 3; /* kana, Han */
		} else if (cp >= 0xAC00 && cp <= 0xD7AF) {
			n += 2; /* Hangul syllables */
		} else {
			n++;
		}
		s += len;
	}
	return n;
}

/* ---- per-node figures ---- */

static stat *st(const scorer *s, const xmlNode *n)
{
	uintptr_t i = (uintptr_t)n->_private;
	return i ? &s->v[i - 1] : NULL;
}

/* The figures of a text node under the scored root. */
static size_t text_of(const scorer *s, const xmlNode *n, size_t *commas)
{
	uintptr_t i = (uintptr_t)n->_private;

	if (i == 0)
		return text_measure(n->content, commas);
	*commas = s->t[i - 1].commas;
	return s->t[i - 1].chars;
}

/* Elements and text nodes numbered through _private (each kind counted
 * from 1 in its own array), the text measured once. */
static int index_nodes(scorer *s, const xmlNode *root)
{
	size_t count = 0, texts = 0;

	for (const xmlNode *c = root; c; c = rl_xml_next_in(c, root, 1)) {
		count += c->type == XML_ELEMENT_NODE;
		texts += c->type == XML_TEXT_NODE && c->content;
	}
	if ((s->v = calloc(count ? count : 1, sizeof(*s->v))) == NULL ||
	    (s->t = calloc(texts ? texts : 1, sizeof(*s->t))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (const xmlNode *c = root; c; c = rl_xml_next_in(c, root, 1))
		if (c->type == XML_ELEMENT_NODE) {
			s->v[s->n].node = c;
			((xmlNode *)c)->_private = (void *)(uintptr_t)++s->n;
		} else if (c->type == XML_TEXT_NODE && c->content) {
			measure *m = &s->t[s->nt];
			m->node = c;
			m->chars = text_measure(c->content, &m->commas);
			((xmlNode *)c)->_private = (void *)(uintptr_t)++s->nt;
		}
	return 0;
}

static void unindex_nodes(scorer *s)
{
	for (size_t i = 0; i < s->n; i++)
		((xmlNode *)s->v[i].node)->_private = NULL;
	for (size_t i = 0; i < s->nt; i++)
		((xmlNode *)s->t[i].node)->_private = NULL;
	free(s->v);
	free(s->t);
	s->v = NULL;
	s->t = NULL;
	s->n = s->nt = 0;
}

static int excluded_here(const scorer *s, const xmlNode *n)
{
	if (rl_xml_is_noise(n) || is_hidden(n))
		return 1;
	if (rl_xml_is(n, "header") || rl_xml_is(n, "figure") || rl_xml_attr_is(n, "role", "navigation") ||
	    rl_xml_attr_is(n, "role", "complementary") || rl_xml_attr_is(n, "role", "contentinfo"))
		return 1;
	if (!s->use_class || rl_xml_is(n, "body") || rl_xml_is(n, "html") || rl_xml_is(n, "main"))
		return 0;
	return rl_xml_class_weight(n) < 0;
}

static int is_heading(const xmlNode *n)
{
	return rl_xml_is(n, "h2") || rl_xml_is(n, "h3") || rl_xml_is(n, "h4");
}

/* A headline link: a heading most of whose text is a link ("History[edit]"
 * is a section heading, not a teaser's headline). */
static int is_linked_heading(const xmlNode *n)
{
	size_t all = 0, linked = 0;

	for (const xmlNode *c = n->children; c; c = rl_xml_next_in(c, n, 1)) {
		if (c->type != XML_TEXT_NODE || c->content == NULL)
			continue;
		size_t len = 0;
		int in_link = 0;
		for (const unsigned char *p = c->content; *p; p++)
			len += !isspace(*p);
		for (const xmlNode *a = c->parent; a && a != n->parent; a = a->parent)
			in_link |= rl_xml_is(a, "a") && xmlHasProp(a, (const xmlChar *)"href");
		all += len;
		linked += in_link ? len : 0;
	}
	return linked > 0 && linked * 2 >= all;
}

/* Marks excluded subtrees and counts text, link text and linked headings
 * into every ancestor. */
static void count_text(scorer *s, const xmlNode *root)
{
	const xmlNode *cur = root;

	while (cur) {
		int descend = 1;
		if (cur->type == XML_ELEMENT_NODE) {
			stat *x = st(s, cur);
			if (x && cur != root && excluded_here(s, cur)) {
				x->excluded = 1;
				descend = 0;
			} else if (is_heading(cur) && is_linked_heading(cur)) {
				for (const xmlNode *a = cur; a && a->type == XML_ELEMENT_NODE; a = a->parent)
					if ((x = st(s, a)) != NULL)
						x->headlines++;
			}
		} else if (cur->type == XML_TEXT_NODE && cur->content) {
			size_t commas, len = text_of(s, cur, &commas), in_link = 0;
			for (const xmlNode *a = cur->parent; a && a->type == XML_ELEMENT_NODE; a = a->parent)
				if (rl_xml_is(a, "a")) {
					in_link = 1;
					break;
				}
			for (const xmlNode *a = cur->parent; a && a->type == XML_ELEMENT_NODE; a = a->parent) {
				stat *x = st(s, a);
				if (x) {
					x->text += len;
					x->link += in_link ? len : 0;
				}
			}
		}
		cur = rl_xml_next_in(cur, root, descend);
	}
}

static int is_unit_tag(const xmlNode *n)
{
	return rl_xml_is(n, "p") || rl_xml_is(n, "pre") || rl_xml_is(n, "blockquote") ||
	       rl_xml_is(n, "li") || rl_xml_is(n, "td") || rl_xml_is(n, "dd");
}

static int is_inline(const xmlNode *n)
{
	static const char *const tags[] = { "a", "b", "i", "u", "em", "strong", "span", "font",
					    "small", "big", "sub", "sup", "abbr", "cite", "q", "mark",
					    "code", "s", "strike", "del", "ins", "tt", "br", "wbr",
					    "time", "var", "kbd", "samp", "dfn", "bdi", "bdo", NULL };
	for (const char *const *t = tags; *t; t++)
		if (rl_xml_is(n, *t))
			return 1;
	return 0;
}

/* Whether a unit tag holds blocks of its own (a <td> with <p>s in it):
 * then its children are the units. */
static int has_unit_inside(const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = rl_xml_next_in(c, n, 1))
		if (c->type == XML_ELEMENT_NODE && c != n &&
		    (is_unit_tag(c) || rl_xml_is(c, "div") || rl_xml_is(c, "table")))
			return 1;
	return 0;
}

/* Characters and commas of the text a unit shows: all of it for a unit
 * tag, the loose (direct and inline) text for any other element.  *longs
 * counts its runs of PARA_LONG+ characters between <br>s: <br>-separated
 * text is several paragraphs, not one. */
static void unit_text(const scorer *s, const xmlNode *n, int loose, size_t *chars, size_t *commas,
		      size_t *longs)
{
	const xmlNode *cur = n->children;
	size_t run = 0;

	*chars = *commas = *longs = 0;
	while (cur) {
		int descend = 0;
		if (cur->type == XML_TEXT_NODE && cur->content) {
			size_t c, len = text_of(s, cur, &c);
			*chars += len;
			*commas += c;
			run += len;
		} else if (cur->type == XML_ELEMENT_NODE) {
			stat *x = st(s, cur);
			descend = !(x && x->excluded) && (!loose || is_inline(cur));
			if (rl_xml_is(cur, "br")) {
				*longs += run >= PARA_LONG;
				run = 0;
			}
		}
		cur = rl_xml_next_in(cur, n, descend);
	}
	*longs += run >= PARA_LONG;
	if (*longs == 0 && *chars >= PARA_LONG)
		*longs = 1;
}

static double tag_weight(const xmlNode *n)
{
	if (rl_xml_is(n, "div") || rl_xml_is(n, "article") || rl_xml_is(n, "section"))
		return 5;
	if (rl_xml_is(n, "pre") || rl_xml_is(n, "td") || rl_xml_is(n, "blockquote"))
		return 3;
	if (rl_xml_is(n, "address") || rl_xml_is(n, "ol") || rl_xml_is(n, "ul") ||
	    rl_xml_is(n, "dl") || rl_xml_is(n, "dd") || rl_xml_is(n, "dt") || rl_xml_is(n, "li"))
		return -3;
	if (rl_xml_is(n, "h1") || rl_xml_is(n, "h2") || rl_xml_is(n, "h3") ||
	    rl_xml_is(n, "h4") || rl_xml_is(n, "h5") || rl_xml_is(n, "h6") || rl_xml_is(n, "th"))
		return -5;
	return 0;
}

static void give(scorer *s, const xmlNode *to, double score, int level)
{
	stat *x = st(s, to);

	if (x == NULL || x->excluded)
		return;
	if (!x->scored) {
		x->scored = 1;
		x->score = tag_weight(to) + (s->use_class ? 25.0 * rl_xml_class_weight(to) : 0);
	}
	x->score += level == 0 ? score : level == 1 ? score / 2 : score / (level * 3);
}

static void score_units(scorer *s, const xmlNode *root)
{
	const xmlNode *cur = root;

	while (cur) {
		int descend = 1;
		if (cur->type == XML_ELEMENT_NODE) {
			stat *x = st(s, cur);
			int tag = is_unit_tag(cur) && !has_unit_inside(cur);
			size_t chars, commas, longs;
			if (x == NULL || x->excluded) {
				cur = rl_xml_next_in(cur, root, 0);
				continue;
			}
			unit_text(s, cur, !tag, &chars, &commas, &longs);
			if (chars >= UNIT_MIN) {
				double sc = 1.0 + (double)commas + (chars / 100 < 3 ? chars / 100 : 3);
				/* a unit tag scores its container; loose text its own element */
				const xmlNode *to = tag ? cur->parent : cur;
				for (int level = 0; to && to->type == XML_ELEMENT_NODE && level < 5;
				     to = to->parent, level++)
					give(s, to, sc, level);
				for (const xmlNode *a = cur; longs && a && a->type == XML_ELEMENT_NODE; a = a->parent)
					if ((x = st(s, a)) != NULL)
						x->paragraphs += longs;
			}
			descend = !tag;
		}
		cur = rl_xml_next_in(cur, root, descend);
	}
}

static double link_density(const stat *x)
{
	return x->text ? (double)x->link / (double)x->text : 0;
}

static stat *best(scorer *s)
{
	stat *top = NULL;

	for (size_t i = 0; i < s->n; i++) {
		stat *x = &s->v[i];
		if (!x->scored || x->excluded)
			continue;
		x->score *= 1.0 - link_density(x);
		if (top == NULL || x->score > top->score)
			top = x;
	}
	return top;
}

static int add_node(rl_main_block *b, const xmlNode *n)
{
	const xmlNode **nv = realloc(b->nodes, (b->n + 1) * sizeof(*nv));

	if (nv == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	b->nodes = nv;
	b->nodes[b->n++] = n;
	return 0;
}

/* Whether a subtree is a content image with at most a caption: an <img>
 * that is not a link, little text and few links, no boilerplate name. */
static int is_figure_block(const scorer *s, const xmlNode *n)
{
	const stat *x = st(s, n);
	int img = 0;

	if (x == NULL || is_hidden(n) || rl_xml_is_noise(n) || rl_xml_class_weight(n) < 0)
		return 0;
	for (const xmlNode *c = n; c && !img; c = rl_xml_next_in(c, n, 1)) {
		if (!rl_xml_is(c, "img") || !xmlHasProp(c, (const xmlChar *)"src"))
			continue;
		img = 1;
		for (const xmlNode *a = c->parent; a && a != n->parent; a = a->parent)
			img &= !rl_xml_is(a, "a");
	}
	return img && x->text <= FIGURE_TEXT_MAX && x->link * 2 <= x->text;
}

/* Whether every child of `parent` but `keep` is empty or a content image:
 * the main text's own picture and caption (a page's hero image above its
 * body field), part of the story.  *figures counts the images. */
static int only_figures_beside(const scorer *s, const xmlNode *parent, const xmlNode *keep,
			       int *figures)
{
	*figures = 0;
	for (const xmlNode *c = parent->children; c; c = c->next) {
		const stat *x;
		if (c == keep || c->type != XML_ELEMENT_NODE || (x = st(s, c)) == NULL)
			continue;
		if (is_figure_block(s, c))
			(*figures)++;
		else if (!x->excluded && x->text > 0)
			return 0;
	}
	return 1;
}

/* The winner, widened to the ancestor that holds nothing else but its
 * pictures (a few levels up at most, and never to <body>). */
static const stat *with_figures(const scorer *s, const stat *top)
{
	const xmlNode *n = top->node;
	const stat *wide = top;

	for (int level = 0; level < 4 && n->parent && n->parent->type == XML_ELEMENT_NODE; level++) {
		const xmlNode *p = n->parent;
		const stat *px = st(s, p);
		int figures;
		if (px == NULL || px->excluded || rl_xml_is(p, "body") || rl_xml_is(p, "html") ||
		    !only_figures_beside(s, p, n, &figures))
			break;
		if (figures > 0)
			wide = px;
		n = p;
	}
	return wide;
}

/* The winner and the siblings that belong with it, in page order. */
static int join_siblings(rl_main_block *b, scorer *s, const stat *top)
{
	double threshold = top->score * 0.2 > 10 ? top->score * 0.2 : 10;
	const xmlNode *parent = top->node->parent;
	int error;

	if (parent == NULL || parent->type != XML_ELEMENT_NODE)
		return add_node(b, top->node);
	for (const xmlNode *c = parent->children; c; c = c->next) {
		const stat *x = c->type == XML_ELEMENT_NODE ? st(s, c) : NULL;
		int join = c == top->node;
		if (x == NULL || x->excluded)
			continue;
		if (!join && x->scored && x->score >= threshold)
			join = 1;
		if (!join && rl_xml_is(c, "p") && x->text >= PARA_LONG && link_density(x) < 0.25)
			join = 1;
		if (join && (error = add_node(b, c)) < 0)
			return error;
	}
	return 0;
}

static int run(rl_main_block *out, scorer *s, const xmlNode *body)
{
	const stat *top, *root;
	int error;

	for (size_t i = 0; i < s->n; i++) {
		stat *x = &s->v[i];
		x->score = 0;
		x->text = x->link = x->paragraphs = x->headlines = 0;
		x->scored = x->excluded = 0;
	}
	count_text(s, body);
	score_units(s, body);
	if ((top = best(s)) == NULL)
		return 0;
	top = with_figures(s, top);
	if ((error = join_siblings(out, s, top)) < 0)
		return error;
	root = st(s, body);
	out->page_text = root ? root->text : 0;
	for (size_t i = 0; i < out->n; i++) {
		const stat *x = st(s, out->nodes[i]);
		out->text += x->text;
		out->link_text += x->link;
		out->paragraphs += x->paragraphs;
		out->headlines += x->headlines;
	}
	return 0;
}

void rl_main_block_clear(rl_main_block *b)
{
	free(b->nodes);
	memset(b, 0, sizeof(*b));
}

int rl_main_block_find(rl_main_block *out, const xmlDoc *doc)
{
	scorer s = { .use_class = 1 };
	const xmlNode *body = xmlDocGetRootElement(doc), *c;
	int error;

	memset(out, 0, sizeof(*out));
	if (body == NULL)
		return 0;
	for (c = body->children; c && !rl_xml_is(c, "body"); c = c->next)
		;
	if (c)
		body = c;
	if ((error = index_nodes(&s, body)) < 0)
		goto done;
	if ((error = run(out, &s, body)) < 0)
		goto done;
	/* Class names ruled out nearly everything: score by text alone. */
	if (out->text - out->link_text < 250) {
		rl_main_block_clear(out);
		s.use_class = 0;
		error = run(out, &s, body);
	}
done:
	unindex_nodes(&s);
	if (error < 0)
		rl_main_block_clear(out);
	return error;
}
