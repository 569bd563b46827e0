/*
 * archive_commit.c - the crash-safe writer.
 *
 * A batch of commits = blobs, the changed trees and the commit objects,
 * streamed as they are made into ONE new pack (packwrite.c: a backend on
 * the odb, at the highest priority while the batch is open), which is
 * finished (trailer, our own .idx), fsynced and renamed into place, and
 * only then refs/heads/main moved ONCE with a compare-and-swap on the value
 * it had when the batch began.  rl_archive_commit() is a batch of one.
 *
 * Memory does not grow with the batch's contents: the pack is on disk as
 * it grows, and what stays in memory is a 48-byte record per object (and
 * 8 bytes of its hash slots), a 256 KiB write buffer and a 4 MiB cache of
 * recent objects (the trees the next commit builds on).  Before each
 * commit is built the writer is told the old trees on the paths it
 * changes, so that the new root tree and directory trees become deltas
 * against their previous versions (copies of the unchanged entries,
 * inserts of the others) without a delta search.
 *
 * A crash at any point before the ref move leaves at most a temporary or
 * unreferenced pack; the ref never points at a missing object.
 * Every object is hashed once and handed to the pack writer directly, not
 * through git_odb_write() (whose freshen step cost a loose-object probe and,
 * on a miss, a rescan of objects/pack per object); the trees are built from
 * the parent's by archive_tree.c, which touches only the trees on the
 * changed paths, so the cost follows the number of updates, not the size
 * of the archive.  The batch keeps its commits' tree ids: nothing it wrote
 * is parsed back into libgit2's object cache.  (Not a mempack and
 * git_packbuilder: that held the whole batch in memory twice and spent its
 * time in a delta search and an indexer pass.)
 *
 * Invariant: the pack writer takes no write whenever no batch is open (it
 * may still serve the last batch's finished pack, packwrite_internal.h).
 */
#include "archive_internal.h"
#include "packwrite_internal.h"
#include "redline/error.h"
#include "redline/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#define MAIN_REF "refs/heads/main"
#define COMMIT_ATTEMPTS 8
#define REFLOG_SUBJECT_MAX 200
static int cmp_update_path(const void *a, const void *b)
{
	return strcmp(((const struct archive_update *)a)->path,
		      ((const struct archive_update *)b)->path);
}

/* Every path safe: checked before anything is written. */
static int check_updates(const rl_archive_file_update *updates, size_t n)
{
	if (n == 0)
		return rl_error_set(RL_EINVAL, "nothing to commit: no file updates given");
	for (size_t i = 0; i < n; i++) {
		if (!rl_path_is_safe(updates[i].path))
			return rl_error_set(RL_EINVAL, "refusing to commit unsafe path '%.200s'",
					    updates[i].path ? updates[i].path : "(null)");
	}
	return 0;
}

/* The commit's paths in the order the tree builder walks them; none twice. */
static int sort_updates(struct archive_update *u, size_t n)
{
	qsort(u, n, sizeof(*u), cmp_update_path);
	for (size_t i = 1; i < n; i++)
		if (strcmp(u[i - 1].path, u[i].path) == 0)
			return rl_error_set(RL_EINVAL, "path '%s' is updated twice in one commit",
					    u[i].path);
	return 0;
}

/* Ends the batch's pack: on disk, fsynced, named, and known to the odb. */
static int write_pack(rl_archive *a)
{
	char name[GIT_OID_HEXSZ + 1];
	int rc, error;

	if ((rc = archive_pw_finish(name, a->pw)) < 0)
		return rc;
	/* The odb learns of the new pack now, not at its next miss. */
	if (name[0] && (error = git_odb_refresh(a->odb)) < 0)
		return rl_error_set_git(error, "cannot read the new pack in '%s'", a->path);
	return 0;
}

/* What the pack writer did not take, `rc` 1 (no batch open): the odb's
 * other backends take it (loose). */
static int store_unless_packed(int rc, rl_archive *a, const void *data, size_t len,
			       git_object_t type)
{
	git_oid check;
	int error;

	if (rc <= 0)
		return rc;
	if ((error = git_odb_write(&check, a->odb, data, len, type)) < 0)
		return rl_error_set_git(error, "cannot store an object");
	return 0;
}

/* During a batch, straight into its pack (deduplicated there), without
 * asking the odb whether some backend has the object: that asked the loose
 * backend (an access() of the object's path per object) and
 * git_odb_write()'s freshen step also rescanned objects/pack on a miss,
 * nearly every object being new.  An object an older pack holds is written
 * again: git allows duplicates across packs, and roll-ups fold them. */
