/* Bounded buffers: growth stops at the maximum, with RL_ETOOBIG, untouched. */
#include "testutil.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/hash.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static void test_buf_grows_and_stays_terminated(void **state)
{
	rl_buf b = RL_BUF_INIT(1024);
	assert_int_equal(rl_buf_puts(&b, "hello"), 0);
	assert_int_equal(rl_buf_printf(&b, " %d", 42), 0);
	assert_string_equal(b.ptr, "hello 42");
	assert_int_equal(b.len, 8);
	rl_buf_release(&b);
}

static void test_buf_refuses_past_max(void **state)
{
	rl_buf b = RL_BUF_INIT(8);
	assert_int_equal(rl_buf_puts(&b, "12345678"), 0);
	assert_int_equal(rl_buf_putc(&b, 'x'), RL_ETOOBIG);
	assert_string_equal(b.ptr, "12345678");
	assert_int_equal(rl_buf_put(&b, "y", SIZE_MAX), RL_ETOOBIG);
	rl_buf_release(&b);
}

static void test_strvec(void **state)
{
	rl_strvec v = RL_STRVEC_INIT;
	for (int i = 0; i < 100; i++)
		assert_int_equal(rl_strvec_pushn(&v, "abcdef", (size_t)(i % 6)), 0);
	assert_int_equal(v.n, 100);
	assert_string_equal(v.v[99], "abc");
	rl_strvec_release(&v);
}

static void test_hash_hex_matches_xxhsum(void **state)
{
	char hex[RL_HASH_HEX_SIZE], *out = NULL;
	rl_hash128 h = rl_hash128_bytes("redline\n", 8), back;

	rl_hash128_hex(hex, h);
	assert_int_equal(rl_hash128_parse(&back, hex), 0);
	assert_true(rl_hash128_equal(h, back));
	if (tu_sh(&out, "printf 'redline\\n' | xxhsum -H2 2>/dev/null | cut -d' ' -f1") == 0 && out[0]) {
		out[strcspn(out, "\n")] = '\0';
		/* xxhsum 0.8.1 prints "XXH128_<hex>" or "<hex>" depending on build */
		assert_non_null(strstr(out, hex));
	}
	free(out);
	assert_int_equal(rl_hash128_parse(&back, "zz"), RL_EINVAL);
}

/* rl_hash64_hex() writes what "%0*llx" writes, for every width. */
static void test_hex_is_printfs(void **state)
{
	uint64_t v = 0x0123456789abcdefull;
	char a[17], b[17];

	(void)state;
	for (int i = 0; i < 200; i++, v = v * 6364136223846793005ull + 1442695040888963407ull)
		for (int d = 1; d <= 16; d++) {
			uint64_t low = d == 16 ? v : v & ((1ull << (4 * d)) - 1);
			rl_hash64_hex(a, v, d);
			snprintf(b, sizeof(b), "%0*llx", d, (unsigned long long)low);
			assert_string_equal(a, b);
		}
}

/* A growable array keeps its elements, doubles from `first`, and leaves
 * room for exactly the next element. */
static void test_array_grow(void **state)
{
	struct pair { int a; long b; } *v = NULL;
	size_t n = 0, cap = 0;
	(void)state;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(rl_array_grow(&v, &cap, n, sizeof(*v), 4), 0);
		assert_true(cap > n);
		v[n].a = i;
		v[n++].b = -i;
	}
	assert_int_equal(cap, 128); /* 4, 8, ..., 128 */
	for (int i = 0; i < 100; i++)
		assert_true(v[i].a == i && v[i].b == -i);
	/* no room for the size: refused, array untouched */
	assert_int_equal(rl_array_grow(&v, &cap, cap, SIZE_MAX / 2, 4), RL_ENOMEM);
	assert_int_equal(v[99].a, 99);
	free(v);
}

static void test_buf_shrink_keeps_contents(void **state)
{
	rl_buf b = RL_BUF_INIT(1 << 20);

	(void)state;
	rl_buf_shrink(&b); /* empty: nothing to do */
	assert_null(b.ptr);
	assert_int_equal(rl_buf_grow(&b, 100000), 0);
	assert_int_equal(rl_buf_puts(&b, "warc"), 0);
	assert_true(b.cap > 100000);
	rl_buf_shrink(&b);
	assert_int_equal(b.cap, 5);
	assert_string_equal(b.ptr, "warc");
	assert_int_equal(rl_buf_puts(&b, " record"), 0); /* still grows */
	assert_string_equal(b.ptr, "warc record");
	rl_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_stays_terminated),
		cmocka_unit_test(test_buf_refuses_past_max),
		cmocka_unit_test(test_buf_shrink_keeps_contents),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_hash_hex_matches_xxhsum),
		cmocka_unit_test(test_hex_is_printfs),
		cmocka_unit_test(test_array_grow),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
