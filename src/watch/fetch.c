/*
 * fetch.c - HTTP(S) fetching on one curl multi handle: the fetcher, its
 * transfers' lives, and the loop that runs them.
 *
 * Invariants:
 * - every added transfer ends in exactly one callback, unless the fetcher is
 *   freed first; the response handed over owns all its memory (curl's
 *   strings are copied at the edge, fetch_response.c);
 * - a transfer is in the multi handle, or waiting for its target's
 *   addresses (fetch_target.c), or finished: never two of these;
 * - the caps, protocols and timeouts are set per transfer
 *   (fetch_request.c), where it may go and what it carries by its scope
 *   (fetch_scope.c).
 */
#include "fetch_transfer_internal.h"
#include "fetch_raw_internal.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/fetch.h"
#include "redline/timeutil.h"

#include <stdlib.h>
#include <sys/select.h>

#include <curl/curl.h>

/* Longest wait of the loop while a look-up is under way: its thread wakes
 * the loop, this only bounds a missed wake-up. */
#define LOOKUP_POLL_MS 100

/* Longest wait of the loop while libcurl runs transfers but has no socket
 * to wait on (see idle_bound()). */
#define IDLE_POLL_MS 10

/* The loop's usual wait while transfers run. */
#define QUIET_WAIT_MS 1000

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
	if (fetch_has_control(f->user_agent)) {
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
	fetch_target_abandon(t);
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	curl_slist_free_all(t->plain_headers);
	free(t->headers_origin);
	fetch_net_info_release(&t->net);
	rl_buf_release(&t->body);
	rl_fetch_raw_free(t->raw);
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
		if (t->in_multi)
			curl_multi_remove_handle(f->multi, t->easy);
		transfer_free(t);
	}
	if (f->multi)
		curl_multi_cleanup(f->multi);
	free(f->user_agent);
	free(f);
}

/* The request's limits, defaults filled in. */
static void set_limits(transfer *t, const rl_fetch_request *req)
{
	rl_buf_init(&t->body, req->max_body ? req->max_body : RL_FETCH_DEFAULT_MAX_BODY);
	t->timeout_ms = or_default(req->timeout_ms, RL_FETCH_DEFAULT_TIMEOUT_MS);
	t->connect_timeout_ms = or_default(req->connect_timeout_ms,
					   RL_FETCH_DEFAULT_CONNECT_TIMEOUT_MS);
	t->low_speed_limit = or_default(req->low_speed_limit, RL_FETCH_DEFAULT_LOW_SPEED_LIMIT);
	t->low_speed_time_s = or_default(req->low_speed_time_s, RL_FETCH_DEFAULT_LOW_SPEED_TIME);
	t->max_redirects = req->max_redirects < 0 ? 0
		: or_default(req->max_redirects, RL_FETCH_DEFAULT_MAX_REDIRECTS);
}

/* Sends a transfer (or its next hop, to `url`) on its way: into the multi
 * handle, or first to the look-up of its target when a proxy connects. */
static int launch(rl_fetcher *f, transfer *t, const char *url)
{
	int error;

	if (t->check_target) {
		if ((error = fetch_target_start(t, url)) < 0)
			return error;
		f->looking_up++;
		return 0;
	}
	if (curl_multi_add_handle(f->multi, t->easy) != CURLM_OK)
		return rl_error_set(RL_EFETCH, "cannot queue '%s'", url);
	t->in_multi = 1;
	return 0;
}

/* Ends a transfer: its response to its callback, then it is freed. */
static void finish(rl_fetcher *f, transfer *t, CURLcode rc)
{
	rl_fetch_response *r;

	if (t->manual_result)
		rc = t->manual_result;
	unlink_transfer(f, t);
	f->pending--;
	r = fetch_response_make(t, rc);
	t->cb(r, t->userdata);
	transfer_free(t);
}

