/*
 * Fetching against a real HTTP server on 127.0.0.1 (tests/server/testserver.py):
 * conditional requests, decoding, redirects and their protocol limits, every
 * failure class, the body cap, per-host connection caps.  Each test is bounded
 * by the limits it sets; none asserts on timing.
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

#include <jansson.h>

static tu_httpserver *server;

#define URL(path) tu_httpserver_url(server, (path))
#define NEED_SERVER() do { if (server == NULL) tu_skip(); } while (0)

static int start_server(void **state)
{
	if (rl_fetch_global_init() < 0)
		return -1;
	server = tu_httpserver_start(NULL);
	if (server == NULL)
		fprintf(stderr, "test_fetch: cannot start tests/server/testserver.py: skipping\n");
	return 0;
}

static int stop_server(void **state)
{
	tu_httpserver_stop(server);
	server = NULL;
	rl_fetch_global_cleanup();
	return 0;
}

/* Fetches one URL with the given request (url filled in). */
static rl_fetch_response *fetch(rl_fetch_request req, const char *url)
{
	rl_fetch_response *r = NULL;
	req.url = url;
	assert_int_equal(rl_fetch_one(&r, &req), 0);
	assert_non_null(r);
	assert_non_null(r->body);
	if (r->result == RL_FETCH_OK)
		assert_null(r->message);
	else
		assert_non_null(r->message);
	return r;
}

static rl_fetch_response *get(const char *path)
{
	rl_fetch_request req = { 0 };
	return fetch(req, URL(path));
}

static void assert_failed(rl_fetch_response *r, rl_fetch_result expected)
{
	if (r->result != expected)
		fail_msg("expected %s, got %s (%s)", rl_fetch_result_name(expected),
			 rl_fetch_result_name(r->result), r->message ? r->message : "ok");
	assert_true(r->error < 0);
	assert_true(strncmp(r->message, "cannot fetch '", 14) == 0 ||
		    strncmp(r->message, "body of '", 9) == 0 ||
		    strncmp(r->message, "headers of '", 12) == 0);
}

static void test_page_body_and_validators(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/page");
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->error, 0);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->body, "First story"));
	assert_int_equal(strlen(r->body), r->body_len);
	assert_non_null(r->etag);
	assert_true(r->etag[0] == '"');
	assert_non_null(r->last_modified);
	assert_string_equal(r->charset, "utf-8");
	assert_false(r->not_modified);
	assert_string_equal(r->effective_url, URL("/page"));
	rl_fetch_response_free(r);
}

static void test_etag_gives_not_modified(void **state)
{
	NEED_SERVER();
	rl_fetch_response *first = get("/page"), *again;
	rl_fetch_request req = { .etag = first->etag };

	again = fetch(req, URL("/page"));
	assert_int_equal(again->result, RL_FETCH_OK);
	assert_true(again->not_modified);
	assert_int_equal(again->status, 304);
	assert_int_equal(again->body_len, 0);
	assert_string_equal(again->body, "");

	/* A stale validator gets the whole page again. */
	req.etag = "\"stale\"";
	rl_fetch_response_free(again);
	again = fetch(req, URL("/page"));
	assert_false(again->not_modified);
	assert_string_equal(again->body, first->body);
	rl_fetch_response_free(again);
	rl_fetch_response_free(first);
}

static void test_last_modified_gives_not_modified(void **state)
{
	NEED_SERVER();
	rl_fetch_response *first = get("/page"), *again;
	rl_fetch_request req = { .last_modified = first->last_modified };

	again = fetch(req, URL("/page"));
	assert_int_equal(again->result, RL_FETCH_OK);
	assert_true(again->not_modified);
	assert_int_equal(again->body_len, 0);
	rl_fetch_response_free(again);
	rl_fetch_response_free(first);
}

/* If-Modified-Since is the server's own date, echoed; a 200 from a server that
 * ignores it keeps its body (libcurl's own date check would drop it). */
static void test_if_modified_since_is_echoed_and_200_kept(void **state)
{
	NEED_SERVER();
	rl_fetch_request req = { .last_modified = "Sat, 28 Nov 2026 10:00:00 GMT" };
	rl_fetch_response *r = fetch(req, URL("/headers"));

	assert_int_equal(r->result, RL_FETCH_OK);
	assert_false(r->not_modified);
	assert_true(r->body_len > 0);
	assert_non_null(strstr(r->body, "If-Modified-Since: Sat, 28 Nov 2026 10:00:00 GMT"));
	rl_fetch_response_free(r);
}

