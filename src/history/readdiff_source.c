/*
 * readdiff_source.c - the last snapshot of a source as readable diffs: the
 * newest commit that changed <source>/, each file it changed there diffed
 * against the commit's parent.
 */
#include "redline/readdiff.h"
#include "redline/edits.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct files {
	rl_strvec paths;
	git_oid *old, *new; /* zero oid: absent */
	size_t cap;
};

static int on_file(const git_diff_delta *delta, float progress, void *payload)
{
	struct files *f = payload;
	size_t n = f->paths.n;

	(void)progress;
	if (n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		git_oid *o = realloc(f->old, cap * sizeof(*o)), *w;
		if (o == NULL)
			return -1;
		f->old = o;
		if ((w = realloc(f->new, cap * sizeof(*w))) == NULL)
			return -1;
		f->new = w;
		f->cap = cap;
	}
	if (rl_strvec_push(&f->paths, delta->new_file.path ? delta->new_file.path : delta->old_file.path) < 0)
		return -1;
	git_oid_cpy(&f->old[n], &delta->old_file.id);
	git_oid_cpy(&f->new[n], &delta->new_file.id);
	return 0;
}

static int is_index(const char *path)
{
	size_t len = strlen(path);
	return len >= 6 && strcmp(path + len - 6, "/INDEX") == 0;
}

int rl_rdiff_source(rl_rdiff **out, size_t *n, char commit[GIT_OID_HEXSZ + 1],
		    rl_archive *archive, const char *source)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	struct files f = { RL_STRVEC_INIT, NULL, NULL, 0 };
	char *pathspec[1];
	git_oid oid;
	int error, found = 0;

	*out = NULL;
	*n = 0;
	if ((error = hist_walk_head(&walk, archive)) < 0)
		return error;
	while (!found && (error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit_free(c);
		git_tree_free(tree);
		git_tree_free(ptree);
		c = NULL;
		tree = ptree = NULL;
		if ((error = hist_load_trees(&c, &tree, &ptree, archive, &oid)) < 0 ||
		    (error = hist_path_changed(tree, ptree, source)) < 0)
			goto done;
		found = error > 0;
	}
	if (!found) {
		error = rl_error_set(RL_ENOTFOUND, "no snapshot of '%s' changed anything", source);
		goto done;
	}
	git_oid_tostr(commit, GIT_OID_HEXSZ + 1, &oid);
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	if (asprintf(&pathspec[0], "%s/", source) < 0) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	opts.pathspec.strings = pathspec;
	opts.pathspec.count = 1;
	error = git_diff_tree_to_tree(&diff, rl_archive_repo(archive), ptree, tree, &opts);
	free(pathspec[0]);
	if (error < 0 || (error = git_diff_foreach(diff, on_file, NULL, NULL, NULL, &f)) < 0) {
		error = rl_error_set_git(error, "cannot compare %s with its parent", commit);
		goto done;
	}
	if ((*out = calloc(f.paths.n + 1, sizeof(**out))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	/* stories first, the INDEX last */
	for (int pass = 0; pass < 2 && !error; pass++) {
		for (size_t i = 0; i < f.paths.n && !error; i++) {
			char *ot = NULL, *nt = NULL;
			rl_rdiff *d;
			if (is_index(f.paths.v[i]) != pass)
				continue;
			d = &(*out)[(*n)++];
			if ((!git_oid_is_zero(&f.old[i]) && (error = rl_edits_read_blob(&ot, archive, &f.old[i])) < 0) ||
			    (!git_oid_is_zero(&f.new[i]) && (error = rl_edits_read_blob(&nt, archive, &f.new[i])) < 0) ||
			    (error = rl_rdiff_compute(d, ot, nt, pass)) < 0 ||
			    (d->path = rl_strdup(f.paths.v[i])) == NULL) {
				error = error ? error : RL_ENOMEM;
			} else {
				memcpy(d->to, commit, sizeof(d->to));
				if (git_commit_parentcount(c) > 0)
					git_oid_tostr(d->from, sizeof(d->from), git_commit_parent_id(c, 0));
			}
			free(ot);
			free(nt);
		}
	}
done:
	if (error < 0) {
		rl_rdiffs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	rl_strvec_release(&f.paths);
	free(f.old);
	free(f.new);
	git_diff_free(diff);
	git_commit_free(c);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_revwalk_free(walk);
	return error;
}

void rl_rdiffs_free(rl_rdiff *diffs, size_t n)
{
	for (size_t i = 0; diffs && i < n; i++)
		rl_rdiff_release(&diffs[i]);
	free(diffs);
}
