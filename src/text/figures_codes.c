/*
 * figures_codes.c - numbers that are part of something else: identifiers
 * (phone numbers, postcodes, ISBNs, "#4", hex ids), ages, street addresses,
 * names with a number ("Windows 10", "NDR 1"), years used as adjectives
 * ("the 2016 election", "Altenahr's 2009 Goldkapsel") and counts of the
 * page itself ("(16)", "(76 pp,").
 *
 * Measured on real corpus sentences (tests/corpus/figures.tsv, the "real"
 * section, labelled by hand): each rule is a shape of text, never a word
 * of one page, and the floor in tests/unit/test_figures_labelled.c keeps
 * the precision they reach.
 */
#include "figures_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

static int letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* A capital: ASCII, or a two-byte UTF-8 capital of Latin-1 (À-Þ). */
static int capital_at(const char *p)
{
	unsigned char c = (unsigned char)p[0], d = (unsigned char)p[1];

	return (c >= 'A' && c <= 'Z') || (c == 0xc3 && d >= 0x80 && d <= 0x9e && d != 0x97);
}

/* The word ending right before `pos` across spaces only: [*ws, *we). */
static int prev_word(const char *text, size_t pos, size_t *ws, size_t *we)
{
	size_t e = pos, s;

	while (e > 0 && text[e - 1] == ' ')
		e--;
	s = e;
	while (s > 0 && letter((unsigned char)text[s - 1]))
		s--;
	*ws = s;
	*we = e;
	return s < e;
}

/* 1 when nothing but spaces, an opening quote or parenthesis stand
 * between the start of the sentence and `at`. */
static int sentence_start(const char *text, size_t at)
{
	while (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '(' || text[at - 1] == '"'))
		at--;
	return at == 0 || text[at - 1] == '\n' || text[at - 1] == '.' || text[at - 1] == '!' ||
	       text[at - 1] == '?' || text[at - 1] == ':';
}

static int word_is(const char *text, size_t s, size_t e, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == e - s && strncasecmp(text + s, list[i], e - s) == 0)
			return 1;
	return 0;
}
#define WORD_IS(text, s, e, list) word_is(text, s, e, list, sizeof(list) / sizeof(list[0]))

static int starts_with_ci(const char *p, const char *prefix)
{
	return strncasecmp(p, prefix, strlen(prefix)) == 0;
}

/* An age right after a number: "16-year-old", "60-Jährigen", "30-jarige". */
static int age_after(const char *text, size_t q)
{
	static const char *const ages[] = { "year-old", "years-old", "year old", "years old", "jährig",
					    "jarig", "jahre alt", "jaar oud" };

	if (text[q] == '-' || text[q] == ' ')
		q++;
	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++)
		if (starts_with_ci(text + q, ages[i]))
			return 1;
	return 0;
}

/* A person's age between commas: "Kole Dixon, 16, a sophomore". */
static int age_between_commas(const char *text, size_t pos, size_t len)
{
	size_t ws, we;
	long v = 0;

	if (len > 3 || pos < 3 || text[pos - 1] != ' ' || text[pos - 2] != ',' || text[pos + len] != ',')
		return 0;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (text[pos + i] - '0');
	return v <= 120 && prev_word(text, pos - 2, &ws, &we) && capital_at(text + ws);
}

/* Digit groups joined by '-' around the number: three or more are a phone
 * number, an ISBN or a reference ("202-586-5000", "16-3010-173"). */
static int hyphen_groups(const char *text, size_t pos, size_t len)
{
	size_t s = pos, e = pos + len;
	int groups = 1;

	while (s >= 2 && text[s - 1] == '-' && digit(text[s - 2])) {
		s--;
		while (s > 0 && digit(text[s - 1]))
			s--;
		groups++;
	}
	while (text[e] == '-' && digit(text[e + 1])) {
		e++;
		while (digit(text[e]))
			e++;
		groups++;
	}
	/* a phone number spelled in letters: "1-800-RED CROSS" */
	if (groups >= 2 && text[e] == '-' && letter((unsigned char)text[e + 1]))
		groups++;
	return groups;
}

/* A street address: "350 Carlos Chardón Street", "1849 C Street NW",
 * "Kalverstraat 12", "12 rue de Rivoli". */
static int address(const char *text, size_t pos, size_t len)
{
	static const char *const streets[] = { "street", "st", "avenue", "ave", "road", "rd", "boulevard",
					       "blvd", "lane", "drive", "square", "pl", "straat", "laan", "weg",
					       "plein", "gracht", "kade", "straße", "strasse", "str", "gasse",
					       "allee", "rue", "chemin" };
	static const char *const suffixes[] = { "straat", "laan", "weg", "plein", "gracht", "straße",
						"strasse", "gasse", "allee", "street" };
	size_t q = pos + len, ws, we;

	for (int k = 0; k < 4; k++) {
		size_t s;
		while (text[q] == ' ')
			q++;
		s = q;
		while (letter((unsigned char)text[q]))
			q++;
		if (q == s)
			break;
		if (WORD_IS(text, s, q, streets) && (k > 0 || strncasecmp(text + s, "rue", 3) == 0))
			return 1;
		if (!capital_at(text + s))
			break;
	}
	if (!prev_word(text, pos, &ws, &we))
		return 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t n = strlen(suffixes[i]);
		if (we - ws >= n && strncasecmp(text + we - n, suffixes[i], n) == 0)
			return 1;
	}
	return 0;
}

