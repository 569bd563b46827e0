/*
 * redline/ingest.h - one snapshot into the archive: the pipeline.
 *
 *   bytes -> extract -> normalise -> identity -> XXH3-128 -> commit -> hooks
 *
 * An unchanged snapshot writes nothing.  A snapshot with no items, or one
 * that loses most of the stories of the previous one at once, is refused
 * with RL_EGUARD and marks nothing as gone; `force` accepts both.
 */
#ifndef REDLINE_INGEST_H
#define REDLINE_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/change.h"
#include "redline/classify.h"
#include "redline/figures.h"
#include "redline/format.h"
#include "redline/hash.h"
#include "redline/hook.h"
#include "redline/item.h"

struct rl_source_config;

/*
 * A group commit: the snapshots ingested with the same batch become their
 * commits (one per snapshot that changed something, each with its own
 * message, trailers and time) but are written as ONE pack with ONE fsync and
 * published by ONE move of refs/heads/main at rl_ingest_batch_commit(), or
 * earlier when a bound (commits, bytes, seconds) is reached.  The writer
 * lock is taken by the first snapshot and held until the ref moved.  State
 * caches are written only after the ref moved; hooks run after that,
 * unlocked, one payload per commit, in order.  A crash before the ref move
 * loses the batch's commits and nothing else: the next cycle fetches them
 * again.  Without a batch, each rl_ingest*() call is a batch of its own.
 */
typedef struct rl_ingest_batch rl_ingest_batch;

/** Told the hook results of each outbox entry delivered or tried after a
 *  batch, in commit order: the batch's commits (`source` set) after any
 *  earlier ones still pending (`source` NULL). */
typedef void (*rl_ingest_hooks_cb)(const char *source, const git_oid *commit,
				   const rl_hook_result hooks[2], void *userdata);

/** Told the commits of each group commit once the ref moved (and the state
 *  caches are saved), before their hooks run: e.g. to push them. */
typedef void (*rl_ingest_flush_cb)(rl_archive *archive, const git_oid *commits, size_t n,
				   void *userdata);

typedef struct rl_ingest_batch_opts {
	size_t max_commits;       /* group-commit at this many commits; 0: 1,000 */
	size_t max_bytes;         /* ... or this many bytes of new files; 0: 64 MiB */
	int max_seconds;          /* ... or when the batch is this old; 0: 60 s */
	int lock_wait_ms;         /* 0: 10 s */
	rl_ingest_hooks_cb on_hooks;
	rl_ingest_flush_cb on_flush;
	void *userdata;
} rl_ingest_batch_opts;

/** Starts a group commit on `archive` (nothing is locked or written yet).
 *  `opts` may be NULL. */
int rl_ingest_batch_new(rl_ingest_batch **out, rl_archive *archive,
			const rl_ingest_batch_opts *opts);

/** Writes what the batch holds (one pack, one fsync, one ref move), saves the
 *  state caches, drops the lock, runs the hooks.  The batch can then take
 *  more snapshots.  Nothing queued: nothing written. */
int rl_ingest_batch_commit(rl_ingest_batch *batch);

/** Commits queued and not yet written. */
size_t rl_ingest_batch_pending(const rl_ingest_batch *batch);

/** Frees the batch; commits not yet written are dropped (as a crash would). */
void rl_ingest_batch_free(rl_ingest_batch *batch);

typedef struct rl_ingest_opts {
	const struct rl_source_config *config; /* the source's settings; NULL: load them */
	rl_format format;        /* RL_FORMAT_AUTO sniffs */
	int64_t time;            /* snapshot time, Unix seconds */
	const char *source_url;  /* the page's URL: resolves links; Source-URL trailer */
	const char *origin;      /* Source-URL when there is no source_url, e.g. file:///x */
	const char *charset;     /* from an HTTP header; NULL to sniff */
	const rl_hash128 *snapshot_hash; /* for rl_ingest_items/_story: XXH3-128 of the
	                                    bytes fetched (Snapshot-XXH3); NULL: none */
	int force;               /* accept a snapshot the guard would refuse */
	int allow_empty;         /* record a page whose main text came out empty
	                            (otherwise refused: nothing is lost silently) */
	int no_hooks;            /* do not run hooks */
	int hook_timeout_ms;     /* 0: 30 s */
	int lock_wait_ms;        /* 0: 10 s */
	const struct rl_capture *const *captures; /* raw captures of this snapshot:
	                            committed with it, one Capture trailer each */
	size_t n_captures;
	const char *reextract_of; /* a re-extraction of this commit's capture: a
	                            distinct summary, a Reextract-Of trailer, no
	                            hooks, and no "same bytes" short cut */
	rl_ingest_batch *batch;  /* join this group commit; NULL: commit at once */
	int prepared;            /* rl_ingest_items: the items went through
	                            rl_ingest_prepare() already */
} rl_ingest_opts;

typedef struct rl_ingest_result {
	int committed;           /* 1 when a commit was made */
	git_oid commit;          /* with a batch: as built, final unless a writer
	                            without the lock moved the ref meanwhile */
	int same_snapshot;       /* the raw bytes equal the last snapshot's */
	size_t n_items;          /* stories on the page */
	size_t counts[6];        /* per rl_change_kind */
	size_t unchanged;
	size_t n_empty;          /* whole-page stories whose body came out empty
	                            (no main text found); recorded only with
	                            allow_empty or force, else refused */
	rl_change *changes;
	size_t n_changes;
	rl_hook_result hooks[2]; /* post-snapshot, post-commit (without a batch) */
	char warning[512];       /* something after the commit went wrong; "" if not */
} rl_ingest_result;

/** Ingests one snapshot of `source`.  `*out` is the caller's, also on RL_EGUARD
 *  (so the counts can be shown); free with rl_ingest_result_free(). */
int rl_ingest(rl_ingest_result **out, rl_archive *archive, const char *source,
	      const char *data, size_t len, const rl_ingest_opts *opts);

/** Frees a result with its changes and hook results; NULL is fine. */
void rl_ingest_result_free(rl_ingest_result *result);


/** The first half of rl_ingest(): the raw items of a snapshot (before
 *  normalisation), for callers that enrich them (following articles). */
int rl_ingest_extract(rl_item_list *items, const struct rl_source_config *config,
		      const char *data, size_t len, const rl_ingest_opts *opts);

/** The part of the second half that needs no archive and no state of the
 *  source (so it may run on any thread): normalises the text of `items`,
 *  canonicalises their links against opts->source_url (else the source's
 *  URL) and sets their keys, as rl_snapshot_prepare() says.  Identity and
 *  classification stay for rl_ingest_items(), told so by opts->prepared. */
int rl_ingest_prepare(rl_item_list *items, const struct rl_source_config *config,
		      const rl_ingest_opts *opts);

/** The second half: normalises, identifies and commits `items` (taking their
 *  contents; the list is left empty). */
int rl_ingest_items(rl_ingest_result **out, rl_archive *archive, const char *source,
		    rl_item_list *items, const rl_ingest_opts *opts);

/** Gives one story on the page a new body (raw text, paragraphs separated by
 *  "\n"; NULL keeps the body) and/or a Status header ("removed (HTTP 404,
 *  ...)"), leaving the page as it is: a followed article was edited or removed. */
int rl_ingest_story(rl_ingest_result **out, rl_archive *archive, const char *source,
		    const char *id, const char *body, const char *status,
		    const rl_ingest_opts *opts);

#endif
