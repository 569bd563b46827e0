/*
 * classify.c - the kinds of edit between two versions of a story.
 *
 * Sentences are aligned first (align.c); counts come from the alignment,
 * figures from figures.c on headline and body, quotes from the quotation
 * spans of each side compared as multisets, a notice from the sentences
 * added (or rewritten into one).  "minor" replaces every other kind when
 * nothing but whitespace, punctuation or letter case changed, so that a
 * reader filtering on real edits never sees a comma moving.
 */
#include "redline/classify.h"
#include "redline/align.h"
#include "redline/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QUOTE_MAX 2048

static const char *const kind_names[RL_EDIT_KINDS] = {
	"new",	   "headline", "added",	     "removed", "edited", "moved",
	"figures", "quotes",   "correction", "minor",	"revert",
};

const char *rl_edit_kind_name(unsigned bit)
{
	for (unsigned i = 0; i < RL_EDIT_KINDS; i++)
		if (bit == 1u << i)
			return kind_names[i];
	return NULL;
}

int rl_edit_kinds_parse(unsigned *out, const char *list)
{
	const char *p = list;

	*out = 0;
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		unsigned i;
		for (i = 0; i < RL_EDIT_KINDS; i++)
			if (strlen(kind_names[i]) == len && strncasecmp(p, kind_names[i], len) == 0)
				break;
		if (i == RL_EDIT_KINDS)
			return rl_error_set(RL_EINVAL,
					    "unknown kind '%.*s' (kinds: new, headline, added, removed, "
					    "edited, moved, figures, quotes, correction, minor, revert)",
					    (int)(len > 64 ? 64 : len), p);
		*out |= 1u << i;
		p = end ? end + 1 : NULL;
	}
	if (*out == 0)
		return rl_error_set(RL_EINVAL, "no kind given");
	return 0;
}

int rl_edit_kinds_format(rl_buf *out, unsigned kinds, const char *sep)
{
	int error = 0, first = 1;

	for (unsigned i = 0; i < RL_EDIT_KINDS && !error; i++)
		if (kinds & (1u << i)) {
			error = rl_buf_printf(out, "%s%s", first ? "" : sep, kind_names[i]);
			first = 0;
		}
	return error;
}

/* ---- notices -------------------------------------------------------- */

/* Said at the start of a sentence (after any '*', '[', '(' or space). */
static const char *const notice_starts[] = {
	"correction:", "corrections:", "correction (", "correction appended", "update:",
	"updated:", "update (", "editor's note:", "editor’s note:", "clarification:",
	"rectificatie", "correctie:", "correctie ", "herstel:", "naschrift:", "aanvulling:",
	"korrektur", "berichtigung", "richtigstellung", "aktualisierung:", "aktualisiert:",
	"anmerkung der redaktion", "correctif", "rectificatif", "erratum", "mise à jour:",
	"mise à jour :", "note de la rédaction", "corrección:", "fe de errores",
	"actualización:", "rettifica", "aggiornamento:",
};

/* Said anywhere in a sentence. */
static const char *const notice_phrases[] = {
	"an earlier version of this", "this article has been corrected",
	"this article was corrected", "this story has been updated", "this article has been updated",
	"een eerdere versie van dit artikel", "in een eerdere versie van dit",
	"in einer früheren version", "in einer ersten version", "une version précédente de cet",
	"une précédente version de cet",
};

