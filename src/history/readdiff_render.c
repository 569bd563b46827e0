/*
 * readdiff_render.c - a readable diff as text or HTML.
 *
 * Both renderers show every changed sentence and `context` unchanged ones
 * around each, with "…" where sentences are left out.  HTML escapes all
 * text and marks the figures the classifier found changed.
 */
#include "redline/readdiff.h"
#include "redline/error.h"

#include <string.h>

#define RED "\033[31m"
#define GREEN "\033[32m"
#define CYAN "\033[36m"
#define BOLD "\033[1m"
#define RESET "\033[m"

/* Which blocks to show: changed ones and `context` around them. */
static int shown(const rl_rdiff *d, size_t i, size_t context)
{
	size_t lo = i > context ? i - context : 0, hi = i + context;

	for (size_t j = lo; j <= hi && j < d->n; j++)
		if (d->v[j].op != RL_ALIGN_SAME)
			return 1;
	return 0;
}

/* ---- text ----------------------------------------------------------- */

static int words_text(rl_buf *out, const rl_worddiff *w, unsigned flags)
{
	rl_buf tmp = RL_BUF_INIT(out->max);
	int error = rl_worddiff_render(&tmp, w, (flags & RL_RDIFF_COLOR) ? RL_WORDDIFF_RENDER_COLOR : 0);

	/* one sentence: no line end of its own */
	if (!error && tmp.len && tmp.ptr[tmp.len - 1] == '\n')
		tmp.ptr[--tmp.len] = '\0';
	if (!error && tmp.len)
		error = rl_buf_put(out, tmp.ptr, tmp.len);
	rl_buf_release(&tmp);
	return error;
}

static int index_text(rl_buf *out, const rl_rdiff *d, unsigned flags)
{
	int color = flags & RL_RDIFF_COLOR, error = 0;

	if (d->n_ix == 0)
		return rl_buf_puts(out, "no stories added, removed or moved\n");
	for (size_t i = 0; i < d->n_ix && !error; i++) {
		const rl_index_change *c = &d->ix[i];
		const char *col = !color ? "" : c->kind[0] == 'a' ? GREEN : c->kind[0] == 'r' && c->kind[2] == 'm' ? RED : CYAN;
		if (strcmp(c->kind, "added") == 0)
			error = rl_buf_printf(out, "%sadded    #%zu %s %s%s\n", col, c->new_pos, c->id, c->title,
					      color ? RESET : "");
		else if (strcmp(c->kind, "removed") == 0)
			error = rl_buf_printf(out, "%sremoved  #%zu %s %s%s\n", col, c->old_pos, c->id, c->title,
					      color ? RESET : "");
		else if (strcmp(c->kind, "moved") == 0)
			error = rl_buf_printf(out, "%smoved    #%zu \u2192 #%zu %s %s%s\n", col, c->old_pos,
					      c->new_pos, c->id, c->title, color ? RESET : "");
		else
			error = rl_buf_printf(out, "%sretitled #%zu %s %s \u2192 %s%s\n", col, c->new_pos, c->id,
					      c->old_title ? c->old_title : "", c->title, color ? RESET : "");
	}
	return error;
}

