/* Readable diffs: sentences matched before words are diffed, moves shown as
 * moves, -U context, the headline on top, INDEX files as stories added,
 * removed, moved and retitled, and HTML that escapes what the page said. */
#include "testutil.h"
#include "redline/readdiff.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

#define HEAD(t) "Title: " t "\nURL: https://example.nl/a\nSource: anp\nId: 3fa2c1d0e9ab\n\n"

static const char *old_text = HEAD("Storm hits coast")
	"Luis Muñoz Marín was the first elected governor of Puerto Rico.\n"
	"Officials counted 3000 ballots by noon.\n"
	"Turnout was high in the capital.\n"
	"The count ends tonight.\n";
static const char *new_text = HEAD("Storm hits coast, officials say")
	"Officials counted 10.000 ballots by noon.\n"
	"Turnout was high in the capital.\n"
	"Luis Muñoz Marín was the first elected governor of Puerto Rico.\n"
	"The count ends tonight.\n";

static rl_rdiff compute(const char *a, const char *b, int is_index)
{
	rl_rdiff d;
	memset(&d, 0, sizeof(d));
	assert_int_equal(rl_rdiff_compute(&d, a, b, is_index), 0);
	return d;
}

static char *text_of(const rl_rdiff *d, size_t context)
{
	rl_buf b = RL_BUF_INIT(1 << 20);
	assert_int_equal(rl_rdiff_render_text(&b, d, context, 0), 0);
	return rl_buf_detach(&b);
}

static void test_moved_sentence_is_a_move_not_a_removal_and_an_addition(void **state)
{
	rl_rdiff d = compute(old_text, new_text, 0);
	size_t moved = 0, added = 0, removed = 0;

	(void)state;
	for (size_t i = 0; i < d.n; i++) {
		moved += d.v[i].op == RL_ALIGN_MOVED;
		added += d.v[i].op == RL_ALIGN_ADDED;
		removed += d.v[i].op == RL_ALIGN_REMOVED;
	}
	assert_int_equal(moved, 1);
	assert_int_equal(added, 0);
	assert_int_equal(removed, 0);
	char *t = text_of(&d, 3);
	assert_non_null(strstr(t, "> (moved from sentence 1) Luis Muñoz Marín"));
	/* matched sentences are diffed against their own old selves */
	assert_non_null(strstr(t, "~ Officials counted [-3000-]{+10.000+} ballots by noon."));
	assert_null(strstr(t, "[-Luis"));
	free(t);
	rl_rdiff_release(&d);
}

static void test_headline_on_top_and_figures_line(void **state)
{
	rl_rdiff d = compute(old_text, new_text, 0);
	char *t = text_of(&d, 0);

	(void)state;
	assert_int_equal(strncmp(t, "headline: Storm hits coast{+, officials say+}\n", 45), 0);
	assert_non_null(strstr(t, "figures: ballots: 3000 \u2192 10.000\n"));
	free(t);
	rl_rdiff_release(&d);
}

static void test_context_lines(void **state)
{
	const char *a = HEAD("T") "One.\nTwo.\nThree changes here.\nFour.\nFive.\n";
	const char *b = HEAD("T") "One.\nTwo.\nThree changed here.\nFour.\nFive.\n";
	rl_rdiff d = compute(a, b, 0);
	char *u0 = text_of(&d, 0), *u1 = text_of(&d, 1), *u9 = text_of(&d, 9);

	(void)state;
	assert_non_null(strstr(u0, "Three"));
	assert_null(strstr(u0, "Two."));
	assert_null(strstr(u0, "Four."));
	assert_non_null(strstr(u1, "Two."));
	assert_non_null(strstr(u1, "Four."));
	assert_null(strstr(u1, "One."));
	assert_non_null(strstr(u9, "One."));
	assert_non_null(strstr(u9, "Five."));
	free(u0);
	free(u1);
	free(u9);
	rl_rdiff_release(&d);
}

