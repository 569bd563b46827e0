/* Whole-page decisions: metadata first (JSON-LD, OpenGraph, canonical), the
 * scored main block, article or listing from the whole page, cards keyed on
 * their links.  Each case is a small page built to show one rule. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARA "<p>This is a real paragraph of the story, long enough to count, with commas, " \
	     "clauses and a full stop at its end, as news paragraphs are.</p>"

static void extract(rl_item_list *list, const char *html, const char *base)
{
	rl_extract_opts opts = { .base_url = base };
	assert_int_equal(rl_extract_html(list, html, strlen(html), &opts), 0);
}

static void test_json_ld_article_in_graph(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html =
		"<html><head><title>Home | Site</title><script type=\"application/ld+json\">"
		"{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"Site\"},"
		"{\"@type\":[\"ReportageNewsArticle\"],\"headline\":\"The declared headline\","
		"\"mainEntityOfPage\":{\"@id\":\"https://n.example/2026/story\"},"
		"\"datePublished\":\"2026-11-28\"}]}</script></head><body>"
		"<div class=teasers><article><h2><a href=/a>Teaser one headline here</a></h2></article>"
		"<article><h2><a href=/b>Teaser two headline here</a></h2></article></div>"
		"<div class=story>" PARA PARA "</div></body></html>";

	extract(&l, html, NULL);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].title, "The declared headline");
	assert_string_equal(l.v[0].link, "https://n.example/2026/story");
	assert_true(l.v[0].page);
	assert_null(strstr(l.v[0].body, "Teaser"));
	rl_item_list_release(&l);
}

static void test_relative_canonical_resolved(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *with_base = "<html><head><link rel=canonical href=\"../story-1.html\">"
				"<meta property=og:type content=article></head><body>"
				"<h1>Kop</h1>" PARA "</body></html>";
	const char *og_only = "<html><head><link rel=canonical href=\"/nieuws/1\">"
			      "<meta property=og:url content=\"https://n.example/x?utm=1\">"
			      "<meta property=og:type content=article></head><body>"
			      "<h1>Kop</h1>" PARA "</body></html>";

	extract(&l, with_base, "https://n.example/a/b/index.html");
	assert_string_equal(l.v[0].link, "https://n.example/a/story-1.html");
	rl_item_list_release(&l);
	/* read from a file: no base, the absolute og:url stands in */
	extract(&l, og_only, NULL);
	assert_string_equal(l.v[0].link, "https://n.example/nieuws/1");
	rl_item_list_release(&l);
}

static void test_conditional_comment_and_logo_are_no_title(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><title>Real headline | Site</title></head><body>"
			   "<h1 class=site-name><a href=/>Site</a></h1>"
			   "<![if !lte IE 9]><p>x</p><![endif]>"
			   "<div>" PARA PARA PARA "</div></body></html>";

	extract(&l, html, NULL);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].title, "Real headline");
	assert_null(strstr(l.v[0].title, "[if"));
	rl_item_list_release(&l);
}

/* Two stray linked headings (a blogroll) do not make an article a list. */
static void test_dominant_block_beats_stray_headings(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><title>Blog post</title></head><body>"
			   "<div id=sidebar><h3><a href=/x>Another post of the blog</a></h3>"
			   "<h3><a href=/y>Yet another post of the blog</a></h3></div>"
			   "<div class=entry-content>" PARA PARA PARA PARA "</div>"
			   "<div id=comments><p>Great post, I agree with everything you wrote here, really.</p>"
			   "<p>Reader comment number two, also long enough to be a paragraph.</p></div>"
			   "</body></html>";

	extract(&l, html, "https://blog.example/post");
	assert_int_equal(l.n, 1);
	assert_null(strstr(l.v[0].body, "Great post"));
	assert_null(strstr(l.v[0].body, "Another post"));
	assert_non_null(strstr(l.v[0].body, "real paragraph"));
	rl_item_list_release(&l);
}

/* ASP.NET-style: the whole body sits in a <form>. */
static void test_form_content_is_read(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><title>Notice</title></head><body><form id=aspnetForm>"
			   "<input type=hidden name=__VIEWSTATE value=abc>"
			   "<div id=content>" PARA PARA PARA "</div></form></body></html>";

	extract(&l, html, NULL);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.v[0].body, "real paragraph"));
	rl_item_list_release(&l);
}

/* Cards: repeated blocks with one headline link each, keyed on the link;
 * bylines and times are not the body. */
static void test_cards_keyed_on_links(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html =
		"<html><body><ul class=list>"
		"<li class=\"card odd\"><a href=/n/1>First headline of the list</a>"
		"<span class=byline>By A. Writer</span><time>10:00</time><p>Teaser one.</p></li>"
		"<li class=\"card even\"><a href=/n/2>Second headline of the list</a><p>Teaser two.</p></li>"
		"<li class=\"card odd\"><a href=/n/3>Third headline of the list</a><p>Teaser three.</p>"
		"<span class=comment-count>12 comments</span></li>"
		"</ul></body></html>";

	extract(&l, html, "https://n.example/");
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].title, "First headline of the list");
	assert_string_equal(l.v[0].link, "https://n.example/n/1");
	assert_string_equal(l.v[0].body, "Teaser one.");
	assert_string_equal(l.v[2].body, "Teaser three.");
	assert_false(l.v[0].page);
	rl_item_list_release(&l);
}

/* A carousel of teasers in the page header is not a list of stories. */
static void test_teasers_in_header_are_no_stories(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><title>Mission</title></head><body>"
			   "<header role=banner><article><p>Rotating teaser one with some words.</p></article>"
			   "<article><p>Rotating teaser two with some words.</p></article></header>"
			   "<div><h1>Mission</h1><p>Our mission is short.</p></div></body></html>";

	extract(&l, html, NULL);
	assert_int_equal(l.n, 1);
	assert_null(strstr(l.v[0].body, "Rotating"));
	rl_item_list_release(&l);
}

/* Many <article>s marked up as reader comments stay out of a declared article. */
static void test_og_article_with_comment_articles(void **state)
{
	rl_item_list l = RL_ITEM_LIST_INIT;
	const char *html = "<html><head><meta property=og:type content=article>"
			   "<meta property=og:title content=\"The story\"></head><body>"
			   "<article class=story><h1>The story</h1>" PARA PARA "</article>"
			   "<section class=comments><article class=comment><p>I disagree with this, strongly, "
			   "and here is why it matters to me.</p></article>"
			   "<article class=comment><p>Another reader writes a long comment here too.</p>"
			   "</article></section></body></html>";

	extract(&l, html, "https://n.example/s");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].title, "The story");
	assert_null(strstr(l.v[0].body, "disagree"));
	rl_item_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_ld_article_in_graph),
		cmocka_unit_test(test_relative_canonical_resolved),
		cmocka_unit_test(test_conditional_comment_and_logo_are_no_title),
		cmocka_unit_test(test_dominant_block_beats_stray_headings),
		cmocka_unit_test(test_form_content_is_read),
		cmocka_unit_test(test_cards_keyed_on_links),
		cmocka_unit_test(test_teasers_in_header_are_no_stories),
		cmocka_unit_test(test_og_article_with_comment_articles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
