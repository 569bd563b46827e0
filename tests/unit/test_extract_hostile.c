/* Hostile input: every extractor survives it, bounded, and says what went wrong. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const rl_format all_formats[] = { RL_FORMAT_TEXT, RL_FORMAT_HTML, RL_FORMAT_RSS,
					 RL_FORMAT_AUTO };

static size_t total_text(const rl_item_list *list)
{
	size_t n = 0;
	for (size_t i = 0; i < list->n; i++)
		n += (list->v[i].title ? strlen(list->v[i].title) : 0) +
		     (list->v[i].body ? strlen(list->v[i].body) : 0);
	return n;
}

static int any_contains(const rl_item_list *list, const char *needle)
{
	for (size_t i = 0; i < list->n; i++)
		if ((list->v[i].title && strstr(list->v[i].title, needle)) ||
		    (list->v[i].body && strstr(list->v[i].body, needle)))
			return 1;
	return 0;
}

static void test_empty_input_gives_no_items_in_every_format(void **state)
{
	for (size_t i = 0; i < sizeof(all_formats) / sizeof(all_formats[0]); i++) {
		rl_item_list list = RL_ITEM_LIST_INIT;
		assert_int_equal(rl_extract(&list, "", 0, all_formats[i], NULL), 0);
		assert_int_equal(list.n, 0);
		assert_int_equal(rl_extract(&list, "  \n ", 4, all_formats[i], NULL), 0);
		assert_int_equal(list.n, 0);
	}
	rl_item article;
	assert_int_equal(rl_extract_article(&article, "", 0, NULL), 0);
	assert_string_equal(article.body, "");
	rl_item_clear(&article);
}

static void test_nul_bytes_do_not_truncate(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char text[] = "Title\nbefore\0after the nul\n";
	const char html[] = "<html><body><p>before\0after the nul</p></body></html>";

	assert_int_equal(rl_extract_text(&list, text, sizeof(text) - 1, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].body, "before\xEF\xBF\xBD" "after the nul");
	rl_item_list_release(&list);

	assert_int_equal(rl_extract_html(&list, html, sizeof(html) - 1, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_true(any_contains(&list, "after the nul"));
	rl_item_list_release(&list);
}

static void test_invalid_utf8_comes_out_valid(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char text[] = "Ti\xFFtle\nbad \xC3\x28 and \xED\xA0\x80 surrogate and \xF8\x88\x80\x80\x80\n";

	assert_int_equal(rl_extract_text(&list, text, sizeof(text) - 1, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "Ti\xEF\xBF\xBDtle");
	assert_null(strchr(list.v[0].body, '\xFF'));
	assert_non_null(strstr(list.v[0].body, "\xEF\xBF\xBD"));
	assert_non_null(strstr(list.v[0].body, "surrogate"));
	rl_item_list_release(&list);
}

static void test_50_mb_input_is_too_big(void **state)
{
	size_t len = 50u * 1024 * 1024;
	char *big = malloc(len);
	rl_item article;

	assert_non_null(big);
	memset(big, 'x', len);
	memcpy(big, "<html><body><p>", 15);
	for (size_t i = 0; i < sizeof(all_formats) / sizeof(all_formats[0]); i++) {
		rl_item_list list = RL_ITEM_LIST_INIT;
		assert_int_equal(rl_extract(&list, big, len, all_formats[i], NULL), RL_ETOOBIG);
		assert_non_null(strstr(rl_error_last(), "52428800 bytes"));
		assert_int_equal(list.n, 0);
	}
	assert_int_equal(rl_extract_html(&(rl_item_list)RL_ITEM_LIST_INIT, big, len, NULL), RL_ETOOBIG);
	assert_int_equal(rl_extract_feed(&(rl_item_list)RL_ITEM_LIST_INIT, big, len, NULL), RL_ETOOBIG);
	assert_int_equal(rl_extract_article(&article, big, len, NULL), RL_ETOOBIG);
	assert_null(article.body);
	free(big);
}

static void test_deeply_nested_html(void **state)
{
	size_t depth = 100000, len = 0;
	char *html = malloc(depth * 11 + 64);
	rl_item_list list = RL_ITEM_LIST_INIT;
	rl_item article;

	assert_non_null(html);
	len += (size_t)sprintf(html, "<html><body>");
	for (size_t i = 0; i < depth; i++, len += 5)
		memcpy(html + len, "<div>", 5);
	len += (size_t)sprintf(html + len, "<p>deep text</p>");
	for (size_t i = 0; i < depth; i++, len += 6)
		memcpy(html + len, "</div>", 6);
	assert_int_equal(rl_extract_html(&list, html, len, NULL), 0);
	assert_true(list.n <= 1);
	rl_item_list_release(&list);
	assert_int_equal(rl_extract_article(&article, html, len, NULL), 0);
	rl_item_clear(&article);

	/* the same depth of <article>s and of feed elements */
	len = 0;
	for (size_t i = 0; i < depth; i++, len += 9)
		memcpy(html + len, "<article>", 9);
	assert_int_equal(rl_extract_html(&list, html, len, NULL), 0);
	rl_item_list_release(&list);
	len = (size_t)sprintf(html, "<rss><channel>");
	for (size_t i = 0; i < depth; i++, len += 6)
		memcpy(html + len, "<item>", 6);
	int rc = rl_extract_feed(&list, html, len, NULL);
	assert_true(rc == 0 || rc == RL_EPARSE);
	rl_item_list_release(&list);
	free(html);
}

