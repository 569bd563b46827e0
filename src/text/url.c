/*
 * url.c - canonical URLs, so that one story has one identity.
 *
 * libcurl's URL API (curl_url) parses, resolves a reference against its base
 * and normalises (lower-case scheme, no default port, no dot segments, IPv4
 * in dotted form), so that redline and its fetcher read every URL the same
 * way.  What is ours: the input cleanup browsers do (surrounding space,
 * tabs and line breaks, '\' as '/'), percent escapes made canonical (curl
 * leaves "%7e" and "%2f" as they come), the host lower-cased (curl 7.88
 * keeps its case), no fragment, tracking parameters removed, and only http
 * and https come out: javascript:, data:, mailto:, file: and friends are
 * RL_EINVAL.
 * Invariant: every string here is at most RL_URL_MAX (+ escapes) long.
 */
#include "redline/url.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "url_internal.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* escapes may triple the length of non-ASCII bytes */
#define WORK_MAX (3 * RL_URL_MAX + 16)

/* Parameters that identify a campaign or a click, never a story. */
static bool is_tracking_param(const char *name, size_t len)
{
	static const char *const names[] = {
		"fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
		"mc_cid", "mc_eid", "igshid", "yclid", "_ga", "_gl", "ref_src", "ocid",
		"at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
		"at_custom4", "xtor", "ito", "cmpid", "smid", "_hsenc", "_hsmi",
		"mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "wt.mc_id",
		"ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
		"sr_share", "guccounter", "guce_referrer", "guce_referrer_sig",
		"twclid", "ttclid", "li_fat_id", "s_kwcid", "ef_id",
	};

	if (len >= 4 && strncasecmp(name, "utm_", 4) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == len && strncasecmp(name, names[i], len) == 0)
			return true;
	return false;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool is_unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * Copies a path or query with escapes made canonical: "%7e" -> "~",
 * "%2f" -> "%2F", bytes outside printable ASCII (and spaces) escaped,
 * a stray '%' escaped as "%25".
 */
static int put_escaped(rl_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;

	for (size_t i = 0; i < len && error == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int h = -1;
			if (i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
				h = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			if (h >= 0 && is_unreserved(h)) {
				error = rl_buf_putc(out, (char)h);
				i += 2;
			} else if (h >= 0) {
				char e[3] = { '%', hex[h >> 4], hex[h & 15] };
				error = rl_buf_put(out, e, 3);
				i += 2;
			} else {
				error = rl_buf_puts(out, "%25");
			}
		} else if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' ||
			   c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}') {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			error = rl_buf_put(out, e, 3);
		} else {
			error = rl_buf_putc(out, (char)c);
		}
	}
	return error;
}

/* Queries of both ways go through here (url_internal.h). */
int url_put_query(rl_buf *out, const char *query, size_t size)
{
	const char *end = query + size;
	bool first = true;
	int error = 0;

	while (error == 0) {
		const char *amp = memchr(query, '&', (size_t)(end - query));
		size_t len = amp ? (size_t)(amp - query) : (size_t)(end - query);
		const char *eq = memchr(query, '=', len);
		size_t name = eq ? (size_t)(eq - query) : len;

		if (len > 0 && !is_tracking_param(query, name)) {
			if ((error = rl_buf_putc(out, first ? '?' : '&')) == 0)
				error = put_escaped(out, query, len);
			first = false;
		}
		if (amp == NULL)
			break;
		query = amp + 1;
	}
	return error;
}

/* WHATWG-style cleanup: no surrounding space or controls, no tabs or line
 * breaks inside, '\' is '/' before the query (as for http in browsers). */
