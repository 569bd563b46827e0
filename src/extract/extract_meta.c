/*
 * extract_meta.c - what a page declares about itself, read before any
 * guessing: JSON-LD (schema.org Article types, found at any depth, in
 * @graph or as a mainEntity), OpenGraph, <link rel=canonical>, <title> and
 * the first <h1>.  Publishers fill these for search engines and social
 * sites, so they are usually right where layout heuristics are not
 * (trafilatura and readability both read them first).
 *
 * Bounds: at most MAX_LD scripts of MAX_LD_BYTES each are parsed (jansson),
 * and the JSON tree is walked no deeper than MAX_LD_DEPTH.
 */
#include "article_internal.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LD 16
#define MAX_LD_BYTES (1024u * 1024)
#define MAX_LD_DEPTH 8

void rl_page_meta_clear(rl_page_meta *m)
{
	char **all[] = { &m->ld_type, &m->ld_headline, &m->ld_url, &m->ld_body, &m->ld_date,
			 &m->ld_modified, &m->ld_author, &m->og_type, &m->og_title, &m->og_url,
			 &m->canonical, &m->title, &m->h1 };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
	m->ld_listing = 0;
}

/* schema.org types whose object is one story.  Subtypes of Article end in
 * "Article" (NewsArticle, ReportageNewsArticle, OpinionNewsArticle, ...). */
static int is_article_type(const char *t)
{
	static const char *const other[] = { "BlogPosting", "LiveBlogPosting", "Report",
					     "SocialMediaPosting", "Recipe", NULL };
	size_t n = strlen(t);

	if (strncmp(t, "http://schema.org/", 18) == 0 || strncmp(t, "https://schema.org/", 19) == 0)
		t = strrchr(t, '/') + 1, n = strlen(t);
	if (n >= 7 && strcmp(t + n - 7, "Article") == 0)
		return 1;
	for (const char *const *o = other; *o; o++)
		if (strcmp(t, *o) == 0)
			return 1;
	return 0;
}

static int is_listing_type(const char *t)
{
	return strcmp(t, "ItemList") == 0 || strcmp(t, "CollectionPage") == 0 ||
	       strcmp(t, "SearchResultsPage") == 0;
}

/* The first type of `obj` that `want` accepts, or NULL. */
static const char *type_of(json_t *obj, int (*want)(const char *))
{
	json_t *t = json_object_get(obj, "@type"), *v;
	size_t i;

	if (json_is_string(t))
		return want(json_string_value(t)) ? json_string_value(t) : NULL;
	json_array_foreach(t, i, v)
		if (json_is_string(v) && want(json_string_value(v)))
			return json_string_value(v);
	return NULL;
}

static int set_once(char **dst, const char *value)
{
	if (*dst || value == NULL || *value == '\0')
		return 0;
	return (*dst = rl_strdup(value)) ? 0 : RL_ENOMEM;
}

/* A string, or the "@id" / "url" / "name" of an object, or the first of an array. */
static const char *str_of(json_t *v, const char *key)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_object(v)) {
		json_t *s = json_object_get(v, key);
		if (json_is_string(s))
			return json_string_value(s);
	}
	return NULL;
}

static int take_article(rl_page_meta *m, json_t *obj, const char *type)
{
	const char *url = str_of(json_object_get(obj, "url"), "@id");
	int error;

	if (url == NULL)
		url = str_of(json_object_get(obj, "mainEntityOfPage"), "@id");
	if ((error = set_once(&m->ld_type, type)) < 0 ||
	    (error = set_once(&m->ld_headline, str_of(json_object_get(obj, "headline"), "name"))) < 0 ||
	    (error = set_once(&m->ld_url, url)) < 0 ||
	    (error = set_once(&m->ld_body, str_of(json_object_get(obj, "articleBody"), "@value"))) < 0 ||
	    (error = set_once(&m->ld_date, str_of(json_object_get(obj, "datePublished"), "@value"))) < 0 ||
	    (error = set_once(&m->ld_modified, str_of(json_object_get(obj, "dateModified"), "@value"))) < 0)
		return error;
	return set_once(&m->ld_author, str_of(json_object_get(obj, "author"), "name"));
}

