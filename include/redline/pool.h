/*
 * redline/pool.h - a small pool of worker threads for CPU work (parsing).
 *
 * The owner thread submits tasks and takes them back when done; a task's
 * function runs on a worker and must touch nothing but its argument (and
 * thread-safe library state: rl_error_* is thread-local).  Tasks come back
 * in the order they finish; callers that need an order impose it.
 */
#ifndef REDLINE_POOL_H
#define REDLINE_POOL_H

#include <stddef.h>

typedef struct rl_pool rl_pool;

typedef void (*rl_pool_fn)(void *arg);

/** The number of online CPUs (at least 1). */
int rl_pool_cores(void);

/** Starts `threads` workers (<= 0: rl_pool_cores(), at most 64). */
int rl_pool_new(rl_pool **out, int threads);

/** Queues `fn(arg)` to run on a worker. */
int rl_pool_submit(rl_pool *pool, rl_pool_fn fn, void *arg);

/** Takes one finished task's `arg`, waiting up to `wait_ms` (0: do not
 *  wait); RL_ENOTFOUND (no message) when none finished in that time. */
int rl_pool_take(void **arg, rl_pool *pool, int wait_ms);

/** Tasks submitted and not yet taken. */
size_t rl_pool_pending(const rl_pool *pool);

/** The number of workers. */
int rl_pool_threads(const rl_pool *pool);

/** Lets the workers finish what is queued, joins them, frees the pool; the
 *  args of tasks never taken are not freed (take them first).  NULL is fine. */
void rl_pool_free(rl_pool *pool);

#endif
