/*
 * fetch_transfer_internal.h - one transfer of the fetcher, as the files of
 * fetch.h share it (not public):
 *
 *   fetch.c          the fetcher: the multi handle, adding, running, handing over
 *   fetch_request.c  a transfer's curl options and data callbacks
 *   fetch_scope.c    where it may go and what it may carry there
 *   fetch_target.c   the target's addresses when a proxy connects for us
 *   fetch_response.c the response copied out of curl, and its failure class
 */
#ifndef REDLINE_FETCH_TRANSFER_INTERNAL_H
#define REDLINE_FETCH_TRANSFER_INTERNAL_H

#include "fetch_internal.h"
#include "redline/buf.h"
#include "redline/fetch.h"

#include <curl/curl.h>

struct fetch_target;

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
	rl_fetch_raw *raw;      /* the request asked for a capture */
	/* Scope (fetch_scope.c): custom headers only to their origin, addresses
	 * by policy.  With custom headers, or with a proxy and an address
	 * policy, redirects are followed here. */
	struct curl_slist *plain_headers; /* t->headers without the custom ones */
	char *headers_origin;
	rl_fetch_addresses addresses;
	int manual_follow;      /* curl must not follow redirects itself */
	long manual_hops;
	CURLcode manual_result; /* a redirect refused here, as curl would say it */
	long requests;          /* requests sent (prereq calls) */
	int first_private;      /* the first request's address was private */
	char refused_ip[64];    /* the address refused, for the message */
	/* Through a proxy the socket goes to the proxy: the target's own
	 * addresses are looked up here before each hop (fetch_target.c). */
	int check_target;
	struct fetch_target *target; /* a look-up under way; NULL otherwise */
	int in_multi;           /* added to the multi handle (not waiting for a look-up) */
} transfer;

struct rl_fetcher {
	CURLM *multi;
	transfer *transfers;
	size_t pending;
	size_t looking_up;      /* transfers waiting for their target's addresses */
	rl_fetcher_stats stats;
	char *user_agent;
};

/* ---- fetch_request.c ---- */

/** 1 when `s` holds a control character other than TAB: a header value
 *  from a config file must not smuggle in a second header line. */
int fetch_has_control(const char *s);

/** 1 when `url` starts with "scheme://" (scheme case-insensitive). */
int fetch_scheme_is(const char *url, const char *scheme);

/** Sets every curl option of `t->easy` for `req`: conditional and custom
 *  headers, limits, callbacks, scope, TLS and proxy.  RL_EINVAL for a bad
 *  header, URL or user agent. */
int fetch_request_setup(transfer *t, const rl_fetch_request *req, const char *user_agent);

/* ---- fetch_scope.c ---- */

/** Sets the address checks and the header scope of `t` (custom headers to
 *  their origin only; redirects followed here when that or a proxy needs it). */
int fetch_scope_setup(transfer *t, const rl_fetch_request *req);

/** 1 when `t` may go to an address of this kind now (its policy, its
 *  first address, the requests it has made). */
int fetch_scope_allows(const transfer *t, int is_private);

/** The next hop of a redirect that curl was told not to follow: its URL
 *  (`*next_url`, curl's memory, valid until the transfer runs again) and
 *  header list set on `t->easy`; 1 when there is one to send, 0 when the
 *  transfer ends here (t->manual_result says why, when refused). */
int fetch_scope_next_hop(transfer *t, CURLcode rc, const char **next_url);

/* ---- fetch_target.c ---- */

/** Starts looking up the addresses of the host of `url` for `t`, in a
 *  thread of its own that wakes the multi handle when done.  RL_ENOMEM, or
 *  RL_EFETCH when no thread can be started. */
int fetch_target_start(transfer *t, const char *url);

/** Whether the look-up of `t` is over and what it found: 0 still running;
 *  1 done and allowed; -1 refused (t->refused_ip set); -2 unresolved or
 *  out of time (`*rc` is set to curl's code for it, errbuf to the reason). */
int fetch_target_poll(transfer *t, CURLcode *rc);

/** Lets go of a look-up under way (its thread frees what it shares). */
void fetch_target_abandon(transfer *t);

/* ---- fetch_response.c ---- */

/** Copies everything of a finished transfer out of curl into a response
 *  that owns it, with its failure class and message; NULL when out of
 *  memory. */
rl_fetch_response *fetch_response_make(transfer *t, CURLcode rc);

#endif
