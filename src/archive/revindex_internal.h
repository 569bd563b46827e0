/*
 * revindex_internal.h - the revision index's files and records, shared by
 * revindex.c (files, lookups) and revindex_index.c (indexing commits).
 */
#ifndef REDLINE_REVINDEX_INTERNAL_H
#define REDLINE_REVINDEX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "redline/revindex.h"
#include "hashfile_internal.h"

struct archive_revfeed;

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

/* Appends a record of `key` for `commit` to the in-memory tail. */
int revindex_add_record(rl_revindex *x, uint64_t key, const git_oid *commit, uint32_t flags,
			const unsigned char *blob, uint32_t path);

/* The tail to disk: records appended, table slots set, header last. */
int revindex_flush(rl_revindex *x, int final);

/* Indexes the commits from the tip (exclusive) to `head`, parents first. */
int revindex_catch_up(rl_revindex *x, const git_oid *head);

/* 1 when the archive's last batch (archive_revfeed) is exactly the commits
 * from the tip (exclusive) to `head`, each with every story file it
 * changed known from its tree's build. */
int revindex_feed_fits(const struct archive_revfeed *f, const rl_revindex *x, const git_oid *head);

/* revindex_catch_up() from the batch's own record of its commits. */
int revindex_feed(rl_revindex *x, const struct archive_revfeed *f, const git_oid *head);

#endif
