/*
 * fetch_internal.h - what fetch.c and fetch_net.c share (not public).
 */
#ifndef REDLINE_FETCH_INTERNAL_H
#define REDLINE_FETCH_INTERNAL_H

#include <curl/curl.h>

#include "redline/fetch.h"

/* What a transfer keeps of its network settings, for its messages. */
struct fetch_net_info {
	char *proxy_shown;   /* the proxy with its password masked; NULL: direct */
	char *proxy_host;    /* as libcurl names it in "Failed to connect to HOST port N" */
	long proxy_port;
	char *proxy_secret;  /* the proxy's password, scrubbed from every message */
};

/** Sets TLS, proxy and HTTP version options of `easy` from `net`; never lets
 *  libcurl fall back to the environment.  RL_EINVAL for a bad proxy or an
 *  unreadable passphrase file. */
int fetch_net_apply(struct fetch_net_info *info, CURL *easy, const rl_fetch_net *net);

/** Frees what fetch_net_apply() kept (the secret is wiped first). */
void fetch_net_info_release(struct fetch_net_info *info);

/** Replaces every occurrence of `secret` in `message` by "***" (in place:
 *  a secret is at least 3 bytes or not scrubbed, never made longer). */
void fetch_scrub(char *message, const char *secret);

/** The title of an HTML error page, cleaned for a one-line message
 *  ("No required SSL certificate was sent"), or NULL. Caller frees. */
char *fetch_error_page_title(const char *body, size_t len);

/** "10 s", "2.5 s": a limit in milliseconds, for messages. */
void fetch_seconds_text(char *out, size_t size, long ms);

/** An errno reported by the socket, as git would print it: lower-case. */
void fetch_os_error_text(char *out, size_t size, long os_errno);

#endif
