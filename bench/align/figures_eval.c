/*
 * figures_eval.c - precision and recall of the "figures changed" kind
 * (figures.h) on labelled pairs.
 *
 * Two sets:
 *  1. tests/corpus/figures.tsv: hand-labelled pairs in nl, en, de, fr.
 *  2. synthetic pairs on real text: a window of three sentences of a corpus
 *     article (bench/align/paragraphs.py) with one clause spliced into the
 *     middle sentence (or standing as a sentence of its own).  The clause
 *     comes from templates in four languages and four number formats; its
 *     number changes between the versions, and the template is the label:
 *     a figure (with the unit and the context word expected), or a date, a
 *     year, a time of day, page furniture, or the same figure reformatted,
 *     none of which may be reported.  A third of the pairs also change an
 *     unrelated word of the first sentence.
 *
 * A reported change is right when its old and new spellings (number and
 * unit) equal the label's; "value right" only compares the numbers (what
 * the figures line said before units).  Context is right when it holds the
 * label's word.
 *
 * Usage: figures_eval FIGURES_TSV [PARAGRAPHS [PAIRS]]
 */
#include "redline/figures.h"
#include "redline/buf.h"
#include "redline/sentence.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum cat { C_FIG, C_DATE, C_YEAR, C_TIME, C_FURN, C_REFORMAT, C_N };
static const char *const cat_name[C_N] = { "figure", "date", "year", "time of day", "page furniture",
					   "reformatted figure" };

struct tmpl {
	const char *lang;
	enum cat cat;
	const char *before, *pre, *post, *after; /* text = before pre NUMBER post after */
	const char *context;                     /* the word the context must hold */
	int lo, hi;                              /* the number's range */
	int decimal;                             /* a decimal figure (3,5) */
};

static const struct tmpl tmpls[] = {
	{ "nl", C_FIG, "volgens de politie kwamen er ", "", "", " betogers op af", "betogers", 100, 90000, 0 },
	{ "nl", C_FIG, "de schade bedraagt ", "\u20ac ", " mln", "", "schade", 2, 900, 0 },
	{ "nl", C_FIG, "het kabinet trekt ", "", " miljoen euro", " uit voor scholen", "kabinet", 2, 900, 0 },
	{ "nl", C_FIG, "de werkloosheid steeg naar ", "", "%", "", "werkloosheid", 2, 30, 1 },
	{ "nl", C_FIG, "bij de brand vielen ", "", "", " gewonden", "gewonden", 2, 400, 0 },
	{ "en", C_FIG, "officials said ", "", "", " troops crossed the border", "troops", 100, 90000, 0 },
	{ "en", C_FIG, "the plan will cost ", "$", " billion", "", "plan", 2, 900, 1 },
	{ "en", C_FIG, "unemployment rose to ", "", " percent", " in March", "unemployment", 2, 30, 1 },
	{ "en", C_FIG, "at least ", "", "", " people were killed", "people", 2, 4000, 0 },
	{ "en", C_FIG, "the storm brought winds of ", "", " km", " an hour", "winds", 60, 300, 0 },
	{ "de", C_FIG, "rund ", "", "", " Menschen flohen aus der Stadt", "Menschen", 100, 90000, 0 },
	{ "de", C_FIG, "der Schaden beträgt ", "", " Millionen Euro", "", "Schaden", 2, 900, 1 },
	{ "de", C_FIG, "die Inflation lag bei ", "", " Prozent", "", "Inflation", 2, 20, 1 },
	{ "fr", C_FIG, "au moins ", "", "", " personnes ont été évacuées", "personnes", 100, 90000, 0 },
	{ "fr", C_FIG, "le chômage atteint ", "", " %", " selon l'Insee", "chômage", 2, 20, 1 },
	{ "fr", C_FIG, "le projet coûtera ", "", " milliards d'euros", "", "projet", 2, 90, 1 },
	{ "nl", C_DATE, "op ", "", "", " november werd het bekend", NULL, 1, 28, 0 },
	{ "en", C_DATE, "on November ", "", "", " it was announced", NULL, 1, 28, 0 },
	{ "de", C_DATE, "am ", "", ".", " November wurde es bekannt", NULL, 1, 28, 0 },
	{ "fr", C_DATE, "le ", "", "", " novembre, on l'a appris", NULL, 1, 28, 0 },
	{ "nl", C_YEAR, "sinds ", "", "", " is dat zo", NULL, 1950, 2030, 0 },
	{ "en", C_YEAR, "it first happened in ", "", "", "", NULL, 1950, 2030, 0 },
	{ "de", C_YEAR, "seit ", "", "", " ist das so", NULL, 1950, 2030, 0 },
	{ "fr", C_YEAR, "depuis ", "", "", ", c'est ainsi", NULL, 1950, 2030, 0 },
	{ "nl", C_TIME, "om ", "", "", " uur begon de zitting", NULL, 1, 23, 0 },
	{ "en", C_TIME, "the polls closed at ", "", ":30", "", NULL, 1, 23, 0 },
	{ "de", C_TIME, "um ", "", "", " Uhr begann die Sitzung", NULL, 1, 23, 0 },
	{ "fr", C_TIME, "à ", "", "", " h, la séance a commencé", NULL, 1, 23, 0 },
	{ "nl", C_FURN, "er zijn ", "", "", " reacties", NULL, 2, 900, 0 },
	{ "en", C_FURN, "", "", "", " comments", NULL, 2, 900, 0 },
	{ "de", C_FURN, "vor ", "", "", " Minuten aktualisiert", NULL, 2, 59, 0 },
	{ "fr", C_FURN, "mis à jour il y a ", "", "", " minutes", NULL, 2, 59, 0 },
	{ "en", C_FURN, "", "", "", " min read", NULL, 2, 30, 0 },
	{ "nl", C_FURN, "pagina ", "", "", " van 9", NULL, 2, 8, 0 },
};
#define N_TMPL (sizeof(tmpls) / sizeof(tmpls[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static size_t pick(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

