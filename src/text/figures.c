/*
 * figures.c - the figures whose value changed between two texts.
 *
 * Built on the word diff: a changed region is a run of removed/added
 * segments; unchanged text breaks a region only when it holds a word, a
 * figure or a line end, so "3000 soldaten" -> "10.000 man" is one region
 * even if the space between them matched.  Values are compared, not
 * spellings: 10000 and 10.000 are the same figure.
 */
#include "redline/figures.h"
#include "redline/worddiff.h"
#include "figures_internal.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VALUE_MAX 128

/* The places of the figures one side of a region holds already. */
struct places {
	size_t *v;
	size_t n, cap;
};

/* Where each side's figures of the current region wait to be paired. */
struct region {
	rl_strvec removed, removed_ctx;
	rl_strvec added, added_ctx;
	struct places removed_at, added_at;
};

static int push_change(rl_figure_changes *out, const char *old, const char *new, const char *context)
{
	rl_figure_change *c;
	int error;

	if ((error = rl_array_grow(&out->v, &out->cap, out->n, sizeof(*c), 8)) < 0)
		return error;
	c = &out->v[out->n];
	c->old = old ? rl_strdup(old) : NULL;
	c->new = new ? rl_strdup(new) : NULL;
	c->context = context && *context ? rl_strdup(context) : NULL;
	if ((old && !c->old) || (new && !c->new) || (context && *context && !c->context)) {
		free(c->old);
		free(c->new);
		free(c->context);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	out->n++;
	return 0;
}

static void drop_change(rl_figure_changes *out, size_t i)
{
	free(out->v[i].old);
	free(out->v[i].new);
	free(out->v[i].context);
	memmove(&out->v[i], &out->v[i + 1], (out->n - i - 1) * sizeof(out->v[0]));
	out->n--;
}

/* Length of a group separator at `p` inside a number: '.', ',', a space or
 * a no-break space (U+00A0, U+202F) followed by a digit; 0 when none. */
static size_t group_sep(const char *p)
{
	size_t n = (*p == '.' || *p == ',' || *p == ' ') ? 1
		   : strncmp(p, "\u00a0", 2) == 0		 ? 2
		   : strncmp(p, "\u202f", 3) == 0		 ? 3
								 : 0;
	return n && p[n] >= '0' && p[n] <= '9' ? n : 0;
}

void rl_figure_value(char *out, size_t size, const char *spelled)
{
	char digits[VALUE_MAX], frac[VALUE_MAX], figure[VALUE_MAX];
	size_t nd = 0, nf = 0, len = 0, sep;
	const char *last_sep = NULL, *p, *n;
	int kinds = 0, decimal = 0, percent = strchr(spelled, '%') != NULL;
	char first_kind = 0;

	/* the number alone: "€ 5 mln" is 5, "10 000" is 10000 (units are
	 * compared apart, figures_units.c) */
	for (n = spelled; *n && !(*n >= '0' && *n <= '9'); n++)
		;
	while (len < sizeof(figure) - 2 && *n) {
		if (*n >= '0' && *n <= '9')
			figure[len++] = *n++;
		else if ((sep = group_sep(n)) > 0)
			figure[len++] = *n == ',' ? ',' : '.', n += sep;
		else
			break;
	}
	if (percent)
		figure[len++] = '%';
	figure[len] = '\0';

	for (p = figure; *p; p++) {
		if (*p == '.' || *p == ',') {
			if (first_kind == 0)
				first_kind = *p;
			else if (*p != first_kind)
				kinds = 2;
			last_sep = p;
		}
	}
	if (last_sep) {
		size_t after = len - (size_t)(last_sep - figure) - 1;
		if (figure[len - 1] == '%')
			after--;
		/* 10.000 / 1.200.000 group thousands; 3,5 / 0,125 / 1.200,5 do not */
		decimal = kinds == 2 || after != 3 || figure[0] == '0';
		if (!decimal && kinds != 2) {
			/* 1.20.000 is no grouping either */
			for (p = figure; p < last_sep; p++)
				if (*p == '.' || *p == ',') {
					const char *q = p + 1;
					while (*q >= '0' && *q <= '9')
						q++;
					if (q - p - 1 != 3)
						decimal = 1;
				}
		}
	}
	for (p = figure; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (decimal && p > last_sep) {
				if (nf < sizeof(frac) - 1)
					frac[nf++] = *p;
			} else if (nd < sizeof(digits) - 1 && !(nd == 0 && *p == '0')) {
				digits[nd++] = *p;
			}
		}
	}
	while (nf > 0 && frac[nf - 1] == '0')
		nf--;
	if (nd == 0)
		digits[nd++] = '0';
	digits[nd] = '\0';
	frac[nf] = '\0';
	snprintf(out, size, "%s%s%s%s", digits, nf ? "." : "", frac,
		 len && figure[len - 1] == '%' ? "%" : "");
}

