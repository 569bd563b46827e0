/*
 * archive_repack.c - keeping the number of packs small.
 *
 * Every commit writes one small pack (archive_commit.c), so an archive
 * watched for a year would hold tens of thousands of them and every object
 * lookup would search them all.  After a commit, when there are more than
 * `max_packs`, the smallest packs are rolled up into one, geometrically as
 * `git repack --geometric=2` does: the rolled-up prefix (by size) ends where
 * the next pack is at least twice as large as all the smaller ones together.
 * Each object is thus re-packed O(log n) times in its life, and one
 * maintenance run costs what the small packs hold, not the archive's size.
 *
 * The rolled packs' entries are copied as they are into one new pack and
 * their indexes merged (archive_concat.c: no object is inflated or
 * deltified again).  Only packs that cannot be copied so (an old index
 * format, an object in two packs) go through libgit2: their objects listed
 * by its pack reader (git_odb_backend_one_pack), inserted one by one (no
 * tree walk), streamed as one new pack into the indexer.  Only then are the
 * old packs removed, never the new one even when it took an old one's
 * name.  A crash in between leaves duplicates, never a
 * missing object.  Roll-ups go on until the count is bounded again.  This
 * runs between cycles (run, watch when idle, `redline gc`), never inside a
 * group commit.
 */
#include "archive_internal.h"
#include "packwrite_internal.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"

#include <git2/sys/odb_backend.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PACK_NAME_MAX 128
#define PATH_BUF (4096 + PACK_NAME_MAX + 16)

struct pack {
	char name[PACK_NAME_MAX]; /* "pack-<hash>" */
	off_t size;
};

static int cmp_pack_size(const void *a, const void *b)
{
	const struct pack *x = a, *y = b;
	return x->size < y->size ? -1 : x->size > y->size;
}

