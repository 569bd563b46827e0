/*
 * url_internal.h - the two ways rl_url_normalise() takes: libcurl's URL API
 * for any URL (url.c), and a short cut for the plain http(s) URLs and
 * references of nearly every page (url_fast.c), which must give the same
 * bytes; tests/unit/test_url_fast.c and tests/fuzz/fuzz_url.c compare them.
 */
#ifndef REDLINE_URL_INTERNAL_H
#define REDLINE_URL_INTERNAL_H

#include "redline/buf.h"

#include <stddef.h>

/** Appends the `size` bytes of a query (after its '?') without tracking and
 *  empty parameters, escapes made canonical, led by '?' unless none is
 *  left. */
int url_put_query(rl_buf *out, const char *query, size_t size);

/** rl_url_normalise() through libcurl's URL API, for every URL. */
int url_normalise_curl(char **out, const char *url, const char *base);

/** rl_url_normalise() without libcurl, for plain cases only: 1 with *out
 *  set, 0 (nothing set) when the URL or base is not one of them and
 *  url_normalise_curl() must decide, RL_ENOMEM.  Plain: printable ASCII
 *  without '%', '\\' or a byte that would be escaped; "http://" or
 *  "https://", a host of letters, digits, '-' and '_' labels (or a dotted
 *  quad as curl prints it), an optional port, a path with no dot segment;
 *  the reference absolute, "//host...", "/path...", "#..." or empty. */
int url_normalise_fast(char **out, const char *url, const char *base);

#endif
