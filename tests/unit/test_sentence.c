/* The sentence splitter: one sentence per line, never inside figures,
 * abbreviations, initials, datelines or a quoted sentence. */
#include "testutil.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/normalise.h"
#include "redline/sentence.h"

#include <stdlib.h>
#include <string.h>

static int collect(void *ctx, const char *s, size_t len)
{
	return rl_strvec_pushn(ctx, s, len);
}

/* Splits `para` and checks the result against the NULL-terminated list;
 * rl_sentence_each() must hand over the same sentences. */
static void expect_split(const char *para, const char *const *want)
{
	rl_strvec v = RL_STRVEC_INIT, each = RL_STRVEC_INIT;
	size_t n = 0;

	assert_int_equal(rl_sentence_split(&v, para), 0);
	assert_int_equal(rl_sentence_each(para, collect, &each), 0);
	assert_int_equal(each.n, v.n);
	for (size_t i = 0; i < v.n; i++)
		assert_string_equal(each.v[i], v.v[i]);
	rl_strvec_release(&each);
	while (want[n])
		n++;
	for (size_t i = 0; i < v.n && i < n; i++)
		assert_string_equal(v.v[i], want[i]);
	if (v.n != n) {
		for (size_t i = 0; i < v.n; i++)
			print_message("got [%zu] %s\n", i, v.v[i]);
		fail_msg("%zu sentences, wanted %zu", v.n, n);
	}
	rl_strvec_release(&v);
}

#define SPLIT(para, ...) expect_split(para, (const char *const[]){ __VA_ARGS__, NULL })

static void test_splits_after_full_stop_before_capital(void **state)
{
	SPLIT("Het regent. De zon schijnt! Waarom? Daarom.",
	      "Het regent.", "De zon schijnt!", "Waarom?", "Daarom.");
}

static void test_no_split_before_lower_case(void **state)
{
	SPLIT("Hij zei iets. en toen niets.", "Hij zei iets. en toen niets.");
}

static void test_splits_before_digit_and_opening_quote(void **state)
{
	SPLIT("Het was koud. 3000 mensen kwamen. \"Geweldig\", zei hij.",
	      "Het was koud.", "3000 mensen kwamen.", "\"Geweldig\", zei hij.");
}

static void test_figures_stay_whole(void **state)
{
	SPLIT("Er kwamen 10.000 mensen, 3,5 procent meer. Dat is 1.200.000 euro of 3.5% van het totaal.",
	      "Er kwamen 10.000 mensen, 3,5 procent meer.",
	      "Dat is 1.200.000 euro of 3.5% van het totaal.");
}

static void test_figure_at_sentence_end_still_splits(void **state)
{
	SPLIT("Het aantal steeg naar 10.000. Vorige week waren het er 3000.",
	      "Het aantal steeg naar 10.000.", "Vorige week waren het er 3000.");
}

static void test_dateline_stays_with_its_sentence(void **state)
{
	SPLIT("WASHINGTON (ANP/AFP) - Noord-Korea heeft 10.000 militairen gestuurd. Dat meldt het Pentagon.",
	      "WASHINGTON (ANP/AFP) - Noord-Korea heeft 10.000 militairen gestuurd.",
	      "Dat meldt het Pentagon.");
}

static void test_dutch_abbreviations(void **state)
{
	SPLIT("Er waren o.a. Mr. Jansen, dr. De Vries, prof. Smit en ir. Bakker, d.w.z. veel experts. "
	      "Het ging m.b.t. de wet nr. 5 om bijv. ca. 300 mensen, drs. Pietersen telde mee.",
	      "Er waren o.a. Mr. Jansen, dr. De Vries, prof. Smit en ir. Bakker, d.w.z. veel experts.",
	      "Het ging m.b.t. de wet nr. 5 om bijv. ca. 300 mensen, drs. Pietersen telde mee.");
}

