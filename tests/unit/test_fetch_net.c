/*
 * The network settings of a request (rl_fetch_net) against the real test
 * server on 127.0.0.1: TLS verification and its switch, proxies (a dead
 * one, a bad one, one with a password that must never show), and the rule
 * that the library never lets libcurl read http_proxy from the environment.
 * nginx, tinyproxy and client certificates are in tests/e2e/t5400-tls-proxy.sh.
 */
#include "testutil.h"
#include "httpserver.h"
#include "redline/error.h"
#include "redline/fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static tu_httpserver *server;

#define NEED_SERVER() do { if (server == NULL) skip(); } while (0)

static int start_server(void **state)
{
	if (rl_fetch_global_init() < 0)
		return -1;
	server = tu_httpserver_start(NULL);
	return 0;
}

static int stop_server(void **state)
{
	tu_httpserver_stop(server);
	server = NULL;
	rl_fetch_global_cleanup();
	return 0;
}

/* A port on 127.0.0.1 that was free a moment ago: nothing listens there. */
static int dead_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static rl_fetch_response *fetch(const rl_fetch_request *req)
{
	rl_fetch_response *r = NULL;
	assert_int_equal(rl_fetch_one(&r, req), 0);
	assert_non_null(r);
	return r;
}

static void test_self_signed_refused_with_a_hint_unless_insecure(void **state)
{
	NEED_SERVER();
	char url[128];
	rl_fetch_request req = { 0 };
	rl_fetch_response *r;

	if (server->tls_port == 0)
		skip();
	snprintf(url, sizeof(url), "%s/page", server->tls_base_url);
	req.url = url;
	r = fetch(&req);
	assert_int_equal(r->result, RL_FETCH_TLS);
	assert_non_null(strstr(r->message, "self-signed certificate"));
	assert_non_null(strstr(r->message, "name it in http.sslCAInfo"));
	rl_fetch_response_free(r);

	req.net.insecure = 1;
	r = fetch(&req);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_non_null(strstr(r->body, "First story"));
	assert_int_equal(r->http_version, 11);
	rl_fetch_response_free(r);
}

static void test_environment_proxies_are_never_read(void **state)
{
	NEED_SERVER();
	char dead[64];
	rl_fetch_request req = { .url = tu_httpserver_url(server, "/page") };
	rl_fetch_response *r;

	/* libcurl would use these by itself; the library must not let it. */
	snprintf(dead, sizeof(dead), "http://127.0.0.1:%d", dead_port());
	setenv("http_proxy", dead, 1);
	setenv("all_proxy", dead, 1);
	r = fetch(&req);
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	assert_int_equal(r->result, RL_FETCH_OK);
	rl_fetch_response_free(r);
}

static void test_dead_proxy_is_a_proxy_error_without_its_password(void **state)
{
	NEED_SERVER();
	char proxy[128], want[160];
	int port = dead_port();
	rl_fetch_request req = { .url = tu_httpserver_url(server, "/page") };
	rl_fetch_response *r;

	snprintf(proxy, sizeof(proxy), "http://desk:hunter2-secret@127.0.0.1:%d", port);
	req.net.proxy = proxy;
	r = fetch(&req);
	assert_int_equal(r->result, RL_FETCH_PROXY);
	assert_int_equal(r->error, RL_EFETCH);
	snprintf(want, sizeof(want), "proxy 'http://desk:***@127.0.0.1:%d': connection refused", port);
	if (strstr(r->message, want) == NULL)
		fail_msg("message '%s' lacks '%s'", r->message, want);
	assert_null(strstr(r->message, "hunter2"));
	rl_fetch_response_free(r);

	/* no_proxy lets the same request go direct. */
	req.net.no_proxy = "127.0.0.1";
	r = fetch(&req);
	assert_int_equal(r->result, RL_FETCH_OK);
	rl_fetch_response_free(r);
}

static void drop(rl_fetch_response *r, void *userdata)
{
	rl_fetch_response_free(r);
}

static void test_unusable_settings_are_refused_up_front(void **state)
{
	rl_fetcher *f = NULL;
	rl_fetch_request req = { .url = "http://127.0.0.1:1/" };

	assert_int_equal(rl_fetcher_new(&f, NULL), 0);
	req.net.proxy = "ftp://desk:hunter2-secret@proxy.example:21";
	assert_int_equal(rl_fetcher_add(f, &req, NULL, NULL), RL_EINVAL); /* no callback */
	req.net.proxy = "ftp://desk:hunter2-secret@proxy.example:21";
	assert_int_equal(rl_fetcher_add(f, &req, drop, NULL), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "unusable proxy 'ftp://desk:***@proxy.example:21'"));
	assert_null(strstr(rl_error_last(), "hunter2"));
	req.net.proxy = "http://127.0.0.1:3128\r\nX-Injected: 1";
	assert_int_equal(rl_fetcher_add(f, &req, drop, NULL), RL_EINVAL);

	req.net.proxy = NULL;
	req.net.key_password_file = "/nonexistent/redline-passphrase";
	assert_int_equal(rl_fetcher_add(f, &req, drop, NULL), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(),
			       "cannot read the key passphrase file '/nonexistent/redline-passphrase'"));
	assert_int_equal(rl_fetcher_pending(f), 0);
	rl_fetcher_free(f);
}

static void test_proxy_shown_masks_the_password(void **state)
{
	struct { const char *in, *out; } cases[] = {
		{ "http://desk:hunter2@proxy.corp:3128", "http://desk:***@proxy.corp:3128" },
		{ "proxy.corp:3128", "http://proxy.corp:3128" },
		{ "socks5h://127.0.0.1:1080", "socks5h://127.0.0.1:1080" },
		{ "https://only-user@proxy.corp", "https://only-user@proxy.corp" },
		{ "", "" },
		{ "gopher://desk:hunter2@proxy.corp", "(unusable proxy)" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *s = rl_fetch_proxy_shown(cases[i].in);
		assert_non_null(s);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	assert_null(rl_fetch_proxy_shown(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_signed_refused_with_a_hint_unless_insecure),
		cmocka_unit_test(test_environment_proxies_are_never_read),
		cmocka_unit_test(test_dead_proxy_is_a_proxy_error_without_its_password),
		cmocka_unit_test(test_unusable_settings_are_refused_up_front),
		cmocka_unit_test(test_proxy_shown_masks_the_password),
	};
	return cmocka_run_group_tests(tests, start_server, stop_server);
}