/* A number in the language's style: 10.000 / 10,000 / 10 000, 3,5 / 3.5. */
static void spell(char *out, size_t size, const char *lang, long v, int tenths, int plain)
{
	char digits[24], grouped[40];
	size_t n, g = 0;
	char thou = strcmp(lang, "en") == 0 ? ',' : strcmp(lang, "fr") == 0 ? ' ' : '.';
	char dec = strcmp(lang, "en") == 0 ? '.' : ',';

	snprintf(digits, sizeof(digits), "%ld", v);
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		grouped[g++] = digits[i];
		if (!plain && n - i - 1 > 0 && (n - i - 1) % 3 == 0 && n > 4)
			grouped[g++] = thou;
	}
	grouped[g] = '\0';
	if (tenths >= 0)
		snprintf(out, size, "%.39s%c%d", grouped, dec, tenths % 10);
	else
		snprintf(out, size, "%s", grouped);
}

struct score {
	size_t expected, reported, right, value_right, context_right;
	size_t fp[C_N], pairs[C_N];
	size_t lang_expected[4], lang_right[4];
};

static int lang_index(const char *l)
{
	return strcmp(l, "nl") == 0 ? 0 : strcmp(l, "en") == 0 ? 1 : strcmp(l, "de") == 0 ? 2 : 3;
}

/* `hay` holds `word`, ASCII case ignored (a sentence starts capitalised). */
static int contains_word(const char *hay, const char *word)
{
	size_t n = strlen(word);
	for (; *hay; hay++)
		if (strncasecmp(hay, word, n) == 0)
			return 1;
	return 0;
}

