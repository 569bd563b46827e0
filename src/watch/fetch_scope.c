/*
 * fetch_scope.c - where a request may go and what it may carry there.
 *
 * Custom headers (`add --header`: API keys, cookies, tokens) belong to the
 * source's own origin: fetch.c sends them only to a URL of the same scheme,
 * host and port.  Addresses are judged as connected (the socket's address,
 * not a name), so that a name resolving to 169.254.169.254 or 127.0.0.1 --
 * DNS rebinding included -- is seen for what it is.
 */
#include "fetch_scope_internal.h"
#include "redline/fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
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
