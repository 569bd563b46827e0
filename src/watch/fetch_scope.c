/*
 * fetch_scope.c - where a request may go and what it may carry there.
 *
 * Custom headers (`add --header`: API keys, cookies, tokens) belong to the
 * source's own origin: they go only to a URL of the same scheme, host and
 * port; with any, redirects are followed here, hop by hop, so that each
 * hop gets the header list its origin deserves.  Addresses are judged as
 * connected (the socket's address, not a name), so that a name resolving
 * to 169.254.169.254 or 127.0.0.1 -- DNS rebinding included -- is seen for
 * what it is.  Through a proxy the socket is the proxy's: the target's own
 * addresses are then looked up before each hop (fetch_target.c), and
 * redirects are followed here too so that every hop is looked up.
 */
#include "fetch_scope_internal.h"
#include "fetch_transfer_internal.h"
#include "redline/error.h"
#include "redline/fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

static int ipv4_is_private(uint32_t a)
{
	return (a >> 24) == 0 ||                   /* 0.0.0.0/8 "this network" */
	       (a >> 24) == 10 ||                  /* 10/8 */
	       (a >> 24) == 127 ||                 /* loopback */
	       (a >> 16) == 0xa9fe ||              /* 169.254/16 link-local, cloud metadata */
	       (a >> 20) == 0xac1 ||               /* 172.16/12 */
	       (a >> 16) == 0xc0a8 ||              /* 192.168/16 */
	       (a >> 22) == (0x6440 >> 6) ||       /* 100.64/10 shared (carrier NAT) */
	       (a >> 28) >= 0xe;                   /* multicast, reserved, broadcast */
}

