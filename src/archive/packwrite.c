/*
 * packwrite.c - the batch's pack, written as its objects come (what git
 * fast-import does), instead of a mempack handed to libgit2's packbuilder
 * and then to its indexer.
 *
 * Each object is deflated straight into a 256 KiB write buffer and on into a
 * temporary file objects/pack/pack_git2_rl_XXXXXX (the prefix the sweep
 * removes after a crash); memory holds a 48-byte record per object, the
 * buffer and a bounded cache of recent objects (4 MiB).  The batch hands
 * its objects straight to archive_pw_put(), hashed once, and an object the
 * pack already has is not written twice; nothing asks the rest of the odb
 * first (git_odb_write() would probe the loose path and rescan the pack
 * folder for each): an object that an older pack already holds is written
 * again, which git allows and a roll-up or gc folds.  A tree whose old
 * version (the caller names it: the tree at the same path in the parent
 * commit) is in this pack is written as an OFS_DELTA against it, the delta
 * taken from the two buffers' entries (packwrite_delta.c): a commit's root
 * tree differs from the previous one in one entry, so its delta is a copy,
 * an insert and a copy, found without a search.  Chains stop at git's
 * default depth (50): the next version is written whole.  Blobs and commits
 * are written whole.
 *
 * At the end (archive_pw_finish): the object count is patched into the
 * header, the SHA-1 of the file appended, our .idx v2 written
 * (packwrite_idx.c), both fsynced and renamed to pack-<sha>.{pack,idx}, idx
 * last, and the directory fsynced.  Only then may the caller move a ref.
 */
#include "packwrite_internal.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define WBUF_SIZE (256u << 10)
/* Writeback of the pack is started every this many bytes written. */
#define WRITEBACK_STEP (4u << 20)
#define OBJ_OFS_DELTA 6
/* Not worth caching: larger objects are read back from the file. */
#define CACHE_OBJECT_MAX (PW_CACHE_BYTES / 4)

/* --- the id map -------------------------------------------------------- */

static size_t slot_of(const git_oid *id, size_t nslots)
{
	uint32_t h;
	memcpy(&h, id->id, sizeof(h));
	return h & (nslots - 1);
}

struct pw_entry *pw_find(archive_pw *pw, const git_oid *id)
{
	if (pw->nslots == 0)
		return NULL;
	for (size_t s = slot_of(id, pw->nslots);; s = (s + 1) & (pw->nslots - 1)) {
		uint32_t i = pw->slots[s];
		if (i == UINT32_MAX)
			return NULL;
		if (git_oid_equal(&pw->e[i].id, id))
			return &pw->e[i];
	}
}

static void slots_insert(archive_pw *pw, uint32_t i)
{
	size_t s = slot_of(&pw->e[i].id, pw->nslots);
	while (pw->slots[s] != UINT32_MAX)
		s = (s + 1) & (pw->nslots - 1);
	pw->slots[s] = i;
}

