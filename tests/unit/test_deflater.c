/* Per-thread deflate streams (redline/deflater.h): a reset stream gives
 * the bytes a new stream gives, for each kind; each thread has its own;
 * a released thread starts afresh. */
#include "testutil.h"
#include "redline/deflater.h"
#include "redline/error.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const int levels[RL_DEFLATER_KINDS] = { RL_DEFLATER_GIT_LEVEL, RL_DEFLATER_GZIP_LEVEL,
					       Z_NO_COMPRESSION };
static const int wbits[RL_DEFLATER_KINDS] = { 15, 15 + 16, 9 };
static const int memlevels[RL_DEFLATER_KINDS] = { 8, 8, 1 };

static size_t text(char *buf, size_t cap, int seed)
{
	size_t n = 0;
	for (int k = 0; n + 64 < cap; k++)
		n += (size_t)snprintf(buf + n, cap - n, "Line %d of story %d: %d people.\n", k,
				      seed, (k * 7919 + seed) % 1000);
	return n;
}

static size_t deflate_with(z_stream *z, const char *in, size_t len, unsigned char *out, size_t cap)
{
	z->next_in = (Bytef *)in;
	z->avail_in = (uInt)len;
	z->next_out = out;
	z->avail_out = (uInt)cap;
	assert_int_equal(deflate(z, Z_FINISH), Z_STREAM_END);
	return cap - z->avail_out;
}

static void test_reset_stream_deflates_as_a_new_one(void **state)
{
	static char in[20000];
	static unsigned char a[30000], b[30000];

	(void)state;
	for (int kind = 0; kind < RL_DEFLATER_KINDS; kind++)
		for (int seed = 0; seed < 4; seed++) {
			size_t len = text(in, sizeof(in) - (size_t)seed * 4000, seed);
			z_stream *z, fresh;
			size_t la, lb;

			assert_int_equal(rl_deflater_get(&z, (rl_deflater_kind)kind), 0);
			la = deflate_with(z, in, len, a, sizeof(a));
			memset(&fresh, 0, sizeof(fresh));
			assert_int_equal(deflateInit2(&fresh, levels[kind], Z_DEFLATED, wbits[kind], memlevels[kind],
						      Z_DEFAULT_STRATEGY), Z_OK);
			lb = deflate_with(&fresh, in, len, b, sizeof(b));
			deflateEnd(&fresh);
			assert_int_equal(la, lb);
			assert_memory_equal(a, b, la);
		}
	{
		z_stream *none;
		assert_int_equal(rl_deflater_get(&none, RL_DEFLATER_KINDS), RL_EINVAL);
		assert_null(none);
	}
	rl_deflater_release_thread();
}

static void *other_thread(void *arg)
{
	z_stream **mine = arg;

	if (rl_deflater_get(mine, RL_DEFLATER_GIT) < 0)
		*mine = NULL;
	return NULL; /* the stream is freed as the thread exits */
}

static void test_each_thread_has_its_own(void **state)
{
	z_stream *here, *again, *there = NULL;
	pthread_t t;

	(void)state;
	assert_int_equal(rl_deflater_get(&here, RL_DEFLATER_GIT), 0);
	assert_int_equal(pthread_create(&t, NULL, other_thread, &there), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_non_null(there);
	assert_ptr_not_equal(here, there);
	assert_int_equal(rl_deflater_get(&again, RL_DEFLATER_GIT), 0);
	assert_ptr_equal(here, again);
	rl_deflater_release_thread();
	rl_deflater_release_thread(); /* twice is fine */
	assert_int_equal(rl_deflater_get(&again, RL_DEFLATER_GZIP), 0);
	rl_deflater_release_thread();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_stream_deflates_as_a_new_one),
		cmocka_unit_test(test_each_thread_has_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