static void test_changed_page_is_fetched_again(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/set?path=/changing&body=version+one"), *first, *again;
	rl_fetch_request req = { 0 };
	rl_fetch_response_free(r);

	first = get("/changing");
	assert_string_equal(first->body, "version one");
	rl_fetch_response_free(get("/set?path=/changing&body=version+two"));
	req.etag = first->etag;
	req.last_modified = first->last_modified;
	again = fetch(req, URL("/changing"));
	assert_false(again->not_modified);
	assert_string_equal(again->body, "version two");
	assert_string_not_equal(again->etag, first->etag);
	rl_fetch_response_free(again);
	rl_fetch_response_free(first);
}

static void test_gzip_and_brotli_are_decoded(void **state)
{
	NEED_SERVER();
	rl_fetch_response *plain = get("/plain-text"), *gz = get("/gzip"), *br = get("/br");

	assert_int_equal(gz->result, RL_FETCH_OK);
	assert_int_equal(gz->body_len, plain->body_len);
	assert_memory_equal(gz->body, plain->body, plain->body_len);
	/* What came over the wire was the compressed form. */
	assert_true(gz->bytes_received < plain->body_len);
	if (br->status == 501) {
		fprintf(stderr, "test_fetch: server has no brotli module: br part skipped\n");
	} else {
		assert_int_equal(br->result, RL_FETCH_OK);
		assert_int_equal(br->body_len, plain->body_len);
		assert_memory_equal(br->body, plain->body, plain->body_len);
	}
	rl_fetch_response_free(plain);
	rl_fetch_response_free(gz);
	rl_fetch_response_free(br);
}

static void test_redirect_chain_is_followed(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/redirect/3");
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_int_equal(r->redirects, 3);
	assert_string_equal(r->effective_url, URL("/page"));
	assert_non_null(strstr(r->body, "First story"));
	rl_fetch_response_free(r);
}

static void test_too_many_redirects(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/redirect/6");
	assert_failed(r, RL_FETCH_TOO_MANY_REDIRECTS);
	assert_non_null(strstr(r->message, "more than 5 redirects"));
	rl_fetch_response_free(r);
}

static void test_redirect_never_reaches_file_or_ftp(void **state)
{
	NEED_SERVER();
	rl_fetch_request req = { .allow_file = 1 };
	rl_fetch_response *r = fetch(req, URL("/to-file"));

	/* Even a request allowed file:// cannot be sent there by a server. */
	assert_failed(r, RL_FETCH_REDIRECT_REFUSED);
	assert_null(strstr(r->body, "root:"));
	assert_non_null(strstr(r->message, "file:///etc/passwd"));
	rl_fetch_response_free(r);

	r = get("/to-ftp");
	assert_failed(r, RL_FETCH_REDIRECT_REFUSED);
	rl_fetch_response_free(r);
}

static void test_http_errors_keep_status_and_body(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/status/500");
	assert_failed(r, RL_FETCH_HTTP_ERROR);
	assert_int_equal(r->status, 500);
	assert_string_equal(r->body, "status 500\n");
	assert_non_null(strstr(r->message, ": HTTP 500"));
	rl_fetch_response_free(r);

	r = get("/status/404");
	assert_failed(r, RL_FETCH_HTTP_ERROR);
	assert_int_equal(r->status, 404);
	rl_fetch_response_free(r);
}

static void test_retry_after_is_read(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/retry-after");
	assert_failed(r, RL_FETCH_HTTP_ERROR);
	assert_int_equal(r->status, 503);
	assert_int_equal(r->retry_after, 120);
	rl_fetch_response_free(r);
}

static void test_hung_server_times_out(void **state)
{
	NEED_SERVER();
	rl_fetch_request req = { .timeout_ms = 1000 };
	rl_fetch_response *r = fetch(req, URL("/hang"));
	assert_failed(r, RL_FETCH_TIMEOUT);
	assert_int_equal(r->error, RL_ETIMEOUT);
	assert_non_null(strstr(r->message, "timeout after 1 s"));
	rl_fetch_response_free(r);

	/* The low-speed limit also ends it, and is reported as no answer. */
	req = (rl_fetch_request){ .low_speed_time_s = 1 };
	r = fetch(req, URL("/hang"));
	assert_failed(r, RL_FETCH_TIMEOUT);
	assert_non_null(strstr(r->message, "no response within 1 s"));
	rl_fetch_response_free(r);
}

