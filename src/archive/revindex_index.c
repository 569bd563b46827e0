/*
 * revindex_index.c - what the revision index records for a commit: the
 * story files two folders deep whose blob it changed and the ids its
 * message names, read from the commit's trees (catch-up) or taken from the
 * batch that built the commits (feed).  revindex.c holds the files.
 */
#include "redline/error.h"
#include "redline/story.h"
#include "archive_internal.h"
#include "revindex_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- indexing commits ----------------------------------------------- */

struct keys {
	struct key_flag {
		uint64_t key;
		uint32_t flags, path;
		unsigned char blob[GIT_OID_RAWSZ];
	} *v;
	size_t n, cap;
};

/* Appended as found; keys_unique() merges the duplicates (a story both
 * changed and named) once the commit is read, in O(n log n). */
static int keys_add(struct keys *k, uint64_t key, uint32_t flag, const git_oid *blob,
		    uint32_t path)
{
	int error;

	if ((error = rl_array_grow(&k->v, &k->cap, k->n, sizeof(*k->v), 16)) < 0)
		return error;
	memset(&k->v[k->n], 0, sizeof(k->v[k->n]));
	k->v[k->n].key = key;
	k->v[k->n].flags = flag;
	if (blob) {
		memcpy(k->v[k->n].blob, blob->id, GIT_OID_RAWSZ);
		k->v[k->n].path = path;
	}
	k->n++;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct key_flag *)a)->key, y = ((const struct key_flag *)b)->key;
	return x < y ? -1 : x > y;
}

static void keys_unique(struct keys *k)
{
	size_t out = 0;

	if (k->n < 2)
		return;
	qsort(k->v, k->n, sizeof(*k->v), key_cmp);
	for (size_t i = 1; i < k->n; i++) {
		if (k->v[i].key == k->v[out].key) {
			struct key_flag *o = &k->v[out];
			/* two files of one story in one commit: no single blob */
			if ((o->flags & F_FILE) && (k->v[i].flags & F_FILE))
				o->flags &= ~F_BLOB;
			else if (k->v[i].flags & F_BLOB) {
				o->flags |= F_BLOB;
				o->path = k->v[i].path;
				memcpy(o->blob, k->v[i].blob, GIT_OID_RAWSZ);
			}
			o->flags |= k->v[i].flags & ~F_BLOB;
		} else
			k->v[++out] = k->v[i];
	}
	k->n = out + 1;
}

/* A story file at depth 2 that changed: its key, with the blob after the
 * commit (NULL: removed) and a hash of its path ("<dir><name>"). */
static int file_key(struct keys *k, const char *dir, const char *name, const git_oid *blob)
{
	const char *id = rl_story_id_in_name(name, strlen(name));
	uint64_t key;
	int error;

	if (id == NULL)
		return 0;
	if ((error = rl_hashfile_story_key(&key, id)) < 0)
		return error;
	if (blob == NULL) /* removed: no file after the commit */
		return keys_add(k, key, F_FILE, NULL, 0);
	return keys_add(k, key, F_FILE | F_BLOB, blob, rl_revindex_path_hash(dir, name));
}

/* One side of a changed entry: a story file at depth 2 gives its key. */
static int changed_entry(struct keys *k, git_repository *repo, const git_tree_entry *a,
			 const git_tree_entry *b, int depth, const char *dir);

/* The entries that differ between two trees (either may be NULL), merged
 * in git's order: <source>/ (depth 0), <month>/ (1), story files (2). */
static int diff_trees(struct keys *k, git_repository *repo, git_tree *a, git_tree *b, int depth,
		      const char *dir)
{
	size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	int error = 0;

	while ((i < na || j < nb) && error == 0) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);

		if (cmp < 0) {
			error = changed_entry(k, repo, ea, NULL, depth, dir);
			i++;
		} else if (cmp > 0) {
			error = changed_entry(k, repo, NULL, eb, depth, dir);
			j++;
		} else {
			if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
				error = changed_entry(k, repo, ea, eb, depth, dir);
			i++;
			j++;
		}
	}
	return error;
}

static int changed_entry(struct keys *k, git_repository *repo, const git_tree_entry *a,
			 const git_tree_entry *b, int depth, const char *dir)
{
	char sub[1024];
	const git_tree_entry *e = b ? b : a;
	const char *name = git_tree_entry_name(e);
	git_tree *ta = NULL, *tb = NULL;
	int error = 0;

	if (depth == 2) {
		if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
			return 0;
		return file_key(k, dir, name, b ? git_tree_entry_id(b) : NULL);
	}
	if (depth == 0 && name[0] == '.')
		return 0; /* .gitattributes, .captures/: no source */
	if ((a && git_tree_entry_type(a) == GIT_OBJECT_TREE &&
	     (error = git_tree_lookup(&ta, repo, git_tree_entry_id(a))) < 0) ||
	    (b && git_tree_entry_type(b) == GIT_OBJECT_TREE &&
	     (error = git_tree_lookup(&tb, repo, git_tree_entry_id(b))) < 0)) {
		error = rl_error_set_git(error, "cannot read tree '%s'", name);
		goto done;
	}
	if ((size_t)snprintf(sub, sizeof(sub), "%s%s/", dir, name) >= sizeof(sub))
		goto done; /* no story path is this long (path.h) */
	if (ta || tb)
		error = diff_trees(k, repo, ta, tb, depth + 1, sub);
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return error;
}

