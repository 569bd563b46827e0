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
#include "redline/story.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdlib.h>
#include <string.h>

int rl_edits_read_blob(char **out, rl_archive *archive, const git_oid *oid)
{
	git_blob *blob = NULL;
	size_t size;
	int error;

	*out = NULL;
	if ((error = git_blob_lookup(&blob, rl_archive_repo(archive), oid)) < 0)
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

int rl_edits_revisions(rl_revisions *out, rl_archive *archive, const char *path,
		       const char *from_rev)
{
	git_revwalk *walk = NULL;
	git_commit *start = NULL;
	git_oid oid;
	hist_rev *cand = NULL;
	size_t n = 0, next = 0;
	int error, indexed = 0;

	memset(out, 0, sizeof(*out));
	if (from_rev == NULL) {
		/* from HEAD: only the commits the revision index holds for the story */
		if ((error = indexed = hist_story_revs(&cand, &n, archive, path)) < 0 ||
		    (!indexed && (error = hist_walk_head(&walk, archive)) < 0))
			return error;
	} else {
		if ((error = hist_commit(&start, archive, from_rev)) < 0)
			return error;
		if ((error = git_revwalk_new(&walk, rl_archive_repo(archive))) < 0 ||
		    (error = git_revwalk_push(walk, git_commit_id(start))) < 0) {
			error = rl_error_set_git(error, "cannot walk the history");
			goto done;
		}
		git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	}
	while ((error = hist_next_commit(&oid, walk, cand, n, &next)) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_oid now;
		int have;

		if (indexed) {
			/* decided by the index's blob ids: no tree is read */
			const hist_rev *r = &cand[next - 1];
			if (!r->changed)
				continue;
			if ((error = git_commit_lookup(&c, rl_archive_repo(archive), &oid)) < 0)
				error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&oid));
			else
				error = push_rev(out, c, git_oid_is_zero(&r->after) ? NULL : &r->after,
						 git_oid_is_zero(&r->after));
		/* A merge of shard branches (redline merge) is no revision: the
		 * shard's own commit, reached through the merge, is. */
		} else if ((error = hist_load_trees(&c, &tree, &ptree, archive, &oid)) == 0 &&
			   git_commit_parentcount(c) < 2 &&
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
	free(cand);
	return error;
}

/* The Title: header's value of a story file, "" when none. */
static char *title_of(const char *text)
{
	rl_story_header h;
	char *out;

	if (text == NULL)
		return NULL;
	memset(&h, 0, sizeof(h));
	if (rl_story_parse_header(&h, text, strlen(text)) < 0)
		return NULL;
	out = rl_strdup(h.title ? h.title : "");
	rl_story_header_clear(&h);
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
		error = rl_classify_edit(out, ot, old_text ? rl_story_body(old_text) : NULL, nt,
					 new_text ? rl_story_body(new_text) : "");
	free(ot);
	free(nt);
	return error;
}

int rl_edits_classify_all(rl_revisions *revs, rl_archive *archive)
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
		if ((error = rl_edits_read_blob(&newer, archive, &r->blob)) < 0)
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

/* ---- the stories one commit changed --------------------------------- */

/* How far back a commit's story is looked for in earlier versions. */
#define REVERT_WINDOW 300

/* Was `blob` the file at `path` in an ancestor of `parent` (the version
 * before the edit differs, so any hit is an older text come back)?  Sets
 * `at` to the commit that introduced that text; 1 found, 0 not. */
static int find_revert(char at[GIT_OID_HEXSZ + 1], rl_archive *archive, const git_oid *parent,
		       const char *path, const git_oid *blob)
{
	git_revwalk *walk = NULL;
	git_oid oid, id;
	int error, found = 0;
	size_t seen = 0;

	if ((error = git_revwalk_new(&walk, rl_archive_repo(archive))) < 0 || (error = git_revwalk_push(walk, parent)) < 0) {
		git_revwalk_free(walk);
		return rl_error_set_git(error, "cannot walk the history");
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while (seen++ < REVERT_WINDOW && (error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL;
		int have = 0;
		if ((error = git_commit_lookup(&c, rl_archive_repo(archive), &oid)) < 0 ||
		    (error = git_commit_tree(&tree, c)) < 0) {
			error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&oid));
		} else if ((have = hist_entry_id(&id, tree, path)) < 0) {
			error = have;
		} else if (have && git_oid_equal(&id, blob)) {
			found = 1;
			git_oid_tostr(at, GIT_OID_HEXSZ + 1, &oid); /* older ones overwrite */
		} else if (found) {
			have = -2; /* the text before the one that came back: done */
		}
		git_tree_free(tree);
		git_commit_free(c);
		if (error < 0 || have == -2)
			break;
	}
	git_revwalk_free(walk);
	if (error < 0 && error != GIT_ITEROVER)
		return error;
	return found;
}

struct collect {
	rl_commit_edits *out;
	rl_archive *archive;
	const git_oid *parent;
	int error;
};

static int on_story(const git_diff_delta *delta, float progress, void *payload)
{
	struct collect *c = payload;
	const char *path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
	const char *slash = strrchr(path, '/'), *id;
	char *ot = NULL, *nt = NULL;
	rl_commit_edit *e;

	(void)progress;
	if (slash == NULL || (id = rl_story_id_in_name(slash + 1, strlen(slash + 1))) == NULL)
		return 0; /* INDEX, .gitattributes */
	if (c->out->n == c->out->cap) {
		size_t cap = c->out->cap ? c->out->cap * 2 : 16;
		rl_commit_edit *v = realloc(c->out->v, cap * sizeof(*v));
		if (v == NULL) {
			c->error = rl_error_set(RL_ENOMEM, "out of memory");
			return -1;
		}
		c->out->v = v;
		c->out->cap = cap;
	}
	e = &c->out->v[c->out->n];
	memset(e, 0, sizeof(*e));
	memcpy(e->id, id, RL_STORY_ID_LEN);
	if ((e->path = rl_strdup(path)) == NULL) {
		c->error = RL_ENOMEM;
		return -1;
	}
	git_oid_cpy(&e->old_blob, &delta->old_file.id);
	git_oid_cpy(&e->new_blob, &delta->new_file.id);
	c->out->n++;
	if ((!git_oid_is_zero(&delta->old_file.id) &&
	     (c->error = rl_edits_read_blob(&ot, c->archive, &delta->old_file.id)) < 0) ||
	    (!git_oid_is_zero(&delta->new_file.id) &&
	     (c->error = rl_edits_read_blob(&nt, c->archive, &delta->new_file.id)) < 0) ||
	    (c->error = rl_edits_classify_texts(&e->cls, ot, nt ? nt : "")) < 0) {
		free(ot);
		free(nt);
		return -1;
	}
	if (ot && nt && c->parent) {
		char at[GIT_OID_HEXSZ + 1];
		int r = find_revert(at, c->archive, c->parent, path, &delta->new_file.id);
		if (r < 0) {
			c->error = r;
			free(ot);
			free(nt);
			return -1;
		}
		if (r > 0) {
			rl_edit_class_release(&e->cls);
			e->cls.kinds = RL_EDIT_REVERT;
			memcpy(e->cls.reverted_to, at, sizeof(e->cls.reverted_to));
		}
	}
	c->out->kinds |= e->cls.kinds;
	free(ot);
	free(nt);
	return 0;
}

int rl_edits_of_commit(rl_commit_edits *out, rl_archive *archive, const git_oid *commit,
		       const char *source)
{
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	struct collect col = { out, archive, NULL, 0 };
	char *spec = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = hist_load_trees(&c, &tree, &ptree, archive, commit)) < 0)
		goto done;
	if (git_commit_parentcount(c) > 0)
		col.parent = git_commit_parent_id(c, 0);
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (source) {
		if ((spec = malloc(strlen(source) + 2)) == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		strcpy(spec, source);
		strcat(spec, "/");
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	if ((error = git_diff_tree_to_tree(&diff, rl_archive_repo(archive), ptree, tree, &opts)) < 0) {
		error = rl_error_set_git(error, "cannot compare %s with its parent", git_oid_tostr_s(commit));
		goto done;
	}
	if ((error = git_diff_foreach(diff, on_story, NULL, NULL, NULL, &col)) < 0)
		error = col.error < 0 ? col.error : rl_error_set_git(error, "cannot list the changes of %s",
								    git_oid_tostr_s(commit));
done:
	if (error < 0)
		rl_commit_edits_release(out);
	free(spec);
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(c);
	return error;
}

const rl_commit_edit *rl_commit_edits_find(const rl_commit_edits *edits, const char *id)
{
	for (size_t i = 0; id && i < edits->n; i++)
		if (strncmp(edits->v[i].id, id, RL_STORY_ID_LEN) == 0)
			return &edits->v[i];
	return NULL;
}

void rl_commit_edits_release(rl_commit_edits *edits)
{
	if (edits == NULL)
		return;
	for (size_t i = 0; i < edits->n; i++) {
		free(edits->v[i].path);
		rl_edit_class_release(&edits->v[i].cls);
	}
	free(edits->v);
	memset(edits, 0, sizeof(*edits));
}

int rl_edits_list_sources(rl_strvec *out, rl_archive *archive)
{
	git_tree *tree = NULL;
	int error;

	if ((error = hist_head_tree(&tree, archive)) < 0)
		return error;
	for (size_t i = 0; i < git_tree_entrycount(tree) && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		/* .captures/ (raw captures) is no source: sources never start with '.' */
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE && git_tree_entry_name(e)[0] != '.')
			error = rl_strvec_push(out, git_tree_entry_name(e));
	}
	git_tree_free(tree);
	return error;
}

