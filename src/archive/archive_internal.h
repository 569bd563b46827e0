/*
 * archive_internal.h - the archive handle, shared by archive.c (open/read),
 * archive_commit.c (the batch writer; its pack: packwrite.c) and
 * archive_lock.c (the flock).
 * Private to the module: nothing outside src/archive*.c includes it.
 */
#ifndef REDLINE_ARCHIVE_INTERNAL_H
#define REDLINE_ARCHIVE_INTERNAL_H

#include "redline/archive.h"

struct rl_archive {
	git_repository *repo;
	git_odb *odb;                /* the repository's odb (we hold a reference) */
	struct archive_pw *pw;       /* owned by odb; dormant outside a batch */
	char *path;                  /* git dir, no trailing slash */
	char *state_dir;             /* <path>/redline */
	int state_dir_made;          /* made (or found) once: no mkdir per lookup (atomic) */
	int lock_fd;                 /* -1 unless we hold the writer lock */
	int git_initialised;         /* we called git_libgit2_init() */
	int swept;                   /* crash leftovers removed once by this handle */
	rl_archive_batch *batch;     /* the open batch, if any: HEAD reads its tip */
	struct sign_config *sign;    /* read once per batch (archive_sign.c) */
};

/** Creates a commit object (no ref moved): signed when commit.gpgSign is
 *  set, the way git signs (archive_sign.c); plain otherwise. */
int archive_commit_create(git_oid *out, rl_archive *archive, const git_signature *sig,
			  const char *message, const git_tree *tree, size_t n_parents,
			  const git_commit **parents);

/** Stores an object (blob, commit...) in the batch's pack unless the odb
 *  has it, without git_odb_write()'s pack rescan on a miss
 *  (archive_commit.c). */
int archive_write_object(git_oid *out, rl_archive *archive, const void *data, size_t len,
			 git_object_t type);

/** Forgets the signing settings read for the batch that ends: the next
 *  batch reads the config again. */
void archive_sign_forget(rl_archive *archive);

/* Removes what a crashed writer can leave (archive_sweep.c): libgit2's
 * temporary packs and pack index locks, and the caches' "*.tmp.PID" files
 * of dead processes.  Called by rl_archive_lock() with the flock held. */
void archive_sweep(rl_archive *a);

/** Streams `pb` into a new pack in <gitdir>/objects/pack (fsynced), refreshes
 *  the odb; `name` gets the pack's hash (its file is pack-<name>.pack). */
int archive_write_pack(char name[GIT_OID_HEXSZ + 1], rl_archive *a, git_packbuilder *pb);

/** The jittered sleep before retry `attempt` of a ref move, in ms (5-25 ms
 *  and growing), from a seed drawn once per process. */
unsigned archive_retry_delay_ms(int attempt);

#endif
