/*
 * redline/classify.h - what kind of edit one revision of a story was.
 *
 * A revision is described by the kinds it holds (several at once):
 * sentences added, removed, edited or moved (after matching sentences,
 * align.h), headline changed, figures changed (figures.h: values with
 * their unit, never dates, years, times or page furniture), quotes changed
 * (the text between quotation marks), a correction or update notice added,
 * and "minor" when nothing but whitespace, punctuation or letter case
 * changed.  "revert" (the text equals an earlier version) needs the history
 * and is set by the history layer; "new" marks a first version.
 */
#ifndef REDLINE_CLASSIFY_H
#define REDLINE_CLASSIFY_H

#include <stddef.h>
#include "redline/buf.h"
#include "redline/figures.h"

/** One bit per kind of edit; names by rl_edit_kind_name(). */
enum {
	RL_EDIT_NEW = 1u << 0,        /* "new": the first version */
	RL_EDIT_HEADLINE = 1u << 1,   /* "headline" */
	RL_EDIT_ADDED = 1u << 2,      /* "added": sentences added */
	RL_EDIT_REMOVED = 1u << 3,    /* "removed": sentences removed */
	RL_EDIT_EDITED = 1u << 4,     /* "edited": sentences rewritten */
	RL_EDIT_MOVED = 1u << 5,      /* "moved": sentences that changed place */
	RL_EDIT_FIGURES = 1u << 6,    /* "figures" */
	RL_EDIT_QUOTES = 1u << 7,     /* "quotes" */
	RL_EDIT_CORRECTION = 1u << 8, /* "correction": a correction/update notice added */
	RL_EDIT_MINOR = 1u << 9,      /* "minor": whitespace, punctuation or case only */
	RL_EDIT_REVERT = 1u << 10,    /* "revert": equal to an earlier version */
};
#define RL_EDIT_KINDS 11

/** The most sentences a body may have here; more is RL_ETOOBIG. */
#define RL_CLASSIFY_MAX_SENTENCES 20000

typedef struct rl_edit_class {
	unsigned kinds;                 /* RL_EDIT_* bits */
	size_t added, removed, edited, moved; /* sentences */
	size_t quotes;                  /* quotations added, removed or changed */
	rl_figure_changes figures;      /* of headline and body */
	char *notice;                   /* the correction/update sentence added, or NULL */
	char reverted_to[41];           /* with RL_EDIT_REVERT: the commit it equals */
} rl_edit_class;

/** Classifies the edit from (old_title, old_body) to (new_title, new_body).
 *  Bodies are story-file bodies: one sentence a line, blank lines between
 *  paragraphs.  A NULL old body is a new story (RL_EDIT_NEW only).  `out`
 *  must be zeroed; release it with rl_edit_class_release(). */
int rl_classify_edit(rl_edit_class *out, const char *old_title, const char *old_body,
		     const char *new_title, const char *new_body);

/** Frees what `c` holds; it is zeroed and reusable after it. */
void rl_edit_class_release(rl_edit_class *c);

/** Appends the sentences of a story-file body (its non-empty lines) to `out`;
 *  RL_ETOOBIG past RL_CLASSIFY_MAX_SENTENCES. */
int rl_classify_lines(rl_strvec *out, const char *body);

/** The name of one RL_EDIT_* bit ("headline", "figures", ...), or NULL. */
const char *rl_edit_kind_name(unsigned bit);

/** Reads a comma-separated list of kind names into bits; RL_EINVAL naming the
 *  unknown one and listing the known ones. */
int rl_edit_kinds_parse(unsigned *out, const char *list);

/** Appends the kind names of `kinds`, separated by `sep`. */
int rl_edit_kinds_format(rl_buf *out, unsigned kinds, const char *sep);

/** Appends a one-line description: "headline; 1 sentence edited, 1 added;
 *  figures 3000 → 10.000; correction notice; quotes changed", or "minor:
 *  punctuation/whitespace only", "reverted to <rev>", "new". */
int rl_edit_class_describe(rl_buf *out, const rl_edit_class *c);

/** 1 when `sentence` is a correction or update notice ("Correction:",
 *  "Update:", "Rectificatie", "Correctie", "Korrektur", "Correctif", "An
 *  earlier version of this article ..."), else 0. */
int rl_classify_is_notice(const char *sentence);

#endif
