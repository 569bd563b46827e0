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
 * git_tree_create_updated() touches only the trees on the changed paths,
 * so the cost follows the number of updates, not the size of the archive.
 * (Not a mempack and git_packbuilder: that held the whole batch in memory
 * twice and spent its time in a delta search and an indexer pass.)
 *
 * Invariant: the pack writer is dormant whenever no batch is open.
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
/* Directory prefixes of one commit's paths offered as delta bases. */
#define PATH_DIR_MAX 1100

static int cmp_update_path(const void *a, const void *b)
{
	const rl_archive_file_update *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

/* Every path safe, none twice: checked before anything is written. */
static int check_updates(const rl_archive_file_update *updates, size_t n)
{
	const rl_archive_file_update **sorted;
	int rc = 0;

	if (n == 0)
		return rl_error_set(RL_EINVAL, "nothing to commit: no file updates given");
	for (size_t i = 0; i < n; i++) {
		if (!rl_path_is_safe(updates[i].path))
			return rl_error_set(RL_EINVAL, "refusing to commit unsafe path '%.200s'",
					    updates[i].path ? updates[i].path : "(null)");
	}
	if ((sorted = malloc(n * sizeof(*sorted))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		sorted[i] = &updates[i];
	qsort(sorted, n, sizeof(*sorted), cmp_update_path);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(sorted[i - 1]->path, sorted[i]->path) == 0) {
			rc = rl_error_set(RL_EINVAL, "path '%s' is updated twice in one commit",
					  sorted[i]->path);
			break;
		}
	}
	free(sorted);
	return rc;
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

/* An object into the batch's pack, unless some backend already has it.  Not
 * git_odb_write(): on a new object (nearly every one) its freshen step
 * misses and rescans objects/pack (a readdir and a stat per pack) before
 * writing; a first run of 100 pages made 3,500 such rescans.  The lookup
 * here skips that rescan: a pack another process added since the last one
 * at worst gets an object written once more, which packing tolerates. */
int archive_write_object(git_oid *out, rl_archive *a, const void *data, size_t len,
			 git_object_t type)
{
	int error;

	if ((error = git_odb_hash(out, data, len, type)) < 0)
		return rl_error_set_git(error, "cannot hash an object");
	if (git_odb_exists_ext(a->odb, out, GIT_ODB_LOOKUP_NO_REFRESH))
		return 0;
	error = a->pw->parent.write(&a->pw->parent, out, data, len, type);
	/* No batch open: the odb's other backends take it (loose). */
	if (error == GIT_PASSTHROUGH)
		error = git_odb_write(out, a->odb, data, len, type);
	if (error < 0)
		return rl_error_set_git(error, "cannot store an object");
	return 0;
}

/* --- the batch: commits streamed into one pack ---------------------------- */

/* One file of one queued commit: what it became (a blob id) or its removal. */
struct batch_update {
	char *path;
	git_oid blob;
	int remove;
};

/* A queued commit: kept as updates and metadata rather than only as the
 * objects built, so that it can be built again on another parent when a
 * foreign writer moved the ref in between. */
struct batch_commit {
	struct batch_update *u;
	size_t n;
	char *message, *name, *email;
	int64_t time;
	int tz_offset_minutes;
	git_oid id;   /* the commit as last built */
};

struct rl_archive_batch {
	rl_archive *a;
	int has_base;
	git_oid base;    /* the value of refs/heads/main the batch builds on */
	struct batch_commit *c;
	size_t n, cap;
	size_t bytes;    /* bytes of file contents added */
	int done;        /* committed: nothing more may be added */
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
static int write_commit_object(git_oid *out, rl_archive *a, const git_tree *tree,
			       const git_commit *parent, const struct batch_commit *c)
{
	git_signature *sig = NULL;
	int error;

	if ((error = git_signature_new(&sig, c->name ? c->name : "redline",
				       c->email ? c->email : "redline@localhost",
				       (git_time_t)c->time, c->tz_offset_minutes)) < 0) {
		error = rl_error_set_git(error, "cannot create the commit");
		goto done;
	}
	error = archive_commit_create(out, a, sig, c->message, tree, parent ? 1 : 0,
				      (const git_commit **)(parent ? &parent : NULL));
done:
	git_signature_free(sig);
	return error;
}

/* Offers the pack writer the trees of `base` on the way to each changed
 * path (the root, then every directory): the previous versions of the
 * trees git_tree_create_updated() is about to write, which are delta bases
 * when this batch wrote them. */
static void hint_bases(rl_archive *a, git_tree *base, const struct batch_commit *c)
{
	git_oid ids[PW_MAX_HINTS];
	size_t n = 0;
	char dir[PATH_DIR_MAX];

	if (base == NULL)
		return;
	git_oid_cpy(&ids[n++], git_tree_id(base));
	for (size_t i = 0; i < c->n && n < PW_MAX_HINTS; i++) {
		const char *path = c->u[i].path, *slash = path;
		while ((slash = strchr(slash, '/')) != NULL && n < PW_MAX_HINTS) {
			git_tree_entry *e = NULL;
			size_t len = (size_t)(slash - path), k;
			slash++;
			if (len >= sizeof(dir))
				break;
			memcpy(dir, path, len);
			dir[len] = '\0';
			if (git_tree_entry_bypath(&e, base, dir) < 0)
				break;
			if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
				for (k = 0; k < n && !git_oid_equal(&ids[k], git_tree_entry_id(e)); k++)
					;
				if (k == n)
					git_oid_cpy(&ids[n++], git_tree_entry_id(e));
			}
			git_tree_entry_free(e);
		}
	}
	archive_pw_hint(a->pw, ids, n);
}

/* Builds commit `c` on `parent_id` (NULL: a root commit): the trees along
 * its paths and the commit object, into the batch's pack. */
static int build_commit(rl_archive *a, struct batch_commit *c, const git_oid *parent_id)
{
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update *tu = NULL;
	git_treebuilder *tb = NULL;
	git_oid tree_id;
	size_t k = 0;
	int error = 0, rc = 0;

	if (parent_id) {
		if ((error = git_commit_lookup(&parent, a->repo, parent_id)) < 0 ||
		    (error = git_commit_tree(&base, parent)) < 0) {
			rc = rl_error_set_git(error, "cannot read the tip of '%s'", a->path);
			goto done;
		}
	}
	if ((tu = calloc(c->n + 1, sizeof(*tu))) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct batch_update *u = &c->u[i];
		if (u->remove) {
			git_tree_entry *e = NULL;
			/* libgit2 fails on removing an absent path; for us it is a no-op. */
			if (base == NULL || git_tree_entry_bypath(&e, base, u->path) < 0)
				continue;
			git_tree_entry_free(e);
			tu[k].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			tu[k].action = GIT_TREE_UPDATE_UPSERT;
			tu[k].filemode = GIT_FILEMODE_BLOB;
			git_oid_cpy(&tu[k].id, &u->blob);
		}
		tu[k++].path = u->path;
	}
	hint_bases(a, base, c);
	if (k == 0 && base != NULL) {
		git_oid_cpy(&tree_id, git_tree_id(base));
	} else if (k == 0) {
		if ((error = git_treebuilder_new(&tb, a->repo, NULL)) < 0 ||
		    (error = git_treebuilder_write(&tree_id, tb)) < 0) {
			rc = rl_error_set_git(error, "cannot build the tree");
			goto done;
		}
	} else if ((error = git_tree_create_updated(&tree_id, a->repo, base, k, tu)) < 0) {
		rc = rl_error_set_git(error, "cannot build the tree");
		goto done;
	}
	if ((error = git_tree_lookup(&tree, a->repo, &tree_id)) < 0) {
		rc = rl_error_set_git(error, "cannot build the tree");
		goto done;
	}
	/* No ref update here: the ref moves only after the pack is on disk. */
	rc = write_commit_object(&c->id, a, tree, parent, c);
done:
	git_treebuilder_free(tb);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	free(tu);
	return rc;
}

/* (Re)builds every queued commit on the batch's base, in order. */
static int build_all(rl_archive_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const git_oid *parent = i > 0 ? &b->c[i - 1].id : b->has_base ? &b->base : NULL;
		int rc = build_commit(b->a, &b->c[i], parent);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int read_main(int *has, git_oid *out, rl_archive *a)
{
	int error = git_reference_name_to_id(out, a->repo, MAIN_REF);

	*has = error == 0;
	if (error < 0 && error != GIT_ENOTFOUND)
		return rl_error_set_git(error, "cannot read '%s' in '%s'", MAIN_REF, a->path);
	return 0;
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
	if ((rc = read_main(&b->has_base, &b->base, archive)) < 0 ||
	    (rc = archive_pw_begin(archive->pw)) < 0) {
		free(b);
		return rc;
	}
	archive->batch = b;
	*out = b;
	return 0;
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
	struct batch_commit *c;
	git_oid parent;
	int rc, has_parent;

	if (b->done)
		return rl_error_set(RL_EINVAL, "the batch is already committed");
	if (info == NULL || info->message == NULL || info->message[0] == '\0')
		return rl_error_set(RL_EINVAL, "a commit needs a message");
	if ((rc = check_updates(updates, n)) < 0)
		return rc;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct batch_commit *v = realloc(b->c, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		b->c = v;
		b->cap = cap;
	}
	c = &b->c[b->n];
	memset(c, 0, sizeof(*c));
	has_parent = rl_archive_batch_tip(&parent, b) == 0;
	if ((c->u = calloc(n, sizeof(*c->u))) == NULL ||
	    (c->message = strdup(info->message)) == NULL ||
	    (info->name && (c->name = strdup(info->name)) == NULL) ||
	    (info->email && (c->email = strdup(info->email)) == NULL)) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto fail;
	}
	c->time = info->time;
	c->tz_offset_minutes = info->tz_offset_minutes;
	for (size_t i = 0; i < n; i++) {
		struct batch_update *u = &c->u[c->n];
		if ((u->path = strdup(updates[i].path)) == NULL) {
			rc = rl_error_set(RL_ENOMEM, "out of memory");
			goto fail;
		}
		c->n++;
		u->remove = updates[i].data == NULL;
		if (!u->remove) {
			int error = archive_write_object(&u->blob, b->a, updates[i].data,
							 updates[i].len, GIT_OBJECT_BLOB);
			if (error < 0) {
				rc = rl_error_set_git(error, "cannot store '%s'", u->path);
				goto fail;
			}
			b->bytes += updates[i].len;
		}
	}
	if ((rc = build_commit(b->a, c, has_parent ? &parent : NULL)) < 0)
		goto fail;
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
		if ((rc = read_main(&b->has_base, &b->base, b->a)) < 0 ||
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

void rl_archive_batch_free(rl_archive_batch *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++)
		batch_commit_clear(&b->c[i]);
	free(b->c);
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