/* Room for one more entry; the map kept at most half full. */
static int grow(archive_pw *pw)
{
	int rc;

	if ((rc = rl_array_grow(&pw->e, &pw->cap, pw->n, sizeof(*pw->e), 1024)) < 0)
		return rc;
	if (pw->n >= UINT32_MAX - 1)
		return rl_error_set(RL_ETOOBIG, "too many objects in one pack");
	if ((pw->n + 1) * 2 > pw->nslots) {
		size_t nslots = pw->nslots ? pw->nslots * 2 : 2048;
		uint32_t *slots = malloc(nslots * sizeof(*slots));
		if (slots == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		memset(slots, 0xff, nslots * sizeof(*slots));
		free(pw->slots);
		pw->slots = slots;
		pw->nslots = nslots;
		for (size_t i = 0; i < pw->n; i++)
			slots_insert(pw, (uint32_t)i);
	}
	return 0;
}

int archive_pw_has(archive_pw *pw, const git_oid *id)
{
	int has;
	pthread_mutex_lock(&pw->lock);
	has = (pw->open || pw->kept) && pw_find(pw, id) != NULL;
	pthread_mutex_unlock(&pw->lock);
	return has;
}

/* --- the cache --------------------------------------------------------- */

static void cache_evict(archive_pw *pw, size_t slot)
{
	struct pw_cached *c = &pw->cache[slot];
	if (c->entry == UINT32_MAX)
		return;
	pw->e[c->entry].cslot = 0;
	pw->cache_bytes -= c->len;
	free(c->data);
	c->data = NULL;
	c->len = 0;
	c->entry = UINT32_MAX;
}

void pw_cache_put(archive_pw *pw, uint32_t i, const void *data, size_t len)
{
	size_t slot;
	unsigned char *copy;

	if (len > CACHE_OBJECT_MAX || pw->e[i].cslot != 0 || (copy = malloc(len ? len : 1)) == NULL)
		return;
	memcpy(copy, data, len);
	slot = pw->cache_next;
	/* Slots from cache_next on, around the ring, are oldest first: evict
	 * the one written into, then the oldest until the new one fits. */
	for (size_t k = 0; k < PW_CACHE_SLOTS; k++) {
		if (k > 0 && pw->cache_bytes + len <= PW_CACHE_BYTES)
			break;
		cache_evict(pw, (slot + k) % PW_CACHE_SLOTS);
	}
	pw->cache[slot] = (struct pw_cached){ i, len, copy };
	pw->e[i].cslot = (uint16_t)(slot + 1);
	pw->cache_bytes += len;
	pw->cache_next = (slot + 1) % PW_CACHE_SLOTS;
}

static void cache_clear(archive_pw *pw)
{
	for (size_t s = 0; s < PW_CACHE_SLOTS; s++) {
		free(pw->cache[s].data);
		pw->cache[s] = (struct pw_cached){ UINT32_MAX, 0, NULL };
	}
	pw->cache_next = pw->cache_bytes = 0;
}

/* --- the file ---------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t len)
{
	const unsigned char *b = p;
	while (len > 0) {
		ssize_t w = write(fd, b, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

static int flush_buf(archive_pw *pw)
{
	if (pw->wlen == 0)
		return 0;
	if (write_all(pw->fd, pw->wbuf, pw->wlen) < 0)
		return rl_error_set_errno(RL_EIO, "cannot write '%s'", pw->tmp_path);
	pw->flushed += pw->wlen;
	pw->wlen = 0;
	/* The disk gets the pack as it grows, not all of it at the fsync
	 * before the ref move, which then waits for the last few MiB (on
	 * failure, or without it, the fsync does it all). */
	if (pw->flushed - pw->sent >= WRITEBACK_STEP) {
		sync_file_range(pw->fd, (off_t)pw->sent, (off_t)(pw->flushed - pw->sent),
				SYNC_FILE_RANGE_WRITE);
		pw->sent = pw->flushed;
	}
	return 0;
}

/* `crc` NULL: bytes whose CRC the caller has already (a packed object). */
static int append(archive_pw *pw, const void *p, size_t len, uint32_t *crc)
{
	const unsigned char *b = p;
	if (crc)
		*crc = rl_deflater_crc32(*crc, b, len);
	while (len > 0) {
		size_t k = WBUF_SIZE - pw->wlen;
		int rc;
		if (k == 0 && (rc = flush_buf(pw)) < 0)
			return rc;
		if (k == 0)
			continue;
		if (k > len)
			k = len;
		memcpy(pw->wbuf + pw->wlen, b, k);
		pw->wlen += k;
		pw->pos += k;
		b += k;
		len -= k;
	}
	return 0;
}

/* A gzip member (a capture) is stored, not deflated again: deflate finds
 * nothing to gain in it and would spend as long trying as on text. */
