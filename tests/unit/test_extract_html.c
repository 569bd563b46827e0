/* HTML extraction: default article lists, selectors, links, charsets, the corpus. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int extract(rl_item_list *list, const char *html, const rl_extract_opts *opts)
{
	return rl_extract_html(list, html, strlen(html), opts);
}

static const rl_item *find_title(const rl_item_list *list, const char *title)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].title && strcmp(list->v[i].title, title) == 0)
			return &list->v[i];
	return NULL;
}

static void test_articles_give_title_link_and_paragraphs(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = { .base_url = "https://news.example/world/index.html" };
	const char *html =
		"<html><body><nav><article><h2>Menu article</h2></article></nav>"
		"<article><h2><a href=\"/story/1\">First   story</a></h2>"
		"<p>Para one\n continues.</p><script>var x = 'script text';</script>"
		"<p>Para two &amp; more &eacute;</p><aside><p>aside text</p></aside></article>"
		"<article><a href=\"javascript:void(0)\">js</a><h3>Second</h3>"
		"<a href=\"2.html#top\">more</a><div>Only div text</div></article>"
		"</body></html>";

	assert_int_equal(extract(&list, html, &opts), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].title, "First story");
	assert_string_equal(list.v[0].link, "https://news.example/story/1");
	assert_string_equal(list.v[0].body, "Para one continues.\nPara two & more \xC3\xA9");
	assert_null(list.v[0].guid);
	assert_string_equal(list.v[1].title, "Second");
	assert_string_equal(list.v[1].link, "https://news.example/world/2.html#top");
	/* no <p>: the item's text without its title */
	assert_string_equal(list.v[1].body, "js\nmore\nOnly div text");
	rl_item_list_release(&list);
}

static void test_linked_headlines_with_following_paragraphs(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *html =
		"<html><head><base href=\"https://base.example/a/\"></head><body>"
		"<h1>Site</h1>"
		"<div><h3><a href=\"x\">One</a></h3><p>One text.</p><p>More one.</p></div>"
		"<div><h3><a href=\"#\">Skip link</a> <a href=\"y\">Two</a></h3><p>Two text.</p>"
		"<h4>Other</h4><p>not two</p></div>"
		"<footer><h3><a href=\"/f\">Footer</a></h3></footer></body></html>";

	assert_int_equal(extract(&list, html, NULL), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].title, "One");
	assert_string_equal(list.v[0].link, "https://base.example/a/x");
	assert_string_equal(list.v[0].body, "One text.\nMore one.");
	assert_string_equal(list.v[1].title, "Skip link Two");
	assert_string_equal(list.v[1].link, "https://base.example/a/y");
	assert_string_equal(list.v[1].body, "Two text.");
	rl_item_list_release(&list);
}

static void test_page_without_list_is_one_item(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = { .base_url = "https://x.example/page" };
	const char *html = "<html><head><title>Page title</title><style>p{}</style></head>"
			   "<body><h1>Heading</h1><p>Text <b>bold</b>.</p><noscript>nojs</noscript>"
			   "<form><p>form</p></form></body></html>";

	assert_int_equal(extract(&list, html, &opts), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "Page title");
	assert_string_equal(list.v[0].link, "https://x.example/page");
	assert_string_equal(list.v[0].body, "Heading\nText bold.");
	rl_item_list_release(&list);
}

/* A single article page (no list of stories): its main text is the story,
 * without the navigation, the related links or the newsletter box. */
static void test_single_article_page_is_its_main_text(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = { .base_url = "https://news.example/2026/troepen" };
	const char *html =
		"<html><head><title>Troepen naar Rusland - Nieuwsblad</title></head><body>"
		"<nav><a href='/'>Home</a> <a href='/binnenland'>Binnenland</a></nav>"
		"<main><h1>VS schatten aantal soldaten op 10.000</h1>"
		"<p>Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd, schat het "
		"Amerikaanse Pentagon. Vorige week dachten de Verenigde Staten nog dat het om 3000 "
		"soldaten ging.</p>"
		"<p>De troepen worden waarschijnlijk gebruikt om de Russische krijgsmacht te versterken "
		"die in het grensgebied vecht tegen de Oekraïners, aldus een woordvoerder.</p>"
		"<p>Rusland en Noord-Korea hebben niet bevestigd dat er troepen worden geleverd, maar "
		"spreken steevast over een nauwe militaire samenwerking.</p>"
		"<aside class='related'><h2>Meer over</h2><p>Ander nieuws dat niet bij dit verhaal "
		"hoort.</p></aside>"
		"<div class='newsletter'><p>Schrijf je in voor onze nieuwsbrief.</p></div></main>"
		"<footer><p>Copyright Nieuwsblad</p></footer></body></html>";

	assert_int_equal(extract(&list, html, &opts), 0);
	assert_int_equal(list.n, 1);
	assert_non_null(strstr(list.v[0].title, "10.000"));
	assert_non_null(strstr(list.v[0].body, "Vorige week dachten"));
	assert_non_null(strstr(list.v[0].body, "nauwe militaire samenwerking"));
	assert_null(strstr(list.v[0].body, "Binnenland"));
	assert_null(strstr(list.v[0].body, "nieuwsbrief"));
	assert_null(strstr(list.v[0].body, "Copyright"));
	assert_null(strstr(list.v[0].body, "Ander nieuws"));
	assert_string_equal(list.v[0].link, "https://news.example/2026/troepen");
	rl_item_list_release(&list);
}

