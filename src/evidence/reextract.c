/*
 * reextract.c - today's extraction over the newest capture of each source.
 *
 * Only the newest snapshot of a source can be re-extracted: the archive's
 * present is derived from it, and an older one would bring back stories the
 * page has since changed.  The re-extraction is committed on top (never a
 * rewrite) through the ordinary pipeline with opts.reextract_of set, so the
 * commit says "re-extraction of <source>", names the commit whose capture
 * it read and the extractor it used, and runs no alert hooks: a better
 * extractor never looks like an edit by the newsroom.  A source that
 * follows its article pages is its newest listing capture merged with each
 * article's newest capture (follow_pages.c), as run_follow.c merges them.
 */
#include "evidence_internal.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/state.h"
#include "redline/story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int top_sources(rl_strvec *out, rl_archive *archive, const git_oid *head)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int error;

	if ((error = git_commit_lookup(&c, rl_archive_repo(archive), head)) < 0 ||
	    (error = git_commit_tree(&tree, c)) < 0) {
		error = rl_error_set_git(error, "cannot read HEAD");
		goto done;
	}
	for (size_t i = 0; i < git_tree_entrycount(tree) && error == 0; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE && git_tree_entry_name(e)[0] != '.')
			error = rl_strvec_push(out, git_tree_entry_name(e));
	}
done:
	git_tree_free(tree);
	git_commit_free(c);
	return error;
}

int evidence_touches(git_commit *c, const char *source)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_tree_entry *a = NULL, *b = NULL;
	int changed = 0;

	if (git_commit_tree(&tree, c) < 0)
		return 0;
	git_tree_entry_bypath(&a, tree, source);
	if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) == 0 &&
	    git_commit_tree(&ptree, parent) == 0)
		git_tree_entry_bypath(&b, ptree, source);
	changed = a && (!b || !git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)));
	git_tree_entry_free(a);
	git_tree_entry_free(b);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_error_clear();
	return changed;
}

/* The commit whose capture the source's present comes from: 1 found, 0 not. */
static int newest_capture(git_oid *out, rl_archive *archive, const git_oid *head,
			  const git_oid *since, const char *source)
{
	git_repository *repo = rl_archive_repo(archive);
	git_revwalk *walk = NULL;
	git_oid id;
	int found = 0, error;

	if ((error = git_revwalk_new(&walk, repo)) < 0 || (error = git_revwalk_push(walk, head)) < 0 ||
	    (since && (error = git_revwalk_hide(walk, since)) < 0)) {
		git_revwalk_free(walk);
		return rl_error_set_git(error, "cannot walk the history");
	}
	git_revwalk_sorting(walk, GIT_SORT_TIME);
	while (!found && git_revwalk_next(&id, walk) == 0) {
		git_commit *c = NULL;
		char of[GIT_OID_HEXSZ + 8];
		rl_strvec ids = RL_STRVEC_INIT;
		if (git_commit_lookup(&c, repo, &id) < 0)
			break;
		if (evidence_touches(c, source)) {
			const char *msg = git_commit_message(c);
			if (evidence_trailer(of, sizeof(of), msg, EVIDENCE_REEXTRACT_TRAILER) &&
			    git_oid_fromstrp(out, of) == 0) {
				found = 1;
			} else {
				rl_capture_ids(&ids, msg);
				git_oid_cpy(out, &id);
				found = ids.n > 0 ? 1 : -1;
			}
		}
		rl_strvec_release(&ids);
		git_commit_free(c);
	}
	git_revwalk_free(walk);
	return found > 0;
}

/* The Status: header of each story of the source that has one (an
 * article gone), by story id: the re-extraction keeps such a story as run
 * does, header, body and status. */
static int removed_status(rl_strvec *ids, rl_strvec *statuses, rl_archive *archive,
			  const char *source)
{
	rl_state *state = NULL;
	rl_buf text = RL_BUF_INIT(RL_CAPTURE_MAX);
	int error;

	if ((error = rl_state_load(&state, archive, source)) < 0)
		return error;
	for (size_t i = 0; i < state->n && error == 0; i++) {
		rl_story_header h;
		memset(&h, 0, sizeof(h));
		if (rl_archive_read(&text, archive, NULL, state->items[i].path) < 0 ||
		    rl_story_parse_header(&h, text.ptr, text.len) < 0) {
			rl_error_clear();
			continue;
		}
		if (h.status && (error = rl_strvec_push(ids, state->items[i].id)) == 0)
			error = rl_strvec_push(statuses, h.status);
		rl_story_header_clear(&h);
	}
	rl_buf_release(&text);
	rl_state_free(state);
	return error;
}

/* A followed source: its newest listing capture merged with the newest
 * capture of each story's article page (follow_pages.c), with today's
 * rules; a story whose article has no capture keeps the archive's body, a
 * removed one stays as it is, exactly as run_follow.c would commit them. */