int rl_edits_classify_at(rl_edit_class *out, char commit[GIT_OID_HEXSZ + 1],
			 rl_archive *archive, const char *path, const char *rev)
{
	rl_revisions revs = RL_REVISIONS_INIT;
	char *old_text = NULL, *new_text = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = rl_edits_revisions(&revs, archive, path, rev)) < 0)
		return error;
	memcpy(commit, revs.v[0].commit, GIT_OID_HEXSZ + 1);
	for (size_t j = 2; j < revs.n && !revs.v[0].gone; j++)
		if (!revs.v[j].gone && git_oid_equal(&revs.v[j].blob, &revs.v[0].blob)) {
			out->kinds = RL_EDIT_REVERT;
			memcpy(out->reverted_to, revs.v[j].commit, sizeof(out->reverted_to));
			goto done;
		}
	if ((!revs.v[0].gone && (error = rl_edits_read_blob(&new_text, archive, &revs.v[0].blob)) < 0) ||
	    (revs.n > 1 && !revs.v[1].gone &&
	     (error = rl_edits_read_blob(&old_text, archive, &revs.v[1].blob)) < 0))
		goto done;
	error = rl_edits_classify_texts(out, old_text, new_text ? new_text : "");
done:
	free(old_text);
	free(new_text);
	rl_revisions_release(&revs);
	return error;
}

int rl_edits_commit_changed(rl_archive *archive, const git_oid *commit, const char *path)
{
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int changed = hist_load_trees(&c, &tree, &ptree, archive, commit);

	if (changed == 0)
		changed = hist_path_changed(tree, ptree, path);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(c);
	return changed;
}
