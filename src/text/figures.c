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
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 128

/* Where each side's figures of the current region wait to be paired. */
struct region {
	rl_strvec removed;
	rl_strvec added;
};

static int push_change(rl_figure_changes *out, const char *old, const char *new)
{
	rl_figure_change *c;
	int error;

	if ((error = rl_array_grow(&out->v, &out->cap, out->n, sizeof(*c), 8)) < 0)
		return error;
	c = &out->v[out->n];
	c->old = old ? rl_strdup(old) : NULL;
	c->new = new ? rl_strdup(new) : NULL;
	if ((old && !c->old) || (new && !c->new)) {
		free(c->old);
		free(c->new);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	out->n++;
	return 0;
}

static void drop_change(rl_figure_changes *out, size_t i)
{
	free(out->v[i].old);
	free(out->v[i].new);
	memmove(&out->v[i], &out->v[i + 1], (out->n - i - 1) * sizeof(out->v[0]));
	out->n--;
}

void rl_figure_value(char *out, size_t size, const char *figure)
{
	char digits[VALUE_MAX], frac[VALUE_MAX];
	size_t nd = 0, nf = 0, len = strlen(figure);
	const char *last_sep = NULL, *p;
	int kinds = 0, decimal = 0;
	char first_kind = 0;

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

static int same_value(const char *a, const char *b)
{
	char va[VALUE_MAX], vb[VALUE_MAX];

	rl_figure_value(va, sizeof(va), a);
	rl_figure_value(vb, sizeof(vb), b);
	return strcmp(va, vb) == 0;
}

/* Pairs the region's figures in order; equal values are no change. */
static int close_region(rl_figure_changes *out, struct region *r)
{
	size_t n = r->removed.n > r->added.n ? r->removed.n : r->added.n;
	int error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const char *old = i < r->removed.n ? r->removed.v[i] : NULL;
		const char *new = i < r->added.n ? r->added.v[i] : NULL;
		if (old && new && same_value(old, new))
			continue;
		error = push_change(out, old, new);
	}
	rl_strvec_release(&r->removed);
	rl_strvec_release(&r->added);
	return error;
}

/* The first character after segment `i` in the old (or new) text. */
static char next_char(const rl_worddiff *d, size_t i, rl_worddiff_kind skip)
{
	for (size_t j = i + 1; j < d->n; j++)
		if (d->v[j].kind != skip)
			return d->v[j].text[0];
	return '\0';
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

static int collect(rl_strvec *into, const rl_worddiff *d, size_t i, rl_worddiff_kind skip)
{
	const char *text = d->v[i].text;
	rl_worddiff_token_kind kind;
	size_t len;
	int error;

	for (; (len = rl_worddiff_token_next(text, &kind)) > 0; text += len) {
		char follow;
		if (kind != RL_WORDDIFF_TOKEN_NUMBER)
			continue;
		follow = text[len] ? text[len] : next_char(d, i, skip);
		if ((error = rl_strvec_pushn(into, text, len + (follow == '%'))) < 0)
			return error;
		if (follow == '%' && text[len] == '\0') {
			/* the '%' sits in the next segment: spell it here */
			char *f = into->v[into->n - 1];
			size_t fl = strlen(f);
			char *g = realloc(f, fl + 2);
			if (g == NULL)
				return rl_error_set(RL_ENOMEM, "out of memory");
			g[fl] = '%';
			g[fl + 1] = '\0';
			into->v[into->n - 1] = g;
		}
	}
	return 0;
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
	struct region r = { RL_STRVEC_INIT, RL_STRVEC_INIT };
	int error;

	if ((error = rl_worddiff_compute(&diff, old_text, new_text)) < 0)
		return error;
	for (size_t i = 0; i < diff.n && !error; i++) {
		switch (diff.v[i].kind) {
		case RL_WORDDIFF_SAME:
			if (breaks_region(diff.v[i].text))
				error = close_region(out, &r);
			break;
		case RL_WORDDIFF_REMOVED:
			error = collect(&r.removed, &diff, i, RL_WORDDIFF_ADDED);
			break;
		case RL_WORDDIFF_ADDED:
			error = collect(&r.added, &diff, i, RL_WORDDIFF_REMOVED);
			break;
		}
	}
	if (!error)
		error = close_region(out, &r);
	if (!error) {
		cancel_moves(out);
		drop_restated(out, old_text, new_text);
	}
	rl_strvec_release(&r.removed);
	rl_strvec_release(&r.added);
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
		error = rl_buf_printf(out, "%s%s \u2192 %s", shown++ ? ", " : "",
				      c->old ? c->old : "\u2205", c->new ? c->new : "\u2205");
	}
	return error;
}
