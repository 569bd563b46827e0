/*
 * deflate_small.h - a raw DEFLATE encoder for small buffers (story files,
 * trees, commits), used by deflater.c below RL_DEFLATE_SMALL_MAX bytes.
 * Internal to util.
 */
#ifndef REDLINE_DEFLATE_SMALL_H
#define REDLINE_DEFLATE_SMALL_H

#include <stddef.h>
#include <stdint.h>

/** The largest input: positions and distances fit in 16 bits, the whole
 *  input is one block and lies within DEFLATE's 32 KiB window. */
#define RL_DEFLATE_SMALL_MAX 16384

/** Scratch memory of one encoder, kept by a thread between calls. */
typedef struct rl_deflate_small rl_deflate_small;

rl_deflate_small *rl_deflate_small_new(void);
void rl_deflate_small_free(rl_deflate_small *s);

/** Compresses `len` (at most RL_DEFLATE_SMALL_MAX) bytes at `src` as raw
 *  DEFLATE into `dst` (room `cap`); returns the bytes written, or 0 when
 *  they do not fit.  Deterministic: the same input gives the same bytes. */
size_t rl_deflate_small_compress(rl_deflate_small *s, unsigned char *dst, size_t cap,
				 const unsigned char *src, size_t len);

/** Code lengths of at most `max_len` bits for the `n_sym` weights `freq`
 *  (n_sym at most 286): a complete prefix code over the symbols of weight
 *  > 0 (and dummies when fewer than two).  Returns how many symbols got a
 *  length, listed in `used` (room for n_sym) in increasing order.  Here
 *  for the unit tests. */
int rl_deflate_small_code_lengths(uint8_t *lens, int *used, const uint32_t *freq, int n_sym,
				  int max_len);

#endif
