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
 * The packs' entries are copied as they are into one new pack (see "rolling
 * up by copying" below); a pack that is not one we copy (another .idx
 * version, REF_DELTAs) sends the whole roll-up through libgit2: objects
 * listed by its pack reader (git_odb_backend_one_pack), inserted one by one
 * (no tree walk), streamed as one new pack into the indexer.  Only then are
 * the old packs removed, never the new one even when
 * it took an old one's name.  A crash in between leaves duplicates, never a
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
#include <fcntl.h>
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
	int error = 0, gerr;

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

/* --- rolling up by copying ----------------------------------------------
 *
 * The packbuilder above deltifies every object again (a window of ten
 * candidates each) and holds a record of ~100 bytes per object: a roll-up
 * of an archive of 64 batches took minutes, and geometric roll-ups redo
 * the largest pack again and again.  Packs of ours (a .idx v2, whole
 * objects and OFS_DELTAs against objects of the same pack) are instead
 * copied entry by entry into the batch writer's pack (packwrite.c): the
 * bytes as they are, each OFS_DELTA's distance to its base rewritten, a
 * duplicate of an object already copied left out.  No inflating, no
 * hashing of objects; the pack's records take ~48 bytes an object. */

#define IDX_MAGIC "\377tOc"
#define READ_WINDOW (8u << 20)