/* The number stands alone in parentheses, with at most one word: a count
 * of the page ("Comments (0)", "(16)", "( 15 images )", "(76 pp,"). */
static int parenthesised(const char *text, size_t pos, size_t len)
{
	size_t s = pos, q = pos + len;

	while (s > 0 && text[s - 1] == ' ')
		s--;
	if (s == 0 || text[s - 1] != '(')
		return 0;
	if (text[q] == '-' && digit(text[q + 1])) /* a range: "(1-52)" */
		for (q++; digit(text[q]); q++)
			;
	while (text[q] == ' ')
		q++;
	while (letter((unsigned char)text[q]))
		q++;
	while (text[q] == ' ')
		q++;
	return text[q] == ')' || text[q] == ',';
}

/* An all-capitals word (an acronym, a US state) before the number: "NDR 1",
 * "DC 20585", "ISBN 978-...": a name or a code, unless a currency. */
static int acronym_before(const char *text, size_t pos)
{
	static const char *const money[] = { "eur", "usd", "gbp", "chf", "dkk", "sek", "nok", "us" };
	size_t ws, we;

	if (!prev_word(text, pos, &ws, &we) || we - ws < 2 || we == pos)
		return 0;
	for (size_t i = ws; i < we; i++)
		if (text[i] < 'A' || text[i] > 'Z')
			return 0;
	return !WORD_IS(text, ws, we, money);
}

/* German dates written as ordinals: "am 11.", "ab 1.", "vom 3." */
static int german_ordinal_date(const char *text, size_t pos, size_t len, long v)
{
	static const char *const before[] = { "am", "vom", "ab", "zum", "bis", "seit" };
	size_t ws, we;

	if (len > 2 || v < 1 || v > 31 || text[pos + len] != '.' || letter((unsigned char)text[pos + len + 1]))
		return 0;
	return prev_word(text, pos, &ws, &we) && WORD_IS(text, ws, we, before);
}

int fig_is_code(const char *text, size_t pos, size_t len)
{
	static const char *const adjective_year[] = { "the", "a", "its", "their", "his", "her", "this",
						      "that", "whose", "s" };
	const char *t = text + pos, *after = t + len;
	size_t ws, we, q;
	int plain = 1;
	long v = 0;

	for (size_t i = 0; i < len; i++)
		if (!digit(t[i]))
			plain = 0;
	if (plain && len <= 9)
		for (size_t i = 0; i < len; i++)
			v = v * 10 + (t[i] - '0');
	/* "#4", "# 16-3010-173", "© 2020" */
	q = pos;
	while (q > 0 && text[q - 1] == ' ')
		q--;
	if (q > 0 && text[q - 1] == '#')
		return 1;
	if (q >= 2 && strncmp(text + q - 2, "\u00a9", 2) == 0)
		return 1;
	/* a hex id or a code glued to it: "3d995d0e", "06f29b18" */
	if (letter((unsigned char)*after)) {
		const char *w = after;
		while (letter((unsigned char)*w) || digit(*w))
			if (digit(*w++))
				return 1;
	}
	/* "3-D", "2-D" */
	if (after[0] == '-' && letter((unsigned char)after[1]) && !letter((unsigned char)after[2]))
		return 1;
	if (hyphen_groups(text, pos, len) >= 3)
		return 1;
	/* postcodes and ids with a leading zero: "00918", "04435" */
	if (plain && len >= 3 && t[0] == '0')
		return 1;
	if (age_after(text, pos + len) || age_between_commas(text, pos, len))
		return 1;
	/* "18- bis 30-Jährige": the first end of a range of ages */
	if (after[0] == '-' && after[1] == ' ') {
		q = pos + len + 2;
		while (letter((unsigned char)text[q]))
			q++;
		while (text[q] == ' ')
			q++;
		if (digit(text[q])) {
			while (digit(text[q]))
				q++;
			if (age_after(text, q))
				return 1;
		}
	}
	if (address(text, pos, len) || parenthesised(text, pos, len) || acronym_before(text, pos))
		return 1;
	if (plain && german_ordinal_date(text, pos, len, v))
		return 1;
	if (plain && len == 4 && v >= 1800 && v <= 2100) {
		/* a year used as an adjective, a title, or after a name */
		if (prev_word(text, pos, &ws, &we) && WORD_IS(text, ws, we, adjective_year))
			return 1;
		if ((pos >= 3 && strncmp(text + pos - 3, "\u201c", 3) == 0) || (pos > 0 && text[pos - 1] == '"'))
			return 1;
		if (we - ws >= 4 && strncmp(text + we - 4, "\u2019s", 4) == 0)
			return 1;
		if (sentence_start(text, pos))
			return 1;
		if (we > ws && capital_at(text + ws) && !sentence_start(text, ws))
			return 1;
	}
	/* "Windows 10", "Schalke 04": a name ending in a number; not a count,
	 * which says what it counts */
	if (prev_word(text, pos, &ws, &we) && we == pos - 1 && capital_at(text + ws) &&
	    (*after == '\0' || *after == '\n' || *after == ',' || *after == ')' ||
	     (*after == '.' && !digit(after[1]))) &&
	    (!sentence_start(text, ws) || *after == '\0' || *after == '\n'))
		return 1;
	return 0;
}
