/*
 * Secrets stay home (fetch_scope.c, fetch.c): a request's custom headers
 * reach only their origin -- never another host, nor across a redirect to
 * one -- and a request's addresses are judged as connected, names that
 * resolve to loopback included.  Against the real test server on 127.0.0.1;
 * "localhost" on the same port is another origin.
 */
#include "testutil.h"
#include "httpserver.h"
#include "redline/error.h"
#include "redline/fetch.h"
#include "redline/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static tu_httpserver *server;
static const char *const secrets[] = { "X-Api-Key: k-123", "Authorization: Bearer t-456",
				       "Cookie: session=c-789" };

#define NEED_SERVER() do { if (server == NULL) skip(); } while (0)

static int start_server(void **state)
{
	if (rl_fetch_global_init() < 0)
		return -1;
	if ((server = tu_httpserver_start(NULL)) == NULL)
		fprintf(stderr, "test_fetch_scope: cannot start the test server: skipping\n");
	return 0;
}

static int stop_server(void **state)
{
	tu_httpserver_stop(server);
	rl_fetch_global_cleanup();
	return 0;
}

static char *url_of(const char *host, const char *path)
{
	char *s = NULL;
	assert_true(asprintf(&s, "http://%s:%d%s", host, server->port, path) > 0);
	return s;
}

static rl_fetch_response *fetch(const char *url, const char *origin, rl_fetch_addresses addresses)
{
	rl_fetch_request req = { 0 };
	rl_fetch_response *r = NULL;

	req.url = url;
	req.headers = secrets;
	req.headers_count = 3;
	req.headers_origin = origin;
	req.addresses = addresses;
	assert_int_equal(rl_fetch_one(&r, &req), 0);
	assert_non_null(r);
	return r;
}

static void assert_no_secret(const rl_fetch_response *r)
{
	assert_null(strstr(r->body, "k-123"));
	assert_null(strstr(r->body, "t-456"));
	assert_null(strstr(r->body, "c-789"));
}

static void test_headers_go_to_their_origin(void **state)
{
	NEED_SERVER();
	char *own = url_of("127.0.0.1", "/headers");
	rl_fetch_response *r = fetch(own, NULL, RL_FETCH_ADDRESSES_ANY);

	assert_int_equal(r->result, RL_FETCH_OK);
	assert_non_null(strstr(r->body, "X-Api-Key: k-123"));
	assert_non_null(strstr(r->body, "Authorization: Bearer t-456"));
	assert_non_null(strstr(r->body, "Cookie: session=c-789"));
	rl_fetch_response_free(r);
	free(own);
}

static void test_headers_never_go_to_another_host(void **state)
{
	NEED_SERVER();
	char *origin = url_of("127.0.0.1", "/feed.xml"), *other = url_of("localhost", "/headers");
	rl_fetch_response *r = fetch(other, origin, RL_FETCH_ADDRESSES_ANY);

	/* A followed link on another host: no secret at all. */
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_non_null(strstr(r->body, "Host: localhost"));
	assert_no_secret(r);
	rl_fetch_response_free(r);
	free(origin);
	free(other);
}

static void test_headers_never_cross_a_redirect_to_another_origin(void **state)
{
	NEED_SERVER();
	char *elsewhere = url_of("localhost", "/headers"), *path = NULL, *start;
	rl_fetch_response *r;

	assert_true(asprintf(&path, "/go?to=%s", elsewhere) > 0);
	start = url_of("127.0.0.1", path);
	r = fetch(start, NULL, RL_FETCH_ADDRESSES_ANY);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->redirects, 1);
	assert_string_equal(r->effective_url, elsewhere);
	assert_no_secret(r);
	rl_fetch_response_free(r);

	/* A redirect within the origin keeps them. */
	free(start);
	start = url_of("127.0.0.1", "/go?to=/headers");
	r = fetch(start, NULL, RL_FETCH_ADDRESSES_ANY);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_non_null(strstr(r->body, "X-Api-Key: k-123"));
	rl_fetch_response_free(r);
	free(start);
	free(path);
	free(elsewhere);
}