int rl_fetcher_add(rl_fetcher *f, const rl_fetch_request *req, rl_fetch_cb cb, void *userdata)
{
	transfer *t = NULL;
	int error;

	if (f == NULL || req == NULL || req->url == NULL || *req->url == '\0' || cb == NULL)
		return rl_error_set(RL_EINVAL, "nothing to fetch: no URL");
	if (fetch_has_control(req->url))
		return rl_error_set(RL_EINVAL, "invalid URL '%s'", req->url);
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	t->fetcher = f;
	t->cb = cb;
	t->userdata = userdata;
	set_limits(t, req);
	if ((t->url = rl_strdup(req->url)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	if ((t->easy = curl_easy_init()) == NULL) {
		error = rl_error_set(RL_EFETCH, "cannot create a curl handle");
		goto done;
	}
	if ((error = fetch_request_setup(t, req, f->user_agent)) < 0 ||
	    (req->capture && (error = fetch_raw_attach(&t->raw, t->easy, t->body.max)) < 0) ||
	    (error = launch(f, t, req->url)) < 0)
		goto done;
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

/* Hands every finished transfer to its callback, or sends it on to the
 * next hop of a redirect followed here.  Returns how many came out. */
static int finish_done(rl_fetcher *f)
{
	CURLMsg *msg;
	int left, n = 0;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		CURL *easy = msg->easy_handle;
		CURLcode rc = msg->data.result;
		const char *next_url = NULL;
		transfer *t = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		n++;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
		/* msg is invalid after this; everything needed was copied above. */
		curl_multi_remove_handle(f->multi, easy);
		t->in_multi = 0;
		if (fetch_scope_next_hop(t, rc, &next_url)) {
			if (launch(f, t, next_url) == 0)
				continue;
			rl_error_clear();
			rc = CURLE_OUT_OF_MEMORY;
		}
		finish(f, t, rc);
	}
	return n;
}

/* How long the loop may wait: `wait`, or IDLE_POLL_MS when libcurl runs
 * transfers but waits on no socket.  libcurl 7.88 (Debian 12) sometimes
 * forgets a transfer queued behind CURLMOPT_MAX_HOST_CONNECTIONS: the
 * transfer before it ends ("left intact"), the queued one is neither started
 * nor given a timer, and it waits - with every transfer queued behind it -
 * for the next curl_multi_perform(), which without this bound came a whole
 * wait (1 s) later, one to four times a cycle over 1,000 pages on one host
 * (docs/benchmarks.md).  A 50-line program on plain libcurl 7.88.1 shows it
 * too; upstream's fix of lost sub-millisecond timers (8.4.0, curl commit
 * 579f0934) alone does not cure it. */
static int idle_bound(rl_fetcher *f, int wait)
{
	fd_set r, w, e;
	int maxfd = -1;

	if (wait <= IDLE_POLL_MS)
		return wait;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	if (curl_multi_fdset(f->multi, &r, &w, &e, &maxfd) != CURLM_OK || maxfd < 0) {
		f->stats.idle_waits++;
		return IDLE_POLL_MS;
	}
	return wait;
}

/* Transfers whose target's look-up is over: into the multi handle, or
 * ended (refused, unresolved, out of time). */
static void finish_lookups(rl_fetcher *f)
{
	transfer *t, *next;
	CURLcode rc = CURLE_OK;
	int verdict;

	for (t = f->transfers; t && f->looking_up > 0; t = next) {
		next = t->next;
		if (t->target == NULL || (verdict = fetch_target_poll(t, &rc)) == 0)
			continue;
		f->looking_up--;
		if (verdict > 0 && curl_multi_add_handle(f->multi, t->easy) == CURLM_OK)
			t->in_multi = 1;
		else
			finish(f, t, verdict > 0 ? CURLE_OUT_OF_MEMORY : rc);
	}
}

static int past(long long deadline)
{
	return deadline && rl_time_now_ms() >= deadline;
}

int rl_fetcher_run(rl_fetcher *f, long timeout_ms)
{
	long long deadline = timeout_ms > 0 ? rl_time_now_ms() + timeout_ms : 0;
	int running = 0, wait, finished, events;
	CURLMcode mc;

	for (;;) {
		if ((mc = curl_multi_perform(f->multi, &running)) != CURLM_OK)
			return rl_error_set(RL_EFETCH, "cannot run transfers: %s",
					    curl_multi_strerror(mc));
		/* A transfer that ended may have moved a queued one on: run it
		 * now rather than trust its wake-up (see idle_bound()). */
		finished = finish_done(f);
		finish_lookups(f);
		if (f->pending == 0 || timeout_ms == 0)
			return 0;
		if (finished > 0 && !past(deadline))
			continue;
		/* Transfers added by callbacks make curl_multi_poll() return at once. */
		wait = idle_bound(f, f->looking_up ? LOOKUP_POLL_MS : QUIET_WAIT_MS);
		if (deadline) {
			long long left = deadline - rl_time_now_ms();
			if (left <= 0)
				return 0;
			if (left < wait)
				wait = (int)left;
		}
		if ((mc = curl_multi_poll(f->multi, NULL, 0, wait, &events)) != CURLM_OK)
			return rl_error_set(RL_EFETCH, "cannot wait for transfers: %s",
					    curl_multi_strerror(mc));
		if (events == 0 && wait >= QUIET_WAIT_MS)
			f->stats.quiet_waits++;
	}
}

size_t rl_fetcher_pending(const rl_fetcher *f)
{
	return f ? f->pending : 0;
}

void rl_fetcher_get_stats(rl_fetcher_stats *out, const rl_fetcher *f)
{
	static const rl_fetcher_stats none;
	*out = f ? f->stats : none;
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
