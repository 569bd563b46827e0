/*
 * follow_pages.c - the captured pages a followed source's present rests on.
 *
 * A followed source's stories are its newest listing merged with each
 * story's article page as last read: fetched with that listing, or in a
 * due article's own commit before or after it, or long before (an article
 * not due keeps its body).  Walking the source's commits from the newest,
 * the first capture that is a listing (evidence_is_listing) is the listing,
 * and the first capture of each other URL is that article's newest.  The
 * walk is a function of the history alone: reextract reads the pages at
 * HEAD, and verify finds the same pages at a re-extraction's parent.
 */
#include "evidence_internal.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Captures a source had at most (listing and article pages) in one walk. */
#define PAGES_MAX 100000

int evidence_is_listing(const char *message, const char *target, const char *hex)
{
	const char *tag = "Snapshot-XXH3: ";
	char url[4096], *stripped = NULL;
	int hashed = 0, same;

	for (const char *p = strstr(message, tag); p && !hashed; p = strstr(p + 1, tag))
		hashed = strncmp(p + strlen(tag), hex, RL_HASH_HEX_SIZE - 1) == 0;
	if (!hashed)
		return 0;
	if (!evidence_trailer(url, sizeof(url), message, "Source-URL: "))
		return 1; /* nothing to tell them apart by: the hash decides */
	if (target == NULL || rl_url_strip_userinfo(&stripped, target) < 0) {
		rl_error_clear();
		return 0;
	}
	same = strcmp(stripped, url) == 0;
	free(stripped);
	return same;
}

void evidence_pageset_release(evidence_pageset *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free((char *)set->v[i].target);
		free((char *)set->v[i].requested);
		free((char *)set->v[i].charset);
		free((char *)set->v[i].data);
	}
	free(set->v);
	free(set->extractor);
	memset(set, 0, sizeof(*set));
}

static int has_target(const evidence_pageset *set, const char *target)
{
	for (size_t i = 0; i < set->n; i++)
		if (!set->v[i].listing && set->v[i].target && strcmp(set->v[i].target, target) == 0)
			return 1;
	return 0;
}

/* Takes `data`'s bytes and `target` into the set. */
static int add_page(evidence_pageset *set, rl_buf *data, char **target, char **requested,
		    char **charset, int listing, long status)
{
	evidence_page *v, *p;

	if (set->n >= PAGES_MAX)
		return rl_error_set(RL_ETOOBIG, "more than %d captured pages", PAGES_MAX);
	if ((v = realloc(set->v, (set->n + 1) * sizeof(*v))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	set->v = v;
	p = &v[set->n++];
	memset(p, 0, sizeof(*p));
	p->target = *target;
	p->requested = *requested;
	p->charset = *charset;
	*requested = *charset = NULL;
	p->listing = listing;
	p->status = status;
	p->len = data->len;
	p->data = data->ptr ? data->ptr : strdup("");
	*target = NULL;
	*data = (rl_buf)RL_BUF_INIT(RL_CAPTURE_MAX);
	return p->data ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

/* The captures of one commit into the set. */
static int take_commit(evidence_pageset *set, rl_archive *archive, git_commit *c,
		       const char *source, const rl_strvec *ids)
{
	rl_buf warc = RL_BUF_INIT(RL_CAPTURE_MAX), data = RL_BUF_INIT(RL_CAPTURE_MAX);
	const char *message = git_commit_message(c);
	int error = 0;

	for (size_t i = 0; i < ids->n && error == 0; i++) {
		char *src = NULL, *extractor = NULL, *target = NULL, *requested = NULL, *charset = NULL;
		char hex[RL_HASH_HEX_SIZE];
		long status = 0;
		int listing;
		/* A capture that cannot be read is verify's to report: skipped here. */
		if (rl_capture_read(&warc, archive, git_commit_id(c), ids->v[i]) < 0 ||
		    rl_capture_snapshot(&data, &src, &extractor, &target, warc.ptr, warc.len) < 0 ||
		    src == NULL || strcmp(src, source) != 0 || target == NULL ||
		    rl_capture_http_status(&status, warc.ptr, warc.len) < 0 ||
		    rl_capture_fact(&requested, warc.ptr, warc.len, "requested-uri") < 0 ||
		    rl_capture_http_charset(&charset, warc.ptr, warc.len) < 0) {
			rl_error_clear();
			goto next;
		}
		rl_hash128_hex(hex, rl_hash128_bytes(data.ptr ? data.ptr : "", data.len));
		listing = evidence_is_listing(message, target, hex);
		if (listing && set->extractor == NULL) {
			set->extractor = extractor;
			extractor = NULL;
			git_oid_cpy(&set->listing_commit, git_commit_id(c));
			set->listing_hash = rl_hash128_bytes(data.ptr ? data.ptr : "", data.len);
			error = add_page(set, &data, &target, &requested, &charset, 1, status);
		} else if (!listing && !has_target(set, target)) {
			/* newer pages were met first: the first of a URL is its newest */
			error = add_page(set, &data, &target, &requested, &charset, 0, status);
		}
next:
		free(src);
		free(extractor);
		free(target);
		free(requested);
		free(charset);
	}
	rl_buf_release(&warc);
	rl_buf_release(&data);
	return error;
}

int evidence_follow_pages(evidence_pageset *out, const char **why, rl_archive *archive,
			  const git_oid *head, const git_oid *since, const char *source)
{
	git_repository *repo = rl_archive_repo(archive);
	git_revwalk *walk = NULL;
	git_oid id;
	int error;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if ((error = git_revwalk_new(&walk, repo)) < 0 || (error = git_revwalk_push(walk, head)) < 0) {
		error = rl_error_set_git(error, "cannot walk the history");
		goto done;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while (git_revwalk_next(&id, walk) == 0) {
		git_commit *c = NULL;
		rl_strvec ids = RL_STRVEC_INIT;
		char of[GIT_OID_HEXSZ + 8];
		if ((error = git_commit_lookup(&c, repo, &id)) < 0) {
			error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&id));
			goto done;
		}
		/* A re-extraction holds no capture: the pages it read are older. */
		if (evidence_touches(c, source) &&
		    !evidence_trailer(of, sizeof(of), git_commit_message(c),
				      EVIDENCE_REEXTRACT_TRAILER)) {
			if ((error = rl_capture_ids(&ids, git_commit_message(c))) == 0) {
				if (ids.n == 0 && out->extractor == NULL)
					*why = "its newest snapshot has no capture";
				else
					error = take_commit(out, archive, c, source, &ids);
			}
		}
		rl_strvec_release(&ids);
		git_commit_free(c);
		if (error < 0 || *why)
			goto done;
	}
	if (out->extractor == NULL) {
		*why = "no capture of its listing";
	} else if (since && (git_oid_equal(since, &out->listing_commit) ||
			     git_graph_descendant_of(repo, since, &out->listing_commit) == 1)) {
		*why = "its newest listing capture is older than --since";
	}
done:
	git_revwalk_free(walk);
	if (error < 0 || *why)
		evidence_pageset_release(out);
	return error < 0 ? error : *why == NULL;
}