/* Redirects followed by hand keep curl's limits. */
static void test_redirects_with_headers_keep_their_limits(void **state)
{
	NEED_SERVER();
	char *u = url_of("127.0.0.1", "/redirect/3");
	rl_fetch_response *r = fetch(u, NULL, RL_FETCH_ADDRESSES_ANY);

	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->redirects, 3);
	assert_non_null(strstr(r->effective_url, "/page"));
	rl_fetch_response_free(r);
	free(u);
	u = url_of("127.0.0.1", "/redirect/6");
	r = fetch(u, NULL, RL_FETCH_ADDRESSES_ANY);
	assert_int_equal(r->result, RL_FETCH_TOO_MANY_REDIRECTS);
	rl_fetch_response_free(r);
	free(u);
	u = url_of("127.0.0.1", "/to-file");
	r = fetch(u, NULL, RL_FETCH_ADDRESSES_ANY);
	assert_int_equal(r->result, RL_FETCH_REDIRECT_REFUSED);
	assert_non_null(strstr(r->message, "file:///etc/passwd"));
	rl_fetch_response_free(r);
	free(u);
}

static void test_private_addresses_by_policy(void **state)
{
	NEED_SERVER();
	char *ip = url_of("127.0.0.1", "/page"), *name = url_of("localhost", "/page");
	char *redirect = url_of("127.0.0.1", "/redirect/2");
	rl_fetch_response *r;

	/* PUBLIC: loopback refused, by address: a name resolving to it too. */
	r = fetch(ip, NULL, RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_ADDRESS_REFUSED);
	assert_non_null(strstr(r->message, "private address 127.0.0.1"));
	rl_fetch_response_free(r);
	r = fetch(name, NULL, RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_ADDRESS_REFUSED);
	rl_fetch_response_free(r);
	/* LIKE_FIRST: a source on a private address may redirect to one. */
	r = fetch(redirect, NULL, RL_FETCH_ADDRESSES_LIKE_FIRST);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->private_address, 1);
	rl_fetch_response_free(r);
	r = fetch(ip, NULL, RL_FETCH_ADDRESSES_ANY);
	assert_int_equal(r->result, RL_FETCH_OK);
	rl_fetch_response_free(r);
	free(ip);
	free(name);
	free(redirect);
}

/* Through a proxy (the test server, which serves an absolute-form request
 * by its path) curl connects to the proxy only: the target's own addresses
 * are looked up and judged instead, at every hop. */
static rl_fetch_response *fetch_via_proxy(const char *url, rl_fetch_addresses addresses)
{
	rl_fetch_request req = { 0 };
	rl_fetch_response *r = NULL;
	char proxy[64];

	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", server->port);
	req.url = url;
	req.addresses = addresses;
	req.net.proxy = proxy;
	req.connect_timeout_ms = 5000;
	assert_int_equal(rl_fetch_one(&r, &req), 0);
	assert_non_null(r);
	return r;
}

static void test_private_targets_refused_through_a_proxy(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r;

	/* The proxy is on loopback: that alone is no reason to refuse. */
	r = fetch_via_proxy("http://203.0.113.10/page", RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->private_address, 0);
	rl_fetch_response_free(r);
	r = fetch_via_proxy("http://127.0.0.2/page", RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_ADDRESS_REFUSED);
	assert_non_null(strstr(r->message, "private address 127.0.0.2"));
	rl_fetch_response_free(r);
	r = fetch_via_proxy("http://169.254.169.254/latest/meta-data/", RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_ADDRESS_REFUSED);
	assert_non_null(strstr(r->message, "private address 169.254.169.254"));
	rl_fetch_response_free(r);
	/* a name is judged by what it resolves to */
	r = fetch_via_proxy("http://localhost/page", RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_ADDRESS_REFUSED);
	rl_fetch_response_free(r);
	/* a public source's redirect to a private address: refused at its hop */
	r = fetch_via_proxy("http://203.0.113.10/go?to=http://169.254.169.254/x",
			    RL_FETCH_ADDRESSES_LIKE_FIRST);
	assert_int_equal(r->result, RL_FETCH_ADDRESS_REFUSED);
	assert_non_null(strstr(r->message, "169.254.169.254"));
	rl_fetch_response_free(r);
	/* a source on a private address may redirect to one */
	r = fetch_via_proxy("http://127.0.0.2/redirect/2", RL_FETCH_ADDRESSES_LIKE_FIRST);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->private_address, 1);
	assert_int_equal(r->redirects, 2);
	rl_fetch_response_free(r);
	r = fetch_via_proxy("http://127.0.0.2/page", RL_FETCH_ADDRESSES_ANY);
	assert_int_equal(r->result, RL_FETCH_OK);
	rl_fetch_response_free(r);
	/* a local file has no host to look up: the proxy plays no part */
	{
		char path[] = "/tmp/redline-scope-XXXXXX", url[64], proxy[64];
		rl_fetch_request req = { 0 };
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, "local\n", 6), 6);
		close(fd);
		snprintf(url, sizeof(url), "file://%s", path);
		snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", server->port);
		req.url = url;
		req.allow_file = 1;
		req.addresses = RL_FETCH_ADDRESSES_LIKE_FIRST;
		req.net.proxy = proxy;
		assert_int_equal(rl_fetch_one(&r, &req), 0);
		unlink(path);
		assert_int_equal(r->result, RL_FETCH_OK);
		assert_string_equal(r->body, "local\n");
		rl_fetch_response_free(r);
	}
	/* what does not resolve cannot be judged: a DNS failure, not a request */
	r = fetch_via_proxy("http://no-such-host.invalid/page", RL_FETCH_ADDRESSES_PUBLIC);
	assert_int_equal(r->result, RL_FETCH_DNS);
	rl_fetch_response_free(r);
}