static int ipv6_is_private(const unsigned char *b)
{
	static const unsigned char zero[16], loop[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(b, mapped, 12) == 0)
		return ipv4_is_private((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
				       (uint32_t)b[14] << 8 | b[15]);
	return memcmp(b, zero, 16) == 0 || memcmp(b, loop, 16) == 0 ||
	       (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* fe80::/10 link-local */
	       (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || /* fec0::/10 site-local */
	       (b[0] & 0xfe) == 0xfc ||                   /* fc00::/7 unique local */
	       b[0] == 0xff;                              /* multicast */
}

int fetch_sockaddr_is_private(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ipv4_is_private(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return ipv6_is_private(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return 1; /* unix sockets and the like: never for a fetched link */
}

int rl_fetch_address_is_private(const char *ip)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (ip == NULL)
		return 1;
	if (inet_pton(AF_INET, ip, &v4) == 1)
		return ipv4_is_private(ntohl(v4.s_addr));
	if (inet_pton(AF_INET6, ip, &v6) == 1)
		return ipv6_is_private(v6.s6_addr);
	return 1;
}

/* "scheme://host:port" of a URL, lower-case, into `out`; 0 when parsed. */
static int origin_of(char *out, size_t size, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int ok = 0;

	if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		size_t n = (size_t)snprintf(out, size, "%s://%s:%s", scheme, host, port);
		ok = n < size;
		for (size_t i = 0; ok && out[i]; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				out[i] = (char)(out[i] - 'A' + 'a');
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

int fetch_same_origin(const char *a, const char *b)
{
	char x[600], y[600];

	if (a == NULL || b == NULL || origin_of(x, sizeof(x), a) < 0 ||
	    origin_of(y, sizeof(y), b) < 0)
		return 0;
	return strcmp(x, y) == 0;
}

/* ---- where a request may go, what it may carry there ----------------- */

/* May a request (the first, or a redirect) go to an address of this kind? */
int fetch_scope_allows(const transfer *t, int is_private)
{
	switch (t->addresses) {
	case RL_FETCH_ADDRESSES_PUBLIC:
		return !is_private;
	case RL_FETCH_ADDRESSES_LIKE_FIRST:
		return t->requests == 0 || t->first_private || !is_private;
	default:
		return 1;
	}
}

/* Every socket curl opens: refused before connecting when its address is
 * not allowed.  (A reused connection opens none: on_prereq checks those.)
 * A proxy's socket is not judged: its target was (fetch_target.c). */
static curl_socket_t on_opensocket(void *userdata, curlsocktype purpose,
				   struct curl_sockaddr *addr)
{
	transfer *t = userdata;

	(void)purpose;
	if (!t->check_target && !fetch_scope_allows(t, fetch_sockaddr_is_private(&addr->addr))) {
		if (addr->addr.sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&addr->addr)->sin_addr,
				  t->refused_ip, sizeof(t->refused_ip));
		else if (addr->addr.sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr->addr)->sin6_addr,
				  t->refused_ip, sizeof(t->refused_ip));
		else
			snprintf(t->refused_ip, sizeof(t->refused_ip), "(not an IP address)");
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype, addr->protocol);
}

/* Before each request (redirects included) on its connection, new or
 * reused: the address it is connected to decides -- unless that is a
 * proxy's, whose target was looked up instead (fetch_target.c). */
static int on_prereq(void *userdata, char *primary_ip, char *local_ip, int primary_port,
		     int local_port)
{
	transfer *t = userdata;
	int is_private = rl_fetch_address_is_private(primary_ip);

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (t->check_target) {
		t->requests++;
		return CURL_PREREQFUNC_OK;
	}
	if (t->requests == 0)
		t->first_private = is_private;
	if (!fetch_scope_allows(t, is_private)) {
		snprintf(t->refused_ip, sizeof(t->refused_ip), "%s", primary_ip ? primary_ip : "?");
		return CURL_PREREQFUNC_ABORT;
	}
	t->requests++;
	return CURL_PREREQFUNC_OK;
}

int fetch_scope_setup(transfer *t, const rl_fetch_request *req)
{
	CURL *e = t->easy;
	const char *origin = req->headers_origin ? req->headers_origin : req->url;

	t->addresses = req->addresses;
	/* Through a proxy the connected address is the proxy's (which may well
	 * be on loopback): the target's own addresses are looked up instead,
	 * before every hop, so curl must leave the redirects to us. */
	t->check_target = t->net.proxy_shown != NULL && t->addresses != RL_FETCH_ADDRESSES_ANY &&
			  (fetch_scheme_is(req->url, "http") || fetch_scheme_is(req->url, "https"));
	if (t->check_target && t->max_redirects > 0) {
		t->manual_follow = 1;
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	}
	/* Credentials: the URL's userinfo, a header, or the .netrc the caller
	 * found (per host).  Without one curl is told not to look: it would
	 * open ~/.netrc for every request, there or not. */
	if (req->netrc_file && *req->netrc_file) {
		curl_easy_setopt(e, CURLOPT_NETRC_FILE, req->netrc_file);
		curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	} else {
		curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	}
	curl_easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, t);
	if (req->headers_count == 0)
		return 0;
	/* Custom headers go to their origin only: each hop of a redirect gets
	 * the header list of its own origin (fetch_scope_next_hop). */
	if ((t->headers_origin = rl_strdup(origin)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	t->manual_follow = 1;
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	if (!fetch_same_origin(req->url, origin))
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->plain_headers);
	return 0;
}

/* A redirect that curl was told not to follow, followed here as curl would
 * (same limits, http and https only). */
int fetch_scope_next_hop(transfer *t, CURLcode rc, const char **next_url)
{
	long status = 0;
	char *location = NULL;

	*next_url = NULL;
	if (!t->manual_follow || rc != CURLE_OK)
		return 0;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 300 || status > 399 || status == 304 ||
	    curl_easy_getinfo(t->easy, CURLINFO_REDIRECT_URL, &location) != CURLE_OK ||
	    location == NULL)
		return 0;
	if (t->manual_hops >= t->max_redirects) {
		t->manual_result = CURLE_TOO_MANY_REDIRECTS;
		return 0;
	}
	if (!fetch_scheme_is(location, "http") && !fetch_scheme_is(location, "https")) {
		t->manual_result = CURLE_UNSUPPORTED_PROTOCOL;
		return 0;
	}
	if (curl_easy_setopt(t->easy, CURLOPT_URL, location) != CURLE_OK)
		return 0;
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER,
			 fetch_same_origin(location, t->headers_origin) ? t->headers
									 : t->plain_headers);
	rl_buf_clear(&t->body);
	t->manual_hops++;
	*next_url = location;
	return 1;
}
