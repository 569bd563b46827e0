/*
 * archive_commit.c - the crash-safe writer.
 *
 * One commit = blobs, the changed trees and the commit object built in the
 * mempack (memory), dumped as one pack that is written and fsynced, and only
 * then refs/heads/main moved with a compare-and-swap on the old tip.  A crash
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

/* Writes what the mempack holds as one pack (fsynced by the indexer when
 * GIT_OPT_ENABLE_FSYNC_GITDIR is on) and empties the mempack. */
static int flush_mempack(rl_archive *a)
{
	git_buf pack = GIT_BUF_INIT;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats = { 0 };
	int error;

	if ((error = git_mempack_dump(&pack, a->repo, a->mempack)) < 0)
		goto done;
	/* Every object already existed (git_odb_write only freshens those): a
	 * pack of nothing is 12 bytes of header and a 20-byte trailer. */
	if (pack.size <= 32)
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
	if ((error = git_commit_create(commit_id, a->repo, NULL, sig, sig, NULL, info->message,
				       tree, parent ? 1 : 0,
				       (const git_commit **)(parent ? &parent : NULL))) < 0) {
		rc = rl_error_set_git(error, "cannot create the commit");
		goto done;
	}
	rc = flush_mempack(a);
done:
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
