/*
 * normalise_internal.h - what normalise.c and normalise_filter.c share (not
 * a public header; the unit tests include it to compare filtered and
 * unfiltered runs).
 */
#ifndef REDLINE_NORMALISE_INTERNAL_H
#define REDLINE_NORMALISE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "redline/normalise.h"

/* A text as the filters see it: ASCII folded to lower case, and what one
 * pass over it found. */
typedef struct nf_text {
	char *lower;      /* the text with A-Z as a-z; other bytes as they are */
	size_t len;
	size_t cap;
	uint64_t tri[128]; /* which three-byte sequences it holds, hashed to
	                      8,192 bits: a word none of whose trigrams is
	                      missing is then looked for */
	signed char found[8]; /* per word list: 1 found, 0 not, -1 not yet asked */
	bool digit;       /* it may hold a decimal digit (\d with UCP) */
	bool odd_case;    /* it holds U+017F or U+212A, which PCRE2 matches
	                     caselessly as 's' and 'k': no word test is sure */
} nf_text;

/** Takes `s` (valid UTF-8) as the text to test; 0 or RL_ENOMEM. */
int nf_text_set(nf_text *t, const char *s, size_t len);

void nf_text_release(nf_text *t);

/** false only when built-in relative-time rule `i` (reltime.c's order)
 *  cannot match `t`; true when it may (or `i` is unknown). */
bool nf_reltime_may_match(size_t i, nf_text *t);

/** The same for counter rule `i` (counters.c's order). */
bool nf_counter_may_match(size_t i, nf_text *t);

/** Code point `c` may be matched by \d (Unicode decimal digits). */
bool nf_may_be_digit(int c);

/** Switches the filters off (true) or on for `normaliser`: the tests
 *  check that both give the same text. */
void rl_normaliser_set_unfiltered(rl_normaliser *normaliser, bool unfiltered);

#endif