/* Same number and same unit: "10000" = "10.000", "5 mln" = "5 miljoen",
 * "5 mln" != "5 mrd". */
static int same_value(const char *a, const char *b)
{
	char va[VALUE_MAX], vb[VALUE_MAX];

	rl_figure_value(va, sizeof(va), a);
	rl_figure_value(vb, sizeof(vb), b);
	/* the '%' is part of the unit: "12%" = "12 procent" */
	va[strcspn(va, "%")] = '\0';
	vb[strcspn(vb, "%")] = '\0';
	if (strcmp(va, vb) != 0)
		return 0;
	fig_unit_canon(va, sizeof(va), a);
	fig_unit_canon(vb, sizeof(vb), b);
	return strcmp(va, vb) == 0;
}

/* ---- what is not a figure: dates, years, times, page furniture -------- */

static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
	"sept", "oct", "nov", "dec", "januari", "februari", "maart", "mei", "juni", "juli",
	"augustus", "oktober", "okt", "januar", "februar", "m\u00e4rz", "mai", "dezember", "dez",
	"janvier", "f\u00e9vrier", "mars", "avril", "juin", "juillet", "ao\u00fbt", "septembre",
	"octobre", "novembre", "d\u00e9cembre",
};
/* Words before a year ("in 2024", "sinds 1998") or a time. */
static const char *const year_words[] = {
	"in", "since", "from", "until", "till", "year", "sinds", "tot", "jaar", "sind", "seit", "im",
	"jahr", "bis", "depuis", "ann\u00e9e", "jusqu", "begin", "eind", "end", "after", "before",
	"vor", "nach", "avant", "apr\u00e8s", "by", "tegen", "vers", "um", "anno", "anfang", "ende", "mitte", "medio", "early", "late", "mid", "d\u00e9but", "fin", "\u00a9",
};
/* Words that make a number page furniture: "page 2", "12 comments". */
static const char *const furniture_before[] = {
	"page", "pagina", "seite", "p", "pag", "blz", "nr", "no", "issue", "vol", "foto", "photo",
	"bild", "episode", "aflevering", "deel", "part", "teil", "chapter", "hoofdstuk", "leestijd",
	"lesezeit", "top", "platz", "rang", "rank", "nummer",
};
static const char *const furniture_after[] = {
	"comments", "comment", "reacties", "reactie", "kommentare", "kommentar", "commentaires",
	"shares", "likes", "views", "weergaven", "read", "leestijd", "lesezeit", "bewertungen",
	"ratings", "reviews", "beoordelingen",
};
static const char *const time_after[] = { "uur", "u", "h", "uhr", "am", "pm", "heures" };
/* "2 uur geleden", "5 minutes ago", "vor 5 Minuten", "il y a 5 minutes":
 * how long ago a page was updated, when normalisation left it in. */
static const char *const span_units[] = {
	"seconden", "seconde", "seconds", "second", "sekunden", "secondes", "minuten", "minuut",
	"minutes", "minute", "min", "uur", "hours", "hour", "stunden", "stunde", "heures", "heure",
	"dagen", "dag", "days", "day", "tage", "tagen", "jours", "jour", "weken", "weeks", "wochen",
	"semaines",
};
static const char *const ago_after[] = { "geleden", "ago" };
static const char *const ago_before[] = { "vor", "a" };

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The word (ASCII lower-cased) that ends right before `pos`, across
 * whitespace and one '.' or ','; "" when there is none. */
static void word_before(char *out, size_t size, const char *text, size_t pos)
{
	size_t end = pos, start;

	while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	while (end > 0 && (text[end - 1] == '.' || text[end - 1] == '\''))
		end--;
	start = end;
	while (start > 0 && is_word_byte((unsigned char)text[start - 1]))
		start--;
	if (end - start >= size)
		start = end = 0;
	for (size_t i = start; i < end; i++)
		out[i - start] = (char)((text[i] >= 'A' && text[i] <= 'Z') ? text[i] + 32 : text[i]);
	out[end - start] = '\0';
}

