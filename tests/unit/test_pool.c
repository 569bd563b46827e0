/* The worker pool: every task runs once and comes back once, whatever the
 * number of threads; tasks queued at free time still run; a pool of one
 * thread works.  Built with ThreadSanitizer in scripts/test.sh. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/pool.h"

#include <stdlib.h>
#include <string.h>

#define TASKS 2000

struct work {
	unsigned long in, out;
	int runs;
};

static void square(void *arg)
{
	struct work *w = arg;
	unsigned long x = w->in;
	for (int i = 0; i < 100; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	w->out = x;
	w->runs++;
}

static unsigned long expect(unsigned long in)
{
	struct work w = { in, 0, 0 };
	square(&w);
	return w.out;
}

static void run_with(int threads)
{
	rl_pool *pool = NULL;
	struct work *w = calloc(TASKS, sizeof(*w));
	char *taken = calloc(TASKS, 1);
	void *arg;

	assert_non_null(w);
	assert_int_equal(rl_pool_new(&pool, threads), 0);
	assert_int_equal(rl_pool_threads(pool), threads > 0 ? threads : rl_pool_cores());
	for (size_t i = 0; i < TASKS; i++) {
		w[i].in = i;
		assert_int_equal(rl_pool_submit(pool, square, &w[i]), 0);
	}
	assert_int_equal(rl_pool_pending(pool), TASKS);
	for (size_t n = 0; n < TASKS; n++) {
		size_t i;
		assert_int_equal(rl_pool_take(&arg, pool, 10000), 0);
		i = (size_t)((struct work *)arg - w);
		assert_true(i < TASKS);
		assert_false(taken[i]);
		taken[i] = 1;
	}
	assert_int_equal(rl_pool_pending(pool), 0);
	assert_int_equal(rl_pool_take(&arg, pool, 0), RL_ENOTFOUND);
	assert_int_equal(rl_pool_take(&arg, pool, 20), RL_ENOTFOUND);
	for (size_t i = 0; i < TASKS; i++) {
		assert_int_equal(w[i].runs, 1);
		assert_true(w[i].out == expect(i));
	}
	rl_pool_free(pool);
	free(w);
	free(taken);
}

static void test_one_thread(void **state)
{
	(void)state;
	run_with(1);
}

static void test_four_threads(void **state)
{
	(void)state;
	run_with(4);
}

static void test_one_per_core(void **state)
{
	(void)state;
	run_with(0);
}

/* Freed with work still queued: the workers finish it first. */
static void test_free_finishes_queued_work(void **state)
{
	rl_pool *pool = NULL;
	struct work w[64];

	(void)state;
	memset(w, 0, sizeof(w));
	assert_int_equal(rl_pool_new(&pool, 3), 0);
	for (int i = 0; i < 64; i++)
		assert_int_equal(rl_pool_submit(pool, square, &w[i]), 0);
	rl_pool_free(pool);
	for (int i = 0; i < 64; i++)
		assert_int_equal(w[i].runs, 1);
	rl_pool_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_thread),
		cmocka_unit_test(test_four_threads),
		cmocka_unit_test(test_one_per_core),
		cmocka_unit_test(test_free_finishes_queued_work),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