static int list_packs(struct pack **out, size_t *n_out, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct pack *v = NULL;
	size_t n = 0, cap = 0;
	char path[PATH_BUF];
	struct stat st;

	*out = NULL;
	*n_out = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : rl_error_set_errno(RL_EIO, "cannot read '%s'", dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len >= PACK_NAME_MAX + 5 || strncmp(e->d_name, "pack-", 5) != 0 ||
		    strcmp(e->d_name + len - 5, ".pack") != 0)
			continue;
		/* A .keep file means someone wants this pack left alone. */
		snprintf(path, sizeof(path), "%s/%.*s.keep", dir, (int)(len - 5), e->d_name);
		if (access(path, F_OK) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (n == cap) {
			struct pack *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
			if (nv == NULL) {
				free(v);
				closedir(d);
				return rl_error_set(RL_ENOMEM, "out of memory");
			}
			v = nv;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%.*s", (int)(len - 5), e->d_name);
		v[n++].size = st.st_size;
	}
	closedir(d);
	*out = v;
	*n_out = n;
	return 0;
}

/* --- writing a pack: streamed into the indexer, its name known --------- */

/* libgit2 1.5's indexer writes every append through an mmap and munmap of
 * its own (indexer.c write_at), and the packbuilder hands over one object
 * at a time: a first run of 1,000 pages spent a fifth of its CPU in those
 * munmaps and their TLB shootdowns.  So the stream goes to the indexer in
 * chunks of this size (the most a pack write holds in memory beyond
 * libgit2's own buffers). */
#define INDEXER_CHUNK (4u << 20)

struct indexer_writer {
	git_indexer *idx;
	git_indexer_progress *stats;
	unsigned char *buf;
	size_t len;
};

static int flush_to_indexer(struct indexer_writer *w)
{
	int error = 0;

	if (w->len > 0)
		error = git_indexer_append(w->idx, w->buf, w->len, w->stats);
	w->len = 0;
	return error;
}

static int append_to_indexer(void *buf, size_t size, void *payload)
{
	struct indexer_writer *w = payload;
	int error;

	if (w->len + size > INDEXER_CHUNK && (error = flush_to_indexer(w)) < 0)
		return error;
	if (size >= INDEXER_CHUNK)
		return git_indexer_append(w->idx, buf, size, w->stats);
	memcpy(w->buf + w->len, buf, size);
	w->len += size;
	return 0;
}

int archive_write_pack(char name[GIT_OID_HEXSZ + 1], rl_archive *a, git_packbuilder *pb)
{
	git_indexer *idx = NULL;
	git_indexer_progress stats = { 0 };
	git_indexer_options io;
	struct indexer_writer w = { NULL, &stats, NULL, 0 };
	char dir[4096];
	int error;

	name[0] = '\0';
	git_indexer_options_init(&io, GIT_INDEXER_OPTIONS_VERSION);
	snprintf(dir, sizeof(dir), "%s/objects/pack", a->path);
	if ((w.buf = malloc(INDEXER_CHUNK)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	/* The pack goes to the indexer in chunks (never whole in memory); it
	 * fsyncs pack and index when GIT_OPT_ENABLE_FSYNC_GITDIR is on. */
	if ((error = git_indexer_new(&idx, dir, 0, a->odb, &io)) < 0)
		goto done;
	w.idx = idx;
	if ((error = git_packbuilder_foreach(pb, append_to_indexer, &w)) < 0 ||
	    (error = flush_to_indexer(&w)) < 0 || (error = git_indexer_commit(idx, &stats)) < 0)
		goto done;
	snprintf(name, GIT_OID_HEXSZ + 1, "%s", git_indexer_name(idx));
	/* The odb learns of the new pack now, not at its next miss. */
	error = git_odb_refresh(a->odb);
done:
	git_indexer_free(idx);
	free(w.buf);
	if (error < 0)
		return rl_error_set_git(error, "cannot write a pack in '%s'", a->path);
	return 0;
}

/* --- rolling packs up -------------------------------------------------- */

static int insert_object(const git_oid *id, void *payload)
{
	return git_packbuilder_insert(payload, id, NULL);
}

/* Inserts every object of one pack, listed by libgit2's own pack reader
 * (any index version it knows, checksums checked), without a tree walk. */
static int insert_pack_objects(git_packbuilder *pb, const char *idx_path)
{
	git_odb_backend *one = NULL;
	int error;

	if ((error = git_odb_backend_one_pack(&one, idx_path)) < 0)
		return rl_error_set_git(error, "cannot read pack index '%s'", idx_path);
	error = one->foreach(one, insert_object, pb);
	one->free(one);
	if (error < 0)
		return rl_error_set_git(error, "cannot repack '%s'", idx_path);
	return 0;
}

static int write_rolled_pack(char name[GIT_OID_HEXSZ + 1], rl_archive *a, const char *dir,
			     const struct pack *packs, size_t n)
{
	git_packbuilder *pb = NULL;
	char path[PATH_BUF];
	const char **names = calloc(n, sizeof(*names));
	int error = 0, gerr;

	if (names == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		names[i] = packs[i].name;
	/* Copying the entries as they are is the roll-up; the packbuilder
	 * (every object inflated and deltified again) only when they cannot
	 * be copied. */
	error = archive_pack_concat(name, dir, names, n, a->pw ? a->pw->off32_limit : PW_OFF32_LIMIT);
	free(names);
	if (error <= 0)
		return error;
	error = 0;
	if ((gerr = git_packbuilder_new(&pb, a->repo)) < 0) {
		error = rl_error_set_git(gerr, "cannot start a repack");
		goto done;
	}
	/* One thread, and a memory cap on the delta window: a roll-up's peak
	 * memory follows the largest objects, not the archive. */
	git_packbuilder_set_threads(pb, 1);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.idx", dir, packs[i].name);
		if ((error = insert_pack_objects(pb, path)) < 0)
			goto done;
	}
	error = archive_write_pack(name, a, pb);
done:
	git_packbuilder_free(pb);
	return error;
}

/* How many of the smallest packs to roll: the geometric prefix (each pack
 * at most twice the sum of those before it), and at least enough to bring
 * the count down to `max_packs` in one go. */
static size_t roll_count(const struct pack *packs, size_t n, size_t max_packs)
{
	size_t roll = 1;
	off_t sum = packs[0].size;

	for (; roll < n && packs[roll].size < 2 * sum; roll++)
		sum += packs[roll].size;
	if (n - roll + 1 > max_packs)
		roll = n - max_packs + 1;
	return roll < 2 ? 2 : roll;
}

/* Removes a rolled-up pack, unless its name is the new pack's: a roll-up of
 * packs whose objects one of them already held all of gets that pack's
 * name, and its files are the new pack now.  Only names listed before the
 * roll-up are ever removed, so a pack another process added meanwhile is
 * never touched. */
static int remove_rolled(const char *dir, const struct pack *p, const char *new_name)
{
	static const char *const exts[] = { ".keep", ".pack", ".idx", ".rev" };
	char path[PATH_BUF];

	if (strncmp(p->name, "pack-", 5) == 0 && strcmp(p->name + 5, new_name) == 0)
		return 0;
	/* .idx last but one: a reader never finds an index without its pack. */
	for (size_t e = 1; e < 4; e++) {
		snprintf(path, sizeof(path), "%s/%s%s", dir, p->name, exts[e]);
		if (unlink(path) < 0 && errno != ENOENT)
			return rl_error_set_errno(RL_EIO, "cannot remove '%s'", path);
	}
	return 0;
}

int rl_archive_maintain(int *repacked, rl_archive *a, size_t max_packs)
{
	struct pack *packs = NULL;
	size_t n = 0;
	char dir[4096], name[GIT_OID_HEXSZ + 1];
	int error = 0;

	*repacked = 0;
	if (max_packs < 1)
		max_packs = 1;
	/* The last batch's pack may be rolled up and removed. */
	archive_pw_release(a->pw);
	snprintf(dir, sizeof(dir), "%s/objects/pack", a->path);
	/* Until the count is bounded again (one round normally does it; another
	 * writer adding packs meanwhile may need one more). */
	for (int round = 0; round < 8; round++) {
		size_t roll;
		free(packs);
		packs = NULL;
		if ((error = list_packs(&packs, &n, dir)) < 0 || n <= max_packs)
			break;
		qsort(packs, n, sizeof(*packs), cmp_pack_size);
		roll = roll_count(packs, n, max_packs);
		if ((error = write_rolled_pack(name, a, dir, packs, roll)) < 0)
			break;
		for (size_t i = 0; i < roll && error == 0; i++)
			error = remove_rolled(dir, &packs[i], name);
		if (error < 0)
			break;
		git_odb_refresh(a->odb);
		*repacked += (int)roll;
	}
	free(packs);
	return error;
}
