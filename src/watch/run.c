/*
 * run.c - one cycle over the sources through one libcurl multi handle.
 *
 * Each source is a job: its listing is fetched; for sources that follow
 * their stories, the article pages of new and due stories are fetched too
 * (in the same multi handle), and only when all of a job's transfers are
 * back is the snapshot ingested.  Callbacks run on this thread, from
 * rl_fetcher_run(), so jobs need no locking.  Failures are recorded in the
 * job's fetch state with backoff; nothing that fails ever reaches the
 * archive as "stories gone".
 */
#include "redline/run.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/appendset.h"
#include "redline/extract.h"
#include "redline/fetch.h"
#include "redline/normalise.h"
#include "redline/schedule.h"
#include "redline/snapshot.h"
#include "redline/state.h"
#include "redline/timeutil.h"
#include "run_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Jobs whose listing may be fetched, parsed and waiting at once, counted
 * from the next job to commit (more with more connections).  32 keeps 16
 * connections busy two deep; 128 and 64 gave the same first run of 1,000
 * pages (2.8-4.0 s) at 11 and 3 MB more peak RSS once story files were
 * packed ahead (their deflated bytes wait in this window). */
#define RUN_AHEAD 32

void run_emit(struct cycle *cy, const char *source, rl_run_outcome outcome, const char *url,
	      long status, const char *message, const rl_ingest_result *ingest)
{
	rl_run_event ev = { source, outcome, url, status, message, ingest, 0, 0 };

	if (cy->opts->on_event)
		cy->opts->on_event(&ev, cy->opts->userdata);
}

void run_count_request(struct cycle *cy, const char *source, const rl_fetch_response *r)
{
	rl_run_event ev = { source, RL_RUN_REQUEST, r->url, r->status, r->message, NULL,
			    r->bytes_received, r->total_seconds };

	cy->summary.requests++;
	cy->summary.bytes += r->bytes_received;
	if (cy->opts->on_event)
		cy->opts->on_event(&ev, cy->opts->userdata);
}

void run_request_from_config(rl_fetch_request *req, const struct job *job, const char *url)
{
	const rl_source_config *cfg = job->cfg;

	memset(req, 0, sizeof(*req));
	req->url = url;
	req->headers = (const char *const *)cfg->headers.v;
	req->headers_count = cfg->headers.n;
	/* Secrets stay home: the source's headers go to its own origin only,
	 * and its redirects reach a private address only from one. */
	req->headers_origin = cfg->url;
	req->addresses = job->cycle->allow_private ? RL_FETCH_ADDRESSES_ANY
						   : RL_FETCH_ADDRESSES_LIKE_FIRST;
	req->user_agent = cfg->user_agent ? cfg->user_agent : job->cycle->user_agent;
	if (cfg->timeout_seconds > 0) {
		long t = cfg->timeout_seconds;
		/* The source's timeout bounds every wait of its fetches: a server
		 * that trickles is cut off within half of it (the low-speed window
		 * is 20 s otherwise), and connecting never takes longer than it. */
		req->timeout_ms = t * 1000;
		if (t < 2 * RL_FETCH_DEFAULT_LOW_SPEED_TIME)
			req->low_speed_time_s = t / 2 > 0 ? t / 2 : 1;
		if (t * 1000 < RL_FETCH_DEFAULT_CONNECT_TIMEOUT_MS)
			req->connect_timeout_ms = t * 1000;
	}
	/* file:// only for a source configured so, and only for its own URL. */
	req->allow_file = strncmp(url, "file://", 7) == 0 && cfg->url && strcmp(cfg->url, url) == 0;
	run_http_request(req, job);
}

/* Records a failure of the whole source: backoff, no commit, and the
 * validators of the last good response stay as they were. */
