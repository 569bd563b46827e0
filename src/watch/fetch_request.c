/*
 * fetch_request.c - a transfer's curl options: the conditional and custom
 * headers, the limits, the protocols, and the data callbacks that enforce
 * the caps (body, headers, total time).
 *
 * Invariants:
 * - the decoded body never grows past max_body: the write callback refuses
 *   the first byte over it, which aborts the transfer (CURLE_WRITE_ERROR),
 *   because CURLOPT_MAXFILESIZE only sees a declared Content-Length;
 * - redirects only ever reach http or https; file:// only for a request
 *   whose own URL is file:// and that asked for it;
 * - the total timeout runs from the transfer's first progress call, not from
 *   rl_fetcher_add(): CURLOPT_TIMEOUT_MS would count time spent queued
 *   behind the per-host connection cap.
 */
#include "fetch_transfer_internal.h"
#include "fetch_raw_internal.h"
#include "redline/error.h"
#include "redline/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int fetch_scheme_is(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	return strncasecmp(url, scheme, n) == 0 && strncmp(url + n, "://", 3) == 0;
}

/* Header values come from config files: a CR or LF would smuggle headers. */
int fetch_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return 1;
	return 0;
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
	fetch_reserve_announced(&t->body, t->easy);
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

static int add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *n = curl_slist_append(*list, line);
	if (n == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	*list = n;
	return 0;
}

/* If-None-Match and If-Modified-Since, on both header lists: they belong
 * to the request, not to the source's origin. */
static int add_conditional_headers(transfer *t, const rl_fetch_request *req)
{
	char line[RL_FETCH_MAX_ETAG + 32];
	int error;

	if (req->etag && *req->etag) {
		if (fetch_has_control(req->etag) || strlen(req->etag) > RL_FETCH_MAX_ETAG)
			return rl_error_set(RL_EINVAL, "invalid etag for '%s'", req->url);
		snprintf(line, sizeof(line), "If-None-Match: %s", req->etag);
		if ((error = add_header(&t->headers, line)) < 0 ||
		    (error = add_header(&t->plain_headers, line)) < 0)
			return error;
	}
	if (req->last_modified && *req->last_modified) {
		/* The server's own Last-Modified, echoed as is (RFC 9110 13.1.3), as a
		 * plain header: with CURLOPT_TIMECONDITION libcurl itself drops a 200
		 * whose Last-Modified did not move, even when the body changed within
		 * the same second.  An unreadable date is ignored: the fetch is just
		 * unconditional. */
		if (fetch_has_control(req->last_modified) ||
		    strlen(req->last_modified) > RL_FETCH_MAX_DATE)
			return rl_error_set(RL_EINVAL, "invalid last-modified date for '%s'", req->url);
		if (curl_getdate(req->last_modified, NULL) > 0) {
			snprintf(line, sizeof(line), "If-Modified-Since: %s", req->last_modified);
			if ((error = add_header(&t->headers, line)) < 0 ||
			    (error = add_header(&t->plain_headers, line)) < 0)
				return error;
		}
	}
	return 0;
}

/* The source's own headers ("Name: value"), on the full list only. */
static int add_custom_headers(transfer *t, const rl_fetch_request *req)
{
	int error;

	for (size_t i = 0; i < req->headers_count; i++) {
		const char *h = req->headers[i];
		if (h == NULL || fetch_has_control(h) || strchr(h, ':') == NULL || *h == ':')
			return rl_error_set(RL_EINVAL, "invalid header '%s' for '%s'",
					    h ? h : "(null)", req->url);
		if ((error = add_header(&t->headers, h)) < 0)
			return error;
	}
	return 0;
}

/* Protocols, limits and the callbacks that enforce the caps. */
static void set_transfer_options(transfer *t, const rl_fetch_request *req, const char *user_agent)
{
	CURL *e = t->easy;
	int allow_file = req->allow_file && fetch_scheme_is(req->url, "file");

	t->url_scheme_allowed = fetch_scheme_is(req->url, "http") ||
				fetch_scheme_is(req->url, "https") || allow_file;
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
}

int fetch_request_setup(transfer *t, const rl_fetch_request *req, const char *user_agent)
{
	int error;

	if ((error = add_conditional_headers(t, req)) < 0 ||
	    (error = add_custom_headers(t, req)) < 0)
		return error;
	if (req->user_agent && fetch_has_control(req->user_agent))
		return rl_error_set(RL_EINVAL, "invalid user agent for '%s'", req->url);
	if (curl_easy_setopt(t->easy, CURLOPT_URL, req->url) != CURLE_OK)
		return rl_error_set(RL_EINVAL, "invalid URL '%s'", req->url);
	set_transfer_options(t, req, user_agent);
	/* Scope last: it overrides the redirect and header options above. */
	if ((error = fetch_net_apply(&t->net, t->easy, &req->net)) < 0)
		return error;
	return fetch_scope_setup(t, req);
}