/* A news site's article page (one <article>) through the listing extractor:
 * one story, its canonical link, its real title, no "Advertisement" lines. */
static char *read_shared(const char *rel, size_t *len);

static void test_nyt_article_page_is_one_story(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	size_t len;
	char *html = read_shared("corpus/newsdiffs/parsers/test_nyt_data/HTML_NEW_FORMAT.html", &len);

	if (html == NULL)
		tu_skip();
	assert_int_equal(rl_extract(&list, html, len, RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "Mueller Won\u2019t Indict Trump if He Finds Wrongdoing, Giuliani Says");
	assert_string_equal(list.v[0].link,
			    "https://www.nytimes.com/2018/05/16/us/politics/mueller-trump-indictment.html");
	assert_non_null(strstr(list.v[0].body, "WASHINGTON \u2014 The special counsel"));
	assert_null(strstr(list.v[0].body, "\nAdvertisement\n"));
	assert_false(strncmp(list.v[0].body, "Advertisement", 13) == 0);
	rl_item_list_release(&list);
	free(html);
}

static void test_selectors(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = {
		.base_url = "https://s.example/",
		.select_item = "//li[@class='story']",
		.select_title = "string(.//span[@class='t'])",
		.select_link = ".//a/@href",
		.select_body = ".//div[@class='sum']",
	};
	const char *html = "<ul><li class=story><span class=t>T1</span><a href=/1>go</a>"
			   "<div class=sum>S1a</div><div class=sum>S1b</div></li>"
			   "<li class=story><span class=t>T2</span><a href='2'>go</a></li>"
			   "<li class=other><span class=t>T3</span></li></ul>";

	assert_int_equal(extract(&list, html, &opts), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].title, "T1");
	assert_string_equal(list.v[0].link, "https://s.example/1");
	assert_string_equal(list.v[0].body, "S1a\nS1b");
	assert_string_equal(list.v[1].title, "T2");
	assert_string_equal(list.v[1].link, "https://s.example/2");
	assert_string_equal(list.v[1].body, "");
	rl_item_list_release(&list);
}

static void test_bad_selector_is_einval_naming_it(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = { .select_item = "//li", .select_title = "//[oops" };

	assert_int_equal(extract(&list, "<p>x</p>", &opts), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "select_title"));
	assert_non_null(strstr(rl_error_last(), "//[oops"));
	assert_int_equal(list.n, 0);
}

static void test_charsets(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts latin = { .charset = "ISO-8859-1" };
	const char *cp1252 = "<html><body><p>\x93quoted\x94 caf\xe9</p></body></html>";
	const char *meta = "<html><head><meta charset=\"windows-1252\"></head><body><p>caf\xe9</p></body></html>";
	const char *utf8 = "<html><body><p>caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D</p></body></html>";
	const char *bom = "\xEF\xBB\xBF<html><body><p>caf\xC3\xA9</p></body></html>";

	assert_int_equal(extract(&list, cp1252, NULL), 0); /* no charset anywhere */
	assert_string_equal(list.v[0].body, "\xE2\x80\x9Cquoted\xE2\x80\x9D caf\xC3\xA9");
	assert_int_equal(extract(&list, cp1252, &latin), 0); /* latin-1 read as cp1252 */
	assert_string_equal(list.v[1].body, "\xE2\x80\x9Cquoted\xE2\x80\x9D caf\xC3\xA9");
	assert_int_equal(extract(&list, meta, NULL), 0);
	assert_string_equal(list.v[2].body, "caf\xC3\xA9");
	assert_int_equal(extract(&list, utf8, NULL), 0);
	assert_string_equal(list.v[3].body, "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D");
	assert_int_equal(extract(&list, bom, &latin), 0); /* the BOM wins over HTTP */
	assert_string_equal(list.v[4].body, "caf\xC3\xA9");
	rl_item_list_release(&list);
}

static char *read_shared(const char *rel, size_t *len)
{
	char *path = tu_shared_path(rel), *data = NULL;

	if (path)
		data = tu_read_file(path, len);
	free(path);
	return data;
}

