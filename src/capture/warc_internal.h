/*
 * warc_internal.h - what warc.c lends capture.c.
 */
#ifndef REDLINE_WARC_INTERNAL_H
#define REDLINE_WARC_INTERNAL_H

#include "redline/buf.h"

/** Inflates one zlib stream of `data` (window as for inflateInit2: 15+16
 *  gzip, 15+32 gzip or zlib, -15 raw deflate) into `out`, bounded by
 *  out->max; `*used` (may be NULL) is the compressed size consumed, so the
 *  next gzip member starts there.  Data that ends before the stream does is
 *  RL_EPARSE, unless `keep_truncated`. */
int warc_inflate(rl_buf *out, size_t *used, const char *data, size_t len, int window,
		 int keep_truncated);

#endif