/* ASCII-lowercase copy of at most `size`-1 bytes (UTF-8 passes through). */
static void lower_copy(char *out, size_t size, const char *s)
{
	size_t i = 0;
	for (; s[i] && i < size - 1; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

int rl_classify_is_notice(const char *sentence)
{
	char low[512];
	const char *p = sentence;

	while (*p == '*' || *p == '[' || *p == '(' || *p == ' ' || *p == '_' || *p == '-')
		p++;
	lower_copy(low, sizeof(low), p);
	for (size_t i = 0; i < sizeof(notice_starts) / sizeof(notice_starts[0]); i++)
		if (strncmp(low, notice_starts[i], strlen(notice_starts[i])) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(notice_phrases) / sizeof(notice_phrases[0]); i++)
		if (strstr(low, notice_phrases[i]) != NULL)
			return 1;
	return 0;
}

/* ---- quotes --------------------------------------------------------- */

/* Length of an opening quotation mark at `p` (0: none) and its closers. */
static size_t quote_open(const char *p, const char **closers)
{
	static const struct {
		const char *open, *close;
	} marks[] = {
		{ "\u201c", "\u201d" },        /* “…” */
		{ "\u201e", "\u201c\u201d" },  /* „…“ and „…” */
		{ "\u00ab", "\u00bb" },        /* «…» */
		{ "\u00bb", "\u00ab" },        /* »…« (German) */
		{ "\"", "\"" },
	};
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		size_t n = strlen(marks[i].open);
		if (strncmp(p, marks[i].open, n) == 0) {
			*closers = marks[i].close;
			return n;
		}
	}
	return 0;
}

/* Appends each quotation ("text between marks") of `text` to `out`. */
static int quotes_of(rl_strvec *out, const char *text)
{
	const char *p = text, *closers;
	size_t ol;
	int error = 0;

	while (*p && !error) {
		if ((ol = quote_open(p, &closers)) == 0) {
			p++;
			continue;
		}
		const char *start = p + ol, *q = start, *end = NULL;
		size_t cl = 0;
		for (; *q && *q != '\n' && !end; q++) {
			/* closers are one mark, or two of three bytes each */
			for (const char *c = closers; *c && !end;) {
				size_t n = ((unsigned char)*c < 0x80) ? 1 : ((unsigned char)*c >= 0xe0 ? 3 : 2);
				if (strncmp(q, c, n) == 0) {
					end = q;
					cl = n;
				}
				c += n;
			}
		}
		if (end == NULL) {
			p = start;
			continue;
		}
		if (end > start && (size_t)(end - start) < QUOTE_MAX)
			error = rl_strvec_pushn(out, start, (size_t)(end - start));
		p = end + cl;
	}
	return error;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Quotations in one multiset and not the other, counted on the larger side. */
static size_t quotes_changed(rl_strvec *a, rl_strvec *b)
{
	size_t i = 0, j = 0, only_a = 0, only_b = 0;

	if (a->n > 1)
		qsort(a->v, a->n, sizeof(char *), cmp_str);
	if (b->n > 1)
		qsort(b->v, b->n, sizeof(char *), cmp_str);
	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i], b->v[j]);
		if (c == 0)
			i++, j++;
		else if (c < 0)
			i++, only_a++;
		else
			j++, only_b++;
	}
	return only_a > only_b ? only_a : only_b;
}

/* ---- the edit ------------------------------------------------------- */

/* Equal once whitespace, punctuation and ASCII case are ignored? */
static int same_but_punctuation(const char *a, const char *b)
{
	for (;;) {
		while (*a && ((unsigned char)*a < 0x80 && !isalnum((unsigned char)*a)))
			a++;
		while (*b && ((unsigned char)*b < 0x80 && !isalnum((unsigned char)*b)))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++, b++;
	}
}

int rl_classify_lines(rl_strvec *out, const char *body)
{
	const char *p = body ? body : "";
	int error = 0;

	while (*p && !error) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0) {
			if (out->n >= RL_CLASSIFY_MAX_SENTENCES)
				return rl_error_set(RL_ETOOBIG, "more than %d sentences",
						    RL_CLASSIFY_MAX_SENTENCES);
			error = rl_strvec_pushn(out, p, len);
		}
		p = nl ? nl + 1 : p + len;
	}
	return error;
}

static int with_title(rl_buf *out, const char *title, const char *body)
{
	int error = 0;
	if (title && *title)
		error = rl_buf_printf(out, "%s\n", title);
	return error ? error : rl_buf_puts(out, body ? body : "");
}