static void test_energy_gov_listing_items_removed_and_added(void **state)
{
	const char *dir = "corpus/web-monitoring-diff/web_monitoring_diff/tests/fixtures/versions/";
	char p1[256], p2[256];
	rl_item_list a = RL_ITEM_LIST_INIT, b = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = {
		.base_url = "https://energy.gov/",
		.select_item = "//div[contains(concat(' ', normalize-space(@class), ' '), ' energy-listing-item ')]",
		.select_title = ".//a[@class='title-link']",
	};
	size_t la, lb;
	char *da, *db;

	snprintf(p1, sizeof(p1), "%s775a8b04-9bac-4d0d-8db0-a8e133c4a964", dir);
	snprintf(p2, sizeof(p2), "%s9d4de183-a186-456c-bffb-55d82989877d", dir);
	da = read_shared(p1, &la);
	db = read_shared(p2, &lb);
	if (da == NULL || db == NULL) {
		free(da);
		free(db);
		tu_skip();
	}
	assert_int_equal(rl_extract(&a, da, la, RL_FORMAT_AUTO, &opts), 0);
	assert_int_equal(rl_extract(&b, db, lb, RL_FORMAT_AUTO, &opts), 0);
	assert_int_equal(a.n, 24);
	assert_int_equal(b.n, 24);

	const char *vogtle = "Secretary Perry Announces Conditional Commitment to Support Continued "
			     "Construction of Vogtle Advanced Nuclear Energy Project";
	const char *lng = "U.S. Department of Energy Proposes Expedited Approval for Small-Scale "
			  "Natural Gas Exports";
	const rl_item *v = find_title(&a, vogtle);
	assert_non_null(v);
	assert_null(find_title(&b, vogtle));
	assert_null(find_title(&a, lng));
	assert_non_null(find_title(&b, lng));
	assert_string_equal(v->link, "https://energy.gov/articles/secretary-perry-announces-"
				     "conditional-commitment-support-continued-construction-vogtle");
	assert_non_null(strstr(v->body, "first new nuclear power plant"));
	assert_null(strstr(v->body, vogtle)); /* the title is not repeated in the body */

	/* Items kept between versions extract identically. */
	size_t same = 0;
	for (size_t i = 0; i < a.n; i++) {
		const rl_item *o = find_title(&b, a.v[i].title);
		if (o) {
			assert_string_equal(a.v[i].body, o->body);
			same++;
		}
	}
	assert_int_equal(same, 22);
	rl_item_list_release(&a);
	rl_item_list_release(&b);
	free(da);
	free(db);
}

static void test_example_data_pairs_differ_where_they_should(void **state)
{
	static const char *const pairs[] = { "add-list", "change-title", "two-paragraphs",
					     "change-word-in-paragraph", "add-paragraph", "remove-list" };
	const char *dir = "corpus/web-monitoring-diff/web_monitoring_diff/example_data/";

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		rl_item_list a = RL_ITEM_LIST_INIT, b = RL_ITEM_LIST_INIT;
		char p[256];
		size_t la, lb;
		char *da, *db;

		snprintf(p, sizeof(p), "%s%s.before", dir, pairs[i]);
		da = read_shared(p, &la);
		snprintf(p, sizeof(p), "%s%s.after", dir, pairs[i]);
		db = read_shared(p, &lb);
		if (da == NULL || db == NULL) {
			free(da);
			free(db);
			tu_skip();
		}
		assert_int_equal(rl_extract(&a, da, la, RL_FORMAT_AUTO, NULL), 0);
		assert_int_equal(rl_extract(&b, db, lb, RL_FORMAT_AUTO, NULL), 0);
		assert_int_equal(a.n, 1);
		assert_int_equal(b.n, 1);
		int title_differs = (a.v[0].title == NULL) != (b.v[0].title == NULL) ||
				    (a.v[0].title && strcmp(a.v[0].title, b.v[0].title) != 0);
		assert_true(title_differs || strcmp(a.v[0].body, b.v[0].body) != 0);
		assert_null(strchr(a.v[0].body, '<'));
		rl_item_list_release(&a);
		rl_item_list_release(&b);
		free(da);
		free(db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_articles_give_title_link_and_paragraphs),
		cmocka_unit_test(test_linked_headlines_with_following_paragraphs),
		cmocka_unit_test(test_page_without_list_is_one_item),
		cmocka_unit_test(test_single_article_page_is_its_main_text),
		cmocka_unit_test(test_nyt_article_page_is_one_story),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_bad_selector_is_einval_naming_it),
		cmocka_unit_test(test_charsets),
		cmocka_unit_test(test_energy_gov_listing_items_removed_and_added),
		cmocka_unit_test(test_example_data_pairs_differ_where_they_should),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
