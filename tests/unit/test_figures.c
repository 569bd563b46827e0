/* Figures: which numbers changed value between two versions of a story. */
#include "testutil.h"
#include "redline/figures.h"
#include "redline/error.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static rl_figure_changes diff(const char *old, const char *new)
{
	rl_figure_changes c = RL_FIGURE_CHANGES_INIT;
	assert_int_equal(rl_figures_diff(&c, old, new), 0);
	return c;
}

static void assert_change(const rl_figure_change *c, const char *old, const char *new)
{
	if (old)
		assert_string_equal(c->old, old);
	else
		assert_null(c->old);
	if (new)
		assert_string_equal(c->new, new);
	else
		assert_null(c->new);
}

static void test_seed_story_3000_becomes_10000(void **state)
{
	rl_figure_changes c = diff(
		"Title: VS schatten aantal Noord-Koreaanse soldaten in Rusland op 3000\n\n"
		"Noord-Korea heeft inmiddels 3000 militairen naar Rusland gestuurd.\n",
		"Title: VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000\n\n"
		"Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd.\n");
	rl_buf b = RL_BUF_INIT(1024);

	assert_int_equal(c.n, 2);
	assert_change(&c.v[0], "3000", "10.000");
	assert_change(&c.v[1], "3000", "10.000");
	/* the headline says what the 3000 are; body and headline said once */
	assert_string_equal(c.v[0].context, "soldaten in Rusland");
	assert_string_equal(c.v[1].context, "militairen");
	assert_int_equal(rl_figures_format(&b, &c), 0);
	assert_string_equal(b.ptr, "soldaten in Rusland: 3000 \u2192 10.000");
	rl_buf_release(&b);
	rl_figure_changes_release(&c);
}

static void test_pairs_in_order_within_a_region(void **state)
{
	rl_figure_changes c = diff("Groei van 3,5 naar 1.200.000 euro.\n",
				   "Groei van 4,1 naar 1.250.000 euro.\n");
	assert_int_equal(c.n, 2);
	assert_change(&c.v[0], "3,5", "4,1");
	assert_change(&c.v[1], "1.200.000 euro", "1.250.000 euro");
	rl_figure_changes_release(&c);
}

static void test_reformatted_figure_is_no_change(void **state)
{
	rl_figure_changes c = diff("Er waren 10000 mensen, 3.5 procent.\n",
				   "Er waren 10.000 mensen, 3,5 procent.\n");
	assert_int_equal(c.n, 0);
	rl_figure_changes_release(&c);
}

static void test_added_sentence_with_number(void **state)
{
	rl_figure_changes c = diff("Een zin.\n", "Een zin.\nIn 2024 kwamen er 12% meer.\n");
	/* "In 2024" is a year, not a figure */
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], NULL, "12%");
	rl_figure_changes_release(&c);
}

static void test_removed_figure_has_no_new(void **state)
{
	rl_figure_changes c = diff("Er vielen 40 doden.\nDe rest.\n", "De rest.\n");
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], "40", NULL);
	rl_figure_changes_release(&c);
}

static void test_moved_figure_is_no_change(void **state)
{
	rl_figure_changes c = diff("Het kost 500 euro. Zegt hij.\n",
				   "Zegt hij. Het kost 500 euro.\n");
	assert_int_equal(c.n, 0);
	rl_figure_changes_release(&c);
}

static void test_percent_stays_with_figure(void **state)
{
	rl_figure_changes c = diff("Een stijging van 12% dit jaar.\n",
				   "Een stijging van 15% dit jaar.\n");
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], "12%", "15%");
	rl_figure_changes_release(&c);
}

static void test_words_alone_change_no_figure(void **state)
{
	rl_figure_changes c = diff("De G20 vergadert in 2024.\n", "De G7 vergadert in 2024.\n");
	assert_int_equal(c.n, 0);
	rl_figure_changes_release(&c);
}

/* The seed page: its headline and first sentence once said 3000. */
static void test_seed_page(void **state)
{
	char *path = tu_shared_path("seeds/000_cab50403b27c31fc.txt");
	char *now, *then, *p;
	rl_figure_changes c = RL_FIGURE_CHANGES_INIT;
	rl_buf b = RL_BUF_INIT(1024);

	if (path == NULL)
		tu_skip();
	assert_non_null(now = tu_read_file(path, NULL));
	assert_non_null(then = malloc(strlen(now) + 1));
	/* "10.000" -> "3000": the text shrinks, so rewrite in place */
	strcpy(then, now);
	while ((p = strstr(then, "10.000")) != NULL) {
		memcpy(p, "3000", 4);
		memmove(p + 4, p + 6, strlen(p + 6) + 1);
	}
	assert_int_equal(rl_figures_diff(&c, then, now), 0);
	assert_true(c.n >= 1);
	for (size_t i = 0; i < c.n; i++)
		assert_change(&c.v[i], "3000", "10.000");
	assert_int_equal(rl_figures_format(&b, &c), 0);
	assert_non_null(strstr(b.ptr, ": 3000 \u2192 10.000"));
	assert_null(strstr(b.ptr, ", ")); /* said once */
	rl_buf_release(&b);
	rl_figure_changes_release(&c);
	free(then);
	free(now);
	free(path);
}