static void test_malformed_html(void **state)
{
	static const char *const pages[] = {
		"<html><body><article><h2><a href=/x>Unclosed <p>para <b>bold <i>it",
		"<<<>>><p></p></div></div></html><html><body>>>",
		"<article><h2>T</h2><p>a</article></p></h2><article><p>b",
		"\x01\x02<div \x7f=\"\"\x80 a=b=c><p\x00>x</div>",
		"<a href=\"javascript:alert(1)\">x</a><a href=\"\">y</a><a href>z</a>",
		"<!-- unterminated comment <p>x</p>",
		"<![CDATA[ x ]]><?php echo 1; ?><!DOCTYPE html <p>x",
	};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		rl_item_list list = RL_ITEM_LIST_INIT;
		rl_item article;
		size_t len = strlen(pages[i]) + (i == 3 ? 9 : 0);
		assert_int_equal(rl_extract_html(&list, pages[i], len, NULL), 0);
		for (size_t j = 0; j < list.n; j++) {
			assert_non_null(list.v[j].body);
			assert_true(list.v[j].link == NULL || strncmp(list.v[j].link, "javascript:", 11) != 0);
		}
		rl_item_list_release(&list);
		assert_int_equal(rl_extract_article(&article, pages[i], len, NULL), 0);
		rl_item_clear(&article);
		int rc = rl_extract_feed(&list, pages[i], len, NULL);
		assert_true(rc == 0 || rc == RL_EPARSE);
		rl_item_list_release(&list);
	}
}

static void test_entity_bomb_does_not_expand(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *bomb =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE rss [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<rss><channel><item><title>Bomb &lol9;</title><description>&lol9;&lol9;</description>"
		"</item></channel></rss>";

	assert_int_equal(rl_extract(&list, bomb, strlen(bomb), RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_true(total_text(&list) < 1000);
	assert_false(any_contains(&list, "lollol"));
	rl_item_list_release(&list);

	/* the same bomb in an HTML page */
	assert_int_equal(rl_extract(&list, bomb, strlen(bomb), RL_FORMAT_HTML, NULL), 0);
	assert_true(total_text(&list) < 4000);
	assert_false(any_contains(&list, "lollollol"));
	rl_item_list_release(&list);
}

static void test_external_entities_are_not_read(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *xxe =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE rss [ <!ENTITY x SYSTEM \"file:///etc/passwd\">"
		" <!ENTITY % dtd SYSTEM \"http://127.0.0.1:9/evil.dtd\"> %dtd; ]>\n"
		"<rss><channel><item><title>T &x;</title><description>D &x;</description>"
		"<link>https://x.example/1</link></item></channel></rss>";
	const char *remote_dtd =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE rss SYSTEM \"file:///etc/passwd\">\n"
		"<rss><channel><item><title>R</title></item></channel></rss>";

	assert_int_equal(rl_extract(&list, xxe, strlen(xxe), RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_false(any_contains(&list, "root:"));
	assert_string_equal(list.v[0].link, "https://x.example/1");
	rl_item_list_release(&list);

	assert_int_equal(rl_extract(&list, remote_dtd, strlen(remote_dtd), RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "R");
	assert_false(any_contains(&list, "root:"));
	rl_item_list_release(&list);

	assert_int_equal(rl_extract(&list, xxe, strlen(xxe), RL_FORMAT_HTML, NULL), 0);
	assert_false(any_contains(&list, "root:"));
	rl_item_list_release(&list);
}

static void test_path_like_and_control_characters_in_titles(void **state)
{
	rl_item_list list = RL_ITEM_LIST_INIT;
	const char *text = "../../etc/passwd\x01\x1b[31m\nbody \x7f line\n";
	const char *rss = "<rss><channel><item><title>../../etc/passwd&#1;&#x1b;</title>"
			  "<link>../../../etc/shadow</link><guid>/../..</guid></item></channel></rss>";

	assert_int_equal(rl_extract_text(&list, text, strlen(text), NULL), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.v[0].title, "../../etc/passwd\x01\x1b[31m");
	rl_item_list_release(&list);
	assert_int_equal(rl_extract(&list, rss, strlen(rss), RL_FORMAT_AUTO, NULL), 0);
	assert_int_equal(list.n, 1);
	assert_non_null(strstr(list.v[0].title, "../../etc/passwd"));
	assert_string_equal(list.v[0].guid, "/../..");
	rl_item_list_release(&list);
}

static void test_too_many_items_is_an_error_and_leaves_nothing(void **state)
{
	size_t n = RL_ITEMS_MAX + 10, len = 0;
	char *text = malloc(n * 40 + 16);
	rl_item_list list = RL_ITEM_LIST_INIT;

	assert_non_null(text);
	len += (size_t)sprintf(text, "Kop\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "KYIV (ANP) - Bericht %zu.\n", i);
	assert_int_equal(rl_extract_text(&list, text, len, NULL), RL_ETOOBIG);
	assert_int_equal(list.n, 0);
	rl_item_list_release(&list);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input_gives_no_items_in_every_format),
		cmocka_unit_test(test_nul_bytes_do_not_truncate),
		cmocka_unit_test(test_invalid_utf8_comes_out_valid),
		cmocka_unit_test(test_50_mb_input_is_too_big),
		cmocka_unit_test(test_deeply_nested_html),
		cmocka_unit_test(test_malformed_html),
		cmocka_unit_test(test_entity_bomb_does_not_expand),
		cmocka_unit_test(test_external_entities_are_not_read),
		cmocka_unit_test(test_path_like_and_control_characters_in_titles),
		cmocka_unit_test(test_too_many_items_is_an_error_and_leaves_nothing),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
