/*
 * redline/readdiff.h - a diff of two versions of a story that a person can
 * read: the headline change on top, then the body sentence by sentence
 * after matching sentences (align.h) -- matched sentences diffed word by
 * word, unmatched ones whole, moves as moves -- with the kinds of edit and
 * the figures from the classifier (classify.h).  An INDEX file is diffed
 * as stories added, removed, moved and retitled instead.
 *
 * One structure, three renderings: text (git's [-x-]{+y+} or ANSI colour),
 * HTML (inline or side by side, figures marked), and JSON in the CLI.
 */
#ifndef REDLINE_READDIFF_H
#define REDLINE_READDIFF_H

#include <stddef.h>
#include <git2.h>

#include "redline/align.h"
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/classify.h"
#include "redline/worddiff.h"

typedef struct rl_rdiff_block {
	rl_align_op op;
	char *old;            /* the old sentence, NULL when ADDED */
	char *new;            /* the new sentence, NULL when REMOVED */
	size_t old_no, new_no; /* 1-based sentence numbers, 0 when absent */
	rl_worddiff words;    /* old -> new, when both are there and differ */
} rl_rdiff_block;

typedef struct rl_index_change {
	const char *kind;     /* "added", "removed", "moved", "retitled" (static) */
	char id[16];
	char *title;          /* the new title (the old one when removed) */
	char *old_title;      /* retitled: the old title, else NULL */
	size_t old_pos, new_pos; /* 1-based places on the page, 0 when absent */
} rl_index_change;

typedef struct rl_rdiff {
	char *path;
	char from[GIT_OID_HEXSZ + 1]; /* "" when there is no older revision */
	char to[GIT_OID_HEXSZ + 1];
	char *old_title, *new_title;  /* "" when none */
	rl_worddiff title_words;      /* when the headline changed */
	rl_rdiff_block *v;            /* every sentence, in reading order */
	size_t n, cap;
	rl_edit_class cls;
	int is_index;                 /* an INDEX: only `ix` is filled */
	rl_index_change *ix;
	size_t n_ix, cap_ix;
} rl_rdiff;

/** Diffs two story-file texts (NULL old: a new story, NULL new: deleted),
 *  or two INDEX texts when `is_index`.  `out` must be zeroed. */
int rl_rdiff_compute(rl_rdiff *out, const char *old_text, const char *new_text, int is_index);

/** Diffs the story at `path` between revisions, as rl_history_diff_compute()
 *  picks them, except that without `rev_from` the "from" is the story's
 *  previous revision (not the parent commit); classification includes a
 *  revert ("reverted to <rev>") when the new text equals an older revision. */
int rl_rdiff_history(rl_rdiff *out, rl_archive *archive, const char *path,
		     const char *rev_from, const char *rev_to);

/** Frees what `diff` holds; it is empty and reusable after it. */
void rl_rdiff_release(rl_rdiff *diff);

/** The last snapshot of `source`: the newest commit that changed it, and a
 *  diff of each file of the source it changed (stories first, INDEX last),
 *  against that commit's parent.  `*out` (n of them) is the caller's: free
 *  with rl_rdiffs_free().  RL_ENOTFOUND when no commit changed the source. */
int rl_rdiff_source(rl_rdiff **out, size_t *n, char commit[GIT_OID_HEXSZ + 1],
		    rl_archive *archive, const char *source);

/** Frees the `n` diffs of rl_rdiff_source() and the array. */
void rl_rdiffs_free(rl_rdiff *diffs, size_t n);

enum {
	RL_RDIFF_COLOR = 1 << 0, /* ANSI colours instead of [-x-]{+y+} */
};

/** Appends the diff as text: "headline: ...", "kinds: ...", "figures: ...",
 *  then each changed sentence with `context` unchanged sentences around it
 *  ("…" between groups); sentence marks: ' ' same, '~' edited, '-' removed,
 *  '+' added, '>' moved (with "(was N)"). */
int rl_rdiff_render_text(rl_buf *out, const rl_rdiff *d, size_t context, unsigned flags);

/** Appends the diff as HTML (escaped; <del>, <ins>, <mark class="fig"> for
 *  changed figures, class names rd-*), inline or as a two-column table. */
int rl_rdiff_render_html(rl_buf *out, const rl_rdiff *d, size_t context, int side_by_side);

/** Appends `s` HTML-escaped (& < > " '). */
int rl_html_escape(rl_buf *out, const char *s);

#endif