static void test_connection_reset_is_an_error(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/reset");
	assert_int_not_equal(r->result, RL_FETCH_OK);
	assert_failed(r, RL_FETCH_NETWORK);
	assert_int_equal(r->body_len, 0);
	rl_fetch_response_free(r);
}

static void test_empty_body_is_a_failure(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/empty");
	assert_failed(r, RL_FETCH_EMPTY_BODY);
	assert_int_equal(r->status, 200);
	assert_non_null(strstr(r->message, "empty body"));
	rl_fetch_response_free(r);
}

static void test_short_body_is_truncated(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/truncated");
	assert_failed(r, RL_FETCH_TRUNCATED);
	assert_true(r->body_len < 1000);
	rl_fetch_response_free(r);
}

static void test_slow_drip_is_too_slow(void **state)
{
	NEED_SERVER();
	rl_fetch_request req = { .low_speed_limit = 100, .low_speed_time_s = 2 };
	rl_fetch_response *r = fetch(req, URL("/slow-drip"));
	assert_failed(r, RL_FETCH_TOO_SLOW);
	assert_int_equal(r->error, RL_ETIMEOUT);
	assert_non_null(strstr(r->message, "too slow"));
	rl_fetch_response_free(r);
}

static void test_endless_and_bomb_stop_at_the_cap(void **state)
{
	NEED_SERVER();
	const size_t cap = 1024 * 1024;
	rl_fetch_request req = { .max_body = cap };
	rl_fetch_response *r = fetch(req, URL("/endless"));

	assert_failed(r, RL_FETCH_TOO_BIG);
	assert_int_equal(r->error, RL_ETOOBIG);
	assert_true(r->body_len <= cap);
	assert_true(r->bytes_received <= 2 * cap);
	assert_non_null(strstr(r->message, "larger than 1048576 bytes"));
	rl_fetch_response_free(r);

	r = fetch(req, URL("/gzip-bomb"));
	assert_failed(r, RL_FETCH_TOO_BIG);
	assert_true(r->body_len <= cap);
	rl_fetch_response_free(r);
}

static void test_header_flood_stops_at_the_cap(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/many-headers");
	assert_failed(r, RL_FETCH_TOO_BIG);
	assert_non_null(strstr(r->message, "headers of '"));
	rl_fetch_response_free(r);
}

static void test_default_cap_is_the_pipelines(void **state)
{
	assert_int_equal(RL_FETCH_DEFAULT_MAX_BODY, RL_EXTRACT_MAX_INPUT);
}

static void test_cp1252_bytes_unchanged_without_charset(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/cp1252");
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_null(r->charset);
	assert_string_equal(r->content_type, "text/html");
	assert_non_null(memchr(r->body, '\x93', r->body_len));
	assert_non_null(memchr(r->body, '\xe9', r->body_len));
	rl_fetch_response_free(r);
}

static void test_charset_from_header(void **state)
{
	NEED_SERVER();
	rl_fetch_response *r = get("/charset");
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_string_equal(r->charset, "iso-8859-1");
	rl_fetch_response_free(r);

	r = get("/content-type?v=text/html;%20foo=1;%20CharSet=%22Windows-1252%22");
	assert_string_equal(r->charset, "windows-1252");
	rl_fetch_response_free(r);
}

