/*
 * history.c - the story files of the archive and their versions: shared
 * helpers of the history module, diff and show.
 *
 * Read-only.  A story's path never changes, so "did this commit change the
 * story" is one comparison of tree-entry ids, never a diff; blobs are read
 * only to describe or compare a change.  Story files hold at most
 * RL_HISTORY_STORY_MAX bytes here; a larger one is an error.
 */
#include "redline/history.h"
#include "redline/error.h"
#include "redline/revindex.h"
#include "history_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small git helpers ---------------------------------------------- */

/* 1 and the id when `path` is in `tree` (NULL tree: absent), 0 when not. */
int hist_entry_id(git_oid *out, git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	int error;

	if (tree == NULL)
		return 0;
	if ((error = git_tree_entry_bypath(&e, tree, path)) == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return rl_error_set_git(error, "cannot look up '%s'", path);
	git_oid_cpy(out, git_tree_entry_id(e));
	git_tree_entry_free(e);
	return 1;
}

/* Did `path` differ between the two trees (either may be NULL)? */
int hist_path_changed(git_tree *a, git_tree *b, const char *path)
{
	git_oid oa, ob;
	int ia, ib;

	if ((ia = hist_entry_id(&oa, a, path)) < 0 || (ib = hist_entry_id(&ob, b, path)) < 0)
		return ia < 0 ? ia : ib;
	if (ia != ib)
		return 1;
	return ia && !git_oid_equal(&oa, &ob);
}

int hist_read_text(char **out, rl_archive *archive, git_tree *tree, const char *path)
{
	rl_buf text = RL_BUF_INIT(RL_HISTORY_STORY_MAX);
	int error;

	*out = NULL;
	if ((error = rl_archive_read_tree(&text, archive, tree, path)) == 0)
		*out = rl_buf_detach(&text);
	else if (error == RL_ENOTFOUND)
		rl_error_clear(); /* absent is an answer here, not a failure */
	rl_buf_release(&text);
	return error;
}

int hist_commit(git_commit **out, rl_archive *archive, const char *rev)
{
	git_oid oid;
	int error;

	*out = NULL;
	if ((error = rl_archive_resolve(&oid, archive, rev)) < 0)
		return error;
	if ((error = git_commit_lookup(out, rl_archive_repo(archive), &oid)) < 0)
		return rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&oid));
	return 0;
}

int hist_head_tree(git_tree **out, rl_archive *archive)
{
	git_commit *head = NULL;
	git_oid oid;
	int error = rl_archive_head(&oid, archive);

	if (error == RL_ENOTFOUND)
		return rl_error_set(RL_ENOTFOUND, "the archive has no snapshots yet");
	if (error < 0)
		return error;
	if ((error = git_commit_lookup(&head, rl_archive_repo(archive), &oid)) < 0)
		return rl_error_set_git(error, "cannot read HEAD");
	if ((error = git_commit_tree(out, head)) < 0)
		error = rl_error_set_git(error, "cannot read HEAD's tree");
	git_commit_free(head);
	return error;
}

/* ---- story files ---------------------------------------------------- */

int rl_history_parse_story(rl_history_story *out, const char *text)
{
	return rl_story_parse_lines(&out->header_names, &out->header_values, &out->body, text);
}

static void story_clear_parts(rl_history_story *s)
{
	rl_strvec_release(&s->header_names);
	rl_strvec_release(&s->header_values);
	rl_strvec_release(&s->body);
}

int hist_walk_head(git_revwalk **walk, rl_archive *archive)
{
	git_repository *repo = rl_archive_repo(archive);
	int error;

	*walk = NULL;
	if (git_repository_head_unborn(repo) == 1)
		return rl_error_set(RL_ENOTFOUND, "the archive has no snapshots yet");
	if ((error = git_revwalk_new(walk, repo)) < 0)
		return rl_error_set_git(error, "cannot walk the history");
	/* git log's order: a child before its parents even when their times are equal */
	git_revwalk_sorting(*walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if ((error = git_revwalk_push_head(*walk)) < 0) {
		git_revwalk_free(*walk);
		*walk = NULL;
		if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH)
			return rl_error_set(RL_ENOTFOUND, "the archive has no snapshots yet");
		return rl_error_set_git(error, "cannot read HEAD");
	}
	return 0;
}

