/*
 * revindex.c - the per-story revision index (revindex.h).
 *
 * Files under <gitdir>/redline/revindex/:
 *   records  a 64-byte header ("RLREVX2\n", record count, the commit the
 *            records are complete up to, a dirty flag) and 64-byte records
 *            {story key, previous record of that key (index + 1, 0: none),
 *            commit, the story file's blob after the commit, flags, a hash
 *            of that file's path}, appended in a topological order of the
 *            commits (version 1's 40-byte records had no blob: rebuilt)
 *   table    story key -> its newest record (index + 1), hashfile.c; its
 *            first tag is the record count it matches
 *   lock     an flock held by whoever reads or writes the two files
 *
 * Writing sets the dirty flag first and clears it with the new count and
 * commit last, so a crash between leaves a file the next open rebuilds.
 * Every record a lookup reaches is checked (its key, its index, its link
 * pointing backwards): a corrupt file is an error, never a wrong answer.
 */
#include "redline/revindex.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/story.h"
#include "archive_internal.h"
#include "hashfile_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "RLREVX2\n"
#define HEADER 64
#define MAX_RECORDS (1ull << 32)
#define FLUSH_EVERY 65536
#define LOCK_WAIT_MS 5000
#define F_FILE 1u  /* a file of the story changed */
#define F_NAMED 2u /* the message names the story */
#define F_BLOB 4u  /* blob and path: the one file of the story the commit changed, as it is after */

struct header {
	char magic[8];
	uint64_t n;
	unsigned char commit[GIT_OID_RAWSZ];
	uint32_t dirty;
	char pad[HEADER - 40];
};

struct record {
	uint64_t key, prev;
	unsigned char commit[GIT_OID_RAWSZ];
	unsigned char blob[GIT_OID_RAWSZ];
	uint32_t flags, path;
};

struct rl_revindex {
	rl_archive *archive;
	int lock_fd, fd;       /* fd < 0: nothing on disk is used */
	rl_hashfile *table;
	uint64_t disk_n;       /* records in the file */
	git_oid tip;           /* complete up to */
	int rebuilt;
	/* records not (yet) on disk, and their newest-per-key map */
	struct record *tail;
	size_t tail_n, tail_cap;
	uint64_t *tmap_key, *tmap_val;
	size_t tmap_cap, tmap_n;
	char dir[4096];
};

/* ---- the in-memory tail --------------------------------------------- */

static uint64_t *tmap_slot(const rl_revindex *x, uint64_t key)
{
	size_t mask = x->tmap_cap - 1, i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & mask;

	while (x->tmap_key[i] != 0 && x->tmap_key[i] != key)
		i = (i + 1) & mask;
	return &x->tmap_key[i];
}

static int tmap_put(rl_revindex *x, uint64_t key, uint64_t val)
{
	uint64_t *slot;

	if ((x->tmap_n + 1) * 2 > x->tmap_cap) {
		size_t cap = x->tmap_cap ? x->tmap_cap * 2 : 4096;
		uint64_t *ok = x->tmap_key, *ov = x->tmap_val;
		size_t ocap = x->tmap_cap;
		if ((x->tmap_key = calloc(cap, sizeof(uint64_t))) == NULL ||
		    (x->tmap_val = calloc(cap, sizeof(uint64_t))) == NULL) {
			free(x->tmap_key);
			x->tmap_key = ok;
			x->tmap_val = ov;
			return rl_error_set(RL_ENOMEM, "out of memory");
		}
		x->tmap_cap = cap;
		for (size_t i = 0; i < ocap; i++)
			if (ok[i]) {
				slot = tmap_slot(x, ok[i]);
				*slot = ok[i];
				x->tmap_val[slot - x->tmap_key] = ov[i];
			}
		free(ok);
		free(ov);
	}
	slot = tmap_slot(x, key);
	if (*slot == 0)
		x->tmap_n++;
	*slot = key;
	x->tmap_val[slot - x->tmap_key] = val;
	return 0;
}

