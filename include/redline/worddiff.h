/*
 * redline/worddiff.h - word-level diffs of two texts.
 *
 * Both texts are cut into tokens (a figure such as 10.000, 3,5 or 1.200.000
 * is one token; so is a word, a punctuation mark, a run of whitespace) and
 * compared with libgit2's own diff engine, one token a line.  The result is
 * a list of segments that, read in order, spell the old text (same + removed)
 * and the new text (same + added).
 */
#ifndef REDLINE_WORDDIFF_H
#define REDLINE_WORDDIFF_H

#include <stddef.h>
#include "redline/buf.h"

/** The largest text (each side) a word diff accepts; more is RL_ETOOBIG. */
#define RL_WORDDIFF_MAX_BYTES (4u * 1024 * 1024)

typedef enum rl_worddiff_kind {
	RL_WORDDIFF_SAME = 0,
	RL_WORDDIFF_REMOVED,
	RL_WORDDIFF_ADDED,
} rl_worddiff_kind;

typedef enum rl_worddiff_token_kind {
	RL_WORDDIFF_TOKEN_SPACE = 0,
	RL_WORDDIFF_TOKEN_WORD,
	RL_WORDDIFF_TOKEN_NUMBER,
	RL_WORDDIFF_TOKEN_PUNCT,
} rl_worddiff_token_kind;

typedef struct rl_worddiff_segment {
	rl_worddiff_kind kind;
	char *text; /* owned, never empty */
} rl_worddiff_segment;

typedef struct rl_worddiff {
	rl_worddiff_segment *v;
	size_t n;
	size_t cap;
} rl_worddiff;

#define RL_WORDDIFF_INIT { NULL, 0, 0 }

/** Length of the token that starts at `text` (0 only at the NUL), and its kind
 *  through `kind` (may be NULL).  Numbers keep their separators: a '.' or ','
 *  between digits stays inside, and so does a space that groups thousands
 *  ("10 000": a first group of one to three digits, then groups of three).  Bytes >= 0x80 count as letters. */
size_t rl_worddiff_token_next(const char *text, rl_worddiff_token_kind *kind);

/** Appends the tokens of `text` to `out`. */
int rl_worddiff_tokenize(rl_strvec *out, const char *text);

/** Computes the word diff of two NUL-terminated texts (NULL reads as "") into
 *  `out`, which must be empty (RL_WORDDIFF_INIT).  Adjacent tokens of one kind
 *  form one segment; within a change, the removed segment comes first. */
int rl_worddiff_compute(rl_worddiff *out, const char *old_text, const char *new_text);

/** Makes a diff easier to read: whitespace left unchanged between two changes
 *  joins them, so "[-Puerto-]{+the+} [-Rico-]{+island+}" becomes
 *  "[-Puerto Rico-]{+the island+}".  The texts it spells stay the same. */
int rl_worddiff_coalesce(rl_worddiff *diff);

/** Frees the segments; the diff is empty and reusable after it. */
void rl_worddiff_release(rl_worddiff *diff);

/** "same", "removed" or "added". */
const char *rl_worddiff_kind_name(rl_worddiff_kind kind);

/** Options of rl_worddiff_render(). */
enum {
	RL_WORDDIFF_RENDER_COLOR = 1 << 0,   /* red/green ANSI instead of [- -] {+ +} */
	RL_WORDDIFF_RENDER_CHANGED = 1 << 1, /* only the lines that hold a change */
};

/** Appends the diff as text: "[-old-]{+new+}" like `git diff --word-diff`, or
 *  with ANSI colours (removed red, added green).  With RL_WORDDIFF_RENDER_CHANGED,
 *  lines without a change are left out. */
int rl_worddiff_render(rl_buf *out, const rl_worddiff *diff, unsigned flags);

#endif
