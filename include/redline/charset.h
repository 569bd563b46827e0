/*
 * redline/charset.h - bytes in a declared or sniffed charset to valid UTF-8.
 *
 * Every later step (normalisation, extraction, rendering) assumes valid UTF-8;
 * this module is where foreign bytes stop.
 */
#ifndef REDLINE_CHARSET_H
#define REDLINE_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

/** The longest charset name taken from a Content-Type header. */
#define RL_CHARSET_NAME_MAX 40

/** rl_charset_to_utf8() output may be at most this long (bytes). */
#define RL_CHARSET_MAX (32u * 1024 * 1024)

/** Converts `len` bytes in `charset` (NULL: sniff BOM, else UTF-8 if valid,
 *  else windows-1252) to UTF-8.  A BOM wins over `charset`.  iso-8859-1 and
 *  us-ascii are read as windows-1252, as browsers do.  Undecodable bytes
 *  become U+FFFD; NUL bytes are kept (`*out_len` counts them).  Unknown
 *  charset: RL_EINVAL; output over RL_CHARSET_MAX: RL_ETOOBIG. */
int rl_charset_to_utf8(char **out, size_t *out_len, const char *in, size_t len, const char *charset);

/** Copies `len` bytes of UTF-8, replacing each maximal invalid subpart
 *  (Unicode's "best practice") by U+FFFD; RL_ETOOBIG past RL_CHARSET_MAX. */
int rl_charset_repair_utf8(char **out, size_t *out_len, const char *in, size_t len);

/** True when `len` bytes are well-formed UTF-8 (no overlongs, no surrogates). */
bool rl_charset_is_utf8(const char *in, size_t len);

/** Length of the valid UTF-8 sequence at `s` (1 for ASCII, up to 4), 0 when
 *  invalid (overlongs, surrogates and values past U+10FFFF are invalid). */
size_t rl_charset_utf8_seq(const unsigned char *s, size_t n);
/** "UTF-16LE", "UTF-16BE", "UTF-32LE" or "UTF-32BE" when text without a
 *  BOM is recognisably one of them (NUL bytes at fixed positions), NULL
 *  otherwise.  rl_charset_to_utf8() uses it when no charset is declared. */
const char *rl_charset_detect_wide(const char *in, size_t len);

/** The charset parameter of a Content-Type value, lower-cased and
 *  unquoted; NULL when absent, empty, over RL_CHARSET_NAME_MAX or not a
 *  plausible charset name.  Caller frees. */
char *rl_charset_from_content_type(const char *content_type);

#endif
