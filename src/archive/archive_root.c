/*
 * archive_root.c - the entries of a batch's root tree, kept up to date as
 * its commits are built.
 *
 * Every snapshot of a cycle asks for a name in the root tree of the
 * batch's last commit: its source's subtree (the state cache's check) and
 * ".gitattributes".  Through libgit2 each question read that commit and
 * parsed its root tree - one entry per source, rewritten by every commit -
 * three times a snapshot.  Here the root tree is parsed once per batch,
 * into a table of its names, and each commit built on it changes the
 * entries its updates touched (archive_tree.c sets them: `top_kind`), so a
 * question costs a lookup, whatever the number of sources.
 *
 * Invariant: when `valid`, the table holds exactly the entries of tree
 * `tree`.  Anything unexpected (a rebuild on a foreign tip, an update the
 * tree builder did not describe) clears `valid`, and the next question
 * parses the tree again.
 */
#include "archive_internal.h"
#include "packwrite_internal.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

#define MODE_TYPE 0170000u
#define MODE_TREE 0040000u

struct root_entry {
	char *name;
	git_oid id;
	int is_tree, gone;
};

struct archive_root {
	int valid;
	git_oid tree;              /* the tree the entries are of (zero: none) */
	struct root_entry *e;
	size_t n, cap;
	size_t *slots;             /* open addressing by name: index + 1, 0 empty */
	size_t n_slots;            /* a power of two, over twice n */
};

static size_t name_hash(const char *s, size_t len)
{
	size_t h = 14695981039346656037ull; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

/* The slot of `name`: its entry's, or the empty one where it would go. */
static size_t *slot_of(struct archive_root *r, const char *name, size_t len)
{
	size_t mask = r->n_slots - 1, i = name_hash(name, len) & mask;

	while (r->slots[i]) {
		const char *have = r->e[r->slots[i] - 1].name;
		if (strncmp(have, name, len) == 0 && have[len] == '\0')
			break;
		i = (i + 1) & mask;
	}
	return &r->slots[i];
}

static void clear(struct archive_root *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].name);
	r->n = 0;
	if (r->slots)
		memset(r->slots, 0, r->n_slots * sizeof(*r->slots));
	r->valid = 0;
}

void archive_root_free(struct archive_root *r)
{
	if (r == NULL)
		return;
	clear(r);
	free(r->e);
	free(r->slots);
	free(r);
}

/* Sets entry `name` (its first `len` bytes) to `id`, or marks it gone. */
static int put(struct archive_root *r, const char *name, size_t len, const git_oid *id,
	       int is_tree, int gone)
{
	struct root_entry *e;
	size_t *slot;
	int rc;

	if ((r->n + 1) * 2 > r->n_slots) {
		size_t n = r->n_slots ? r->n_slots * 2 : 256, *slots = calloc(n, sizeof(*slots));
		if (slots == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		free(r->slots);
		r->slots = slots;
		r->n_slots = n;
		for (size_t i = 0; i < r->n; i++)
			*slot_of(r, r->e[i].name, strlen(r->e[i].name)) = i + 1;
	}
	slot = slot_of(r, name, len);
	if (*slot == 0) {
		if ((rc = rl_array_grow(&r->e, &r->cap, r->n, sizeof(*r->e), 64)) < 0)
			return rc;
		e = &r->e[r->n];
		memset(e, 0, sizeof(*e));
		if ((e->name = strndup(name, len)) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		*slot = ++r->n;
	}
	e = &r->e[*slot - 1];
	e->gone = gone;
	e->is_tree = is_tree;
	if (id)
		git_oid_cpy(&e->id, id);
	return 0;
}

/* The entries of root tree `tree` (zero: no tree, no entries). */
static int load(struct archive_root *r, rl_archive *a, const git_oid *tree)
{
	unsigned char *data = NULL;
	git_odb_object *obj = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	const unsigned char *p, *end;
	size_t len = 0;
	int rc = 0, error;

	clear(r);
	if (git_oid_is_zero(tree))
		goto loaded;
	if ((rc = archive_pw_read(&data, &len, &type, a->pw, tree)) < 0)
		return rc;
	if (data) {
		p = data;
	} else {
		if ((error = git_odb_read(&obj, a->odb, tree)) < 0)
			return rl_error_set_git(error, "cannot read tree %s", git_oid_tostr_s(tree));
		type = git_odb_object_type(obj);
		p = git_odb_object_data(obj);
		len = git_odb_object_size(obj);
	}
	if (type != GIT_OBJECT_TREE) {
		rc = rl_error_set(RL_EIO, "object %s is not a tree", git_oid_tostr_s(tree));
		goto done;
	}
	for (end = p + len; p < end && rc == 0;) {
		struct pw_tree_entry t;
		git_oid id;
		if (pw_tree_entry_at(&t, p, end) < 0) {
			rc = rl_error_set(RL_EIO, "tree %s is corrupt", git_oid_tostr_s(tree));
			break;
		}
		git_oid_fromraw(&id, p + t.len - GIT_OID_RAWSZ);
		rc = put(r, (const char *)t.name, t.name_len, &id, (t.mode & MODE_TYPE) == MODE_TREE,
			 0);
		p += t.len;
	}
done:
	free(data);
	git_odb_object_free(obj);
	if (rc < 0) {
		clear(r);
		return rc;
	}
loaded:
	git_oid_cpy(&r->tree, tree);
	r->valid = 1;
	return 0;
}

void archive_root_advance(struct archive_root *r, const git_oid *from, const git_oid *to,
			  const struct archive_update *u, size_t n)
{
	git_oid none;

	if (r == NULL || !r->valid)
		return;
	memset(&none, 0, sizeof(none));
	if (!git_oid_equal(&r->tree, from ? from : &none)) {
		r->valid = 0;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *slash = strchr(u[i].path, '/');
		size_t len = slash ? (size_t)(slash - u[i].path) : strlen(u[i].path);
		int rc = 0;

		if (u[i].top_kind == ARCHIVE_TOP_TREE || u[i].top_kind == ARCHIVE_TOP_BLOB)
			rc = put(r, u[i].path, len, &u[i].top, u[i].top_kind == ARCHIVE_TOP_TREE, 0);
		else if (u[i].top_kind == ARCHIVE_TOP_GONE)
			rc = put(r, u[i].path, len, NULL, 0, 1);
		if (rc < 0) {
			rl_error_clear();
			clear(r);
			return;
		}
	}
	git_oid_cpy(&r->tree, to);
}

void archive_root_forget(struct archive_root *r)
{
	if (r)
		r->valid = 0;
}

int archive_root_find(git_oid *out, int *is_tree, struct archive_root **rp, rl_archive *a,
		      const git_oid *tree, const char *name)
{
	struct archive_root *r = *rp;
	git_oid none;
	size_t *slot;
	int rc;

	memset(&none, 0, sizeof(none));
	if (r == NULL && (r = *rp = calloc(1, sizeof(*r))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (tree == NULL)
		tree = &none;
	if ((!r->valid || !git_oid_equal(&r->tree, tree)) && (rc = load(r, a, tree)) < 0)
		return rc;
	if (r->n_slots == 0 || *(slot = slot_of(r, name, strlen(name))) == 0 ||
	    r->e[*slot - 1].gone)
		return RL_ENOTFOUND;
	git_oid_cpy(out, &r->e[*slot - 1].id);
	*is_tree = r->e[*slot - 1].is_tree;
	return 0;
}
