/* Feed extraction: RSS 2.0/1.0, Atom, HTML entities, escaped HTML, the corpus. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdlib.h>
#include <string.h>

static int extract(rl_item_list *list, const char *xml)
{
	return rl_extract(list, xml, strlen(xml), RL_FORMAT_AUTO, NULL);
}

static void test_rss2_items_with_html_entities_and_escaped_html(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *rss =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
		"<channel><title>Chan</title><link>https://c.example/</link>"
		"<item><title>Caf&eacute; &amp; more&hellip;</title>"
		"<link> https://c.example/1 </link><guid isPermaLink=\"false\">id-1</guid>"
		"<description>&lt;p&gt;First&amp;nbsp;para&lt;/p&gt;&lt;p&gt;Second &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;"
		"&lt;script&gt;evil()&lt;/script&gt;</description></item>"
		"<item><title>Two</title><link>https://c.example/2</link>"
		"<description>short</description>"
		"<content:encoded><![CDATA[<p>Full&nbsp;text</p><p>of two</p>]]></content:encoded></item>"
		"</channel></rss>";

	assert_int_equal(extract(&list, rss), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].title, "Caf\xC3\xA9 & more\xE2\x80\xA6");
	assert_string_equal(list.v[0].link, "https://c.example/1");
	assert_string_equal(list.v[0].guid, "id-1");
	assert_string_equal(list.v[0].body, "First\xC2\xA0para\nSecond bold");
	assert_null(list.v[1].guid);
	assert_string_equal(list.v[1].body, "Full\xC2\xA0text\nof two");
	rl_item_list_release(&list);
}

static void test_rss1_rdf_items(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *rdf =
		"<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
		" xmlns=\"http://purl.org/rss/1.0/\"><channel rdf:about=\"x\"><title>c</title></channel>"
		"<item rdf:about=\"https://r.example/a\"><title>A</title><link>https://r.example/a</link>"
		"<description>Text a</description></item>"
		"<item rdf:about=\"https://r.example/b\"><title>B</title><link>https://r.example/b</link></item>"
		"</rdf:RDF>";

	assert_int_equal(extract(&list, rdf), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].body, "Text a");
	assert_string_equal(list.v[1].link, "https://r.example/b");
	assert_string_equal(list.v[1].body, "");
	rl_item_list_release(&list);
}

static void test_atom_entries(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = { .base_url = "https://a.example/feed/" };
	const char *atom =
		"<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>F</title>"
		"<entry><id>urn:uuid:1</id><title type=\"html\">&lt;em&gt;Big&lt;/em&gt; news</title>"
		"<link rel=\"self\" href=\"https://a.example/self\"/>"
		"<link rel=\"alternate\" href=\"/posts/1\"/>"
		"<summary>Sum</summary>"
		"<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>X one</p><p>X two</p></div></content>"
		"</entry>"
		"<entry><id>urn:uuid:2</id><title>Plain</title><link href=\"rel/2\"/>"
		"<summary type=\"text\">Line one\nstill one\n\nPara two</summary></entry>"
		"</feed>";

	assert_int_equal(rl_extract(&list, atom, strlen(atom), RL_FORMAT_AUTO, &opts), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.v[0].guid, "urn:uuid:1");
	assert_string_equal(list.v[0].title, "Big news");
	assert_string_equal(list.v[0].link, "https://a.example/posts/1");
	assert_string_equal(list.v[0].body, "X one\nX two");
	assert_string_equal(list.v[1].link, "https://a.example/feed/rel/2");
	assert_string_equal(list.v[1].body, "Line one still one\nPara two");
	rl_item_list_release(&list);
}

static void test_broken_feed_is_recovered_or_refused_clearly(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *broken = "<rss><channel><item><title>Ok &undefinedthing; here</title>"
			     "<description>unclosed <b>bold</description></item>";

	assert_int_equal(extract(&list, broken), 0);
	assert_int_equal(list.n, 1);
	assert_non_null(strstr(list.v[0].title, "Ok"));
	rl_item_list_release(&list);

	assert_int_equal(rl_extract_feed(&list, "not xml at all", 14, NULL), RL_EPARSE);
	assert_non_null(strstr(rl_error_last(), "feed"));
	assert_int_equal(list.n, 0);
}

static void check_corpus_feed(const char *rel, size_t expected)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	char *path = tu_shared_path(rel), *data = NULL;
	size_t len;

	if (path)
		data = tu_read_file(path, &len);
	free(path);
	if (data == NULL)
		tu_skip();
	assert_int_equal(rl_extract_sniff(data, len), RL_FORMAT_RSS);
	assert_int_equal(rl_extract(&list, data, len, RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, expected);
	for (size_t i = 0; i < list.n; i++) {
		assert_non_null(list.v[i].title);
		assert_non_null(list.v[i].link);
		assert_true(strncmp(list.v[i].link, "https://www.washingtonpost.com/", 31) == 0);
		assert_non_null(list.v[i].guid);
		assert_non_null(list.v[i].body);
		assert_null(strchr(list.v[i].body, '<'));
		assert_null(strchr(list.v[i].title, '\n'));
	}
	rl_item_list_release(&list);
	free(data);
}

static void test_diffengine_feed1_has_20_items(void **state)
{
	check_corpus_feed("corpus/diffengine/test-data/feed1.xml", 20);
}

static void test_diffengine_feed2_has_24_items(void **state)
{
	check_corpus_feed("corpus/diffengine/test-data/feed2.xml", 24);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rss2_items_with_html_entities_and_escaped_html),
		cmocka_unit_test(test_rss1_rdf_items),
		cmocka_unit_test(test_atom_entries),
		cmocka_unit_test(test_broken_feed_is_recovered_or_refused_clearly),
		cmocka_unit_test(test_diffengine_feed1_has_20_items),
		cmocka_unit_test(test_diffengine_feed2_has_24_items),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