/* A commit the index cannot decide for `path` (it removed a file of the
 * story, or changed two), decided on its trees as the walk would. */
static int rev_on_trees(hist_rev *r, rl_archive *archive, const char *path)
{
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int error, have;

	memset(&r->before, 0, sizeof(r->before));
	memset(&r->after, 0, sizeof(r->after));
	if ((error = hist_load_trees(&c, &tree, &ptree, archive, &r->commit)) == 0 &&
	    (error = have = hist_entry_id(&r->before, ptree, path)) >= 0 &&
	    (error = have = hist_entry_id(&r->after, tree, path)) >= 0) {
		r->changed = !git_oid_equal(&r->before, &r->after);
		error = 0;
	}
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(c);
	return error;
}

int hist_story_revs(hist_rev **out, size_t *n, rl_archive *archive, const char *path)
{
	const char *slash = strchr(path, '/'), *name = strrchr(path, '/'), *id;
	rl_revindex_rev *idx = NULL;
	hist_rev *v = NULL;
	git_oid cur;
	uint32_t hash;
	size_t m = 0;
	int error = 0;

	*out = NULL;
	*n = 0;
	/* <source>/<month>/<file>: the only files the index knows */
	if (slash == NULL || name == slash || strchr(slash + 1, '/') != name ||
	    (id = rl_story_id_in_name(name + 1, strlen(name + 1))) == NULL)
		return 0;
	if (rl_revindex_revisions(&idx, &m, archive, id) < 0) {
		rl_error_clear(); /* a cache that cannot be used: the walk is the truth */
		return 0;
	}
	if (m && (v = calloc(m, sizeof(*v))) == NULL) {
		free(idx);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	/* Oldest first: the file before a commit is the file after the
	 * previous commit that changed it (the index holds every non-merge
	 * commit that changed a file of the story), absent before the first. */
	hash = rl_revindex_path_hash("", path);
	memset(&cur, 0, sizeof(cur));
	for (size_t k = m; k-- > 0 && error == 0;) {
		hist_rev *r = &v[k];
		git_oid_cpy(&r->commit, &idx[k].commit);
		git_oid_cpy(&r->before, &cur);
		if (idx[k].has_blob && idx[k].path_hash == hash) {
			r->changed = 1; /* the one file of the story it changed: this one */
			git_oid_cpy(&r->after, &idx[k].blob);
		} else if (!idx[k].has_file || idx[k].has_blob) {
			git_oid_cpy(&r->after, &cur); /* named only, or another file changed */
		} else {
			error = rev_on_trees(r, archive, path);
		}
		git_oid_cpy(&cur, &r->after);
	}
	free(idx);
	if (error < 0) {
		free(v);
		return error;
	}
	*out = v;
	*n = m;
	return 1;
}

/* 1 when the story file `text` names itself `path`: rl_story_path() of
 * its Source, First-Seen, Title and Id (a story's path never changes, and
 * is built from its first version's header). */
static int names_path(const char *text, const char *path)
{
	rl_story_header h;
	char *built = NULL;
	int same = 0;

	if (rl_story_parse_header(&h, text, strlen(text)) < 0)
		return RL_ENOMEM;
	if (h.source && h.has_first_seen && h.id[0] &&
	    rl_story_path(&built, h.source, h.first_seen, h.title ? h.title : "", h.id) == 0)
		same = strcmp(built, path) == 0;
	rl_error_clear(); /* a header that names no path is an answer: no */
	free(built);
	rl_story_header_clear(&h);
	return same;
}

int hist_head_blob(git_oid *out, rl_archive *archive, const char *path)
{
	hist_rev *v = NULL;
	char *first = NULL;
	size_t n = 0, k;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = hist_story_revs(&v, &n, archive, path)) <= 0 || n == 0 ||
	    git_oid_is_zero(&v[0].after)) {
		free(v);
		return error < 0 ? error : 0;
	}
	/* the oldest version of the file at `path` */
	for (k = n; k-- > 0;)
		if (!git_oid_is_zero(&v[k].after))
			break;
	if ((error = hist_read_blob(&first, archive, &v[k].after, path)) == 0 &&
	    (error = names_path(first, path)) == 1)
		git_oid_cpy(out, &v[0].after);
	if (error < 0 && error != RL_ENOMEM) {
		rl_error_clear(); /* a blob the cache names but git lacks: the tree decides */
		error = 0;
	}
	free(first);
	free(v);
	return error;
}

