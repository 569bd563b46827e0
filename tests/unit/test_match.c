/* Matching stories without a URL: edited stories stay one story, different
 * stories never merge, one-to-one and best match first. */
#include "testutil.h"
#include "redline/match.h"

#include <stdlib.h>
#include <string.h>

static const char *main_old =
	"VS schatten aantal Noord-Koreaanse soldaten in Rusland op 3000\n"
	"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 3000 militairen naar Rusland gestuurd, "
	"schat het Amerikaanse Pentagon.\n"
	"De troepen worden \"waarschijnlijk\" gebruikt om de Russische krijgsmacht te versterken die in "
	"het grensgebied vecht tegen de Oekraïners, aldus een Pentagon-woordvoerder.\n"
	"Rusland en Noord-Korea hebben niet bevestigd dat er troepen worden geleverd, maar spreken "
	"steevast over een nauwe militaire samenwerking.";
static const char *main_new =
	"VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000\n"
	"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd, "
	"schat het Amerikaanse Pentagon. Vorige week dachten de Verenigde Staten nog dat het om 3000 "
	"soldaten ging.\n"
	"De troepen worden \"waarschijnlijk\" gebruikt om de Russische krijgsmacht te versterken die in "
	"het grensgebied vecht tegen de Oekraïners, aldus een Pentagon-woordvoerder.\n"
	"Rusland en Noord-Korea hebben niet bevestigd dat er troepen worden geleverd, maar spreken "
	"steevast over een nauwe militaire samenwerking.";
static const char *wire_a =
	"WASHINGTON (ANP) - Het Amerikaanse ministerie van Justitie benadrukt dat niet alles geloofd "
	"moet worden wat over president Donald Trump wordt gezegd in vrijgegeven documentatie.";
static const char *wire_b =
	"WASHINGTON (ANP) - De Amerikaanse regering rolt landelijk een nieuwe aanpak uit om "
	"asielaanvragen te kunnen afwijzen. Het uitgangspunt is dat asielzoekers die vervolging vrezen "
	"in hun thuisland ook kunnen worden overgebracht naar landen waar ze zelf niet vandaan komen.";
static const char *wire_c =
	"KYIV (ANP) - De Oekraïense president Volodymyr Zelensky zegt dat er samen met de VS "
	"verschillende conceptdocumenten zijn opgesteld over het beëindigen van de oorlog met Rusland.";

static double sim(const char *a, const char *b)
{
	rl_match_fingerprint *fa, *fb;
	double s;
	assert_int_equal(rl_match_fingerprint_new(&fa, a), 0);
	assert_int_equal(rl_match_fingerprint_new(&fb, b), 0);
	s = rl_match_fingerprint_similarity(fa, fb);
	rl_match_fingerprint_free(fa);
	rl_match_fingerprint_free(fb);
	return s;
}

static void test_identical_texts_score_one(void **state)
{
	assert_true(sim(main_new, main_new) > 0.999);
}

static void test_edited_story_scores_above_threshold(void **state)
{
	double s = sim(main_old, main_new);
	assert_true(s > RL_MATCH_THRESHOLD + 0.2);
}

static void test_different_wire_items_score_below_threshold(void **state)
{
	assert_true(sim(wire_a, wire_b) < RL_MATCH_THRESHOLD - 0.2);
	assert_true(sim(wire_a, wire_c) < RL_MATCH_THRESHOLD - 0.2);
	assert_true(sim(main_new, wire_c) < RL_MATCH_THRESHOLD - 0.2);
}

static void test_case_and_punctuation_do_not_matter(void **state)
{
	assert_true(sim("Polen wil toetreden tot de G20.", "polen WIL toetreden, tot de g20") > 0.999);
}

static void test_empty_texts_never_match(void **state)
{
	assert_true(sim("", "") == 0.0);
	assert_true(sim("", "iets") == 0.0);
}

static void test_pairs_are_one_to_one_best_first(void **state)
{
	const char *prev[] = { wire_a, main_old, wire_b };
	const char *cur[] = { main_new, wire_c, wire_b, main_old };
	rl_match_fingerprint *fp[3], *fc[4];
	ptrdiff_t match[4];

	for (int i = 0; i < 3; i++)
		assert_int_equal(rl_match_fingerprint_new(&fp[i], prev[i]), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(rl_match_fingerprint_new(&fc[i], cur[i]), 0);
	assert_int_equal(rl_match_pairs(match, (const rl_match_fingerprint *const *)fp, 3,
					(const rl_match_fingerprint *const *)fc, 4, RL_MATCH_THRESHOLD), 0);
	/* main_old continues as itself (score 1) rather than as the edited main_new */
	assert_int_equal(match[3], 1);
	assert_int_equal(match[0], -1);
	assert_int_equal(match[1], -1);
	assert_int_equal(match[2], 2);
	for (int i = 0; i < 3; i++)
		rl_match_fingerprint_free(fp[i]);
	for (int i = 0; i < 4; i++)
		rl_match_fingerprint_free(fc[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_texts_score_one),
		cmocka_unit_test(test_edited_story_scores_above_threshold),
		cmocka_unit_test(test_different_wire_items_score_below_threshold),
		cmocka_unit_test(test_case_and_punctuation_do_not_matter),
		cmocka_unit_test(test_empty_texts_never_match),
		cmocka_unit_test(test_pairs_are_one_to_one_best_first),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
