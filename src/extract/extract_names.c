/*
 * extract_names.c - what a class or id says of an element: +1 content
 * ("article-body", "story", "content" ...), -1 boilerplate ("comments",
 * "related", "share", "sidebar" ...), 0 neither; for the main block's
 * scoring and the list extractors' boilerplate tests.
 */
#include "article_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* ---- class and id hints ---- */

/* Which two-byte sequences a token holds (bytes folded to their low six
 * bits): a word one of whose pairs is missing is not in the token, and
 * strstr() is left for the few that may be. */
typedef struct pairs {
	uint64_t bits[64];
} pairs;

static void token_pairs(pairs *p, const char *tok)
{
	memset(p, 0, sizeof(*p));
	for (; tok[0] && tok[1]; tok++)
		p->bits[tok[0] & 63] |= 1ull << (tok[1] & 63);
}

static int may_hold(const pairs *p, const char *w)
{
	for (; w[0] && w[1]; w++)
		if (!(p->bits[w[0] & 63] >> (w[1] & 63) & 1))
			return 0;
	return 1;
}

static int token_has(const char *tok, const pairs *p, const char *const *words)
{
	for (const char *const *w = words; *w; w++)
		if (may_hold(p, *w) && strstr(tok, *w))
			return 1;
	return 0;
}

/* A class token such as "has-comments" or "no-sidebar" states a layout, not a role. */
static int is_state_token(const char *tok)
{
	static const char *const pre[] = { "has-", "has_", "no-", "no_", "with-", "without-",
					   "show-", "hide-", "is-", "enable-", "disable-", NULL };
	for (const char *const *p = pre; *p; p++)
		if (tok[0] == (*p)[0] && strncmp(tok, *p, strlen(*p)) == 0)
			return 1;
	return 0;
}

static const char *const negative[] = {
	"comment", "related", "share", "sharing", "social", "newsletter", "promo", "sponsor",
	"recommend", "subscribe", "cookie", "consent", "gdpr", "breadcrumb", "outbrain",
	"taboola", "popup", "modal", "advert", "sidebar", "trending", "mostread", "most-read",
	"most_read", "popular", "footer", "masthead", "navbar", "navigation", "menu",
	"signup", "sign-up", "widget", "byline", "caption", "credit", "disqus",
	"reaction", "rating", "pagination", "pager", "skip", "banner", "toolbar", "tooltip",
	"meistgelesen", "lees-ook", "leesook", "a-lire", "weitere", NULL,
};
static const char *const negative_whole[] = { "ad", "ads", "nav", "tags", "tag", "meta",
					      "share", "print", "author", "date", "hidden", NULL };
static const char *const positive[] = {
	"article-body", "articlebody", "article_body", "article-content", "story", "content",
	"entry", "post", "main", "text", "body", "article", "hentry", "blog", NULL,
};

/* +1 content, -1 boilerplate, 0 neither, for one class or id string. */
static int name_weight(const char *s)
{
	char tok[96];
	int pos = 0, neg = 0;

	while (s && *s) {
		size_t n = 0;
		while (*s && isspace((unsigned char)*s))
			s++;
		while (*s && !isspace((unsigned char)*s)) {
			if (n + 1 < sizeof(tok))
				tok[n++] = (char)tolower((unsigned char)*s);
			s++;
		}
		tok[n] = '\0';
		if (n == 0 || is_state_token(tok))
			continue;
		int whole = 0;
		pairs held;
		for (const char *const *w = negative_whole; *w; w++)
			whole |= tok[0] == (*w)[0] && strcmp(tok, *w) == 0;
		token_pairs(&held, tok);
		if (whole || token_has(tok, &held, negative))
			neg = 1;
		else if (token_has(tok, &held, positive))
			pos = 1;
	}
	return neg ? -1 : pos;
}

/* name_weight() of the class and id strings met last on this thread, by
 * their bytes: a page repeats a few names on every teaser, and each is
 * asked for by several scans.  Direct-mapped; longer names are not kept. */
#define NAME_MEMO 128
#define NAME_MEMO_LEN 56

typedef struct name_memo {
	unsigned char len;      /* the name's length + 1; 0: empty slot */
	signed char weight;
	char name[NAME_MEMO_LEN];
} name_memo;

static _Thread_local name_memo memo[NAME_MEMO];

static int name_weight_memo(const char *s)
{
	uint32_t h = 2166136261u;
	size_t n = 0;
	name_memo *m;

	for (; s[n] && n < NAME_MEMO_LEN; n++)
		h = (h ^ (unsigned char)s[n]) * 16777619u;
	if (n == NAME_MEMO_LEN)
		return name_weight(s);
	m = &memo[h % NAME_MEMO];
	if (m->len == n + 1 && memcmp(m->name, s, n) == 0)
		return m->weight;
	m->weight = (signed char)name_weight(s);
	m->len = (unsigned char)(n + 1);
	memcpy(m->name, s, n);
	return m->weight;
}

int rl_xml_boilerplate_name(const char *s)
{
	return name_weight_memo(s) < 0;
}

int rl_xml_class_weight(const xmlNode *n)
{
	int w = 0;

	for (int i = 0; i < 2; i++) {
		xmlChar *copy;
		const char *v = rl_xml_prop(n, i ? "id" : "class", &copy);
		if (v)
			w += name_weight_memo(v);
		xmlFree(copy);
	}
	return w;
}
