/* Edit classification: the kinds of edit one revision of a story holds. */
#include "testutil.h"
#include "redline/classify.h"
#include "redline/error.h"

#include <string.h>

static rl_edit_class classify(const char *ot, const char *ob, const char *nt, const char *nb)
{
	rl_edit_class c;
	memset(&c, 0, sizeof(c));
	assert_int_equal(rl_classify_edit(&c, ot, ob, nt, nb), 0);
	return c;
}

static void assert_describes(const rl_edit_class *c, const char *want)
{
	rl_buf b = RL_BUF_INIT(4096);
	assert_int_equal(rl_edit_class_describe(&b, c), 0);
	assert_string_equal(b.ptr, want);
	rl_buf_release(&b);
}

static void test_seed_story(void **state)
{
	rl_edit_class c = classify(
		"VS schatten aantal soldaten op 3000",
		"Noord-Korea heeft 3000 militairen gestuurd, schat het Pentagon.\nDe troepen vechten mee.\n",
		"VS schatten aantal soldaten op 10.000",
		"Noord-Korea heeft 10.000 militairen gestuurd, schat het Pentagon.\nDe troepen vechten mee.\n");
	assert_int_equal(c.kinds, RL_EDIT_HEADLINE | RL_EDIT_EDITED | RL_EDIT_FIGURES);
	assert_int_equal(c.edited, 1);
	assert_describes(&c, "headline changed; 1 sentence edited; figures schatten aantal soldaten: 3000 \u2192 10.000");
	rl_edit_class_release(&c);
}

/* A figure is its number with its unit: the same digits with another unit
 * ("5 mln" -> "5 mrd", "km" -> "mi", "%" -> "procentpunt") changed it; a
 * synonym of the unit ("mln" -> "miljoen", "%" -> "procent") did not. */
static void test_unit_only_figure_changes(void **state)
{
	static const struct {
		const char *old, *new, *want;
	} cases[] = {
		{ "Het kost 5 mln euro.\n", "Het kost 5 mrd euro.\n", "1 sentence edited; figures kost: 5 mln euro \u2192 5 mrd euro" },
		{ "Er kwamen 3 million mensen.\n", "Er kwamen 3 billion mensen.\n", "1 sentence edited; figures mensen: 3 million \u2192 3 billion" },
		{ "De steun steeg met 20 %.\n", "De steun steeg met 20 procentpunt.\n",
		  "1 sentence edited; figures steun steeg: 20 % \u2192 20 procentpunt" },
		{ "The storm travelled 120 km inland.\n", "The storm travelled 120 mi inland.\n",
		  "1 sentence edited; figures storm travelled: 120 km \u2192 120 mi" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rl_edit_class c = classify("Kop", cases[i].old, "Kop", cases[i].new);
		assert_true(c.kinds & RL_EDIT_FIGURES);
		assert_describes(&c, cases[i].want);
		rl_edit_class_release(&c);
	}
	rl_edit_class c = classify("Kop", "Het kost 5 mln euro.\n", "Kop", "Het kost 5 miljoen euro.\n");
	assert_false(c.kinds & RL_EDIT_FIGURES);
	rl_edit_class_release(&c);
	c = classify("Kop", "De werkloosheid is 12%.\n", "Kop", "De werkloosheid is 12 procent.\n");
	assert_false(c.kinds & RL_EDIT_FIGURES);
	rl_edit_class_release(&c);
}

static void test_added_removed_moved(void **state)
{
	rl_edit_class c = classify("T", "Een twee drie vier.\nVijf zes zeven acht.\nNegen tien elf.\n", "T",
				   "Vijf zes zeven acht.\nNegen tien elf.\nEen twee drie vier.\nNieuw hier erbij gezet.\n");
	assert_int_equal(c.kinds, RL_EDIT_ADDED | RL_EDIT_MOVED);
	assert_int_equal(c.moved, 1);
	assert_int_equal(c.added, 1);
	assert_describes(&c, "1 sentence added, 1 moved");
	rl_edit_class_release(&c);
	c = classify("T", "Een zin.\nNog een andere zin.\n", "T", "Een zin.\n");
	assert_int_equal(c.kinds, RL_EDIT_REMOVED);
	rl_edit_class_release(&c);
}

static void test_punctuation_only_is_minor(void **state)
{
	rl_edit_class c = classify("Kop", "Hij zei dat het zo was.\n", "Kop.", "Hij zei, dat het zo was .\n");
	assert_int_equal(c.kinds, RL_EDIT_MINOR);
	assert_describes(&c, "minor: whitespace, punctuation or case only");
	rl_edit_class_release(&c);
}

static void test_quotes_changed(void **state)
{
	rl_edit_class c = classify("T", "\u201cWe gaan door\u201d, zei de minister.\n", "T",
				   "\u201cWe stoppen ermee\u201d, zei de minister.\n");
	assert_true(c.kinds & RL_EDIT_QUOTES);
	assert_int_equal(c.quotes, 1);
	rl_edit_class_release(&c);
	c = classify("T", "\u201eWir machen weiter\u201c, sagte er.\n", "T", "\u201eWir machen weiter\u201c, sagte er heute.\n");
	assert_false(c.kinds & RL_EDIT_QUOTES);
	rl_edit_class_release(&c);
}

static void test_correction_notices(void **state)
{
	static const char *const notices[] = {
		"Correction: An earlier version misstated the date.",
		"Update: the minister has since resigned.",
		"Rectificatie: in een eerdere versie stond een verkeerde naam.",
		"Correctie: de burgemeester heet Jansen.",
		"Korrektur: In einer früheren Version hieß es falsch.",
		"Correctif : une erreur s'est glissée.",
		"*An earlier version of this article misspelled her name.",
	};
	for (size_t i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		assert_true(rl_classify_is_notice(notices[i]));
	assert_false(rl_classify_is_notice("De correctie van de beurs duurde voort."));
	assert_false(rl_classify_is_notice("Updates volgen later vandaag."));

	rl_edit_class c = classify("T", "Het nieuws.\n", "T",
				   "Het nieuws.\n\nCorrection: An earlier version misstated the date.\n");
	assert_true(c.kinds & RL_EDIT_CORRECTION);
	assert_string_equal(c.notice, "Correction: An earlier version misstated the date.");
	rl_edit_class_release(&c);
}

static void test_new_story(void **state)
{
	rl_edit_class c = classify(NULL, NULL, "T", "Body.\n");
	assert_int_equal(c.kinds, RL_EDIT_NEW);
	assert_describes(&c, "new");
	rl_edit_class_release(&c);
}

static void test_kind_names(void **state)
{
	unsigned k;
	rl_buf b = RL_BUF_INIT(256);

	assert_int_equal(rl_edit_kinds_parse(&k, "figures,Headline"), 0);
	assert_int_equal(k, RL_EDIT_FIGURES | RL_EDIT_HEADLINE);
	assert_int_equal(rl_edit_kinds_format(&b, k, ","), 0);
	assert_string_equal(b.ptr, "headline,figures");
	assert_int_equal(rl_edit_kinds_parse(&k, "figure"), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "unknown kind 'figure'"));
	assert_int_equal(rl_edit_kinds_parse(&k, ""), RL_EINVAL);
	rl_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_story),
		cmocka_unit_test(test_unit_only_figure_changes),
		cmocka_unit_test(test_added_removed_moved),
		cmocka_unit_test(test_punctuation_only_is_minor),
		cmocka_unit_test(test_quotes_changed),
		cmocka_unit_test(test_correction_notices),
		cmocka_unit_test(test_new_story),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