int archive_store(rl_archive *a, const git_oid *id, const void *data, size_t len,
		  git_object_t type, const git_oid *delta_base)
{
	return store_unless_packed(archive_pw_put(a->pw, id, data, len, type, delta_base), a, data,
				   len, type);
}

int archive_store_tree_delta(rl_archive *a, const git_oid *id, const void *data, size_t len,
			     const git_oid *base, const unsigned char *delta, size_t delta_len)
{
	return store_unless_packed(archive_pw_put_delta(a->pw, id, data, len, base, delta,
							delta_len),
				   a, data, len, GIT_OBJECT_TREE);
}

int rl_archive_blob_pack(rl_item_packed *out, const void *data, size_t len)
{
	return archive_pw_pack_blob(out, data, len, ARCHIVE_FOREIGN);
}

/* A blob packed ahead: its id taken, its bytes appended as they are. */
static int store_packed(git_oid *out, rl_archive *a, const void *data, size_t len,
			const rl_item_packed *packed)
{
	git_oid_fromraw(out, packed->id);
	return store_unless_packed(archive_pw_put_packed(a->pw, out, data, len, packed), a, data,
				   len, GIT_OBJECT_BLOB);
}

int archive_write_object(git_oid *out, rl_archive *a, const void *data, size_t len,
			 git_object_t type)
{
	int error;

	if ((error = archive_object_id(out, type, data, len,
				       type == GIT_OBJECT_BLOB ? ARCHIVE_OURS : ARCHIVE_FOREIGN)) < 0)
		return error;
	return archive_store(a, out, data, len, type, NULL);
}

/* --- the batch: commits streamed into one pack ---------------------------- */

/* A queued commit: kept as updates and metadata rather than only as the
 * objects built, so that it can be built again on another parent when a
 * foreign writer moved the ref in between. */
struct batch_commit {
	struct archive_update *u;  /* sorted by path */
	size_t n;
	char *message, *name, *email;
	int64_t time;
	int tz_offset_minutes;
	git_oid id;   /* the commit as last built */
	git_oid tree; /* and its tree: the next commit builds on it */
};

struct rl_archive_batch {
	rl_archive *a;
	int has_base;
	git_oid base;    /* the value of refs/heads/main the batch builds on */
	git_oid base_tree;
	struct batch_commit *c;
	size_t n, cap;
	size_t bytes;    /* bytes of file contents added */
	int done;        /* committed: nothing more may be added */
	struct archive_root *root; /* the entries of the tip's root tree */
};

static void batch_commit_clear(struct batch_commit *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->u[i].path);
	free(c->u);
	free(c->message);
	free(c->name);
	free(c->email);
	memset(c, 0, sizeof(*c));
}

/* The one place where a commit object is made and stored (in the pack):
 * archive_commit_create() signs it when commit.gpgSign is set. */
static int write_commit_object(git_oid *out, rl_archive *a, const git_oid *tree,
			       const git_oid *parent, const struct batch_commit *c)
{
	git_signature *sig = NULL;
	int error;

	if ((error = git_signature_new(&sig, c->name ? c->name : "redline",
				       c->email ? c->email : "redline@localhost",
				       (git_time_t)c->time, c->tz_offset_minutes)) < 0) {
		error = rl_error_set_git(error, "cannot create the commit");
		goto done;
	}
	error = archive_commit_create(out, a, sig, c->message, tree, parent ? 1 : 0, parent);
done:
	git_signature_free(sig);
	return error;
}

/* Builds commit `c` on `parent` (NULL: a root commit) whose tree is
 * `parent_tree`: the trees along its paths and the commit object, into the
 * batch's pack. */
static int build_commit(rl_archive *a, struct batch_commit *c, const git_oid *parent,
			const git_oid *parent_tree)
{
	int rc;

	if ((rc = archive_tree_update(&c->tree, a, parent_tree, c->u, c->n)) < 0)
		return rc;
	/* No ref update here: the ref moves only after the pack is on disk. */
	return write_commit_object(&c->id, a, &c->tree, parent, c);
}

/* The tree of commit `id`. */
static int commit_tree(git_oid *out, rl_archive *a, const git_oid *id)
{
	git_commit *commit = NULL;
	int error;

	if ((error = git_commit_lookup(&commit, a->repo, id)) < 0)
		return rl_error_set_git(error, "cannot read the tip of '%s'", a->path);
	git_oid_cpy(out, git_commit_tree_id(commit));
	git_commit_free(commit);
	return 0;
}

