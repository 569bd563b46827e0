/*
 * fetch_target.c - the target's own addresses, when a proxy connects for us.
 *
 * Through a proxy curl never resolves the target: the only socket it opens
 * goes to the proxy (which may well be on loopback), so the address check
 * of fetch_scope.c would judge the proxy.  For a transfer with an address
 * policy, the host of each hop is therefore looked up here first
 * (getaddrinfo) and the hop refused when any of its addresses is private.
 *
 * The look-up runs in a detached thread so that the multi loop never waits
 * for DNS; the thread wakes the multi handle when done.  It is bounded by
 * the transfer's connect timeout: past it the hop fails as a DNS timeout
 * and the thread, when it ends, frees what it shares (the reference count
 * below), the fetcher having let go of it.
 *
 * What this cannot see: the proxy resolves the name again, so a name that
 * changes its answer between the two look-ups (DNS rebinding) can still
 * reach a private address through the proxy.  A proxy that refuses private
 * destinations itself closes that (docs/fetching.md).
 */
#include "fetch_scope_internal.h"
#include "fetch_transfer_internal.h"
#include "redline/error.h"
#include "redline/timeutil.h"
#include "redline/url.h"

#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <arpa/inet.h>

/* The longest a look-up may take, whatever the connect timeout. */
#define TARGET_LOOKUP_MAX_MS 30000L

struct fetch_target {
	pthread_mutex_t lock;
	int refs;              /* the thread's and the transfer's */
	int done;
	CURLM *wake;           /* NULL once the transfer let go */
	char host[256];
	long long deadline_ms;
	int gai_error;
	int any_private;       /* one of the addresses is private */
	char private_ip[64];   /* the first private one, for the message */
};

static void target_release(struct fetch_target *g)
{
	int last;

	pthread_mutex_lock(&g->lock);
	last = --g->refs == 0;
	pthread_mutex_unlock(&g->lock);
	if (last) {
		pthread_mutex_destroy(&g->lock);
		free(g);
	}
}

/* Every address of the host: one private one is enough to refuse, since
 * the proxy may connect to any of them. */
static void judge(struct fetch_target *g, const struct addrinfo *list)
{
	for (const struct addrinfo *a = list; a; a = a->ai_next) {
		if (!fetch_sockaddr_is_private(a->ai_addr) || g->any_private)
			continue;
		g->any_private = 1;
		if (a->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr,
				  g->private_ip, sizeof(g->private_ip));
		else if (a->ai_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr,
				  g->private_ip, sizeof(g->private_ip));
		else
			snprintf(g->private_ip, sizeof(g->private_ip), "(not an IP address)");
	}
}

static void *lookup_thread(void *arg)
{
	struct fetch_target *g = arg;
	struct addrinfo hints, *list = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(g->host, NULL, &hints, &list);
	pthread_mutex_lock(&g->lock);
	g->gai_error = rc;
	if (rc == 0)
		judge(g, list);
	g->done = 1;
	if (g->wake)
		curl_multi_wakeup(g->wake);
	pthread_mutex_unlock(&g->lock);
	if (list)
		freeaddrinfo(list);
	target_release(g);
	return NULL;
}

int fetch_target_start(transfer *t, const char *url)
{
	struct fetch_target *g;
	pthread_attr_t attr;
	pthread_t thread;
	long limit = t->connect_timeout_ms;
	int rc;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (rl_url_host_ascii(g->host, sizeof(g->host), url) < 0) {
		/* Nothing to look up is nothing that could be allowed. */
		rl_error_clear();
		snprintf(g->host, sizeof(g->host), "%s", "");
		g->gai_error = EAI_NONAME;
		g->done = 1;
	}
	pthread_mutex_init(&g->lock, NULL);
	if (limit <= 0 || limit > TARGET_LOOKUP_MAX_MS)
		limit = TARGET_LOOKUP_MAX_MS;
	g->deadline_ms = rl_time_now_ms() + limit;
	g->wake = t->fetcher->multi;
	g->refs = g->done ? 1 : 2;
	t->target = g;
	if (g->done)
		return 0;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, lookup_thread, g);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		t->target = NULL;
		pthread_mutex_destroy(&g->lock);
		free(g);
		return rl_error_set(RL_EFETCH, "cannot look up '%s': %s", url, strerror(rc));
	}
	return 0;
}

int fetch_target_poll(transfer *t, CURLcode *rc)
{
	struct fetch_target *g = t->target;
	int done, verdict;

	pthread_mutex_lock(&g->lock);
	done = g->done;
	pthread_mutex_unlock(&g->lock);
	if (!done) {
		if (rl_time_now_ms() < g->deadline_ms)
			return 0;
		snprintf(t->errbuf, sizeof(t->errbuf), "Resolving timed out after %ld milliseconds",
			 t->connect_timeout_ms);
		*rc = CURLE_OPERATION_TIMEDOUT;
		fetch_target_abandon(t);
		return -2;
	}
	if (g->gai_error != 0) {
		snprintf(t->errbuf, sizeof(t->errbuf), "Could not resolve host: %.200s (%s)",
			 g->host[0] ? g->host : "(none)", gai_strerror(g->gai_error));
		*rc = CURLE_COULDNT_RESOLVE_HOST;
		verdict = -2;
	} else {
		if (t->requests == 0)
			t->first_private = g->any_private;
		verdict = fetch_scope_allows(t, g->any_private) ? 1 : -1;
		if (verdict < 0) {
			snprintf(t->refused_ip, sizeof(t->refused_ip), "%s", g->private_ip);
			*rc = CURLE_COULDNT_CONNECT;
		}
	}
	fetch_target_abandon(t);
	return verdict;
}

void fetch_target_abandon(transfer *t)
{
	struct fetch_target *g = t->target;

	if (g == NULL)
		return;
	t->target = NULL;
	pthread_mutex_lock(&g->lock);
	g->wake = NULL;
	pthread_mutex_unlock(&g->lock);
	target_release(g);
}
