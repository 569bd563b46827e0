/*
 * fetch_response.c - a finished transfer, copied out of curl into a
 * response that owns all its memory, and sorted into its failure class
 * (docs/fetching.md, "Failure classes") with a message in git's style.
 */
#include "fetch_transfer_internal.h"
#include "fetch_raw_internal.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest URL shown in a message: an error must stay readable. */
#define SHOW_URL_MAX 200

/* A URL fit for a message: credentials hidden, length bounded. */
static void show_url(char *out, size_t size, const char *url)
{
	const char *scheme_end = strstr(url, "://"), *at, *host;
	size_t host_len;

	if (scheme_end && (host = scheme_end + 3) &&
	    (host_len = strcspn(host, "/?#")) > 0 &&
	    (at = memchr(host, '@', host_len)) != NULL)
		snprintf(out, size, "%.*s://***@%s", (int)(scheme_end - url), url, at + 1);
	else
		snprintf(out, size, "%s", url);
	if (strlen(out) > SHOW_URL_MAX && size > SHOW_URL_MAX)
		strcpy(out + SHOW_URL_MAX - 3, "...");
}

/* ---- response strings ------------------------------------------------ */

static char *copy_bounded(const char *s, size_t max)
{
	if (s == NULL || *s == '\0' || strlen(s) > max || fetch_has_control(s))
		return NULL;
	return rl_strdup(s);
}

/* `request` -1 is the last response; after a refused redirect curl has
 * already counted the next request, so its Location is in an earlier one. */
static char *header_copy(CURL *easy, const char *name, int request, size_t max)
{
	struct curl_header *h = NULL;
	if (curl_easy_header(easy, name, 0, CURLH_HEADER, request, &h) != CURLHE_OK || h == NULL)
		return NULL;
	return copy_bounded(h->value, max);
}

/* ---- classification -------------------------------------------------- */

/* Each classify_* step below handles one family of endings: it sets
 * r->result and writes the reason into `why` (size WHY_SIZE). */
#define WHY_SIZE (CURL_ERROR_SIZE + 256)

static const char *curl_detail(const transfer *t, CURLcode rc)
{
	return t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
}

/* The server answered: an error status, an empty body, or a snapshot. */
static void classify_answer(rl_fetch_response *r, transfer *t, char *why)
{
	char *title;

	if (r->not_modified) {
		r->result = RL_FETCH_OK;
	} else if (r->status >= 300) {
		/* A 407 on a plain-http request comes from the proxy, not the site. */
		r->result = r->status == 407 && t->net.proxy_shown ? RL_FETCH_PROXY
								   : RL_FETCH_HTTP_ERROR;
		/* The error page's title says what nginx's "400" means (e.g. "No
		 * required SSL certificate was sent"). */
		title = fetch_error_page_title(r->body, r->body_len);
		snprintf(why, WHY_SIZE, "HTTP %ld%s%s%s%s%s", r->status,
			 r->result == RL_FETCH_PROXY ? " from proxy " : "",
			 r->result == RL_FETCH_PROXY ? t->net.proxy_shown : "",
			 title ? " (" : "", title ? title : "", title ? ")" : "");
		free(title);
	} else if (r->body_len == 0) {
		r->result = RL_FETCH_EMPTY_BODY;
		if (r->status)
			snprintf(why, WHY_SIZE, "empty body (HTTP %ld)", r->status);
		else
			snprintf(why, WHY_SIZE, "empty body");
	} else {
		r->result = RL_FETCH_OK;
	}
}

/* The write or header callback refused: a cap, or memory. */
static void classify_write(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	r->result = t->too_big || t->headers_too_big ? RL_FETCH_TOO_BIG : RL_FETCH_OTHER;
	if (t->too_big)
		snprintf(why, WHY_SIZE, "body larger than %zu bytes", t->body.max);
	else if (t->headers_too_big)
		snprintf(why, WHY_SIZE, "headers larger than %d bytes", RL_FETCH_MAX_HEADER_BYTES);
	else if (t->no_memory)
		snprintf(why, WHY_SIZE, "out of memory");
	else
		snprintf(why, WHY_SIZE, "%s", curl_detail(t, rc));
}

