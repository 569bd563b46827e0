/*
 * figures_units.c - what a figure is: its unit and what it counts.
 *
 * "op 3000" → "op 10.000" is a number; "troops: 3000 → 10.000" and
 * "€ 5 mln → € 7 mln" are news.  A figure's sentence is cut into the word
 * diff's tokens; a currency sign or code right before the number and up to
 * two unit words right after it ("mln euro", "%", "procent", "km") are its
 * unit; the word after the unit, when it is not a little word, is what it
 * counts ("10.000 militairen"), else up to three words before it
 * ("soldaten in Rusland op 3000": little words at either end dropped).
 * Word lists cover Dutch, English, German and French; they are data, not
 * rules, and bench/align/figures_eval measures them on labelled pairs.
 */
#include "figures_internal.h"
#include "redline/worddiff.h"

#include <stdio.h>
#include <string.h>

#define WINDOW 400 /* bytes read on each side of a figure */
#define TOKENS_MAX 256

struct tok {
	size_t off, len;
	rl_worddiff_token_kind kind;
};

static const char *const currency_before[] = { "\u20ac", "$", "\u00a3", "\u00a5", "eur", "usd",
					       "gbp", "chf", "us$", "fl", "dkk", "sek", "nok" };

/* A unit word and its one spelling for synonyms. */
struct unit {
	const char *word, *canon;
};

static const struct unit units_after[] = {
	{ "%", "%" }, { "procent", "%" }, { "percent", "%" }, { "pct", "%" }, { "prozent", "%" },
	{ "procentpunt", "pp" }, { "procentpunten", "pp" },
	{ "prozentpunkte", "pp" }, { "prozentpunkt", "pp" }, { "pp", "pp" },
	{ "mln", "mln" }, { "miljoen", "mln" }, { "miljoenen", "mln" }, { "million", "mln" },
	{ "millions", "mln" }, { "millionen", "mln" }, { "mio", "mln" }, { "m", "mln" },
	{ "mld", "mrd" }, { "mrd", "mrd" }, { "miljard", "mrd" }, { "miljarden", "mrd" },
	{ "billion", "mrd" }, { "billions", "mrd" }, { "bn", "mrd" }, { "milliard", "mrd" },
	{ "milliards", "mrd" }, { "milliarde", "mrd" }, { "milliarden", "mrd" },
	{ "duizend", "k" }, { "thousand", "k" }, { "k", "k" }, { "tausend", "k" }, { "mille", "k" },
	{ "euro", "\u20ac" }, { "euros", "\u20ac" }, { "eur", "\u20ac" }, { "\u20ac", "\u20ac" },
	{ "dollar", "$" }, { "dollars", "$" }, { "usd", "$" }, { "pond", "\u00a3" },
	{ "pound", "\u00a3" }, { "pounds", "\u00a3" }, { "gbp", "\u00a3" }, { "cent", "cent" },
	{ "cents", "cent" }, { "yen", "\u00a5" }, { "franc", "chf" }, { "francs", "chf" },
	{ "frank", "chf" }, { "franken", "chf" }, { "chf", "chf" },
	{ "km", "km" }, { "kilometer", "km" }, { "kilometers", "km" }, { "kilometre", "km" },
	{ "kilometres", "km" }, { "kilometern", "km" }, { "meter", "m" }, { "meters", "m" },
	{ "metres", "m" }, { "metre", "m" }, { "mètres", "m" }, { "cm", "cm" }, { "mm", "mm" },
	{ "kg", "kg" }, { "kilo", "kg" }, { "kilogram", "kg" }, { "kilogramm", "kg" },
	{ "ton", "t" }, { "tons", "t" }, { "tonnes", "t" }, { "tonnen", "t" }, { "liter", "l" },
	{ "litres", "l" }, { "liters", "l" }, { "graden", "deg" }, { "degrees", "deg" },
	{ "grad", "deg" }, { "degr\u00e9s", "deg" }, { "\u00b0", "deg" }, { "\u00b0c", "deg" },
	{ "mph", "mph" }, { "mi", "mi" }, { "mile", "mi" }, { "miles", "mi" }, { "mijl", "mi" },
	{ "meilen", "mi" }, { "ha", "ha" }, { "hectare", "ha" }, { "jaar", "y" }, { "jaren", "y" }, { "years", "y" }, { "jahre", "y" },
	{ "jahren", "y" }, { "ans", "y" },
};