static void tail_clear(rl_revindex *x)
{
	x->tail_n = 0;
	x->tmap_n = 0;
	if (x->tmap_key) {
		memset(x->tmap_key, 0, x->tmap_cap * sizeof(uint64_t));
		memset(x->tmap_val, 0, x->tmap_cap * sizeof(uint64_t));
	}
}

/* The newest record of `key` (index + 1), 0 when none. */
static int newest(uint64_t *out, const rl_revindex *x, uint64_t key)
{
	int found;

	*out = 0;
	if (x->tmap_cap && *tmap_slot(x, key) == key) {
		*out = x->tmap_val[tmap_slot(x, key) - x->tmap_key];
		return 0;
	}
	if (x->fd < 0)
		return 0;
	if ((found = rl_hashfile_get(out, x->table, key)) < 0)
		return found;
	if (found && (*out == 0 || *out > x->disk_n))
		return rl_error_set(RL_EPARSE, "the revision index is corrupt (a link past its end)");
	return 0;
}

static int add_record(rl_revindex *x, uint64_t key, const git_oid *commit, uint32_t flags,
		      const unsigned char *blob, uint32_t path)
{
	struct record *r;
	uint64_t prev;
	int error;

	if (x->disk_n + x->tail_n + 1 >= MAX_RECORDS)
		return rl_error_set(RL_ETOOBIG, "the revision index passed %llu records",
				    (unsigned long long)MAX_RECORDS);
	if ((error = newest(&prev, x, key)) < 0 ||
	    (error = rl_array_grow(&x->tail, &x->tail_cap, x->tail_n, sizeof(*x->tail), 1024)) < 0)
		return error;
	r = &x->tail[x->tail_n++];
	memset(r, 0, sizeof(*r));
	r->key = key;
	r->prev = prev;
	memcpy(r->commit, commit->id, GIT_OID_RAWSZ);
	r->flags = flags;
	if (flags & F_BLOB) {
		memcpy(r->blob, blob, GIT_OID_RAWSZ);
		r->path = path;
	}
	return tmap_put(x, key, x->disk_n + x->tail_n);
}

static int read_record(struct record *out, const rl_revindex *x, uint64_t index1)
{
	if (index1 > x->disk_n) {
		if (index1 - x->disk_n > x->tail_n)
			return rl_error_set(RL_EPARSE, "the revision index is corrupt (a link past its end)");
		*out = x->tail[index1 - x->disk_n - 1];
		return 0;
	}
	if (pread(x->fd, out, sizeof(*out), HEADER + (off_t)(index1 - 1) * (off_t)sizeof(*out)) !=
	    (ssize_t)sizeof(*out))
		return rl_error_set(RL_EPARSE, "the revision index is truncated");
	return 0;
}

/* ---- the files ------------------------------------------------------ */

