/*
 * redline/sentence.h - one sentence per line, so that diffs are sentence-precise.
 *
 * Splits after . ! ? or … (with more of them and closing quotes or brackets)
 * followed by space and an upper-case letter, digit or opening quote or
 * bracket; never inside figures (10.000, 3,5, 1.200.000), datelines
 * ((ANP/AFP)), after abbreviations (o.a., Mr., Dr., e.g., z.B., St.),
 * initials (J.F. Kennedy, Mark A. Rutte) or German day numbers before a
 * month (3. Oktober).  docs/normalisation.md has the details.
 */
#ifndef REDLINE_SENTENCE_H
#define REDLINE_SENTENCE_H

#include "redline/buf.h"

/** At most this many sentences a paragraph: the last one takes the rest. */
#define RL_SENTENCE_MAX 4096

/** Appends the sentences of one paragraph (UTF-8, one line) to `out`,
 *  trimmed; a '\n' in it ends a sentence too.  Nothing is lost: joining the
 *  sentences with spaces gives back the paragraph (up to whitespace). */
int rl_sentence_split(rl_strvec *out, const char *paragraph);

/** Receives one sentence of rl_sentence_each(): `len` bytes at `s`, inside
 *  the paragraph (not NUL-ended).  A negative return stops the split. */
typedef int (*rl_sentence_fn)(void *ctx, const char *s, size_t len);

/** The sentences rl_sentence_split() would append, handed to `fn` in order
 *  without copies; returns 0 or the first negative value of `fn`. */
int rl_sentence_each(const char *paragraph, rl_sentence_fn fn, void *ctx);

#endif
