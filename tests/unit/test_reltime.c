/* Relative times: removed where they are a page's timestamp, kept where they
 * are news.  Each case goes through the whole pipeline, so "removed" means
 * "the line is empty or only the rest of the line is left". */
#include "testutil.h"
#include "redline/error.h"
#include "redline/normalise.h"

#include <stdlib.h>
#include <string.h>

static rl_normaliser *nz;

static int setup(void **state)
{
	return rl_normaliser_new(&nz, NULL, 0);
}

static int teardown(void **state)
{
	rl_normaliser_free(nz);
	return 0;
}

static void expect(const char *in, const char *want)
{
	char *out = NULL;
	assert_int_equal(rl_normalise_text(&out, nz, in, strlen(in)), 0);
	if (strcmp(out, want) != 0)
		fail_msg("'%s' became '%s', wanted '%s'", in, out, want);
	free(out);
}

static void expect_removed(const char *const *labels)
{
	for (; *labels; labels++)
		expect(*labels, "");
}

#define REMOVED(...) expect_removed((const char *const[]){ __VA_ARGS__, NULL })

static void test_dutch_labels_removed(void **state)
{
	REMOVED("2 uur geleden", "10 min geleden", "1 minuut geleden", "3 minuten geleden",
		"30 sec. geleden", "een uur geleden", "één dag geleden", "2 dagen geleden",
		"5u geleden", "gisteren", "Gisteren", "eergisteren", "zojuist", "Vandaag",
		"Bijgewerkt 5 minuten geleden", "Bijgewerkt: 2 uur geleden", "gisteren 14:32",
		"Gisteren om 18.45 uur", "enkele minuten geleden");
}

static void test_english_labels_removed(void **state)
{
	REMOVED("2 hours ago", "5 minutes ago", "an hour ago", "a minute ago", "3h ago",
		"5 mins ago", "1 day ago", "a few minutes ago", "yesterday", "Yesterday",
		"just now", "Just now", "moments ago", "Updated 3 hours ago",
		"Updated: 20 min ago", "yesterday at 5:30 pm", "2 HOURS AGO");
}

static void test_german_labels_removed(void **state)
{
	REMOVED("vor 3 Stunden", "vor einer Stunde", "vor 5 Min.", "vor 10 Minuten",
		"vor 2 Tagen", "vor einem Tag", "vor wenigen Minuten", "gestern", "Gestern",
		"vorgestern", "gerade eben", "Aktualisiert vor 3 Stunden", "gestern, 18:45 Uhr");
}

static void test_french_labels_removed(void **state)
{
	REMOVED("il y a 2 heures", "il y a 5 min", "Il y a une heure", "il y a 3 jours",
		"il y a quelques minutes", "il y a 2 h", "hier", "Hier", "avant-hier",
		"à l'instant", "À l’instant", "Mis à jour il y a 2 heures", "hier à 18h30");
}

static void test_numeric_label_removed_anywhere(void **state)
{
	expect("2 uur geledenANKARA (ANP/RTR) - Het wrak", "ANKARA (ANP/RTR) - Het wrak");
	expect("Het wrak is gevonden. 10 uur geleden", "Het wrak is gevonden.");
	expect("Hij kwam 10 min geleden binnen", "Hij kwam binnen");
	expect("Posted 5 minutes ago by Jane", "by Jane");
	/* only the label goes: punctuation around it stays */
	expect("Le texte, publié il y a 2 heures, dit", "Le texte, , dit");
	expect("Nachricht vor 3 Stunden: Alarm", "Nachricht : Alarm");
}

static void test_bare_word_glued_to_line_start_or_end_removed(void **state)
{
	expect("gisterenANKARA (ANP) - Het wrak", "ANKARA (ANP) - Het wrak");
	expect("YesterdayWASHINGTON (AP) - The", "WASHINGTON (AP) - The");
	expect("Het wrak is gevonden. Gisteren", "Het wrak is gevonden.");
	expect("Le président est arrivé.hier", "Le président est arrivé.");
}

static void test_bare_words_in_sentences_kept(void **state)
{
	const char *keep[] = {
		"Gisteren stemde de Kamer over de begroting.",
		"De Kamer stemde gisteren over de begroting",
		"Het kabinet heeft zojuist besloten",
		"Yesterday the senate voted.",
		"The senate voted yesterday",
		"Gestern hat der Bundestag abgestimmt.",
		"Hier, le président a parlé.",
		"Le président est arrivé hier",
		"Hier staat de tekst.",
		"Il vient de partir à l'instant même.",
		"Today's news is bad.",
		"HIERONYMUS BOSCH",
		"TODAYS SPECIAL",
	};
	for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++)
		expect(keep[i], keep[i]);
}

static void test_longer_units_are_facts_and_kept(void **state)
{
	const char *keep[] = {
		"De aanslag van 2 jaar geleden",
		"3 weken geleden",
		"een maand geleden",
		"10 years ago",
		"two weeks ago",
		"vor 2 Jahren",
		"vor 3 Wochen",
		"il y a 2 ans",
		"il y a 3 mois",
	};
	for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++)
		expect(keep[i], keep[i]);
}

static void test_no_partial_word_matches(void **state)
{
	const char *keep[] = {
		"5 minutes agony",
		"il y a 2 hommes",
		"vor 2 m hohen Mauern",
		"meteen uur geleden",
		"Het 2 uurs geledene",
		"52 uurwerken geleden",
	};
	for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++)
		expect(keep[i], keep[i]);
}

static void test_only_the_label_line_of_a_paragraph_goes(void **state)
{
	expect("Eerste alinea.\nGisteren\nTweede alinea.", "Eerste alinea.\nTweede alinea.");
}

static void test_rules_are_listed_and_each_compiles(void **state)
{
	size_t n;
	const char *const *rules = rl_normalise_reltime_rules(&n);
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++)
		assert_non_null(rules[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dutch_labels_removed),
		cmocka_unit_test(test_english_labels_removed),
		cmocka_unit_test(test_german_labels_removed),
		cmocka_unit_test(test_french_labels_removed),
		cmocka_unit_test(test_numeric_label_removed_anywhere),
		cmocka_unit_test(test_bare_word_glued_to_line_start_or_end_removed),
		cmocka_unit_test(test_bare_words_in_sentences_kept),
		cmocka_unit_test(test_longer_units_are_facts_and_kept),
		cmocka_unit_test(test_no_partial_word_matches),
		cmocka_unit_test(test_only_the_label_line_of_a_paragraph_goes),
		cmocka_unit_test(test_rules_are_listed_and_each_compiles),
	};
	return tu_run_group_tests(tests, setup, teardown);
}