int rl_classify_edit(rl_edit_class *out, const char *old_title, const char *old_body,
		     const char *new_title, const char *new_body)
{
	rl_strvec so = RL_STRVEC_INIT, sn = RL_STRVEC_INIT, qo = RL_STRVEC_INIT, qn = RL_STRVEC_INIT;
	rl_alignment al = RL_ALIGNMENT_INIT;
	rl_buf to = RL_BUF_INIT(16u << 20), tn = RL_BUF_INIT(16u << 20);
	int error, substantive = 0, anything = 0;

	if (old_body == NULL) {
		out->kinds = RL_EDIT_NEW;
		return 0;
	}
	if ((error = rl_classify_lines(&so, old_body)) < 0 || (error = rl_classify_lines(&sn, new_body)) < 0 ||
	    (error = rl_align_sentences(&al, (const char *const *)so.v, so.n,
					(const char *const *)sn.v, sn.n)) < 0)
		goto done;
	out->added = al.counts[RL_ALIGN_ADDED];
	out->removed = al.counts[RL_ALIGN_REMOVED];
	out->edited = al.counts[RL_ALIGN_EDITED];
	out->moved = al.counts[RL_ALIGN_MOVED];
	for (size_t i = 0; i < al.n; i++) {
		const rl_align_step *s = &al.v[i];
		if (s->op == RL_ALIGN_SAME)
			continue;
		anything = 1;
		if (s->op == RL_ALIGN_EDITED && same_but_punctuation(so.v[s->old], sn.v[s->new]))
			continue;
		substantive = 1;
		/* a notice is new text: an added sentence, or one rewritten into one */
		if (s->new != RL_ALIGN_NONE && out->notice == NULL && rl_classify_is_notice(sn.v[s->new]) &&
		    (s->old == RL_ALIGN_NONE || !rl_classify_is_notice(so.v[s->old])) &&
		    (out->notice = rl_strdup(sn.v[s->new])) == NULL) {
			error = RL_ENOMEM;
			goto done;
		}
	}
	if (out->added)
		out->kinds |= RL_EDIT_ADDED;
	if (out->removed)
		out->kinds |= RL_EDIT_REMOVED;
	if (out->edited)
		out->kinds |= RL_EDIT_EDITED;
	if (out->moved)
		out->kinds |= RL_EDIT_MOVED;
	if (out->notice)
		out->kinds |= RL_EDIT_CORRECTION;
	if (strcmp(old_title ? old_title : "", new_title ? new_title : "") != 0) {
		anything = 1;
		out->kinds |= RL_EDIT_HEADLINE;
		substantive |= !same_but_punctuation(old_title ? old_title : "", new_title ? new_title : "");
	}
	if ((error = with_title(&to, old_title, old_body)) < 0 ||
	    (error = with_title(&tn, new_title, new_body)) < 0 ||
	    (error = rl_figures_diff(&out->figures, to.ptr ? to.ptr : "", tn.ptr ? tn.ptr : "")) < 0 ||
	    (error = quotes_of(&qo, old_body)) < 0 || (error = quotes_of(&qn, new_body)) < 0)
		goto done;
	if (out->figures.n)
		out->kinds |= RL_EDIT_FIGURES, substantive = 1;
	if ((out->quotes = quotes_changed(&qo, &qn)) > 0)
		out->kinds |= RL_EDIT_QUOTES;
	if (anything && !substantive)
		out->kinds = RL_EDIT_MINOR;
done:
	rl_strvec_release(&so);
	rl_strvec_release(&sn);
	rl_strvec_release(&qo);
	rl_strvec_release(&qn);
	rl_alignment_release(&al);
	rl_buf_release(&to);
	rl_buf_release(&tn);
	return error;
}

void rl_edit_class_release(rl_edit_class *c)
{
	if (c == NULL)
		return;
	rl_figure_changes_release(&c->figures);
	free(c->notice);
	memset(c, 0, sizeof(*c));
}

int rl_edit_class_describe(rl_buf *out, const rl_edit_class *c)
{
	const char *sep = "";
	int error = 0;

	if (c->kinds & RL_EDIT_REVERT)
		return rl_buf_printf(out, "reverted to %.12s", c->reverted_to);
	if (c->kinds & RL_EDIT_NEW)
		return rl_buf_puts(out, "new");
	if (c->kinds & RL_EDIT_MINOR)
		return rl_buf_puts(out, "minor: whitespace, punctuation or case only");
	if (c->kinds & RL_EDIT_HEADLINE)
		error = rl_buf_puts(out, "headline changed"), sep = "; ";
	{
		const size_t n[4] = { c->edited, c->added, c->removed, c->moved };
		static const char *const verb[4] = { "edited", "added", "removed", "moved" };
		int first = 1;
		for (int i = 0; i < 4 && !error; i++) {
			if (n[i] == 0)
				continue;
			if (first)
				error = rl_buf_printf(out, "%s%zu sentence%s %s", sep, n[i],
						      n[i] == 1 ? "" : "s", verb[i]);
			else
				error = rl_buf_printf(out, ", %zu %s", n[i], verb[i]);
			first = 0;
			sep = "; ";
		}
	}
	if (!error && c->figures.n) {
		rl_buf_printf(out, "%sfigures ", sep);
		error = rl_figures_format(out, &c->figures);
		sep = "; ";
	}
	if (!error && c->quotes)
		error = rl_buf_printf(out, "%s%zu quote%s changed", sep, c->quotes, c->quotes == 1 ? "" : "s"),
		sep = "; ";
	if (!error && c->notice)
		error = rl_buf_printf(out, "%scorrection notice", sep), sep = "; ";
	if (!error && !*sep)
		error = rl_buf_puts(out, "headers changed");
	return error;
}
