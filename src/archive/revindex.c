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
#include "revindex_internal.h"

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

int revindex_add_record(rl_revindex *x, uint64_t key, const git_oid *commit, uint32_t flags,
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
int revindex_flush(rl_revindex *x, int final)
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
	if ((error = rl_hashfile_reserve(x->table, x->tail_n)) < 0)
		return error;
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

/* 1 when the recorded tip is HEAD or one of its ancestors. */
static int tip_usable(rl_revindex *x, const git_oid *head)
{
	git_repository *repo = rl_archive_repo(x->archive);
	git_commit *c = NULL;

	if (git_oid_is_zero(&x->tip))
		return x->disk_n == 0;
	if (git_oid_equal(&x->tip, head))
		return 1;
	/* The batch just referenced was built on the tip: no walk of the
	 * history (git_graph_descendant_of() went through every commit, ~20 ms
	 * for an archive of 1,100 commits, at every ref move). */
	if (revindex_feed_fits(x->archive->revfeed, x, head))
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
		if (revindex_feed_fits(archive->revfeed, x, &head))
			error = revindex_feed(x, archive->revfeed, &head);
		else
			error = revindex_catch_up(x, &head);
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
		v[*n].has_file = (r.flags & F_FILE) != 0;
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

/* The commits of `revs` (n of them, freed here) into `*out`. */
static int commits_of(git_oid **out, size_t *n, rl_revindex_rev *revs)
{
	int error = 0;

	*out = NULL;
	if (*n && (*out = malloc(*n * sizeof(**out))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		*n = 0;
	}
	for (size_t i = 0; *out && i < *n; i++)
		git_oid_cpy(&(*out)[i], &revs[i].commit);
	free(revs);
	return error;
}

int rl_revindex_story(git_oid **out, size_t *n, rl_revindex *x, const char *id)
{
	rl_revindex_rev *revs = NULL;
	int error;

	*out = NULL;
	if ((error = rl_revindex_story_revs(&revs, n, x, id)) < 0)
		return error;
	return commits_of(out, n, revs);
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

int rl_revindex_revisions(rl_revindex_rev **out, size_t *n, rl_archive *archive, const char *id)
{
	rl_revindex *x = NULL;
	int error;

	for (int attempt = 0; attempt < 2; attempt++) {
		if ((error = rl_revindex_open(&x, archive)) < 0)
			return error;
		error = rl_revindex_story_revs(out, n, x, id);
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

int rl_revindex_commits(git_oid **out, size_t *n, rl_archive *archive, const char *id)
{
	rl_revindex_rev *revs = NULL;
	int error;

	*out = NULL;
	if ((error = rl_revindex_revisions(&revs, n, archive, id)) < 0)
		return error;
	return commits_of(out, n, revs);
}
