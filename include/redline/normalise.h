/*
 * redline/normalise.h - text normalisation, so that only news makes a diff.
 *
 * Each rule is its own function (and its own test); rl_normalise_text()
 * applies them all in order (docs/normalisation.md has the details):
 *   1. valid UTF-8 (invalid bytes become U+FFFD), NUL bytes dropped
 *   2. NBSP and other spaces -> ' '; zero-width chars, soft hyphens, BOMs,
 *      direction marks and control characters removed; CR and CRLF -> '\n'
 *   3. Unicode NFC (after 2, so that removing an invisible char between a
 *      letter and its accent still leaves composed text)
 *   4. relative times removed ("2 uur geleden", "5 minutes ago", "vor 3 Stunden",
 *      "il y a 2 heures", "gisteren", "just now", "Bijgewerkt 5 minuten geleden", ...)
 *   5. the source's own ignore patterns (PCRE2) removed
 *   6. whitespace collapsed within a line, lines trimmed, empty lines dropped
 * '\n' separates paragraphs and is kept; the result has no trailing '\n'.
 */
#ifndef REDLINE_NORMALISE_H
#define REDLINE_NORMALISE_H

#include <stdbool.h>
#include <stddef.h>

/** Normalised text may be at most this long (bytes); more is RL_ETOOBIG. */
#define RL_NORMALISE_MAX (8u * 1024 * 1024)

typedef struct rl_normaliser rl_normaliser;

/** Compiles the built-in rules and `n` extra PCRE2 patterns (UTF mode,
 *  multi-line: ^ and $ match at each line); a bad pattern is RL_EINVAL
 *  naming the pattern and the offset. */
int rl_normaliser_new(rl_normaliser **out, const char *const *ignore_patterns, size_t n);
/** Frees a normaliser and its compiled rules; NULL is fine. */
void rl_normaliser_free(rl_normaliser *normaliser);

/** Applies every rule to `len` bytes of `in`; `*out` is the caller's (free()). */
int rl_normalise_text(char **out, const rl_normaliser *normaliser, const char *in, size_t len);

/** Rule 1-3 and 6 alone: valid NFC UTF-8 with invisible chars and spaces folded. */
int rl_normalise_unicode(char **out, const char *in, size_t len);

/** Rule 4 alone, on already valid UTF-8.  Removed text leaves a space, so
 *  run rule 6 (or rl_normalise_unicode) afterwards. */
int rl_normalise_strip_relative_times(char **out, const rl_normaliser *normaliser, const char *in);

/** Rule 5 alone, on already valid UTF-8: every match of every ignore pattern
 *  becomes a space. */
int rl_normalise_strip_ignored(char **out, const rl_normaliser *normaliser, const char *in);

/** The built-in relative-time rules (PCRE2 source, compiled UTF, UCP,
 *  caseless and multi-line), in the order they are applied.  Static. */
const char *const *rl_normalise_reltime_rules(size_t *n);

#endif
