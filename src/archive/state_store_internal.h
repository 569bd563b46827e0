/*
 * state_store_internal.h - the change-detection states of every source of
 * an archive in one append-only file, redline/states.log (state_store.c);
 * used by state.c.
 */
#ifndef REDLINE_STATE_STORE_INTERNAL_H
#define REDLINE_STATE_STORE_INTERNAL_H

#include <stddef.h>
#include <sys/uio.h>

#include "redline/buf.h"

/* A record's text (a state's summed JSON) is at most this long. */
#define STATE_STORE_RECORD_MAX (64u * 1024 * 1024)
/* ...and given in at most this many pieces. */
#define STATE_STORE_PARTS_MAX 4

struct state_store;

/** A store for the file `path` (nothing is read or made yet). */
int state_store_new(struct state_store **out, const char *path);

/** Frees it; NULL is fine. */
void state_store_free(struct state_store *st);

/** The text last put for `source` into `out` (RL_ENOTFOUND, no message,
 *  when there is none).  What another process appended or rewrote since
 *  the last call is seen. */
int state_store_get(rl_buf *out, struct state_store *st, const char *source);

/** Records `text` (`n` pieces, one after the other) as the state of
 *  `source`: appended, one write; the file is rewritten with its live
 *  records alone when most of it is stale.  Callers hold the archive's
 *  writer lock; threads may call at once. */
int state_store_put(struct state_store *st, const char *source, const struct iovec *text, int n);

/** Bytes of the file and of its live records (tests, docs). */
void state_store_sizes(size_t *file, size_t *live, struct state_store *st);

#endif