static char *clean_input(const char *s)
{
	size_t len = strlen(s), n = 0;
	bool in_path = true;
	char *c;

	while (len > 0 && (unsigned char)s[len - 1] <= 0x20)
		len--;
	while (len > 0 && (unsigned char)*s <= 0x20)
		s++, len--;
	if ((c = malloc(len + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			continue;
		if (s[i] == '?' || s[i] == '#')
			in_path = false;
		c[n++] = in_path && s[i] == '\\' ? '/' : s[i];
	}
	c[n] = '\0';
	return c;
}

/* The cleaned input: RL_ETOOBIG past RL_URL_MAX, RL_EINVAL with a control
 * character left after the cleanup. */
static int clean(char **out, const char *s, const char *what)
{
	*out = NULL;
	if (strlen(s) > RL_URL_MAX)
		return rl_error_set(RL_ETOOBIG, "%s longer than %u bytes", what, RL_URL_MAX);
	if ((*out = clean_input(s)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (const char *p = *out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F) {
			free(*out);
			*out = NULL;
			return rl_error_set(RL_EINVAL, "control character in %s", what);
		}
	return 0;
}

/* "scheme:///..." or "///...": an empty authority, which RFC 3986 reads as
 * no host and curl would skip over to take the path as the host. */
static bool empty_authority(const char *s)
{
	size_t n = 0;

	if (isalpha((unsigned char)s[0])) {
		n = 1;
		while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
			n++;
		n = s[n] == ':' ? n + 1 : 0;
	}
	return strncmp(s + n, "///", 3) == 0;
}

static bool is_http(const char *scheme)
{
	return scheme && (strcasecmp(scheme, "http") == 0 || strcasecmp(scheme, "https") == 0);
}

/* A CURLUcode as one of ours, with a message naming `url`. */
static int curl_error(CURLUcode rc, const char *what, const char *url)
{
	if (rc == CURLUE_OUT_OF_MEMORY)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (rc == CURLUE_UNSUPPORTED_SCHEME)
		return rl_error_set(RL_EINVAL, "not an http(s) %s: '%.200s'", what, url);
	return rl_error_set(RL_EINVAL, "bad %s '%.200s': %s", what, url, curl_url_strerror(rc));
}

/* Parses `url` into `h`; with `base`, resolves it against the base first
 * set into `h`.  Both must come out http(s) with a host. */
static int parse_into(CURLU *h, const char *url, const char *base)
{
	const unsigned flags = CURLU_ALLOW_SPACE; /* spaces and UTF-8 are escaped later */
	char *u = NULL, *b = NULL, *scheme = NULL;
	CURLUcode rc;
	int error;

	if ((error = clean(&u, url, "url")) < 0)
		goto done;
	if (base && (error = clean(&b, base, "base url")) < 0)
		goto done;
	if (empty_authority(u)) {
		error = rl_error_set(RL_EINVAL, "no host in url '%.200s'", url);
		goto done;
	}
	if (b) {
		if ((rc = curl_url_set(h, CURLUPART_URL, b, flags)) != CURLUE_OK ||
		    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !is_http(scheme)) {
			error = rc == CURLUE_OUT_OF_MEMORY
					? rl_error_set(RL_ENOMEM, "out of memory")
					: rl_error_set(RL_EINVAL, "base is not an http(s) url: '%.200s'", base);
			goto done;
		}
		curl_free(scheme);
		scheme = NULL;
	}
	/* RFC 3986 5.2.2: an empty or fragment-only reference is the base itself
	 * (curl 7.88 drops the base's last segment and query instead). */
	if (b && (u[0] == '\0' || u[0] == '#'))
		goto done;
	if ((rc = curl_url_set(h, CURLUPART_URL, u, flags)) != CURLUE_OK) {
		if (b == NULL && (rc == CURLUE_BAD_SCHEME || rc == CURLUE_MALFORMED_INPUT))
			error = rl_error_set(RL_EINVAL, "relative url '%.200s' without a base", url);
		else
			error = curl_error(rc, "url", url);
		goto done;
	}
	if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || !is_http(scheme))
		error = rl_error_set(RL_EINVAL, "not an http(s) url: '%.200s'", url);
done:
	curl_free(scheme);
	free(u);
	free(b);
	return error;
}

/* The host in lower case: curl keeps the case it was given. */
static int lower_host(CURLU *h, const char *url)
{
	char *host = NULL;
	CURLUcode rc;
	int error = 0;

	if ((rc = curl_url_get(h, CURLUPART_HOST, &host, 0)) != CURLUE_OK || host[0] == '\0') {
		curl_free(host);
		return rc == CURLUE_OUT_OF_MEMORY ? rl_error_set(RL_ENOMEM, "out of memory")
						  : rl_error_set(RL_EINVAL, "no host in url '%.200s'", url);
	}
	for (char *p = host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((rc = curl_url_set(h, CURLUPART_HOST, host, 0)) != CURLUE_OK)
		error = curl_error(rc, "url", url);
	curl_free(host);
	return error;
}

/* Curl's reading of the URL ("scheme://authority/path[?query]", the path
 * never empty) with the path's escapes made canonical and the query
 * filtered.  Done on the string: curl_url_set() of a part lower-cases its
 * escapes. */
static int canonical_escapes(rl_buf *out, const char *curl_form)
{
	const char *path = strstr(curl_form, "://"), *query;
	int error;

	path = path ? path + 3 + strcspn(path + 3, "/") : curl_form + strlen(curl_form);
	query = path + strcspn(path, "?");
	if ((error = rl_buf_put(out, curl_form, (size_t)(path - curl_form))) < 0 ||
	    (error = put_escaped(out, path, (size_t)(query - path))) < 0 ||
	    (*query && (error = url_put_query(out, query + 1, strlen(query + 1))) < 0) ||
	    (error = rl_buf_put(out, "", 0)) < 0)
		return error;
	return 0;
}

int url_normalise_curl(char **out, const char *url, const char *base)
{
	CURLU *h = curl_url(), *again = curl_url();
	rl_buf canonical = RL_BUF_INIT(WORK_MAX);
	char *first = NULL, *final = NULL;
	CURLUcode rc;
	int error;

	*out = NULL;
	if (h == NULL || again == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = parse_into(h, url, base)) < 0 || (error = lower_host(h, url)) < 0)
		goto done;
	/* Credentials never reach a stored URL: they belong in the config. */
	curl_url_set(h, CURLUPART_USER, NULL, 0);
	curl_url_set(h, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(h, CURLUPART_OPTIONS, NULL, 0);
	if ((rc = curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0)) != CURLUE_OK ||
	    (rc = curl_url_get(h, CURLUPART_URL, &first, CURLU_NO_DEFAULT_PORT)) != CURLUE_OK) {
		error = curl_error(rc, "url", url);
		goto done;
	}
	if ((error = canonical_escapes(&canonical, first)) < 0) {
		if (error == RL_ETOOBIG)
			rl_error_set(error, "canonical url longer than %u bytes", WORK_MAX);
		goto done;
	}
	/* Once more through curl: an escape decoded above ("%2e%2e") may have
	 * made a dot segment, which a second reading removes. */
	if ((rc = curl_url_set(again, CURLUPART_URL, canonical.ptr, 0)) != CURLUE_OK ||
	    (rc = curl_url_get(again, CURLUPART_URL, &final, CURLU_NO_DEFAULT_PORT)) != CURLUE_OK) {
		error = curl_error(rc, "url", url);
		goto done;
	}
	if ((*out = rl_strdup(final)) == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
done:
	rl_buf_release(&canonical);
	curl_free(first);
	curl_free(final);
	curl_url_cleanup(h);
	curl_url_cleanup(again);
	return error;
}

int rl_url_normalise(char **out, const char *url, const char *base)
{
	int found = url_normalise_fast(out, url, base);

	if (found != 0)
		return found < 0 ? found : 0;
	return url_normalise_curl(out, url, base);
}