/* The word right after `pos`, across whitespace, a '.', ',' or '%'. */
static void word_after(char *out, size_t size, const char *text, size_t pos)
{
	size_t start = pos, end;

	while (text[start] == '.' || text[start] == ',')
		start++;
	while (text[start] == ' ' || text[start] == '\t')
		start++;
	end = start;
	while (is_word_byte((unsigned char)text[end]))
		end++;
	if (end - start >= size)
		end = start;
	for (size_t i = start; i < end; i++)
		out[i - start] = (char)((text[i] >= 'A' && text[i] <= 'Z') ? text[i] + 32 : text[i]);
	out[end - start] = '\0';
}

static int in_words(const char *const *list, size_t n, const char *w)
{
	for (size_t i = 0; *w && i < n; i++)
		if (strcmp(list[i], w) == 0)
			return 1;
	return 0;
}
#define IN(list, w) in_words(list, sizeof(list) / sizeof(list[0]), w)

/* A run of digits and one kind of '-', '/' or '.' holding two separators:
 * 29-11-2026, 2026-11-29, 11/29/26, 29.11.2026. */
static int in_numeric_date(const char *text, size_t pos, size_t len)
{
	size_t start = pos, end = pos + len, seps = 0;
	char sep = 0;

	while (start > 0 && ((text[start - 1] >= '0' && text[start - 1] <= '9') ||
			     text[start - 1] == '-' || text[start - 1] == '/' || text[start - 1] == '.'))
		start--;
	while ((text[end] >= '0' && text[end] <= '9') ||
	       ((text[end] == '-' || text[end] == '/' || text[end] == '.') && text[end + 1] >= '0' &&
		text[end + 1] <= '9'))
		end++;
	size_t g[3] = { 0, 0, 0 };
	for (size_t i = start; i < end; i++) {
		if (text[i] >= '0' && text[i] <= '9') {
			if (seps < 3)
				g[seps]++;
			continue;
		}
		if (sep && text[i] != sep)
			return 0;
		sep = text[i];
		seps++;
	}
	if (seps != 2)
		return 0;
	/* d-m-y and m/d/y (1-2, 1-2, 2 or 4 digits) or y-m-d (4, 1-2, 1-2):
	 * never 1.200.000, whose groups have three digits */
	if (g[0] >= 1 && g[0] <= 2 && g[1] >= 1 && g[1] <= 2 && (g[2] == 2 || g[2] == 4))
		return 1;
	return g[0] == 4 && g[1] >= 1 && g[1] <= 2 && g[2] >= 1 && g[2] <= 2;
}

/* 1 when the number token text[pos, pos+len) is a date, a year, a time of
 * day or page furniture rather than a figure of the news. */
static int is_furniture(const char *text, size_t pos, size_t len)
{
	char before[32], after[32];
	const char *t = text + pos;
	int plain = 1;
	long v = 0;

	for (size_t i = 0; i < len; i++)
		if (t[i] < '0' || t[i] > '9')
			plain = 0;
	if (plain && len <= 4)
		v = strtol(t, NULL, 10);
	word_before(before, sizeof(before), text, pos);
	word_after(after, sizeof(after), text, pos + len);
	/* 10:30, 10.30 uur, 9 uur */
	if (t[len] == ':' && t[len + 1] >= '0' && t[len + 1] <= '9')
		return 1;
	if (pos > 0 && text[pos - 1] == ':' && pos > 1 && text[pos - 2] >= '0' && text[pos - 2] <= '9')
		return 1;
	if (IN(time_after, after) && (plain ? v <= 24 : len <= 5))
		return 1;
	if (in_numeric_date(text, pos, len))
		return 1;
	/* 29 november, November 29, 29. Oktober, mei 2024 */
	if ((IN(months, after) && plain && v >= 1 && v <= 31) || (IN(months, before) && plain))
		return 1;
	/* years: after "in", "sinds", ... (1000-2100), or 1800-2100 read as a
	 * year unless a word of its own follows ("2000 mensen" counts, "kam
	 * 2001 zur" and "© 2020" do not) */
	if (plain && len == 4 && v >= 1000 && v <= 2100 &&
	    (IN(year_words, before) || after[0] == '\0' || IN(months, after)))
		return 1;
	if (plain && len == 4 && v >= 1800 && v <= 2100 &&
	    (fig_is_little(after) || pos == 0 || text[pos - 1] == '\n'))
		return 1;
	/* ordinals (10th, 3rd, 2e, 3de, 1er), part of a name (SARS-CoV-2,
	 * G-7), issues and scores (52/2018, 24/7) */
	{
		const char *e = t + len;
		static const char *const ordinal[] = { "th", "st", "nd", "rd", "e", "de", "ste", "er",
						       "\u00e8me", "eme", "te" };
		for (size_t i = 0; i < sizeof(ordinal) / sizeof(ordinal[0]); i++) {
			size_t ol = strlen(ordinal[i]);
			if (strncmp(e, ordinal[i], ol) == 0 && !is_word_byte((unsigned char)e[ol]))
				return 1;
		}
		if (*e == '/' || (pos > 0 && text[pos - 1] == '/'))
			return 1;
		if (pos > 1 && text[pos - 1] == '-' && is_word_byte((unsigned char)text[pos - 2]))
			return 1;
	}
	if (IN(furniture_before, before) || IN(furniture_after, after))
		return 1;
	if (IN(span_units, after)) {
		char after2[32];
		size_t q = pos + len;
		while (text[q] == ' ')
			q++;
		while (is_word_byte((unsigned char)text[q]))
			q++;
		word_after(after2, sizeof(after2), text, q);
		if (IN(ago_after, after2) || IN(ago_before, before))
			return 1;
	}
	if (strcmp(after, "min") == 0 && strncasecmp(t + len, " min read", 9) == 0)
		return 1;
	return fig_is_code(text, pos, len);
}