/* Depth-first: the first article object wins; listings are noted. */
static int walk_ld(rl_page_meta *m, json_t *v, int depth)
{
	const char *key, *type;
	json_t *child;
	size_t i;
	int error;

	if (depth > MAX_LD_DEPTH)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			if ((error = walk_ld(m, child, depth + 1)) < 0)
				return error;
		return 0;
	}
	if (!json_is_object(v))
		return 0;
	if (type_of(v, is_listing_type) && depth <= 2)
		m->ld_listing = 1;
	if (m->ld_type == NULL && (type = type_of(v, is_article_type)) != NULL)
		return take_article(m, v, type);
	/* an ItemList's members are teasers, not the page's story */
	if (type_of(v, is_listing_type))
		return 0;
	json_object_foreach(v, key, child)
		if ((json_is_object(child) || json_is_array(child)) &&
		    (error = walk_ld(m, child, depth + 1)) < 0)
			return error;
	return 0;
}

static int read_ld(rl_page_meta *m, const xmlNode *script)
{
	rl_buf text = RL_BUF_INIT(MAX_LD_BYTES);
	json_t *root;
	int error = 0;

	for (const xmlNode *c = script->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
		    rl_buf_puts(&text, (const char *)c->content) < 0) {
			rl_error_clear(); /* too big to be metadata: ignored */
			goto done;
		}
	if (text.len == 0)
		goto done;
	/* Broken JSON-LD is common and only means the page tells us less. */
	if ((root = json_loadb(text.ptr, text.len, JSON_DECODE_ANY, NULL)) == NULL)
		goto done;
	error = walk_ld(m, root, 0);
	json_decref(root);
done:
	rl_buf_release(&text);
	return error;
}

/* rel="canonical", also among other tokens ("canonical nofollow"). */
static int rel_has(const xmlNode *n, const char *token)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"rel");
	const char *s = (const char *)v;
	size_t k = strlen(token);
	int found = 0;

	while (s && *s && !found) {
		s += strspn(s, " \t\r\n");
		size_t len = strcspn(s, " \t\r\n");
		found = len == k && strncasecmp(s, token, k) == 0;
		s += len;
	}
	xmlFree(v);
	return found;
}

static int meta_content(char **dst, const xmlNode *n)
{
	char *v;
	int error;

	if (*dst)
		return 0;
	if ((error = rl_xml_attr(&v, n, "content")) < 0)
		return error;
	if (v && *v)
		*dst = v;
	else
		free(v);
	return 0;
}

static int read_element(rl_page_meta *m, const xmlNode *n, int *lds)
{
	int error = 0;

	if (rl_xml_is(n, "script")) {
		if (*lds < MAX_LD && rl_xml_attr_is(n, "type", "application/ld+json")) {
			++*lds;
			error = read_ld(m, n);
		}
	} else if (rl_xml_is(n, "meta")) {
		if (rl_xml_attr_is(n, "property", "og:type") || rl_xml_attr_is(n, "name", "og:type"))
			error = meta_content(&m->og_type, n);
		else if (rl_xml_attr_is(n, "property", "og:title") || rl_xml_attr_is(n, "name", "og:title"))
			error = meta_content(&m->og_title, n);
		else if (rl_xml_attr_is(n, "property", "og:url") || rl_xml_attr_is(n, "name", "og:url"))
			error = meta_content(&m->og_url, n);
	} else if (rl_xml_is(n, "link") && m->canonical == NULL && rel_has(n, "canonical")) {
		error = rl_xml_attr(&m->canonical, n, "href");
	} else if (rl_xml_is(n, "title") && m->title == NULL && !rl_xml_is(n->parent, "svg")) {
		error = rl_xml_line(&m->title, n);
	}
	return error;
}

/* Whether a line is the text of an IE conditional comment ("[if !IE]>",
 * "<![endif]-->") that the HTML parser left as text: never a title. */
static int is_conditional_junk(const char *s)
{
	return s && (strstr(s, "[if ") || strstr(s, "[endif]") || strstr(s, "<!"));
}

/* An <h1> that holds the site's name or logo, not a headline: its class or
 * id says site-name, logo or brand, or its link goes to the home page. */
static int is_logo_h1(const xmlNode *h1)
{
	static const char *const words[] = { "site", "logo", "brand", NULL };
	int logo = 0;

	for (int i = 0; i < 2 && !logo; i++) {
		xmlChar *v = xmlGetProp(h1, (const xmlChar *)(i ? "id" : "class"));
		for (const char *const *w = words; v && *w && !logo; w++)
			logo = strcasestr((const char *)v, *w) != NULL;
		xmlFree(v);
	}
	for (const xmlNode *c = h1->children; c && !logo; c = rl_xml_next_in(c, h1, 1))
		if (rl_xml_is(c, "a")) {
			xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
			logo = href && (strcmp((const char *)href, "/") == 0 ||
					strcmp((const char *)href, "./") == 0);
			xmlFree(href);
		}
	return logo;
}

