/*
 * redline/url.h - the canonical form of a story's URL, so that one story
 * keeps one key whatever tracking parameters or spelling a link carries.
 */
#ifndef REDLINE_URL_H
#define REDLINE_URL_H

/** A URL (and its base) may be at most this long (bytes). */
#define RL_URL_MAX 8192u

/** Canonical form of a URL: resolved against `base` (may be NULL), scheme and
 *  host lowercased, default port and fragment dropped, dot segments removed,
 *  tracking parameters (utm_*, fbclid, gclid, dclid, msclkid, mc_cid, mc_eid,
 *  igshid, ...) removed, the other parameters kept in order.  Only http(s)
 *  URLs are accepted; anything else is RL_EINVAL; over RL_URL_MAX RL_ETOOBIG. */
int rl_url_normalise(char **out, const char *url, const char *base);


#endif
