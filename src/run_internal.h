/*
 * run_internal.h - what run.c and run_follow.c share (not a public header).
 */
#ifndef REDLINE_RUN_INTERNAL_H
#define REDLINE_RUN_INTERNAL_H

#include "redline/config.h"
#include "redline/fetch.h"
#include "redline/item.h"
#include "redline/run.h"
#include "redline/schedule.h"

struct cycle;

/* A followed article in flight. */
struct article {
	struct job *job;
	size_t item;          /* index in job->items (listing mode) */
	char id[13];
	char *body;           /* extracted text, for due-only mode */
	char *status;         /* "removed (...)", for due-only mode */
	int changed;          /* due-only mode: something to commit */
};

struct job {
	struct cycle *cycle;
	rl_source_config *cfg;
	rl_fetch_state *fs;
	int active;           /* fetched in this cycle */
	size_t pending;       /* transfers of this job in flight */
	char *listing_url;    /* effective URL of the listing */
	long listing_status;
	rl_hash128 listing_hash;
	rl_item_list items;   /* the listing's raw items, waiting for articles */
	int due_only;         /* listing unchanged: only due articles are checked */
	struct article *articles;
	size_t n_articles;
};

struct cycle {
	rl_archive *archive;
	const rl_run_opts *opts;
	int64_t now;
	rl_fetcher *fetcher;
	struct job *jobs;
	size_t n_jobs;
	rl_run_summary summary;
	char *user_agent;
	int unconditional;    /* REDLINE_NO_CONDITIONAL: no If-None-Match / If-Modified-Since */
};

void run_emit(struct cycle *cy, const char *source, rl_run_outcome outcome, const char *url,
	      long status, const char *message, const rl_ingest_result *ingest);
void run_request_from_config(rl_fetch_request *req, const struct job *job, const char *url);
void run_fail(struct job *job, long status, long retry_after, const char *message);
void run_succeed(struct job *job, long status, rl_run_outcome outcome, const rl_ingest_result *r);
void run_ingest_items(struct job *job);
void run_count_request(struct cycle *cy, const char *source, const rl_fetch_response *r);

/** Queues the article pages of new and due stories of a changed listing;
 *  returns how many are in flight (0: ingest the listing now). */
size_t run_follow_listing(struct job *job);

/** Queues the due article pages of an unchanged listing; returns how many. */
size_t run_follow_due(struct job *job);

/** 1 when a followed story of the job is due at `now`. */
int run_follow_any_due(const struct job *job, int64_t now);

#endif
