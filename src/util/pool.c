/*
 * pool.c - worker threads with a queue in and a queue out.
 *
 * One mutex guards both queues; workers wait on `work`, the owner on
 * `done`.  Queues are singly linked lists of small nodes, so a submit never
 * fails for lack of room beyond memory.
 */
#include "redline/pool.h"
#include "redline/error.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64

struct task {
	rl_pool_fn fn;
	void *arg;
	struct task *next;
};

struct queue {
	struct task *head, *tail;
};

struct rl_pool {
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct queue todo, finished;
	size_t pending;   /* submitted, not yet taken (owner thread only) */
	int stopping;
	int n_threads;
	pthread_t threads[MAX_THREADS];
};

static void push(struct queue *q, struct task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

static struct task *pop(struct queue *q)
{
	struct task *t = q->head;
	if (t) {
		q->head = t->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return t;
}

int rl_pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static void *worker(void *p)
{
	rl_pool *pool = p;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct task *t = pop(&pool->todo);
		if (t == NULL) {
			if (pool->stopping)
				break;
			pthread_cond_wait(&pool->work, &pool->lock);
			continue;
		}
		pthread_mutex_unlock(&pool->lock);
		t->fn(t->arg);
		pthread_mutex_lock(&pool->lock);
		push(&pool->finished, t);
		pthread_cond_signal(&pool->done);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

int rl_pool_new(rl_pool **out, int threads)
{
	rl_pool *pool;

	*out = NULL;
	if (threads <= 0)
		threads = rl_pool_cores();
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->done, NULL);
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker, pool) != 0) {
			rl_pool_free(pool);
			return rl_error_set(RL_ENOMEM, "cannot start a worker thread");
		}
		pool->n_threads++;
	}
	*out = pool;
	return 0;
}

int rl_pool_submit(rl_pool *pool, rl_pool_fn fn, void *arg)
{
	struct task *t = malloc(sizeof(*t));

	if (t == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	t->fn = fn;
	t->arg = arg;
	pthread_mutex_lock(&pool->lock);
	push(&pool->todo, t);
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	pool->pending++;
	return 0;
}

int rl_pool_take(void **arg, rl_pool *pool, int wait_ms)
{
	struct task *t;
	struct timespec until;

	*arg = NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&pool->lock);
	while ((t = pop(&pool->finished)) == NULL && wait_ms > 0) {
		if (pthread_cond_timedwait(&pool->done, &pool->lock, &until) == ETIMEDOUT) {
			t = pop(&pool->finished);
			break;
		}
	}
	pthread_mutex_unlock(&pool->lock);
	if (t == NULL)
		return RL_ENOTFOUND;
	*arg = t->arg;
	free(t);
	pool->pending--;
	return 0;
}

size_t rl_pool_pending(const rl_pool *pool)
{
	return pool->pending;
}

int rl_pool_threads(const rl_pool *pool)
{
	return pool->n_threads;
}

void rl_pool_free(rl_pool *pool)
{
	struct task *t;

	if (pool == NULL)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = 1;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (int i = 0; i < pool->n_threads; i++)
		pthread_join(pool->threads[i], NULL);
	while ((t = pop(&pool->todo)) != NULL)
		free(t);
	while ((t = pop(&pool->finished)) != NULL)
		free(t);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->done);
	pthread_mutex_destroy(&pool->lock);
	free(pool);
}