static void classify_timeout(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	const char *detail = curl_detail(t, rc);
	char secs[32];

	r->result = RL_FETCH_TIMEOUT;
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		r->result = t->timed_out ? RL_FETCH_TIMEOUT : RL_FETCH_OTHER;
		fetch_seconds_text(secs, sizeof(secs), t->timeout_ms);
		snprintf(why, WHY_SIZE, "timeout after %s", secs);
	} else if (strstr(detail, "Resolving")) {
		r->result = RL_FETCH_DNS;
		snprintf(why, WHY_SIZE, "cannot resolve host (%s)", detail);
	} else if (strstr(detail, "too slow") && r->status > 0) {
		r->result = RL_FETCH_TOO_SLOW;
		snprintf(why, WHY_SIZE, "too slow: less than %ld bytes/s for %ld s",
			 t->low_speed_limit, t->low_speed_time_s);
	} else if (strstr(detail, "too slow")) {
		/* Connected but no answer at all: a hung server, not a slow one. */
		snprintf(why, WHY_SIZE, "no response within %ld s", t->low_speed_time_s);
	} else {
		fetch_seconds_text(secs, sizeof(secs), t->connect_timeout_ms);
		snprintf(why, WHY_SIZE, "connect timeout after %s", secs);
	}
}

/* With a proxy, a refused connection may be the proxy's: libcurl says
 * "Failed to connect to HOST port N" with the host it tried. */
static int proxy_refused(const transfer *t)
{
	char needle[300];

	if (t->net.proxy_host == NULL)
		return 0;
	snprintf(needle, sizeof(needle), "to %s port %ld ", t->net.proxy_host, t->net.proxy_port);
	return strstr(t->errbuf, needle) != NULL;
}

static void classify_connect(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	const char *detail = curl_detail(t, rc);
	long os_errno = 0, connect_code = 0;
	char os[128] = "";

	curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &os_errno);
	curl_easy_getinfo(t->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
	if (os_errno)
		fetch_os_error_text(os, sizeof(os), os_errno);
	if (rc == CURLE_COULDNT_RESOLVE_PROXY) {
		r->result = RL_FETCH_PROXY;
		snprintf(why, WHY_SIZE, "cannot resolve proxy '%s'", t->net.proxy_shown);
	} else if (t->net.proxy_shown && connect_code >= 300) {
		r->result = RL_FETCH_PROXY;
		snprintf(why, WHY_SIZE, "proxy '%s' answered CONNECT with HTTP %ld%s",
			 t->net.proxy_shown, connect_code,
			 connect_code == 407 ? " (proxy authentication required)" : "");
	} else if (rc == CURLE_PROXY || (rc == CURLE_COULDNT_CONNECT && proxy_refused(t))) {
		r->result = RL_FETCH_PROXY;
		snprintf(why, WHY_SIZE, "proxy '%s': %s", t->net.proxy_shown ? t->net.proxy_shown : "?",
			 os[0] ? os : detail);
	} else if (rc == CURLE_COULDNT_RESOLVE_HOST) {
		r->result = RL_FETCH_DNS;
		snprintf(why, WHY_SIZE, "cannot resolve host (%s)", detail);
	} else {
		r->result = RL_FETCH_CONNECT;
		if (os[0])
			snprintf(why, WHY_SIZE, "%s", os);
		else
			snprintf(why, WHY_SIZE, "cannot connect (%s)", detail);
	}
}

static void classify_tls(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	const char *detail = curl_detail(t, rc);
	/* An unknown issuer is what a private CA looks like: say where it goes. */
	int unknown_ca = rc == CURLE_PEER_FAILED_VERIFICATION &&
			 (strstr(detail, "local issuer") || strstr(detail, "self-signed") ||
			  strstr(detail, "self signed"));

	r->result = RL_FETCH_TLS;
	snprintf(why, WHY_SIZE, "TLS error (%s)%s", detail,
		 unknown_ca ? "; if you trust its CA, name it in http.sslCAInfo" : "");
}

