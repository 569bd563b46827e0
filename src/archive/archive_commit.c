/*
 * archive_commit.c - the crash-safe writer.
 *
 * One commit = blobs, the changed trees and the commit object built in the
 * mempack (memory), packed as one pack that is written and fsynced, and only
 * then refs/heads/main moved with a compare-and-swap on the old tip.
 *
 * Not git_mempack_dump(): in libgit2 1.5 it inserts each commit with
 * git_packbuilder_insert_commit(), which walks the commit's whole tree, so
 * every commit would repack the entire archive (measured: 580 ms a commit at
 * 10,000 files).  Instead we pack exactly the objects this commit made: the
 * new blobs, the trees on the changed paths and the commit.  A crash
 * at any point before the ref move leaves at most an unreferenced pack; the
 * ref never points at a missing object.  git_tree_create_updated() touches
 * only the trees on the changed paths, so the cost follows the number of
 * updates, not the size of the archive.
 *
 * Invariant: the mempack is empty whenever this file returns.
 */
#include "archive_internal.h"
#include "redline/error.h"
#include "redline/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#define MAIN_REF "refs/heads/main"
#define COMMIT_ATTEMPTS 8
#define REFLOG_SUBJECT_MAX 200

static int cmp_update_path(const void *a, const void *b)
{
	const rl_file_update *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

/* Every path safe, none twice: checked before anything is written. */
static int check_updates(const rl_file_update *updates, size_t n)
{
	const rl_file_update **sorted;
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

/* The ids to pack: the objects this commit created (some may already exist
 * elsewhere, e.g. a tree reverted to an old state: packing one again is
 * harmless, leaving one out is not). */
typedef struct oid_list {
	git_oid *ids;
	size_t n, cap;
} oid_list;

static int oid_list_add(oid_list *l, const git_oid *id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		git_oid *ids = realloc(l->ids, cap * sizeof(*ids));
		if (ids == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		l->ids = ids;
		l->cap = cap;
	}
	git_oid_cpy(&l->ids[l->n++], id);
	return 0;
}

/* Adds the trees of `tree` on the way to `path`'s parent directory: the
 * trees git_tree_create_updated() rewrote for this update. */
static int add_path_trees(oid_list *l, git_tree *root, const char *path)
{
	char dir[1100];
	const char *slash = path;
	int rc;

	if ((rc = oid_list_add(l, git_tree_id(root))) < 0)
		return rc;
	while ((slash = strchr(slash, '/')) != NULL) {
		git_tree_entry *e = NULL;
		size_t len = (size_t)(slash - path);
		if (len >= sizeof(dir))
			break;
		memcpy(dir, path, len);
		dir[len] = '\0';
		/* Absent: pruned because a removal emptied it. */
		if (git_tree_entry_bypath(&e, root, dir) < 0)
			break;
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			rc = oid_list_add(l, git_tree_entry_id(e));
		git_tree_entry_free(e);
		if (rc < 0)
			return rc;
		slash++;
	}
	return 0;
}

/* Writes the listed objects (read from the mempack) as one pack, fsynced by
 * the indexer when GIT_OPT_ENABLE_FSYNC_GITDIR is on, and empties the
 * mempack. */
static int write_pack(rl_archive *a, const oid_list *objects)
{
	git_packbuilder *pb = NULL;
	git_buf pack = GIT_BUF_INIT;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats = { 0 };
	int error;

	if ((error = git_packbuilder_new(&pb, a->repo)) < 0)
		goto done;
	git_packbuilder_set_threads(pb, 1);
	for (size_t i = 0; i < objects->n; i++)
		if ((error = git_packbuilder_insert(pb, &objects->ids[i], NULL)) < 0)
			goto done;
	if ((error = git_packbuilder_write_buf(&pack, pb)) < 0)
		goto done;
	if ((error = git_odb_write_pack(&wp, a->odb, NULL, NULL)) < 0)
		goto done;
	if ((error = wp->append(wp, pack.ptr, pack.size, &stats)) < 0)
		goto done;
	error = wp->commit(wp, &stats);
done:
	if (wp)
		wp->free(wp);
	git_buf_dispose(&pack);
	git_packbuilder_free(pb);
	git_mempack_reset(a->mempack);
	if (error < 0)
		return rl_error_set_git(error, "cannot write objects to '%s'", a->path);
	return 0;
}

static int build_commit(git_oid *commit_id, rl_archive *a, const git_oid *parent_id,
			const rl_file_update *updates, size_t n, const rl_commit_info *info)
{
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update *tu = NULL;
	git_signature *sig = NULL;
	git_treebuilder *tb = NULL;
	git_oid tree_id;
	oid_list made = { NULL, 0, 0 };
	size_t k = 0;
	int error = 0, rc = 0;

	if (parent_id) {
		if ((error = git_commit_lookup(&parent, a->repo, parent_id)) < 0 ||
		    (error = git_commit_tree(&base, parent)) < 0) {
			rc = rl_error_set_git(error, "cannot read the tip of '%s'", a->path);
			goto done;
		}
	}
	if ((tu = calloc(n, sizeof(*tu))) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const rl_file_update *u = &updates[i];
		if (u->data == NULL) {
			git_tree_entry *e = NULL;
			/* libgit2 fails on removing an absent path; for us it is a no-op. */
			if (base == NULL || git_tree_entry_bypath(&e, base, u->path) < 0)
				continue;
			git_tree_entry_free(e);
			tu[k].action = GIT_TREE_UPDATE_REMOVE;
		} else {
			if ((error = git_blob_create_from_buffer(&tu[k].id, a->repo, u->data,
								 u->len)) < 0) {
				rc = rl_error_set_git(error, "cannot store '%s'", u->path);
				goto done;
			}
			tu[k].action = GIT_TREE_UPDATE_UPSERT;
			tu[k].filemode = GIT_FILEMODE_BLOB;
			if ((rc = oid_list_add(&made, &tu[k].id)) < 0)
				goto done;
		}
		tu[k].path = u->path;
		k++;
	}
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
	if ((error = git_tree_lookup(&tree, a->repo, &tree_id)) < 0 ||
	    (error = git_signature_new(&sig, info->name ? info->name : "redline",
				       info->email ? info->email : "redline@localhost",
				       (git_time_t)info->time, info->tz_offset_minutes)) < 0) {
		rc = rl_error_set_git(error, "cannot prepare the commit");
		goto done;
	}
	/* No update_ref: the ref moves only after the pack is on disk. */
	if ((rc = archive_commit_create(commit_id, a, sig, info->message, tree, parent ? 1 : 0,
					(const git_commit **)(parent ? &parent : NULL))) < 0)
		goto done;
	if ((rc = oid_list_add(&made, commit_id)) < 0)
		goto done;
	for (size_t i = 0; i < k; i++)
		if ((rc = add_path_trees(&made, tree, tu[i].path)) < 0)
			goto done;
	if (k == 0 && (rc = oid_list_add(&made, &tree_id)) < 0)
		goto done;
	rc = write_pack(a, &made);
done:
	free(made.ids);
	if (rc < 0)
		git_mempack_reset(a->mempack);
	git_treebuilder_free(tb);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	free(tu);
	return rc;
}

static void reflog_message(char *out, size_t size, const char *message)
{
	size_t len = strcspn(message, "\n");
	if (len > REFLOG_SUBJECT_MAX)
		len = REFLOG_SUBJECT_MAX;
	snprintf(out, size, "redline: %.*s", (int)len, message);
}

static void short_sleep(int attempt)
{
	/* 5-25 ms and growing, jittered so that rivals do not collide again. */
	long ms = 5L * (attempt + 1) + (long)(rand() % 10);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int rl_archive_commit(git_oid *out, rl_archive *archive, const rl_file_update *updates,
		      size_t n, const rl_commit_info *info)
{
	char logmsg[REFLOG_SUBJECT_MAX + 32];
	int rc, error = 0;

	if (info == NULL || info->message == NULL || info->message[0] == '\0')
		return rl_error_set(RL_EINVAL, "a commit needs a message");
	if ((rc = check_updates(updates, n)) < 0)
		return rc;
	reflog_message(logmsg, sizeof(logmsg), info->message);

	for (int attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
		git_oid tip, commit_id;
		git_reference *ref = NULL;
		int have_tip;

		error = git_reference_name_to_id(&tip, archive->repo, MAIN_REF);
		if (error < 0 && error != GIT_ENOTFOUND)
			return rl_error_set_git(error, "cannot read '%s' in '%s'", MAIN_REF,
						archive->path);
		have_tip = error == 0;
		if ((rc = build_commit(&commit_id, archive, have_tip ? &tip : NULL, updates, n,
				       info)) < 0)
			return rc;
		/* The last step: compare-and-swap, or create when there is no tip yet. */
		if (have_tip)
			error = git_reference_create_matching(&ref, archive->repo, MAIN_REF,
							      &commit_id, 1, &tip, logmsg);
		else
			error = git_reference_create(&ref, archive->repo, MAIN_REF, &commit_id, 0,
						     logmsg);
		git_reference_free(ref);
		if (error == 0) {
			if (out)
				git_oid_cpy(out, &commit_id);
			return 0;
		}
		if (error != GIT_ELOCKED && error != GIT_EMODIFIED && error != GIT_EEXISTS)
			return rl_error_set_git(error, "cannot move '%s' in '%s'", MAIN_REF,
						archive->path);
		short_sleep(attempt);
	}
	return rl_error_set(RL_ELOCKED,
			    "cannot move '%s' in '%s': another writer kept changing it "
			    "(is a redline running without the lock?)", MAIN_REF, archive->path);
}
