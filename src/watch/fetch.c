/*
 * fetch.c - HTTP(S) fetching on one curl multi handle.
 *
 * Invariants:
 * - every added transfer ends in exactly one callback, unless the fetcher is
 *   freed first; the response handed over owns all its memory (curl's
 *   strings are copied here, at the edge);
 * - the decoded body never grows past max_body: the write callback refuses
 *   the first byte over it, which aborts the transfer (CURLE_WRITE_ERROR),
 *   because CURLOPT_MAXFILESIZE only sees a declared Content-Length;
 * - redirects only ever reach http or https; file:// only for a request
 *   whose own URL is file:// and that asked for it;
 * - the total timeout runs from the transfer's first progress call, not from
 *   rl_fetcher_add(): CURLOPT_TIMEOUT_MS would count time spent queued
 *   behind the per-host connection cap.
 */
#include "fetch_internal.h"
#include "redline/timeutil.h"
#include "redline/fetch.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

/* Longest URL shown in a message: an error must stay readable. */
#define SHOW_URL_MAX 200

typedef struct transfer {
	struct transfer *prev, *next;
	rl_fetcher *fetcher;
	CURL *easy;
	struct curl_slist *headers;
	rl_fetch_cb cb;
	void *userdata;
	char *url;
	rl_buf body;
	char errbuf[CURL_ERROR_SIZE];
	int url_scheme_allowed; /* so an unsupported protocol means a redirect */
	size_t header_bytes;    /* all response headers, redirects included */
	int too_big, headers_too_big, no_memory, timed_out;
	long timeout_ms, connect_timeout_ms, low_speed_limit, low_speed_time_s,
		max_redirects;
	long long started_ms;   /* first progress call; 0 before */
	struct fetch_net_info net; /* the proxy as shown in messages, its secret */
} transfer;

struct rl_fetcher {
	CURLM *multi;
	transfer *transfers;
	size_t pending;
	char *user_agent;
};

int rl_fetch_global_init(void)
{
	CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return rl_error_set(RL_EFETCH, "cannot initialise libcurl: %s",
				    curl_easy_strerror(rc));
	return 0;
}

void rl_fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

static long or_default(long value, long def)
{
	return value > 0 ? value : def;
}

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

static int scheme_is(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	return strncasecmp(url, scheme, n) == 0 && strncmp(url + n, "://", 3) == 0;
}

/* Header values come from config files: a CR or LF would smuggle headers. */
static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return 1;
	return 0;
}

/* ---- response strings ------------------------------------------------ */

static char *copy_bounded(const char *s, size_t max)
{
	if (s == NULL || *s == '\0' || strlen(s) > max || has_control(s))
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

/* ---- curl callbacks -------------------------------------------------- */

static size_t on_write(char *data, size_t size, size_t nmemb, void *userdata)
{
	transfer *t = userdata;
	size_t len = size * nmemb;

	/* Refusing here (return 0) is what stops decoded bombs and endless bodies. */
	if (len > t->body.max - t->body.len) {
		t->too_big = 1;
		return 0;
	}
	if (rl_buf_put(&t->body, data, len) < 0) {
		t->no_memory = 1;
		return 0;
	}
	return len;
}

/* curl bounds each header line, not their number: bound the sum. */
static size_t on_header(char *data, size_t size, size_t nitems, void *userdata)
{
	transfer *t = userdata;
	size_t len = size * nitems;

	if (len > RL_FETCH_MAX_HEADER_BYTES - t->header_bytes) {
		t->headers_too_big = 1;
		return 0;
	}
	t->header_bytes += len;
	return len;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	transfer *t = userdata;
	long long now = rl_time_now_ms();

	if (t->started_ms == 0)
		t->started_ms = now;
	else if (now - t->started_ms >= t->timeout_ms) {
		t->timed_out = 1;
		return 1;
	}
	return 0;
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
static void classify(rl_fetch_response *r, transfer *t, CURLcode rc)
{
	char shown[SHOW_URL_MAX + 8], why[WHY_SIZE];
	long connect_code = 0;

	why[0] = '\0';
	curl_easy_getinfo(t->easy, CURLINFO_HTTP_CONNECTCODE, &connect_code);
	if (rc == CURLE_OK)
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

/* Copies everything out of curl into a response that owns it. */
static rl_fetch_response *make_response(transfer *t, CURLcode rc)
{
	rl_fetch_response *r = calloc(1, sizeof(*r));
	char *s = NULL;
	curl_off_t retry = 0, size = 0;
	double total = 0;

	if (r == NULL)
		return NULL;
	r->url = t->url;
	t->url = NULL;
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
	if (curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &size) == CURLE_OK && size > 0)
		r->bytes_received = (uint64_t)size;
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &total);
	r->total_seconds = total;
	r->http_version = http_version_number(t->easy);

	if (r->not_modified)
		rl_buf_clear(&t->body);
	r->body_len = t->body.len;
	r->body = rl_buf_detach(&t->body);
	if (r->body == NULL) {
		r->body = calloc(1, 1);
		r->body_len = 0;
	}
	classify(r, t, rc);
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
	free(r);
}

/* ---- the fetcher ----------------------------------------------------- */

int rl_fetcher_new(rl_fetcher **out, const rl_fetcher_opts *opts)
{
	static const rl_fetcher_opts defaults;
	rl_fetcher *f;
	int error = RL_ENOMEM;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((f->user_agent = rl_strdup(opts->user_agent ? opts->user_agent
				       : RL_FETCH_DEFAULT_USER_AGENT)) == NULL)
		goto done;
	if (has_control(f->user_agent)) {
		error = rl_error_set(RL_EINVAL, "invalid user agent '%s'", f->user_agent);
		goto done;
	}
	if ((f->multi = curl_multi_init()) == NULL) {
		error = rl_error_set(RL_EFETCH, "cannot create a curl multi handle");
		goto done;
	}
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			  or_default(opts->max_total_connections,
				     RL_FETCH_DEFAULT_MAX_TOTAL_CONNECTIONS));
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			  or_default(opts->max_host_connections,
				     RL_FETCH_DEFAULT_MAX_HOST_CONNECTIONS));
	/* HTTP/2: many streams on one connection when the server offers it;
	 * the host cap above still counts connections. */
	curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_CONCURRENT_STREAMS,
			  or_default(opts->max_concurrent_streams, RL_FETCH_DEFAULT_MAX_STREAMS));
	*out = f;
	return 0;