static void classify_protocol(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	char *redirect;

	if (rc == CURLE_TOO_MANY_REDIRECTS) {
		r->result = RL_FETCH_TOO_MANY_REDIRECTS;
		snprintf(why, WHY_SIZE, "more than %ld redirects", t->max_redirects);
	} else if (t->url_scheme_allowed) {
		r->result = RL_FETCH_REDIRECT_REFUSED;
		redirect = header_copy(t->easy, "Location",
				       r->redirects > 0 ? (int)r->redirects - 1 : -1, 1024);
		snprintf(why, WHY_SIZE, "redirect to '%s' refused",
			 redirect ? redirect : "another protocol");
		free(redirect);
	} else {
		r->result = RL_FETCH_PROTOCOL_REFUSED;
		snprintf(why, WHY_SIZE, "protocol '%.*s' not allowed",
			 (int)strcspn(r->url, ":"), r->url);
	}
}

/* The connection broke during the exchange. */
static void classify_transfer(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	long os_errno = 0;

	curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &os_errno);
	r->result = RL_FETCH_NETWORK;
	if (rc == CURLE_PARTIAL_FILE) {
		r->result = RL_FETCH_TRUNCATED;
		snprintf(why, WHY_SIZE, "body truncated after %zu bytes", r->body_len);
	} else if (rc == CURLE_GOT_NOTHING) {
		snprintf(why, WHY_SIZE, "server closed the connection without answering");
	} else if (os_errno && (rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR)) {
		fetch_os_error_text(why, WHY_SIZE, os_errno);
	} else {
		if (rc != CURLE_RECV_ERROR && rc != CURLE_SEND_ERROR)
			r->result = RL_FETCH_OTHER;
		snprintf(why, WHY_SIZE, "%s", curl_detail(t, rc));
	}
}

static int is_tls_code(CURLcode rc)
{
	static const CURLcode tls[] = {
		CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
		CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
		CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
		CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
		CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED,
	};
	for (size_t i = 0; i < sizeof(tls) / sizeof(*tls); i++)
		if (rc == tls[i])
			return 1;
	return 0;
}

/* Sets result, error and message of a finished transfer. */
/* The refusal of an address by policy, found before or at connecting. */
static void classify_refused(rl_fetch_response *r, transfer *t, char *why)
{
	r->result = RL_FETCH_ADDRESS_REFUSED;
	snprintf(why, WHY_SIZE,
		 "refused to connect to private address %s (a link or redirect from a "
		 "public source; see redline.allow-private-addresses)", t->refused_ip);
}

/* Sets r->result and the reason of a finished transfer into `why`. */
static void classify(rl_fetch_response *r, transfer *t, CURLcode rc, char *why)
{
	long connect_code = 0;

	why[0] = '\0';
	curl_easy_getinfo(t->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
	if (t->refused_ip[0] && rc != CURLE_OK)
		classify_refused(r, t, why);
	else if (rc == CURLE_OK)
		classify_answer(r, t, why);
	else if (rc == CURLE_WRITE_ERROR)
		classify_write(r, t, rc, why);
	else if (rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_ABORTED_BY_CALLBACK)
		classify_timeout(r, t, rc, why);
	else if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY ||
		 rc == CURLE_COULDNT_CONNECT || rc == CURLE_PROXY ||
		 (t->net.proxy_shown && connect_code >= 300))
		classify_connect(r, t, rc, why);
	else if (is_tls_code(rc))
		classify_tls(r, t, rc, why);
	else if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_TOO_MANY_REDIRECTS)
		classify_protocol(r, t, rc, why);
	else
		classify_transfer(r, t, rc, why);
}