void run_fail(struct job *job, long status, long retry_after, const char *message)
{
	struct cycle *cy = job->cycle;

	rl_schedule_fail(job->fs, cy->now, job->cfg->every_seconds, (int)status, retry_after,
			    message);
	job->finished = 1;
	cy->summary.failed++;
	if (job->cfg->url)
		run_log_fetch(job, status, RL_RUN_FAILED, NULL);
	run_emit(cy, job->cfg->name, RL_RUN_FAILED, job->cfg->url, status, message, NULL);
}

void run_record_success(struct job *job, long status, rl_run_outcome outcome,
			const rl_ingest_result *r)
{
	struct cycle *cy = job->cycle;
	rl_schedule_state *fs = job->fs;

	rl_schedule_succeed(fs, cy->now, job->cfg->every_seconds, (int)status);
	if (job->have_validators) {
		/* Only now is the response this validates in the archive. */
		free(fs->etag);
		free(fs->last_modified);
		fs->etag = job->etag;
		fs->last_modified = job->last_modified;
		job->etag = job->last_modified = NULL;
		job->have_validators = 0;
	}
	if (r && r->committed) {
		fs->last_change = cy->now;
		cy->summary.changes += r->n_changes;
	}
	if (r && !r->same_snapshot)
		fs->items = r->n_items;
	job->finished = 1;
	run_log_fetch(job, status, outcome, r);
	if (outcome == RL_RUN_CHANGED)
		cy->summary.changed++;
	else
		cy->summary.unchanged++;
}

void run_succeed(struct job *job, long status, rl_run_outcome outcome, const rl_ingest_result *r)
{
	run_record_success(job, status, outcome, r);
	run_emit(job->cycle, job->cfg->name, outcome, job->cfg->url, status, NULL, r);
}

/* A failure of the archive itself, not of the source's page: the cycle
 * must fail with it, not report "1 of N sources failed" and exit 0. */
static int is_archive_error(int error)
{
	return error == RL_ELOCKED || error == RL_EGIT || error == RL_EIO || error == RL_ENOMEM;
}

static void ingest_done(struct job *job, int error, const rl_ingest_result *result)
{
	struct cycle *cy = job->cycle;

	if (!(result && result->committed)) {
		/* capture = all: the listing and the articles merged into it */
		run_capture_keep_uncommitted(job, job->capture);
		for (size_t i = 0; i < job->n_articles; i++)
			run_capture_keep_uncommitted(job, job->articles[i].capture);
	}
	if (error < 0) {
		if (is_archive_error(error) && cy->archive_error == 0) {
			cy->archive_error = error;
			snprintf(cy->archive_message, sizeof(cy->archive_message),
				 "cannot commit '%s': %s", job->cfg->name, rl_error_last());
		}
		run_fail(job, job->listing_status, 0, rl_error_last());
		return;
	}
	job->fs->has_body_hash = 1;
	job->fs->body_hash = job->listing_hash;
	/* Still queued, unless a bound of the batch committed it (on_published
	 * ran during this very ingest): then its fetch state may be saved. */
	job->unpublished |= result->committed && rl_ingest_batch_pending(cy->batch) > 0;
	for (size_t i = 0; i < job->n_articles; i++)
		run_follow_keep(job, &job->articles[i]);
	run_succeed(job, job->listing_status, result->committed ? RL_RUN_CHANGED : RL_RUN_UNCHANGED,
		    result);
}