int rl_rdiff_render_text(rl_buf *out, const rl_rdiff *d, size_t context, unsigned flags)
{
	int color = flags & RL_RDIFF_COLOR, error = 0, gap = 0, any = 0;

	if (d->is_index)
		return index_text(out, d, flags);
	if (d->title_words.n) {
		rl_buf_printf(out, "%sheadline:%s ", color ? BOLD : "", color ? RESET : "");
		words_text(out, &d->title_words, flags);
		rl_buf_putc(out, '\n');
	}
	rl_buf_puts(out, "kinds: ");
	if (d->cls.kinds == 0)
		rl_buf_puts(out, "none");
	rl_edit_kinds_format(out, d->cls.kinds, ", ");
	rl_buf_putc(out, '\n');
	if (d->cls.kinds & RL_EDIT_REVERT)
		rl_buf_printf(out, "reverted to %.12s\n", d->cls.reverted_to);
	if (d->cls.figures.n) {
		rl_buf_puts(out, "figures: ");
		rl_figures_format(out, &d->cls.figures);
		rl_buf_putc(out, '\n');
	}
	if (d->cls.notice)
		rl_buf_printf(out, "notice: %s\n", d->cls.notice);
	for (size_t i = 0; i < d->n && !error; i++) {
		const rl_rdiff_block *b = &d->v[i];
		if (!shown(d, i, context)) {
			gap = 1;
			continue;
		}
		if (gap && any)
			rl_buf_puts(out, "\u2026\n");
		gap = 0;
		any = 1;
		switch (b->op) {
		case RL_ALIGN_SAME:
			error = rl_buf_printf(out, "  %s\n", b->new);
			break;
		case RL_ALIGN_EDITED:
			rl_buf_puts(out, "~ ");
			words_text(out, &b->words, flags);
			error = rl_buf_putc(out, '\n');
			break;
		case RL_ALIGN_ADDED:
			error = rl_buf_printf(out, "%s+ %s%s%s\n", color ? GREEN : "", color ? "" : "{+", b->new,
					      color ? RESET : "+}");
			break;
		case RL_ALIGN_REMOVED:
			error = rl_buf_printf(out, "%s- %s%s%s\n", color ? RED : "", color ? "" : "[-", b->old,
					      color ? RESET : "-]");
			break;
		case RL_ALIGN_MOVED:
			rl_buf_printf(out, "%s> (moved from sentence %zu)%s ", color ? CYAN : "", b->old_no,
				      color ? RESET : "");
			if (b->words.n)
				words_text(out, &b->words, flags);
			else
				rl_buf_puts(out, b->new);
			error = rl_buf_putc(out, '\n');
			break;
		}
	}
	if (!error && gap && any)
		error = rl_buf_puts(out, "\u2026\n");
	return error;
}

/* ---- HTML ----------------------------------------------------------- */

int rl_html_escape(rl_buf *out, const char *s)
{
	int error = 0;

	for (const char *p = s ? s : ""; *p && !error; p++) {
		switch (*p) {
		case '&': error = rl_buf_puts(out, "&amp;"); break;
		case '<': error = rl_buf_puts(out, "&lt;"); break;
		case '>': error = rl_buf_puts(out, "&gt;"); break;
		case '"': error = rl_buf_puts(out, "&quot;"); break;
		case '\'': error = rl_buf_puts(out, "&#39;"); break;
		default: error = rl_buf_putc(out, *p); break;
		}
	}
	return error;
}

/* 1 when the number `tok` is a changed figure on that side (old or new). */
static int is_changed_figure(const rl_figure_changes *f, const char *tok, int new_side)
{
	char want[128], have[128];

	rl_figure_value(want, sizeof(want), tok);
	for (size_t i = 0; i < f->n; i++) {
		const char *v = new_side ? f->v[i].new : f->v[i].old;
		if (v == NULL)
			continue;
		rl_figure_value(have, sizeof(have), v);
		/* "12%" keeps its sign in the value; the token does not */
		if (strcmp(want, have) == 0 ||
		    (strlen(have) == strlen(want) + 1 && strncmp(have, want, strlen(want)) == 0))
			return 1;
	}
	return 0;
}

/* Escaped text with the changed figures of one side in <mark class="fig">. */
static int put_marked(rl_buf *out, const char *text, const rl_figure_changes *f, int new_side)
{
	rl_worddiff_token_kind kind;
	size_t len;
	int error = 0;
	char tok[128];

	for (; !error && (len = rl_worddiff_token_next(text, &kind)) > 0; text += len) {
		int mark = 0;
		if (kind == RL_WORDDIFF_TOKEN_NUMBER && len < sizeof(tok)) {
			memcpy(tok, text, len);
			tok[len] = '\0';
			mark = is_changed_figure(f, tok, new_side);
		}
		if (mark)
			rl_buf_puts(out, "<mark class=\"fig\">");
		for (size_t i = 0; i < len && !error; i++) {
			char c[2] = { text[i], '\0' };
			error = rl_html_escape(out, c);
		}
		if (mark)
			error = rl_buf_puts(out, "</mark>");
	}
	return error;
}

/* The word diff of one sentence; `side`: 0 both, 1 old only, 2 new only. */
static int words_html(rl_buf *out, const rl_worddiff *w, const rl_figure_changes *f, int side)
{
	int error = 0;

	for (size_t i = 0; i < w->n && !error; i++) {
		const rl_worddiff_segment *s = &w->v[i];
		if (s->kind == RL_WORDDIFF_SAME)
			error = put_marked(out, s->text, f, side == 1 ? 0 : 1);
		else if (s->kind == RL_WORDDIFF_REMOVED && side != 2) {
			rl_buf_puts(out, "<del>");
			put_marked(out, s->text, f, 0);
			error = rl_buf_puts(out, "</del>");
		} else if (s->kind == RL_WORDDIFF_ADDED && side != 1) {
			rl_buf_puts(out, "<ins>");
			put_marked(out, s->text, f, 1);
			error = rl_buf_puts(out, "</ins>");
		}
	}
	return error;
}

