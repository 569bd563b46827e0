/*
 * run_capture.c - raw captures of the listing fetches of a cycle.
 *
 * A listing whose snapshot is committed carries its capture into the
 * commit (rl_ingest_opts.captures).  With redline.capture = all, the other
 * fetches are kept too, outside git, in <gitdir>/redline/warc/: a 304 or an
 * identical body as a revisit record, anything else as a response.
 * Captures are evidence, not the news: failing to build one never fails
 * the fetch (a capture that cannot be built for a commit is reported as an
 * event; one of a fetch that changed nothing is best effort).
 */
#include "run_internal.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/fetchlog.h"
#include "redline/hash.h"

#include <stdio.h>
#include <string.h>

#define PROFILE_IDENTICAL "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#define PROFILE_NOT_MODIFIED "http://netpreserve.org/warc/1.1/revisit/server-not-modified"

int run_capture_build(rl_capture **out, const struct job *job, const rl_fetch_response *r,
		      int revisit)
{
	const rl_fetch_raw *raw = r->raw;
	rl_capture_http h = { 0 };
	rl_capture_facts facts = { 0 };
	char extractor[96], xxh[RL_HASH_HEX_SIZE], outcome[64], digest[RL_WARC_DIGEST_SIZE];

	*out = NULL;
	if (raw == NULL || raw->response_head.len == 0)
		return 0; /* file:// or no answer: nothing HTTP to keep */
	rl_capture_extractor_version(extractor, sizeof(extractor), job->cfg);
	rl_hash128_hex(xxh, rl_hash128_bytes(r->body, r->body_len));
	snprintf(outcome, sizeof(outcome), "%ld%s", r->status,
		 r->not_modified ? " not modified" : revisit ? " same body" : "");
	facts.source = job->cfg->name;
	facts.extractor = extractor;
	facts.decoded_len = r->body_len;
	facts.snapshot_xxh3 = r->not_modified ? NULL : xxh;
	facts.outcome = outcome;
	facts.incomplete = raw->incomplete;
	/* A followed link that redirects: the link is how the page is found again. */
	if (r->effective_url && r->url && strcmp(r->effective_url, r->url) != 0)
		facts.requested_uri = r->url;
	h.target_uri = r->effective_url ? r->effective_url : r->url;
	h.time = raw->time;
	h.ip = raw->remote_ip;
	h.request = raw->request.ptr;
	h.request_len = raw->request.len;
	h.response_head = raw->response_head.ptr;
	h.response_head_len = raw->response_head.len;
	h.response_body = raw->response_body.ptr ? raw->response_body.ptr : "";
	h.response_body_len = raw->response_body.len;
	if (revisit) {
		h.revisit = 1;
		if (r->not_modified) {
			h.revisit_profile = PROFILE_NOT_MODIFIED;
		} else {
			rl_warc_digest(digest, h.response_body, h.response_body_len);
			h.revisit_profile = PROFILE_IDENTICAL;
			h.revisit_digest = digest;
		}
	}
	return rl_capture_new_http(out, &h, &facts);
}

void run_capture_keep_local(struct job *job, const rl_fetch_response *r, int revisit)
{
	struct cycle *cy = job->cycle;
	rl_capture *c = NULL;

	if (cy->capture_mode != RL_CAPTURE_ALL || r == NULL || r->raw == NULL)
		return;
	if (run_capture_build(&c, job, r, revisit) < 0 ||
	    (c && rl_capture_append_local(cy->appends, cy->archive, c, cy->now) < 0))
		rl_error_clear(); /* evidence of a fetch that changed nothing: best effort */
	rl_capture_free(c);
}

void run_capture_keep_uncommitted(struct job *job, const rl_capture *c)
{
	struct cycle *cy = job->cycle;

	if (c == NULL || cy->capture_mode != RL_CAPTURE_ALL)
		return;
	if (rl_capture_append_local(cy->appends, cy->archive, c, cy->now) < 0)
		rl_error_clear(); /* evidence of a fetch that changed nothing: best effort */
}

void run_log_fetch(struct job *job, long status, rl_run_outcome outcome, const rl_ingest_result *r)
{
	static const char *const names[] = { "changed", "unchanged", "not-modified", "failed" };
	struct cycle *cy = job->cycle;
	rl_fetchlog_entry e;

	memset(&e, 0, sizeof(e));
	e.time = cy->now;
	e.status = status;
	/* A 200 with the body the archive has is reported as not modified, but
	 * the server did send it: the log says what happened on the wire. */
	if (outcome == RL_RUN_NOT_MODIFIED && status != 304)
		outcome = RL_RUN_UNCHANGED;
	snprintf(e.outcome, sizeof(e.outcome), "%s",
		 (unsigned)outcome < 4 ? names[outcome] : "failed");
	if (job->fs->has_body_hash)
		rl_hash128_hex(e.version, job->fs->body_hash);
	else
		strcpy(e.version, "-");
	if (r && r->committed)
		git_oid_tostr(e.commit, sizeof(e.commit), &r->commit);
	else
		strcpy(e.commit, "-");
	/* The log is evidence beside the archive: losing a line never fails a
	 * fetch, nor the run (docs/evidence.md), but it is said, once a cycle. */
	if (rl_fetchlog_append(cy->appends, cy->archive, job->cfg->name, &e) < 0) {
		if (!cy->fetchlog_warned) {
			char msg[1200];
			snprintf(msg, sizeof(msg), "%s: this cycle's fetches are not logged "
				 "(its commits are made as usual)", rl_error_last());
			cy->fetchlog_warned = 1;
			run_emit(cy, "fetch log", RL_RUN_WARNING, NULL, 0, msg, NULL);
		}
		rl_error_clear();
	}
}