static void test_values(void **state)
{
	char v[64];
	rl_figure_value(v, sizeof(v), "10.000");
	assert_string_equal(v, "10000");
	rl_figure_value(v, sizeof(v), "1.200.000");
	assert_string_equal(v, "1200000");
	rl_figure_value(v, sizeof(v), "3,5");
	assert_string_equal(v, "3.5");
	rl_figure_value(v, sizeof(v), "3.50");
	assert_string_equal(v, "3.5");
	rl_figure_value(v, sizeof(v), "0,125");
	assert_string_equal(v, "0.125");
	rl_figure_value(v, sizeof(v), "1.200,5");
	assert_string_equal(v, "1200.5");
	rl_figure_value(v, sizeof(v), "007");
	assert_string_equal(v, "7");
}

/* The demo's edit: 3000 became 10.000 and a sentence recalling the old 3000
 * was added; that recalled 3000 is context, not a new figure. */
static void test_restated_old_figure_is_no_change(void **state)
{
	rl_figure_changes c = diff(
		"Noord-Korea heeft inmiddels 3000 militairen naar Rusland gestuurd.\n",
		"Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd.\n"
		"Vorige week dachten de Verenigde Staten nog dat het om 3000 soldaten ging.\n");

	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], "3000", "10.000");
	rl_figure_changes_release(&c);
	/* ... while a figure the old text never had is reported */
	c = diff("Er waren 3000 militairen.\n",
		 "Er waren 10.000 militairen.\nDe VS sturen 500 adviseurs.\n");
	assert_int_equal(c.n, 2);
	assert_change(&c.v[1], NULL, "500");
	rl_figure_changes_release(&c);
}

static void test_null_texts(void **state)
{
	rl_figure_changes c = diff(NULL, "Nu 7 gewonden.\n");
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], NULL, "7");
	rl_figure_changes_release(&c);
	rl_figure_changes_release(NULL);
}

/* Issue 11: a figures line picked up dates and years ("29 -> (none), (none) -> 50"). */
static void test_dates_years_times_are_not_figures(void **state)
{
	static const char *const pairs[][2] = {
		{ "Op 29 november zei hij het.\n", "Op 30 november zei hij het.\n" },
		{ "On November 29 he said it.\n", "On November 30 he said it.\n" },
		{ "Am 29. Oktober sagte er es.\n", "Am 3. Oktober sagte er es.\n" },
		{ "Bijgewerkt 29-11-2026 om 10:30.\n", "Bijgewerkt 30-11-2026 om 11:45.\n" },
		{ "Updated 2026-11-29.\n", "Updated 2026-11-30.\n" },
		{ "Gemeld op 29.11.2026.\n", "Gemeld op 30.11.2026.\n" },
		{ "Sinds 2019 is dat zo.\n", "Sinds 2020 is dat zo.\n" },
		{ "Het gebeurde in mei 2024.\n", "Het gebeurde in juni 2023.\n" },
		{ "Om 9 uur begon het.\n", "Om 10 uur begon het.\n" },
		{ "Pagina 2 van de krant.\n", "Pagina 3 van de krant.\n" },
		{ "Er zijn 12 reacties.\n", "Er zijn 50 reacties.\n" },
		{ "5 min read\n", "6 min read\n" },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		rl_figure_changes c = diff(pairs[i][0], pairs[i][1]);
		if (c.n != 0)
			fail_msg("pair %zu: %s -> %s counted as a figure", i, c.v[0].old ? c.v[0].old : "-",
				 c.v[0].new ? c.v[0].new : "-");
		rl_figure_changes_release(&c);
	}
}

/* ...while real figures next to them still count. */
static void test_figures_next_to_dates_still_count(void **state)
{
	rl_figure_changes c = diff("Op 29 november waren er 3000 doden en 2000 gewonden.\n",
				   "Op 30 november waren er 3500 doden en 2100 gewonden.\n");
	assert_int_equal(c.n, 2);
	assert_change(&c.v[0], "3000", "3500");
	assert_change(&c.v[1], "2000", "2100");
	rl_figure_changes_release(&c);
	c = diff("De groei was 1.200.000 euro.\n", "De groei was 1.300.000 euro.\n");
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], "1.200.000 euro", "1.300.000 euro");
	rl_figure_changes_release(&c);
}

/* Numbers that are part of something else: one pair per shape, each with
 * a real figure beside it that must still count. */