/* Ingests the listing's items (articles merged in for follow sources). */
void run_ingest_items(struct job *job)
{
	struct cycle *cy = job->cycle;
	rl_ingest_opts opts = { 0 };
	rl_ingest_result *result = NULL;
	const rl_capture **captures = NULL;
	size_t n = 0;
	int error;

	opts.time = cy->now;
	opts.source_url = job->listing_url;
	opts.no_hooks = cy->opts->no_hooks;
	opts.force = cy->opts->force;
	opts.config = job->cfg;
	opts.batch = cy->batch;
	opts.snapshot_hash = &job->listing_hash;
	opts.prepared = job->items_prepared;
	/* The listing's capture and those of the articles merged into it. */
	if ((captures = calloc(job->n_articles + 1, sizeof(*captures))) != NULL) {
		if (job->capture)
			captures[n++] = job->capture;
		for (size_t i = 0; i < job->n_articles; i++)
			if (job->articles[i].capture)
				captures[n++] = job->articles[i].capture;
	}
	opts.captures = captures;
	opts.n_captures = n;
	error = rl_ingest_items(&result, cy->archive, job->cfg->name, &job->items, &opts);
	ingest_done(job, error, result);
	rl_ingest_result_free(result);
	free(captures);
	/* The captures are in the batch's pack (or kept outside git) now: a
	 * first run would otherwise hold every source's until the cycle ends. */
	rl_capture_free(job->capture);
	job->capture = NULL;
	for (size_t i = 0; i < job->n_articles; i++) {
		rl_capture_free(job->articles[i].capture);
		job->articles[i].capture = NULL;
	}
}

/* A finished listing to parse on a worker: only the job's settings and
 * URL (not changed while it is out) and the response are read there.
 * Everything that depends on the response alone is done there: the raw
 * capture (WARC records, gzip), extraction and - for a source that does not
 * follow its stories, whose items are final once extracted - normalisation
 * (rl_ingest_prepare) and the story files rendered (and, on a first
 * snapshot, packed) for the header of a new story (rl_snapshot_render_ahead).  What needs the source's state (identity,
 * classification) and the archive stays on the cycle's thread, in order. */
struct parse_task {
	struct job *job;
	rl_fetch_response *r;
	rl_item_list items;
	int prepared;         /* items normalised (rl_ingest_opts.prepared) */
	int pack;             /* story files packed ahead too (rl_snapshot_render_ahead) */
	int error;
	char message[1024];
	rl_capture *capture;  /* the listing's capture; NULL: none or failed */
	int capture_error;
	char capture_message[512];
};

static void parse_work(void *arg)
{
	struct parse_task *t = arg;
	const rl_source_config *cfg = t->job->cfg;
	rl_ingest_opts opts = { 0 };

	if ((t->capture_error = run_capture_build(&t->capture, t->job, t->r, 0)) < 0)
		snprintf(t->capture_message, sizeof(t->capture_message), "%s", rl_error_last());
	/* Committed with the snapshot: its blob is packed here, not by the writer. */
	else if (t->capture &&
		 rl_archive_blob_pack(&t->capture->packed, t->capture->bytes.ptr,
				      t->capture->bytes.len) < 0)
		rl_error_clear(); /* the writer packs it */
	opts.time = t->job->cycle->now;
	opts.source_url = t->job->listing_url;
	opts.charset = t->r->charset;
	if ((t->error = rl_ingest_extract(&t->items, cfg, t->r->body, t->r->body_len, &opts)) ==
		    0 &&
	    !cfg->follow) {
		t->error = rl_ingest_prepare(&t->items, cfg, &opts);
		t->prepared = t->error == 0;
		/* The story files as they will be if new: the writer renders only
		 * the header again, and a new story's blob is packed already. */
		if (t->prepared &&
		    rl_snapshot_render_ahead(&t->items, cfg->name, opts.time, t->pack) < 0)
			rl_error_clear(); /* left to the writer's thread */
	}
	if (t->error < 0)
		snprintf(t->message, sizeof(t->message), "%s", rl_error_last());
	rl_error_clear();
}

static void parse_task_free(struct parse_task *t)
{
	rl_item_list_release(&t->items);
	rl_capture_free(t->capture);
	rl_fetch_response_free(t->r);
	free(t);
}

