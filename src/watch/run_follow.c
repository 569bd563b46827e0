/*
 * run_follow.c - following stories to their article pages.
 *
 * Listings show headlines and leads; stories are rewritten on their article
 * pages.  For a source with `follow`, the article of each new story is
 * fetched at once and the article of each story still on the listing again
 * on a schedule that slows as it ages (schedule.h), conditionally (ETag /
 * Last-Modified).  The article's main text becomes the story's body; a story
 * whose article is not due keeps the body the archive has.  An article that
 * answers 404 or 410 marks its story removed: a stealth deletion is news.
 */
#include "run_internal.h"
#include "redline/error.h"
#include "redline/url.h"
#include "redline/extract.h"
#include "redline/normalise.h"
#include "redline/snapshot.h"
#include "redline/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_due(const rl_schedule_follow *f, int64_t now)
{
	int64_t next = rl_schedule_follow_next_check(f);
	return next >= 0 && next <= now;
}

int run_follow_any_due(const struct job *job, int64_t now)
{
	for (size_t i = 0; i < job->fs->n_follow; i++)
		if (job->fs->follow[i].on_page && is_due(&job->fs->follow[i], now))
			return 1;
	return 0;
}

static char *removed_status(long status, int64_t now)
{
	char when[RL_TIME_ISO_SIZE], *s = NULL;

	rl_time_format_iso8601(when, now);
	if (asprintf(&s, "removed (HTTP %ld, %s)", status, when) < 0)
		return NULL;
	return s;
}

static void job_articles_done(struct job *job);

static void on_article(rl_fetch_response *r, void *userdata)
{
	struct article *a = userdata;
	struct job *job = a->job;
	struct cycle *cy = job->cycle;
	rl_schedule_follow *f = rl_schedule_follow_find(job->fs, a->id);
	rl_item *it = job->due_only ? NULL : &job->items.v[a->item];

	job->pending--;
	if (it)
		it->keep |= RL_ITEM_KEEP_BODY; /* until a fresh article says otherwise */
	if (r == NULL || f == NULL)
		goto done;
	run_count_request(cy, job->cfg->name, r);
	f->last_checked = cy->now;
	if (r->result == RL_FETCH_OK ? !r->not_modified : r->status == 404 || r->status == 410) {
		/* What the story's new text (or its removal) rests on. */
		if (run_capture_build(&a->capture, job, r, 0) < 0)
			rl_error_clear();
	}
	if (r->result == RL_FETCH_HTTP_ERROR && (r->status == 404 || r->status == 410)) {
		/* The story keeps its last text and gets a Status header. */
		if ((a->status = removed_status(r->status, cy->now)) == NULL)
			goto done;
		if (it) {
			free(it->status);
			it->status = strdup(a->status);
		} else {
			a->changed = 1;
		}
	} else if (r->result == RL_FETCH_OK && !r->not_modified) {
		rl_extract_opts xo = { 0 };
		rl_item article = { 0 };
		xo.base_url = r->effective_url;
		xo.charset = r->charset;
		if (rl_extract_article(&article, r->body, r->body_len, &xo) == 0 && article.body &&
		    *article.body) {
			a->fresh = 1;
			if ((r->etag && !(a->etag = strdup(r->etag))) ||
			    (r->last_modified && !(a->last_modified = strdup(r->last_modified))))
				a->fresh = 0; /* out of memory: fetch it in full next time */
			if (it) {
				free(it->body);
				it->body = article.body;
				article.body = NULL;
				it->keep &= ~RL_ITEM_KEEP_BODY;
				if (it->title == NULL && article.title) {
					it->title = article.title;
					article.title = NULL;
				}
			} else {
				a->body = article.body;
				a->hash = rl_hash128_bytes(r->body, r->body_len);
				article.body = NULL;
				a->changed = 1;
			}
		}
		/* An unreadable article changes nothing. */
		rl_error_clear();
		rl_item_clear(&article);
	}
	/* A 304 or a failure: the archive's body stands (capture = all keeps it). */
	if (a->capture == NULL)
		run_capture_keep_local(job, r, r->not_modified);
done:
	rl_fetch_response_free(r);
	if (job->pending == 0)
		job_articles_done(job);
}