done:
	rl_fetcher_free(f);
	return error;
}

static void transfer_free(transfer *t)
{
	if (t == NULL)
		return;
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	fetch_net_info_release(&t->net);
	rl_buf_release(&t->body);
	free(t->url);
	free(t);
}

static void unlink_transfer(rl_fetcher *f, transfer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		f->transfers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	t->prev = t->next = NULL;
}

void rl_fetcher_free(rl_fetcher *f)
{
	transfer *t, *next;

	if (f == NULL)
		return;
	for (t = f->transfers; t; t = next) {
		next = t->next;
		curl_multi_remove_handle(f->multi, t->easy);
		transfer_free(t);
	}
	if (f->multi)
		curl_multi_cleanup(f->multi);
	free(f->user_agent);
	free(f);
}

static int add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *n = curl_slist_append(*list, line);
	if (n == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	*list = n;
	return 0;
}

static int set_options(transfer *t, const rl_fetch_request *req, const char *user_agent)
{
	CURL *e = t->easy;
	char line[RL_FETCH_MAX_ETAG + 32];
	int allow_file = req->allow_file && scheme_is(req->url, "file");
	time_t since;
	size_t i;
	int error;

	t->url_scheme_allowed = scheme_is(req->url, "http") || scheme_is(req->url, "https") ||
		allow_file;

	if (req->etag && *req->etag) {
		if (has_control(req->etag) || strlen(req->etag) > RL_FETCH_MAX_ETAG)
			return rl_error_set(RL_EINVAL, "invalid etag for '%s'", req->url);
		snprintf(line, sizeof(line), "If-None-Match: %s", req->etag);
		if ((error = add_header(&t->headers, line)) < 0)
			return error;
	}
	if (req->last_modified && *req->last_modified) {
		/* The server's own Last-Modified, echoed as is (RFC 9110 13.1.3), as a
		 * plain header: with CURLOPT_TIMECONDITION libcurl itself drops a 200
		 * whose Last-Modified did not move, even when the body changed within
		 * the same second.  An unreadable date is ignored: the fetch is just
		 * unconditional. */
		if (has_control(req->last_modified) || strlen(req->last_modified) > RL_FETCH_MAX_DATE)
			return rl_error_set(RL_EINVAL, "invalid last-modified date for '%s'", req->url);
		if ((since = curl_getdate(req->last_modified, NULL)) > 0) {
			snprintf(line, sizeof(line), "If-Modified-Since: %s", req->last_modified);
			if ((error = add_header(&t->headers, line)) < 0)
				return error;
		}
	}
	for (i = 0; i < req->headers_count; i++) {
		const char *h = req->headers[i];
		if (h == NULL || has_control(h) || strchr(h, ':') == NULL || *h == ':')
			return rl_error_set(RL_EINVAL, "invalid header '%s' for '%s'",
					    h ? h : "(null)", req->url);
		if ((error = add_header(&t->headers, h)) < 0)
			return error;
	}
	if (req->user_agent && has_control(req->user_agent))
		return rl_error_set(RL_EINVAL, "invalid user agent for '%s'", req->url);

	if (curl_easy_setopt(e, CURLOPT_URL, req->url) != CURLE_OK)
		return rl_error_set(RL_EINVAL, "invalid URL '%s'", req->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, t);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, allow_file ? "http,https,file" : "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, t->max_redirects > 0 ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, t->max_redirects);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, req->user_agent ? req->user_agent : user_agent);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, t->low_speed_limit);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, t->low_speed_time_s);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, t);
	return fetch_net_apply(&t->net, e, &req->net);
}

