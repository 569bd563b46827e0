/*
 * fetch_raw.c - the bytes of an exchange as they went over the wire.
 *
 * libcurl hands its debug callback the request header block as sent
 * (CURLINFO_HEADER_OUT), each response header line as received
 * (CURLINFO_HEADER_IN) and the body before content decoding
 * (CURLINFO_DATA_IN): exactly what a WARC request/response record holds.
 * The decoded body still comes through the write callback of fetch.c, so
 * the pipeline is untouched.  A new request (a redirect) starts over, so
 * the capture is the final exchange; a new status line (100 Continue, a
 * redirect) starts the response over.
 */
#include "fetch_raw_internal.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAW_REQUEST_MAX (256u * 1024)
/* Chunk framing and headers on top of the body cap. */
#define RAW_SLACK (1u << 20)

void rl_fetch_raw_free(rl_fetch_raw *raw)
{
	if (raw == NULL)
		return;
	rl_buf_release(&raw->request);
	rl_buf_release(&raw->response_head);
	rl_buf_release(&raw->response_body);
	free(raw);
}

/* An announced length is the server's word: a larger one is not taken at it. */
#define FETCH_RESERVE_MAX (4u << 20)

void fetch_reserve_announced(rl_buf *b, CURL *easy)
{
	curl_off_t len = -1;

	if (b->cap > 0 || curl_easy_getinfo(easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len) != CURLE_OK ||
	    len <= 0 || (uint64_t)len > FETCH_RESERVE_MAX || (uint64_t)len > b->max)
		return;
	if (rl_buf_grow(b, (size_t)len) < 0)
		rl_error_clear();
}

static void keep(rl_fetch_raw *raw, rl_buf *b, const char *data, size_t len)
{
	if (raw->incomplete)
		return;
	if (len > b->max - b->len || rl_buf_put(b, data, len) < 0)
		raw->incomplete = 1;
}

static int on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *userdata)
{
	rl_fetch_raw *raw = userdata;

	switch (type) {
	case CURLINFO_HEADER_OUT:
		rl_buf_clear(&raw->request);
		rl_buf_clear(&raw->response_head);
		rl_buf_clear(&raw->response_body);
		raw->incomplete = 0;
		raw->time = (int64_t)time(NULL);
		keep(raw, &raw->request, data, size);
		break;
	case CURLINFO_HEADER_IN:
		if (size >= 5 && memcmp(data, "HTTP/", 5) == 0) {
			rl_buf_clear(&raw->response_head);
			rl_buf_clear(&raw->response_body);
		}
		keep(raw, &raw->response_head, data, size);
		break;
	case CURLINFO_DATA_IN:
		fetch_reserve_announced(&raw->response_body, easy);
		keep(raw, &raw->response_body, data, size);
		break;
	default:
		break;
	}
	return 0;
}

int fetch_raw_attach(rl_fetch_raw **out, CURL *easy, size_t max_body)
{
	rl_fetch_raw *raw = calloc(1, sizeof(*raw));

	*out = NULL;
	if (raw == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	rl_buf_init(&raw->request, RAW_REQUEST_MAX);
	rl_buf_init(&raw->response_head, RL_FETCH_MAX_HEADER_BYTES);
	rl_buf_init(&raw->response_body, max_body + RAW_SLACK);
	raw->time = (int64_t)time(NULL);
	curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(easy, CURLOPT_DEBUGDATA, raw);
	curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");
	*out = raw;
	return 0;
}

void fetch_raw_finish(rl_fetch_raw *raw, CURL *easy)
{
	char *ip = NULL;

	if (raw && curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip &&
	    strlen(ip) < sizeof(raw->remote_ip))
		memcpy(raw->remote_ip, ip, strlen(ip) + 1);
}
