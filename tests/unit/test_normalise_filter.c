/* The filters of normalise_filter.c skip a built-in rule only where it
 * cannot match: for every rule and many texts (made from the rules' own
 * words, digits of several scripts, odd spaces and letters, and the pages
 * of the shared corpus) "filtered says no" must mean "PCRE2 finds no
 * match", and normalising with and without the filters must give the same
 * text, byte for byte. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "testutil.h"
#include "redline/buf.h"
#include "redline/normalise.h"
#include "../../src/text/normalise_internal.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rules {
	pcre2_code *re[32];
	size_t n;
	bool (*may)(size_t, nf_text *);
};

static struct rules reltime, counters;
static pcre2_match_data *md;
static rl_normaliser *filtered, *unfiltered, *filtered_keep, *unfiltered_keep;
static size_t skipped, checked;

static void compile_rules(struct rules *r, const char *const *src, size_t n,
			  bool (*may)(size_t, nf_text *))
{
	const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_CASELESS;
	int err;
	PCRE2_SIZE off;

	assert_true(n <= 32);
	r->n = n;
	r->may = may;
	for (size_t i = 0; i < n; i++) {
		r->re[i] = pcre2_compile((PCRE2_SPTR)src[i], PCRE2_ZERO_TERMINATED, options, &err,
					 &off, NULL);
		assert_non_null(r->re[i]);
	}
}

static int setup(void **state)
{
	size_t n;
	const char *const *src;
	const char *ignore[] = { "Lees ook:.*$" };

	(void)state;
	src = rl_normalise_reltime_rules(&n);
	compile_rules(&reltime, src, n, nf_reltime_may_match);
	src = rl_normalise_counter_rules(&n);
	compile_rules(&counters, src, n, nf_counter_may_match);
	md = pcre2_match_data_create(1, NULL);
	if (rl_normaliser_new(&filtered, ignore, 1) < 0 ||
	    rl_normaliser_new(&unfiltered, ignore, 1) < 0 ||
	    rl_normaliser_new(&filtered_keep, NULL, 0) < 0 ||
	    rl_normaliser_new(&unfiltered_keep, NULL, 0) < 0)
		return -1;
	rl_normaliser_set_unfiltered(unfiltered, true);
	rl_normaliser_set_unfiltered(unfiltered_keep, true);
	rl_normaliser_keep_counters(filtered_keep, true);
	rl_normaliser_keep_counters(unfiltered_keep, true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < reltime.n; i++)
		pcre2_code_free(reltime.re[i]);
	for (size_t i = 0; i < counters.n; i++)
		pcre2_code_free(counters.re[i]);
	pcre2_match_data_free(md);
	rl_normaliser_free(filtered);
	rl_normaliser_free(unfiltered);
	rl_normaliser_free(filtered_keep);
	rl_normaliser_free(unfiltered_keep);
	return 0;
}

/* Each rule on `text` (valid UTF-8) alone: skipped means no match. */
static void check_rules(const char *text, size_t len)
{
	const struct rules *sets[] = { &reltime, &counters };
	nf_text t = { 0 };

	assert_int_equal(nf_text_set(&t, text, len), 0);
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < sets[s]->n; i++) {
			int rc;
			checked++;
			if (sets[s]->may(i, &t))
				continue;
			skipped++;
			rc = pcre2_match(sets[s]->re[i], (PCRE2_SPTR)text, len, 0, 0, md, NULL);
			if (rc != PCRE2_ERROR_NOMATCH)
				fail_msg("%s rule %zu was skipped but matches '%.*s'",
					 s ? "counter" : "relative-time", i + 1, (int)len, text);
		}
	}
	nf_text_release(&t);
}

