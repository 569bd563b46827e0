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
#include "history_internal.h"

#include <ctype.h>
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

/* The file at `path` in `tree` as a C string; RL_ENOTFOUND when absent. */
int hist_read_path(char **out, git_repository *repo, git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int error;
	size_t size;

	*out = NULL;
	if (tree == NULL)
		return RL_ENOTFOUND;
	if ((error = git_tree_entry_bypath(&e, tree, path)) < 0) {
		if (error == GIT_ENOTFOUND)
			return RL_ENOTFOUND;
		return rl_error_set_git(error, "cannot look up '%s'", path);
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		error = rl_error_set(RL_EINVAL, "'%s' is not a file", path);
		goto done;
	}
	if ((error = git_blob_lookup(&blob, repo, git_tree_entry_id(e))) < 0) {
		error = rl_error_set_git(error, "cannot read '%s'", path);
		goto done;
	}
	size = (size_t)git_blob_rawsize(blob);
	if (size > RL_HISTORY_STORY_MAX) {
		error = rl_error_set(RL_ETOOBIG, "'%s' is larger than %u bytes", path,
				     RL_HISTORY_STORY_MAX);
		goto done;
	}
	if ((*out = rl_strndup(git_blob_rawcontent(blob), size)) == NULL)
		error = RL_ENOMEM;
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	return error;
}

int hist_resolve_commit(git_commit **out, git_repository *repo, const char *rev)
{
	git_object *obj = NULL, *peeled = NULL;
	int error;

	if ((error = git_revparse_single(&obj, repo, rev)) < 0) {
		if (error == GIT_ENOTFOUND || error == GIT_EAMBIGUOUS || error == GIT_EINVALIDSPEC)
			return rl_error_set(RL_ENOTFOUND, "unknown revision '%s'", rev);
		return rl_error_set_git(error, "cannot resolve '%s'", rev);
	}
	if ((error = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT)) < 0)
		error = rl_error_set(RL_ENOTFOUND, "'%s' is not a commit", rev);
	else
		*out = (git_commit *)peeled;
	git_object_free(obj);
	return error;
}

int hist_head_tree(git_tree **out, git_repository *repo)
{
	git_commit *head = NULL;
	git_object *obj = NULL;
	int error = git_revparse_single(&obj, repo, "HEAD^{commit}");

	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH)
		return rl_error_set(RL_ENOTFOUND, "the archive has no snapshots yet");
	if (error < 0)
		return rl_error_set_git(error, "cannot read HEAD");
	head = (git_commit *)obj;
	if ((error = git_commit_tree(out, head)) < 0)
		error = rl_error_set_git(error, "cannot read HEAD's tree");
	git_commit_free(head);
	return error;
}

/* ---- story files ---------------------------------------------------- */

