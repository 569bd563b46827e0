/*
 * normalise_filter.c - cheap tests that tell when a built-in rule cannot
 * match, so that its PCRE2 pattern is not run at all.
 *
 * Every field of every story goes through twelve built-in patterns, most of
 * them starting with a lookbehind that PCRE2 must try at every position;
 * nearly always none matches.  Each rule here has a necessary condition
 * that a plain scan decides: a word the pattern cannot match without (as a
 * caseless ASCII substring: PCRE2's caseless UCP matching gives an ASCII
 * letter no other partner than U+017F for 's' and U+212A for 'k', and a
 * text holding either is never filtered), a digit (\d: ASCII or a Unicode
 * decimal digit), and for the rules anchored at a line's end, a last
 * character the pattern can end with.  A test that cannot decide says
 * "may match".  The conditions must follow reltime.c and counters.c:
 * tests/unit/test_normalise_filter.c runs every rule with and without
 * them over many texts and wants the same result.
 */
#include "normalise_internal.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* What a rule cannot match without. */
enum {
	NEED_DIGIT = 1u,     /* a digit somewhere */
	TAIL_BARE = 2u,      /* a line ending like BARE CLOCK (reltime.c) */
	TAIL_COUNTER = 4u,   /* a line ending like a COUNTER (counters.c) */
	TAIL_CLOCK = 8u,     /* a line ending like a CLOCK (counters.c) */
};

/* The word lists, by index into nf_text.found. */
enum { L_GELEDEN, L_AGO, L_VOR, L_IL_Y_A, L_BARE, L_NOUN, L_STAMP, L_COUNT };

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* One of these words must occur; a ' ' stands for one or more \h. */
static const char *const *const lists[L_COUNT] = {
	[L_GELEDEN] = WORDS("geleden"),  /* Dutch: "... geleden" */
	[L_AGO] = WORDS("ago"),          /* English: "... ago" */
	[L_VOR] = WORDS("vor"),          /* German: "vor ..." */
	[L_IL_Y_A] = WORDS("il y a"),    /* French: "il y a ..." */
	/* BARE of reltime.c: "eergisteren" holds "gisteren", "moments ago" and
	 * "a moment ago" hold "moment", "avant-hier" "hier", "aujourd'hui"
	 * "aujourd". */
	[L_BARE] = WORDS("gisteren", "vandaag", "zojuist", "zonet", "net binnen", "yesterday",
			 "today", "just now", "moment", "seconds ago", "gestern", "heute",
			 "gerade eben", "soeben", "vor kurzem", "hier", "aujourd", "instant"),
	/* NOUN of counters.c, each alternative by a word it holds. */
	[L_NOUN] = WORDS("reactie", "bekeken", "weergave", "gedeeld", "lezers", "vind-ik-leuk",
			 "comment", "view", "share", "like", "action", "repl", "read", "retweet",
			 "kommentar", "aufrufe", "ansichten", "leser", "geteilt", "reaktionen",
			 "antworten", "mir", "vue", "partage", "lecture", "lecteur", "aime"),
	/* STAMP_LABEL of counters.c: "laatst bijgewerkt", "geactualiseerd" and
	 * "actualisé" by the word they hold, "mis(e) à jour" by "jour". */
	[L_STAMP] = WORDS("bijgewerkt", "update", "actualis", "aktualisiert", "stand", "jour"),
};

struct need {
	int list;        /* L_*: one of its words must occur */
	unsigned flags;
};

static const struct need reltime_needs[] = {
	{ L_GELEDEN, 0 },         /* Dutch */
	{ L_AGO, 0 },             /* English */
	{ L_VOR, 0 },             /* German */
	{ L_IL_Y_A, 0 },          /* French */
	{ L_BARE, 0 },            /* a bare word as a whole line */
	{ L_BARE, 0 },            /* glued to the start of a line */
	{ L_BARE, TAIL_BARE },    /* at the end of a line */
};

static const struct need counter_needs[] = {
	{ L_NOUN, NEED_DIGIT },                /* a line of counters */
	{ L_NOUN, NEED_DIGIT },                /* at the start of a line */
	{ L_NOUN, NEED_DIGIT | TAIL_COUNTER }, /* at the end of a line */
	{ L_STAMP, NEED_DIGIT },               /* a ticker's stamp as a line */
	{ L_STAMP, NEED_DIGIT | TAIL_CLOCK },  /* a stamp at a line's end */
};

