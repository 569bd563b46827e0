/*
 * redline/sentence.h - one sentence per line, so that diffs are sentence-precise.
 *
 * Splits after . ! ? (and a closing quote or bracket) followed by space and
 * an upper-case letter, digit or opening quote; never inside figures
 * (10.000, 3,5, 1.200.000), datelines ((ANP/AFP)), abbreviations (o.a.,
 * Mr., Dr., e.g., z.B., St.), initials (J.F. Kennedy) or quotes.
 */
#ifndef REDLINE_SENTENCE_H
#define REDLINE_SENTENCE_H

#include "redline/buf.h"

/** Appends the sentences of one paragraph (UTF-8, one line) to `out`, trimmed. */
int rl_sentence_split(rl_strvec *out, const char *paragraph);

#endif
