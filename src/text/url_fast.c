/*
 * url_fast.c - rl_url_normalise() for the plain links of nearly every page
 * ("https://host/path?q", "/path", "//host/path") without libcurl's URL
 * API, whose eight curl_url_set() and five curl_url_get() a link (each
 * get printing the whole URL anew) cost about a tenth of a parse worker's
 * instructions.  Only what libcurl would leave as it is comes this way:
 * printable ASCII with no escape ('%'), no byte put_escaped() would escape,
 * no backslash, no userinfo, a host that is a name of plain labels (or a
 * dotted quad as curl prints it), a decimal port, a path that starts with
 * '/' and holds no "/." (so no dot segment).  For those libcurl's answer is
 * known: scheme, lower-cased host, the port unless the scheme's default,
 * path, filtered query; no fragment.  Anything else is left to url.c.
 */
#include "url_internal.h"
#include "redline/error.h"
#include "redline/url.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct plain {
	bool https;
	const char *host, *port; /* port NULL: none or the scheme's default */
	size_t host_len, port_len;
	const char *path, *query; /* query NULL: no '?' */
	size_t path_len, query_len;
};

/* Bytes that neither clean_input(), curl nor put_escaped() change. */
static bool plain_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7F && c != '%' && c != '\\' && c != '"' && c != '<' &&
	       c != '>' && c != '^' && c != '`' && c != '{' && c != '|' && c != '}';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Four decimal numbers of at most 255 without leading zeros: what curl's
 * IPv4 normalisation prints, so it leaves them as they are. */
static bool dotted_quad(const char *h, size_t n)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, len = 0;

		while (i < n && is_digit(h[i]) && len < 4)
			v = v * 10 + (unsigned)(h[i++] - '0'), len++;
		if (len == 0 || len > 3 || v > 255 || (len > 1 && h[i - len] == '0'))
			return false;
		if (part < 3 && (i >= n || h[i++] != '.'))
			return false;
	}
	return i == n;
}

/* Labels of letters, digits, '-' and '_' between single dots; a name whose
 * last label starts with a digit may be an IPv4 number, which curl
 * rewrites ("127.1", "0x7f.0.0.1"), so only a dotted quad passes. */
static bool plain_host(const char *h, size_t n)
{
	size_t label = 0, last = 0;

	for (size_t i = 0; i < n; i++) {
		char c = h[i];

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			last = i + 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
			   c == '-' || c == '_') {
			label++;
		} else {
			return false;
		}
	}
	if (label == 0)
		return false;
	return is_digit(h[last]) ? dotted_quad(h, n) : true;
}

/* "[:port]" after the host: 1-65535 without leading zeros; the port is
 * dropped when it is the scheme's. */
static bool plain_port(struct plain *u, const char *p, size_t n)
{
	unsigned v = 0;

	u->port = NULL;
	u->port_len = 0;
	if (n == 0)
		return true;
	if (p[0] != ':' || n < 2 || n > 6 || p[1] == '0')
		return false;
	for (size_t i = 1; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v > 65535)
		return false;
	if (v != (u->https ? 443u : 80u)) {
		u->port = p + 1;
		u->port_len = n - 1;
	}
	return true;
}

/* "/path[?query][#fragment]" up to `end`. */
static bool plain_tail(struct plain *u, const char *p, const char *end)
{
	if (p == end || *p != '/')
		return false;
	u->path = p;
	while (p < end && *p != '?' && *p != '#')
		p++;
	u->path_len = (size_t)(p - u->path);
	for (const char *d = u->path; (d = memchr(d, '/', (size_t)(p - d))) != NULL; d++)
		if (d + 1 < p && d[1] == '.')
			return false;
	u->query = NULL;
	u->query_len = 0;
	if (p < end && *p == '?') {
		u->query = ++p;
		while (p < end && *p != '#')
			p++;
		u->query_len = (size_t)(p - u->query);
	}
	return true;
}

/* "host[:port]/path..." up to `end`. */
static bool plain_authority(struct plain *u, const char *p, const char *end)
{
	const char *a = p, *colon = NULL;

	while (p < end && *p != '/' && *p != '?' && *p != '#') {
		if (*p == ':' && colon == NULL)
			colon = p;
		p++;
	}
	u->host = a;
	u->host_len = (size_t)((colon ? colon : p) - a);
	return plain_host(u->host, u->host_len) &&
	       plain_port(u, colon ? colon : p, colon ? (size_t)(p - colon) : 0) &&
	       plain_tail(u, p, end);
}

/* "http(s)://..." */
static bool plain_absolute(struct plain *u, const char *s, size_t n)
{
	if (n >= 7 && memcmp(s, "http://", 7) == 0) {
		u->https = false;
		return plain_authority(u, s + 7, s + n);
	}
	if (n >= 8 && memcmp(s, "https://", 8) == 0) {
		u->https = true;
		return plain_authority(u, s + 8, s + n);
	}
	return false;
}

/* The length of `s` when every byte of it is plain and it is not too long
 * (url.c refuses those); else SIZE_MAX. */
static size_t plain_len(const char *s)
{
	size_t n = 0;

	while (s[n] && n <= RL_URL_MAX) {
		if (!plain_byte((unsigned char)s[n]))
			return SIZE_MAX;
		n++;
	}
	return n > RL_URL_MAX ? SIZE_MAX : n;
}

static int put_plain(rl_buf *out, const struct plain *u)
{
	int error = rl_buf_puts(out, u->https ? "https://" : "http://");

	for (size_t i = 0; i < u->host_len && error == 0; i++) {
		char c = u->host[i];
		error = rl_buf_putc(out, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
	if (error == 0 && u->port &&
	    ((error = rl_buf_putc(out, ':')) < 0 || (error = rl_buf_put(out, u->port, u->port_len)) < 0))
		return error;
	if (error == 0)
		error = rl_buf_put(out, u->path, u->path_len);
	if (error == 0 && u->query)
		error = url_put_query(out, u->query, u->query_len);
	if (error == 0)
		error = rl_buf_put(out, "", 0);
	return error;
}

int url_normalise_fast(char **out, const char *url, const char *base)
{
	struct plain b, u;
	size_t n = plain_len(url), bn = base ? plain_len(base) : 0;
	rl_buf text = RL_BUF_INIT(2 * RL_URL_MAX + 16);
	int error;

	*out = NULL;
	if (n == SIZE_MAX || bn == SIZE_MAX || (base && !plain_absolute(&b, base, bn)))
		return 0;
	if (plain_absolute(&u, url, n)) {
		/* as it is */
	} else if (base == NULL) {
		return 0;
	} else if (n == 0 || url[0] == '#') { /* the base itself (url.c's parse_into) */
		u = b;
	} else if (url[0] == '/' && url[1] == '/') { /* another host, the base's scheme */
		u.https = b.https;
		if (!plain_authority(&u, url + 2, url + n))
			return 0;
	} else if (url[0] == '/') { /* another path on the base's host */
		u = b;
		if (!plain_tail(&u, url, url + n))
			return 0;
	} else {
		return 0;
	}
	if ((error = put_plain(&text, &u)) < 0) {
		rl_buf_release(&text);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	*out = rl_buf_detach(&text);
	return 1;
}