/* 12 lowercase hex digits? */
int hist_is_id(const char *s)
{
	for (size_t i = 0; i < ID_LEN; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The id in ".../<slug>-<id>.txt", or NULL. */
const char *hist_id_in_name(const char *name, size_t len)
{
	if (len < ID_LEN + 5 || strcmp(name + len - 4, ".txt") != 0 || name[len - ID_LEN - 5] != '-')
		return NULL;
	return hist_is_id(name + len - ID_LEN - 4) ? name + len - ID_LEN - 4 : NULL;
}

int rl_history_parse_story(rl_history_story *out, const char *text)
{
	const char *p = text, *nl, *colon;
	int in_header = 1, error = 0;

	while (*p && !error) {
		size_t len;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (in_header && len == 0) {
			in_header = 0;
		} else if (in_header &&
			   ((colon = memchr(p, ':', len)) == NULL || colon == p ||
			    (size_t)(colon - p) + 1 >= len || colon[1] != ' ' ||
			    memchr(p, ' ', (size_t)(colon - p)) != NULL)) {
			/* not "Name: value": a file without headers is all body */
			in_header = 0;
			continue;
		} else if (in_header) {
			if ((error = rl_strvec_pushn(&out->header_names, p, (size_t)(colon - p))) == 0)
				error = rl_strvec_pushn(&out->header_values, colon + 2,
							len - (size_t)(colon - p) - 2);
		} else if (len > 0) {
			error = rl_strvec_pushn(&out->body, p, len);
		}
		p = nl ? nl + 1 : p + len;
	}
	return error;
}

const char *hist_header(const rl_history_story *s, const char *name)
{
	for (size_t i = 0; i < s->header_names.n; i++)
		if (strcmp(s->header_names.v[i], name) == 0)
			return s->header_values.v[i];
	return NULL;
}

void hist_story_clear_parts(rl_history_story *s)
{
	rl_strvec_release(&s->header_names);
	rl_strvec_release(&s->header_values);
	rl_strvec_release(&s->body);
}

/* Title and body without the other headers: where figures are looked for. */
int hist_story_content(rl_buf *out, const char *text)
{
	const char *body = text ? strstr(text, "\n\n") : NULL;
	const char *t = text;
	int error = 0;

	if (text == NULL)
		return 0;
	if (body == NULL)
		return rl_buf_puts(out, text);
	while (t && t < body && !error) {
		const char *nl = strchr(t, '\n');
		if (strncmp(t, "Title: ", 7) == 0)
			error = rl_buf_put(out, t + 7, (size_t)(nl - t) - 7 + 1);
		t = nl ? nl + 1 : NULL;
	}
	return error ? error : rl_buf_puts(out, body + 1);
}

const char *hist_story_body(const char *text)
{
	const char *body = text ? strstr(text, "\n\n") : NULL;
	return body ? body + 2 : "";
}

int hist_walk_head(git_revwalk **walk, git_repository *repo)
{
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

/* The commit and its tree, and its first parent's tree (NULL for a root). */
int hist_load_trees(git_commit **c, git_tree **tree, git_tree **ptree, git_repository *repo,
		      const git_oid *oid)
{
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

/* The newest commit that changed `path`, and its first parent (or NULL). */
static int last_change(git_commit **to, git_commit **from, git_repository *repo, const char *path)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int error;

	*to = *from = NULL;
	if ((error = hist_walk_head(&walk, repo)) < 0)
		return error;
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		int changed;

		if ((error = hist_load_trees(&c, &tree, &ptree, repo, &oid)) == 0 &&
		    (changed = hist_path_changed(tree, ptree, path)) != 0) {
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
	if (error == GIT_ITEROVER)
		return rl_error_set(RL_ENOTFOUND, "no commit changed '%s'", path);
	return error;
}

static int text_at(char **out, git_repository *repo, git_commit *c, const char *path)
{
	git_tree *tree = NULL;
	int error;

	*out = NULL;
	if (c == NULL)
		return RL_ENOTFOUND;
	if ((error = git_commit_tree(&tree, c)) < 0)
		return rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(git_commit_id(c)));
	error = hist_read_path(out, repo, tree, path);
	git_tree_free(tree);
	return error;
}

int rl_history_diff_compute(rl_history_diff *out, git_repository *repo, const char *path,
			    const char *rev_from, const char *rev_to)
{
	git_commit *from = NULL, *to = NULL;
	rl_buf ca = RL_BUF_INIT(2 * RL_HISTORY_STORY_MAX), cb = RL_BUF_INIT(2 * RL_HISTORY_STORY_MAX);
	int error, have_old, have_new;

	memset(out, 0, sizeof(*out));
	if (rev_from == NULL)
		error = last_change(&to, &from, repo, path);
	else if ((error = hist_resolve_commit(&from, repo, rev_from)) == 0)
		error = hist_resolve_commit(&to, repo, rev_to ? rev_to : "HEAD");
	if (error < 0)
		goto done;

	if ((error = text_at(&out->old_text, repo, from, path)) < 0 && error != RL_ENOTFOUND)
		goto done;
	have_old = error == 0;
	if ((error = text_at(&out->new_text, repo, to, path)) < 0 && error != RL_ENOTFOUND)
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
	    (error = hist_story_content(&ca, out->old_text)) < 0 ||
	    (error = hist_story_content(&cb, out->new_text)) < 0)
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

int rl_history_show(rl_history_story *out, git_repository *repo, const char *path,
		    const char *rev)
{
	git_commit *c = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = hist_resolve_commit(&c, repo, rev ? rev : "HEAD")) < 0)
		goto done;
	if ((error = text_at(&out->text, repo, c, path)) == RL_ENOTFOUND)
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
	hist_story_clear_parts(story);
	memset(story, 0, sizeof(*story));
}
