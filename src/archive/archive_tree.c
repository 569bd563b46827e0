/*
 * archive_tree.c - a commit's trees, built from its parent's.
 *
 * What git_tree_create_updated() did for the batch, without its costs: it
 * wrote every tree through git_odb_write(), whose freshen step probes the
 * loose object's path (access, utimensat) and, on a miss (every new tree),
 * rescans objects/pack; and it parsed every tree on a changed path into
 * libgit2's object cache.  Here the parent's trees on the changed paths are
 * read as bytes (from the batch's pack, or from the odb when older than the
 * batch), their entries merged with the commit's updates, and each new tree
 * hashed once and handed to the batch's pack writer with its previous
 * version as the delta base.  Only the trees on changed paths are touched:
 * the cost follows the updates, not the size of the archive.
 *
 * The bytes are git's (what `git mktree` writes for the same entries):
 * entries in git's tree order (a folder sorts as if its name ended in '/'),
 * modes in octal without a leading zero; an entry that did not change is
 * copied as it was.  The semantics are git_tree_create_updated()'s: folders
 * are made on the way, a folder emptied by removals goes (the root stays,
 * as the empty tree), removing what is not there changes nothing, and a
 * file where a folder is (or the other way round) is an error.
 */
#include "archive_internal.h"
#include "packwrite_internal.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A tree above this is refused: no archive of ours comes near it. */
#define TREE_MAX ((size_t)256 << 20)
/* Paths are at most 1024 bytes (rl_path_is_safe): at most 512 levels. */
#define DEPTH_MAX 512

#define MODE_TYPE 0170000u
#define MODE_TREE 0040000u
#define MODE_BLOB 0100644u
#define MODE_GITLINK 0160000u

/* An entry of the tree being built.  t.start non-NULL: the entry's bytes
 * in the base tree, still valid (copied as they are). */
struct entry {
	struct pw_tree_entry t;
	git_oid id;
	int gone;
	size_t pos;                /* build_held(): its index in the held tree */
};

/* The base tree of one level and the entries of the new one. */
struct level {
	unsigned char *data;       /* the base's bytes, from the batch's pack */
	git_odb_object *obj;       /* or held from the odb */
	size_t len;
	struct entry *e;           /* the base's entries, in git's order */
	size_t n, cap;
	struct entry *added;       /* entries the base does not have */
	size_t n_added, cap_added;
};

/* The updates under one name of a level: a file (leaf) or a folder. */
struct change {
	const char *name;
	size_t len;
	size_t lo, hi;             /* its updates */
	int leaf;
};

static int cmp_entry(const void *a, const void *b)
{
	return pw_tree_order(&((const struct entry *)a)->t, &((const struct entry *)b)->t);
}

