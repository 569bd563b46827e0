/*
 * worddiff.c - word-level diffs on top of libgit2's diff engine.
 *
 * Each side is cut into tokens and written one token a line, so that xdiff
 * (through git_patch_from_buffers) compares tokens instead of lines; the
 * hunks then map straight back to token indexes.  A token may hold '\n'
 * (a run of whitespace), so each line carries the token escaped: equal
 * lines if and only if equal tokens.  Invariant: the segments, read in
 * order, give back the old text (same + removed) and the new (same + added).
 */
#include "redline/worddiff.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

#include <git2.h>

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t rl_worddiff_token_next(const char *text, rl_worddiff_token_kind *kind)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	rl_worddiff_token_kind k;

	if (s[0] == '\0') {
		k = RL_WORDDIFF_TOKEN_SPACE;
	} else if (is_space(s[0])) {
		while (is_space(s[i]))
			i++;
		k = RL_WORDDIFF_TOKEN_SPACE;
	} else if (is_digit(s[0])) {
		/* 10.000, 3,5, 1.200.000: a separator stays in only between digits;
		 * a space only in French and German grouping, "10 000", "1 200 000":
		 * groups of three after a first group of one to three digits */
		size_t first = 0;
		int punct = 0;
		for (;;) {
			size_t from = i;
			while (is_digit(s[i]))
				i++;
			if (first == 0)
				first = i - from;
			if ((s[i] == '.' || s[i] == ',') && is_digit(s[i + 1]))
				i++, punct = 1;
			else if (s[i] == ' ' && first <= 3 && !punct && is_digit(s[i + 1]) && is_digit(s[i + 2]) &&
				 is_digit(s[i + 3]) && !is_digit(s[i + 4]))
				i++;
			else
				break;
		}
		k = RL_WORDDIFF_TOKEN_NUMBER;
	} else if (is_letter(s[0])) {
		/* "G20" stays one word (no figure in it), but "€4,5" is the sign
		 * and a figure: digits continue only a word begun by an ASCII letter */
		int ascii = s[0] < 0x80;
		while (is_letter(s[i]) || (ascii && is_digit(s[i])))
			i++;
		k = RL_WORDDIFF_TOKEN_WORD;
	} else {
		i = 1;
		k = RL_WORDDIFF_TOKEN_PUNCT;
	}
	if (kind)
		*kind = k;
	return i;
}

int rl_worddiff_tokenize(rl_strvec *out, const char *text)
{
	size_t len;
	int error;

	while ((len = rl_worddiff_token_next(text, NULL)) > 0) {
		if ((error = rl_strvec_pushn(out, text, len)) < 0)
			return error;
		text += len;
	}
	return 0;
}

/* One token a line; '\\' and '\n' escaped so a line never breaks early. */
static int token_lines(rl_buf *out, const rl_strvec *tokens)
{
	int error = 0;

	for (size_t i = 0; i < tokens->n && !error; i++) {
		for (const char *p = tokens->v[i]; *p && !error; p++) {
			if (*p == '\\')
				error = rl_buf_put(out, "\\\\", 2);
			else if (*p == '\n')
				error = rl_buf_put(out, "\\n", 2);
			else
				error = rl_buf_putc(out, *p);
		}
		if (!error)
			error = rl_buf_putc(out, '\n');
	}
	return error;
}

