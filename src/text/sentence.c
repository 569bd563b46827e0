/*
 * sentence.c - the sentence splitter.
 *
 * A candidate end is a run of . ! ? … followed by closing quotes/brackets;
 * it is a sentence end when whitespace follows and then an upper-case
 * letter (any script, by utf8proc's category), a digit or an opening quote
 * or bracket.  A '.' run of exactly one dot is vetoed when the word before
 * it is an abbreviation, an initial, or a German day number before a month.
 * Figures never split because their dots have no space after them.
 * Invariant: the sentences, joined by spaces, are the paragraph (trimmed).
 */
#include "redline/sentence.h"
#include "redline/error.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* lower case, without the final dot; inner dots kept */
static const char *const abbreviations[] = {
	/* Dutch */
	"o.a", "m.b.t", "d.w.z", "bijv", "bv", "ca", "nr", "mr", "dr", "prof", "drs", "ir",
	"ing", "mevr", "dhr", "blz", "jl", "jhr", "mgr", "ds", "e.a", "i.p.v", "t.o.v",
	"n.a.v", "m.i", "a.s", "resp", "incl", "excl", "evt", "vnl", "enz", "zgn", "z.g",
	"art", "tel", "mln", "mld", "mrd", "kol", "gen", "lt", "st", "sr", "jr", "v.chr",
	"n.chr", "j.l", "i.v.m", "m.u.v", "o.l.v", "p.p", "t.a.v", "vs", "vz",
	/* English */
	"mrs", "ms", "e.g", "i.e", "u.s", "u.k", "u.n", "u.s.a", "inc", "ltd", "co", "corp",
	"gov", "sen", "rep", "col", "sgt", "capt", "cpl", "rev", "hon", "no", "fig", "approx",
	"dept", "est", "mt", "ft", "ave", "blvd", "messrs", "cf", "al", "pp", "vol", "ed",
	"a.m", "p.m", "ph.d",
	/* months, which a day number or year (digit) follows */
	"jan", "feb", "mrt", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct",
	"nov", "dec", "dez",
	/* German */
	"z.b", "u.a", "bzw", "d.h", "usw", "u.s.w", "evtl", "ggf", "inkl", "vgl", "sog",
	"str", "hr", "fr", "abs", "mio", "tsd", "z.t", "i.d.r", "o.ä", "s.o", "u.u", "jh",
	"bzgl", "geb", "gest", "ca", "dipl", "stv", "min", "max", "std",
	/* French */
	"mme", "mlle", "mm", "ste", "etc", "p.ex", "env", "av", "bd", "me", "mgr",
};

static const char *const german_months[] = {
	"januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august",
	"september", "oktober", "november", "dezember",
};

static utf8proc_int32_t cp_at(const char *s, size_t *len)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	/* ASCII (NUL too) as utf8proc_iterate() reads it, without the call */
	if ((unsigned char)*s < 0x80) {
		*len = 1;
		return (unsigned char)*s;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);

	if (n <= 0) {
		*len = 1;
		return 0xFFFD;
	}
	*len = (size_t)n;
	return c;
}

static bool is_closing(utf8proc_int32_t c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x201D || c == 0x2019 ||
	       c == 0x00BB || c == 0x203A;
}

static bool is_opening(utf8proc_int32_t c)
{
	return c == '"' || c == '\'' || c == '(' || c == '[' || c == 0x201C || c == 0x201E ||
	       c == 0x2018 || c == 0x201A || c == 0x00AB || c == 0x2039 || c == 0x00BF ||
	       c == 0x00A1;
}

static bool starts_sentence(utf8proc_int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT ||
	       cat == UTF8PROC_CATEGORY_ND || is_opening(c);
}

/* A list's entries by the letter they start with (lower case a-z; 26 holds
 * any other first byte), built once: a word is compared only with the few
 * that start as it does. */
#define LIST_MAX 256

typedef struct word_index {
	const char *const *list;
	uint16_t start[28];      /* bucket b is order[start[b]] .. order[start[b + 1] - 1] */
	uint16_t order[LIST_MAX];
} word_index;

static word_index abbreviation_index, month_index;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int bucket_of(unsigned char first)
{
	return first >= 'a' && first <= 'z' ? first - 'a' : 26;
}

static void index_build(word_index *ix, const char *const *list, size_t n)
{
	uint16_t fill[27];

	_Static_assert(sizeof(abbreviations) / sizeof(*abbreviations) <= LIST_MAX,
		       "LIST_MAX too small");
	memset(ix, 0, sizeof(*ix));
	ix->list = list;
	for (size_t i = 0; i < n; i++)
		ix->start[bucket_of((unsigned char)list[i][0]) + 1]++;
	for (int b = 0; b < 27; b++)
		ix->start[b + 1] += ix->start[b];
	memcpy(fill, ix->start, sizeof(fill));
	for (size_t i = 0; i < n; i++)
		ix->order[fill[bucket_of((unsigned char)list[i][0])]++] = (uint16_t)i;
}

static void indexes_build(void)
{
	index_build(&abbreviation_index, abbreviations,
		    sizeof(abbreviations) / sizeof(*abbreviations));
	index_build(&month_index, german_months, sizeof(german_months) / sizeof(*german_months));
}