static int cmp_change_name(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	int c = memcmp(x->name, y->name, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The base tree's entries; git's order restored if a foreign writer broke
 * it (libgit2 and git sort what they write). */
static int read_base(struct level *lv, rl_archive *a, const git_oid *id)
{
	const unsigned char *p, *end;
	git_object_t type = GIT_OBJECT_INVALID;
	size_t len = 0;
	int rc, error, sorted = 1;

	if ((rc = archive_pw_read(&lv->data, &len, &type, a->pw, id)) < 0)
		return rc;
	if (lv->data) {
		p = lv->data;
	} else {
		if ((error = git_odb_read(&lv->obj, a->odb, id)) < 0)
			return rl_error_set_git(error, "cannot read tree %s", git_oid_tostr_s(id));
		type = git_odb_object_type(lv->obj);
		p = git_odb_object_data(lv->obj);
		len = git_odb_object_size(lv->obj);
	}
	if (type != GIT_OBJECT_TREE)
		return rl_error_set(RL_EIO, "object %s is not a tree", git_oid_tostr_s(id));
	lv->len = len;
	for (end = p + len; p < end;) {
		struct entry *e;
		if ((rc = rl_array_grow(&lv->e, &lv->cap, lv->n, sizeof(*lv->e), 64)) < 0)
			return rc;
		e = &lv->e[lv->n];
		if (pw_tree_entry_at(&e->t, p, end) < 0)
			return rl_error_set(RL_EIO, "tree %s is corrupt", git_oid_tostr_s(id));
		git_oid_fromraw(&e->id, p + e->t.len - GIT_OID_RAWSZ);
		e->gone = 0;
		if (lv->n > 0 && pw_tree_order(&lv->e[lv->n - 1].t, &e->t) >= 0)
			sorted = 0;
		lv->n++;
		p += e->t.len;
	}
	if (!sorted)
		qsort(lv->e, lv->n, sizeof(*lv->e), cmp_entry);
	return 0;
}

static struct entry *find(struct level *lv, const char *name, size_t len, int is_dir)
{
	struct pw_tree_entry key = pw_tree_key(name, len, is_dir);
	size_t lo = 0, hi = lv->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = pw_tree_order(&lv->e[mid].t, &key);
		if (c == 0)
			return &lv->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int add(struct level *lv, const char *name, size_t len, uint32_t mode, const git_oid *id)
{
	struct entry *e;
	int rc;

	if ((rc = rl_array_grow(&lv->added, &lv->cap_added, lv->n_added, sizeof(*lv->added), 8)) < 0)
		return rc;
	e = &lv->added[lv->n_added++];
	memset(e, 0, sizeof(*e));
	e->t.name = (const unsigned char *)name;
	e->t.name_len = len;
	e->t.mode = mode;
	e->t.is_dir = (mode & MODE_TYPE) == MODE_TREE;
	git_oid_cpy(&e->id, id);
	return 0;
}

/* Sets the entry to `id` and `mode`; its old bytes no longer describe it
 * unless neither changed. */
static void set(struct entry *e, const git_oid *id, uint32_t mode)
{
	if (!git_oid_equal(&e->id, id) || e->t.mode != mode)
		e->t.start = NULL;
	git_oid_cpy(&e->id, id);
	e->t.mode = mode;
}

static int put_entry(rl_buf *buf, const struct entry *e)
{
	int rc;

	/* An unchanged entry as it was, unless its mode has a leading zero
	 * (a foreign writer's): git and libgit2 write "%o". */
	if (e->t.start && e->t.start[0] != '0')
		return rl_buf_put(buf, e->t.start, e->t.len);
	{
		/* "%o " without printf */
		char oct[16];
		size_t k = sizeof(oct);
		uint32_t m = e->t.mode;
		oct[--k] = ' ';
		do
			oct[--k] = (char)('0' + (m & 7u));
		while ((m >>= 3) != 0);
		if ((rc = rl_buf_put(buf, oct + k, sizeof(oct) - k)) < 0)
			return rc;
	}
	if ((rc = rl_buf_put(buf, e->t.name, e->t.name_len)) < 0 || (rc = rl_buf_putc(buf, '\0')) < 0)
		return rc;
	return rl_buf_put(buf, e->id.id, GIT_OID_RAWSZ);
}

/* The level's entries, base and added, merged in git's order. */
static int write_entries(rl_buf *buf, struct level *lv)
{
	size_t i = 0, j = 0;
	int rc;

	if (lv->n_added > 1)
		qsort(lv->added, lv->n_added, sizeof(*lv->added), cmp_entry);
	while (i < lv->n || j < lv->n_added) {
		const struct entry *e;
		if (i < lv->n && lv->e[i].gone) {
			i++;
			continue;
		}
		if (j >= lv->n_added || (i < lv->n && pw_tree_order(&lv->e[i].t, &lv->added[j].t) < 0))
			e = &lv->e[i++];
		else
			e = &lv->added[j++];
		if ((rc = put_entry(buf, e)) < 0)
			return rc == RL_ETOOBIG ? rl_error_set(rc, "a tree larger than %zu bytes", TREE_MAX)
						: rc;
	}
	return 0;
}

static int only_removals(const struct archive_update *u, const struct change *c)
{
	for (size_t i = c->lo; i < c->hi; i++)
		if (!u[i].remove)
			return 0;
	return 1;
}

/* The updates of one level grouped by name; a name both a file and a
 * folder among them is refused. */
static int group(struct change **out, size_t *k, const struct archive_update *u, size_t n,
		 size_t off)
{
	struct change *ch = NULL, *sorted = NULL;
	int rc = 0;

	*k = 0;
	if ((ch = calloc(n ? n : 1, sizeof(*ch))) == NULL ||
	    (sorted = calloc(n ? n : 1, sizeof(*sorted))) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n;) {
		const char *comp = u[i].path + off, *slash = strchr(comp, '/');
		size_t len = slash ? (size_t)(slash - comp) : strlen(comp), j = i + 1;
		/* Sorted by path: the updates under "comp/" follow one another. */
		while (slash && j < n && strncmp(u[j].path + off, comp, len + 1) == 0)
			j++;
		ch[(*k)++] = (struct change){ comp, len, i, j, slash == NULL };
		i = j;
	}
	memcpy(sorted, ch, *k * sizeof(*ch));
	qsort(sorted, *k, sizeof(*sorted), cmp_change_name);
	for (size_t i = 1; i < *k; i++) {
		if (cmp_change_name(&sorted[i - 1], &sorted[i]) == 0) {
			rc = rl_error_set(RL_EINVAL, "'%s' is both a file and a folder in one commit",
					  u[sorted[i].leaf ? sorted[i].lo : sorted[i - 1].lo].path);
			goto done;
		}
	}
done:
	free(sorted);
	if (rc < 0) {
		free(ch);
		ch = NULL;
	}
	*out = ch;
	return rc;
}

static int build(git_oid *out, int *empty, rl_archive *a, const git_oid *base,
		 struct archive_update *u, size_t n, size_t off, int depth);

/* The root's entry `c` became `id` (NULL: gone), for each of its updates. */
static void note_top(struct archive_update *u, const struct change *c, int kind, const git_oid *id)
{
	for (size_t i = c->lo; i < c->hi; i++) {
		u[i].top_kind = kind;
		if (id)
			git_oid_cpy(&u[i].top, id);
	}
}

/* Applies change `c` to the level. */
static int apply(struct level *lv, rl_archive *a, struct archive_update *u,
		 const struct change *c, size_t off, int depth)
{
	struct entry *old = find(lv, c->name, c->len, 1);
	git_oid sub;
	int sub_empty = 0, rc;

	if (depth == 0)
		note_top(u, c, ARCHIVE_TOP_SAME, NULL);

	if (old == NULL)
		old = find(lv, c->name, c->len, 0);
	if (c->leaf && u[c->lo].remove) {
		if (old) {
			old->gone = 1;
			if (depth == 0)
				note_top(u, c, ARCHIVE_TOP_GONE, NULL);
			/* what the revision index would find diffing the trees: a
			 * story file gone, or (unknown here) a folder's files */
			if (old->t.is_dir)
				u[c->lo].changed = depth < 2 ? -1 : 0;
			else if (depth == 2)
				u[c->lo].changed = (old->t.mode & MODE_TYPE) != MODE_GITLINK;
		}
		return 0;
	}
	if (c->leaf) {
		if (old && (old->t.is_dir || (old->t.mode & MODE_TYPE) == MODE_GITLINK))
			return rl_error_set(RL_EINVAL, "cannot replace a folder with the file '%s'",
					    u[c->lo].path);
		if (depth == 2)
			u[c->lo].changed = old == NULL || !git_oid_equal(&old->id, &u[c->lo].blob);
		if (depth == 0)
			note_top(u, c, ARCHIVE_TOP_BLOB, &u[c->lo].blob);
		if (old)
			set(old, &u[c->lo].blob, MODE_BLOB);
		return old ? 0 : add(lv, c->name, c->len, MODE_BLOB, &u[c->lo].blob);
	}
	if (old && !old->t.is_dir) {
		/* Nothing under a file to remove (git_tree_entry_bypath fails). */
		if (only_removals(u, c))
			return 0;
		return rl_error_set(RL_EINVAL, "cannot write '%s': '%.*s' is a file", u[c->lo].path,
				    (int)(off + c->len), u[c->lo].path);
	}
	if ((rc = build(&sub, &sub_empty, a, old ? &old->id : NULL, u + c->lo, c->hi - c->lo,
			off + c->len + 1, depth + 1)) < 0)
		return rc;
	if (sub_empty) {
		if (old)
			old->gone = 1;
		if (old && depth == 0)
			note_top(u, c, ARCHIVE_TOP_GONE, NULL);
		return 0;
	}
	if (depth == 0)
		note_top(u, c, ARCHIVE_TOP_TREE, &sub);
	if (old)
		set(old, &sub, old->t.mode);
	return old ? 0 : add(lv, c->name, c->len, MODE_TREE, &sub);
}

static int cmp_edit(const void *a, const void *b)
{
	const struct archive_tree_edit *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return y->insert - x->insert;
}

/* The entries of held tree `h` that changes `ch` name (a folder or a file
 * of each name), as a level of their own, sorted. */
static int touched(struct level *lv, const struct archive_held *h, const struct change *ch,
		   size_t k)
{
	int rc, found;

	for (size_t i = 0; i < k; i++) {
		for (int is_dir = 1; is_dir >= 0; is_dir--) {
			size_t pos = archive_treebuf_find(&found, h, ch[i].name, ch[i].len, is_dir);
			struct entry *e;
			if (!found)
				continue;
			if ((rc = rl_array_grow(&lv->e, &lv->cap, lv->n, sizeof(*lv->e), 8)) < 0)
				return rc;
			e = &lv->e[lv->n++];
			memset(e, 0, sizeof(*e));
			(void)archive_treebuf_entry(&e->t, h, pos);
			git_oid_fromraw(&e->id, e->t.start + e->t.len - GIT_OID_RAWSZ);
			e->pos = pos;
		}
	}
	if (lv->n > 1)
		qsort(lv->e, lv->n, sizeof(*lv->e), cmp_entry);
	return 0;
}

/* The level's changed, removed and added entries as edits of held tree
 * `h`, their bytes in `scratch`. */
static int edits(struct archive_tree_edit **out, size_t *n_ed, rl_buf *scratch,
		 const struct level *lv, const struct archive_held *h)
{
	struct archive_tree_edit *ed = calloc(lv->n + lv->n_added + 1, sizeof(*ed));
	size_t k = 0;
	int rc = 0, found;

	*out = ed;
	if (ed == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < lv->n + lv->n_added; i++) {
		const struct entry *e = i < lv->n ? &lv->e[i] : &lv->added[i - lv->n];
		size_t off = scratch->len;
		if (i < lv->n && !e->gone && e->t.start)
			continue; /* as it was: part of a copied run */
		if (!e->gone && (rc = put_entry(scratch, e)) < 0)
			break;
		ed[k].insert = i >= lv->n;
		ed[k].pos = ed[k].insert ? archive_treebuf_find(&found, h, (const char *)e->t.name,
								e->t.name_len, e->t.is_dir)
					 : e->pos;
		ed[k].off = off;
		ed[k++].len = scratch->len - off;
	}
	qsort(ed, k, sizeof(*ed), cmp_edit);
	*n_ed = k;
	return rc == RL_ETOOBIG ? rl_error_set(rc, "a tree larger than %zu bytes", TREE_MAX) : rc;
}

/* build() of a tree whose base is held (archive_treebuf.c): the same tree,
 * with only the entries the updates name looked at. */
static int build_held(git_oid *out, int *empty, rl_archive *a, struct archive_held *h,
		      const git_oid *base, struct archive_update *u, size_t n, size_t off, int depth)
{
	struct archive_tree_edit *ed = NULL;
	struct change *ch = NULL;
	struct level lv;
	rl_buf scratch = RL_BUF_INIT(TREE_MAX);
	const unsigned char *tree;
	unsigned char *delta = NULL;
	size_t k = 0, n_ed = 0, tree_len, delta_len;
	int rc;

	memset(&lv, 0, sizeof(lv));
	git_oid_cpy(out, base);
	archive_treebuf_pin(h, 1);
	if ((rc = group(&ch, &k, u, n, off)) < 0 || (rc = touched(&lv, h, ch, k)) < 0)
		goto done;
	for (size_t i = 0; i < k; i++)
		if ((rc = apply(&lv, a, u, &ch[i], off, depth)) < 0)
			goto done;
	if ((rc = edits(&ed, &n_ed, &scratch, &lv, h)) < 0 || n_ed == 0)
		goto done;
	if ((rc = archive_treebuf_splice(&tree, &tree_len, &delta, &delta_len, a->treebuf, h, ed,
					 n_ed, (const unsigned char *)scratch.ptr)) < 0)
		goto done;
	if (tree_len == 0 && depth > 0) {
		*empty = 1;
		goto done;
	}
	if ((rc = archive_object_id(out, GIT_OBJECT_TREE, tree, tree_len, ARCHIVE_OURS)) < 0 ||
	    git_oid_equal(out, base))
		goto done;
	if ((rc = archive_store_tree_delta(a, out, tree ? (const void *)tree : "", tree_len, base,
					   delta, delta_len)) == 0)
		archive_treebuf_advance(a->treebuf, h, out);
done:
	archive_treebuf_pin(h, 0);
	free(delta);
	free(ed);
	free(ch);
	free(lv.e);
	free(lv.added);
	rl_buf_release(&scratch);
	return rc;
}

/* The tree `base` (NULL: none) with updates `u` (sorted by path; `off`
 * bytes of each path already walked) applied, stored unless it is `base`
 * itself; *empty when it has no entry left (not stored then, unless it is
 * the root). */
static int build(git_oid *out, int *empty, rl_archive *a, const git_oid *base,
		 struct archive_update *u, size_t n, size_t off, int depth)
{
	struct archive_held *held;
	struct level lv;
	struct change *ch = NULL;
	rl_buf buf = RL_BUF_INIT(TREE_MAX);
	size_t k = 0;
	int rc;

	memset(&lv, 0, sizeof(lv));
	*empty = 0;
	if (depth > DEPTH_MAX) {
		rc = rl_error_set(RL_EINVAL, "a path more than %d folders deep", DEPTH_MAX);
		goto done;
	}
	if (base && (held = archive_treebuf_held(a->treebuf, base)) != NULL)
		return build_held(out, empty, a, held, base, u, n, off, depth);
	if ((base && (rc = read_base(&lv, a, base)) < 0) || (rc = group(&ch, &k, u, n, off)) < 0)
		goto done;
	/* The new tree is about the old one's size: one allocation. */
	if (lv.len > 0 && lv.len < TREE_MAX - 4096 && (rc = rl_buf_grow(&buf, lv.len + 256)) < 0)
		goto done;
	for (size_t i = 0; i < k; i++)
		if ((rc = apply(&lv, a, u, &ch[i], off, depth)) < 0)
			goto done;
	if ((rc = write_entries(&buf, &lv)) < 0)
		goto done;
	if (buf.len == 0 && depth > 0) {
		*empty = 1;
		goto done;
	}
	if ((rc = archive_object_id(out, GIT_OBJECT_TREE, buf.ptr, buf.len, ARCHIVE_OURS)) < 0)
		goto done;
	if (base == NULL || !git_oid_equal(out, base))
		rc = archive_store(a, out, buf.ptr ? buf.ptr : "", buf.len, GIT_OBJECT_TREE, base);
	/* The next version of this tree is spliced from it. */
	if (rc == 0)
		rc = archive_treebuf_load(&a->treebuf, out, depth == 0,
					  (const unsigned char *)buf.ptr, buf.len);
done:
	rl_buf_release(&buf);
	free(ch);
	free(lv.e);
	free(lv.added);
	free(lv.data);
	git_odb_object_free(lv.obj);
	return rc;
}

int archive_tree_update(git_oid *out, rl_archive *a, const git_oid *base,
			struct archive_update *updates, size_t n)
{
	int empty;

	for (size_t i = 0; i < n; i++)
		updates[i].changed = 0;
	return build(out, &empty, a, base, updates, n, 0, 0);
}