static void test_english_abbreviations(void **state)
{
	SPLIT("Mr. Smith met Mrs. Jones and Ms. Lee at St. Mary's with Dr. Who and Martin Luther King Jr. Today. "
	      "Some, e.g. Apple, i.e. Big Tech, moved to the U.S. Senate hearing vs. Google.",
	      "Mr. Smith met Mrs. Jones and Ms. Lee at St. Mary's with Dr. Who and Martin Luther King Jr. Today.",
	      "Some, e.g. Apple, i.e. Big Tech, moved to the U.S. Senate hearing vs. Google.");
}

static void test_german_abbreviations_and_dates(void **state)
{
	SPLIT("Viele Städte, z.B. Berlin, u.a. München bzw. Hamburg, sind betroffen. "
	      "Am 3. Oktober 1990 kam die Einheit, Nr. 1 der Geschichte. Dr. Müller sprach. Öffentlich wurde es später.",
	      "Viele Städte, z.B. Berlin, u.a. München bzw. Hamburg, sind betroffen.",
	      "Am 3. Oktober 1990 kam die Einheit, Nr. 1 der Geschichte.",
	      "Dr. Müller sprach.", "Öffentlich wurde es später.");
}

static void test_french_abbreviations(void **state)
{
	SPLIT("M. Macron et Mme. Borne sont arrivés. États, régions, etc. Tout le monde était là. Élysée confirme.",
	      "M. Macron et Mme. Borne sont arrivés.",
	      "États, régions, etc. Tout le monde était là.",
	      "Élysée confirme.");
}

static void test_initials(void **state)
{
	SPLIT("J.F. Kennedy sprak met Mark A. Rutte. Daarna vertrok hij.",
	      "J.F. Kennedy sprak met Mark A. Rutte.", "Daarna vertrok hij.");
}

static void test_ellipsis(void **state)
{
	SPLIT("Hij twijfelde... en ging toch. Wachten… Niemand kwam.",
	      "Hij twijfelde... en ging toch.", "Wachten…", "Niemand kwam.");
}

static void test_sentence_ending_inside_quotes_splits_after_them(void **state)
{
	SPLIT("Zei hij: \"Wij gaan.\" Daarna vertrok hij. Zij zei: „Nee!” En weg was ze.",
	      "Zei hij: \"Wij gaan.\"", "Daarna vertrok hij.", "Zij zei: „Nee!”", "En weg was ze.");
}

static void test_quoted_sentence_stays_one(void **state)
{
	SPLIT("\"Wij willen de stem van ons deel van Europa zijn.\"",
	      "\"Wij willen de stem van ons deel van Europa zijn.\"");
	SPLIT("Dat zei minister Domański. \"Wij willen de stem van ons deel van Europa zijn.\"",
	      "Dat zei minister Domański.", "\"Wij willen de stem van ons deel van Europa zijn.\"");
}

static void test_closing_bracket(void **state)
{
	SPLIT("Het werd goedgekeurd (met 76 stemmen.) Daarna was het stil.",
	      "Het werd goedgekeurd (met 76 stemmen.)", "Daarna was het stil.");
}

static void test_unicode_capitals_start_sentences(void **state)
{
	SPLIT("Es war kalt. Über Nacht fror es. Ähnlich war es gestern.",
	      "Es war kalt.", "Über Nacht fror es.", "Ähnlich war es gestern.");
}

static void test_trims_and_ignores_empty(void **state)
{
	rl_strvec v = RL_STRVEC_INIT;
	assert_int_equal(rl_sentence_split(&v, ""), 0);
	assert_int_equal(rl_sentence_split(&v, "   "), 0);
	assert_int_equal(v.n, 0);
	SPLIT("  Eén zin.  ", "Eén zin.");
	SPLIT("Regel een\nRegel twee", "Regel een", "Regel twee");
}

static void test_caps_sentences_without_losing_text(void **state)
{
	rl_buf b = RL_BUF_INIT(RL_NORMALISE_MAX);
	rl_strvec v = RL_STRVEC_INIT;
	size_t total = 0;

	for (int i = 0; i < RL_SENTENCE_MAX + 100; i++)
		assert_int_equal(rl_buf_puts(&b, "Ja. "), 0);
	assert_int_equal(rl_sentence_split(&v, b.ptr), 0);
	assert_int_equal(v.n, RL_SENTENCE_MAX);
	for (size_t i = 0; i < v.n; i++)
		total += strlen(v.v[i]) + 1;
	assert_int_equal(total, b.len);
	rl_strvec_release(&v);
	rl_buf_release(&b);
}