static void test_index_as_stories_added_removed_moved_retitled(void **state)
{
	const char *a = "aaaaaaaaaaaa First story\nbbbbbbbbbbbb Second story\ncccccccccccc Third story\n";
	const char *b = "cccccccccccc Third story\naaaaaaaaaaaa First story, updated\ndddddddddddd A new one\n";
	rl_rdiff d = compute(a, b, 1);
	int added = 0, removed = 0, moved_or_retitled = 0;

	(void)state;
	assert_true(d.is_index);
	assert_int_equal(d.n, 0); /* no word soup of two headlines */
	for (size_t i = 0; i < d.n_ix; i++) {
		const rl_index_change *c = &d.ix[i];
		if (strcmp(c->kind, "added") == 0) {
			assert_string_equal(c->id, "dddddddddddd");
			added++;
		} else if (strcmp(c->kind, "removed") == 0) {
			assert_string_equal(c->id, "bbbbbbbbbbbb");
			removed++;
		} else {
			moved_or_retitled++;
		}
	}
	assert_int_equal(added, 1);
	assert_int_equal(removed, 1);
	assert_true(moved_or_retitled >= 1);
	/* the retitled story keeps both titles */
	int retitled = 0;
	for (size_t i = 0; i < d.n_ix; i++)
		if (strcmp(d.ix[i].id, "aaaaaaaaaaaa") == 0) {
			assert_non_null(d.ix[i].old_title);
			assert_string_equal(d.ix[i].old_title, "First story");
			retitled = 1;
		}
	assert_true(retitled);
	rl_rdiff_release(&d);
}

static void test_html_escapes_hostile_text_and_marks_figures(void **state)
{
	const char *a = HEAD("<script>alert(1)</script>") "A \"quoted\" <b>bold</b> & 3000 men.\n";
	const char *b = HEAD("<script>alert(2)</script>") "A \"quoted\" <b>bold</b> & 10.000 men.\n<img src=x onerror=alert(3)>\n";
	rl_rdiff d = compute(a, b, 0);
	rl_buf h = RL_BUF_INIT(1 << 20), s = RL_BUF_INIT(1 << 20);

	(void)state;
	assert_int_equal(rl_rdiff_render_html(&h, &d, 3, 0), 0);
	assert_int_equal(rl_rdiff_render_html(&s, &d, 3, 1), 0);
	for (int k = 0; k < 2; k++) {
		const char *html = k ? s.ptr : h.ptr;
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<img"));
		assert_null(strstr(html, "<b>"));
		if (strstr(html, "&lt;img src=x onerror=alert(") == NULL)
			fail_msg("%s", html);
		assert_non_null(strstr(html, "&amp;"));
		assert_non_null(strstr(html, "<mark class=\"fig\">10.000</mark>"));
	}
	rl_buf_release(&h);
	rl_buf_release(&s);
	rl_rdiff_release(&d);
}

static void test_html_escape(void **state)
{
	rl_buf b = RL_BUF_INIT(1024);

	(void)state;
	assert_int_equal(rl_html_escape(&b, "<a href=\"x\">'&'</a>"), 0);
	assert_string_equal(b.ptr, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	rl_buf_release(&b);
}

static void test_new_and_deleted_story(void **state)
{
	rl_rdiff d = compute(NULL, old_text, 0);

	(void)state;
	assert_true(d.cls.kinds & RL_EDIT_NEW);
	for (size_t i = 0; i < d.n; i++)
		assert_int_equal(d.v[i].op, RL_ALIGN_ADDED);
	rl_rdiff_release(&d);
	d = compute(old_text, NULL, 0);
	for (size_t i = 0; i < d.n; i++)
		assert_int_equal(d.v[i].op, RL_ALIGN_REMOVED);
	assert_true(d.n == 4);
	rl_rdiff_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_sentence_is_a_move_not_a_removal_and_an_addition),
		cmocka_unit_test(test_headline_on_top_and_figures_line),
		cmocka_unit_test(test_context_lines),
		cmocka_unit_test(test_index_as_stories_added_removed_moved_retitled),
		cmocka_unit_test(test_html_escapes_hostile_text_and_marks_figures),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_new_and_deleted_story),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