static void test_charset_parsing_is_bounded(void **state)
{
	char *c, longname[100];

	assert_null(rl_fetch_parse_charset(NULL));
	assert_null(rl_fetch_parse_charset("text/html"));
	assert_null(rl_fetch_parse_charset("text/html; charset="));
	assert_null(rl_fetch_parse_charset("text/html; charset=\"\""));
	assert_null(rl_fetch_parse_charset("text/html; charset=ut<f>8"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	char header[200];
	snprintf(header, sizeof(header), "text/html; charset=%s", longname);
	assert_null(rl_fetch_parse_charset(header));
	c = rl_fetch_parse_charset("text/html;charset=UTF-8");
	assert_string_equal(c, "utf-8");
	free(c);
	c = rl_fetch_parse_charset("text/html; notcharset=x; charset = 'Shift_JIS' ; q=1");
	assert_string_equal(c, "shift_jis");
	free(c);
}

struct counted {
	int done, ok;
};

static void count_done(rl_fetch_response *r, void *userdata)
{
	struct counted *c = userdata;
	assert_non_null(r);
	c->done++;
	if (r->result == RL_FETCH_OK)
		c->ok++;
	rl_fetch_response_free(r);
}

static json_t *stats(const char *path)
{
	rl_fetch_response *r = get(path);
	json_t *j = json_loads(r->body, 0, NULL);
	assert_non_null(j);
	rl_fetch_response_free(r);
	return j;
}

static void test_per_host_connection_cap(void **state)
{
	NEED_SERVER();
	rl_fetcher_opts opts = { .max_host_connections = 2 };
	rl_fetcher *f = NULL;
	struct counted c = { 0, 0 };
	char path[64];
	json_t *j;

	assert_int_equal(rl_fetcher_new(&f, &opts), 0);
	for (int i = 0; i < 8; i++) {
		rl_fetch_request req = { 0 };
		snprintf(path, sizeof(path), "/count/hostcap/%d", i);
		req.url = URL(path);
		assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
	}
	assert_int_equal(rl_fetcher_pending(f), 8);
	assert_int_equal(rl_fetcher_run(f, 30000), 0);
	assert_int_equal(rl_fetcher_pending(f), 0);
	assert_int_equal(c.done, 8);
	assert_int_equal(c.ok, 8);
	rl_fetcher_free(f);

	j = stats("/stats/hostcap");
	assert_int_equal(json_integer_value(json_object_get(j, "requests")), 8);
	assert_true(json_integer_value(json_object_get(j, "max_concurrent")) <= 2);
	assert_true(json_integer_value(json_object_get(j, "max_concurrent")) >= 1);
	json_decref(j);
}

static void test_queue_time_is_not_transfer_time(void **state)
{
	NEED_SERVER();
	rl_fetcher_opts opts = { .max_host_connections = 1 };
	rl_fetcher *f = NULL;
	struct counted c = { 0, 0 };
	char path[64];

	/* Eight 300 ms answers one at a time wait 2.1 s for the last: longer than
	 * each one's 1.5 s limit, which must count only its own transfer. */
	assert_int_equal(rl_fetcher_new(&f, &opts), 0);
	for (int i = 0; i < 8; i++) {
		rl_fetch_request req = { .timeout_ms = 1500 };
		snprintf(path, sizeof(path), "/count/queued/%d", i);
		req.url = URL(path);
		assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
	}
	assert_int_equal(rl_fetcher_run(f, 30000), 0);
	assert_int_equal(c.done, 8);
	assert_int_equal(c.ok, 8);
	rl_fetcher_free(f);
}

/* Many transfers queued behind one connection to a fast server: each one
 * runs as soon as the one before it ends.  libcurl 7.88 sometimes forgets
 * to wake the next queued transfer (fetch.c: idle_bound()); the loop then
 * sat out its whole one-second wait with nothing to do, several times per
 * thousand requests.  Counted, not timed: no full wait may end idle. */
static void test_queued_transfers_are_never_forgotten(void **state)
{
	NEED_SERVER();
	rl_fetcher_opts opts = { .max_host_connections = 1 };
	rl_fetcher *f = NULL;
	struct counted c = { 0, 0 };
	rl_fetch_request req = { .url = URL("/page") };
	rl_fetcher_stats st;
	json_t *before, *after;
	enum { ROUNDS = 3, PER_ROUND = 100 };

	before = stats("/stats");
	assert_int_equal(rl_fetcher_new(&f, &opts), 0);
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < PER_ROUND; i++)
			assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
		assert_int_equal(rl_fetcher_run(f, -1), 0);
		assert_int_equal(rl_fetcher_pending(f), 0);
	}
	rl_fetcher_get_stats(&st, f);
	rl_fetcher_free(f);
	after = stats("/stats");
	assert_int_equal(c.done, ROUNDS * PER_ROUND);
	assert_int_equal(c.ok, ROUNDS * PER_ROUND);
	/* Every request reached the server, over one connection (and one more
	 * for the stats request itself). */
	assert_int_equal(json_integer_value(json_object_get(after, "requests")) -
			 json_integer_value(json_object_get(before, "requests")),
			 ROUNDS * PER_ROUND + 1);
	assert_true(json_integer_value(json_object_get(after, "connections")) -
		    json_integer_value(json_object_get(before, "connections")) <= 2);
	assert_int_equal(st.quiet_waits, 0);
	json_decref(before);
	json_decref(after);
}

