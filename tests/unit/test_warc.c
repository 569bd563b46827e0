/* WARC records and captures: round trips, digests checked against openssl
 * and base32, hostile input refused with a clear error, capture ids that
 * cannot become paths, a chunked gzip response decoded back, and a
 * compressed body stored rather than compressed again. */
#include "testutil.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/warc.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void test_digest_matches_openssl_and_base32(void **state)
{
	char d[RL_WARC_DIGEST_SIZE], *out = NULL;

	rl_warc_digest(d, "redline", 7);
	assert_int_equal(strncmp(d, "sha256:", 7), 0);
	assert_int_equal(strlen(d), 7 + 56);
	if (tu_sh(&out, "printf redline | openssl dgst -sha256 -binary | base32 -w0") == 0 && out[0]) {
		assert_string_equal(d + 7, out);
	}
	free(out);
}

static void test_ids_are_uuid4(void **state)
{
	char a[RL_WARC_ID_SIZE], b[RL_WARC_ID_SIZE], path[RL_CAPTURE_PATH_SIZE];

	assert_int_equal(rl_warc_new_id(a), 0);
	assert_int_equal(rl_warc_new_id(b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(strlen(a), 47);
	assert_int_equal(a[10 + 14], '4');
	assert_int_equal(rl_capture_path(path, a), 0);
	assert_int_equal(strncmp(path, ".captures/", 10), 0);
	assert_non_null(strstr(path, ".warc.gz"));
}

/* The two layouts, from the id alone: a version 7 id by the UTC hour of its
 * first 48 bits (Unix ms), a version 4 id (as written before) by its first
 * two hex digits; the first random hex digit of a v7 id splits its hour
 * 16 ways.  0x01a22161fe80 ms = 2026-11-28T09:00:00Z. */
static void test_capture_path_layouts(void **state)
{
	char path[RL_CAPTURE_PATH_SIZE];
	rl_capture *c = NULL;

	assert_int_equal(rl_capture_path(path, "<urn:uuid:01a22161-fe80-7abc-9def-0123456789ab>"), 0);
	assert_string_equal(path,
			    ".captures/2026-11/28/09/a/01a22161-fe80-7abc-9def-0123456789ab.warc.gz");
	assert_int_equal(rl_capture_path(path, "<urn:uuid:01a22161-fe80-4abc-9def-0123456789ab>"), 0);
	assert_string_equal(path, ".captures/01/01a22161-fe80-4abc-9def-0123456789ab.warc.gz");
	/* the largest 48-bit time still makes a path that fits */
	assert_int_equal(rl_capture_path(path, "<urn:uuid:ffffffff-ffff-7fff-bfff-ffffffffffff>"), 0);
	assert_string_equal(path, ".captures/10889-08/02/05/f/ffffffff-ffff-7fff-bfff-ffffffffffff.warc.gz");
	/* a capture made for a snapshot of that time gets such an id */
	assert_int_equal(rl_capture_new_resource(&c, "file:///x", 1795856400, "text/plain", "x", 1,
						 &(rl_capture_facts){ .source = "s" }),
			 0);
	assert_int_equal(strncmp(c->id, "<urn:uuid:01a22161-fe80-7", 25), 0);
	assert_int_equal(strncmp(c->path, ".captures/2026-11/28/09/", 24), 0);
	assert_int_equal(c->path[24], c->id[10 + 15]);
	assert_int_equal(strncmp(c->path + 25, "/01a22161-fe80-7", 16), 0);
	rl_capture_free(c);
	/* before 1970: no 48-bit time, a version 4 id in the old layout */
	assert_int_equal(rl_capture_new_resource(&c, "file:///x", -86400, "text/plain", "x", 1,
						 &(rl_capture_facts){ .source = "s" }),
			 0);
	assert_int_equal(c->id[10 + 14], '4');
	assert_int_equal(c->path[12], '/');
	rl_capture_free(c);
}

static void test_capture_path_refuses_hostile_ids(void **state)
{
	char path[RL_CAPTURE_PATH_SIZE];
	const char *bad[] = { "<urn:uuid:../../../../etc/passwd>", "urn:uuid:1", "", "<urn:uuid:>",
			      "<urn:uuid:0123456789abcdef-0123-4567-89ab-cdef01234567/x>",
			      "<urn:uuid:01234567-89ab-cdef-0123-456789abcdef>x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(rl_capture_path(path, bad[i]), RL_EINVAL);
	assert_int_equal(rl_capture_path(path, NULL), RL_EINVAL);
}

static void test_round_trip_and_check(void **state)
{
	rl_buf out = RL_BUF_INIT(1 << 20);
	rl_warc_fields f = { 0 };
	rl_warc_record r;
	char id[RL_WARC_ID_SIZE];
	const char *http = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", *p;
	size_t off = 0, plen;

	assert_int_equal(rl_warc_new_id(id), 0);
	f.type = "response";
	f.record_id = id;
	f.date = 1795856400;
	f.target_uri = "http://127.0.0.1/x";
	f.content_type = "application/http;msgtype=response";
	f.http = 1;
	assert_int_equal(rl_warc_append(&out, &f, http, strlen(http)), 0);
	f.type = "resource";
	f.http = 0;
	f.content_type = "text/plain";
	assert_int_equal(rl_warc_append(&out, &f, "plain", 5), 0);

	assert_int_equal(rl_warc_read(&r, out.ptr, out.len, &off), 0);
	assert_string_equal(r.type, "response");
	assert_string_equal(r.record_id, id);
	assert_string_equal(r.date, "2026-11-28T09:00:00Z");
	assert_int_equal(r.block_len, strlen(http));
	assert_int_equal(rl_warc_check(&r), 0);
	assert_int_equal(rl_warc_payload(&p, &plen, &r), 0);
	assert_int_equal(plen, 5);
	assert_memory_equal(p, "hello", 5);
	/* A changed byte: the block digest no longer holds. */
	r.block[r.block_len - 1] = 'O';
	assert_int_equal(rl_warc_check(&r), RL_EPARSE);
	assert_non_null(strstr(rl_error_last(), "block digest"));
	rl_warc_record_clear(&r);

	assert_int_equal(rl_warc_read(&r, out.ptr, out.len, &off), 0);
	assert_string_equal(r.type, "resource");
	assert_int_equal(rl_warc_check(&r), 0);
	rl_warc_record_clear(&r);
	assert_int_equal(rl_warc_read(&r, out.ptr, out.len, &off), RL_ENOTFOUND);
	rl_buf_release(&out);
}

static void test_header_injection_refused(void **state)
{
	rl_buf out = RL_BUF_INIT(1 << 20);
	rl_warc_fields f = { 0 };
	char id[RL_WARC_ID_SIZE];

	assert_int_equal(rl_warc_new_id(id), 0);
	f.type = "resource";
	f.record_id = id;
	f.target_uri = "http://x/\r\nWARC-Type: response";
	assert_int_equal(rl_warc_append(&out, &f, "x", 1), RL_EINVAL);
	rl_buf_release(&out);
}

static void gz(rl_buf *out, const char *plain, size_t len)
{
	uLongf n = compressBound((uLong)len) + 64;
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(rl_buf_grow(out, n), 0);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)plain;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->ptr + out->len;
	z.avail_out = (uInt)n;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	out->len += z.total_out;
	deflateEnd(&z);
}

static void test_hostile_warc_data(void **state)
{
	rl_buf plain = RL_BUF_INIT(1 << 20), data = RL_BUF_INIT(1 << 20);
	rl_warc_record r;
	size_t off = 0;

	/* Not gzip at all. */
	assert_int_equal(rl_warc_read(&r, "garbage!", 8, &off), RL_EPARSE);
	/* gzip of something that is not WARC. */
	gz(&data, "HTTP/1.1 200 OK\r\n\r\n", 19);
	off = 0;
	assert_int_equal(rl_warc_read(&r, data.ptr, data.len, &off), RL_EPARSE);
	/* A Content-Length that lies. */
	rl_buf_clear(&data);
	rl_buf_puts(&plain, "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:x>\r\n"
			    "WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 999\r\n\r\nabc\r\n\r\n");
	gz(&data, plain.ptr, plain.len);
	off = 0;
	assert_int_equal(rl_warc_read(&r, data.ptr, data.len, &off), RL_EPARSE);
	assert_non_null(strstr(rl_error_last(), "Content-Length"));
	/* A member cut short. */
	off = 0;
	assert_int_equal(rl_warc_read(&r, data.ptr, data.len / 2, &off), RL_EPARSE);
	rl_buf_release(&plain);
	rl_buf_release(&data);
}

static void test_chunked_gzip_response_decodes(void **state)
{
	rl_buf body = RL_BUF_INIT(1 << 20), chunked = RL_BUF_INIT(1 << 20), snap = RL_BUF_INIT(1 << 20);
	const char *head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
			   "Content-Encoding: gzip\r\n\r\n";
	const char *text = "<html><body><p>Storm hits coast.</p></body></html>";
	rl_capture_http h = { 0 };
	rl_capture_facts facts = { 0 };
	rl_capture *c = NULL;
	char *source = NULL, *extractor = NULL, *target = NULL;
	size_t half;

	gz(&body, text, strlen(text));
	half = body.len / 2;
	rl_buf_printf(&chunked, "%zx\r\n", half);
	rl_buf_put(&chunked, body.ptr, half);
	rl_buf_printf(&chunked, "\r\n%zx\r\n", body.len - half);
	rl_buf_put(&chunked, body.ptr + half, body.len - half);
	rl_buf_puts(&chunked, "\r\n0\r\n\r\n");
	h.target_uri = "http://127.0.0.1/news";
	h.time = 1795856400;
	h.response_head = head;
	h.response_head_len = strlen(head);
	h.response_body = chunked.ptr;
	h.response_body_len = chunked.len;
	facts.source = "news";
	facts.extractor = "redline/test rules/0";
	facts.decoded_len = strlen(text);
	assert_int_equal(rl_capture_new_http(&c, &h, &facts), 0);
	assert_int_equal(rl_capture_snapshot(&snap, &source, &extractor, &target, c->bytes.ptr,
					     c->bytes.len), 0);
	assert_string_equal(snap.ptr, text);
	assert_string_equal(source, "news");
	assert_string_equal(extractor, "redline/test rules/0");
	assert_string_equal(target, "http://127.0.0.1/news");
	free(source);
	free(extractor);
	free(target);
	rl_capture_free(c);
	rl_buf_release(&body);
	rl_buf_release(&chunked);
	rl_buf_release(&snap);
}

/* The type of the first deflate block of the capture's first gzip member
 * (the response record): 0 stored, 1 fixed, 2 dynamic codes.  libdeflate
 * writes a 10-byte gzip header (no name, no comment). */
static int first_block_type(const rl_capture *c)
{
	const unsigned char *p = (const unsigned char *)c->bytes.ptr;

	assert_true(c->bytes.len > 11 && p[0] == 0x1f && p[1] == 0x8b && p[3] == 0);
	return (p[10] >> 1) & 3;
}

/* A body that came compressed (a compressing Content-Encoding) is stored
 * in the record's gzip member, not compressed a second time; a plain body,
 * or one said to be "identity" or "none", is compressed.  Either reads
 * back to the page. */
static void test_compressed_payload_stored_not_recompressed(void **state)
{
	static const char *heads[] = {
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n",
		"HTTP/1.1 200 OK\r\ncontent-encoding:  GZIP \r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Encoding: none\r\n\r\n",
	};
	rl_buf text = RL_BUF_INIT(1 << 20), body = RL_BUF_INIT(1 << 20), snap = RL_BUF_INIT(1 << 20);

	(void)state;
	for (int k = 0; k < 400; k++)
		rl_buf_printf(&text, "<p>Story %d: the council voted %d to %d.</p>\n", k, k % 7, k % 5);
	gz(&body, text.ptr, text.len);
	for (size_t i = 0; i < sizeof(heads) / sizeof(*heads); i++) {
		rl_capture_http h = { 0 };
		rl_capture_facts facts = { 0 };
		rl_capture *c = NULL;
		char *source = NULL, *extractor = NULL, *target = NULL;
		int coded = i < 2;

		h.target_uri = "http://127.0.0.1/news";
		h.time = 1795856400;
		h.response_head = heads[i];
		h.response_head_len = strlen(heads[i]);
		h.response_body = coded ? body.ptr : text.ptr;
		h.response_body_len = coded ? body.len : text.len;
		facts.source = "news";
		facts.extractor = "redline/test rules/0";
		facts.decoded_len = text.len;
		assert_int_equal(rl_capture_new_http(&c, &h, &facts), 0);
		if (coded)
			assert_int_equal(first_block_type(c), 0);
		else
			assert_int_not_equal(first_block_type(c), 0);
		rl_buf_clear(&snap);
		assert_int_equal(rl_capture_snapshot(&snap, &source, &extractor, &target,
						     c->bytes.ptr, c->bytes.len), 0);
		assert_int_equal(snap.len, text.len);
		assert_memory_equal(snap.ptr, text.ptr, text.len);
		free(source);
		free(extractor);
		free(target);
		rl_capture_free(c);
	}
	rl_buf_release(&text);
	rl_buf_release(&body);
	rl_buf_release(&snap);
}

/* The status a capture's response answered; a resource has none; a
 * response without a status line is an error, not a guess. */
static void test_capture_http_status(void **state)
{
	static const struct { const char *head; long status; int error; } cases[] = {
		{ "HTTP/1.1 404 Not Found\r\n\r\n", 404, 0 },
		{ "HTTP/2 200\r\n\r\n", 200, 0 },
		{ "HTTP/1.1 4x4 Odd\r\n\r\n", 0, RL_EPARSE },
		{ "HTTP/1.1\r\n\r\n", 0, RL_EPARSE },
		{ "garbage-without-any-space-at-all\r\n\r\n", 0, RL_EPARSE },
	};
	rl_capture_facts facts = { 0 };
	rl_capture *c = NULL;
	long status = -1;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rl_capture_http h = { 0 };
		h.target_uri = "http://127.0.0.1/a/1";
		h.time = 1795856400;
		h.response_head = cases[i].head;
		h.response_head_len = strlen(cases[i].head);
		h.response_body = "gone";
		h.response_body_len = 4;
		assert_int_equal(rl_capture_new_http(&c, &h, &facts), 0);
		assert_int_equal(rl_capture_http_status(&status, c->bytes.ptr, c->bytes.len),
				 cases[i].error);
		assert_int_equal(status, cases[i].status);
		rl_capture_free(c);
		rl_error_clear();
	}
	assert_int_equal(rl_capture_new_resource(&c, "file:///x", 1795856400, "text/plain", "x", 1,
						 &facts), 0);
	assert_int_equal(rl_capture_http_status(&status, c->bytes.ptr, c->bytes.len), 0);
	assert_int_equal(status, 0);
	rl_capture_free(c);
	assert_int_equal(rl_capture_http_status(&status, "", 0), RL_ENOTFOUND);
	rl_error_clear();
}

/* The charset a capture's response declared, read as a fetch reads it. */
static void test_capture_http_charset(void **state)
{
	static const struct { const char *head; const char *charset; } cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"KOI8-R\"\r\n\r\n", "koi8-r" },
		{ "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", NULL },
		{ "HTTP/1.1 200 OK\r\nX: y\r\n\r\n", NULL },
		{ "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ut<f>8\r\n\r\n", NULL },
	};
	rl_capture_facts facts = { 0 };
	rl_capture *c = NULL;
	char *cs = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rl_capture_http h = { 0 };
		h.target_uri = "http://127.0.0.1/p";
		h.response_head = cases[i].head;
		h.response_head_len = strlen(cases[i].head);
		h.response_body = "<p>x</p>";
		h.response_body_len = 8;
		assert_int_equal(rl_capture_new_http(&c, &h, &facts), 0);
		assert_int_equal(rl_capture_http_charset(&cs, c->bytes.ptr, c->bytes.len), 0);
		if (cases[i].charset)
			assert_string_equal(cs, cases[i].charset);
		else
			assert_null(cs);
		free(cs);
		rl_capture_free(c);
	}
	assert_int_equal(rl_capture_new_resource(&c, "file:///x", 0, "text/plain", "x", 1, &facts), 0);
	assert_int_equal(rl_capture_http_charset(&cs, c->bytes.ptr, c->bytes.len), 0);
	assert_null(cs);
	rl_capture_free(c);
}

