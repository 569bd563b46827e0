/*
 * url_parts.c - the parts of a URL that decide where it may be sent and
 * what of it may be shown: userinfo, host, site.  Sites come from the
 * Public Suffix List (libpsl), so that a.example.co.uk and b.example.co.uk
 * are one site while a.github.io and b.github.io are two.
 */
#include "redline/url.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <idn2.h>
#include <libpsl.h>

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

/* Strips one trailing dot ("example.com." is example.com) and refuses an
 * empty label anywhere else (".a.com", "a..com", "a.com.."). */
static int labels_ok(char *host)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		host[--n] = '\0';
	return n > 0 && host[0] != '.' && strstr(host, "..") == NULL && host[n - 1] != '.';
}

/* An IP literal, in any spelling curl accepts: IPv6 (it has a colon), or a
 * last label that starts with a digit -- no top-level domain does, and
 * "127.1" or "0x7f.0.0.1" must never be read as names. */
static int is_ip(const char *host)
{
	const char *last = strrchr(host, '.');

	last = last ? last + 1 : host;
	return strchr(host, ':') != NULL || (*last >= '0' && *last <= '9');
}

int rl_url_host_ascii(char *out, size_t size, const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *ascii = NULL, *h;
	int error = RL_EINVAL, ascii_only = 1;
	size_t n;

	if (u == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (url == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host == NULL)
		goto done;
	h = host;
	n = strlen(h);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') { /* IPv6: as is, no brackets */
		h[n - 1] = '\0';
		h++;
	}
	for (const char *p = h; *p; p++)
		ascii_only &= (unsigned char)*p < 0x80;
	/* A name in Unicode becomes the A-label DNS knows (münchen.de is
	 * xn--mnchen-3ya.de); case is folded on the way. */
	if (!ascii_only &&
	    idn2_to_ascii_8z(h, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		goto done;
	if (snprintf(out, size, "%s", ascii ? ascii : h) >= (int)size)
		goto done;
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (strchr(out, ':') == NULL && !labels_ok(out))
		goto done;
	error = 0;
done:
	curl_free(host);
	idn2_free(ascii);
	curl_url_cleanup(u);
	return error ? rl_error_set(error, "no usable host in URL") : 0;
}

/* The site of a host: its registrable domain by the Public Suffix List
 * (libpsl's built-in copy), or the host itself when it is an IP literal,
 * a public suffix (github.io, co.uk) or unknown to the list. */
static const char *site_of(const char *host)
{
	const psl_ctx_t *psl = psl_builtin();
	const char *site;

	if (is_ip(host) || psl == NULL)
		return host;
	site = psl_registrable_domain(psl, host);
	return site ? site : host;
}

int rl_url_same_site(const char *a, const char *b)
{
	char ha[256], hb[256];

	if (rl_url_host_ascii(ha, sizeof(ha), a) < 0 || rl_url_host_ascii(hb, sizeof(hb), b) < 0) {
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