/* The whole pipeline with and without filters: the same text. */
static void check_text(const char *text, size_t len)
{
	rl_normaliser *pairs[][2] = { { filtered, unfiltered }, { filtered_keep, unfiltered_keep } };

	for (size_t p = 0; p < 2; p++) {
		char *a = NULL, *b = NULL;
		assert_int_equal(rl_normalise_text(&a, pairs[p][0], text, len), 0);
		assert_int_equal(rl_normalise_text(&b, pairs[p][1], text, len), 0);
		if (strcmp(a, b) != 0)
			fail_msg("filters changed '%.*s': '%s', not '%s'", (int)len, text, a, b);
		free(a);
		free(b);
	}
}

/* Pieces that the rules look for, and pieces that fool simple tests. */
static const char *const pieces[] = {
	"2", "5", "14", "1.947", "184,825", "1,2K", "3.4k", "12:30", "14.32", "14h32", "٣",
	"１２", "०५", " ", " ", "  ", "\t", "\u00a0", "\u2009", "\u202f", "\u3000", "\n", ". ",
	"! ", "? ", "\u201d", "\u2019", "\u00bb", ")", "(", "|", " · ", " / ", ":", ",", "-",
	"ago", "AGO", "geleden", "vor", "il", "y", "a", "il y a", "uur", "minuten", "min",
	"min.", "hours", "h", "u", "Stunden", "heures", "een", "an", "a few", "einer", "une",
	"gisteren", "Gisteren", "yesterday", "today", "just now", "moments ago", "hier",
	"aujourd'hui", "à l'instant", "gestern", "vorgestern", "heute", "zojuist", "net binnen",
	"om", "at", "um", "à", "pm", "p.m.", "a.m.", "Uhr", "Updated", "Bijgewerkt",
	"Aktualisiert", "Mis à jour", "Stand", "Last updated", "comments", "Kommentare",
	"reacties", "views", "Views", "likes", "shares", "readers", "gefällt mir", "j'aime",
	"Number of views", "mio.", "mln.", "tsd.", "k.", "K", "M", "\u017fhares",
	"\u212aommentare", "vie\u017f", "ANKARA", "De", "news", "the", "Hier", "Lees ook: x",
	"12.03.2026", "CET", "é", "ü", "\u00ad", "\u200b",
};

static void test_generated_texts(void **state)
{
	const size_t n_pieces = sizeof(pieces) / sizeof(*pieces);
	unsigned seed = 12345;
	rl_buf b = RL_BUF_INIT(4096);

	(void)state;
	for (int round = 0; round < 8000; round++) {
		int k;
		rl_buf_clear(&b);
		seed = seed * 1103515245u + 12345u;
		k = 1 + (int)((seed >> 16) % 9);
		for (int j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			assert_int_equal(rl_buf_puts(&b, pieces[(seed >> 16) % n_pieces]), 0);
		}
		check_rules(b.ptr, b.len);
		check_text(b.ptr, b.len);
	}
	rl_buf_release(&b);
	/* The filters do skip: most of these texts need no PCRE2 at all. */
	assert_true(skipped * 2 > checked);
}

/* The examples of the rule suites, as they are and inside sentences. */
static void test_rule_examples(void **state)
{
	static const char *const examples[] = {
		"2 uur geleden", "Bijgewerkt: 2 uur geleden", "5 mins ago", "Updated 3 hours ago",
		"vor einer Stunde", "vor 5 Min.", "il y a 2 heures", "il  y\u00a0a une heure",
		"Gisteren om 18.45 uur", "gisterenANKARA - De", "Het werd gevonden. Gisteren",
		"10.000gisteren", "yesterday at 5:30 pm", "hier à 18h30", "Just now",
		"12 comments | 3.4K views", "184.825 Aufrufe | Politik", "Kabinet valt | 3 reacties",
		"Die Bahn.1.947 Kommentare", "Comments (0)", "Number of views (4099)",
		"Aktualisiert um 14:32 Uhr", "Der Zug fährt ab. Aktualisiert um 14:32 Uhr",
		"Updated 12.03.2026, 10:45", "Stand: 14:32 Uhr", "Vote set. Updated at 10:45 p.m.",
		"Views: 1,234", "Sales rose 2 mio.", "Die Bahn. Aufrufe: 1,2 mio.",
		"Fahrt. Views: 5k.", "x | Views: 3 tsd.", "Zug.Leser: 2 mln.", "x | 5 K.",
		"Line one\n3 reacties\nLine three", "Titel\n2 uur geleden\n", "a \u212a 5 Kommentare",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(*examples); i++) {
		check_rules(examples[i], strlen(examples[i]));
		check_text(examples[i], strlen(examples[i]));
	}
}