static int reextract_follow(size_t *changed, rl_archive *archive, const rl_reextract_opts *opts,
			    const git_oid *head, const git_oid *since, const char *source,
			    const rl_source_config *cfg, rl_reextract_cb cb, void *userdata)
{
	evidence_pageset pages;
	rl_item_list items = RL_ITEM_LIST_INIT;
	rl_strvec gone_ids = RL_STRVEC_INIT, gone_status = RL_STRVEC_INIT;
	rl_ingest_result *result = NULL;
	rl_ingest_opts io = { 0 };
	unsigned char *from_article = NULL;
	const char *why = NULL, *listing_url = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int error;

	memset(&pages, 0, sizeof(pages));
	if ((error = evidence_follow_pages(&pages, &why, archive, head, since, source)) <= 0) {
		cb(source, NULL, NULL, error < 0 ? rl_error_last() : why, userdata);
		goto done;
	}
	for (size_t i = 0; i < pages.n; i++)
		if (pages.v[i].listing)
			listing_url = pages.v[i].target;
	git_oid_tostr(hex, sizeof(hex), &pages.listing_commit);
	if ((error = evidence_follow_items(&items, &from_article, cfg, source, pages.v,
					   pages.n)) < 0 ||
	    (error = removed_status(&gone_ids, &gone_status, archive, source)) < 0)
		goto report;
	for (size_t i = 0; i < items.n; i++) {
		rl_item *it = &items.v[i];
		char id[13];
		/* A story run does not follow has the listing's body. */
		if (!evidence_followed_id(id, it, listing_url, cfg))
			continue;
		if (!from_article[i])
			it->keep |= RL_ITEM_KEEP_BODY; /* not fetched, or unreadable: as run keeps it */
		for (size_t k = 0; k < gone_ids.n; k++) {
			if (strcmp(gone_ids.v[k], id) != 0)
				continue;
			it->keep |= RL_ITEM_KEEP_HEADER | RL_ITEM_KEEP_BODY;
			free(it->status);
			if ((it->status = strdup(gone_status.v[k])) == NULL) {
				error = rl_error_set(RL_ENOMEM, "out of memory");
				goto report;
			}
		}
	}
	io.time = opts->time;
	io.reextract_of = hex;
	io.no_hooks = 1;
	io.config = cfg;
	io.source_url = listing_url;
	io.snapshot_hash = &pages.listing_hash;
	error = rl_ingest_items(&result, archive, source, &items, &io);
report:
	cb(source, hex, error < 0 ? NULL : result, error < 0 ? rl_error_last() : NULL, userdata);
	if (error == 0 && result->committed)
		(*changed)++;
done:
	rl_ingest_result_free(result);
	rl_item_list_release(&items);
	rl_strvec_release(&gone_ids);
	rl_strvec_release(&gone_status);
	free(from_article);
	evidence_pageset_release(&pages);
	return error;
}

static int wanted(const rl_reextract_opts *opts, const char *source)
{
	if (opts->n_sources == 0)
		return 1;
	for (size_t i = 0; i < opts->n_sources; i++)
		if (strcmp(opts->sources[i], source) == 0)
			return 1;
	return 0;
}

int rl_reextract(size_t *changed, rl_archive *archive, const rl_reextract_opts *opts,
		 rl_reextract_cb cb, void *userdata)
{
	rl_strvec sources = RL_STRVEC_INIT;
	git_oid head, since;
	int error;

	*changed = 0;
	if ((error = rl_archive_head(&head, archive)) < 0 ||
	    (opts->since && (error = rl_archive_resolve(&since, archive, opts->since)) < 0) ||
	    (error = top_sources(&sources, archive, &head)) < 0)
		goto done;
	for (size_t i = 0; i < opts->n_sources; i++) {
		int known = 0;
		for (size_t k = 0; k < sources.n; k++)
			known |= strcmp(sources.v[k], opts->sources[i]) == 0;
		if (!known) {
			error = rl_error_set(RL_ENOTFOUND, "no source named '%s' in the archive",
					     opts->sources[i]);
			goto done;
		}
	}
	for (size_t i = 0; i < sources.n; i++) {
		const char *source = sources.v[i];
		rl_buf data = RL_BUF_INIT(RL_CAPTURE_MAX);
		rl_ingest_result *result = NULL;
		rl_ingest_opts io = { 0 };
		char *target = NULL, *extractor = NULL, *charset = NULL, hex[GIT_OID_HEXSZ + 1];
		git_oid capture_commit;
		int found;

		if (!wanted(opts, source))
			continue;
		{
			/* Its stories are a listing merged with article pages. */
			rl_source_config *cfg = NULL;
			int follow = evidence_config(&cfg, archive, source) == 0 && cfg->follow;
			rl_error_clear();
			if (follow) {
				error = reextract_follow(changed, archive, opts, &head,
							 opts->since ? &since : NULL, source, cfg, cb,
							 userdata);
				rl_source_config_free(cfg);
				if (error < 0 && error != RL_EGUARD)
					goto done;
				rl_error_clear();
				error = 0;
				continue;
			}
			rl_source_config_free(cfg);
		}
		found = newest_capture(&capture_commit, archive, &head, opts->since ? &since : NULL,
				       source);
		if (found <= 0) {
			cb(source, NULL, NULL, found < 0 ? rl_error_last()
			   : "its newest snapshot has no capture (or is older than --since)",
			   userdata);
			rl_error_clear();
			continue;
		}
		git_oid_tostr(hex, sizeof(hex), &capture_commit);
		io.time = opts->time;
		io.reextract_of = hex;
		io.no_hooks = 1;
		if ((error = rl_evidence_snapshot(&data, &target, &extractor, &charset, archive,
						  &capture_commit, source)) == 0) {
			io.source_url = target;
			io.charset = charset;
			error = rl_ingest(&result, archive, source, data.ptr, data.len, &io);
		}
		cb(source, hex, error < 0 ? NULL : result, error < 0 ? rl_error_last() : NULL,
		   userdata);
		if (error == 0 && result->committed)
			(*changed)++;
		rl_ingest_result_free(result);
		rl_buf_release(&data);
		free(target);
		free(extractor);
		free(charset);
		if (error < 0 && error != RL_EGUARD)
			goto done;
		rl_error_clear();
		error = 0;
	}
done:
	rl_strvec_release(&sources);
	return error;
}
