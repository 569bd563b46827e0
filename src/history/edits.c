/*
 * edits.c - a story's revisions and the kind of each edit.
 *
 * One time-sorted walk from the start revision; a commit is a revision of
 * the story when the file's tree-entry id differs from its first parent's.
 * Classification reads each blob once and compares neighbours; reverts are
 * found by blob id alone (equal text is an equal blob).
 */
#include "redline/edits.h"
#include "redline/history.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdlib.h>
#include <string.h>

int rl_edits_read_blob(char **out, git_repository *repo, const git_oid *oid)
{
	git_blob *blob = NULL;
	size_t size;
	int error;

	*out = NULL;
	if ((error = git_blob_lookup(&blob, repo, oid)) < 0)
		return rl_error_set_git(error, "cannot read blob %s", git_oid_tostr_s(oid));
	size = (size_t)git_blob_rawsize(blob);
	if (size > RL_EDITS_STORY_MAX)
		error = rl_error_set(RL_ETOOBIG, "blob %s is larger than %u bytes", git_oid_tostr_s(oid),
				     RL_EDITS_STORY_MAX);
	else if ((*out = rl_strndup(git_blob_rawcontent(blob), size)) == NULL)
		error = RL_ENOMEM;
	git_blob_free(blob);
	return error;
}

static int push_rev(rl_revisions *out, const git_commit *c, const git_oid *blob, int gone)
{
	rl_revision *r;

	if (out->n >= RL_EDITS_MAX_REVISIONS)
		return 1; /* enough: the oldest are left out */
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;
		rl_revision *v = realloc(out->v, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		out->v = v;
		out->cap = cap;
	}
	r = &out->v[out->n++];
	memset(r, 0, sizeof(*r));
	git_oid_tostr(r->commit, sizeof(r->commit), git_commit_id(c));
	r->time = (int64_t)git_commit_time(c);
	if (blob)
		git_oid_cpy(&r->blob, blob);
	r->gone = gone;
	return 0;
}

int rl_edits_revisions(rl_revisions *out, git_repository *repo, const char *path,
		       const char *from_rev)
{
	git_revwalk *walk = NULL;
	git_commit *start = NULL;
	git_oid oid;
	int error;

	memset(out, 0, sizeof(*out));
	if (from_rev == NULL) {
		if ((error = hist_walk_head(&walk, repo)) < 0)
			return error;
	} else {
		if ((error = hist_resolve_commit(&start, repo, from_rev)) < 0)
			return error;
		if ((error = git_revwalk_new(&walk, repo)) < 0 ||
		    (error = git_revwalk_push(walk, git_commit_id(start))) < 0) {
			error = rl_error_set_git(error, "cannot walk the history");
			goto done;
		}
		git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	}
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_oid now;
		int have;

		if ((error = hist_load_trees(&c, &tree, &ptree, repo, &oid)) == 0 &&
		    (error = hist_path_changed(tree, ptree, path)) > 0) {
			if ((have = hist_entry_id(&now, tree, path)) < 0)
				error = have;
			else
				error = push_rev(out, c, have ? &now : NULL, !have);
		}
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(c);
		if (error != 0)
			break;
	}
	if (error == GIT_ITEROVER || error == 1)
		error = 0;
	if (error == 0 && out->n == 0)
		error = rl_error_set(RL_ENOTFOUND, "no commit changed '%s'", path);
	for (size_t i = 0; error == 0 && i + 1 < out->n; i++)
		memcpy(out->v[i].prev, out->v[i + 1].commit, sizeof(out->v[i].prev));
done:
	if (error < 0)
		rl_revisions_release(out);
	git_revwalk_free(walk);
	git_commit_free(start);
	return error;
}

/* The Title: header's value of a story file, "" when none (lent from `s`). */
static char *title_of(const char *text)
{
	rl_history_story s = { 0 };
	const char *t;
	char *out;

	if (text == NULL)
		return NULL;
	rl_history_parse_story(&s, text);
	t = hist_header(&s, "Title");
	out = rl_strdup(t ? t : "");
	hist_story_clear_parts(&s);
	return out;
}

int rl_edits_classify_texts(rl_edit_class *out, const char *old_text, const char *new_text)
{
	char *ot = title_of(old_text), *nt = title_of(new_text);
	int error;

	memset(out, 0, sizeof(*out));
	if ((old_text && !ot) || (new_text && !nt))
		error = RL_ENOMEM;
	else
		error = rl_classify_edit(out, ot, old_text ? hist_story_body(old_text) : NULL, nt,
					 new_text ? hist_story_body(new_text) : "");
	free(ot);
	free(nt);
	return error;
}

int rl_edits_classify_all(rl_revisions *revs, git_repository *repo)
{
	char *newer = NULL, *older = NULL;
	int error = 0;

	/* oldest first, so that each text is read once */
	for (size_t k = revs->n; k-- > 0 && !error;) {
		rl_revision *r = &revs->v[k];
		if (r->gone) {
			memset(&r->cls, 0, sizeof(r->cls));
			if ((r->title = rl_strdup("")) == NULL)
				error = RL_ENOMEM;
			free(older);
			older = NULL;
			continue;
		}
		if ((error = rl_edits_read_blob(&newer, repo, &r->blob)) < 0)
			break;
		if ((r->title = title_of(newer)) == NULL) {
			error = RL_ENOMEM;
			break;
		}
		/* a revert: the text of a revision older than the previous one */
		for (size_t j = k + 2; j < revs->n; j++) {
			if (!revs->v[j].gone && git_oid_equal(&revs->v[j].blob, &r->blob)) {
				memset(&r->cls, 0, sizeof(r->cls));
				r->cls.kinds = RL_EDIT_REVERT;
				memcpy(r->cls.reverted_to, revs->v[j].commit, sizeof(r->cls.reverted_to));
				break;
			}
		}
		if (r->cls.kinds != RL_EDIT_REVERT &&
		    (error = rl_edits_classify_texts(&r->cls, older,
						     newer)) < 0)
			break;
		free(older);
		older = newer;
		newer = NULL;
	}
	free(older);
	free(newer);
	return error;
}

void rl_revisions_release(rl_revisions *revs)
{
	if (revs == NULL)
		return;
	for (size_t i = 0; i < revs->n; i++) {
		rl_edit_class_release(&revs->v[i].cls);
		free(revs->v[i].title);
	}
	free(revs->v);
	memset(revs, 0, sizeof(*revs));
}