/* (Re)builds every queued commit on the batch's base, in order. */
static int build_all(rl_archive_batch *b)
{
	archive_root_forget(b->root);
	for (size_t i = 0; i < b->n; i++) {
		const struct batch_commit *prev = i > 0 ? &b->c[i - 1] : NULL;
		int rc;
		if (prev)
			rc = build_commit(b->a, &b->c[i], &prev->id, &prev->tree);
		else
			rc = build_commit(b->a, &b->c[i], b->has_base ? &b->base : NULL,
					  b->has_base ? &b->base_tree : NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The batch's base: refs/heads/main now, and its tree. */
static int read_main(rl_archive_batch *b)
{
	int error = git_reference_name_to_id(&b->base, b->a->repo, MAIN_REF);

	b->has_base = error == 0;
	if (error < 0 && error != GIT_ENOTFOUND)
		return rl_error_set_git(error, "cannot read '%s' in '%s'", MAIN_REF, b->a->path);
	return b->has_base ? commit_tree(&b->base_tree, b->a, &b->base) : 0;
}

int rl_archive_batch_new(rl_archive_batch **out, rl_archive *archive)
{
	rl_archive_batch *b;
	int rc;

	*out = NULL;
	if (archive->batch)
		return rl_error_set(RL_EINVAL, "archive '%s' already has a batch open", archive->path);
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	b->a = archive;
	archive_revfeed_forget(archive); /* a new base: the last batch's commits are no use */
	if ((rc = read_main(b)) < 0 ||
	    (rc = archive_pw_begin(archive->pw)) < 0) {
		free(b);
		return rc;
	}
	archive->batch = b;
	*out = b;
	return 0;
}

/* The tree of the batch's last commit (or of its base); NULL when none. */
static const git_oid *batch_tip_tree(const rl_archive_batch *b)
{
	if (b->n > 0)
		return &b->c[b->n - 1].tree;
	return b->has_base ? &b->base_tree : NULL;
}

int rl_archive_head_entry(git_oid *out, int *is_tree, rl_archive *archive, const char *name)
{
	git_oid head;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	const git_tree_entry *entry;
	int rc, error;

	/* Inside a batch: its last commit's root, kept as it was built. */
	if (archive->batch)
		return archive_root_find(out, is_tree, &archive->batch->root, archive,
					 batch_tip_tree(archive->batch), name);
	if ((rc = rl_archive_head(&head, archive)) < 0) {
		if (rc == RL_ENOTFOUND)
			rl_error_clear();
		return rc;
	}
	if ((error = git_commit_lookup(&commit, archive->repo, &head)) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		rc = rl_error_set_git(error, "cannot read HEAD of '%s'", archive->path);
		goto done;
	}
	if ((entry = git_tree_entry_byname(tree, name)) == NULL) {
		rc = RL_ENOTFOUND;
		goto done;
	}
	git_oid_cpy(out, git_tree_entry_id(entry));
	*is_tree = git_tree_entry_type(entry) == GIT_OBJECT_TREE;
done:
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int rl_archive_batch_tip(git_oid *out, const rl_archive_batch *batch)
{
	if (batch->n > 0)
		git_oid_cpy(out, &batch->c[batch->n - 1].id);
	else if (batch->has_base)
		git_oid_cpy(out, &batch->base);
	else
		return RL_ENOTFOUND;
	return 0;
}

int rl_archive_batch_add(git_oid *out, rl_archive_batch *b, const rl_archive_file_update *updates,
			 size_t n, const rl_archive_commit_info *info)
{
	return rl_archive_batch_add_packed(out, b, updates, NULL, n, info);
}

int rl_archive_batch_add_packed(git_oid *out, rl_archive_batch *b,
				const rl_archive_file_update *updates,
				const rl_item_packed *const *packed_v, size_t n,
				const rl_archive_commit_info *info)
{
	struct batch_commit *c;
	int rc;

	if (b->done)
		return rl_error_set(RL_EINVAL, "the batch is already committed");
	if (info == NULL || info->message == NULL || info->message[0] == '\0')
		return rl_error_set(RL_EINVAL, "a commit needs a message");
	if ((rc = check_updates(updates, n)) < 0 ||
	    (rc = rl_array_grow(&b->c, &b->cap, b->n, sizeof(*b->c), 16)) < 0)
		return rc;
	c = &b->c[b->n];
	memset(c, 0, sizeof(*c));
	if ((c->u = calloc(n, sizeof(*c->u))) == NULL ||
	    (c->message = strdup(info->message)) == NULL ||
	    (info->name && (c->name = strdup(info->name)) == NULL) ||
	    (info->email && (c->email = strdup(info->email)) == NULL)) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto fail;
	}
	c->time = info->time;
	c->tz_offset_minutes = info->tz_offset_minutes;
	for (size_t i = 0; i < n; i++, c->n++) {
		if ((c->u[i].path = strdup(updates[i].path)) == NULL) {
			rc = rl_error_set(RL_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if ((rc = sort_updates(c->u, n)) < 0)
		goto fail;
	/* Blobs in the order given (the pack's order), found again by path. */
	for (size_t i = 0; i < n; i++) {
		struct archive_update key = { .path = (char *)updates[i].path }, *u;
		u = bsearch(&key, c->u, n, sizeof(*c->u), cmp_update_path);
		u->remove = updates[i].data == NULL;
		if (!u->remove) {
			const rl_item_packed *packed = packed_v ? packed_v[i] : NULL;
			if ((rc = packed && packed->bytes
					  ? store_packed(&u->blob, b->a, updates[i].data,
							 updates[i].len, packed)
					  : archive_write_object(&u->blob, b->a, updates[i].data,
								 updates[i].len, GIT_OBJECT_BLOB)) < 0) {
				char why[256];
				snprintf(why, sizeof(why), "%s", rl_error_last());
				rl_error_set(rc, "cannot store '%s': %s", u->path, why);
				goto fail;
			}
			b->bytes += updates[i].len;
		}
	}
	if (b->n > 0)
		rc = build_commit(b->a, c, &b->c[b->n - 1].id, &b->c[b->n - 1].tree);
	else
		rc = build_commit(b->a, c, b->has_base ? &b->base : NULL,
				  b->has_base ? &b->base_tree : NULL);
	if (rc < 0)
		goto fail;
	archive_root_advance(b->root, batch_tip_tree(b), &c->tree, c->u, c->n);
	b->n++;
	if (out)
		git_oid_cpy(out, &c->id);
	return 0;
fail:
	/* What was built stays in the pack, unreferenced (git fsck calls such
	 * objects dangling, which is no error). */
	batch_commit_clear(c);
	return rc;
}

size_t rl_archive_batch_count(const rl_archive_batch *batch)
{
	return batch->n;
}

size_t rl_archive_batch_bytes(const rl_archive_batch *batch)
{
	return batch->bytes;
}

int rl_archive_batch_commit_id(git_oid *out, const rl_archive_batch *batch, size_t i)
{
	if (i >= batch->n)
		return rl_error_set(RL_EINVAL, "no commit %zu in the batch", i);
	git_oid_cpy(out, &batch->c[i].id);
	return 0;
}

static void reflog_message(char *out, size_t size, const rl_archive_batch *b)
{
	const char *message = b->c[b->n - 1].message;
	size_t len = strcspn(message, "\n");

	if (len > REFLOG_SUBJECT_MAX)
		len = REFLOG_SUBJECT_MAX;
	if (b->n == 1)
		snprintf(out, size, "redline: %.*s", (int)len, message);
	else
		snprintf(out, size, "redline: %zu commits, the last: %.*s", b->n, (int)len, message);
}

/* Jitter from a per-process seed (drawn again in a forked child), so that
 * two writers started in the same second do not sleep in step and collide
 * again. */
unsigned archive_retry_delay_ms(int attempt)
{
	static unsigned seed;
	static pid_t seeded_by;
	struct timespec now;

	if (seeded_by != getpid()) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		seeded_by = getpid();
		seed = (unsigned)seeded_by * 2654435761u ^ (unsigned)now.tv_nsec;
	}
	return 5u * (unsigned)(attempt + 1) + (unsigned)(rand_r(&seed) % 10);
}

static void short_sleep(int attempt)
{
	long ms = (long)archive_retry_delay_ms(attempt);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The last step: compare-and-swap from the base (or create when there is
 * none).  0, or the git error (GIT_ELOCKED, GIT_EMODIFIED, GIT_EEXISTS...). */
static int move_main(rl_archive_batch *b, const git_oid *target, const char *logmsg)
{
	git_reference *ref = NULL;
	int error;

	if (b->has_base)
		error = git_reference_create_matching(&ref, b->a->repo, MAIN_REF, target, 1,
						      &b->base, logmsg);
	else
		error = git_reference_create(&ref, b->a->repo, MAIN_REF, target, 0, logmsg);
	git_reference_free(ref);
	return error;
}

int rl_archive_batch_commit(rl_archive_batch *b)
{
	char logmsg[REFLOG_SUBJECT_MAX + 64];
	int rc = 0, error = 0, packed = 0;

	if (b->done)
		return rl_error_set(RL_EINVAL, "the batch is already committed");
	if (b->n == 0) {
		b->done = 1;
		archive_pw_abort(b->a->pw);
		return 0;
	}
	reflog_message(logmsg, sizeof(logmsg), b);
	if ((rc = archive_reflog_ident(b->a)) < 0)
		goto done;
	for (int attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
		git_oid tip;
		if (!packed) {
			if ((rc = write_pack(b->a)) < 0)
				goto done;
			packed = 1;
		}
		tip = b->c[b->n - 1].id;
		if ((error = move_main(b, &tip, logmsg)) == 0) {
			b->done = 1;
			goto done;
		}
		if (error == GIT_ELOCKED) {
			/* Someone holds the ref lock for a moment: the same pack will
			 * do once it is free. */
			short_sleep(attempt);
			continue;
		}
		if (error != GIT_EMODIFIED && error != GIT_EEXISTS) {
			rc = rl_error_set_git(error, "cannot move '%s' in '%s'", MAIN_REF, b->a->path);
			goto done;
		}
		/* A writer without our lock moved the ref: the commits are built
		 * again on its tip, into a new pack that holds only the objects
		 * not already in the first one (now on disk) or elsewhere. */
		if ((rc = read_main(b)) < 0 ||
		    (rc = archive_pw_begin(b->a->pw)) < 0 || (rc = build_all(b)) < 0)
			goto done;
		packed = 0;
		short_sleep(attempt);
	}
	rc = rl_error_set(RL_ELOCKED,
			  "cannot move '%s' in '%s': another writer kept changing it "
			  "(is a redline running without the lock?)", MAIN_REF, b->a->path);
done:
	return rc;
}

void archive_revfeed_forget(rl_archive *a)
{
	struct archive_revfeed *f = a->revfeed;

	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++) {
		for (size_t k = 0; k < f->c[i].n; k++)
			free(f->c[i].u[k].path);
		free(f->c[i].u);
		free(f->c[i].message);
	}
	free(f->c);
	free(f);
	a->revfeed = NULL;
}

/* A committed batch's commits, moved (not copied) to the archive for the
 * revision index's update that follows the ref move (revindex.c); without
 * memory for it, the index reads them back. */
static void keep_for_revindex(rl_archive_batch *b)
{
	struct archive_revfeed *f;

	archive_revfeed_forget(b->a);
	if (!b->done || b->n == 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return;
	if ((f->c = calloc(b->n, sizeof(*f->c))) == NULL) {
		free(f);
		return;
	}
	f->has_base = b->has_base;
	git_oid_cpy(&f->base, &b->base);
	for (size_t i = 0; i < b->n; i++) {
		git_oid_cpy(&f->c[i].id, &b->c[i].id);
		f->c[i].message = b->c[i].message;
		f->c[i].u = b->c[i].u;
		f->c[i].n = b->c[i].n;
		b->c[i].message = NULL;
		b->c[i].u = NULL;
		b->c[i].n = 0;
	}
	f->n = b->n;
	b->a->revfeed = f;
}

void rl_archive_batch_free(rl_archive_batch *b)
{
	if (b == NULL)
		return;
	if (b->a->batch == b)
		keep_for_revindex(b);
	for (size_t i = 0; i < b->n; i++)
		batch_commit_clear(&b->c[i]);
	free(b->c);
	archive_root_free(b->root);
	if (b->a->batch == b) {
		b->a->batch = NULL;
		archive_sign_forget(b->a);
	}
	/* The pack of a batch never committed is removed with it. */
	archive_pw_abort(b->a->pw);
	free(b);
}

int rl_archive_commit(git_oid *out, rl_archive *archive, const rl_archive_file_update *updates,
		      size_t n, const rl_archive_commit_info *info)
{
	rl_archive_batch *b = NULL;
	int rc;

	if ((rc = rl_archive_batch_new(&b, archive)) < 0)
		return rc;
	if ((rc = rl_archive_batch_add(out, b, updates, n, info)) == 0 &&
	    (rc = rl_archive_batch_commit(b)) == 0 && out)
		rc = rl_archive_batch_commit_id(out, b, 0);
	rl_archive_batch_free(b);
	return rc;
}
