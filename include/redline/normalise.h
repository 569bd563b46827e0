/*
 * redline/normalise.h - text normalisation, so that only news makes a diff.
 *
 * Each rule is its own function (and its own test); rl_normaliser_text()
 * applies them all in order:
 *   1. valid UTF-8 (invalid bytes become U+FFFD), NUL bytes dropped
 *   2. Unicode NFC
 *   3. NBSP and other spaces -> ' '; zero-width chars, soft hyphens, BOMs removed
 *   4. relative times removed ("2 uur geleden", "5 minutes ago", "vor 3 Stunden",
 *      "il y a 2 heures", "gisteren", "just now", "Bijgewerkt 5 minuten geleden", ...)
 *   5. the source's own ignore patterns (PCRE2) removed
 *   6. whitespace collapsed within a line, lines trimmed, empty lines dropped
 * '\n' separates paragraphs and is kept.
 */
#ifndef REDLINE_NORMALISE_H
#define REDLINE_NORMALISE_H

#include <stddef.h>

/** Normalised text may be at most this long (bytes); more is RL_ETOOBIG. */
#define RL_NORMALISE_MAX (8u * 1024 * 1024)

typedef struct rl_normaliser rl_normaliser;

/** Compiles the built-in rules and `n` extra PCRE2 patterns (UTF mode);
 *  a bad pattern is RL_EINVAL naming the pattern and the offset. */
int rl_normaliser_new(rl_normaliser **out, const char *const *ignore_patterns, size_t n);
void rl_normaliser_free(rl_normaliser *normaliser);

/** Applies every rule to `len` bytes of `in`; `*out` is the caller's (free()). */
int rl_normaliser_text(char **out, const rl_normaliser *normaliser, const char *in, size_t len);

/** Rule 1-3 and 6 alone: valid NFC UTF-8 with invisible chars and spaces folded. */
int rl_normalise_unicode(char **out, const char *in, size_t len);

/** Rule 4 alone, on already valid UTF-8. */
int rl_normalise_strip_relative_times(char **out, const rl_normaliser *normaliser, const char *in);

/** Converts `len` bytes in `charset` (NULL: sniff BOM, else UTF-8 if valid,
 *  else windows-1252) to UTF-8.  iso-8859-1 and us-ascii are read as
 *  windows-1252, as browsers do.  Unknown charset: RL_EINVAL. */
int rl_charset_to_utf8(char **out, size_t *out_len, const char *in, size_t len, const char *charset);

/** Canonical form of a URL: resolved against `base` (may be NULL), scheme and
 *  host lowercased, default port and fragment dropped, tracking parameters
 *  (utm_*, fbclid, gclid, dclid, msclkid, mc_cid, mc_eid, igshid, ...) removed.
 *  Only http(s) URLs are accepted; anything else is RL_EINVAL. */
int rl_normalise_url(char **out, const char *url, const char *base);

#endif
