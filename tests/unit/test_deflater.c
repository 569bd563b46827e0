/* Whole-buffer deflate (redline/deflater.h): each kind gives a stream that
 * zlib - another implementation - reads back to the input; the same input
 * gives the same bytes again and on another thread; stored blocks for
 * compressed data; a too small output is an error, not a short stream. */
#include "testutil.h"
#include "redline/deflater.h"
#include "redline/error.h"
#include "../../src/util/deflate_small.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static size_t text(char *buf, size_t cap, int seed)
{
	size_t n = 0;
	for (int k = 0; n + 64 < cap; k++)
		n += (size_t)snprintf(buf + n, cap - n, "Line %d of story %d: %d people.\n", k,
				      seed, (k * 7919 + seed) % 1000);
	return n;
}

/* zlib's inflate of `z` (zlib wrapper, or gzip when `gzip`) must give back
 * exactly `in`. */
static void inflates_to(const unsigned char *z, size_t zlen, int gzip, const char *in, size_t len)
{
	unsigned char *back = malloc(len + 1);
	z_stream s;

	assert_non_null(back);
	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, gzip ? 15 + 16 : 15), Z_OK);
	s.next_in = (Bytef *)(uintptr_t)z;
	s.avail_in = (uInt)zlen;
	s.next_out = back;
	s.avail_out = (uInt)len + 1;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, len);
	assert_int_equal(s.avail_in, 0); /* nothing after the stream */
	assert_memory_equal(back, in, len);
	inflateEnd(&s);
	free(back);
}

static void test_each_kind_inflates_back(void **state)
{
	static char in[300000];
	size_t lens[] = { 0, 1, 561, 25000, sizeof(in) - 64 };

	(void)state;
	for (int kind = 0; kind < RL_DEFLATER_KINDS; kind++)
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			size_t len = lens[i] > 64 ? text(in, lens[i], (int)i) : lens[i], cap, n;
			unsigned char *out;

			if (lens[i] <= 64)
				memset(in, 'x', len);
			cap = rl_deflater_bound(len);
			assert_non_null(out = malloc(cap));
			assert_int_equal(rl_deflater_compress(&n, (rl_deflater_kind)kind, out, cap, in, len), 0);
			assert_true(n > 0 && n <= cap);
			inflates_to(out, n, kind == RL_DEFLATER_GZIP || kind == RL_DEFLATER_GZIP_STORE,
				    in, len);
			if (kind == RL_DEFLATER_STORE || kind == RL_DEFLATER_GZIP_STORE)
				assert_true(n >= len); /* stored, not compressed */
			else if (len > 1000)
				assert_true(n < len / 3); /* repetitive text compresses */
			free(out);
		}
	rl_deflater_release_thread();
}

/* The raw stream of `in` again into rooms of exactly its size up to 9
 * bytes more (the encoder's stores run 8 bytes ahead: it writes aside up
 * to 7 more, in place from 8 more on): the same bytes, none written past
 * the room; and no stream at all into one byte less. */
static void same_stream_in_exact_room(rl_deflate_small *small, const unsigned char *in, size_t len)
{
	static unsigned char roomy[RL_DEFLATE_SMALL_MAX + 64], exact[RL_DEFLATE_SMALL_MAX + 64];
	size_t n = rl_deflate_small_compress(small, roomy, sizeof(roomy), in, len);

	assert_true(n > 0);
	for (size_t room = n; room <= n + 9; room++) {
		memset(exact, 0xAA, sizeof(exact));
		assert_int_equal(rl_deflate_small_compress(small, exact, room, in, len), n);
		assert_memory_equal(exact, roomy, n);
		assert_int_equal(exact[room], 0xAA); /* nothing written past the room given */
	}
	assert_int_equal(rl_deflate_small_compress(small, exact, n - 1, in, len), 0);
}

/* Git objects and WARC records up to 16 KiB take deflate_small.c's
 * encoder: every size and kind of content, at and around its limits, must
 * inflate back - text, random bytes, one byte repeated (matches of 258),
 * few symbols (one distance code, fixed codes), and nothing. */
static void test_small_objects_inflate_back(void **state)
{
	static unsigned char in[16384 + 64];
	rl_deflate_small *small = rl_deflate_small_new();
	unsigned char *out;
	unsigned seed = 12345;
	size_t cap = rl_deflater_bound(sizeof(in)), n;

	(void)state;
	assert_non_null(out = malloc(cap));
	for (int i = 0; i < 2000; i++) {
		size_t len = i < 40   ? (size_t)i
			     : i < 60 ? 16384 - 10 + (size_t)(i - 40) /* across the encoder's limit */
				      : (size_t)rand_r(&seed) % (sizeof(in) + 1);
		int what = i % 6;
		size_t filled;
		if (what == 0 && (filled = text((char *)in, sizeof(in), i)) < len)
			len = filled;
		for (size_t k = 0; what != 0 && k < len; k++)
			in[k] = what == 1   ? (unsigned char)rand_r(&seed)
				: what == 2 ? 'a'
				: what == 3 ? (unsigned char)"abcab"[k % 5]
				: what == 4 ? (unsigned char)(rand_r(&seed) % 3)
					    : (k % 300 < 150 || k < 150 ? (unsigned char)rand_r(&seed) : in[k - 150]);
		int gzip = i % 7 == 3;
		assert_int_equal(rl_deflater_compress(&n, gzip ? RL_DEFLATER_GZIP : RL_DEFLATER_GIT, out,
						      cap, in, len), 0);
		inflates_to(out, n, gzip, (const char *)in, len);
		if (len <= RL_DEFLATE_SMALL_MAX)
			same_stream_in_exact_room(small, in, len);
		if (what == 2 && len > 1000)
			assert_true(n < 64); /* one byte over and over: matches of 258 */
		if (what == 1)
			assert_true(n <= len + 23); /* random: stored, not grown */
	}
	rl_deflate_small_free(small);
	free(out);
	rl_deflater_release_thread();
}