int hist_read_blob(char **out, rl_archive *archive, const git_oid *blob, const char *path)
{
	rl_buf text = RL_BUF_INIT(RL_HISTORY_STORY_MAX);
	git_blob *b = NULL;
	int error;

	*out = NULL;
	if (git_oid_is_zero(blob))
		return RL_ENOTFOUND; /* absent is an answer here, not a failure */
	if ((error = git_blob_lookup(&b, rl_archive_repo(archive), blob)) < 0)
		return rl_error_set_git(error, "cannot read '%s'", path);
	/* the bytes and messages of rl_archive_read_tree() */
	if ((error = rl_buf_put(&text, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b))) == RL_ETOOBIG)
		rl_error_set(error, "'%s' is larger than %zu bytes", path, text.max);
	else if (error == 0 && text.ptr == NULL)
		error = rl_buf_puts(&text, "");
	if (error == 0 && (*out = rl_buf_detach(&text)) == NULL)
		error = RL_ENOMEM;
	rl_buf_release(&text);
	git_blob_free(b);
	return error;
}

/* The commit and its tree, and its first parent's tree (NULL for a root). */
int hist_load_trees(git_commit **c, git_tree **tree, git_tree **ptree, rl_archive *archive,
		    const git_oid *oid)
{
	git_repository *repo = rl_archive_repo(archive);
	git_commit *parent = NULL;
	int error;

	*tree = *ptree = NULL;
	if ((error = git_commit_lookup(c, repo, oid)) < 0 ||
	    (error = git_commit_tree(tree, *c)) < 0)
		return rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(oid));
	if (git_commit_parentcount(*c) > 0) {
		if ((error = git_commit_parent(&parent, *c, 0)) < 0 ||
		    (error = git_commit_tree(ptree, parent)) < 0)
			error = rl_error_set_git(error, "cannot read the parent of %s",
						 git_oid_tostr_s(oid));
		git_commit_free(parent);
	}
	return error;
}

/* ---- diff and show -------------------------------------------------- */

int hist_next_commit(git_oid *oid, git_revwalk *walk, const hist_rev *v, size_t n, size_t *i)
{
	if (walk)
		return git_revwalk_next(oid, walk);
	if (*i >= n)
		return GIT_ITEROVER;
	git_oid_cpy(oid, &v[(*i)++].commit);
	return 0;
}

/* The newest commit that changed `path`, and its first parent (or NULL). */
static int last_change(git_commit **to, git_commit **from, rl_archive *archive, const char *path)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	hist_rev *revs = NULL;
	size_t n = 0, i = 0;
	int error, indexed;

	*to = *from = NULL;
	if ((error = indexed = hist_story_revs(&revs, &n, archive, path)) < 0 ||
	    (!indexed && (error = hist_walk_head(&walk, archive)) < 0))
		return error;
	while ((error = hist_next_commit(&oid, walk, revs, n, &i)) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		int changed;

		if (indexed) { /* decided by the index: the first change is the one */
			if (!revs[i - 1].changed)
				continue;
			if ((error = git_commit_lookup(&c, rl_archive_repo(archive), &oid)) < 0)
				error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&oid));
			changed = error == 0;
		} else if ((error = hist_load_trees(&c, &tree, &ptree, archive, &oid)) == 0 &&
			   git_commit_parentcount(c) < 2) {
			/* Merges of shard branches are skipped: the shard's commit is the change. */
			changed = hist_path_changed(tree, ptree, path);
		} else {
			changed = 0;
		}
		if (error == 0 && changed != 0) {
			if (changed < 0)
				error = changed;
			else if (git_commit_parentcount(c) > 0 &&
				 (error = git_commit_parent(from, c, 0)) < 0)
				error = rl_error_set_git(error, "cannot read the parent of %s",
							 git_oid_tostr_s(&oid));
			if (error == 0) {
				*to = c;
				c = NULL;
			}
		}
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(c);
		if (error < 0 || *to)
			break;
	}
	git_revwalk_free(walk);
	free(revs);
	if (error == GIT_ITEROVER)
		return rl_error_set(RL_ENOTFOUND, "no commit changed '%s'", path);
	return error;
}

