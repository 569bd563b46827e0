/*
 * Bounded work per byte: inside the 16 MiB input cap, documents made of
 * nothing but elements (2 M sibling <p>, 500 k <div><a>) are refused with
 * a clear error before libxml2 builds a tree (it cost 1.3 GB and 41 s),
 * HTML and feeds alike, UTF-16 too; a big page under the cap still parses.
 */
#include "testutil.h"
#include "redline/error.h"
#include "redline/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *repeat(size_t *len, const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	*len = hl + ul * n + tl;
	return s;
}

static void expect_refused(const char *data, size_t len, rl_format f)
{
	rl_item_list items = { 0 };
	rl_item article = { 0 };

	assert_true(len <= RL_EXTRACT_MAX_INPUT);
	assert_int_equal(rl_extract(&items, data, len, f, NULL), RL_ETOOBIG);
	assert_non_null(strstr(rl_error_last(), "more than 120000 elements"));
	rl_item_list_release(&items);
	if (f == RL_FORMAT_HTML) {
		assert_int_equal(rl_extract_article(&article, data, len, NULL), RL_ETOOBIG);
		rl_item_clear(&article);
	}
}

static void test_two_million_paragraphs_are_refused(void **state)
{
	size_t len;
	char *s = repeat(&len, "<html><body>", "<p>x</p>\n", 1800000, "</body></html>");

	expect_refused(s, len, RL_FORMAT_HTML);
	free(s);
}

static void test_half_a_million_links_are_refused(void **state)
{
	size_t len;
	char *s = repeat(&len, "<html><body>", "<div><a href=/x>y</a></div>\n", 500000,
			 "</body></html>");

	expect_refused(s, len, RL_FORMAT_HTML);
	free(s);
}

static void test_feeds_and_utf16_are_bounded_too(void **state)
{
	size_t len;
	char *s = repeat(&len, "<?xml version=\"1.0\"?><rss><channel>", "<item><title>t</title></item>",
			 130000, "</channel></rss>");
	expect_refused(s, len, RL_FORMAT_RSS);
	free(s);

	/* "<p>x</p>" in UTF-16LE with its BOM: the NULs do not hide the tags. */
	len = 2 + 16 * 250000;
	assert_non_null(s = malloc(len));
	memcpy(s, "\xFF\xFE", 2);
	for (size_t i = 0; i < 250000; i++)
		memcpy(s + 2 + 16 * i, "<\0p\0>\0x\0<\0/\0p\0>\0", 16);
	expect_refused(s, len, RL_FORMAT_HTML);
	free(s);
}

static void test_a_big_real_size_page_still_parses(void **state)
{
	size_t len;
	char *s = repeat(&len, "<html><body>",
			 "<article><h2><a href=/a>A story title</a></h2><p>A lead.</p></article>\n",
			 4000, "</body></html>");
	rl_item_list items = { 0 };

	assert_int_equal(rl_extract(&items, s, len, RL_FORMAT_HTML, NULL), 0);
	assert_true(items.n > 0);
	rl_item_list_release(&items);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_million_paragraphs_are_refused),
		cmocka_unit_test(test_half_a_million_links_are_refused),
		cmocka_unit_test(test_feeds_and_utf16_are_bounded_too),
		cmocka_unit_test(test_a_big_real_size_page_still_parses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
