/*
 * ingest_save.c - the states of a group commit, saved on helper threads.
 *
 * After the ref move of a cycle of a thousand sources, rendering and
 * writing their states and bringing the revision index up to date were
 * the end of the cycle, one after the other on one thread, with the other
 * cores idle.  Neither needs the other: the index reads the repository
 * (libgit2, whose objects stay on the caller's thread), a state needs
 * only the archive's store of states.  So helpers append the new ids to the known
 * list (which the states name, and so must come first) and save the
 * states while the caller does its part, then the caller joins in.  Each
 * state is claimed through an atomic counter: the work spreads whatever
 * each state costs.  Each one is freed once written, by the thread that
 * wrote it: a thousand states' strings were the cost of the batch's reset.
 *
 * The states go into one file (archive/state_store.c), one append each
 * under the store's mutex: rendering them, the bulk of the work, runs on
 * every helper at once.
 */
#include "ingest_internal.h"
#include "redline/error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fewer states than this for each helper: not worth waking one. */
#define STATES_PER_HELPER 32

struct saves;

struct saver {
	struct saves *s;
	int error;
	char message[512];
};

struct saves {
	rl_archive *archive;
	rl_state **states;
	size_t n;
	const rl_state_known *known;
	size_t n_known;
	char mark[RL_STATE_MARK_SIZE];
	atomic_size_t next;
	atomic_int failed;
	/* the ids' append, before any state is saved: by the first helper */
	pthread_mutex_t lock;
	pthread_cond_t appended;
	int append_done;
	struct saver append;
};

/* The new ids into the list, then the mark every state records. */
static void append_known(struct saves *s)
{
	struct saver *w = &s->append;

	if ((w->error = rl_state_append_known(s->archive, s->known, s->n_known)) < 0) {
		snprintf(w->message, sizeof(w->message), "%s", rl_error_last());
		atomic_store(&s->failed, 1);
	} else {
		rl_state_known_mark(s->mark, s->archive);
	}
}

static void wait_appended(struct saves *s)
{
	pthread_mutex_lock(&s->lock);
	while (!s->append_done)
		pthread_cond_wait(&s->appended, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

static void save_some(struct saver *w)
{
	struct saves *s = w->s;
	size_t i;

	wait_appended(s);
	/* After a failure the others stop too, as the one-thread loop did. */
	while (!atomic_load(&s->failed) && (i = atomic_fetch_add(&s->next, 1)) < s->n) {
		if ((w->error = rl_state_save_marked(s->states[i], s->archive, s->mark)) < 0) {
			snprintf(w->message, sizeof(w->message), "%s", rl_error_last());
			atomic_store(&s->failed, 1);
			break;
		}
		rl_state_free(s->states[i]);
		s->states[i] = NULL;
	}
}

static void appended(struct saves *s)
{
	pthread_mutex_lock(&s->lock);
	s->append_done = 1;
	pthread_cond_broadcast(&s->appended);
	pthread_mutex_unlock(&s->lock);
}

static void first_helper(void *arg)
{
	struct saver *w = arg;

	append_known(w->s);
	appended(w->s);
	save_some(w);
	rl_error_clear(); /* the messages went into the savers */
}

static void helper(void *arg)
{
	save_some(arg);
	rl_error_clear(); /* the message went into the saver */
}

/* How many helpers to wake: none without a pool (made on first need). */
static size_t helpers_for(rl_pool **pool, size_t n)
{
	size_t want = n / STATES_PER_HELPER;

	if (want == 0)
		return 0;
	if (*pool == NULL && rl_pool_new(pool, 0) < 0) {
		rl_error_clear(); /* the caller saves them all */
		return 0;
	}
	return want < (size_t)rl_pool_threads(*pool) ? want : (size_t)rl_pool_threads(*pool);
}

/* The first error: the append's, then the caller's, then the helpers'. */
static int first_error(const struct saves *s, const struct saver *self,
		       const struct saver *helpers, size_t n)
{
	if (s->append.error < 0)
		return rl_error_set(s->append.error, "%s", s->append.message);
	if (self->error < 0)
		return rl_error_set(self->error, "%s", self->message);
	for (size_t i = 0; i < n; i++)
		if (helpers[i].error < 0)
			return rl_error_set(helpers[i].error, "%s", helpers[i].message);
	return 0;
}

int ingest_save_states(rl_pool **pool, rl_archive *archive, const rl_state_known *known,
		       size_t n_known, rl_state **states, size_t n,
		       void (*meanwhile)(void *), void *userdata)
{
	struct saves s = { .archive = archive, .states = states, .n = n, .known = known,
			   .n_known = n_known };
	struct saver self = { .s = &s }, *helpers = NULL;
	size_t k = helpers_for(pool, n), started = 0;
	int error;

	atomic_init(&s.next, 0);
	atomic_init(&s.failed, 0);
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.appended, NULL);
	if (k > 0 && (helpers = calloc(k, sizeof(*helpers))) == NULL)
		k = 0;
	for (; started < k; started++) {
		helpers[started].s = &s;
		if (rl_pool_submit(*pool, started == 0 ? first_helper : helper,
				   &helpers[started]) < 0) {
			rl_error_clear();
			break;
		}
	}
	if (started == 0) { /* no helper: this thread does it all, in order */
		append_known(&s);
		appended(&s);
	}
	if (meanwhile)
		meanwhile(userdata);
	save_some(&self);
	/* every helper, even after a failure: they read `s`, on this stack */
	for (size_t taken = 0; taken < started;) {
		void *arg;
		if (rl_pool_take(&arg, *pool, 1000) == 0)
			taken++;
	}
	error = first_error(&s, &self, helpers, started);
	pthread_cond_destroy(&s.appended);
	pthread_mutex_destroy(&s.lock);
	free(helpers);
	return error;
}
