/*
 * redline/align.h - which sentence of one version of a story became which
 * sentence of the next.
 *
 * Sentences are matched first and compared second, as NewsEdits (Spangher
 * et al., NAACL 2022) does: a rewritten paragraph is then a few edited
 * sentences, each diffed word by word against its own earlier self, instead
 * of one stream of words diffed in page order, and a sentence that changed
 * place is a move rather than a deletion plus an addition.
 *
 * Matching: identical sentences first (nearest position wins), then the
 * remaining pairs by the Dice coefficient of their multisets of words
 * (ASCII case folded, figures by value, punctuation ignored), best pair
 * first, one-to-one, at or above RL_ALIGN_THRESHOLD.  Unigrams rather than
 * the bigrams of match.h, because a sentence is short: one changed word
 * costs two of its bigrams but only one of its words.  Moves: of the matched
 * pairs, the longest run in the same order on both sides (a longest
 * increasing subsequence) stays in place; the other pairs moved.
 * bench/align measures the accuracy on labelled pairs (docs/benchmarks.md).
 */
#ifndef REDLINE_ALIGN_H
#define REDLINE_ALIGN_H

#include <stddef.h>

/** Pairs scoring below this are not the same sentence.  Chosen on the
 *  labelled pairs of bench/align: 0.5 keeps a sentence with half its words
 *  rewritten and never paired two different sentences of one story there. */
#define RL_ALIGN_THRESHOLD 0.5

/** Above this many sentences a side, only identical sentences are paired
 *  (the similarity pass is quadratic). */
#define RL_ALIGN_MAX_FUZZY 2000

/** No sentence on this side. */
#define RL_ALIGN_NONE ((size_t)-1)

typedef enum rl_align_op {
	RL_ALIGN_SAME = 0, /* same text, same place */
	RL_ALIGN_EDITED,   /* matched, text changed, same place */
	RL_ALIGN_ADDED,    /* only in the new version */
	RL_ALIGN_REMOVED,  /* only in the old version */
	RL_ALIGN_MOVED,    /* matched, changed place (text may have changed too) */
} rl_align_op;

typedef struct rl_align_step {
	rl_align_op op;
	size_t old;   /* index in the old sentences, or RL_ALIGN_NONE */
	size_t new;   /* index in the new sentences, or RL_ALIGN_NONE */
	int changed;  /* the two texts differ (EDITED, or a MOVED that was edited) */
	double score; /* similarity of a matched pair, 1 for identical text */
} rl_align_step;

typedef struct rl_alignment {
	rl_align_step *v; /* in reading order: the new version, with each removed
	                     sentence where it stood in the old one */
	size_t n;
	size_t cap;
	size_t counts[5]; /* steps per rl_align_op */
} rl_alignment;

#define RL_ALIGNMENT_INIT { NULL, 0, 0, { 0, 0, 0, 0, 0 } }

/** Aligns two lists of sentences into `out` (empty, RL_ALIGNMENT_INIT). */
int rl_align_sentences(rl_alignment *out, const char *const *old, size_t n_old,
		       const char *const *new, size_t n_new);

/** The same with another threshold: for measuring (bench/align). */
int rl_align_sentences_at(rl_alignment *out, const char *const *old, size_t n_old,
			  const char *const *new, size_t n_new, double threshold);

/** Frees the steps; the alignment is empty and reusable after it. */
void rl_alignment_release(rl_alignment *alignment);

/** The similarity rl_align_sentences() pairs by, in [0, 1]. */
double rl_align_similarity(const char *a, const char *b);

/** Marks in `keep` (n bytes) the entries on one longest strictly increasing
 *  run of `key` (patience sorting, O(n log n)); entries keyed RL_ALIGN_NONE
 *  take no part.  What a reordering left in place: the unmarked moved.
 *  Returns 0 or RL_ENOMEM. */
int rl_align_in_order(unsigned char *keep, const size_t *key, size_t n);

/** "same", "edited", "added", "removed", "moved". */
const char *rl_align_op_name(rl_align_op op);

#endif