static void test_invalid_utf8_does_not_crash(void **state)
{
	rl_strvec v = RL_STRVEC_INIT;
	assert_int_equal(rl_sentence_split(&v, "Foo. \xC3 Bar. \xFF\xFE. Baz"), 0);
	assert_true(v.n >= 1);
	rl_strvec_release(&v);
}

/* Every line of the seed page, normalised, splits into sentences that put
 * together give back the line, and none ends in an abbreviation or figure. */
static void test_seed_page(void **state)
{
	char *path = tu_shared_path("seeds/000_cab50403b27c31fc.txt"), *raw, *text = NULL, *line;
	rl_normaliser *nz = NULL;
	rl_strvec v = RL_STRVEC_INIT;
	size_t len;

	if (path == NULL)
		tu_skip();
	assert_non_null(raw = tu_read_file(path, &len));
	assert_int_equal(rl_normaliser_new(&nz, NULL, 0), 0);
	assert_int_equal(rl_normalise_text(&text, nz, raw, len), 0);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		rl_buf joined = RL_BUF_INIT(RL_NORMALISE_MAX);
		size_t first = v.n;
		assert_int_equal(rl_sentence_split(&v, line), 0);
		for (size_t i = first; i < v.n; i++) {
			if (i > first)
				assert_int_equal(rl_buf_putc(&joined, ' '), 0);
			assert_int_equal(rl_buf_puts(&joined, v.v[i]), 0);
		}
		assert_string_equal(joined.ptr, line);
		rl_buf_release(&joined);
	}
	/* spot checks against the page's own sentences */
	{
		const char *want[] = {
			"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd, schat het Amerikaanse Pentagon.",
			"Vorige week dachten de Verenigde Staten nog dat het om 3000 soldaten ging.",
			"Dat zei minister van Financiën Andrzej Domański tegen persbureau Bloomberg.",
			"\"Wij willen de stem van ons deel van Europa zijn.\"",
			"ANKARA (ANP/RTR) - Het wrak van de privéjet die onder anderen de Libische legerleider Mohammed Ali Ahmed Al-Haddad vervoerde, is gevonden.",
		};
		for (size_t w = 0; w < sizeof(want) / sizeof(*want); w++) {
			bool found = false;
			for (size_t i = 0; i < v.n && !found; i++)
				found = strcmp(v.v[i], want[w]) == 0;
			if (!found)
				fail_msg("sentence not found: %s", want[w]);
		}
	}
	rl_strvec_release(&v);
	rl_normaliser_free(nz);
	free(text);
	free(raw);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splits_after_full_stop_before_capital),
		cmocka_unit_test(test_no_split_before_lower_case),
		cmocka_unit_test(test_splits_before_digit_and_opening_quote),
		cmocka_unit_test(test_figures_stay_whole),
		cmocka_unit_test(test_figure_at_sentence_end_still_splits),
		cmocka_unit_test(test_dateline_stays_with_its_sentence),
		cmocka_unit_test(test_dutch_abbreviations),
		cmocka_unit_test(test_english_abbreviations),
		cmocka_unit_test(test_german_abbreviations_and_dates),
		cmocka_unit_test(test_french_abbreviations),
		cmocka_unit_test(test_initials),
		cmocka_unit_test(test_ellipsis),
		cmocka_unit_test(test_sentence_ending_inside_quotes_splits_after_them),
		cmocka_unit_test(test_quoted_sentence_stays_one),
		cmocka_unit_test(test_closing_bracket),
		cmocka_unit_test(test_unicode_capitals_start_sentences),
		cmocka_unit_test(test_trims_and_ignores_empty),
		cmocka_unit_test(test_caps_sentences_without_losing_text),
		cmocka_unit_test(test_invalid_utf8_does_not_crash),
		cmocka_unit_test(test_seed_page),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
