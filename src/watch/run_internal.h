/*
 * run_internal.h - what run.c and run_follow.c share (not a public header).
 */
#ifndef REDLINE_RUN_INTERNAL_H
#define REDLINE_RUN_INTERNAL_H

#include "redline/capture.h"
#include "redline/config.h"
#include "redline/fetch.h"
#include "redline/item.h"
#include "redline/run.h"
#include "redline/schedule.h"

#include "redline/pool.h"

struct cycle;

/* What a job waits to do once its turn comes (jobs commit in their order). */
enum run_ready {
	RUN_READY_NONE,
	RUN_READY_ITEMS,   /* run_ingest_items() */
	RUN_READY_DUE,     /* run_follow_commit_due() */
};

/* A followed article in flight.  What it taught us (validators, removal)
 * reaches the follow entry only once the story is committed: a failed
 * ingest must not turn the next check into a 304 that hides the edit. */
struct article {
	struct job *job;
	size_t item;          /* index in job->items (listing mode) */
	char id[13];
	char *body;           /* extracted text, for due-only mode */
	char *status;         /* "removed (HTTP 404, ...)" when the article is gone */
	char *etag;           /* validators of a fresh body */
	char *last_modified;
	int fresh;            /* a new body was read: keep its validators */
	int changed;          /* due-only mode: something to commit */
	rl_hash128 hash;      /* XXH3-128 of the article page (Snapshot-XXH3) */
	rl_capture *capture;  /* the article page as fetched (redline.capture) */
};

struct job {
	struct cycle *cycle;
	rl_source_config *cfg;
	rl_schedule_state *fs;
	int active;           /* fetched in this cycle */
	int to_fetch;         /* due: its listing is to be queued when in the window */
	int finished;         /* recorded as success or failure: its state is saved */
	int unpublished;      /* has commits in the cycle's batch whose ref move is to come */
	enum run_ready ready; /* parsed (and its articles back): to commit at its turn */
	int have_validators;  /* etag/last_modified below replace the state's on success */
	char *etag;
	char *last_modified;
	size_t pending;       /* transfers of this job in flight */
	char *listing_url;    /* effective URL of the listing */
	long listing_status;
	int listing_private;  /* the listing was fetched from a private address */
	rl_hash128 listing_hash;
	rl_item_list items;   /* the listing's items, waiting for articles or their turn */
	int items_prepared;   /* ... already normalised on a worker (rl_ingest_prepare) */
	int due_only;         /* listing unchanged: only due articles are checked */
	struct article *articles;
	size_t n_articles;
	rl_capture *capture;  /* the raw listing of this cycle, committed with it */
};

struct cycle {
	rl_archive *archive;
	const rl_run_opts *opts;
	int64_t now;
	rl_fetcher *fetcher;
	rl_ingest_batch *batch; /* the group commit of the cycle */
	rl_pool *pool;        /* parses finished listings off this thread */
	size_t next_commit;   /* jobs before this one are committed or done */
	size_t next_fetch;    /* jobs before this one had their listing queued */
	size_t ahead;         /* listings queued up to next_commit + ahead */
	struct job *jobs;
	size_t n_jobs;
	rl_run_summary summary;
	char *user_agent;
	int unconditional;    /* opts->unconditional: no If-None-Match / If-Modified-Since */
	rl_http_config http;  /* git's http.* of the archive, system and user */
	rl_capture_mode capture_mode; /* redline.capture */
	rl_appendset *appends; /* the day's fetch log and local WARC file, synced at the end */
	rl_schedule_book *book; /* fetch.json as read at the start, written back at the end */
	rl_strvec configured;  /* every source of the config: fetch.json keeps only these */
	int allow_private;    /* redline.allow-private-addresses: links anywhere */
	int archive_error;    /* the first commit that could not land (RL_E*), 0 if none */
	int fetchlog_warned;  /* a lost fetch log line was reported this cycle */
	char archive_message[1024];
};

void run_emit(struct cycle *cy, const char *source, rl_run_outcome outcome, const char *url,
	      long status, const char *message, const rl_ingest_result *ingest);
void run_request_from_config(rl_fetch_request *req, const struct job *job, const char *url);
void run_fail(struct job *job, long status, long retry_after, const char *message);
void run_succeed(struct job *job, long status, rl_run_outcome outcome, const rl_ingest_result *r);
/** Like run_succeed() without an event (the caller has emitted its own). */
void run_record_success(struct job *job, long status, rl_run_outcome outcome,
			const rl_ingest_result *r);
void run_ingest_items(struct job *job);
/** Sets the TLS, proxy and HTTP settings of a source's request (run_http.c). */
void run_http_request(rl_fetch_request *req, const struct job *job);
/** Emits RL_RUN_WARNING when the job fetches without TLS verification. */
void run_http_warn(struct job *job);
void run_count_request(struct cycle *cy, const char *source, const rl_fetch_response *r);

/** Marks the job ready to commit; commits every job whose turn has come. */
void run_job_ready(struct job *job, enum run_ready what);

/** Commits the changed articles of an unchanged listing, each its own commit. */
void run_follow_commit_due(struct job *job);

/** Queues the article pages of new and due stories of a changed listing;
 *  returns how many are in flight (0: ingest the listing now). */
size_t run_follow_listing(struct job *job);

/** Queues the due article pages of an unchanged listing; returns how many. */
size_t run_follow_due(struct job *job);

/** 1 when a followed story of the job is due at `now`. */
int run_follow_any_due(const struct job *job, int64_t now);

/** Moves what the article taught us (validators, removal) into its follow
 *  entry: called once the story is in the archive. */
void run_follow_keep(struct job *job, struct article *a);

/** The capture of a listing response (a revisit when `revisit`); `*out` is
 *  NULL when the response has nothing HTTP to keep (run_capture.c). */
int run_capture_build(rl_capture **out, const struct job *job, const rl_fetch_response *r,
		      int revisit);
/** With redline.capture = all: keeps the capture of a fetch that made no
 *  commit under <gitdir>/redline/warc/ (`c` NULL: built from `r`). */
void run_capture_keep_local(struct job *job, const rl_fetch_response *r, int revisit);
/** With redline.capture = all: keeps a capture built for a commit that was
 *  not made (nothing changed), outside git; NULL is fine. */
void run_capture_keep_uncommitted(struct job *job, const rl_capture *capture);
/** Appends the outcome of a source's fetch to its fetch log (fetchlog.h). */
void run_log_fetch(struct job *job, long status, rl_run_outcome outcome,
		   const rl_ingest_result *r);
/** Frees the strings of the job's articles. */
void run_follow_free(struct job *job);

#endif