struct idx_view {
	unsigned char *data;  /* the whole .idx */
	size_t len;
	uint32_t n;
	const unsigned char *ids, *crcs, *offs, *large;
	size_t n_large;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* 1 when the file is no .idx v2 we copy from (the packbuilder takes it). */
static int read_idx(struct idx_view *v, const char *path)
{
	size_t fixed;
	int rc;

	rl_buf b = RL_BUF_INIT((size_t)1 << 34);

	memset(v, 0, sizeof(*v));
	if ((rc = rl_file_read(&b, path)) < 0) {
		rl_buf_release(&b);
		return rc;
	}
	v->data = (unsigned char *)b.ptr;
	v->len = b.len;
	if (v->len < 8 + 1024 + 40 || memcmp(v->data, IDX_MAGIC, 4) != 0 || be32(v->data + 4) != 2)
		return 1;
	v->n = be32(v->data + 8 + 255 * 4);
	fixed = 8 + 1024 + (size_t)v->n * 28 + 40;
	if (v->len < fixed || (v->len - fixed) % 8 != 0)
		return 1;
	v->ids = v->data + 8 + 1024;
	v->crcs = v->ids + (size_t)v->n * 20;
	v->offs = v->crcs + (size_t)v->n * 4;
	v->large = v->offs + (size_t)v->n * 4;
	v->n_large = (v->len - fixed) / 8;
	return 0;
}

/* Offset of entry i; UINT64_MAX when the index is corrupt. */
static uint64_t idx_offset(const struct idx_view *v, uint32_t i)
{
	uint32_t o = be32(v->offs + (size_t)i * 4);
	if (!(o & 0x80000000u))
		return o;
	o &= 0x7fffffffu;
	if (o >= v->n_large)
		return UINT64_MAX;
	return (uint64_t)be32(v->large + (size_t)o * 8) << 32 | be32(v->large + (size_t)o * 8 + 4);
}

struct by_offset {
	uint64_t off;
	uint32_t i;
};

static int cmp_by_offset(const void *a, const void *b)
{
	uint64_t x = ((const struct by_offset *)a)->off, y = ((const struct by_offset *)b)->off;
	return (x > y) - (x < y);
}

/* The entry starting at `off`, by binary search; NULL when none does. */
static const struct by_offset *entry_at_offset(const struct by_offset *e, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && e[lo].off == off ? &e[lo] : NULL;
}

/* Bytes [off, off + len) of the pack, through a window read ahead. */
struct pack_reader {
	int fd;
	unsigned char *buf;
	size_t cap, len;
	uint64_t at;
};

static int pack_bytes(const unsigned char **out, struct pack_reader *r, uint64_t off, size_t len)
{
	if (off < r->at || off + len > r->at + r->len) {
		size_t want = len > READ_WINDOW ? len : READ_WINDOW;
		if (want > r->cap) {
			unsigned char *nb = realloc(r->buf, want);
			if (nb == NULL)
				return rl_error_set(RL_ENOMEM, "out of memory");
			r->buf = nb;
			r->cap = want;
		}
		r->at = off;
		r->len = 0;
		while (r->len < want) {
			ssize_t k = pread(r->fd, r->buf + r->len, want - r->len, (off_t)(off + r->len));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return rl_error_set_errno(RL_EIO, "cannot read a pack");
			if (k == 0)
				break;
			r->len += (size_t)k;
		}
		if (r->len < len)
			return rl_error_set(RL_EIO, "a pack shorter than its index says");
	}
	*out = r->buf + (off - r->at);
	return 0;
}

/* Copies one pack's entries, in their order; 1 when the pack is not one
 * we copy (the caller then rolls up with the packbuilder). */
static int copy_pack(archive_pw *pw, const char *dir, const char *name, struct pack_reader *r)
{
	char path[PATH_BUF];
	struct idx_view v;
	struct by_offset *e = NULL;
	unsigned char hdr[12];
	struct stat st;
	uint64_t end;
	int rc;

	r->fd = -1;
	r->len = 0;
	snprintf(path, sizeof(path), "%s/%s.idx", dir, name);
	if ((rc = read_idx(&v, path)) != 0)
		goto done;
	snprintf(path, sizeof(path), "%s/%s.pack", dir, name);
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(r->fd, &st) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
		goto done;
	}
	if (pread(r->fd, hdr, 12, 0) != 12 || memcmp(hdr, "PACK", 4) != 0 ||
	    (be32(hdr + 4) != 2 && be32(hdr + 4) != 3) || be32(hdr + 8) != v.n ||
	    (uint64_t)st.st_size < 12 + 20) {
		rc = 1;
		goto done;
	}
	end = (uint64_t)st.st_size - 20;
	if ((e = malloc(((size_t)v.n + 1) * sizeof(*e))) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (uint32_t i = 0; i < v.n; i++)
		e[i] = (struct by_offset){ idx_offset(&v, i), i };
	qsort(e, v.n, sizeof(*e), cmp_by_offset);
	for (uint32_t k = 0; k < v.n; k++) {
		uint64_t off = e[k].off, next = k + 1 < v.n ? e[k + 1].off : end;
		const unsigned char *raw = NULL;
		git_oid id, base_id, *base = NULL;
		size_t len;

		if (off < 12 || next <= off || next > end) {
			rc = 1; /* offsets we do not understand: leave it to libgit2 */
			goto done;
		}
		len = (size_t)(next - off);
		if ((rc = pack_bytes(&raw, r, off, len)) < 0)
			goto done;
		git_oid_fromraw(&id, v.ids + (size_t)e[k].i * 20);
		if (((raw[0] >> 4) & 7) == 6) {
			/* OFS_DELTA: the object whose entry starts that far back */
			size_t h = 0;
			uint64_t ofs;
			const struct by_offset *b;
			while (h < len && (raw[h] & 0x80))
				h++;
			if (++h >= len) {
				rc = 1;
				goto done;
			}
			ofs = raw[h] & 127u;
			while ((raw[h] & 0x80) && ++h < len && ofs < (UINT64_C(1) << 56))
				ofs = ((ofs + 1) << 7) | (raw[h] & 127u);
			if (h >= len || (raw[h] & 0x80) || ofs == 0 || ofs > off ||
			    (b = entry_at_offset(e, v.n, off - ofs)) == NULL) {
				rc = 1;
				goto done;
			}
			git_oid_fromraw(&base_id, v.ids + (size_t)b->i * 20);
			base = &base_id;
		} else if (((raw[0] >> 4) & 7) == 7) {
			rc = 1; /* REF_DELTA: not written by redline */
			goto done;
		}
		if ((rc = archive_pw_copy(pw, &id, raw, len, be32(v.crcs + (size_t)e[k].i * 4), base)) < 0)
			goto done;
	}
done:
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(e);
	free(v.data);
	return rc;
}

/* The packs copied into one (archive_pw_copy); 1 when one of them is not
 * a pack we copy, nothing written then. */
static int copy_rolled_pack(char name[GIT_OID_HEXSZ + 1], rl_archive *a, const char *dir,
			    const struct pack *packs, size_t n)
{
	struct pack_reader r = { -1, NULL, 0, 0, 0 };
	int rc;

	name[0] = '\0';
	if ((rc = archive_pw_begin(a->pw)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = copy_pack(a->pw, dir, packs[i].name, &r);
	free(r.buf);
	if (rc != 0) {
		archive_pw_abort(a->pw);
		return rc;
	}
	rc = archive_pw_finish(name, a->pw);
	/* its records cannot serve reads (archive_pw_copy) */
	archive_pw_release(a->pw);
	if (rc == 0)
		rc = git_odb_refresh(a->odb) < 0 ? rl_error_set(RL_EGIT, "cannot refresh the odb") : 0;
	return rc;
}

/* A geometric roll-up of packs of about the same size (one a batch) takes
 * them all, the largest included, again and again: bench/scale's stream
 * (~7 GB of packs) would copy 21 GB in its roll-ups, 6.5 GB at once.
 * Packs above this are left alone unless the count needs them: 11 GB
 * copied, at most ~0.8 GB at once (the records of a roll-up take ~48 bytes
 * an object, ~70 MB then). */
#define ROLL_BYTES_MAX ((off_t)1 << 30)

/* How many of the smallest packs to roll: the geometric prefix (each pack
 * at most twice the sum of those before it, the sum at most
 * ROLL_BYTES_MAX), and at least enough to bring the count down to
 * `max_packs` in one go. */
static size_t roll_count(const struct pack *packs, size_t n, size_t max_packs)
{
	size_t roll = 1;
	off_t sum = packs[0].size;

	for (; roll < n && packs[roll].size < 2 * sum && sum + packs[roll].size <= ROLL_BYTES_MAX;
	     roll++)
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
		if ((error = copy_rolled_pack(name, a, dir, packs, roll)) > 0) {
			rl_error_clear();
			error = write_rolled_pack(name, a, dir, packs, roll);
		}
		if (error < 0)
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
