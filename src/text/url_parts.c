/*
 * url_parts.c - the parts of a URL that decide where it may be sent and
 * what of it may be shown: userinfo, host, site.
 */
#include "redline/url.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Where the authority of "scheme://authority/..." starts and its length;
 * NULL when the URL has none. */
static const char *authority(const char *url, size_t *len)
{
	const char *p = strstr(url, "://");

	if (p == NULL || p == url || strcspn(url, ":/?#") != (size_t)(p - url))
		return NULL;
	p += 3;
	*len = strcspn(p, "/?#");
	return p;
}

int rl_url_strip_userinfo(char **out, const char *url)
{
	size_t len = 0;
	const char *auth = url ? authority(url, &len) : NULL, *at = NULL;

	*out = NULL;
	if (url == NULL)
		return rl_error_set(RL_EINVAL, "no URL given");
	for (size_t i = 0; auth && i < len; i++)
		if (auth[i] == '@')
			at = auth + i;
	if (at == NULL)
		*out = strdup(url);
	else if (asprintf(out, "%.*s%s", (int)(auth - url), url, at + 1) < 0)
		*out = NULL;
	return *out ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

int rl_url_host(char *out, size_t size, const char *url)
{
	size_t len = 0, n;
	const char *auth = url ? authority(url, &len) : NULL, *host;

	if (auth == NULL)
		return rl_error_set(RL_EINVAL, "no host in URL");
	host = auth;
	for (size_t i = 0; i < len; i++)
		if (auth[i] == '@')
			host = auth + i + 1;
	len -= (size_t)(host - auth);
	if (len > 0 && host[0] == '[') {
		const char *end = memchr(host, ']', len);
		if (end == NULL)
			return rl_error_set(RL_EINVAL, "bad IPv6 host in URL");
		host++;
		n = (size_t)(end - host);
	} else {
		n = strcspn(host, ":");
		if (n > len)
			n = len;
	}
	if (n == 0 || n >= size)
		return rl_error_set(RL_EINVAL, "no host in URL");
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] - 'A' + 'a' : host[i]);
	out[n] = '\0';
	if (out[n - 1] == '.') /* "example.com." is example.com */
		out[n - 1] = '\0';
	return out[0] ? 0 : rl_error_set(RL_EINVAL, "no host in URL");
}

static int is_ip(const char *host)
{
	return strchr(host, ':') != NULL || strspn(host, "0123456789.") == strlen(host);
}

/* Second levels under which a country's domains are registered (co.uk,
 * com.au, ac.jp...): a heuristic stand-in for the public suffix list. */
static int is_shared_second_level(const char *label, size_t len)
{
	static const char *const known[] = { "co", "com", "net", "org", "gov", "edu", "ac",
					     "ne", "or", "go", "mil", "ltd", "plc", "sch" };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == len && strncmp(known[i], label, len) == 0)
			return 1;
	return 0;
}

/* The last dot before `end` in `host`, or NULL. */
static const char *dot_before(const char *host, const char *end)
{
	while (end > host) {
		end--;
		if (*end == '.')
			return end;
	}
	return NULL;
}

/* The registrable part of a host name (see rl_url_same_site). */
static const char *site_of(const char *host)
{
	const char *d1, *d2, *d3;

	if (is_ip(host) || (d1 = strrchr(host, '.')) == NULL ||
	    (d2 = dot_before(host, d1)) == NULL)
		return host;
	if (strlen(d1 + 1) == 2 && is_shared_second_level(d2 + 1, (size_t)(d1 - d2 - 1)))
		return (d3 = dot_before(host, d2)) != NULL ? d3 + 1 : host;
	return d2 + 1;
}

int rl_url_same_site(const char *a, const char *b)
{
	char ha[256], hb[256];

	if (rl_url_host(ha, sizeof(ha), a) < 0 || rl_url_host(hb, sizeof(hb), b) < 0) {
		rl_error_clear();
		return 0;
	}
	if (is_ip(ha) || is_ip(hb))
		return strcmp(ha, hb) == 0;
	return strcmp(site_of(ha), site_of(hb)) == 0;
}

int rl_url_host_within(const char *url, const char *host)
{
	char h[256];
	size_t n, k;

	if (host == NULL || *host == '\0' || rl_url_host(h, sizeof(h), url) < 0) {
		rl_error_clear();
		return 0;
	}
	n = strlen(h);
	k = strlen(host);
	if (n == k)
		return strcasecmp(h, host) == 0;
	return n > k && h[n - k - 1] == '.' && strcasecmp(h + n - k, host) == 0;
}