/* Scores one pair: the expected change (NULL old: none expected). */
static void score_pair(struct score *s, enum cat cat, const char *lang, const char *old_text,
		       const char *new_text, const char *want_old, const char *want_new, const char *ctx,
		       int verbose)
{
	rl_figure_changes c = RL_FIGURE_CHANGES_INIT;
	int found = 0;

	s->pairs[cat]++;
	if (rl_figures_diff(&c, old_text, new_text) < 0)
		return;
	if (want_old) {
		s->expected++;
		s->lang_expected[lang_index(lang)]++;
	}
	s->reported += c.n;
	for (size_t i = 0; i < c.n; i++) {
		const rl_figure_change *f = &c.v[i];
		char a[128], b[128], x[128], y[128];
		if (want_old && !found && f->old && f->new) {
			rl_figure_value(a, sizeof(a), f->old);
			rl_figure_value(b, sizeof(b), f->new);
			rl_figure_value(x, sizeof(x), want_old);
			rl_figure_value(y, sizeof(y), want_new);
			if (strcmp(a, x) == 0 && strcmp(b, y) == 0) {
				found = 1;
				s->value_right++;
				if (strcmp(f->old, want_old) == 0 && strcmp(f->new, want_new) == 0) {
					s->right++;
					s->lang_right[lang_index(lang)]++;
				} else if (verbose) {
					printf("  unit: want %s -> %s, got %s -> %s\n", want_old, want_new, f->old, f->new);
				}
				if (ctx && f->context && contains_word(f->context, ctx))
					s->context_right++;
				else if (verbose)
					printf("  context: want '%s', got '%s' in: %s\n", ctx ? ctx : "",
					       f->context ? f->context : "", new_text);
				continue;
			}
		}
		s->fp[cat]++;
		if (verbose)
			printf("  false (%s): %s -> %s in: %s\n", cat_name[cat], f->old ? f->old : "-",
			       f->new ? f->new : "-", new_text);
	}
	if (want_old && !found && verbose)
		printf("  missed: %s -> %s in: %s\n", want_old, want_new, new_text);
	rl_figure_changes_release(&c);
}

static void report(const char *name, const struct score *s)
{
	size_t fp = 0, nf = 0;
	static const char *const langs[4] = { "nl", "en", "de", "fr" };

	for (int c = 0; c < C_N; c++) {
		fp += s->fp[c];
		nf += c == C_FIG ? 0 : s->pairs[c];
	}
	printf("%s: %zu pairs with a changed figure, %zu without\n", name, s->pairs[C_FIG], nf);
	printf("  precision %.3f  recall %.3f  (number and unit right)\n",
	       s->reported ? (double)s->right / (double)s->reported : 1.0,
	       s->expected ? (double)s->right / (double)s->expected : 1.0);
	printf("  precision %.3f  recall %.3f  (numbers right, unit not checked)\n",
	       s->reported ? (double)s->value_right / (double)s->reported : 1.0,
	       s->expected ? (double)s->value_right / (double)s->expected : 1.0);
	printf("  context holds the labelled word: %zu / %zu\n", s->context_right, s->value_right);
	printf("  false figures: %zu in all;", fp);
	for (int c = 0; c < C_N; c++)
		if (s->pairs[c])
			printf(" %s %zu/%zu pairs;", cat_name[c], s->fp[c], s->pairs[c]);
	printf("\n  recall by language:");
	for (int l = 0; l < 4; l++)
		if (s->lang_expected[l])
			printf(" %s %.3f;", langs[l], (double)s->lang_right[l] / (double)s->lang_expected[l]);
	printf("\n\n");
}