/* Little words: never the whole context, dropped at its ends. */
static const char *const little[] = {
	"de", "het", "een", "van", "in", "op", "te", "en", "is", "was", "zijn", "aan", "met", "voor",
	"naar", "tot", "om", "dan", "dat", "die", "bij", "of", "als", "door", "uit", "over", "nog",
	"er", "ook", "al", "ruim", "bijna", "circa", "ongeveer", "zo", "maar", "meer", "minder",
	"the", "a", "an", "on", "at", "to", "and", "are", "were", "by", "for", "from", "with", "as",
	"than", "this", "its", "it", "has", "have", "had", "be", "been", "about", "around", "nearly",
	"some", "more", "less", "over", "up", "der", "die", "das", "den", "dem", "ein", "eine",
	"einer", "eines", "und", "ist", "war", "sind", "auf", "zu", "im", "mit", "von", "f\u00fcr",
	"bei", "nach", "aus", "um", "etwa", "rund", "fast", "mehr", "als", "le", "la", "les", "un",
	"une", "des", "du", "et", "est", "sont", "\u00e0", "au", "aux", "en", "sur", "pour", "par",
	"avec", "dans", "que", "qui", "plus", "moins", "environ", "pr\u00e8s", "d", "l", "s", "x",
	/* "£120m last year", "5 mln per jaar": when, not what */
	"last", "next", "per", "each", "a", "vorig", "vorige", "vorigen", "dit", "deze", "elk",
	"letzten", "pro", "dernier", "derni\u00e8re", "par", "zur", "zum", "war", "wurde", "kam",
	"werd", "werden", "waren", "hat", "had", "heeft", "ont", "a", "across", "toen", "als", "when",
};