/* Back on the cycle's thread: the job goes on with its items. */
static void parsed(struct parse_task *t)
{
	struct job *job = t->job;

	if (t->capture_error < 0)
		run_emit(job->cycle, job->cfg->name, RL_RUN_FAILED, job->cfg->url, t->r->status,
			 t->capture_message, NULL);
	rl_capture_free(job->capture);
	job->capture = t->capture;
	t->capture = NULL;
	if (t->error < 0) {
		run_fail(job, t->r->status, 0, t->message);
	} else {
		job->items = t->items;
		job->items_prepared = t->prepared;
		memset(&t->items, 0, sizeof(t->items));
		/* Followed articles first; the snapshot waits for them. */
		if (!job->cfg->follow || run_follow_listing(job) == 0)
			run_job_ready(job, RUN_READY_ITEMS);
	}
	parse_task_free(t);
}

static void on_listing(rl_fetch_response *r, void *userdata);

/* Queues the listings of due jobs up to RUN_AHEAD jobs past the next one
 * to commit.  Jobs commit in their order, so whatever the network and the
 * workers do meanwhile - responses, captures, parsed items - waits in
 * memory for its turn; the window bounds it by jobs, not by the number of
 * sources (a first run of a thousand pages held all of them at once). */
static void feed(struct cycle *cy)
{
	if (cy->opts->stop && *cy->opts->stop)
		return;
	for (; cy->next_fetch < cy->n_jobs && cy->next_fetch < cy->next_commit + cy->ahead;
	     cy->next_fetch++) {
		struct job *job = &cy->jobs[cy->next_fetch];
		rl_fetch_request req;

		if (!job->to_fetch)
			continue;
		job->to_fetch = 0;
		run_request_from_config(&req, job, job->cfg->url);
		req.capture = cy->capture_mode != RL_CAPTURE_OFF;
		if (!cy->unconditional) {
			req.etag = job->fs->etag;
			req.last_modified = job->fs->last_modified;
		}
		if (rl_fetcher_add(cy->fetcher, &req, on_listing, job) < 0) {
			run_fail(job, 0, 0, rl_error_last());
			continue;
		}
		job->pending++;
	}
}

/* Commits, in the order of the jobs, every job whose turn has come; with
 * `final`, jobs that will never be ready (the cycle was stopped) are passed. */
static void drain(struct cycle *cy, int final)
{
	while (cy->next_commit < cy->n_jobs) {
		struct job *job = &cy->jobs[cy->next_commit];
		enum run_ready what = job->ready;

		if (what != RUN_READY_NONE) {
			job->ready = RUN_READY_NONE;
			if (what == RUN_READY_ITEMS)
				run_ingest_items(job);
			else
				run_follow_commit_due(job);
		} else if (job->active && !job->finished && !final) {
			break;
		}
		cy->next_commit++;
	}
	if (!final)
		feed(cy);
}

void run_job_ready(struct job *job, enum run_ready what)
{
	job->ready = what;
	drain(job->cycle, 0);
}

