/* Sentence alignment: which sentence of one version became which of the next. */
#include "testutil.h"
#include "redline/align.h"
#include "redline/error.h"

#include <string.h>

static rl_alignment align(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	rl_alignment al = RL_ALIGNMENT_INIT;
	assert_int_equal(rl_align_sentences(&al, a, na, b, nb), 0);
	return al;
}

/* The step that holds new sentence j (or old sentence i with j NONE). */
static const rl_align_step *step_for(const rl_alignment *al, size_t old, size_t new)
{
	for (size_t k = 0; k < al->n; k++)
		if ((new != RL_ALIGN_NONE && al->v[k].new == new) ||
		    (new == RL_ALIGN_NONE && al->v[k].old == old))
			return &al->v[k];
	fail_msg("no step for old %zu new %zu", old, new);
	return NULL;
}

static void test_identical_versions_are_all_same(void **state)
{
	const char *a[] = { "Een.", "Twee.", "Drie." };
	rl_alignment al = align(a, 3, a, 3);
	assert_int_equal(al.n, 3);
	assert_int_equal(al.counts[RL_ALIGN_SAME], 3);
	rl_alignment_release(&al);
}

/* The word soup: a rewritten paragraph diffed in page order. */
static void test_edited_sentence_pairs_with_its_old_self(void **state)
{
	const char *a[] = { "Luis Muñoz Marín was the first elected governor of Puerto Rico.",
			    "The New York Times reported on the election in 1948." };
	const char *b[] = { "A short new introduction was added here.",
			    "The New York Times reported extensively on the election in 1948.",
			    "Luis Muñoz Marín was the first elected governor of the island." };
	rl_alignment al = align(a, 2, b, 3);
	const rl_align_step *s;

	assert_int_equal(step_for(&al, 0, 0)->op, RL_ALIGN_ADDED);
	s = step_for(&al, 0, 2);
	assert_int_equal(s->old, 0);
	assert_true(s->changed);
	s = step_for(&al, 1, 1);
	assert_int_equal(s->old, 1);
	/* one of the two changed its place relative to the other */
	assert_int_equal(al.counts[RL_ALIGN_MOVED], 1);
	assert_int_equal(al.counts[RL_ALIGN_REMOVED], 0);
	rl_alignment_release(&al);
}

static void test_moved_sentence_is_a_move(void **state)
{
	const char *a[] = { "Alpha one two three.", "Beta four five six.", "Gamma seven eight.",
			    "Delta nine ten." };
	const char *b[] = { "Beta four five six.", "Gamma seven eight.", "Delta nine ten.",
			    "Alpha one two three." };
	rl_alignment al = align(a, 4, b, 4);
	const rl_align_step *s = step_for(&al, 0, 3);

	assert_int_equal(s->op, RL_ALIGN_MOVED);
	assert_int_equal(s->old, 0);
	assert_false(s->changed);
	assert_int_equal(al.counts[RL_ALIGN_SAME], 3);
	assert_int_equal(al.counts[RL_ALIGN_ADDED] + al.counts[RL_ALIGN_REMOVED], 0);
	rl_alignment_release(&al);
}

static void test_removed_sentence_keeps_its_place(void **state)
{
	const char *a[] = { "Eerste zin hier.", "Tweede zin verdwijnt.", "Derde zin blijft." };
	const char *b[] = { "Eerste zin hier.", "Derde zin blijft." };
	rl_alignment al = align(a, 3, b, 2);

	assert_int_equal(al.n, 3);
	assert_int_equal(al.v[0].op, RL_ALIGN_SAME);
	assert_int_equal(al.v[1].op, RL_ALIGN_REMOVED);
	assert_int_equal(al.v[1].old, 1);
	assert_int_equal(al.v[2].op, RL_ALIGN_SAME);
	rl_alignment_release(&al);
}

static void test_unrelated_sentences_do_not_pair(void **state)
{
	const char *a[] = { "Het kabinet valt over de stikstofwet." };
	const char *b[] = { "Ajax verliest thuis van Feyenoord met 0-3." };
	rl_alignment al = align(a, 1, b, 1);

	assert_int_equal(al.counts[RL_ALIGN_ADDED], 1);
	assert_int_equal(al.counts[RL_ALIGN_REMOVED], 1);
	assert_true(rl_align_similarity(a[0], b[0]) < RL_ALIGN_THRESHOLD);
	rl_alignment_release(&al);
}

static void test_figures_compare_by_value(void **state)
{
	assert_true(rl_align_similarity("Er waren 10000 mensen.", "Er waren 10.000 mensen.") > 0.99);
	assert_true(rl_align_similarity("", "") == 0);
}

static void test_duplicate_sentences_pair_nearest(void **state)
{
	const char *a[] = { "Lees ook.", "Eerste bericht over de brand.", "Lees ook." };
	const char *b[] = { "Lees ook.", "Eerste bericht over de brand.", "Lees ook." };
	rl_alignment al = align(a, 3, b, 3);
	assert_int_equal(al.counts[RL_ALIGN_SAME], 3);
	rl_alignment_release(&al);
}

static void test_empty_sides(void **state)
{
	const char *b[] = { "Nieuw." };
	rl_alignment al = align(NULL, 0, b, 1);
	assert_int_equal(al.n, 1);
	assert_int_equal(al.v[0].op, RL_ALIGN_ADDED);
	rl_alignment_release(&al);
	al = align(b, 1, NULL, 0);
	assert_int_equal(al.v[0].op, RL_ALIGN_REMOVED);
	rl_alignment_release(&al);
	al = align(NULL, 0, NULL, 0);
	assert_int_equal(al.n, 0);
	rl_alignment_release(&al);
}

/* The longest in-order run, with entries that take no part: of 3 1 2 5 4
 * (one NONE between), 1 2 4 stay (the last run of length 3 found); a
 * descending list keeps one, an empty or all-NONE list none. */
static void test_in_order_run(void **state)
{
	const size_t n = RL_ALIGN_NONE;
	const size_t key[] = { 3, n, 1, 2, 5, 4 }, down[] = { 4, 3, 2, 1 }, none[] = { n, n };
	const unsigned char want[] = { 0, 0, 1, 1, 0, 1 };
	unsigned char keep[6];
	size_t kept = 0;

	assert_int_equal(rl_align_in_order(keep, key, 6), 0);
	assert_memory_equal(keep, want, 6);
	assert_int_equal(rl_align_in_order(keep, down, 4), 0);
	for (size_t i = 0; i < 4; i++)
		kept += keep[i];
	assert_int_equal(kept, 1);
	memset(keep, 7, sizeof(keep));
	assert_int_equal(rl_align_in_order(keep, none, 2), 0);
	assert_int_equal(keep[0] | keep[1], 0);
	assert_int_equal(rl_align_in_order(keep, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_versions_are_all_same),
		cmocka_unit_test(test_edited_sentence_pairs_with_its_old_self),
		cmocka_unit_test(test_moved_sentence_is_a_move),
		cmocka_unit_test(test_removed_sentence_keeps_its_place),
		cmocka_unit_test(test_unrelated_sentences_do_not_pair),
		cmocka_unit_test(test_figures_compare_by_value),
		cmocka_unit_test(test_duplicate_sentences_pair_nearest),
		cmocka_unit_test(test_empty_sides),
		cmocka_unit_test(test_in_order_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