/* The ids a commit message names on its item lines ("edited <id> ..."),
 * the lines history.h's rl_history_parse_changes() reads. */
static int named_ids(struct keys *k, const char *message)
{
	const char *p = rl_story_item_lines(message);
	rl_story_item_line line;
	uint64_t key;
	int error;

	while (rl_story_item_line_next(&line, &p))
		if ((error = rl_hashfile_story_key(&key, line.id)) < 0 ||
		    (error = keys_add(k, key, F_NAMED, NULL, 0)) < 0)
			return error;
	return 0;
}

/* The records of one commit's keys, in key order. */
static int add_keys(rl_revindex *x, struct keys *k, const git_oid *oid)
{
	int error = 0;

	keys_unique(k);
	for (size_t i = 0; i < k->n && error == 0; i++)
		error = revindex_add_record(x, k->v[i].key, oid, k->v[i].flags, k->v[i].blob, k->v[i].path);
	return error;
}

static int index_commit(rl_revindex *x, const git_oid *oid)
{
	git_repository *repo = rl_archive_repo(x->archive);
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	struct keys k = { 0 };
	int error;

	if ((error = git_commit_lookup(&c, repo, oid)) < 0) {
		error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(oid));
		goto done;
	}
	/* a merge of shard branches is no snapshot: history skips it */
	if (git_commit_parentcount(c) > 1)
		goto done;
	if ((error = git_commit_tree(&tree, c)) < 0 ||
	    (git_commit_parentcount(c) == 1 &&
	     ((error = git_commit_parent(&parent, c, 0)) < 0 ||
	      (error = git_commit_tree(&ptree, parent)) < 0))) {
		error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(oid));
		goto done;
	}
	if ((error = diff_trees(&k, repo, ptree, tree, 0, "")) < 0 ||
	    (error = named_ids(&k, git_commit_message(c))) < 0)
		goto done;
	error = add_keys(x, &k, oid);
done:
	free(k.v);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(c);
	return error;
}

/* Indexes the commits from the tip (exclusive) to `head`, parents first. */
int revindex_catch_up(rl_revindex *x, const git_oid *head)
{
	git_repository *repo = rl_archive_repo(x->archive);
	git_revwalk *walk = NULL;
	git_oid oid;
	int error;

	if ((error = git_revwalk_new(&walk, repo)) < 0)
		return rl_error_set_git(error, "cannot walk the history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	if ((error = git_revwalk_push(walk, head)) < 0 ||
	    (!git_oid_is_zero(&x->tip) && (error = git_revwalk_hide(walk, &x->tip)) < 0)) {
		error = rl_error_set_git(error, "cannot walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		if ((error = index_commit(x, &oid)) < 0)
			goto done;
		if (x->tail_n >= FLUSH_EVERY && (error = revindex_flush(x, 0)) < 0)
			goto done;
	}
	if (error != GIT_ITEROVER) {
		error = rl_error_set_git(error, "cannot walk the history");
		goto done;
	}
	git_oid_cpy(&x->tip, head);
	error = revindex_flush(x, 1);
done:
	git_revwalk_free(walk);
	return error;
}

/* 1 when the archive's last batch (archive_revfeed) is exactly the commits
 * from the tip (exclusive) to `head`, each with every story file it
 * changed known from its tree's build. */
int revindex_feed_fits(const struct archive_revfeed *f, const rl_revindex *x, const git_oid *head)
{
	if (f == NULL || f->n == 0 || !git_oid_equal(&f->c[f->n - 1].id, head) ||
	    (f->has_base ? !git_oid_equal(&f->base, &x->tip) : !git_oid_is_zero(&x->tip)))
		return 0;
	for (size_t i = 0; i < f->n; i++)
		for (size_t j = 0; j < f->c[i].n; j++)
			if (f->c[i].u[j].changed < 0)
				return 0; /* a folder went: its files are not listed */
	return 1;
}

/* revindex_catch_up() from the batch's own record of its commits: the same records
 * (index_commit()'s keys: the story files two folders deep whose blob the
 * commit changed, and the ids its message names), without reading the
 * commits and their trees back from the pack. */
int revindex_feed(rl_revindex *x, const struct archive_revfeed *f, const git_oid *head)
{
	char dir[1024];
	int error = 0;

	for (size_t i = 0; i < f->n && error == 0; i++) {
		const struct archive_fed_commit *c = &f->c[i];
		struct keys k = { 0 };
		for (size_t j = 0; j < c->n && error == 0; j++) {
			const struct archive_update *u = &c->u[j];
			const char *name = strrchr(u->path, '/');
			size_t len;
			/* .gitattributes, .captures/: no source (as changed_entry()) */
			if (u->changed != 1 || u->path[0] == '.' || name == NULL ||
			    (len = (size_t)(name - u->path) + 1) >= sizeof(dir))
				continue;
			memcpy(dir, u->path, len);
			dir[len] = '\0';
			error = file_key(&k, dir, name + 1, u->remove ? NULL : &u->blob);
		}
		/* as git_commit_message() gives it: without leading newlines */
		if (error == 0 && (error = named_ids(&k, c->message ? c->message + strspn(c->message, "\n")
								     : "")) == 0)
			error = add_keys(x, &k, &c->id);
		free(k.v);
		if (error == 0 && x->tail_n >= FLUSH_EVERY)
			error = revindex_flush(x, 0);
	}
	if (error < 0)
		return error;
	git_oid_cpy(&x->tip, head);
	return revindex_flush(x, 1);
}
