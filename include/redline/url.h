/*
 * redline/url.h - the canonical form of a story's URL, so that one story
 * keeps one key whatever tracking parameters or spelling a link carries.
 */
#ifndef REDLINE_URL_H
#define REDLINE_URL_H

#include <stddef.h>

/** A URL (and its base) may be at most this long (bytes). */
#define RL_URL_MAX 8192u

/** Canonical form of a URL: resolved against `base` (may be NULL), scheme and
 *  host lowercased, userinfo dropped (credentials never reach the history),
 *  default port and fragment dropped, dot segments removed,
 *  tracking parameters (utm_*, fbclid, gclid, dclid, msclkid, mc_cid, mc_eid,
 *  igshid, ...) removed, the other parameters kept in order.  Only http(s)
 *  URLs are accepted; anything else is RL_EINVAL; over RL_URL_MAX RL_ETOOBIG. */
int rl_url_normalise(char **out, const char *url, const char *base);

/** The URL without its userinfo ("user:password@"), for anything that is
 *  stored, shown or handed on (commit trailers, hook payloads, logs).  A
 *  URL without one is copied as is.  `*out` is the caller's (free()). */
int rl_url_strip_userinfo(char **out, const char *url);

/** The host of an absolute URL, lower-case, without port, userinfo or IPv6
 *  brackets, into `out`; RL_EINVAL when there is none or it does not fit. */
int rl_url_host(char *out, size_t size, const char *url);

/** The host of an absolute URL as DNS sees it, into `out`: lower-case, a
 *  Unicode name as its IDNA 2008 A-label ("xn--..."), IPv6 without
 *  brackets, one trailing dot dropped.  RL_EINVAL when there is none, it
 *  has an empty label ("a..b", ".a"), cannot be converted, or does not fit. */
int rl_url_host_ascii(char *out, size_t size, const char *url);

/** 1 when the two URLs are on the same site: the same IP literal, or host
 *  names with the same registrable domain by the Public Suffix List
 *  (a.example.co.uk and b.example.co.uk; not a.github.io and b.github.io,
 *  github.io being a public suffix).  A host that is itself a public suffix
 *  is its own site.  0 when either host is missing or malformed. */
int rl_url_same_site(const char *a, const char *b);

/** 1 when the URL's host is `host` or a subdomain of it. */
int rl_url_host_within(const char *url, const char *host);


#endif
