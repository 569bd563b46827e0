/*
 * ingest_revert.c - is an edited story's new text one of its earlier
 * versions?  Then the commit message and the hook payload say "reverted to
 * <rev>" (kind "revert", classify.h) instead of describing the edit again,
 * so that a flip-flop is told as such and a receiver can stay quiet.
 *
 * The story's commits come from the group commit (its source's commits not
 * yet referenced) and then from the revision index (revindex.h), newest
 * first, so the cost follows the story's revisions, not the archive's
 * history.  A revert is only a label: anything failing here leaves the
 * edit described as usual and never fails the ingest.
 */
#include "ingest_internal.h"
#include "redline/error.h"
#include "redline/revindex.h"

#include <stdlib.h>
#include <string.h>

/* Versions looked at, newest first: a text older than this is told as an
 * ordinary edit. */
#define REVERT_MAX_REVISIONS 1000

/* 1 when `commit` holds `blob` at `path`. */
static int holds(git_repository *repo, const git_oid *commit, const char *path,
		 const git_oid *blob)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	int yes = 0;

	if (git_commit_lookup(&c, repo, commit) == 0 && git_commit_tree(&tree, c) == 0 &&
	    git_tree_entry_bypath(&e, tree, path) == 0)
		yes = git_oid_equal(git_tree_entry_id(e), blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return yes;
}

/* 1 when `commit`'s message names story `id` on an item line ("gone <id>
 * ...", "back <id> ..."): such a commit is one of the story's revisions
 * in the revision index (the same rl_story_item_line_next() rule) even
 * when its file did not change. */
static int names_story(git_repository *repo, const git_oid *commit, const char *id)
{
	git_commit *c = NULL;
	const char *p;
	rl_story_item_line line;
	int yes = 0;

	if (git_commit_lookup(&c, repo, commit) < 0) {
		rl_error_clear();
		return 0;
	}
	p = rl_story_item_lines(git_commit_message(c));
	while (!yes && rl_story_item_line_next(&line, &p))
		yes = memcmp(line.id, id, RL_STORY_ID_LEN) == 0 && id[RL_STORY_ID_LEN] == '\0';
	git_commit_free(c);
	return yes;
}

/* Labels `c` a revert to `commit`. */
static void mark_revert(rl_change *c, const git_oid *commit)
{
	rl_edit_class_release(&c->edit);
	memset(&c->edit, 0, sizeof(c->edit));
	c->edit.kinds = RL_EDIT_REVERT;
	/* the figures moved back (gone with the rest of c->edit): told by
	 * the revert, not as news */
	git_oid_tostr(c->edit.reverted_to, sizeof(c->edit.reverted_to), commit);
}

/* The story's commits from the index this snapshot keeps open; after a
 * failure, rl_revindex_commits() (which rebuilds a corrupt index) alone. */
static int story_revs(rl_revindex_rev **out, size_t *n, struct ingest *in, const char *id)
{
	git_oid *commits = NULL;
	int error;

	if (!in->revindex_failed && in->revindex == NULL &&
	    rl_revindex_open(&in->revindex, in->archive) < 0) {
		rl_error_clear();
		in->revindex_failed = 1;
	}
	if (!in->revindex_failed) {
		if ((error = rl_revindex_story_revs(out, n, in->revindex, id)) == 0)
			return 0;
		rl_error_clear();
		ingest_revert_done(in);
		in->revindex_failed = 1;
	}
	if ((error = rl_revindex_commits(&commits, n, in->archive, id)) == 0 && *n &&
	    (*out = calloc(*n, sizeof(**out))) == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; error == 0 && i < *n; i++)
		git_oid_cpy(&(*out)[i].commit, &commits[i]);
	free(commits);
	return error;
}

void ingest_revert_done(struct ingest *in)
{
	rl_revindex_free(in->revindex);
	in->revindex = NULL;
}

void ingest_find_revert(struct ingest *in, rl_change *c, const char *new_text)
{
	git_repository *repo = rl_archive_repo(in->archive);
	git_odb *odb = NULL;
	git_oid blob;
	int stored;
	rl_revindex_rev *revs = NULL;
	uint32_t path_hash;
	const git_oid *queued, *set_in_batch = NULL;
	size_t n = 0, n_queued, looked = 0;

	if (c->path == NULL || new_text == NULL ||
	    git_odb_hash(&blob, new_text, strlen(new_text), GIT_OBJECT_BLOB) < 0 ||
	    git_repository_odb(&odb, repo) < 0)
		return;
	/* A commit that holds the new text holds its blob, so a text never
	 * stored (an edit's new text, nearly always) is no revert: one lookup
	 * in the object store (the batch's own objects included, packwrite's
	 * backend) instead of the batch's commits' trees and an open of the
	 * revision index (its flock, map and unmap), which cost 15 % of
	 * bench/ingest's CPU.  Without a rescan of objects/pack on a miss
	 * (a readdir, most of what remained): the archive refreshes the odb
	 * after each pack it writes (archive_commit.c), and any pack written
	 * by another writer before this one took the lock was read when the
	 * snapshot read HEAD's trees. */
	stored = git_odb_exists_ext(odb, &blob, GIT_ODB_LOOKUP_NO_REFRESH);
	git_odb_free(odb);
	if (!stored)
		return;
	/* The text it replaces differs from the new one (it is an edit), so a
	 * commit holding the new text holds an older version.  The batch's own
	 * commits first: they are the newest, and the index has only what a
	 * ref points at. */
	queued = ingest_batch_commits(&n_queued, in->batch, in->source);
	for (size_t i = n_queued; i-- > 0 && looked < REVERT_MAX_REVISIONS; looked++) {
		if (!holds(repo, &queued[i], c->path, &blob))
			continue;
		/* The revision named is the one the revision index would name
		 * had each commit been referenced at once: the newest of the
		 * story's revisions - commits that changed its file or name it -
		 * that holds the text.  Whether the batch's first commit changed
		 * the file, the index's newest revision says. */
		while (i > 0 && looked < REVERT_MAX_REVISIONS && !names_story(repo, &queued[i], c->id) &&
		       holds(repo, &queued[i - 1], c->path, &blob)) {
			i--;
			looked++;
		}
		if (i > 0 || names_story(repo, &queued[0], c->id)) {
			mark_revert(c, &queued[i]);
			return;
		}
		set_in_batch = &queued[0];
		break;
	}
	if (story_revs(&revs, &n, in, c->id) < 0) {
		rl_error_clear();
		free(revs);
		if (set_in_batch)
			mark_revert(c, set_in_batch);
		return;
	}
	path_hash = rl_revindex_path_hash(c->path, "");
	/* No commit after the index's newest one touched the file, so that one
	 * holds HEAD's text, the text being replaced: not a revert, and not
	 * worth a read of its trees (a story edited once, most of them, then
	 * costs none).  Unless the batch's own commits changed the story
	 * since: then HEAD's text is theirs. */
	for (size_t i = n_queued ? 0 : 1; i < n && looked < REVERT_MAX_REVISIONS; i++, looked++) {
		/* the index's blob answers without reading the commit's trees;
		 * a record of another file (or of several) does not */
		int yes = revs[i].has_blob && revs[i].path_hash == path_hash
				  ? git_oid_equal(&revs[i].blob, &blob)
				  : holds(repo, &revs[i].commit, c->path, &blob);
		if (yes) {
			mark_revert(c, &revs[i].commit);
			set_in_batch = NULL;
			break;
		}
		if (set_in_batch) /* not held before the batch: set by its first commit */
			break;
	}
	if (set_in_batch)
		mark_revert(c, set_in_batch);
	free(revs);
}