/* The lists are lower case: the first byte, folded, picks the bucket. */
static bool in_list(const word_index *ix, const char *w, size_t len)
{
	unsigned char first = (unsigned char)w[0];
	int b;

	if (first >= 'A' && first <= 'Z')
		first += 'a' - 'A';
	b = bucket_of(first);
	for (size_t k = ix->start[b]; k < ix->start[b + 1]; k++) {
		const char *e = ix->list[ix->order[k]];
		if ((unsigned char)e[0] == first && strncasecmp(e, w, len) == 0 && e[len] == '\0')
			return true;
	}
	return false;
}

/* "J", "J.F", "A.B.C": single letters joined by dots (any script) */
static bool is_initials(const char *w, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		utf8proc_int32_t c = cp_at(w + i, &n);
		utf8proc_category_t cat = utf8proc_category(c);
		if (cat != UTF8PROC_CATEGORY_LU && cat != UTF8PROC_CATEGORY_LL &&
		    cat != UTF8PROC_CATEGORY_LT)
			return false;
		i += n;
		if (i == len)
			return true;
		if (w[i] != '.')
			return false;
		i++;
	}
	return false;
}

/* Does the single '.' at `dot` (not a sentence end) belong to the word before it? */
static bool dot_is_not_an_end(const char *para, const char *dot, const char *next)
{
	const char *w = dot;
	size_t len, nlen = 0;

	while (w > para && !isspace((unsigned char)w[-1]) && w[-1] != '(' && w[-1] != '"' &&
	       w[-1] != '\'' && w[-1] != '/')
		w--;
	len = (size_t)(dot - w);
	if (len == 0)
		return false;
	pthread_once(&index_once, indexes_build);
	if (in_list(&abbreviation_index, w, len) ||
	    is_initials(w, len))
		return true;
	/* German dates: "am 3. Oktober" */
	if (len <= 2 && isdigit((unsigned char)w[0]) && (len == 1 || isdigit((unsigned char)w[1]))) {
		while (next[nlen] && !isspace((unsigned char)next[nlen]) && next[nlen] != ',')
			nlen++;
		return in_list(&month_index, next, nlen);
	}
	return false;
}

static int emit_trimmed(rl_sentence_fn fn, void *ctx, const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return len == 0 ? 0 : fn(ctx, s, len);
}

/* The bytes the scan stops at: a mark, a line break ('\n'), NUL, and any
 * non-ASCII byte (which may start U+2026); every other ASCII byte is
 * passed over at once. */
#define STOP16 true, true, true, true, true, true, true, true, \
	true, true, true, true, true, true, true, true
static const bool stops[256] = {
	['\0'] = true, ['\n'] = true, ['!'] = true, ['.'] = true, ['?'] = true,
	[0x80] = STOP16, STOP16, STOP16, STOP16, STOP16, STOP16, STOP16, STOP16,
};
#undef STOP16

int rl_sentence_each(const char *para, rl_sentence_fn fn, void *ctx)
{
	const char *start = para, *p = para;
	size_t count = 0, n;
	int error;

	while (*p && count + 1 < RL_SENTENCE_MAX) {
		utf8proc_int32_t c;
		const char *end, *q;
		size_t dots = 0, marks = 0;

		/* A byte below 0x80 never sits inside a UTF-8 sequence: passing
		 * other ASCII bytes one at a time lands where cp_at() would. */
		while (!stops[(unsigned char)*p])
			p++;
		if (*p == '\0')
			break;
		c = cp_at(p, &n);
		if (c == '\n') {
			if ((error = emit_trimmed(fn, ctx, start, (size_t)(p - start))) < 0)
				return error;
			count++;
			start = p = p + 1;
			continue;
		}
		if (c != '.' && c != '!' && c != '?' && c != 0x2026) {
			p += n;
			continue;
		}
		/* the run of terminal marks, then closing quotes and brackets */
		end = p;
		for (;;) {
			c = cp_at(end, &n);
			if (c == '.')
				dots++;
			else if (c != '!' && c != '?' && c != 0x2026)
				break;
			marks++;
			end += n;
		}
		while (*end && is_closing(cp_at(end, &n)))
			end += n;
		/* whitespace, then something that starts a sentence */
		for (q = end; *q == ' ' || *q == '\t'; q++)
			;
		if (q == end || *q == '\0' || !starts_sentence(cp_at(q, &n)) ||
		    (marks == 1 && dots == 1 && dot_is_not_an_end(para, p, q))) {
			p = end > p ? end : p + 1;
			continue;
		}
		if ((error = emit_trimmed(fn, ctx, start, (size_t)(end - start))) < 0)
			return error;
		count++;
		start = p = q;
	}
	return emit_trimmed(fn, ctx, start, strlen(start));
}

static int push_one(void *ctx, const char *s, size_t len)
{
	if (rl_strvec_pushn(ctx, s, len) < 0)
		return rl_error_set(RL_ENOMEM, "out of memory");
	return 0;
}

int rl_sentence_split(rl_strvec *out, const char *para)
{
	return rl_sentence_each(para, push_one, out);
}