static void test_codes_ages_addresses_names_are_not_figures(void **state)
{
	static const char *const shapes[][2] = {
		{ "Call 202-586-5000 today.", "Call 202-586-5001 today." },
		{ "ISBN 978-3-16-148410-0", "ISBN 978-3-16-148411-0" },
		{ "Washington, DC 20585", "Washington, DC 20586" },
		{ "04435 Schkeuditz", "04436 Schkeuditz" },
		{ "Kole Dixon, 16, a sophomore, said it.", "Kole Dixon, 17, a sophomore, said it." },
		{ "the 75-year-old mayor", "the 76-year-old mayor" },
		{ "Was heute 18- bis 30-J\u00e4hrige erwarten.", "Was heute 19- bis 30-J\u00e4hrige erwarten." },
		{ "350 Carlos Chard\u00f3n Street", "351 Carlos Chard\u00f3n Street" },
		{ "Het adres is Kalverstraat 12.", "Het adres is Kalverstraat 14." },
		{ "Optimiert f\u00fcr Windows 8, Android.", "Optimiert f\u00fcr Windows 10, Android." },
		{ "NDR 1 Niedersachsen", "NDR 2 Niedersachsen" },
		{ "the 2016 election outcome", "the 2017 election outcome" },
		{ "Altenahr's 2009 Goldkapsel", "Altenahr's 2010 Goldkapsel" },
		{ "Antwort auf #4", "Antwort auf #5" },
		{ "3d995d0e-d2d0-11e6", "4d995d0e-d2d0-11e6" },
		{ "Comments (0)", "Comments (3)" },
		{ "Top 10 Things", "Top 12 Things" },
		{ "IT-Job-Summit am 11. in M\u00fcnchen", "IT-Job-Summit am 12. in M\u00fcnchen" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		rl_figure_changes c = diff(shapes[i][0], shapes[i][1]);
		if (c.n != 0)
			fail_msg("'%s' -> '%s' reported %s -> %s", shapes[i][0], shapes[i][1],
				 c.v[0].old ? c.v[0].old : "-", c.v[0].new ? c.v[0].new : "-");
		rl_figure_changes_release(&c);
	}
	/* the counts beside them still are figures */
	rl_figure_changes c = diff("Kole Dixon, 16, saw 40 people run.", "Kole Dixon, 16, saw 52 people run.");
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], "40", "52");
	rl_figure_changes_release(&c);
	c = diff("The 2016 budget was $4 billion.", "The 2016 budget was $5 billion.");
	assert_int_equal(c.n, 1);
	assert_change(&c.v[0], "$4 billion", "$5 billion");
	rl_figure_changes_release(&c);
}

/* The one JSON form hooks and --json print: every change in order (the
 * repeat in the body too), null for a missing side or context, invalid
 * UTF-8 in a context repaired rather than the key lost. */
static void test_json_form(void **state)
{
	rl_figure_changes c = diff("Soldaten: 3000. Er zijn 3000 militairen en 12 tanks.",
				   "Soldaten: 10.000. Er zijn 10.000 militairen.");
	rl_figure_change odd = { NULL, "5%", "r\xe9gion" };
	json_t *a = rl_figures_json(&c), *o = rl_figure_change_json(&odd);
	char *text = json_dumps(a, JSON_COMPACT), *one = json_dumps(o, JSON_COMPACT);
	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "[{\"old\":\"3000\",\"new\":\"10.000\",\"context\":null},"
				  "{\"old\":\"3000\",\"new\":\"10.000\",\"context\":\"militairen\"},"
				  "{\"old\":\"12\",\"new\":null,\"context\":\"tanks\"}]");
	assert_string_equal(one, "{\"old\":null,\"new\":\"5%\",\"context\":\"r\xef\xbf\xbdgion\"}");
	free(text);
	free(one);
	json_decref(a);
	json_decref(o);
	rl_figure_changes_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_story_3000_becomes_10000),
		cmocka_unit_test(test_pairs_in_order_within_a_region),
		cmocka_unit_test(test_reformatted_figure_is_no_change),
		cmocka_unit_test(test_added_sentence_with_number),
		cmocka_unit_test(test_removed_figure_has_no_new),
		cmocka_unit_test(test_moved_figure_is_no_change),
		cmocka_unit_test(test_percent_stays_with_figure),
		cmocka_unit_test(test_words_alone_change_no_figure),
		cmocka_unit_test(test_seed_page),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_restated_old_figure_is_no_change),
		cmocka_unit_test(test_null_texts),
		cmocka_unit_test(test_dates_years_times_are_not_figures),
		cmocka_unit_test(test_figures_next_to_dates_still_count),
		cmocka_unit_test(test_codes_ages_addresses_names_are_not_figures),
		cmocka_unit_test(test_json_form),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
