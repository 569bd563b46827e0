/* Article pages: title, main text without boilerplate, against NYT and news pages. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extracts a corpus page into *item; 0 when the corpus is absent. */
static int corpus_article(rl_item *item, const char *rel)
{
	char *path = tu_shared_path(rel), *data = NULL;
	size_t len;

	if (path)
		data = tu_read_file(path, &len);
	free(path);
	if (data == NULL)
		return 0;
	assert_int_equal(rl_extract_article(item, data, len, NULL), 0);
	free(data);
	assert_non_null(item->title);
	assert_non_null(item->body);
	return 1;
}

static void test_inline_article_drops_boilerplate(void **state)
{
	rl_item item;
	rl_extract_opts opts = { .base_url = "https://n.example/x?id=1" };
	const char *html =
		"<html><head><title>The headline | Daily Site</title>"
		"<link rel=canonical href=\"/story/the-headline\"></head><body>"
		"<header><nav><a href=/>Home</a> <a href=/w>World</a></nav></header>"
		"<div class=sidebar><p>Short teaser.</p></div>"
		"<article><h1>The headline</h1><p>First paragraph of the story is long enough.</p>"
		"<div class=\"share-tools\"><p>Share on Facebook</p></div>"
		"<p>Second paragraph, also the real text.</p>"
		"<aside><p>Read also: something else</p></aside>"
		"<div class=\"related-links\"><p>Related: other story</p></div>"
		"<div class=\"ad\"><p>Advertisement text</p></div>"
		"<div class=\"header-note\"><p>Kept: header is only part of a word.</p></div>"
		"<script>trackUser();</script><section id=comments><p>Nice!</p></section></article>"
		"<footer><p>Copyright</p></footer></body></html>";

	assert_int_equal(rl_extract_article(&item, html, strlen(html), &opts), 0);
	assert_string_equal(item.title, "The headline");
	assert_string_equal(item.link, "https://n.example/story/the-headline");
	assert_string_equal(item.body, "First paragraph of the story is long enough.\n"
				       "Second paragraph, also the real text.\n"
				       "Kept: header is only part of a word.");
	rl_item_clear(&item);
}

static void test_title_sources_in_order(void **state)
{
	rl_item item;
	const char *og = "<html><head><meta property=\"og:title\" content=\"OG  title\">"
			 "<title>T - S</title></head><body><h1>H1</h1><p>x</p></body></html>";
	const char *h1 = "<html><head><title>T - S</title></head><body><h1>H1 title</h1><p>x</p></body></html>";
	const char *t = "<html><head><title>A longer page title - Site</title></head><body><p>x</p></body></html>";

	assert_int_equal(rl_extract_article(&item, og, strlen(og), NULL), 0);
	assert_string_equal(item.title, "OG title");
	assert_null(item.link);
	rl_item_clear(&item);
	assert_int_equal(rl_extract_article(&item, h1, strlen(h1), NULL), 0);
	assert_string_equal(item.title, "H1 title");
	rl_item_clear(&item);
	assert_int_equal(rl_extract_article(&item, t, strlen(t), NULL), 0);
	assert_string_equal(item.title, "A longer page title");
	assert_string_equal(item.body, "x");
	rl_item_clear(&item);
}

static void test_densest_container_without_semantic_markup(void **state)
{
	rl_item item;
	const char *html = "<html><body><div id=menu><p>Menu one</p></div>"
			   "<div id=x><div><p>Real text one with many words in it.</p>"
			   "<p>Real text two with many words in it.</p></div></div>"
			   "<div><p>Other</p></div></body></html>";

	assert_int_equal(rl_extract_article(&item, html, strlen(html), NULL), 0);
	assert_string_equal(item.body, "Real text one with many words in it.\n"
				       "Real text two with many words in it.");
	rl_item_clear(&item);
}

static void test_nyt_old_format(void **state)
{
	rl_item item;

	if (!corpus_article(&item, "corpus/newsdiffs/parsers/test_nyt_data/HTML_OLD_FORMAT.html"))
		tu_skip();
	assert_non_null(strstr(item.body, "SANTA FE, Tex."));
	assert_null(strstr(item.title, "New York Times"));
	rl_item_clear(&item);
}

static void test_nyt_new_format(void **state)
{
	rl_item item;

	if (!corpus_article(&item, "corpus/newsdiffs/parsers/test_nyt_data/HTML_NEW_FORMAT.html"))
		tu_skip();
	assert_string_equal(item.title, "Mueller Won\xE2\x80\x99t Indict Trump if He Finds Wrongdoing, Giuliani Says");
	assert_non_null(strstr(item.body, "WASHINGTON \xE2\x80\x94 The special counsel, Robert S. Mueller III"));
	rl_item_clear(&item);
}

static void test_nyt_with_correction(void **state)
{
	rl_item item;

	if (!corpus_article(&item, "corpus/newsdiffs/parsers/test_nyt_data/HTML_WITH_CORRECTION.html"))
		tu_skip();
	assert_non_null(strstr(item.body, "Correction:"));
	rl_item_clear(&item);
}

static void test_news_pages_keep_story_and_drop_scripts(void **state)
{
	static const struct { const char *file, *sentence; } pages[] = {
		{ "vancouversun.com.microsoft.html",
		  "Microsoft Corp said on Thursday it aims to remove more carbon" },
		{ "reuters.com.parasite.html", "South Korean thriller" },
		{ "dw.com.colonial.html", "Postcolonial Remembrance in the City" },
		{ "zeit.de.zugverkehr.html", "So lange dauert die schnellste Zugverbindung" },
	};
	char rel[256];

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		rl_item item;
		snprintf(rel, sizeof(rel), "corpus/trafilatura/tests/cache/%s", pages[i].file);
		if (!corpus_article(&item, rel))
			tu_skip();
		assert_non_null(strstr(item.body, pages[i].sentence));
		assert_null(strstr(item.body, "function("));
		assert_null(strstr(item.body, "window."));
		assert_null(strstr(item.body, "<script"));
		rl_item_clear(&item);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_article_drops_boilerplate),
		cmocka_unit_test(test_title_sources_in_order),
		cmocka_unit_test(test_densest_container_without_semantic_markup),
		cmocka_unit_test(test_nyt_old_format),
		cmocka_unit_test(test_nyt_new_format),
		cmocka_unit_test(test_nyt_with_correction),
		cmocka_unit_test(test_news_pages_keep_story_and_drop_scripts),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