void run_follow_keep(struct job *job, struct article *a)
{
	rl_schedule_follow *f = rl_schedule_follow_find(job->fs, a->id);

	if (f == NULL)
		return;
	if (a->status) {
		f->removed = 1;
		free(f->status);
		f->status = a->status;
		a->status = NULL;
	}
	if (a->fresh) {
		free(f->etag);
		free(f->last_modified);
		f->etag = a->etag;
		f->last_modified = a->last_modified;
		a->etag = a->last_modified = NULL;
		a->fresh = 0;
	}
}

void run_follow_free(struct job *job)
{
	for (size_t i = 0; i < job->n_articles; i++) {
		struct article *a = &job->articles[i];
		free(a->body);
		free(a->status);
		free(a->etag);
		free(a->last_modified);
		rl_capture_free(a->capture);
	}
	free(job->articles);
	job->articles = NULL;
	job->n_articles = 0;
}

static int queue_article(struct job *job, size_t item, const char *id, rl_schedule_follow *f)
{
	struct article *a = &job->articles[job->n_articles];
	rl_fetch_request req;

	memset(a, 0, sizeof(*a));
	a->job = job;
	a->item = item;
	snprintf(a->id, sizeof(a->id), "%s", id);
	run_request_from_config(&req, job, f->url);
	req.allow_file = 0; /* article links come from the page: never file:// */
	/* Links come from the page: a public source's never reach a private address. */
	if (!job->cycle->allow_private && !job->listing_private)
		req.addresses = RL_FETCH_ADDRESSES_PUBLIC;
	req.etag = f->etag;
	req.last_modified = f->last_modified;
	req.capture = job->cycle->capture_mode != RL_CAPTURE_OFF;
	if (rl_fetcher_add(job->cycle->fetcher, &req, on_article, a) < 0) {
		rl_error_clear();
		return 0;
	}
	job->n_articles++;
	job->pending++;
	return 1;
}

/* A GUID as the pipeline will see it (snapshot.c folds its whitespace; a
 * GUID is never more than one line of text): its ends trimmed. */
static char *trimmed(const char *s)
{
	size_t n;

	if (s == NULL)
		return NULL;
	s += strspn(s, " \t\r\n");
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]))
		n--;
	return n ? strndup(s, n) : NULL;
}