static int dup_or_null(char **out, const char *value)
{
	*out = NULL;
	if (value && (*out = strdup(value)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	return 0;
}

/* The validators to keep if this response makes it into the archive.  A
 * 304 without any keeps the ones that earned it. */
static int take_validators(struct job *job, const rl_fetch_response *r)
{
	const char *etag = r->etag, *lm = r->last_modified;

	if (r->not_modified && !etag && !lm) {
		etag = job->fs->etag;
		lm = job->fs->last_modified;
	}
	job->have_validators = 1;
	if (dup_or_null(&job->etag, etag) < 0 || dup_or_null(&job->last_modified, lm) < 0) {
		job->have_validators = 0;
		return RL_ENOMEM;
	}
	return 0;
}

static void on_listing(rl_fetch_response *r, void *userdata)
{
	struct job *job = userdata;
	struct cycle *cy = job->cycle;
	rl_hash128 hash;

	job->pending--;
	if (r == NULL) {
		run_fail(job, 0, 0, "out of memory");
		goto done;
	}
	run_count_request(cy, job->cfg->name, r);
	job->listing_private = r->private_address;
	if (r->result != RL_FETCH_OK) {
		run_capture_keep_local(job, r, 0);
		run_fail(job, r->status, r->retry_after, r->message);
		goto done;
	}
	job->listing_status = r->status;
	if (take_validators(job, r) < 0) {
		run_fail(job, r->status, 0, rl_error_last());
		goto done;
	}
	hash = rl_hash128_bytes(r->body, r->body_len);
	if (r->not_modified || (job->fs->has_body_hash && rl_hash128_equal(job->fs->body_hash, hash))) {
		/* Nothing new on the listing; followed stories may still be due. */
		run_capture_keep_local(job, r, 1);
		if (job->cfg->follow && run_follow_due(job) > 0)
			goto done;
		run_succeed(job, r->status, RL_RUN_NOT_MODIFIED, NULL);
		goto done;
	}
	job->listing_hash = hash;
	free(job->listing_url);
	if ((job->listing_url = strdup(r->effective_url ? r->effective_url : job->cfg->url)) == NULL) {
		run_fail(job, r->status, 0, "out of memory");
		goto done;
	}
	{
		struct parse_task *t = calloc(1, sizeof(*t));
		if (t == NULL) {
			run_fail(job, r->status, 0, "out of memory");
			goto done;
		}
		t->job = job;
		t->r = r;
		/* Packed ahead only where the stories are likely new (the source's
		 * first snapshot): a story seen before has another First-Seen than
		 * the guess, and its blob would be packed for nothing. */
		t->pack = !job->fs->has_body_hash;
		if (rl_pool_submit(cy->pool, parse_work, t) < 0) {
			free(t);
			run_fail(job, r->status, 0, rl_error_last());
			goto done;
		}
		return; /* the task has the response now */
	}
done:
	rl_fetch_response_free(r);
	/* A 304 or a failure may be the job the window waits on. */
	drain(cy, 0);
}

static void job_free(struct job *job)
{
	rl_source_config_free(job->cfg);
	if (job->fs)
		rl_schedule_free(job->fs);
	rl_item_list_release(&job->items);
	free(job->listing_url);
	free(job->etag);
	free(job->last_modified);
	rl_capture_free(job->capture);
	run_follow_free(job);
}

/* The group commit moved the ref: every queued commit is in the archive. */
static void on_published(rl_archive *archive, const git_oid *commits, size_t n, void *userdata)
{
	struct cycle *cy = userdata;

	(void)archive;
	(void)commits;
	(void)n;
	for (size_t i = 0; i < cy->n_jobs; i++)
		cy->jobs[i].unpublished = 0;
}

static void cycle_hooks(const char *source, const git_oid *commit, const rl_hook_result hooks[2],
			void *userdata)
{
	struct cycle *cy = userdata;

	if (cy->opts->on_hooks)
		cy->opts->on_hooks(source, commit, hooks, cy->opts->userdata);
}

static int job_is_named(const rl_run_opts *opts, const char *name)
{
	for (size_t i = 0; i < opts->n_names; i++)
		if (strcmp(opts->names[i], name) == 0)
			return 1;
	return 0;
}

/* git config redline.allow-private-addresses true: followed links and
 * redirects may reach loopback, link-local and private addresses. */
static int allow_private_addresses(rl_archive *archive)
{
	char *text = NULL;
	int yes = 0;

	if (rl_config_get_string(&text, archive, "redline.allow-private-addresses") == 0 && text)
		yes = strcmp(text, "true") == 0 || strcmp(text, "yes") == 0 ||
		      strcmp(text, "on") == 0 || strcmp(text, "1") == 0;
	rl_error_clear();
	free(text);
	return yes;
}

static int default_user_agent(char **out, rl_archive *archive)
{
	char *contact = NULL;
	int error = rl_config_get_string(&contact, archive, "redline.contact");

	if (error < 0 && error != RL_ENOTFOUND)
		return error;
	rl_error_clear();
	if (asprintf(out, "redline/%s (+%s)", REDLINE_VERSION,
		     contact ? contact : "set a contact with: git config redline.contact URL") < 0)
		*out = NULL;
	free(contact);
	return *out ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

/* Step 1: the sources, the user agent, the fetcher and the group commit. */
static int cycle_prepare(struct cycle *cy, rl_source_config ***configs, size_t *n_configs)
{
	const rl_run_opts *opts = cy->opts;
	rl_fetcher_opts fo = { 0 };
	rl_ingest_batch_opts bo = { 0 };
	int error;

	cy->allow_private = allow_private_addresses(cy->archive);
	if ((error = rl_config_source_load_all(configs, n_configs, cy->archive)) < 0 ||
	    (error = rl_config_http_load(&cy->http, cy->archive)) < 0 ||
	    (error = default_user_agent(&cy->user_agent, cy->archive)) < 0 ||
	    (error = rl_capture_mode_get(&cy->capture_mode, cy->archive)) < 0 ||
	    (error = rl_appendset_new(&cy->appends)) < 0)
		return error;
	for (size_t i = 0; i < opts->n_names; i++) {
		int known = 0;
		for (size_t k = 0; k < *n_configs; k++)
			known |= strcmp((*configs)[k]->name, opts->names[i]) == 0;
		if (!known)
			return rl_error_set(RL_ENOTFOUND, "no source named '%s' (see 'redline sources')",
					    opts->names[i]);
	}
	if ((cy->jobs = calloc(*n_configs + 1, sizeof(*cy->jobs))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	fo.max_total_connections = opts->max_total_connections;
	fo.max_host_connections = opts->max_host_connections;
	fo.max_concurrent_streams = opts->max_concurrent_streams;
	fo.user_agent = cy->user_agent;
	if ((error = rl_fetcher_new(&cy->fetcher, &fo)) < 0 ||
	    (error = rl_pool_new(&cy->pool, opts->parse_threads)) < 0)
		return error;
	/* Enough jobs ahead to keep every connection busy while the oldest waits. */
	cy->ahead = RUN_AHEAD;
	if (opts->max_total_connections > 0 && (size_t)opts->max_total_connections * 4 > cy->ahead)
		cy->ahead = (size_t)opts->max_total_connections * 4;
	if (opts->fetch_ahead > 0)
		cy->ahead = opts->fetch_ahead;
	bo.max_seconds = opts->commit_every_seconds;
	bo.max_commits = opts->commit_every_commits;
	bo.on_flush = on_published;
	bo.on_hooks = cycle_hooks;
	bo.userdata = cy;
	return rl_ingest_batch_new(&cy->batch, cy->archive, &bo);
}

/* Step 2: one job per source; the due ones have their listing queued. */
static int cycle_queue(struct cycle *cy, rl_source_config **configs, size_t n_configs)
{
	const rl_run_opts *opts = cy->opts;
	rl_schedule_book *book = NULL;
	int error;

	/* Every source's fetch state in one read (schedule.h), kept to be
	 * written back without a second parse. */
	if ((error = rl_schedule_book_load(&cy->book, cy->archive)) < 0)
		return error;
	book = cy->book;
	for (size_t i = 0; i < n_configs; i++)
		if ((error = rl_strvec_push(&cy->configured, configs[i]->name)) < 0)
			return error;
	if (rl_schedule_book_damage(book))
		run_emit(cy, "fetch state", RL_RUN_WARNING, NULL, 0, rl_schedule_book_damage(book),
			 NULL);
	for (size_t i = 0; i < n_configs; i++) {
		struct job *job = &cy->jobs[cy->n_jobs];
		int due;

		if ((opts->n_names && !job_is_named(opts, configs[i]->name)) ||
		    !rl_shard_takes(opts->shard, configs[i]->name))
			continue;
		job->cycle = cy;
		job->cfg = configs[i]; /* the job owns it now */
		configs[i] = NULL;
		if ((error = rl_schedule_book_get(&job->fs, book, job->cfg->name)) < 0) {
			job_free(job);
			break;
		}
		cy->n_jobs++;
		if (job->cfg->error) {
			/* A broken setting stops this source only; `status` shows why. */
			job->active = 1;
			cy->summary.sources++;
			run_fail(job, 0, 0, job->cfg->error);
			continue;
		}
		if (job->cfg->url == NULL) {
			/* Fed by `ingest` only: nothing to fetch; say so when asked by name. */
			if (opts->n_names)
				run_emit(cy, job->cfg->name, RL_RUN_FAILED, NULL, 0,
					 "has no URL: it is fed by 'redline ingest', not fetched", NULL);
			continue;
		}
		/* A followed story that is due brings the listing forward, but
		 * never past the backoff of a failing source. */
		due = opts->n_names > 0 || job->fs->next_due <= cy->now ||
		      (job->cfg->follow && job->fs->failures == 0 && run_follow_any_due(job, cy->now));
		if (!due)
			continue;
		job->active = 1;
		job->to_fetch = 1;
		cy->summary.sources++;
		run_http_warn(job);
	}
	if (error == 0)
		feed(cy);
	return error;
}

/* Step 3: the transfers, each finished one parsed and queued for commit.
 * A stop request ends the cycle between callbacks; unfinished jobs are
 * dropped unrecorded (their state is not saved, so they are due again). */
static int cycle_fetch(struct cycle *cy)
{
	void *arg;
	int error = 0;

	while (!(cy->opts->stop && *cy->opts->stop)) {
		int parsing;
		/* Jobs done without a commit (304s, failures) move the window on. */
		drain(cy, 0);
		if (rl_fetcher_pending(cy->fetcher) == 0 && rl_pool_pending(cy->pool) == 0)
			break;
		parsing = rl_pool_pending(cy->pool) > 0;
		if (rl_fetcher_pending(cy->fetcher) > 0 &&
		    (error = rl_fetcher_run(cy->fetcher, parsing ? 5 : 1000)) < 0)
			break;
		/* Parsed listings, as they come; wait for them when nothing is in
		 * flight, but not once none is out: after the last one the wait
		 * only held the cycle's end back by its whole timeout. */
		while (error == 0 && rl_pool_pending(cy->pool) > 0 &&
		       rl_pool_take(&arg, cy->pool,
				    rl_fetcher_pending(cy->fetcher) > 0 ? 0 : 50) == 0) {
			parsed(arg);
			/* A commit takes a millisecond or more, and the workers
			 * hand over several at once: the sockets are served
			 * between two, or the connections (2 a host) idle while
			 * the listings they fetched are committed. */
			if (rl_fetcher_pending(cy->fetcher) > 0)
				error = rl_fetcher_run(cy->fetcher, 0);
		}
		if (error < 0)
			break;
	}
	/* Stopped (or failed): what is still being parsed is dropped unrecorded. */
	while (rl_pool_pending(cy->pool) > 0 && rl_pool_take(&arg, cy->pool, 1000) == 0)
		parse_task_free(arg);
	if (error == 0)
		drain(cy, 1);
	return error;
}

/* Step 4: the group commit - one pack, one fsync, one ref move - and then
 * the fetch states of the jobs whose snapshots are in the archive (or had
 * nothing to commit).  A job whose commit was lost stays unrecorded: its
 * validators must not turn the next fetch into a 304 that hides the change. */
static int cycle_commit(struct cycle *cy)
{
	int error = rl_ingest_batch_commit(cy->batch), save_error = 0;
	const rl_schedule_state **done = calloc(cy->n_jobs + 1, sizeof(*done));
	size_t n = 0;

	if (done == NULL)
		return error < 0 ? error : rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < cy->n_jobs; i++) {
		struct job *job = &cy->jobs[i];
		if (job->finished && !job->unpublished)
			done[n++] = job->fs;
	}
	/* One write for the whole cycle (schedule.h). */
	save_error = rl_schedule_book_save(cy->book, cy->archive, done, n,
					   (const char *const *)cy->configured.v, cy->configured.n);
	free(done);
	return error < 0 ? error : save_error;
}

int rl_run_cycle(rl_run_summary *out, rl_archive *archive, const rl_run_opts *opts)
{
	struct cycle cy;
	rl_source_config **configs = NULL;
	size_t n_configs = 0;
	int error;

	memset(&cy, 0, sizeof(cy));
	memset(out, 0, sizeof(*out));
	cy.archive = archive;
	cy.opts = opts;
	cy.now = opts->now ? opts->now : (int64_t)time(NULL);
	cy.unconditional = opts->unconditional;
	if ((error = cycle_prepare(&cy, &configs, &n_configs)) < 0 ||
	    (error = cycle_queue(&cy, configs, n_configs)) < 0)
		goto done;
	error = cycle_fetch(&cy);
	/* Even after a fetch error: what was fetched and parsed gets published. */
	{
		int commit_error = cycle_commit(&cy);
		if (error == 0)
			error = commit_error;
	}
	/* Only the files this cycle appended to (the day's fetch log and local
	 * WARC file), not the whole file system: other writers' dirty pages
	 * are not ours to wait for.  A failure leaves the archive safe; only
	 * the log's last lines are at risk. */
	if (rl_appendset_sync(cy.appends) < 0)
		rl_error_clear();
	if (cy.archive_error)
		error = rl_error_set(cy.archive_error, "%s", cy.archive_message);
done:
	*out = cy.summary;
	rl_ingest_batch_free(cy.batch); /* drops the lock if a commit failed */
	rl_fetcher_free(cy.fetcher);
	rl_appendset_free(cy.appends);
	rl_schedule_book_free(cy.book);
	rl_strvec_release(&cy.configured);
	rl_pool_free(cy.pool);
	for (size_t i = 0; cy.jobs && i < cy.n_jobs; i++)
		job_free(&cy.jobs[i]);
	free(cy.jobs);
	free(cy.user_agent);
	rl_http_config_release(&cy.http);
	rl_config_source_list_free(configs, n_configs);
	return error;
}

int rl_run_next_due(int64_t *seconds, rl_archive *archive, int64_t now)
{
	return rl_run_next_due_in(seconds, archive, now, NULL);
}

int rl_run_next_due_in(int64_t *seconds, rl_archive *archive, int64_t now,
		       const rl_shard *shard)
{
	rl_source_config **configs = NULL;
	rl_schedule_book *book = NULL;
	size_t n_configs = 0;
	int64_t best = -1;
	int error;

	if ((error = rl_config_source_load_all(&configs, &n_configs, archive)) < 0)
		return error;
	if ((error = rl_schedule_book_load(&book, archive)) < 0) {
		rl_config_source_list_free(configs, n_configs);
		return error;
	}
	for (size_t i = 0; i < n_configs; i++) {
		const rl_source_config *cfg = configs[i];
		rl_schedule_state *fs = NULL;
		if (cfg->url && rl_shard_takes(shard, cfg->name) &&
		    rl_schedule_book_get(&fs, book, cfg->name) == 0) {
			int64_t due = fs->next_due;
			/* As in rl_run_cycle(): stories on the page, sources not in backoff. */
			for (size_t f = 0; cfg->follow && fs->failures == 0 && f < fs->n_follow; f++) {
				int64_t next = rl_schedule_follow_next_check(&fs->follow[f]);
				if (fs->follow[f].on_page && next >= 0 && next < due)
					due = next;
			}
			if (best < 0 || due < best)
				best = due;
		}
		rl_schedule_free(fs);
	}
	rl_error_clear();
	rl_schedule_book_free(book);
	rl_config_source_list_free(configs, n_configs);
	*seconds = best < 0 ? -1 : (best <= now ? 0 : best - now);
	return 0;
}