/* Huffman code lengths within the limit and a complete code (Kraft sum
 * exactly 1, which inflate insists on) for any weights: Fibonacci weights
 * (a tree far deeper than 15, or 7 for the code-length code), skewed and
 * flat random ones, one symbol, none. */
static void test_code_lengths_complete_within_limit(void **state)
{
	static const int sizes[] = { 286, 30, 19 };
	unsigned seed = 99;

	(void)state;
	for (int t = 0; t < 3000; t++) {
		uint32_t freq[286] = { 0 };
		uint8_t lens[286];
		int n_sym = sizes[t % 3], max_len = n_sym == 19 ? 7 : 15, used = 0;
		uint64_t kraft = 0;

		if (t < 3) { /* Fibonacci: depth n_sym - 1 unlimited */
			uint32_t a = 1, b = 1, c;
			for (int k = 0; k < n_sym; k++, c = a + b, a = b, b = c > 100000 ? 100000 : c)
				freq[k] = a;
		} else if (t >= 6) {
			double r = 0.2 + (rand_r(&seed) % 800) / 1000.0, w = 16384;
			for (int k = 0; k < n_sym; k++, w *= r)
				if (rand_r(&seed) % 4)
					freq[k] = (uint32_t)w + (uint32_t)(rand_r(&seed) % 2);
		} else if (t == 3) {
			freq[7] = 5; /* one symbol: a dummy joins it */
		} /* t 4, 5: no symbol at all */
		int list[286], n = rl_deflate_small_code_lengths(lens, list, freq, n_sym, max_len);
		for (int k = 0; k < n_sym; k++) {
			assert_true(lens[k] <= max_len);
			if (freq[k] > 0)
				assert_true(lens[k] > 0);
			if (lens[k] > 0) {
				used++;
				kraft += 1ull << (15 - lens[k]);
			}
		}
		assert_true(used >= 2);
		assert_int_equal(n, used);
		for (int a = 0; a < n; a++) /* the symbols with a length, in order */
			assert_true(lens[list[a]] > 0 && (a == 0 || list[a] > list[a - 1]));
		assert_int_equal(kraft, 1ull << 15);
	}
}

struct job {
	const char *in;
	size_t len;
	unsigned char out[40000];
	size_t n;
	int rc;
};

static void *compress_job(void *arg)
{
	struct job *j = arg;

	j->rc = rl_deflater_compress(&j->n, RL_DEFLATER_GIT, j->out, sizeof(j->out), j->in, j->len);
	return NULL; /* the thread's compressors are freed as it exits */
}

static void test_same_bytes_again_and_on_another_thread(void **state)
{
	static char in[30000];
	static struct job here, again, there;
	size_t len = text(in, sizeof(in), 7);
	pthread_t t;

	(void)state;
	here.in = again.in = there.in = in;
	here.len = again.len = there.len = len;
	compress_job(&here);
	compress_job(&again);
	assert_int_equal(pthread_create(&t, NULL, compress_job, &there), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(here.rc, 0);
	assert_int_equal(again.rc, 0);
	assert_int_equal(there.rc, 0);
	assert_int_equal(here.n, again.n);
	assert_int_equal(here.n, there.n);
	assert_memory_equal(here.out, again.out, here.n);
	assert_memory_equal(here.out, there.out, here.n);
	rl_deflater_release_thread();
	rl_deflater_release_thread(); /* twice is fine */
	compress_job(&again);         /* and a released thread starts afresh */
	assert_int_equal(again.rc, 0);
	assert_memory_equal(here.out, again.out, here.n);
	rl_deflater_release_thread();
}

static void test_no_room_and_no_such_kind(void **state)
{
	static char in[5000];
	unsigned char out[64];
	size_t len = text(in, sizeof(in), 3), n = 99;

	(void)state;
	assert_int_equal(rl_deflater_compress(&n, RL_DEFLATER_STORE, out, sizeof(out), in, len),
			 RL_ETOOBIG);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(rl_deflater_compress(&n, RL_DEFLATER_KINDS, out, sizeof(out), in, 10),
			 RL_EINVAL);
	assert_int_equal(n, 0);
	rl_deflater_release_thread();
}

static void test_crc32_is_zlibs(void **state)
{
	static char in[10000];
	size_t len = text(in, sizeof(in), 5);
	uint32_t a = rl_deflater_crc32(0, in, 1000);

	(void)state;
	assert_int_equal(rl_deflater_crc32(0, in, len),
			 (uint32_t)crc32(0, (const Bytef *)in, (uInt)len));
	/* continued in pieces, as the pack writer does */
	assert_int_equal(rl_deflater_crc32(a, in + 1000, len - 1000),
			 (uint32_t)crc32(0, (const Bytef *)in, (uInt)len));
	assert_int_equal(rl_deflater_crc32(0, in, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_kind_inflates_back),
		cmocka_unit_test(test_small_objects_inflate_back),
		cmocka_unit_test(test_code_lengths_complete_within_limit),
		cmocka_unit_test(test_same_bytes_again_and_on_another_thread),
		cmocka_unit_test(test_no_room_and_no_such_kind),
		cmocka_unit_test(test_crc32_is_zlibs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