static void test_address_classes(void **state)
{
	const char *private_ips[] = { "127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1",
				      "172.31.255.255", "192.168.1.1", "169.254.169.254",
				      "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::",
				      "fe80::1", "fd00::1", "fc00::1", "::ffff:127.0.0.1",
				      "::ffff:169.254.169.254", "not-an-ip", "" };
	const char *public_ips[] = { "8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1",
				     "100.128.0.1", "2001:db8::1", "2a00:1450::1",
				     "::ffff:8.8.8.8", "169.253.1.1" };

	for (size_t i = 0; i < sizeof(private_ips) / sizeof(*private_ips); i++)
		if (!rl_fetch_address_is_private(private_ips[i]))
			fail_msg("%s should be private", private_ips[i]);
	for (size_t i = 0; i < sizeof(public_ips) / sizeof(*public_ips); i++)
		if (rl_fetch_address_is_private(public_ips[i]))
			fail_msg("%s should be public", public_ips[i]);
	assert_true(rl_fetch_address_is_private(NULL));
}

static void test_sites_and_userinfo(void **state)
{
	char *s = NULL, host[64];

	assert_true(rl_url_same_site("https://www.nos.nl/a", "https://nos.nl/feed"));
	assert_true(rl_url_same_site("https://news.bbc.co.uk/x", "https://www.bbc.co.uk/"));
	assert_false(rl_url_same_site("https://evil.co.uk/x", "https://www.bbc.co.uk/"));
	assert_false(rl_url_same_site("http://127.0.0.2/x", "http://127.0.0.1/"));
	assert_false(rl_url_same_site("http://localhost/x", "http://127.0.0.1/"));
	assert_false(rl_url_same_site("http://169.254.169.254/latest", "https://nos.nl/"));
	assert_true(rl_url_same_site("http://127.0.0.1:81/x", "http://127.0.0.1:80/"));
	assert_true(rl_url_host_within("https://cdn.example.com/a", "example.com"));
	assert_true(rl_url_host_within("https://EXAMPLE.com./a", "example.com"));
	assert_false(rl_url_host_within("https://notexample.com/a", "example.com"));
	assert_int_equal(rl_url_host(host, sizeof(host), "http://u:p@[::1]:8080/x"), 0);
	assert_string_equal(host, "::1");

	assert_int_equal(rl_url_strip_userinfo(&s, "http://user:pw@host:8080/feed.xml?a=b@c"), 0);
	assert_string_equal(s, "http://host:8080/feed.xml?a=b@c");
	free(s);
	assert_int_equal(rl_url_strip_userinfo(&s, "https://host/p@x"), 0);
	assert_string_equal(s, "https://host/p@x");
	free(s);
	assert_int_equal(rl_url_strip_userinfo(&s, "file:///tmp/a@b"), 0);
	assert_string_equal(s, "file:///tmp/a@b");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers_go_to_their_origin),
		cmocka_unit_test(test_headers_never_go_to_another_host),
		cmocka_unit_test(test_headers_never_cross_a_redirect_to_another_origin),
		cmocka_unit_test(test_redirects_with_headers_keep_their_limits),
		cmocka_unit_test(test_private_addresses_by_policy),
		cmocka_unit_test(test_private_targets_refused_through_a_proxy),
		cmocka_unit_test(test_address_classes),
		cmocka_unit_test(test_sites_and_userinfo),
	};
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
