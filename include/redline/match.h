/*
 * redline/match.h - finding a story again when it has no URL or GUID.
 *
 * Stories without a key (wire items on a text page) are matched to the
 * previous snapshot's stories by text similarity: the Dice coefficient of
 * their sets of word bigrams.  Matching is one-to-one, best pair first, above
 * a threshold, so an edited headline and body stay the same story while two
 * different wire items never merge.
 */
#ifndef REDLINE_MATCH_H
#define REDLINE_MATCH_H

#include <stddef.h>
#include <stdint.h>

/* Tested in tests/unit/test_match.c: an edited story scores well above it,
 * two different stories from one wire (same language, same style) well below. */
#define RL_MATCH_THRESHOLD 0.5

typedef struct rl_match_fingerprint rl_match_fingerprint;

/** The set of word bigrams of `text` (case-folded for ASCII, digits kept). */
int rl_match_fingerprint_new(rl_match_fingerprint **out, const char *text);
/** Frees a fingerprint; NULL is fine. */
void rl_match_fingerprint_free(rl_match_fingerprint *fingerprint);

/** Dice similarity in [0, 1]; two empty texts are 0. */
double rl_match_fingerprint_similarity(const rl_match_fingerprint *a, const rl_match_fingerprint *b);

/** For each current text i, sets match[i] to the index of the previous text it
 *  continues, or -1.  One-to-one, greedy on the best similarity first, ties
 *  broken by page order; pairs below `threshold` never match. */
int rl_match_pairs(ptrdiff_t *match, const rl_match_fingerprint *const *previous, size_t n_previous,
		   const rl_match_fingerprint *const *current, size_t n_current, double threshold);

#endif