static void test_connections_are_kept_alive(void **state)
{
	NEED_SERVER();
	rl_fetcher *f = NULL;
	struct counted c = { 0, 0 };
	rl_fetch_request req = { .url = URL("/page") };
	json_t *before, *after;

	assert_int_equal(rl_fetcher_new(&f, NULL), 0);
	assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
	assert_int_equal(rl_fetcher_run(f, -1), 0);
	before = stats("/stats");
	for (int i = 0; i < 5; i++) {
		assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
		assert_int_equal(rl_fetcher_run(f, -1), 0);
	}
	after = stats("/stats");
	assert_int_equal(c.ok, 6);
	/* One connection for the stats request itself, none for the five. */
	assert_true(json_integer_value(json_object_get(after, "connections")) -
		    json_integer_value(json_object_get(before, "connections")) <= 1);
	json_decref(before);
	json_decref(after);
	rl_fetcher_free(f);
}

static void add_again(rl_fetch_response *r, void *userdata)
{
	rl_fetcher *f = userdata;
	static int round;
	rl_fetch_request req = { .url = r->url };
	if (++round < 3)
		assert_int_equal(rl_fetcher_add(f, &req, add_again, f), 0);
	rl_fetch_response_free(r);
}

static void test_callbacks_may_add_transfers(void **state)
{
	NEED_SERVER();
	rl_fetcher *f = NULL;
	rl_fetch_request req = { .url = URL("/page") };

	assert_int_equal(rl_fetcher_new(&f, NULL), 0);
	assert_int_equal(rl_fetcher_add(f, &req, add_again, f), 0);
	assert_int_equal(rl_fetcher_run(f, 10000), 0);
	assert_int_equal(rl_fetcher_pending(f), 0);
	rl_fetcher_free(f);
}

static void test_free_with_transfers_in_flight(void **state)
{
	NEED_SERVER();
	rl_fetcher *f = NULL;
	struct counted c = { 0, 0 };
	rl_fetch_request req = { .url = URL("/hang") };

	assert_int_equal(rl_fetcher_new(&f, NULL), 0);
	assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
	req.url = URL("/page");
	assert_int_equal(rl_fetcher_add(f, &req, count_done, &c), 0);
	assert_int_equal(rl_fetcher_run(f, 0), 0);
	rl_fetcher_free(f);
	assert_true(c.done <= 1);
}

static void test_file_urls_need_allow_file(void **state)
{
	char *dir = tu_tmpdir(), path[512], url[600];
	rl_fetch_request req = { 0 };
	rl_fetch_response *r;
	FILE *f;

	snprintf(path, sizeof(path), "%s/page.html", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("<p>local</p>\n", f);
	fclose(f);
	snprintf(url, sizeof(url), "file://%s", path);

	r = fetch(req, url);
	assert_failed(r, RL_FETCH_PROTOCOL_REFUSED);
	assert_non_null(strstr(r->message, "protocol 'file' not allowed"));
	rl_fetch_response_free(r);

	req.allow_file = 1;
	r = fetch(req, url);
	assert_int_equal(r->result, RL_FETCH_OK);
	assert_string_equal(r->body, "<p>local</p>\n");
	rl_fetch_response_free(r);
	tu_rmtree(dir);
	free(dir);
}

static void test_other_protocols_refused(void **state)
{
	rl_fetch_request req = { .allow_file = 1 };
	rl_fetch_response *r = fetch(req, "ftp://127.0.0.1:1/x");
	assert_failed(r, RL_FETCH_PROTOCOL_REFUSED);
	assert_non_null(strstr(r->message, "protocol 'ftp' not allowed"));
	rl_fetch_response_free(r);
}

static void test_closed_port_is_a_connect_error(void **state)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char url[64];
	rl_fetch_response *r;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* A port that was just free: bound, never listened on, closed. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(sa.sin_port));

	r = fetch((rl_fetch_request){ 0 }, url);
	assert_failed(r, RL_FETCH_CONNECT);
	assert_non_null(strstr(r->message, url));
	assert_non_null(strstr(r->message, "connection refused"));
	rl_fetch_response_free(r);
}

