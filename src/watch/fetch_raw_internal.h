/*
 * fetch_raw_internal.h - the capture tap of fetch.c (rl_fetch_raw).
 */
#ifndef REDLINE_FETCH_RAW_INTERNAL_H
#define REDLINE_FETCH_RAW_INTERNAL_H

#include "redline/fetch.h"

#include <curl/curl.h>

/** Makes `easy` record its exchange into a new `*out` (the caller frees it
 *  with rl_fetch_raw_free), through libcurl's debug callback, and asks for
 *  "gzip, deflate" only.  `max_body` bounds the raw body kept. */
int fetch_raw_attach(rl_fetch_raw **out, CURL *easy, size_t max_body);

/** Room in `b` for the body `easy` announced (Content-Length), up to
 *  FETCH_RESERVE_MAX, when nothing is in it yet: a body of 80 KB grew from
 *  64 bytes by eleven doublings, each a copy.  Best effort: a failure
 *  leaves the buffer to grow as it comes. */
void fetch_reserve_announced(rl_buf *b, CURL *easy);

/** Fills in what is known only at the end (the remote address). */
void fetch_raw_finish(rl_fetch_raw *raw, CURL *easy);

#endif
