/*
 * reextract.c - today's extraction over the newest capture of each source.
 *
 * Only the newest snapshot of a source can be re-extracted: the archive's
 * present is derived from it, and an older one would bring back stories the
 * page has since changed.  The re-extraction is committed on top (never a
 * rewrite) through the ordinary pipeline with opts.reextract_of set, so the
 * commit says "re-extraction of <source>", names the commit whose capture
 * it read and the extractor it used, and runs no alert hooks: a better
 * extractor never looks like an edit by the newsroom.
 */
#include "evidence_internal.h"
#include "redline/capture.h"
#include "redline/error.h"

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

/* 1 when `c` changed <source>/ against its first parent. */
static int touches(git_commit *c, const char *source)
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
		if (touches(c, source)) {
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
		char *target = NULL, *extractor = NULL, hex[GIT_OID_HEXSZ + 1];
		git_oid capture_commit;
		int found;

		if (!wanted(opts, source))
			continue;
		{
			/* Its stories are a listing merged with article pages: replaying one
			 * capture alone would lose the articles' text. */
			rl_source_config *cfg = NULL;
			int follow = evidence_config(&cfg, archive, source) == 0 && cfg->follow;
			rl_source_config_free(cfg);
			rl_error_clear();
			if (follow) {
				cb(source, NULL, NULL, "it follows article pages: re-extraction of "
				   "merged listings is not supported", userdata);
				continue;
			}
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
		if ((error = rl_evidence_snapshot(&data, &target, &extractor, archive,
						  &capture_commit, source)) == 0) {
			io.source_url = target;
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
		if (error < 0 && error != RL_EGUARD)
			goto done;
		rl_error_clear();
		error = 0;
	}
done:
	rl_strvec_release(&sources);
	return error;
}