static void test_request_headers_sent_and_injection_refused(void **state)
{
	NEED_SERVER();
	const char *headers[] = { "X-Redline-Test: yes", "Accept-Language: nl" };
	const char *evil[] = { "X-Ok: 1\r\nX-Injected: 1" };
	rl_fetch_request req = { .headers = headers, .headers_count = 2,
				 .user_agent = "redline-test/1 (+mailto:test@example.org)" };
	rl_fetcher *f = NULL;
	rl_fetch_response *r = fetch(req, URL("/headers"));

	assert_non_null(strstr(r->body, "X-Redline-Test: yes"));
	assert_non_null(strstr(r->body, "Accept-Language: nl"));
	assert_non_null(strstr(r->body, "User-Agent: redline-test/1"));
	assert_non_null(strstr(r->body, "Accept-Encoding: "));
	rl_fetch_response_free(r);

	r = fetch((rl_fetch_request){ 0 }, URL("/headers"));
	assert_non_null(strstr(r->body, "User-Agent: redline/"));
	rl_fetch_response_free(r);

	assert_int_equal(rl_fetcher_new(&f, NULL), 0);
	req = (rl_fetch_request){ .url = URL("/headers"), .headers = evil, .headers_count = 1 };
	assert_int_equal(rl_fetcher_add(f, &req, count_done, NULL), RL_EINVAL);
	req = (rl_fetch_request){ .url = URL("/headers"), .etag = "\"x\"\nX-Injected: 1" };
	assert_int_equal(rl_fetcher_add(f, &req, count_done, NULL), RL_EINVAL);
	req = (rl_fetch_request){ .url = NULL };
	assert_int_equal(rl_fetcher_add(f, &req, count_done, NULL), RL_EINVAL);
	assert_int_equal(rl_fetcher_pending(f), 0);
	rl_fetcher_free(f);
	rl_fetcher_free(NULL);
}

static void test_unverifiable_certificate_is_refused(void **state)
{
	NEED_SERVER();
	char url[128];
	rl_fetch_response *r;

	if (server->tls_port == 0)
		tu_skip(); /* no openssl command to make a certificate */
	snprintf(url, sizeof(url), "%s/page", server->tls_base_url);
	r = fetch((rl_fetch_request){ 0 }, url);
	assert_failed(r, RL_FETCH_TLS);
	assert_null(strstr(r->body, "First story"));
	rl_fetch_response_free(r);
}

static void test_credentials_hidden_in_messages(void **state)
{
	NEED_SERVER();
	char url[128];
	rl_fetch_response *r;

	snprintf(url, sizeof(url), "http://user:secret@127.0.0.1:%d/status/500", server->port);
	r = fetch((rl_fetch_request){ 0 }, url);
	assert_failed(r, RL_FETCH_HTTP_ERROR);
	assert_null(strstr(r->message, "secret"));
	rl_fetch_response_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_body_and_validators),
		cmocka_unit_test(test_etag_gives_not_modified),
		cmocka_unit_test(test_last_modified_gives_not_modified),
		cmocka_unit_test(test_if_modified_since_is_echoed_and_200_kept),
		cmocka_unit_test(test_changed_page_is_fetched_again),
		cmocka_unit_test(test_gzip_and_brotli_are_decoded),
		cmocka_unit_test(test_redirect_chain_is_followed),
		cmocka_unit_test(test_too_many_redirects),
		cmocka_unit_test(test_redirect_never_reaches_file_or_ftp),
		cmocka_unit_test(test_http_errors_keep_status_and_body),
		cmocka_unit_test(test_retry_after_is_read),
		cmocka_unit_test(test_hung_server_times_out),
		cmocka_unit_test(test_connection_reset_is_an_error),
		cmocka_unit_test(test_empty_body_is_a_failure),
		cmocka_unit_test(test_short_body_is_truncated),
		cmocka_unit_test(test_slow_drip_is_too_slow),
		cmocka_unit_test(test_endless_and_bomb_stop_at_the_cap),
		cmocka_unit_test(test_header_flood_stops_at_the_cap),
		cmocka_unit_test(test_default_cap_is_the_pipelines),
		cmocka_unit_test(test_cp1252_bytes_unchanged_without_charset),
		cmocka_unit_test(test_charset_from_header),
		cmocka_unit_test(test_charset_parsing_is_bounded),
		cmocka_unit_test(test_per_host_connection_cap),
		cmocka_unit_test(test_queue_time_is_not_transfer_time),
		cmocka_unit_test(test_queued_transfers_are_never_forgotten),
		cmocka_unit_test(test_connections_are_kept_alive),
		cmocka_unit_test(test_callbacks_may_add_transfers),
		cmocka_unit_test(test_free_with_transfers_in_flight),
		cmocka_unit_test(test_file_urls_need_allow_file),
		cmocka_unit_test(test_other_protocols_refused),
		cmocka_unit_test(test_closed_port_is_a_connect_error),
		cmocka_unit_test(test_request_headers_sent_and_injection_refused),
		cmocka_unit_test(test_unverifiable_certificate_is_refused),
		cmocka_unit_test(test_credentials_hidden_in_messages),
	};
	return tu_run_group_tests(tests, start_server, stop_server);
}