int rl_fetcher_add(rl_fetcher *f, const rl_fetch_request *req, rl_fetch_cb cb, void *userdata)
{
	transfer *t = NULL;
	int error;

	if (f == NULL || req == NULL || req->url == NULL || *req->url == '\0' || cb == NULL)
		return rl_error_set(RL_EINVAL, "nothing to fetch: no URL");
	if (has_control(req->url))
		return rl_error_set(RL_EINVAL, "invalid URL '%s'", req->url);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	t->fetcher = f;
	t->cb = cb;
	t->userdata = userdata;
	rl_buf_init(&t->body, req->max_body ? req->max_body : RL_FETCH_DEFAULT_MAX_BODY);
	t->timeout_ms = or_default(req->timeout_ms, RL_FETCH_DEFAULT_TIMEOUT_MS);
	t->connect_timeout_ms = or_default(req->connect_timeout_ms,
					   RL_FETCH_DEFAULT_CONNECT_TIMEOUT_MS);
	t->low_speed_limit = or_default(req->low_speed_limit, RL_FETCH_DEFAULT_LOW_SPEED_LIMIT);
	t->low_speed_time_s = or_default(req->low_speed_time_s, RL_FETCH_DEFAULT_LOW_SPEED_TIME);
	t->max_redirects = req->max_redirects < 0 ? 0
		: or_default(req->max_redirects, RL_FETCH_DEFAULT_MAX_REDIRECTS);
	if ((t->url = rl_strdup(req->url)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	if ((t->easy = curl_easy_init()) == NULL) {
		error = rl_error_set(RL_EFETCH, "cannot create a curl handle");
		goto done;
	}
	if ((error = set_options(t, req, f->user_agent)) < 0)
		goto done;
	if (curl_multi_add_handle(f->multi, t->easy) != CURLM_OK) {
		error = rl_error_set(RL_EFETCH, "cannot queue '%s'", req->url);
		goto done;
	}
	t->next = f->transfers;
	if (t->next)
		t->next->prev = t;
	f->transfers = t;
	f->pending++;
	return 0;
done:
	transfer_free(t);
	return error;
}

/* Hands every finished transfer to its callback. */
static void finish_done(rl_fetcher *f)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		CURL *easy = msg->easy_handle;
		CURLcode rc = msg->data.result;
		transfer *t = NULL;
		rl_fetch_response *r;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		/* msg is invalid after this; everything needed was copied above. */
		curl_multi_remove_handle(f->multi, easy);
		unlink_transfer(f, t);
		f->pending--;
		r = make_response(t, rc);
		t->cb(r, t->userdata);
		transfer_free(t);
	}
}

int rl_fetcher_run(rl_fetcher *f, long timeout_ms)
{
	long long deadline = timeout_ms > 0 ? rl_time_now_ms() + timeout_ms : 0;
	int running = 0, wait;
	CURLMcode mc;

	for (;;) {
		if ((mc = curl_multi_perform(f->multi, &running)) != CURLM_OK)
			return rl_error_set(RL_EFETCH, "cannot run transfers: %s",
					    curl_multi_strerror(mc));
		finish_done(f);
		if (f->pending == 0 || timeout_ms == 0)
			return 0;
		/* Transfers added by callbacks make curl_multi_poll() return at once. */
		wait = 1000;
		if (deadline) {
			long long left = deadline - rl_time_now_ms();
			if (left <= 0)
				return 0;
			if (left < wait)
				wait = (int)left;
		}
		if ((mc = curl_multi_poll(f->multi, NULL, 0, wait, NULL)) != CURLM_OK)
			return rl_error_set(RL_EFETCH, "cannot wait for transfers: %s",
					    curl_multi_strerror(mc));
	}
}

size_t rl_fetcher_pending(const rl_fetcher *f)
{
	return f ? f->pending : 0;
}

static void keep_response(rl_fetch_response *r, void *userdata)
{
	*(rl_fetch_response **)userdata = r;
}

int rl_fetch_one(rl_fetch_response **out, const rl_fetch_request *req)
{
	rl_fetcher *f = NULL;
	int error;

	*out = NULL;
	if ((error = rl_fetcher_new(&f, NULL)) < 0)
		return error;
	if ((error = rl_fetcher_add(f, req, keep_response, out)) < 0)
		goto done;
	if ((error = rl_fetcher_run(f, -1)) < 0)
		goto done;
	if (*out == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
done:
	rl_fetcher_free(f);
	return error;
}
