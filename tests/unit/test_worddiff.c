/* Word diffs: figures stay one token, segments give back both texts, and the
 * renderer speaks git's --word-diff dialect. */
#include "testutil.h"
#include "redline/worddiff.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

static void assert_tokens(const char *text, const char *const *want, size_t n)
{
	rl_strvec v = RL_STRVEC_INIT;
	assert_int_equal(rl_worddiff_tokenize(&v, text), 0);
	for (size_t i = 0; i < n && i < v.n; i++)
		assert_string_equal(v.v[i], want[i]);
	assert_int_equal(v.n, n);
	rl_strvec_release(&v);
}

static void test_figures_are_one_token(void **state)
{
	const char *const a[] = { "op", " ", "10.000", ",", " ", "3,5", " ", "en", " ",
				  "1.200.000", "." };
	const char *const b[] = { "2024", ".", " ", "G20", " ", "12", "%", " ", "\xe2\x82\xac",
				  "4,5" };
	assert_tokens("op 10.000, 3,5 en 1.200.000.", a, sizeof(a) / sizeof(a[0]));
	assert_tokens("2024. G20 12% \xe2\x82\xac" "4,5", b, sizeof(b) / sizeof(b[0]));
}

static void test_utf8_letters_stay_in_words(void **state)
{
	const char *const a[] = { "Oekra\xc3\xafners", " \n\n", "priv\xc3\xa9jet", "-", "x" };
	assert_tokens("Oekra\xc3\xafners \n\npriv\xc3\xa9jet-x", a, sizeof(a) / sizeof(a[0]));
}

static char *side(const rl_worddiff *d, rl_worddiff_kind skip)
{
	rl_buf b = RL_BUF_INIT(1 << 20);
	for (size_t i = 0; i < d->n; i++) {
		assert_true(d->v[i].text[0] != '\0');
		if (d->v[i].kind != skip)
			assert_int_equal(rl_buf_puts(&b, d->v[i].text), 0);
	}
	return rl_buf_detach(&b);
}

static void check_roundtrip(const char *old, const char *new)
{
	rl_worddiff d = RL_WORDDIFF_INIT;
	char *o, *n;

	assert_int_equal(rl_worddiff_compute(&d, old, new), 0);
	o = side(&d, RL_WORDDIFF_ADDED);
	n = side(&d, RL_WORDDIFF_REMOVED);
	assert_string_equal(o, old);
	assert_string_equal(n, new);
	for (size_t i = 1; i < d.n; i++)
		assert_true(d.v[i].kind != d.v[i - 1].kind);
	free(o);
	free(n);
	rl_worddiff_release(&d);
}

static void test_segments_give_back_both_texts(void **state)
{
	check_roundtrip("", "");
	check_roundtrip("", "new text\n");
	check_roundtrip("old text\n", "");
	check_roundtrip("a b c\nd e f\n", "a x c\nd e f g\n");
	check_roundtrip("back\\slash\nline", "back\\slash line\n");
	check_roundtrip("same\n", "same\n");
}

static void test_changed_figure_is_one_segment(void **state)
{
	rl_worddiff d = RL_WORDDIFF_INIT;
	assert_int_equal(rl_worddiff_compute(&d, "soldaten in Rusland op 3000\n",
					     "soldaten in Rusland op 10.000\n"), 0);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.v[0].kind, RL_WORDDIFF_SAME);
	assert_string_equal(d.v[0].text, "soldaten in Rusland op ");
	assert_int_equal(d.v[1].kind, RL_WORDDIFF_REMOVED);
	assert_string_equal(d.v[1].text, "3000");
	assert_int_equal(d.v[2].kind, RL_WORDDIFF_ADDED);
	assert_string_equal(d.v[2].text, "10.000");
	assert_string_equal(d.v[3].text, "\n");
	rl_worddiff_release(&d);
}

static void test_render_plain_and_color(void **state)
{
	rl_worddiff d = RL_WORDDIFF_INIT;
	rl_buf b = RL_BUF_INIT(1 << 16);

	assert_int_equal(rl_worddiff_compute(&d, "Titel\nop 3000 man.\nrest\n",
					     "Titel\nop 10.000 man.\nrest\n"), 0);
	assert_int_equal(rl_worddiff_render(&b, &d, 0), 0);
	assert_string_equal(b.ptr, "Titel\nop [-3000-]{+10.000+} man.\nrest\n");
	rl_buf_clear(&b);
	assert_int_equal(rl_worddiff_render(&b, &d, RL_WORDDIFF_RENDER_CHANGED), 0);
	assert_string_equal(b.ptr, "op [-3000-]{+10.000+} man.\n");
	rl_buf_clear(&b);
	assert_int_equal(rl_worddiff_render(&b, &d, RL_WORDDIFF_RENDER_CHANGED | RL_WORDDIFF_RENDER_COLOR), 0);
	assert_string_equal(b.ptr, "op \033[31m3000\033[m\033[32m10.000\033[m man.\n");
	rl_buf_release(&b);
	rl_worddiff_release(&d);
}

static void test_removed_sentence_line_is_marked(void **state)
{
	rl_worddiff d = RL_WORDDIFF_INIT;
	rl_buf b = RL_BUF_INIT(1 << 16);

	assert_int_equal(rl_worddiff_compute(&d, "Een.\nTwee weg.\nDrie.\n", "Een.\nDrie.\n"), 0);
	assert_int_equal(rl_worddiff_render(&b, &d, RL_WORDDIFF_RENDER_CHANGED), 0);
	assert_non_null(strstr(b.ptr, "[-"));
	assert_non_null(strstr(b.ptr, "Twee weg."));
	assert_null(strstr(b.ptr, "Drie"));
	rl_buf_release(&b);
	rl_worddiff_release(&d);
}

static void test_huge_input_is_refused(void **state)
{
	rl_worddiff d = RL_WORDDIFF_INIT;
	size_t n = RL_WORDDIFF_MAX_BYTES + 1;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	assert_int_equal(rl_worddiff_compute(&d, big, "a"), RL_ETOOBIG);
	assert_int_equal(d.n, 0);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures_are_one_token),
		cmocka_unit_test(test_utf8_letters_stay_in_words),
		cmocka_unit_test(test_segments_give_back_both_texts),
		cmocka_unit_test(test_changed_figure_is_one_segment),
		cmocka_unit_test(test_render_plain_and_color),
		cmocka_unit_test(test_removed_sentence_line_is_marked),
		cmocka_unit_test(test_huge_input_is_refused),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