static int write_header(rl_revindex *x, int dirty)
{
	struct header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.n = x->disk_n;
	memcpy(h.commit, x->tip.id, GIT_OID_RAWSZ);
	h.dirty = (uint32_t)dirty;
	if (pwrite(x->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return rl_error_set_errno(RL_EIO, "cannot write '%s/records'", x->dir);
	return 0;
}

/* The tail to disk: records appended, table slots set, header last. */
static int flush(rl_revindex *x, int final)
{
	int error;

	if (x->fd < 0)
		return 0;
	if (x->tail_n == 0 && !final)
		return 0;
	if ((error = write_header(x, 1)) < 0)
		return error;
	if (x->tail_n &&
	    pwrite(x->fd, x->tail, x->tail_n * sizeof(*x->tail),
		   HEADER + (off_t)x->disk_n * (off_t)sizeof(struct record)) !=
		    (ssize_t)(x->tail_n * sizeof(*x->tail)))
		return rl_error_set_errno(RL_EIO, "cannot write '%s/records'", x->dir);
	for (size_t i = 0; i < x->tail_n; i++)
		if ((error = rl_hashfile_put(x->table, x->tail[i].key, x->disk_n + i + 1)) < 0)
			return error;
	x->disk_n += x->tail_n;
	if ((error = rl_hashfile_set_tags(x->table, x->disk_n, 0)) < 0)
		return error;
	tail_clear(x);
	return final ? write_header(x, 0) : 0;
}

/* Empties both files (a rebuild from scratch). */
static int reset_files(rl_revindex *x)
{
	int error;

	x->disk_n = 0;
	git_oid_fromraw(&x->tip, (const unsigned char[GIT_OID_RAWSZ]){ 0 });
	tail_clear(x);
	x->rebuilt = 1;
	if (x->fd < 0)
		return 0;
	if (ftruncate(x->fd, HEADER) < 0)
		return rl_error_set_errno(RL_EIO, "cannot truncate '%s/records'", x->dir);
	if ((error = rl_hashfile_reset(x->table)) < 0)
		return error;
	return write_header(x, 0);
}

/* Opens the files and checks them; 1 when usable, 0 when they need a rebuild. */
static int open_files(rl_revindex *x)
{
	char path[4200];
	struct header h;
	struct stat st;
	uint64_t n, tag1;
	int error;

	snprintf(path, sizeof(path), "%s/records", x->dir);
	if ((x->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
	snprintf(path, sizeof(path), "%s/table", x->dir);
	if ((error = rl_hashfile_open(&x->table, path, 0)) < 0) {
		rl_error_clear();
		if ((error = rl_hashfile_open(&x->table, path, 1)) < 0)
			return error;
		return 0;
	}
	if (fstat(x->fd, &st) < 0 || pread(x->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, MAGIC, 8) != 0 || h.dirty != 0 || h.n >= MAX_RECORDS ||
	    (uint64_t)st.st_size < HEADER + h.n * sizeof(struct record))
		return 0;
	rl_hashfile_tags(x->table, &n, &tag1);
	if (n != h.n || rl_hashfile_count(x->table) > h.n)
		return 0;
	x->disk_n = h.n;
	git_oid_fromraw(&x->tip, h.commit);
	return 1;
}

static int take_lock(rl_revindex *x)
{
	char path[4200];
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	snprintf(path, sizeof(path), "%s/lock", x->dir);
	if ((x->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		return 0;
	for (int waited = 0; waited < LOCK_WAIT_MS; waited += 20) {
		if (flock(x->lock_fd, LOCK_EX | LOCK_NB) == 0)
			return 1;
		if (errno != EWOULDBLOCK && errno != EINTR)
			break;
		nanosleep(&pause, NULL);
	}
	close(x->lock_fd);
	x->lock_fd = -1;
	return 0;
}

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
	static const char *const kinds[] = { "edited", "new", "gone", "back", "moved", "removed" };
	const char *p = strstr(message, "\n\n");
	int error;

	while (p && *p) {
		const char *line = p + (*p == '\n'), *nl = strchr(line, '\n'), *sp;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		uint64_t key;

		p = nl;
		if ((sp = memchr(line, ' ', len)) == NULL ||
		    (size_t)(sp - line) + 1 + RL_STORY_ID_LEN > len || !rl_story_is_id(sp + 1) ||
		    ((size_t)(sp - line) + 1 + RL_STORY_ID_LEN < len && sp[1 + RL_STORY_ID_LEN] != ' '))
			continue;
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (strlen(kinds[i]) == (size_t)(sp - line) &&
			    strncmp(line, kinds[i], (size_t)(sp - line)) == 0) {
				if ((error = rl_hashfile_story_key(&key, sp + 1)) < 0 ||
				    (error = keys_add(k, key, F_NAMED, NULL, 0)) < 0)
					return error;
				break;
			}
	}
	return 0;
}

/* The records of one commit's keys, in key order. */
static int add_keys(rl_revindex *x, struct keys *k, const git_oid *oid)
{
	int error = 0;

	keys_unique(k);
	for (size_t i = 0; i < k->n && error == 0; i++)
		error = add_record(x, k->v[i].key, oid, k->v[i].flags, k->v[i].blob, k->v[i].path);
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
static int catch_up(rl_revindex *x, const git_oid *head)
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
		if (x->tail_n >= FLUSH_EVERY && (error = flush(x, 0)) < 0)
			goto done;
	}
	if (error != GIT_ITEROVER) {
		error = rl_error_set_git(error, "cannot walk the history");
		goto done;
	}
	git_oid_cpy(&x->tip, head);
	error = flush(x, 1);
done:
	git_revwalk_free(walk);
	return error;
}

/* 1 when the archive's last batch (archive_revfeed) is exactly the commits
 * from the tip (exclusive) to `head`, each with every story file it
 * changed known from its tree's build. */
static int feed_fits(const struct archive_revfeed *f, const rl_revindex *x, const git_oid *head)
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

/* catch_up() from the batch's own record of its commits: the same records
 * (index_commit()'s keys: the story files two folders deep whose blob the
 * commit changed, and the ids its message names), without reading the
 * commits and their trees back from the pack. */
static int feed(rl_revindex *x, const struct archive_revfeed *f, const git_oid *head)
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
			error = flush(x, 0);
	}
	if (error < 0)
		return error;
	git_oid_cpy(&x->tip, head);
	return flush(x, 1);
}

/* 1 when the recorded tip is HEAD or one of its ancestors. */
static int tip_usable(rl_revindex *x, const git_oid *head)
{
	git_repository *repo = rl_archive_repo(x->archive);
	git_commit *c = NULL;

	if (git_oid_is_zero(&x->tip))
		return x->disk_n == 0;
	if (git_oid_equal(&x->tip, head))
		return 1;
	if (git_commit_lookup(&c, repo, &x->tip) < 0) {
		rl_error_clear();
		return 0;
	}
	git_commit_free(c);
	return git_graph_descendant_of(repo, head, &x->tip) == 1;
}

/* The commit refs/heads/main points at, zero when none: never a group
 * commit's tip not yet referenced (rl_archive_head() answers with that
 * inside a batch).  Indexing those would write a tip to disk that a crash
 * leaves unreachable (a full rebuild at the next open), and cost a walk and
 * a flush at every open during a batch; ingest_revert.c looks at the
 * batch's own commits itself. */
static int referenced_head(git_oid *out, rl_archive *archive)
{
	int error = git_reference_name_to_id(out, rl_archive_repo(archive), "HEAD");

	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH) {
		git_oid_fromraw(out, (const unsigned char[GIT_OID_RAWSZ]){ 0 });
		return 0;
	}
	return error < 0 ? rl_error_set_git(error, "cannot read HEAD") : 0;
}

int rl_revindex_open(rl_revindex **out, rl_archive *archive)
{
	const char *state = rl_archive_state_dir(archive);
	rl_revindex *x;
	git_oid head;
	int error, usable = 0;

	*out = NULL;
	if (state == NULL)
		return rl_error_last_code() ? rl_error_last_code() : RL_EIO;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	x->archive = archive;
	x->fd = x->lock_fd = -1;
	if ((size_t)snprintf(x->dir, sizeof(x->dir), "%s/revindex", state) >= sizeof(x->dir)) {
		error = rl_error_set(RL_EINVAL, "archive path too long");
		goto done;
	}
	if ((error = referenced_head(&head, archive)) < 0)
		goto done;
	/* Without the lock, another process may be writing: index in memory. */
	if (rl_file_mkdir_p(x->dir) < 0 || !take_lock(x)) {
		rl_error_clear();
	} else if ((usable = open_files(x)) < 0) {
		error = usable;
		goto done;
	}
	if (!usable || !tip_usable(x, &head)) {
		if ((error = reset_files(x)) < 0)
			goto done;
	}
	if (!git_oid_is_zero(&head) && !git_oid_equal(&x->tip, &head)) {
		/* The writer's update right after its ref moved: the batch says
		 * what its commits changed. */
		if (feed_fits(archive->revfeed, x, &head))
			error = feed(x, archive->revfeed, &head);
		else
			error = catch_up(x, &head);
	}
	if (error == 0 && archive->revfeed && git_oid_equal(&x->tip, &head))
		archive_revfeed_forget(archive); /* indexed, one way or the other */
done:
	if (error < 0) {
		rl_revindex_free(x);
		return error;
	}
	*out = x;
	return 0;
}

uint32_t rl_revindex_path_hash(const char *dir, const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a over dir then name */

	for (const char *p = dir; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

int rl_revindex_story_revs(rl_revindex_rev **out, size_t *n, rl_revindex *x, const char *id)
{
	rl_revindex_rev *v = NULL;
	size_t cap = 0;
	uint64_t key, at;
	int error;

	*out = NULL;
	*n = 0;
	if ((error = rl_hashfile_story_key(&key, id)) < 0 || (error = newest(&at, x, key)) < 0)
		return error;
	while (at) {
		struct record r;
		if ((error = read_record(&r, x, at)) < 0)
			goto fail;
		if (r.key != key || r.prev >= at) {
			error = rl_error_set(RL_EPARSE, "the revision index is corrupt (record %llu)",
					     (unsigned long long)at);
			goto fail;
		}
		if ((error = rl_array_grow(&v, &cap, *n, sizeof(*v), 16)) < 0)
			goto fail;
		memset(&v[*n], 0, sizeof(v[*n]));
		git_oid_fromraw(&v[*n].commit, r.commit);
		if (r.flags & F_BLOB) {
			v[*n].has_blob = 1;
			git_oid_fromraw(&v[*n].blob, r.blob);
			v[*n].path_hash = r.path;
		}
		(*n)++;
		at = r.prev;
	}
	*out = v;
	return 0;
fail:
	free(v);
	*n = 0;
	return error;
}

int rl_revindex_story(git_oid **out, size_t *n, rl_revindex *x, const char *id)
{
	rl_revindex_rev *revs = NULL;
	git_oid *v = NULL;
	int error;

	*out = NULL;
	if ((error = rl_revindex_story_revs(&revs, n, x, id)) < 0 || *n == 0)
		goto done;
	if ((v = malloc(*n * sizeof(*v))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		*n = 0;
		goto done;
	}
	for (size_t i = 0; i < *n; i++)
		git_oid_cpy(&v[i], &revs[i].commit);
	*out = v;
done:
	free(revs);
	return error;
}

void rl_revindex_state(git_oid *tip, size_t *on_disk, size_t *total, const rl_revindex *x)
{
	if (tip)
		git_oid_cpy(tip, &x->tip);
	if (on_disk)
		*on_disk = x->fd < 0 ? 0 : (size_t)x->disk_n;
	if (total)
		*total = (size_t)x->disk_n + x->tail_n;
}

int rl_revindex_rebuilt(const rl_revindex *x)
{
	return x->rebuilt;
}

void rl_revindex_free(rl_revindex *x)
{
	if (x == NULL)
		return;
	rl_hashfile_close(x->table);
	if (x->fd >= 0)
		close(x->fd);
	if (x->lock_fd >= 0)
		close(x->lock_fd); /* drops the flock */
	free(x->tail);
	free(x->tmap_key);
	free(x->tmap_val);
	free(x);
}

int rl_revindex_update(rl_archive *archive)
{
	rl_revindex *x = NULL;
	int error = rl_revindex_open(&x, archive);

	rl_revindex_free(x);
	return error;
}

/* Removes both files so that the next open rebuilds (the lock is held). */
static void discard(rl_revindex *x)
{
	if (x->fd >= 0) {
		reset_files(x);
		write_header(x, 1);
	}
}

int rl_revindex_commits(git_oid **out, size_t *n, rl_archive *archive, const char *id)
{
	rl_revindex *x = NULL;
	int error;

	for (int attempt = 0; attempt < 2; attempt++) {
		if ((error = rl_revindex_open(&x, archive)) < 0)
			return error;
		error = rl_revindex_story(out, n, x, id);
		if (error == RL_EPARSE && attempt == 0) {
			rl_error_clear();
			discard(x);
		}
		rl_revindex_free(x);
		x = NULL;
		if (error != RL_EPARSE)
			break;
	}
	return error;
}