/* A metadata field read back; a value with a line break is never written. */
static void test_capture_fact(void **state)
{
	rl_capture_facts facts = { 0 };
	rl_capture *c = NULL;
	char *v = NULL;

	(void)state;
	facts.source = "news";
	facts.requested_uri = "http://127.0.0.1/go?to=/a/1";
	assert_int_equal(rl_capture_new_resource(&c, "http://127.0.0.1/a/1", 1795856400, "text/html",
						 "x", 1, &facts), 0);
	assert_int_equal(rl_capture_fact(&v, c->bytes.ptr, c->bytes.len, "requested-uri"), 0);
	assert_string_equal(v, "http://127.0.0.1/go?to=/a/1");
	free(v);
	assert_int_equal(rl_capture_fact(&v, c->bytes.ptr, c->bytes.len, "no-such-field"), 0);
	assert_null(v);
	rl_capture_free(c);
	facts.requested_uri = "http://127.0.0.1/\r\nsource: forged";
	assert_int_equal(rl_capture_new_resource(&c, "http://127.0.0.1/a/1", 1795856400, "text/html",
						 "x", 1, &facts), 0);
	assert_int_equal(rl_capture_fact(&v, c->bytes.ptr, c->bytes.len, "requested-uri"), 0);
	assert_null(v);
	assert_int_equal(rl_capture_fact(&v, c->bytes.ptr, c->bytes.len, "source"), 0);
	assert_string_equal(v, "news");
	free(v);
	rl_capture_free(c);
}

static void test_capture_trailers(void **state)
{
	rl_strvec ids = RL_STRVEC_INIT;
	assert_int_equal(rl_capture_ids(&ids, "x: 1 edited\n\nedited abc T\n\nSource-URL: u\n"
					 "Capture: <urn:uuid:a>\nCapture: <urn:uuid:b>"), 0);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.v[0], "<urn:uuid:a>");
	assert_string_equal(ids.v[1], "<urn:uuid:b>");
	rl_strvec_release(&ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_matches_openssl_and_base32),
		cmocka_unit_test(test_ids_are_uuid4),
		cmocka_unit_test(test_capture_path_layouts),
		cmocka_unit_test(test_capture_path_refuses_hostile_ids),
		cmocka_unit_test(test_round_trip_and_check),
		cmocka_unit_test(test_header_injection_refused),
		cmocka_unit_test(test_hostile_warc_data),
		cmocka_unit_test(test_chunked_gzip_response_decodes),
		cmocka_unit_test(test_compressed_payload_stored_not_recompressed),
		cmocka_unit_test(test_capture_trailers),
		cmocka_unit_test(test_capture_http_status),
		cmocka_unit_test(test_capture_fact),
		cmocka_unit_test(test_capture_http_charset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