/* Sets error and message of a classified response. */
static void set_message(rl_fetch_response *r, transfer *t, const char *why)
{
	char shown[SHOW_URL_MAX + 8];

	r->error = r->result == RL_FETCH_OK ? 0
		 : r->result == RL_FETCH_TIMEOUT || r->result == RL_FETCH_TOO_SLOW ? RL_ETIMEOUT
		 : r->result == RL_FETCH_TOO_BIG ? RL_ETOOBIG
		 : t->no_memory ? RL_ENOMEM : RL_EFETCH;
	if (r->result == RL_FETCH_OK)
		return;
	show_url(shown, sizeof(shown), r->url);
	if (r->result == RL_FETCH_TOO_BIG) {
		/* "body of 'URL' larger than N bytes": the cap, not the fetch, failed. */
		if (asprintf(&r->message, "%.*s of '%s'%s", (int)strcspn(why, " "), why, shown,
			     why + strcspn(why, " ")) < 0)
			r->message = NULL;
	} else if (asprintf(&r->message, "cannot fetch '%s': %s", shown, why) < 0) {
		r->message = NULL;
	}
	/* Defence in depth: no message ever carries the proxy's password. */
	fetch_scrub(r->message, t->net.proxy_secret);
}

static int http_version_number(CURL *easy)
{
	long v = 0;

	curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &v);
	switch (v) {
	case CURL_HTTP_VERSION_1_0: return 10;
	case CURL_HTTP_VERSION_1_1: return 11;
	case CURL_HTTP_VERSION_2_0: return 20;
	case CURL_HTTP_VERSION_3: return 30;
	default: return 0;
	}
}

/* What curl knows of the exchange: status, headers, sizes, times. */
static void copy_info(rl_fetch_response *r, transfer *t, CURLcode rc)
{
	char *s = NULL;
	curl_off_t retry = 0, size = 0;
	double total = 0;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(t->easy, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK && s)
		r->effective_url = rl_strdup(s);
	s = NULL;
	if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK && s) {
		r->content_type = copy_bounded(s, RL_FETCH_MAX_CONTENT_TYPE);
		r->charset = rl_fetch_parse_charset(r->content_type);
	}
	r->etag = header_copy(t->easy, "ETag", -1, RL_FETCH_MAX_ETAG);
	r->last_modified = header_copy(t->easy, "Last-Modified", -1, RL_FETCH_MAX_DATE);
	/* Only the server says "not modified": never a guess from dates. */
	r->not_modified = rc == CURLE_OK && r->status == 304;
	if (curl_easy_getinfo(t->easy, CURLINFO_RETRY_AFTER, &retry) == CURLE_OK && retry > 0)
		r->retry_after = (long)retry;
	curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_COUNT, &r->redirects);
	r->redirects += t->manual_hops;
	r->private_address = t->first_private;
	if (curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &size) == CURLE_OK && size > 0)
		r->bytes_received = (uint64_t)size;
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &total);
	r->total_seconds = total;
	r->http_version = http_version_number(t->easy);
}

rl_fetch_response *fetch_response_make(transfer *t, CURLcode rc)
{
	rl_fetch_response *r = calloc(1, sizeof(*r));
	char why[WHY_SIZE];

	if (r == NULL)
		return NULL;
	r->url = t->url;
	t->url = NULL;
	copy_info(r, t, rc);
	if (r->not_modified)
		rl_buf_clear(&t->body);
	r->body_len = t->body.len;
	r->body = rl_buf_detach(&t->body);
	fetch_raw_finish(t->raw, t->easy);
	r->raw = t->raw;
	t->raw = NULL;
	if (r->body == NULL) {
		r->body = calloc(1, 1);
		r->body_len = 0;
	}
	classify(r, t, rc, why);
	set_message(r, t, why);
	if (r->body == NULL || (r->result != RL_FETCH_OK && r->message == NULL)) {
		rl_fetch_response_free(r);
		return NULL;
	}
	return r;
}

void rl_fetch_response_free(rl_fetch_response *r)
{
	if (r == NULL)
		return;
	free(r->url);
	free(r->message);
	free(r->body);
	free(r->effective_url);
	free(r->content_type);
	free(r->charset);
	free(r->etag);
	free(r->last_modified);
	rl_fetch_raw_free(r->raw);
	free(r);
}