/* ASCII-lowercase copy of a token (UTF-8 bytes pass through); "" if too long. */
static void lower_tok(char *out, size_t size, const char *text, const struct tok *t)
{
	size_t n = t->len < size ? t->len : 0;

	for (size_t i = 0; i < n; i++) {
		char c = text[t->off + i];
		out[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	out[n] = '\0';
}

static int in_list(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; *w && i < n; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}

static const char *unit_canon_of(const char *w)
{
	for (size_t i = 0; *w && i < sizeof(units_after) / sizeof(units_after[0]); i++)
		if (strcmp(units_after[i].word, w) == 0)
			return units_after[i].canon;
	return NULL;
}

static int is_little(const char *w)
{
	return in_list(little, sizeof(little) / sizeof(little[0]), w);
}

int fig_is_little(const char *w)
{
	return is_little(w);
}

/* The tokens of the figure's line around `pos`; `*at` gets the figure's. */
static size_t cut(struct tok *v, size_t *at, const char *text, size_t pos)
{
	size_t start = pos, end, n = 0, off;

	while (start > 0 && text[start - 1] != '\n' && pos - start < WINDOW)
		start--;
	if (start > 0 && text[start - 1] != '\n') /* cut mid-line: begin at a space */
		while (start < pos && text[start] != ' ')
			start++;
	end = pos;
	while (text[end] && text[end] != '\n' && end - pos < WINDOW)
		end++;
	*at = (size_t)-1;
	for (off = start; off < end && n < TOKENS_MAX;) {
		rl_worddiff_token_kind kind;
		size_t len = rl_worddiff_token_next(text + off, &kind);
		if (len == 0)
			break;
		if (off + len > end)
			len = end - off;
		if (off == pos)
			*at = n;
		v[n].off = off;
		v[n].len = len;
		v[n].kind = kind;
		n++;
		off += len;
	}
	return n;
}

static int is_space_tok(const struct tok *t)
{
	return t->kind == RL_WORDDIFF_TOKEN_SPACE;
}

/* A currency before the figure: "€ 5", "$5", "US$ 5", "EUR 5". */
static size_t unit_start(const char *text, const struct tok *v, size_t at)
{
	char w[16];
	size_t i = at;

	if (i > 0 && is_space_tok(&v[i - 1]))
		i--;
	if (i == 0)
		return at;
	lower_tok(w, sizeof(w), text, &v[i - 1]);
	if (!in_list(currency_before, sizeof(currency_before) / sizeof(currency_before[0]), w))
		return at;
	i--;
	if (strcmp(w, "$") == 0 && i > 0 && v[i - 1].kind == RL_WORDDIFF_TOKEN_WORD && v[i - 1].len <= 2)
		i--; /* US$, A$, C$ */
	return i;
}

static int is_magnitude(const char *canon)
{
	return strcmp(canon, "mln") == 0 || strcmp(canon, "mrd") == 0 || strcmp(canon, "k") == 0;
}

/* Up to two unit words after the figure ("mln euro", "%", "milliards
 * d'euros"): the index past them.  `*counts` is set when the unit is at
 * most a magnitude, so that the word after it can still be what it counts
 * ("5 miljoen mensen"), unlike "7,5 % selon". */
static size_t unit_end(const char *text, const struct tok *v, size_t n, size_t at, int *counts)
{
	size_t end = at + 1;
	char w[24];
	const char *canon;

	*counts = 1;
	for (int k = 0; k < 2; k++) {
		size_t i = end;
		if (i < n && is_space_tok(&v[i]) && v[i].len == 1)
			i++;
		if (i >= n)
			break;
		lower_tok(w, sizeof(w), text, &v[i]);
		/* "per cent" and "pour cent" are two words */
		if ((strcmp(w, "per") == 0 || strcmp(w, "pour") == 0) && i + 2 < n) {
			char w2[8];
			lower_tok(w2, sizeof(w2), text, &v[i + 2]);
			if (strcmp(w2, "cent") == 0 && is_space_tok(&v[i + 1])) {
				end = i + 3;
				continue;
			}
		}
		/* "d'euros", "d’euros" */
		if (strcmp(w, "d") == 0 && i + 2 < n && (text[v[i + 1].off] == '\'' ||
							 strncmp(text + v[i + 1].off, "\u2019", 3) == 0)) {
			char w2[16];
			lower_tok(w2, sizeof(w2), text, &v[i + 2]);
			if ((canon = unit_canon_of(w2)) != NULL) {
				end = i + 3;
				*counts = 0;
				continue;
			}
		}
		if ((canon = unit_canon_of(w)) == NULL)
			break;
		if (!is_magnitude(canon))
			*counts = 0;
		end = i + 1;
	}
	return end;
}

/* Appends token text to `out` (spaces folded to one), bounded. */
static void append(char *out, size_t size, const char *text, const struct tok *t)
{
	size_t have = strlen(out);

	if (is_space_tok(t)) {
		if (have && out[have - 1] != ' ' && have + 1 < size)
			out[have++] = ' ', out[have] = '\0';
		return;
	}
	if (have + t->len < size) {
		memcpy(out + have, text + t->off, t->len);
		out[have + t->len] = '\0';
	}
}

/* A context word: a word token, or a hyphenated one ("Noord-Koreaanse"). */
static int wordish(const struct tok *t)
{
	return t->kind == RL_WORDDIFF_TOKEN_WORD;
}

static void context_of(char *out, const char *text, const struct tok *v, size_t n, size_t first,
		       size_t past, int counts)
{
	char w[48];
	size_t i = past, starts[3], nw = 0, hi = 0;

	out[0] = '\0';
	/* what it counts: the word after the unit ("10.000 militairen") */
	if (i < n && is_space_tok(&v[i]))
		i++;
	if (counts && i < n && wordish(&v[i])) {
		lower_tok(w, sizeof(w), text, &v[i]);
		if (*w && !is_little(w) && v[i].len >= 3) {
			append(out, FIG_CONTEXT_MAX, text, &v[i]);
			return;
		}
	}
	/* else up to three words before it, back to a punctuation mark or a
	 * figure; starts[k] is where the k-th word (from the figure) begins */
	for (i = first; i-- > 0;) {
		if (is_space_tok(&v[i]))
			continue;
		if (v[i].kind == RL_WORDDIFF_TOKEN_PUNCT) {
			/* a hyphen inside a word joins ("Noord-Koreaanse") */
			if (text[v[i].off] == '-' && nw > 0 && starts[nw - 1] == i + 1 && i > 0 &&
			    wordish(&v[i - 1])) {
				starts[nw - 1] = i - 1;
				i--;
				continue;
			}
			break;
		}
		if (v[i].kind != RL_WORDDIFF_TOKEN_WORD)
			break;
		lower_tok(w, sizeof(w), text, &v[i]);
		if (nw == 0 && is_little(w))
			continue; /* "op 3000": the little word nearest the figure goes */
		if (nw == 3)
			break;
		if (nw == 0)
			hi = i;
		starts[nw++] = i;
	}
	while (nw > 0) {
		struct tok t = v[starts[nw - 1]];
		lower_tok(w, sizeof(w), text, &t);
		if (!is_little(w) || (starts[nw - 1] + 1 < first && text[v[starts[nw - 1] + 1].off] == '-'))
			break;
		nw--; /* a little word at the far end */
	}
	if (nw == 0)
		return;
	for (i = starts[nw - 1]; i <= hi; i++)
		append(out, FIG_CONTEXT_MAX, text, &v[i]);
}

void fig_describe(char spelled[FIG_SPELLED_MAX], char context[FIG_CONTEXT_MAX], const char *text,
		  size_t pos, size_t len)
{
	struct tok v[TOKENS_MAX];
	size_t at, n = cut(v, &at, text, pos), first, past;
	int counts;

	spelled[0] = context[0] = '\0';
	if (at == (size_t)-1 || v[at].len != len) {
		/* not at a token boundary: the number alone */
		snprintf(spelled, FIG_SPELLED_MAX, "%.*s", (int)(len < FIG_SPELLED_MAX ? len : 0), text + pos);
		return;
	}
	first = unit_start(text, v, at);
	past = unit_end(text, v, n, at, &counts);
	for (size_t i = first; i < past; i++)
		append(spelled, FIG_SPELLED_MAX, text, &v[i]);
	context_of(context, text, v, n, first, past, counts);
}

void fig_unit_canon(char *out, size_t size, const char *spelled)
{
	const char *p = spelled;
	size_t have = 0;

	out[0] = '\0';
	while (*p) {
		rl_worddiff_token_kind kind;
		size_t len = rl_worddiff_token_next(p, &kind);
		char w[32];
		const char *c;
		if (kind == RL_WORDDIFF_TOKEN_WORD || (kind == RL_WORDDIFF_TOKEN_PUNCT && *p != '.' && *p != ',')) {
			struct tok t = { 0, len, kind };
			lower_tok(w, sizeof(w), p, &t);
			c = unit_canon_of(w);
			if (c == NULL && in_list(currency_before, sizeof(currency_before) / sizeof(currency_before[0]), w))
				c = strcmp(w, "eur") == 0 ? "\u20ac" : strcmp(w, "usd") == 0 ? "$" : w;
			if (c == NULL)
				c = w;
			if (have + strlen(c) + 2 < size) {
				have += (size_t)snprintf(out + have, size - have, "%s%s", have ? " " : "", c);
			}
		}
		p += len;
	}
}

int fig_unit_owner(size_t *num_pos, size_t *num_len, const char *text, size_t pos, size_t len)
{
	struct tok v[TOKENS_MAX], self = { pos, len, RL_WORDDIFF_TOKEN_WORD };
	size_t at, n, i;
	char w[24];

	/* most changed words are no unit: say so before cutting the line */
	lower_tok(w, sizeof(w), text, &self);
	if (unit_canon_of(w) == NULL &&
	    !in_list(currency_before, sizeof(currency_before) / sizeof(currency_before[0]), w))
		return 0;
	n = cut(v, &at, text, pos);
	if (at == (size_t)-1 || v[at].len != len || v[at].kind == RL_WORDDIFF_TOKEN_SPACE ||
	    v[at].kind == RL_WORDDIFF_TOKEN_NUMBER)
		return 0;
	/* a currency before the number: "$5" -> "€5" */
	if (in_list(currency_before, sizeof(currency_before) / sizeof(currency_before[0]), w)) {
		i = at + 1;
		if (i < n && is_space_tok(&v[i]) && v[i].len == 1)
			i++;
		if (i < n && v[i].kind == RL_WORDDIFF_TOKEN_NUMBER) {
			*num_pos = v[i].off;
			*num_len = v[i].len;
			return 1;
		}
	}
	if (unit_canon_of(w) == NULL)
		return 0;
	/* one of the (up to two) unit words after the number: "5 mln euro" */
	i = at;
	for (int k = 0; k < 2 && i > 0; k++) {
		i--;
		if (is_space_tok(&v[i]) && v[i].len == 1 && i > 0)
			i--;
		if (v[i].kind == RL_WORDDIFF_TOKEN_NUMBER) {
			size_t past;
			int counts;
			/* the word must really be part of the number's unit */
			past = unit_end(text, v, n, i, &counts);
			if (past <= at)
				return 0;
			*num_pos = v[i].off;
			*num_len = v[i].len;
			return 1;
		}
		lower_tok(w, sizeof(w), text, &v[i]);
		if (unit_canon_of(w) == NULL)
			return 0;
	}
	return 0;
}