static int whole_html(rl_buf *out, const char *tag, const char *text, const rl_figure_changes *f,
		      int new_side)
{
	rl_buf_printf(out, "<%s>", tag);
	put_marked(out, text, f, new_side);
	return rl_buf_printf(out, "</%s>", tag);
}

static int index_html(rl_buf *out, const rl_rdiff *d)
{
	int error = rl_buf_puts(out, "<ul class=\"rd-index\">\n");

	for (size_t i = 0; i < d->n_ix && !error; i++) {
		const rl_index_change *c = &d->ix[i];
		rl_buf_printf(out, "<li class=\"rd-%s\"><span class=\"badge\">%s</span> ", c->kind, c->kind);
		if (c->old_title && strcmp(c->kind, "retitled") == 0) {
			rl_buf_puts(out, "<del>");
			rl_html_escape(out, c->old_title);
			rl_buf_puts(out, "</del> <ins>");
			rl_html_escape(out, c->title);
			rl_buf_puts(out, "</ins>");
		} else {
			rl_html_escape(out, c->title);
		}
		error = rl_buf_puts(out, "</li>\n");
	}
	return error ? error : rl_buf_puts(out, "</ul>\n");
}

int rl_rdiff_render_html(rl_buf *out, const rl_rdiff *d, size_t context, int side_by_side)
{
	const rl_figure_changes *f = &d->cls.figures;
	int error = 0, gap = 0, any = 0;

	if (d->is_index)
		return index_html(out, d);
	if (d->title_words.n) {
		rl_buf_puts(out, "<p class=\"rd-headline\">");
		words_html(out, &d->title_words, f, 0);
		rl_buf_puts(out, "</p>\n");
	}
	rl_buf_puts(out, side_by_side ? "<table class=\"rd-sbs\">\n" : "<ol class=\"rd-inline\">\n");
	for (size_t i = 0; i < d->n && !error; i++) {
		const rl_rdiff_block *b = &d->v[i];
		if (!shown(d, i, context)) {
			gap = 1;
			continue;
		}
		if (gap && any)
			rl_buf_puts(out, side_by_side ? "<tr class=\"rd-gap\"><td>\u2026</td><td>\u2026</td></tr>\n"
						      : "<li class=\"rd-gap\">\u2026</li>\n");
		gap = 0;
		any = 1;
		rl_buf_printf(out, side_by_side ? "<tr class=\"rd-%s\">" : "<li class=\"rd-%s\">",
			      rl_align_op_name(b->op));
		if (b->op == RL_ALIGN_MOVED)
			rl_buf_printf(out, "%s<span class=\"rd-note\">moved from sentence %zu</span> ",
				      side_by_side ? "<td>" : "", b->old_no);
		if (side_by_side && b->op != RL_ALIGN_MOVED)
			rl_buf_puts(out, "<td>");
		if (side_by_side) {
			/* old | new */
			if (b->words.n)
				words_html(out, &b->words, f, 1);
			else if (b->old && b->op != RL_ALIGN_MOVED)
				b->op == RL_ALIGN_REMOVED ? whole_html(out, "del", b->old, f, 0)
							  : put_marked(out, b->old, f, 0);
			rl_buf_puts(out, "</td><td>");
			if (b->words.n)
				words_html(out, &b->words, f, 2);
			else if (b->new)
				b->op == RL_ALIGN_ADDED ? whole_html(out, "ins", b->new, f, 1)
							: put_marked(out, b->new, f, 1);
			error = rl_buf_puts(out, "</td></tr>\n");
		} else {
			if (b->words.n)
				words_html(out, &b->words, f, 0);
			else if (b->op == RL_ALIGN_REMOVED)
				whole_html(out, "del", b->old, f, 0);
			else if (b->op == RL_ALIGN_ADDED)
				whole_html(out, "ins", b->new, f, 1);
			else
				put_marked(out, b->new, f, 1);
			error = rl_buf_puts(out, "</li>\n");
		}
	}
	if (!error && gap && any)
		rl_buf_puts(out, side_by_side ? "<tr class=\"rd-gap\"><td>\u2026</td><td>\u2026</td></tr>\n"
					      : "<li class=\"rd-gap\">\u2026</li>\n");
	return error ? error : rl_buf_puts(out, side_by_side ? "</table>\n" : "</ol>\n");
}