/* Real pages: every line of the corpus's HTML files, and each file whole. */
static void test_corpus_pages(void **state)
{
	char *dir = tu_shared_path("corpus"), *list = NULL;
	size_t files = 0;

	(void)state;
	if (dir == NULL)
		tu_skip();
	assert_int_equal(tu_sh(&list, "find %s -name '*.html' -size -400k | sort | head -40", dir),
			 0);
	for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len;
		char *raw = tu_read_file(line, &len), *text = NULL;
		assert_non_null(raw);
		/* the filters see repaired text, as rl_normalise_text gives them */
		assert_int_equal(rl_normalise_unicode(&text, raw, len), 0);
		check_rules(text, strlen(text));
		check_text(raw, len);
		for (char *p = text; *p;) {
			size_t n = strcspn(p, "\n");
			check_rules(p, n);
			p += n + (p[n] != '\0');
		}
		free(text);
		free(raw);
		files++;
	}
	assert_true(files >= 10);
	free(list);
	free(dir);
}

/* \d with UCP: every code point PCRE2 calls a digit, the filter does too. */
static void test_every_unicode_digit_is_seen(void **state)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *d = pcre2_compile((PCRE2_SPTR) "\\d", 2, PCRE2_UTF | PCRE2_UCP, &err, &off, NULL);

	(void)state;
	assert_non_null(d);
	pcre2_jit_compile(d, PCRE2_JIT_COMPLETE);
	for (int c = 0; c < 0x110000; c++) {
		char enc[4];
		size_t n;
		if (c >= 0xD800 && c < 0xE000)
			continue;
		if (c < 0x80) {
			enc[0] = (char)c, n = 1;
		} else if (c < 0x800) {
			enc[0] = (char)(0xC0 | c >> 6), enc[1] = (char)(0x80 | (c & 63)), n = 2;
		} else if (c < 0x10000) {
			enc[0] = (char)(0xE0 | c >> 12), enc[1] = (char)(0x80 | ((c >> 6) & 63));
			enc[2] = (char)(0x80 | (c & 63)), n = 3;
		} else {
			enc[0] = (char)(0xF0 | c >> 18), enc[1] = (char)(0x80 | ((c >> 12) & 63));
			enc[2] = (char)(0x80 | ((c >> 6) & 63)), enc[3] = (char)(0x80 | (c & 63)), n = 4;
		}
		if (pcre2_match(d, (PCRE2_SPTR)enc, n, 0, 0, md, NULL) >= 0 && !nf_may_be_digit(c))
			fail_msg("U+%04X is a digit to PCRE2 but not to the filter", c);
	}
	pcre2_code_free(d);
}

/* Plain news text passes no built-in rule at all. */
static void test_plain_text_needs_no_rule(void **state)
{
	const char *text = "The vote is expected on Friday, with 11 of 119 members in favour.";
	nf_text t = { 0 };

	(void)state;
	assert_int_equal(nf_text_set(&t, text, strlen(text)), 0);
	for (size_t i = 0; i < reltime.n; i++)
		assert_false(nf_reltime_may_match(i, &t));
	for (size_t i = 0; i < counters.n; i++)
		assert_false(nf_counter_may_match(i, &t));
	nf_text_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text_needs_no_rule),
		cmocka_unit_test(test_rule_examples),
		cmocka_unit_test(test_generated_texts),
		cmocka_unit_test(test_corpus_pages),
		cmocka_unit_test(test_every_unicode_digit_is_seen),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