static void region_clear(struct region *r)
{
	rl_strvec_release(&r->removed);
	rl_strvec_release(&r->removed_ctx);
	rl_strvec_release(&r->added);
	rl_strvec_release(&r->added_ctx);
	free(r->removed_at.v);
	free(r->added_at.v);
	memset(&r->removed_at, 0, sizeof(r->removed_at));
	memset(&r->added_at, 0, sizeof(r->added_at));
}

/* Pairs the region's figures in order; equal values are no change. */
static int close_region(rl_figure_changes *out, struct region *r)
{
	size_t n = r->removed.n > r->added.n ? r->removed.n : r->added.n;
	int error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const char *old = i < r->removed.n ? r->removed.v[i] : NULL;
		const char *new = i < r->added.n ? r->added.v[i] : NULL;
		/* the new text says what the figure is now; a removed one, the old */
		const char *ctx = new ? r->added_ctx.v[i] : r->removed_ctx.v[i];
		if (old && new && same_value(old, new))
			continue;
		if (new && !*ctx && old)
			ctx = r->removed_ctx.v[i];
		error = push_change(out, old, new, ctx);
	}
	region_clear(r);
	return error;
}

static int breaks_region(const char *text)
{
	rl_worddiff_token_kind kind;
	size_t len;

	for (; (len = rl_worddiff_token_next(text, &kind)) > 0; text += len)
		if (kind == RL_WORDDIFF_TOKEN_WORD || kind == RL_WORDDIFF_TOKEN_NUMBER || memchr(text, '\n', len))
			return 1;
	return 0;
}

/* Appends the figure whose number is full[at, at+len) unless this side of
 * the region has it already (its unit and its number may change apart). */
static int collect_one(rl_strvec *into, rl_strvec *ctx, struct places *seen, const char *full, size_t at,
		       size_t len)
{
	char spelled[FIG_SPELLED_MAX], context[FIG_CONTEXT_MAX];
	int error;

	for (size_t i = 0; i < seen->n; i++)
		if (seen->v[i] == at)
			return 0;
	if (is_furniture(full, at, len))
		return 0;
	if ((error = rl_array_grow(&seen->v, &seen->cap, seen->n, sizeof(*seen->v), 8)) < 0)
		return error;
	seen->v[seen->n++] = at;
	fig_describe(spelled, context, full, at, len);
	if ((error = rl_strvec_push(into, spelled)) < 0 || (error = rl_strvec_push(ctx, context)) < 0)
		return error;
	return 0;
}

/* Appends the figures of segment `seg`, which starts at byte `base` of
 * `full` (the side it belongs to), each spelled with its unit and with its
 * context, leaving out what is not a figure.  A unit changed next to an
 * unchanged number ("5 mln" -> "5 mrd", "$" -> "€", "km" -> "mi") brings
 * its number in: a figure is its number and its unit. */
static int collect(rl_strvec *into, rl_strvec *ctx, struct places *seen, const char *seg, const char *full,
		   size_t base)
{
	const char *text = seg;
	rl_worddiff_token_kind kind;
	size_t len, num_at, num_len;
	int error = 0;

	for (; (len = rl_worddiff_token_next(text, &kind)) > 0 && !error; text += len) {
		size_t at = base + (size_t)(text - seg);
		if (kind == RL_WORDDIFF_TOKEN_NUMBER)
			error = collect_one(into, ctx, seen, full, at, len);
		else if (kind != RL_WORDDIFF_TOKEN_SPACE && fig_unit_owner(&num_at, &num_len, full, at, len))
			error = collect_one(into, ctx, seen, full, num_at, num_len);
	}
	return error;
}