static int text_at(char **out, rl_archive *archive, git_commit *c, const char *path)
{
	git_tree *tree = NULL;
	int error;

	*out = NULL;
	if (c == NULL)
		return RL_ENOTFOUND;
	if ((error = git_commit_tree(&tree, c)) < 0)
		return rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(git_commit_id(c)));
	error = hist_read_text(out, archive, tree, path);
	git_tree_free(tree);
	return error;
}

int rl_history_diff_compute(rl_history_diff *out, rl_archive *archive, const char *path,
			    const char *rev_from, const char *rev_to)
{
	git_commit *from = NULL, *to = NULL;
	rl_buf ca = RL_BUF_INIT(2 * RL_HISTORY_STORY_MAX), cb = RL_BUF_INIT(2 * RL_HISTORY_STORY_MAX);
	int error, have_old, have_new;

	memset(out, 0, sizeof(*out));
	if (rev_from == NULL)
		error = last_change(&to, &from, archive, path);
	else if ((error = hist_commit(&from, archive, rev_from)) == 0)
		error = hist_commit(&to, archive, rev_to ? rev_to : "HEAD");
	if (error < 0)
		goto done;

	if ((error = text_at(&out->old_text, archive, from, path)) < 0 && error != RL_ENOTFOUND)
		goto done;
	have_old = error == 0;
	if ((error = text_at(&out->new_text, archive, to, path)) < 0 && error != RL_ENOTFOUND)
		goto done;
	have_new = error == 0;
	if (!have_old && !have_new) {
		error = rl_error_set(RL_ENOTFOUND, "'%s' is in neither '%s' nor '%s'", path,
				     rev_from ? rev_from : "the parent", rev_to ? rev_to : "HEAD");
		goto done;
	}
	if ((!have_old && (out->old_text = rl_strdup("")) == NULL) ||
	    (!have_new && (out->new_text = rl_strdup("")) == NULL) ||
	    (out->path = rl_strdup(path)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	if (from)
		git_oid_tostr(out->from, sizeof(out->from), git_commit_id(from));
	git_oid_tostr(out->to, sizeof(out->to), git_commit_id(to));
	if ((error = rl_worddiff_compute(&out->words, out->old_text, out->new_text)) < 0 ||
	    (error = rl_story_content(&ca, out->old_text)) < 0 ||
	    (error = rl_story_content(&cb, out->new_text)) < 0)
		goto done;
	error = rl_figures_diff(&out->figures, ca.ptr, cb.ptr);
done:
	if (error < 0)
		rl_history_diff_release(out);
	rl_buf_release(&ca);
	rl_buf_release(&cb);
	git_commit_free(from);
	git_commit_free(to);
	return error;
}

void rl_history_diff_release(rl_history_diff *diff)
{
	if (diff == NULL)
		return;
	free(diff->path);
	free(diff->old_text);
	free(diff->new_text);
	rl_worddiff_release(&diff->words);
	rl_figure_changes_release(&diff->figures);
	memset(diff, 0, sizeof(*diff));
}

int rl_history_show(rl_history_story *out, rl_archive *archive, const char *path,
		    const char *rev)
{
	git_commit *c = NULL;
	git_oid blob;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if ((error = hist_commit(&c, archive, rev ? rev : "HEAD")) < 0)
		goto done;
	/* at HEAD the revision index names the file's blob: no tree is read */
	if (rev == NULL && (error = hist_head_blob(&blob, archive, path)) < 0)
		goto done;
	if ((error = error == 1 ? hist_read_blob(&out->text, archive, &blob, path)
				: text_at(&out->text, archive, c, path)) == RL_ENOTFOUND)
		error = rl_error_set(RL_ENOTFOUND, "'%s' did not exist at '%s'", path,
				     rev ? rev : "HEAD");
	if (error < 0)
		goto done;
	git_oid_tostr(out->commit, sizeof(out->commit), git_commit_id(c));
	if ((out->path = rl_strdup(path)) == NULL)
		error = RL_ENOMEM;
	else
		error = rl_history_parse_story(out, out->text);
done:
	if (error < 0)
		rl_history_story_release(out);
	git_commit_free(c);
	return error;
}

void rl_history_story_release(rl_history_story *story)
{
	if (story == NULL)
		return;
	free(story->path);
	free(story->text);
	story_clear_parts(story);
	memset(story, 0, sizeof(*story));
}