static char *unescape(const char *s)
{
	char *out = strdup(s), *o = out;
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n')
			*o++ = '\n', s++;
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* The hand-labelled set: the label is the formatted line; each "a → b" in
 * it is one expected change (context before ": "). */
/* The pairs of figures.tsv written by hand (`real` 0) or its real corpus
 * sentences, from the "# --- real corpus sentences" line on (`real` 1). */
static void hand_set(struct score *s, const char *path, int verbose, int real)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	int in_real = 0;

	if (f == NULL) {
		fprintf(stderr, "figures_eval: cannot read %s\n", path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *fld[4], *p = line;
		int k;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "# --- real corpus sentences", 27) == 0)
			in_real = 1;
		if (*line == '#' || *line == '\0' || in_real != real)
			continue;
		for (k = 0; k < 4 && p; k++) {
			fld[k] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (k != 4)
			continue;
		char *old = unescape(fld[1]), *new = unescape(fld[2]);
		if (strcmp(fld[3], "-") == 0) {
			/* a date, year, time, furniture or reformat: no category told,
			 * counted under "date" and friends by their comment block */
			score_pair(s, C_DATE, fld[0], old, new, NULL, NULL, NULL, verbose);
		} else {
			/* each "context: a → b" of the label is one expected change */
			rl_figure_changes c = RL_FIGURE_CHANGES_INIT;
			const char *lab = fld[3];
			size_t want = 0, right = 0;
			for (const char *q = lab; (q = strstr(q, " \u2192 ")) != NULL; q++)
				want++;
			rl_figures_diff(&c, old, new);
			s->pairs[C_FIG]++;
			s->expected += want;
			s->lang_expected[lang_index(fld[0])] += want;
			s->reported += c.n;
			for (size_t i = 0; i < c.n; i++) {
				rl_buf one = RL_BUF_INIT(1024);
				rl_figure_changes single = { &c.v[i], 1, 1 };
				const char *hit;
				size_t len;
				rl_figures_format(&one, &single);
				len = one.len;
				/* the item, between the label's start or ", " and its end or ", " */
				for (hit = lab; (hit = strstr(hit, one.ptr)) != NULL; hit++)
					if ((hit == lab || (hit - lab >= 2 && hit[-2] == ',' && hit[-1] == ' ')) &&
					    (hit[len] == '\0' || (hit[len] == ',' && hit[len + 1] == ' ')))
						break;
				if (hit)
					right++;
				else if (verbose)
					printf("  hand: got '%s', label '%s'\n", one.ptr, lab);
				rl_buf_release(&one);
			}
			s->right += right;
			s->value_right += right;
			s->context_right += right;
			s->lang_right[lang_index(fld[0])] += right;
			s->fp[C_FIG] += c.n - right;
			rl_figure_changes_release(&c);
		}
		free(old);
		free(new);
	}
	fclose(f);
}

static rl_strvec sents;

static void synthetic(struct score *s, size_t pairs, int verbose)
{
	for (size_t r = 0; r < pairs; r++) {
		const struct tmpl *t = &tmpls[pick(N_TMPL)];
		int reformat = t->cat == C_FIG && pick(6) == 0;
		enum cat cat = reformat ? C_REFORMAT : t->cat;
		long a = t->lo + (long)pick((size_t)(t->hi - t->lo + 1)), b;
		int ta = t->decimal ? (int)pick(10) : -1, tb = ta;
		char na[48], nb[48], wa[160], wb[160], ca[512], cb[512];
		size_t at = sents.n > 3 ? pick(sents.n - 3) : 0;
		rl_buf ob = RL_BUF_INIT(1 << 20), nbuf = RL_BUF_INIT(1 << 20);
		int own = pick(2), noise = pick(3) == 0;

		do {
			b = t->lo + (long)pick((size_t)(t->hi - t->lo + 1));
			if (t->decimal)
				tb = (int)pick(10);
		} while (!reformat && b == a && tb == ta);
		if (reformat) {
			/* same value, another spelling: 10000 -> 10.000 */
			a = 1000 + (long)pick(90000);
			spell(na, sizeof(na), t->lang, a, -1, 1);
			spell(nb, sizeof(nb), t->lang, a, -1, 0);
			if (strcmp(na, nb) == 0)
				snprintf(nb, sizeof(nb), "%s", na);
		} else {
			spell(na, sizeof(na), t->lang, a, ta, 0);
			spell(nb, sizeof(nb), t->lang, b, tb, 0);
		}
		snprintf(wa, sizeof(wa), "%s%s%s", t->pre, na, t->post);
		snprintf(wb, sizeof(wb), "%s%s%s", t->pre, nb, t->post);
		snprintf(ca, sizeof(ca), "%s%s%s", t->before, wa, t->after);
		snprintf(cb, sizeof(cb), "%s%s%s", t->before, wb, t->after);
		for (int side = 0; side < 2; side++) {
			rl_buf *o = side ? &nbuf : &ob;
			const char *s0 = sents.v[at], *s1 = sents.v[at + 1], *s2 = sents.v[at + 2];
			const char *clause = side ? cb : ca;
			if (side && noise) {
				/* an unrelated word of the first sentence changes too */
				const char *sp = strchr(s0, ' ');
				/* a word, never a number (that would be an unlabelled change) */
				if (sp && strcspn(s0, "0123456789") > (size_t)(sp - s0))
					rl_buf_printf(o, "Meanwhile%s\n", sp);
				else
					rl_buf_printf(o, "%s\n", s0);
			} else {
				rl_buf_printf(o, "%s\n", s0);
			}
			if (own) {
				rl_buf_printf(o, "%s\n%c%s.\n", s1, clause[0] >= 'a' && clause[0] <= 'z' ? clause[0] - 32 : clause[0],
					      clause + 1);
			} else {
				size_t l1 = strlen(s1);
				while (l1 > 0 && (s1[l1 - 1] == '.' || s1[l1 - 1] == ' '))
					l1--;
				rl_buf_put(o, s1, l1);
				rl_buf_printf(o, ", %s.\n", clause);
			}
			rl_buf_printf(o, "%s\n", s2);
		}
		if (cat == C_FIG)
			score_pair(s, cat, t->lang, ob.ptr, nbuf.ptr, wa, wb, t->context, verbose);
		else
			score_pair(s, cat, t->lang, ob.ptr, nbuf.ptr, NULL, NULL, NULL, verbose);
		rl_buf_release(&ob);
		rl_buf_release(&nbuf);
	}
}