static int push_segment(rl_worddiff *diff, rl_worddiff_kind kind, const rl_strvec *tokens,
			size_t from, size_t to)
{
	rl_buf text = RL_BUF_INIT(RL_WORDDIFF_MAX_BYTES);
	int error = 0;

	if (from >= to)
		return 0;
	for (size_t i = from; i < to && !error; i++)
		error = rl_buf_puts(&text, tokens->v[i]);
	if (error)
		goto done;
	if (diff->n > 0 && diff->v[diff->n - 1].kind == kind) {
		/* hunks split by nothing: keep one segment per run */
		rl_worddiff_segment *last = &diff->v[diff->n - 1];
		size_t old = strlen(last->text);
		char *p = realloc(last->text, old + text.len + 1);
		if (p == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(p + old, text.ptr, text.len + 1);
		last->text = p;
		goto done;
	}
	if (diff->n == diff->cap) {
		size_t cap = diff->cap ? diff->cap * 2 : 16;
		rl_worddiff_segment *v = realloc(diff->v, cap * sizeof(*v));
		if (v == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		diff->v = v;
		diff->cap = cap;
	}
	diff->v[diff->n].kind = kind;
	diff->v[diff->n].text = rl_buf_detach(&text);
	diff->n++;
done:
	rl_buf_release(&text);
	return error;
}

int rl_worddiff_compute(rl_worddiff *out, const char *old_text, const char *new_text)
{
	rl_strvec old_tok = RL_STRVEC_INIT, new_tok = RL_STRVEC_INIT;
	rl_buf old_lines = RL_BUF_INIT(4 * (size_t)RL_WORDDIFF_MAX_BYTES);
	rl_buf new_lines = RL_BUF_INIT(4 * (size_t)RL_WORDDIFF_MAX_BYTES);
	git_diff_options opts;
	git_patch *patch = NULL;
	size_t old_at = 0, new_at = 0, n_hunks;
	int error, git_inited = 0;

	if (old_text == NULL)
		old_text = "";
	if (new_text == NULL)
		new_text = "";
	if (strlen(old_text) > RL_WORDDIFF_MAX_BYTES || strlen(new_text) > RL_WORDDIFF_MAX_BYTES)
		return rl_error_set(RL_ETOOBIG, "text too large for a word diff (over %u bytes)",
				    RL_WORDDIFF_MAX_BYTES);

	if ((error = rl_worddiff_tokenize(&old_tok, old_text)) < 0 ||
	    (error = rl_worddiff_tokenize(&new_tok, new_text)) < 0 ||
	    (error = token_lines(&old_lines, &old_tok)) < 0 ||
	    (error = token_lines(&new_lines, &new_tok)) < 0)
		goto done;

	/* refcounted: lets the library be used before the command line inits */
	if ((error = git_libgit2_init()) < 0) {
		error = rl_error_set_git(error, "cannot initialise libgit2");
		goto done;
	}
	git_inited = 1;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 0;
	opts.interhunk_lines = 0;
	opts.flags = GIT_DIFF_FORCE_TEXT | GIT_DIFF_MINIMAL;
	if ((error = git_patch_from_buffers(&patch, old_lines.ptr, old_lines.len, NULL,
					    new_lines.ptr, new_lines.len, NULL, &opts)) < 0) {
		error = rl_error_set_git(error, "cannot diff words");
		goto done;
	}

	n_hunks = git_patch_num_hunks(patch);
	for (size_t h = 0; h < n_hunks; h++) {
		const git_diff_hunk *hunk;
		size_t old_start, new_start;

		if ((error = git_patch_get_hunk(&hunk, NULL, patch, h)) < 0) {
			error = rl_error_set_git(error, "cannot read a word diff hunk");
			goto done;
		}
		/* 1-based; an empty side names the line *before* the change */
		old_start = hunk->old_lines ? (size_t)hunk->old_start - 1 : (size_t)hunk->old_start;
		new_start = hunk->new_lines ? (size_t)hunk->new_start - 1 : (size_t)hunk->new_start;
		if (old_start < old_at || new_start < new_at ||
		    old_start + (size_t)hunk->old_lines > old_tok.n ||
		    new_start + (size_t)hunk->new_lines > new_tok.n) {
			error = rl_error_set(RL_ERROR, "word diff hunks out of order");
			goto done;
		}
		if ((error = push_segment(out, RL_WORDDIFF_SAME, &old_tok, old_at, old_start)) < 0)
			goto done;
		new_at = new_start;
		old_at = old_start;
		if ((error = push_segment(out, RL_WORDDIFF_REMOVED, &old_tok, old_at,
					  old_at + (size_t)hunk->old_lines)) < 0 ||
		    (error = push_segment(out, RL_WORDDIFF_ADDED, &new_tok, new_at,
					  new_at + (size_t)hunk->new_lines)) < 0)
			goto done;
		old_at += (size_t)hunk->old_lines;
		new_at += (size_t)hunk->new_lines;
	}
	error = push_segment(out, RL_WORDDIFF_SAME, &old_tok, old_at, old_tok.n);

done:
	if (error < 0)
		rl_worddiff_release(out);
	git_patch_free(patch);
	if (git_inited)
		git_libgit2_shutdown();
	rl_strvec_release(&old_tok);
	rl_strvec_release(&new_tok);
	rl_buf_release(&old_lines);
	rl_buf_release(&new_lines);
	return error;
}

void rl_worddiff_release(rl_worddiff *diff)
{
	if (diff == NULL)
		return;
	for (size_t i = 0; i < diff->n; i++)
		free(diff->v[i].text);
	free(diff->v);
	diff->v = NULL;
	diff->n = diff->cap = 0;
}

const char *rl_worddiff_kind_name(rl_worddiff_kind kind)
{
	switch (kind) {
	case RL_WORDDIFF_SAME: return "same";
	case RL_WORDDIFF_REMOVED: return "removed";
	case RL_WORDDIFF_ADDED: return "added";
	}
	return "unknown";
}

#define RED "\033[31m"
#define GREEN "\033[32m"
#define RESET "\033[m"

/* A line is built whole, then kept or dropped (RL_WORDDIFF_RENDER_CHANGED). */
struct render {
	rl_buf *out;
	rl_buf line;
	int changed;
	unsigned flags;
};

static int flush_line(struct render *r, int newline)
{
	int error = 0;

	if (r->changed || !(r->flags & RL_WORDDIFF_RENDER_CHANGED)) {
		if ((error = rl_buf_put(r->out, r->line.ptr ? r->line.ptr : "", r->line.len)) == 0 &&
		    newline)
			error = rl_buf_putc(r->out, '\n');
	}
	rl_buf_clear(&r->line);
	r->changed = 0;
	return error;
}

static int put_piece(struct render *r, rl_worddiff_kind kind, const char *text, size_t len)
{
	int color = r->flags & RL_WORDDIFF_RENDER_COLOR;
	const char *open = "", *close = "";
	int error;

	if (len == 0)
		return 0;
	if (kind == RL_WORDDIFF_REMOVED) {
		open = color ? RED : "[-";
		close = color ? RESET : "-]";
	} else if (kind == RL_WORDDIFF_ADDED) {
		open = color ? GREEN : "{+";
		close = color ? RESET : "+}";
	}
	if (kind != RL_WORDDIFF_SAME)
		r->changed = 1;
	if ((error = rl_buf_puts(&r->line, open)) < 0 ||
	    (error = rl_buf_put(&r->line, text, len)) < 0)
		return error;
	return rl_buf_puts(&r->line, close);
}

int rl_worddiff_render(rl_buf *out, const rl_worddiff *diff, unsigned flags)
{
	struct render r = { out, RL_BUF_INIT(out->max), 0, flags };
	int error = 0;

	for (size_t i = 0; i < diff->n && !error; i++) {
		const char *p = diff->v[i].text, *nl;

		/* markers close before each line end, as git's word diff does */
		while (!error && (nl = strchr(p, '\n')) != NULL) {
			if ((error = put_piece(&r, diff->v[i].kind, p, (size_t)(nl - p))) == 0) {
				if (diff->v[i].kind != RL_WORDDIFF_SAME)
					r.changed = 1;
				error = flush_line(&r, 1);
			}
			p = nl + 1;
		}
		if (!error)
			error = put_piece(&r, diff->v[i].kind, p, strlen(p));
	}
	if (!error && r.line.len)
		error = flush_line(&r, 1);
	rl_buf_release(&r.line);
	return error;
}

static int only_space(const char *s)
{
	for (; *s; s++)
		if (!is_space((unsigned char)*s) || *s == '\n')
			return 0;
	return 1;
}

static int seg_push(rl_worddiff *d, rl_worddiff_kind kind, rl_buf *text)
{
	rl_worddiff_segment *v;

	if (text->len == 0)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		if ((v = realloc(d->v, cap * sizeof(*v))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n].kind = kind;
	if ((d->v[d->n].text = rl_buf_detach(text)) == NULL)
		return RL_ENOMEM;
	d->n++;
	return 0;
}

int rl_worddiff_coalesce(rl_worddiff *diff)
{
	rl_worddiff out = RL_WORDDIFF_INIT;
	rl_buf rem = RL_BUF_INIT(RL_WORDDIFF_MAX_BYTES), add = RL_BUF_INIT(RL_WORDDIFF_MAX_BYTES),
	       same = RL_BUF_INIT(RL_WORDDIFF_MAX_BYTES);
	int error = 0;

	for (size_t i = 0; i < diff->n && !error; i++) {
		const rl_worddiff_segment *s = &diff->v[i];
		if (s->kind == RL_WORDDIFF_REMOVED)
			error = rl_buf_puts(&rem, s->text);
		else if (s->kind == RL_WORDDIFF_ADDED)
			error = rl_buf_puts(&add, s->text);
		else if ((rem.len || add.len) && i + 1 < diff->n && diff->v[i + 1].kind != RL_WORDDIFF_SAME &&
			 only_space(s->text)) {
			/* between two changes: the space belongs to both sides */
			if ((error = rl_buf_puts(&rem, s->text)) == 0)
				error = rl_buf_puts(&add, s->text);
		} else {
			if ((error = seg_push(&out, RL_WORDDIFF_REMOVED, &rem)) == 0 &&
			    (error = seg_push(&out, RL_WORDDIFF_ADDED, &add)) == 0 &&
			    (error = rl_buf_puts(&same, s->text)) == 0)
				error = seg_push(&out, RL_WORDDIFF_SAME, &same);
		}
	}
	if (!error && (error = seg_push(&out, RL_WORDDIFF_REMOVED, &rem)) == 0)
		error = seg_push(&out, RL_WORDDIFF_ADDED, &add);
	rl_buf_release(&rem);
	rl_buf_release(&add);
	rl_buf_release(&same);
	if (error) {
		rl_worddiff_release(&out);
		return error;
	}
	rl_worddiff_release(diff);
	*diff = out;
	return 0;
}
