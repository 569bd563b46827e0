/* Counters and ticker stamps: removed where they are labels, kept inside
 * sentences, kept altogether for a source that keeps them.  Cases as data:
 * each row goes through the whole pipeline. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/normalise.h"

#include <stdlib.h>
#include <string.h>

typedef struct { const char *in, *want; } row;

static void run_rows(const row *rows, size_t n, int keep)
{
	rl_normaliser *nz;

	assert_int_equal(rl_normaliser_new(&nz, NULL, 0), 0);
	rl_normaliser_keep_counters(nz, keep);
	for (size_t i = 0; i < n; i++) {
		char *out = NULL;
		assert_int_equal(rl_normalise_text(&out, nz, rows[i].in, strlen(rows[i].in)), 0);
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("'%s' became '%s', wanted '%s'", rows[i].in, out, rows[i].want);
		free(out);
	}
	rl_normaliser_free(nz);
}

#define RUN(rows, keep) run_rows(rows, sizeof(rows) / sizeof(rows[0]), keep)

/* Rule 1: a line of counters, in every language. */
static void test_counter_lines_removed(void **state)
{
	static const row rows[] = {
		{ "1.947 Kommentare", "" },        { "184.825 Aufrufe", "" },
		{ "12 comments", "" },             { "3 reacties", "" },
		{ "1,2K views", "" },              { "5 partages", "" },
		{ "1 comment", "" },               { "2.3M views", "" },
		{ "12 comments | 3.4K views", "" }, { "4 reacties · 120 keer bekeken", "" },
		{ "Comments (0)", "" },            { "Number of views (4099)/Comments (0)", "" },
		{ "Views: 1,234", "" },            { "Aantal reacties: 12", "" },
		{ "23 commentaires", "" },         { "1 234 vues", "" },
		{ "87 Leser", "" },                { "15 likes", "" },
		{ "Kommentare (1.947)", "" },
	};
	RUN(rows, 0);
}

/* Rules 2 and 3: a counter at the start or the end of a line, as a label. */
static void test_counters_at_line_edges_removed(void **state)
{
	static const row rows[] = {
		{ "184.825 Aufrufe | Politik", "Politik" },
		{ "Flixbus attackiert die Bahn1.947 Kommentare", "Flixbus attackiert die Bahn" },
		{ "Flixbus attackiert die Bahn. 1.947 Kommentare", "Flixbus attackiert die Bahn." },
		{ "Kabinet valt | 3 reacties", "Kabinet valt" },
		{ "Minister treedt af · 12 comments · 1,2K views", "Minister treedt af" },
	};
	RUN(rows, 0);
}

/* Rules 4 and 5: live-ticker stamps. */
static void test_ticker_stamps_removed(void **state)
{
	static const row rows[] = {
		{ "Aktualisiert um 14:32 Uhr", "" },   { "Updated at 10:45", "" },
		{ "Bijgewerkt om 14.32 uur", "" },     { "Mis à jour à 14h32", "" },
		{ "Last updated: 12:30 PM", "" },      { "Stand: 14:32 Uhr", "" },
		{ "Updated 12.03.2026, 10:45", "" },   { "Laatste update: 09:15", "" },
		{ "Der Zug fährt ab. Aktualisiert um 14:32 Uhr", "Der Zug fährt ab." },
	};
	RUN(rows, 0);
}

/* Counts inside sentences are news; so are headlines that change. */
static void test_counts_in_sentences_kept(void **state)
{
	static const row rows[] = {
		{ "The paper lost 200,000 readers last year.", NULL },
		{ "Er kwamen 3 reacties binnen op het voorstel van de minister.", NULL },
		{ "Die Polizei zählte 1.947 Kommentare unter dem Video, viele davon drohend.", NULL },
		{ "Views differ on the 12 proposals", NULL },
		{ "Updated guidance on 5 comments from the agency", NULL },
		{ "Kabinet valt na 3 weken", NULL },
		{ "Stand der Dinge: Verhandlungen laufen", NULL },
	};
	row kept[sizeof(rows) / sizeof(rows[0])];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		kept[i].in = kept[i].want = rows[i].in;
	RUN(kept, 0);
}

/* A source can keep them all (counters = keep). */
static void test_switched_off_keeps_counters(void **state)
{
	static const row rows[] = {
		{ "1.947 Kommentare", "1.947 Kommentare" },
		{ "Kabinet valt | 3 reacties", "Kabinet valt | 3 reacties" },
		{ "Aktualisiert um 14:32 Uhr", "Aktualisiert um 14:32 Uhr" },
		{ "2 uur geleden", "" }, /* relative times still go */
	};
	RUN(rows, 1);
}

static void test_rules_are_listed(void **state)
{
	size_t n;
	const char *const *rules = rl_normalise_counter_rules(&n);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++)
		assert_non_null(rules[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_lines_removed),
		cmocka_unit_test(test_counters_at_line_edges_removed),
		cmocka_unit_test(test_ticker_stamps_removed),
		cmocka_unit_test(test_counts_in_sentences_kept),
		cmocka_unit_test(test_switched_off_keeps_counters),
		cmocka_unit_test(test_rules_are_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