static int is_http(const char *s)
{
	return s && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

/* `follow` fetches the source's own site, and the hosts its follow-host
 * setting names: a page cannot send us (and the source's headers) elsewhere. */
static int may_follow(const struct job *job, const char *url)
{
	const rl_strvec *hosts = &job->cfg->follow_hosts;

	if (rl_url_same_site(url, job->cfg->url))
		return 1;
	for (size_t i = 0; i < hosts->n; i++)
		if (rl_url_host_within(url, hosts->v[i]))
			return 1;
	return 0;
}

size_t run_follow_listing(struct job *job)
{
	struct cycle *cy = job->cycle;
	size_t queued = 0;

	if ((job->articles = calloc(job->items.n + 1, sizeof(*job->articles))) == NULL)
		return 0;
	for (size_t i = 0; i < job->fs->n_follow; i++)
		job->fs->follow[i].on_page = 0;
	for (size_t i = 0; i < job->items.n; i++) {
		rl_item *it = &job->items.v[i];
		char *url = NULL, *guid = trimmed(it->guid), id[13];
		const char *link = it->link ? it->link : is_http(guid) ? guid : NULL;
		rl_schedule_follow *f = NULL;

		if (link == NULL || rl_url_normalise(&url, link, job->listing_url) < 0 ||
		    !is_http(url) || !may_follow(job, url)) {
			rl_error_clear();
			free(url);
			free(guid);
			continue;
		}
		/* The same identity the pipeline will give it (snapshot.c). */
		rl_snapshot_id_for_key(id, guid ? guid : url);
		free(guid);
		if (rl_schedule_follow_add(&f, job->fs, id, url, cy->now) < 0) {
			rl_error_clear();
			free(url);
			continue;
		}
		free(url);
		f->on_page = 1;
		if (f->removed) {
			/* Its article is gone: the story stays as it was, marked so. */
			it->keep |= RL_ITEM_KEEP_HEADER | RL_ITEM_KEEP_BODY;
			free(it->status);
			it->status = strdup(f->status ? f->status : "removed");
			continue;
		}
		if (is_due(f, cy->now))
			queued += (size_t)queue_article(job, i, id, f);
		else
			it->keep |= RL_ITEM_KEEP_BODY;
	}
	rl_schedule_follow_prune(job->fs, cy->now);
	return queued;
}

size_t run_follow_due(struct job *job)
{
	struct cycle *cy = job->cycle;
	size_t queued = 0;

	job->due_only = 1;
	if ((job->articles = calloc(job->fs->n_follow + 1, sizeof(*job->articles))) == NULL)
		return 0;
	for (size_t i = 0; i < job->fs->n_follow; i++) {
		rl_schedule_follow *f = &job->fs->follow[i];
		if (f->on_page && is_due(f, cy->now))
			queued += (size_t)queue_article(job, SIZE_MAX, f->id, f);
	}
	return queued;
}

/* The listing did not change: each changed article is its own commit, so
 * that `git log` shows the edit (or the removal) of exactly that story. */
void run_follow_commit_due(struct job *job)
{
	struct cycle *cy = job->cycle;
	rl_ingest_opts opts = { 0 };
	char *failure = NULL;
	int committed = 0;

	opts.time = cy->now;
	opts.source_url = job->cfg->url;
	opts.no_hooks = cy->opts->no_hooks;
	opts.config = job->cfg;
	opts.batch = cy->batch;
	for (size_t i = 0; i < job->n_articles; i++) {
		struct article *a = &job->articles[i];
		rl_ingest_result *r = NULL;
		int error;

		if (!a->changed) {
			run_capture_keep_uncommitted(job, a->capture);
			continue;
		}
		opts.snapshot_hash = a->body ? &a->hash : NULL;
		opts.captures = (const rl_capture *const *)&a->capture;
		opts.n_captures = a->capture ? 1 : 0;
		error = rl_ingest_story(&r, cy->archive, job->cfg->name, a->id, a->body, a->status,
					&opts);
		if (!(error == 0 && r->committed))
			run_capture_keep_uncommitted(job, a->capture);
		if (error == RL_ENOTFOUND) {
			rl_error_clear(); /* it left the page meanwhile */
		} else if (error < 0) {
			if (failure == NULL)
				failure = strdup(rl_error_last());
		} else {
			run_follow_keep(job, a);
			if (r->committed) {
				committed = 1;
				/* queued, unless a bound of the batch just published it */
				if (rl_ingest_batch_pending(cy->batch) > 0)
					job->unpublished = 1;
				job->fs->last_change = cy->now;
				cy->summary.changes += r->n_changes;
				run_emit(cy, job->cfg->name, RL_RUN_CHANGED, job->cfg->url,
					 job->listing_status, NULL, r);
			}
		}
		rl_ingest_result_free(r);
	}
	if (failure) {
		/* The listing was fine; the archive refused a story (lock, disk). */
		run_fail(job, job->listing_status, 0, failure);
		free(failure);
		return;
	}
	if (committed) {
		run_record_success(job, job->listing_status, RL_RUN_CHANGED, NULL);
		return;
	}
	run_succeed(job, job->listing_status, RL_RUN_NOT_MODIFIED, NULL);
}

static void job_articles_done(struct job *job)
{
	/* Committed in the cycle's order of sources, not in the order the
	 * articles came back. */
	run_job_ready(job, job->due_only ? RUN_READY_DUE : RUN_READY_ITEMS);
}