/* A three-byte sequence (the bytes in a word of 24 bits) as a bit of
 * nf_text.tri: Fibonacci hashing to 13 bits. */
#define TRI_BIT(w24) ((uint32_t)((w24) * 0x9E3779B1u) >> 19)

bool nf_may_be_digit(int c)
{
	if (c < 0x80)
		return c >= '0' && c <= '9';
	/* No decimal digit comes before U+0660 (ARABIC-INDIC DIGIT ZERO). */
	return c >= 0x660 && utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

/* Eight ASCII bytes (no high bit set) with A-Z as a-z; *digit set when one
 * of them is 0-9.  Each byte plus a constant sets its high bit when it is at
 * least the constant's partner; no byte carries into the next. */
static uint64_t lower8(uint64_t w, bool *digit)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t upper = ((w + (0x80 - 'A') * ones) ^ (w + (0x80 - 'Z' - 1) * ones)) & high;
	uint64_t digits = ((w + (0x80 - '0') * ones) ^ (w + (0x80 - '9' - 1) * ones)) & high;

	*digit |= digits != 0;
	return w | upper >> 2;
}

int nf_text_set(nf_text *t, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	const unsigned char *l;
	uint32_t last = 0;

	if (len + 1 > t->cap) {
		char *p = realloc(t->lower, len + 1);
		if (p == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		t->lower = p;
		t->cap = len + 1;
	}
	t->len = len;
	t->digit = t->odd_case = false;
	memset(t->tri, 0, sizeof(t->tri));
	memset(t->found, -1, sizeof(t->found));
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t n;
		uint64_t w;

		if (len - i >= 8 && (memcpy(&w, u + i, 8), (w & 0x8080808080808080ull) == 0)) {
			w = lower8(w, &t->digit);
			memcpy(t->lower + i, &w, 8);
			i += 8;
			continue;
		}
		if (u[i] < 0x80) {
			t->lower[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
			t->digit |= u[i] >= '0' && u[i] <= '9';
			i++;
			continue;
		}
		n = utf8proc_iterate(u + i, (utf8proc_ssize_t)(len - i), &c);
		if (n <= 0) {
			/* not valid UTF-8: no test here is sure of anything */
			t->digit = t->odd_case = true;
			n = 1;
			c = -1;
		}
		memcpy(t->lower + i, u + i, (size_t)n);
		t->digit |= c > 0 && nf_may_be_digit(c);
		t->odd_case |= c == 0x17F || c == 0x212A;
		i += (size_t)n;
	}
	t->lower[len] = '\0';
	l = (const unsigned char *)t->lower;
	for (size_t i = 0; i < len; i++) {
		last = (last << 8 | l[i]) & 0xFFFFFF;
		if (i >= 2) {
			uint32_t bit = TRI_BIT(last);
			t->tri[bit >> 6] |= 1ull << (bit & 63);
		}
	}
	return 0;
}

void nf_text_release(nf_text *t)
{
	free(t->lower);
	memset(t, 0, sizeof(*t));
}

/* A byte that may belong to a \h: ' ', '\t', or any byte of a non-ASCII
 * character (NBSP, U+2000...: the test does not tell them apart). */
static bool may_be_hspace(unsigned char b)
{
	return b == ' ' || b == '\t' || b >= 0x80;
}

/* `w` (lower case; ' ' for \h+) at `p`: the length matched, or 0. */
static size_t phrase_at(const char *p, const char *end, const char *w)
{
	const char *start = p;

	for (; *w; w++) {
		if (*w == ' ') {
			if (p == end || !may_be_hspace((unsigned char)*p))
				return 0;
			while (p < end && may_be_hspace((unsigned char)*p))
				p++;
		} else if (p == end || *p++ != *w) {
			return 0;
		}
	}
	return (size_t)(p - start);
}

/* Every three bytes of `w` within one of its words are in the text (a
 * word shorter than three bytes tells nothing). */
static bool trigrams_present(const nf_text *t, const char *w)
{
	for (; w[0] && w[1] && w[2]; w++) {
		uint32_t bit;
		if (w[0] == ' ' || w[1] == ' ' || w[2] == ' ')
			continue;
		bit = TRI_BIT((uint32_t)(unsigned char)w[0] << 16 |
			      (uint32_t)(unsigned char)w[1] << 8 | (unsigned char)w[2]);
		if (!(t->tri[bit >> 6] & (1ull << (bit & 63))))
			return false;
	}
	return true;
}

static bool has_word(const nf_text *t, const char *w)
{
	const char *p = t->lower, *end = t->lower + t->len;
	size_t first;

	if (!trigrams_present(t, w))
		return false;
	first = strcspn(w, " ");
	while (p < end && (p = memmem(p, (size_t)(end - p), w, first)) != NULL) {
		if (w[first] == '\0' || phrase_at(p, end, w) > 0)
			return true;
		p++;
	}
	return false;
}

/* One of the words of list `l` is in the text (asked once a text). */
static bool has_list(nf_text *t, int l)
{
	if (t->found[l] < 0) {
		t->found[l] = 0;
		for (const char *const *w = lists[l]; *w && !t->found[l]; w++)
			t->found[l] = has_word(t, *w);
	}
	return t->found[l] == 1;
}

static bool ends_with(const char *start, const char *end, const char *suffix)
{
	size_t n = strlen(suffix);
	return (size_t)(end - start) >= n && memcmp(end - n, suffix, n) == 0;
}

static bool is_alnum(unsigned char b)
{
	return (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9');
}

/* Can a line [start, end) (trailing \h already cut) end as `tail` wants? */
static bool tail_fits(const char *start, const char *end, unsigned tail)
{
	unsigned char last;

	if (end == start)
		return false;
	last = (unsigned char)end[-1];
	if (last >= 0x80)
		return true; /* a Unicode digit, letter or bracket: let PCRE2 say */
	if (is_alnum(last))
		return true;
	if (last == ')')
		return (tail & TAIL_COUNTER) != 0; /* "Comments (12)" */
	if (last == '.') {
		/* "a.m." / "pm." after a clock; "1,2 mio." / "5k." after a count */
		if ((tail & (TAIL_BARE | TAIL_CLOCK)) && ends_with(start, end, "m."))
			return true;
		return (tail & TAIL_COUNTER) &&
		       (ends_with(start, end, "k.") || ends_with(start, end, "mio.") ||
			ends_with(start, end, "mln.") || ends_with(start, end, "tsd."));
	}
	return false;
}

/* Cuts trailing \h: ' ', '\t' and the multi-byte ones (normalise.h). */
static const char *cut_hspace(const char *start, const char *end)
{
	static const char *const wide[] = { "\u00a0", "\u1680", "\u180e", "\u2000", "\u2001",
					    "\u2002", "\u2003", "\u2004", "\u2005", "\u2006",
					    "\u2007", "\u2008", "\u2009", "\u200a", "\u202f",
					    "\u205f", "\u3000" };
	for (;;) {
		size_t i;
		if (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
			end--;
			continue;
		}
		for (i = 0; i < sizeof(wide) / sizeof(*wide); i++)
			if (ends_with(start, end, wide[i])) {
				end -= strlen(wide[i]);
				break;
			}
		if (i == sizeof(wide) / sizeof(*wide))
			return end;
	}
}

static bool some_line_ends(const nf_text *t, unsigned tail)
{
	const char *p = t->lower, *end = t->lower + t->len;

	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		if (tail_fits(p, cut_hspace(p, line_end), tail))
			return true;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return false;
}

static bool may_match(const struct need *need, nf_text *t)
{
	unsigned tail = need->flags & (TAIL_BARE | TAIL_COUNTER | TAIL_CLOCK);

	if ((need->flags & NEED_DIGIT) && !t->digit)
		return false;
	/* A long s or a Kelvin sign may stand for an ASCII letter anywhere,
	 * also in a line's last character. */
	if (t->odd_case)
		return true;
	if (!has_list(t, need->list))
		return false;
	return tail == 0 || some_line_ends(t, tail);
}

bool nf_reltime_may_match(size_t i, nf_text *t)
{
	return i >= sizeof(reltime_needs) / sizeof(*reltime_needs) ||
	       may_match(&reltime_needs[i], t);
}

bool nf_counter_may_match(size_t i, nf_text *t)
{
	return i >= sizeof(counter_needs) / sizeof(*counter_needs) ||
	       may_match(&counter_needs[i], t);
}