/* WILD=N: the first number of N real corpus sentences changes value (+1);
 * prints what the figures line says, for judging by hand (no label). */
static void wild(size_t n)
{
	size_t shown = 0, reported = 0;

	for (size_t i = 0; i < sents.n && shown < n; i++) {
		const char *s = sents.v[i], *d = strpbrk(s, "0123456789");
		rl_figure_changes c = RL_FIGURE_CHANGES_INIT;
		rl_buf b = RL_BUF_INIT(1 << 20), out = RL_BUF_INIT(4096);
		if (d == NULL || (d > s && ((d[-1] >= 'a' && d[-1] <= 'z') || (d[-1] >= 'A' && d[-1] <= 'Z'))))
			continue;
		rl_buf_put(&b, s, (size_t)(d - s));
		const char *e = d;
		while (*e >= '0' && *e <= '9')
			e++;
		rl_buf_printf(&b, "%ld", strtol(d, NULL, 10) + 1);
		rl_buf_puts(&b, e);
		rl_figures_diff(&c, s, b.ptr);
		rl_figures_format(&out, &c);
		reported += c.n > 0;
		printf("%s\t%.*s\t%s\n", c.n ? "FIGURE" : "-", (int)(strlen(s) > 160 ? 160 : strlen(s)), s,
		       out.ptr ? out.ptr : "");
		shown++;
		rl_figure_changes_release(&c);
		rl_buf_release(&b);
		rl_buf_release(&out);
	}
	printf("%zu of %zu changed real numbers reported as figures\n", reported, shown);
}

int main(int argc, char **argv)
{
	struct score hand, syn;
	size_t pairs = argc > 3 ? (size_t)atol(argv[3]) : 2000;
	int verbose = getenv("VERBOSE") != NULL;

	if (argc < 2) {
		fprintf(stderr, "usage: figures_eval FIGURES_TSV [PARAGRAPHS [PAIRS]]\n");
		return 2;
	}
	memset(&hand, 0, sizeof(hand));
	memset(&syn, 0, sizeof(syn));
	hand_set(&hand, argv[1], verbose, 0);
	report("hand-labelled (tests/corpus/figures.tsv)", &hand);
	memset(&hand, 0, sizeof(hand));
	hand_set(&hand, argv[1], verbose, 1);
	report("real corpus sentences labelled by hand (tests/corpus/figures.tsv)", &hand);
	if (argc > 2) {
		FILE *f = fopen(argv[2], "r");
		char line[65536];
		if (f == NULL) {
			fprintf(stderr, "figures_eval: cannot read %s\n", argv[2]);
			return 2;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (*line && strncmp(line, "## ", 3) != 0)
				rl_sentence_split(&sents, line);
		}
		fclose(f);
		if (sents.n < 3) {
			fprintf(stderr, "figures_eval: too few sentences in %s\n", argv[2]);
			return 2;
		}
		if (getenv("WILD")) {
			wild((size_t)atol(getenv("WILD")));
			return 0;
		}
		synthetic(&syn, pairs, verbose);
		printf("(%zu corpus sentences)\n", sents.n);
		report("synthetic clauses in corpus sentences", &syn);
	}
	rl_strvec_release(&sents);
	return 0;
}