static int is_compressed(const void *data, size_t len)
{
	const unsigned char *p = data;

	return len >= 18 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

/* How an object is compressed whole: the same on the writer and on a
 * thread that packs a blob ahead (archive_pw_pack_blob), so that packs are
 * the same bytes whoever packed what. */
static rl_deflater_kind blob_kind(git_object_t type, const void *data, size_t len)
{
	return type == GIT_OBJECT_BLOB && is_compressed(data, len) ? RL_DEFLATER_STORE
								     : RL_DEFLATER_GIT;
}

/* Deflates `len` bytes whole (redline/deflater.h) straight into the write
 * buffer when its bound fits there, else through a buffer of its own. */
static int append_deflated(archive_pw *pw, rl_deflater_kind kind, const void *data, size_t len,
			   uint32_t *crc)
{
	size_t bound = rl_deflater_bound(len), n;
	unsigned char *own = NULL;
	int rc;

	if (bound > WBUF_SIZE - pw->wlen && (rc = flush_buf(pw)) < 0)
		return rc;
	if (bound <= WBUF_SIZE - pw->wlen) {
		if ((rc = rl_deflater_compress(&n, kind, pw->wbuf + pw->wlen,
					       WBUF_SIZE - pw->wlen, data, len)) < 0)
			return rc;
		*crc = rl_deflater_crc32(*crc, pw->wbuf + pw->wlen, n);
		pw->wlen += n;
		pw->pos += n;
		return 0;
	}
	if ((own = malloc(bound)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((rc = rl_deflater_compress(&n, kind, own, bound, data, len)) == 0)
		rc = append(pw, own, n, crc);
	free(own);
	return rc;
}

int pw_read_at(archive_pw *pw, uint64_t off, void *dst, size_t len)
{
	unsigned char *d = dst;

	if (off + len > pw->pos)
		return rl_error_set(RL_EIO, "read past the end of '%s'", pw->tmp_path);
	while (len > 0 && off < pw->flushed) {
		size_t k = pw->flushed - off < len ? (size_t)(pw->flushed - off) : len;
		ssize_t r = pread(pw->fd, d, k, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return rl_error_set_errno(RL_EIO, "cannot read '%s'", pw->tmp_path);
		d += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
	if (len > 0)
		memcpy(d, pw->wbuf + (off - pw->flushed), len);
	return 0;
}

static int open_file(archive_pw *pw)
{
	static const unsigned char header[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0 };
	uint32_t crc = 0;

	if (asprintf(&pw->tmp_path, "%s/pack_git2_rl_XXXXXX", pw->dir) < 0) {
		pw->tmp_path = NULL;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	if ((pw->fd = mkstemp(pw->tmp_path)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot create a pack in '%s'", pw->dir);
	if (pw->wbuf == NULL && (pw->wbuf = malloc(WBUF_SIZE)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	pw->pos = pw->flushed = pw->sent = 0;
	pw->wlen = 0;
	return append(pw, header, sizeof(header), &crc);
}

/* Forgets the batch's pack (its file is the caller's business). */
static void reset(archive_pw *pw)
{
	if (pw->fd >= 0)
		close(pw->fd);
	pw->fd = -1;
	free(pw->tmp_path);
	pw->tmp_path = NULL;
	cache_clear(pw);
	free(pw->e);
	free(pw->slots);
	free(pw->wbuf);
	pw->e = NULL;
	pw->slots = NULL;
	pw->wbuf = NULL;
	pw->n = pw->cap = pw->nslots = 0;
	pw->pos = pw->flushed = pw->sent = 0;
	pw->wlen = 0;
	pw->open = 0;
	pw->kept = 0;
	pw->failed = 0;
}

/* The finished pack (renamed into place: its name is no longer ours to
 * remove) stays readable through the descriptor, with its records and the
 * cache; only the write buffer goes. */
static void keep(archive_pw *pw)
{
	free(pw->tmp_path);
	free(pw->wbuf);
	pw->tmp_path = NULL;
	pw->wbuf = NULL;
	pw->wlen = 0;
	pw->open = 0;
	pw->kept = pw->fd >= 0;
}

/* --- writing an object -------------------------------------------------- */

static size_t object_header(unsigned char *out, int type, uint64_t size)
{
	size_t n = 0;
	unsigned char c = (unsigned char)((type << 4) | (size & 15));

	size >>= 4;
	while (size) {
		out[n++] = c | 0x80;
		c = size & 0x7f;
		size >>= 7;
	}
	out[n++] = c;
	return n;
}

/* The distance back to an OFS_DELTA's base, as git encodes it. */
static size_t ofs_header(unsigned char *out, uint64_t ofs)
{
	unsigned char tmp[16];
	size_t pos = sizeof(tmp) - 1;

	tmp[pos] = ofs & 127;
	while (ofs >>= 7)
		tmp[--pos] = (unsigned char)(128 | (--ofs & 127));
	memcpy(out, tmp + pos, sizeof(tmp) - pos);
	return sizeof(tmp) - pos;
}

/* The entry of a tree's previous version `base_id` when a delta may be
 * made against it: in this pack, a tree, not too deep. */
static struct pw_entry *delta_base_of(archive_pw *pw, const git_oid *base_id)
{
	struct pw_entry *b = base_id ? pw_find(pw, base_id) : NULL;

	return b && b->type == GIT_OBJECT_TREE && b->depth < PW_MAX_DEPTH ? b : NULL;
}

/* A delta of a tree against its previous version, when that may be a base
 * and the delta is worth it; *delta NULL otherwise. */
static int pick_delta(unsigned char **delta, size_t *delta_len, uint32_t *base,
		      archive_pw *pw, const git_oid *base_id, const void *data, size_t len)
{
	struct pw_entry *b = delta_base_of(pw, base_id);
	unsigned char *bd = NULL;
	size_t bl;
	int rc;

	*delta = NULL;
	if (b == NULL)
		return 0;
	if ((rc = pw_load(&bd, &bl, pw, (uint32_t)(b - pw->e))) < 0)
		return rc;
	rc = pw_delta_create(delta, delta_len, bd, bl, data, len);
	free(bd);
	*base = (uint32_t)(b - pw->e);
	return rc;
}

/* How an object goes into the pack, besides its bytes. */
struct put_how {
	const git_oid *delta_base;     /* the tree's previous version, or NULL */
	const unsigned char *delta;    /* with uncached: the caller's delta against it (or NULL) */
	size_t delta_len;
	int uncached;                  /* a tree whose bytes the caller keeps (archive_treebuf) */
	const rl_item_packed *packed;  /* a blob packed ahead */
	int from_odb;                  /* handed over by git_odb_write() (counted) */
};

/* One entry: a blob packed ahead (archive_pw_pack_blob) is appended as
 * it is. */
static int write_entry(archive_pw *pw, const git_oid *id, const void *data, size_t len,
		       git_object_t type, const struct put_how *how)
{
	const rl_item_packed *packed = how->packed;
	const git_oid *delta_base = how->delta_base;
	unsigned char hdr[32], *delta = NULL;
	const unsigned char *given = NULL;
	size_t delta_len = 0, hl;
	uint32_t base = 0, crc = 0, i;
	struct pw_entry *e, *b;
	int rc;

	if (pw_find(pw, id))
		return 0;
	if (pw->failed)
		return rl_error_set(RL_EIO, "an earlier write to a pack in '%s' failed", pw->dir);
	if (pw->fd < 0 && (rc = open_file(pw)) < 0)
		return rc;
	if ((rc = grow(pw)) < 0)
		return rc;
	if (type == GIT_OBJECT_TREE && how->uncached) {
		/* the caller's delta, if any, and only against a base allowed */
		if (how->delta && (b = delta_base_of(pw, delta_base)) != NULL) {
			given = how->delta;
			delta_len = how->delta_len;
			base = (uint32_t)(b - pw->e);
		}
	} else if (type == GIT_OBJECT_TREE &&
		   (rc = pick_delta(&delta, &delta_len, &base, pw, delta_base, data, len)) < 0) {
		return rc;
	}
	if (delta)
		given = delta;
	i = (uint32_t)pw->n;
	e = &pw->e[i];
	memset(e, 0, sizeof(*e));
	git_oid_cpy(&e->id, id);
	e->type = (uint8_t)type;
	e->offset = pw->pos;
	e->size = len;
	if (given) {
		hl = object_header(hdr, OBJ_OFS_DELTA, delta_len);
		hl += ofs_header(hdr + hl, e->offset - pw->e[base].offset);
		e->depth = (uint8_t)(pw->e[base].depth + 1);
		pw->deltas++;
	} else {
		hl = object_header(hdr, (int)type, len);
	}
	if (packed) {
		rc = append(pw, packed->bytes, packed->len, NULL);
		crc = packed->crc;
	} else if ((rc = append(pw, hdr, hl, &crc)) == 0) {
		rc = given ? append_deflated(pw, RL_DEFLATER_GIT, given, delta_len, &crc)
			   : append_deflated(pw, blob_kind(type, data, len), data, len, &crc);
	}
	free(delta);
	if (rc < 0)
		return rc;
	e->crc = crc;
	pw->n++;
	pw->written++;
	slots_insert(pw, i);
	/* The version this tree replaces is read no more (the next commit
	 * builds on this one): its room goes to the newest.  Blobs are not
	 * kept: they are seldom read back in the batch (an edited story's
	 * old text, a pread away), and they pushed the trees the next
	 * commits build on out of the ring, whose misses walk delta chains. */
	if (delta_base && (b = pw_find(pw, delta_base)) != NULL && b->cslot)
		cache_evict(pw, b->cslot - 1u);
	if (type != GIT_OBJECT_BLOB && !how->uncached)
		pw_cache_put(pw, i, data, len);
	return 0;
}

/* Under the lock: a failed write leaves bytes of a half-written object in
 * the file, so nothing more may be added and the batch cannot commit. */
static int put(archive_pw *pw, const git_oid *id, const void *data, size_t len,
	       git_object_t type, const struct put_how *how)
{
	int rc;

	pthread_mutex_lock(&pw->lock);
	if (!pw->open)
		rc = 1;
	else if ((rc = write_entry(pw, id, data, len, type, how)) < 0)
		pw->failed = 1;
	else if (how->from_odb)
		pw->odb_writes++;
	pthread_mutex_unlock(&pw->lock);
	return rc;
}

int archive_pw_put(archive_pw *pw, const git_oid *id, const void *data, size_t len,
		   git_object_t type, const git_oid *delta_base)
{
	struct put_how how = { .delta_base = delta_base };

	return put(pw, id, data, len, type, &how);
}

int archive_pw_put_delta(archive_pw *pw, const git_oid *id, const void *data, size_t len,
			 const git_oid *base, const unsigned char *delta, size_t delta_len)
{
	struct put_how how = { .delta_base = base, .delta = delta, .delta_len = delta_len,
			       .uncached = 1 };

	return put(pw, id, data, len, GIT_OBJECT_TREE, &how);
}

int archive_pw_put_packed(archive_pw *pw, const git_oid *id, const void *data, size_t len,
			  const rl_item_packed *packed)
{
	struct put_how how = { .packed = packed };

	return put(pw, id, data, len, GIT_OBJECT_BLOB, &how);
}

/* The same bytes write_entry() would write for this blob: its header,
 * then its whole zlib stream (redline/deflater.h: the same bytes on any
 * thread). */
int archive_pw_pack_blob(rl_item_packed *out, const void *data, size_t len,
			 enum archive_origin origin)
{
	unsigned char hdr[32];
	size_t hl = object_header(hdr, GIT_OBJECT_BLOB, len), cap, n;
	git_oid id;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = archive_object_id(&id, GIT_OBJECT_BLOB, data, len, origin)) < 0)
		return rc;
	cap = hl + rl_deflater_bound(len);
	if ((out->bytes = malloc(cap)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	memcpy(out->bytes, hdr, hl);
	if ((rc = rl_deflater_compress(&n, blob_kind(GIT_OBJECT_BLOB, data, len), out->bytes + hl,
				       cap - hl, data, len)) < 0) {
		free(out->bytes);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	out->len = hl + n;
	out->crc = rl_deflater_crc32(0, out->bytes, out->len);
	memcpy(out->id, id.id, sizeof(out->id));
	return 0;
}

/* The odb's write (what libgit2 itself writes during a batch: a signed
 * commit) comes after git_odb_write()'s freshen step; outside a batch the
 * next backend (loose objects) takes it. */
static int backend_write(git_odb_backend *backend, const git_oid *id, const void *data, size_t len,
			 git_object_t type)
{
	archive_pw *pw = (archive_pw *)backend;
	struct put_how how = { .from_odb = 1 };
	int rc = put(pw, id, data, len, type, &how);

	if (rc == 1)
		return GIT_PASSTHROUGH;
	if (rc < 0) {
		git_error_set_str(GIT_ERROR_ODB, rl_error_last());
		return GIT_ERROR;
	}
	return 0;
}

/* --- the batch ---------------------------------------------------------- */

static void backend_free(git_odb_backend *backend)
{
	archive_pw *pw = (archive_pw *)backend;

	archive_pw_abort(pw);
	reset(pw);
	pthread_mutex_destroy(&pw->lock);
	free(pw->dir);
	free(pw);
}

int archive_pw_new(archive_pw **out, const char *pack_dir)
{
	archive_pw *pw = calloc(1, sizeof(*pw));

	*out = NULL;
	if (pw == NULL || (pw->dir = strdup(pack_dir)) == NULL) {
		free(pw);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	git_odb_init_backend(&pw->parent, GIT_ODB_BACKEND_VERSION);
	pthread_mutex_init(&pw->lock, NULL);
	pw->fd = -1;
	pw->off32_limit = PW_OFF32_LIMIT;
	cache_clear(pw);
	pw_backend_init(pw);
	pw->parent.write = backend_write;
	pw->parent.free = backend_free;
	*out = pw;
	return 0;
}

int archive_pw_begin(archive_pw *pw)
{
	int rc = 0;

	pthread_mutex_lock(&pw->lock);
	if (pw->open) {
		rc = rl_error_set(RL_EINVAL, "a pack is already being written");
	} else {
		reset(pw); /* the last batch's pack is read by libgit2 from now on */
		pw->open = 1;
	}
	pthread_mutex_unlock(&pw->lock);
	return rc;
}

uint64_t archive_pw_bytes(archive_pw *pw)
{
	uint64_t n;
	pthread_mutex_lock(&pw->lock);
	n = pw->open ? pw->pos : 0;
	pthread_mutex_unlock(&pw->lock);
	return n;
}

void archive_pw_release(archive_pw *pw)
{
	pthread_mutex_lock(&pw->lock);
	if (!pw->open)
		reset(pw);
	pthread_mutex_unlock(&pw->lock);
}

void archive_pw_abort(archive_pw *pw)
{
	pthread_mutex_lock(&pw->lock);
	if (pw->tmp_path)
		unlink(pw->tmp_path);
	/* A finished pack still served is not a batch to drop. */
	if (!pw->kept)
		reset(pw);
	pthread_mutex_unlock(&pw->lock);
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Trailer, .idx, fsyncs, renames (pack first, idx last: a reader finds no
 * index without its pack), the directory fsynced.  The pack's sum is read
 * back on a thread of its own while the index is written (but for the
 * sum). */
static int finish_locked(char name[GIT_OID_HEXSZ + 1], archive_pw *pw)
{
	unsigned char count[4], sha[20];
	char *idx_tmp = NULL, *pack_path = NULL, *idx_path = NULL;
	struct pw_idx *idx = NULL;
	struct pw_sum sum;
	int rc, sum_rc, idx_fd = -1;
	uint32_t crc = 0;
	git_oid pack_id;

	if ((rc = flush_buf(pw)) < 0)
		goto done;
	put_be32(count, (uint32_t)pw->n);
	if (pwrite(pw->fd, count, 4, 8) != 4) {
		rc = rl_error_set_errno(RL_EIO, "cannot write '%s'", pw->tmp_path);
		goto done;
	}
	pw_sum_start(&sum, pw->fd, pw->pos, pw->wbuf, WBUF_SIZE, pw->tmp_path);
	if (asprintf(&idx_tmp, "%s/pack_git2_rl_XXXXXX", pw->dir) < 0) {
		idx_tmp = NULL;
		rc = rl_error_set(RL_ENOMEM, "out of memory");
	} else if ((idx_fd = mkstemp(idx_tmp)) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot create an index in '%s'", pw->dir);
	} else {
		rc = pw_idx_begin(&idx, idx_fd, pw->e, pw->n, pw->off32_limit);
	}
	/* the thread reads the file and the buffer: joined whatever happened */
	sum_rc = pw_sum_finish(sha, &sum);
	if (rc < 0 || (rc = sum_rc) < 0 || (rc = append(pw, sha, 20, &crc)) < 0 ||
	    (rc = flush_buf(pw)) < 0)
		goto done;
	if (fchmod(pw->fd, 0444) < 0 || fsync(pw->fd) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot sync '%s'", pw->tmp_path);
		goto done;
	}
	git_oid_fromraw(&pack_id, sha);
	git_oid_tostr(name, GIT_OID_HEXSZ + 1, &pack_id);
	if (asprintf(&pack_path, "%s/pack-%s.pack", pw->dir, name) < 0 ||
	    asprintf(&idx_path, "%s/pack-%s.idx", pw->dir, name) < 0) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	rc = pw_idx_end(idx, sha);
	idx = NULL;
	if (rc < 0)
		goto done;
	if (fchmod(idx_fd, 0444) < 0 || fsync(idx_fd) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot sync '%s'", idx_tmp);
		goto done;
	}
	if (rename(pw->tmp_path, pack_path) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot rename '%s'", pw->tmp_path);
		goto done;
	}
	if (rename(idx_tmp, idx_path) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot rename '%s'", idx_tmp);
		unlink(pack_path);
		goto done;
	}
	free(idx_tmp);
	idx_tmp = NULL;
	rc = rl_file_sync_dir(pw->dir);
done:
	pw_idx_free(idx);
	if (idx_fd >= 0)
		close(idx_fd);
	if (idx_tmp)
		unlink(idx_tmp);
	free(idx_tmp);
	free(pack_path);
	free(idx_path);
	return rc;
}

int archive_pw_finish(char name[GIT_OID_HEXSZ + 1], archive_pw *pw)
{
	int rc = 0;

	name[0] = '\0';
	pthread_mutex_lock(&pw->lock);
	if (pw->failed)
		rc = rl_error_set(RL_EIO, "cannot finish a pack in '%s': a write to it failed", pw->dir);
	else if (pw->open && pw->fd >= 0 && (rc = finish_locked(name, pw)) < 0)
		name[0] = '\0';
	/* On failure the temporary pack goes; on success it was renamed. */
	if (rc < 0 && pw->tmp_path)
		unlink(pw->tmp_path);
	if (rc == 0 && name[0])
		keep(pw);
	else
		reset(pw);
	pthread_mutex_unlock(&pw->lock);
	return rc;
}