int rl_page_meta_read(rl_page_meta *out, const xmlDoc *doc)
{
	const xmlNode *root = (const xmlNode *)doc, *cur = root->children;
	int error = 0, lds = 0;

	memset(out, 0, sizeof(*out));
	while (cur && error == 0) {
		if (cur->type == XML_ELEMENT_NODE) {
			if ((error = read_element(out, cur, &lds)) < 0)
				break;
			if (out->h1 == NULL && rl_xml_is(cur, "h1") && !rl_xml_is_noise(cur->parent) &&
			    !is_logo_h1(cur)) {
				if ((error = rl_xml_line(&out->h1, cur)) < 0)
					break;
				if (is_conditional_junk(out->h1)) {
					free(out->h1);
					out->h1 = NULL;
				}
			}
		}
		/* scripts and heads are read too: that is where metadata lives */
		cur = rl_xml_next_in(cur, root, 1);
	}
	if (is_conditional_junk(out->title)) {
		free(out->title);
		out->title = NULL;
	}
	if (error < 0)
		rl_page_meta_clear(out);
	return error;
}

int rl_page_meta_is_article(const rl_page_meta *m)
{
	if (m->ld_type && !m->ld_listing)
		return 1;
	return m->og_type && (strcasecmp(m->og_type, "article") == 0 ||
			      strncasecmp(m->og_type, "article:", 8) == 0 ||
			      strcasecmp(m->og_type, "news_article") == 0);
}

static int is_absolute(const char *u)
{
	return u && (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0);
}

int rl_page_meta_link(char **out, const rl_page_meta *m, const char *base)
{
	const char *abs_base = is_absolute(base) ? base : NULL;
	const char *cands[] = { m->canonical, m->og_url, m->ld_url };
	int error;

	*out = NULL;
	/* a page read from a file has no base: an absolute og:url can stand in */
	if (abs_base == NULL)
		abs_base = is_absolute(m->og_url) ? m->og_url : is_absolute(m->ld_url) ? m->ld_url : base;
	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		if (cands[i] == NULL)
			continue;
		if ((error = rl_xml_resolve(out, cands[i], abs_base)) < 0)
			return error;
		if (is_absolute(*out))
			return 0;
		free(*out);
		*out = NULL;
	}
	return 0;
}

/* "Headline - Site" -> "Headline": cut at the last separator when what is
 * left is the longer part. */
static void strip_site(char *title)
{
	static const char *const seps[] = { " - ", " | ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
					    " :: ", " \xC2\xB7 ", " \xC2\xBB ", NULL };
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

/* Collapses whitespace of a metadata string onto one line. */
static int one_line(char **out, const char *s)
{
	rl_buf b = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	rl_xml_para p;
	int error;

	*out = NULL;
	rl_xml_para_init(&p, &b, 1);
	if ((error = rl_xml_para_text(&p, s, strlen(s))) == 0 && b.len)
		*out = rl_buf_detach(&b);
	rl_buf_release(&b);
	return error;
}

static int starts_with_words(const char *s, const char *prefix)
{
	size_t k = strlen(prefix);
	return strncasecmp(s, prefix, k) == 0;
}

int rl_page_meta_title(char **out, const rl_page_meta *m, int page)
{
	const char *declared = m->ld_headline ? m->ld_headline : m->og_title;
	int error;

	*out = NULL;
	/* The <h1> is the headline as shown; trust it when the declared
	 * headline or the <title> agrees with it. */
	if (m->h1 && ((declared && starts_with_words(declared, m->h1)) ||
		      (m->title && starts_with_words(m->title, m->h1))))
		return one_line(out, m->h1);
	if (declared) {
		if ((error = one_line(out, declared)) < 0 || *out == NULL)
			return error;
		/* og:title copied from <title>, site name and all */
		if (m->title && strcmp(m->title, declared) == 0)
			strip_site(*out);
		return 0;
	}
	if (m->title) {
		if ((error = one_line(out, m->title)) < 0 || *out == NULL)
			return error;
		if (page) /* the page as a whole is what <title> names */
			return 0;
		/* "Headline - Site" with <h1>Site</h1>: the <h1> is a logo */
		if (m->h1 && strlen(m->h1) < strlen(*out) && strcasestr(*out, m->h1) &&
		    !starts_with_words(*out, m->h1)) {
			strip_site(*out);
			return 0;
		}
		if (m->h1 == NULL) {
			strip_site(*out);
			return 0;
		}
		free(*out);
		*out = NULL;
	}
	return m->h1 ? one_line(out, m->h1) : 0;
}
