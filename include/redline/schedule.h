/*
 * redline/schedule.h - when a source or a followed story is due, and what
 * redline remembers about fetching it.
 *
 * Every source's fetch state is kept in one file, <archive>/redline/fetch.json,
 * read once and written once per cycle (temporary file and rename, no fsync)
 * under <archive>/redline/fetch.flock, read again under that lock (unless
 * it is still the file the cycle read) so that a concurrent `run` or
 * `watch` loses none of the other's sources.  A cycle drops the entries of
 * sources no longer configured, and writes nothing when no entry changed.  Archives of
 * older versions kept one file per source, redline/fetch/<source>.json: they
 * are still read, and removed once the combined file holds them.  It is a
 * cache of politeness and status: losing it costs one unconditional fetch per
 * URL and the error history shown by `redline status`, never a story.
 */
#ifndef REDLINE_SCHEDULE_H
#define REDLINE_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "redline/archive.h"
#include "redline/hash.h"

/** A story whose article page redline follows. */
typedef struct rl_schedule_follow {
	char id[13];
	char *url;
	char *etag;
	char *last_modified;
	int64_t first_seen;
	int64_t last_checked;
	int removed;              /* answered 404/410 once: recorded, not fetched again */
	char *status;             /* the story's Status header once removed, e.g.
	                             "removed (HTTP 404, 2026-11-29T10:00:00Z)"; NULL otherwise */
	int on_page;              /* on the listing at its last fetch */
} rl_schedule_follow;

typedef struct rl_schedule_state {
	char *source;
	char *etag;               /* of the last good response */
	char *last_modified;
	rl_hash128 body_hash;     /* XXH3-128 of the last good body */
	int has_body_hash;
	int64_t last_fetch;       /* Unix seconds; 0 = never */
	int64_t last_success;
	int64_t last_change;      /* last commit for this source */
	int64_t next_due;
	int last_status;          /* HTTP status of the last response, 0 if none */
	char *last_error;         /* NULL after a success */
	int failures;             /* consecutive */
	size_t items;             /* stories on the page at the last success */
	rl_schedule_follow *follow;
	size_t n_follow;
} rl_schedule_state;

/* Backoff never waits longer than this, whatever the failures or Retry-After. */
#define RL_SCHEDULE_MAX_BACKOFF (24 * 3600)
/* A follow entry off the listing this long after its first sighting is forgotten. */
#define RL_SCHEDULE_FOLLOW_FORGET_AFTER (8 * 24 * 3600)

/** The fetch state of every source, as read at the start of a cycle. */
typedef struct rl_schedule_book rl_schedule_book;

/** Reads redline/fetch.json and, for the sources it lacks, an older
 *  archive's redline/fetch/<source>.json.  Missing files give an empty book;
 *  a damaged, hostile or oversized fetch.json too, with the reason in
 *  rl_schedule_book_damage() (it is rebuilt by the next save). */
int rl_schedule_book_load(rl_schedule_book **out, rl_archive *archive);
/** The state of `source` (the caller's): as recorded, or a fresh one. */
int rl_schedule_book_get(rl_schedule_state **out, const rl_schedule_book *book,
			 const char *source);
/** Why fetch.json was read as empty ("cannot parse ..."), NULL when it was fine. */
const char *rl_schedule_book_damage(const rl_schedule_book *book);
/** Frees a book; NULL is fine. */
void rl_schedule_book_free(rl_schedule_book *book);

/** Records the states of `n` sources: under the lock, fetch.json is read
 *  again, these sources' entries replaced (every other source keeps what
 *  the file says) and the file replaced.  Per-source files of older
 *  versions are merged in and removed; a damaged fetch.json is kept as
 *  fetch.json.damaged and replaced. */
int rl_schedule_save_all(rl_archive *archive, const rl_schedule_state *const *states, size_t n);

/** rl_schedule_save_all() at the end of a cycle that loaded `book`: when
 *  fetch.json is still the file the book was read from, the book is
 *  changed and written instead of the file being read again (the book is
 *  only fit for rl_schedule_book_free() afterwards).  With `configured`
 *  (the names of every source the archive has), the entries of other
 *  sources are dropped.  Nothing is written when no entry changed. */
int rl_schedule_book_save(rl_schedule_book *book, rl_archive *archive,
			  const rl_schedule_state *const *states, size_t n,
			  const char *const *configured, size_t n_configured);

/** Loads the state of one source (rl_schedule_book_load() and
 *  rl_schedule_book_get(): a cycle loads the book once instead). */
int rl_schedule_load(rl_schedule_state **out, rl_archive *archive, const char *source);
/** Records the state of one source (rl_schedule_save_all() of one). */
int rl_schedule_save(const rl_schedule_state *state, rl_archive *archive);
/** Forgets the source's state (for `redline rm`); absent is fine. */
int rl_schedule_remove(rl_archive *archive, const char *source);
/** Frees a schedule state; NULL is fine. */
void rl_schedule_free(rl_schedule_state *state);

/** Records a failure: counts it and sets next_due with exponential backoff
 *  (every * 2^(failures-1), capped at RL_SCHEDULE_MAX_BACKOFF, and at least
 *  Retry-After, which is capped the same way).  `every_seconds` <= 0 means
 *  the default, 600. */
int rl_schedule_fail(rl_schedule_state *state, int64_t now, int every_seconds,
			int http_status, long retry_after_seconds, const char *message);

/** Records a success (next_due = now + every, with up to 10 % jitter). */
void rl_schedule_succeed(rl_schedule_state *state, int64_t now, int every_seconds, int http_status);

/** The follow entry of story `id`, or NULL. */
rl_schedule_follow *rl_schedule_follow_find(rl_schedule_state *state, const char *id);
/** Adds (or returns the existing) follow entry of `id`. */
int rl_schedule_follow_add(rl_schedule_follow **out, rl_schedule_state *state, const char *id,
			      const char *url, int64_t first_seen);

/** Forgets follow entries that are off the listing and older than
 *  RL_SCHEDULE_FOLLOW_FORGET_AFTER (the list would otherwise grow by every story the
 *  source ever had).  Returns how many were dropped. */
size_t rl_schedule_follow_prune(rl_schedule_state *state, int64_t now);

/** When a followed story is due again: every 15 min in its first 6 hours,
 *  hourly for its first day, daily for its first week, then never (-1). */
int64_t rl_schedule_follow_next_check(const rl_schedule_follow *entry);

#endif