/* A figure removed here and the same value added elsewhere only moved. */
static void cancel_moves(rl_figure_changes *out)
{
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i].new != NULL)
			continue;
		for (size_t j = 0; j < out->n; j++) {
			if (out->v[j].old == NULL && same_value(out->v[i].old, out->v[j].new)) {
				drop_change(out, i > j ? i : j);
				drop_change(out, i > j ? j : i);
				i = (size_t)-1; /* restart: indexes moved */
				break;
			}
		}
	}
}

/* 1 when `text` states a figure of the same value as `figure`. */
static int text_has_value(const char *text, const char *figure)
{
	char want[VALUE_MAX], have[VALUE_MAX], token[VALUE_MAX];
	rl_worddiff_token_kind kind;
	size_t len;

	rl_figure_value(want, sizeof(want), figure);
	for (const char *p = text ? text : ""; (len = rl_worddiff_token_next(p, &kind)) > 0; p += len) {
		if (kind != RL_WORDDIFF_TOKEN_NUMBER || len >= sizeof(token))
			continue;
		memcpy(token, p, len);
		token[len] = '\0';
		rl_figure_value(have, sizeof(have), token);
		if (strcmp(have, want) == 0)
			return 1;
	}
	return 0;
}

/* A figure only added that the old text already stated ("last week it was
 * 3000" added after 3000 became 10.000) is context, not a changed figure;
 * likewise one only removed that the new text still states. */
static void drop_restated(rl_figure_changes *out, const char *old_text, const char *new_text)
{
	for (size_t i = out->n; i-- > 0;) {
		const rl_figure_change *c = &out->v[i];
		if ((c->old == NULL && text_has_value(old_text, c->new)) ||
		    (c->new == NULL && text_has_value(new_text, c->old)))
			drop_change(out, i);
	}
}

int rl_figures_diff(rl_figure_changes *out, const char *old_text, const char *new_text)
{
	rl_worddiff diff = RL_WORDDIFF_INIT;
	struct region r = { RL_STRVEC_INIT, RL_STRVEC_INIT, RL_STRVEC_INIT, RL_STRVEC_INIT, { 0 }, { 0 } };
	size_t old_off = 0, new_off = 0;
	int error;

	old_text = old_text ? old_text : "";
	new_text = new_text ? new_text : "";
	if ((error = rl_worddiff_compute(&diff, old_text, new_text)) < 0)
		return error;
	for (size_t i = 0; i < diff.n && !error; i++) {
		size_t len = strlen(diff.v[i].text);
		switch (diff.v[i].kind) {
		case RL_WORDDIFF_SAME:
			if (breaks_region(diff.v[i].text))
				error = close_region(out, &r);
			old_off += len;
			new_off += len;
			break;
		case RL_WORDDIFF_REMOVED:
			error = collect(&r.removed, &r.removed_ctx, &r.removed_at, diff.v[i].text, old_text,
					old_off);
			old_off += len;
			break;
		case RL_WORDDIFF_ADDED:
			error = collect(&r.added, &r.added_ctx, &r.added_at, diff.v[i].text, new_text, new_off);
			new_off += len;
			break;
		}
	}
	if (!error)
		error = close_region(out, &r);
	if (!error) {
		cancel_moves(out);
		drop_restated(out, old_text, new_text);
	}
	region_clear(&r);
	rl_worddiff_release(&diff);
	return error;
}

void rl_figure_changes_release(rl_figure_changes *changes)
{
	if (changes == NULL)
		return;
	for (size_t i = 0; i < changes->n; i++) {
		free(changes->v[i].old);
		free(changes->v[i].new);
		free(changes->v[i].context);
	}
	free(changes->v);
	changes->v = NULL;
	changes->n = changes->cap = 0;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

int rl_figures_format(rl_buf *out, const rl_figure_changes *changes)
{
	int error = 0;
	size_t shown = 0;

	for (size_t i = 0; i < changes->n && !error; i++) {
		const rl_figure_change *c = &changes->v[i];
		size_t j;
		/* headline and body often say the same: say it once */
		for (j = 0; j < i; j++)
			if (str_eq(changes->v[j].old, c->old) && str_eq(changes->v[j].new, c->new))
				break;
		if (j < i)
			continue;
		error = rl_buf_printf(out, "%s%s%s%s \u2192 %s", shown++ ? ", " : "",
				      c->context ? c->context : "", c->context ? ": " : "",
				      c->old ? c->old : "\u2205", c->new ? c->new : "\u2205");
	}
	return error;
}
