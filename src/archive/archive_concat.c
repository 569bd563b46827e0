/*
 * archive_concat.c - rolling packs up by concatenation.
 *
 * A roll-up through libgit2's packbuilder inflates every object of the
 * rolled packs and searches deltas for all of them again: on bench/scale's
 * archive at 70,000 stories the first roll-up of 66 packs ran for over 40
 * minutes at 780 MB of memory, in the middle of an ingest.  The objects are
 * already compressed and deltified as well as their batch could do it, and
 * every pack we keep is self-contained (a delta's base is in its own pack),
 * so the rolled packs' entries can be copied as they are:
 *   - the new pack is the packs' entries one pack after the other, between
 *     a new header (the summed count) and a new trailer.  An OFS_DELTA names
 *     its base by the distance back from itself, which copying a pack's
 *     entries in one piece keeps; a REF_DELTA names it by id;
 *   - its .idx (version 2) is the k-way merge of the packs' indexes: each
 *     id with its crc32 (of the entry's bytes, unchanged) and its offset
 *     moved by where its pack landed.
 * An object can be in more than one of the packs: a batch writes an
 * object again when an older pack holds it already (a story back to an
 * earlier text, a folder back to an earlier listing), and a crash between
 * a roll-up's write and its removals leaves every object twice.  Each id
 * is kept once, its copy in the largest pack holding it: the packs with
 * copies to drop (small ones) are copied entry by entry, an OFS_DELTA's
 * distance rewritten for the entries dropped before it, and a delta whose
 * base was dropped made a REF_DELTA naming the copy kept (always in a
 * larger pack, so no chain can loop).  The largest pack, copied whole, is
 * never one of them.
 * Nothing is inflated or deltified again: the cost is reading and writing
 * the bytes once and SHA-1 over them.  Memory is a few buffers per rolled
 * pack, a bit per object, and 24 bytes per object of a pack with copies
 * to drop.  Each rolled pack's own trailer is checked on the way (a damaged
 * pack stops the roll-up; nothing is removed).  An index or a pack other
 * than version 2 is left to the packbuilder (return 1).
 */
#include "archive_internal.h"
#include "redline/deflater.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define IDX_HEADER (8 + 256 * 4)
#define READ_BUF (8u << 10)
#define PACK_BUF (1u << 20)
#define WRITE_BUF (64u << 10)
#define NOT_CONCATENABLE 1
#define OBJ_OFS_DELTA 6
#define OBJ_REF_DELTA 7
/* an entry's header: type and size (at most 10 bytes for 64 bits), then
 * an OFS_DELTA's distance (at most 10) */
#define ENTRY_HEAD_MAX 20

/* Buffered reading of a file from `at` on, in order. */
struct reader {
	int fd;
	uint64_t at; /* file offset of buf[len] */
	size_t pos, len, cap;
	unsigned char *buf;
};

struct source {
	int idx_fd;
	uint32_t n, next;        /* objects; how many ids were read */
	uint64_t idx_size, pack_size;
	uint64_t shift;          /* copied whole: new offset - old offset */
	uint64_t large_at;       /* its table of 64-bit offsets */
	unsigned char id[20];    /* the id last read */
	struct reader names, crcs, offsets;
	/* a pack with copies to drop (NULL otherwise), by index position: */
	uint8_t *dropped;        /* a bit each */
	uint64_t *new_offset;
	uint32_t *new_crc;
};

/* Buffered writing at a known place (with the SHA-1 of what goes through,
 * for the pack). */
struct writer {
	int fd;
	uint64_t at;
	size_t len, cap;
	unsigned char *buf;
	EVP_MD_CTX *sha; /* NULL: not hashed */
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static int read_full(int fd, void *dst, size_t len, uint64_t at)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)dst + done, len - done, (off_t)(at + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	return 0;
}

static int write_full(int fd, const void *src, size_t len, uint64_t at)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = pwrite(fd, (const char *)src + done, len - done, (off_t)(at + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

static int reader_init(struct reader *r, int fd, uint64_t at, size_t cap)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->at = at;
	r->cap = cap;
	return (r->buf = malloc(cap)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

/* The next `len` (<= cap) bytes, lent until the next call. */
static int reader_get(const unsigned char **out, struct reader *r, size_t len)
{
	if (r->len - r->pos < len) {
		size_t keep = r->len - r->pos;
		ssize_t got;

		memmove(r->buf, r->buf + r->pos, keep);
		r->pos = 0;
		r->len = keep;
		while (r->len < len) {
			got = pread(r->fd, r->buf + r->len, r->cap - r->len, (off_t)r->at);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return -1;
			r->at += (uint64_t)got;
			r->len += (size_t)got;
		}
	}
	*out = r->buf + r->pos;
	r->pos += len;
	return 0;
}

static int writer_flush(struct writer *w)
{
	if (w->len > 0 && write_full(w->fd, w->buf, w->len, w->at) < 0)
		return -1;
	w->at += w->len;
	w->len = 0;
	return 0;
}

static int writer_put(struct writer *w, const void *p, size_t len)
{
	if (w->sha)
		EVP_DigestUpdate(w->sha, p, len);
	if (w->len + len > w->cap) {
		if (writer_flush(w) < 0)
			return -1;
		if (len > w->cap) {
			if (write_full(w->fd, p, len, w->at) < 0)
				return -1;
			w->at += len;
			return 0;
		}
	}
	memcpy(w->buf + w->len, p, len);
	w->len += len;
	return 0;
}

static int writer_init(struct writer *w, int fd, uint64_t at, size_t cap)
{
	w->fd = fd;
	w->at = at;
	w->len = 0;
	w->cap = cap;
	return (w->buf = malloc(cap)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

static int is_dropped(const struct source *s, uint32_t pos)
{
	return s->dropped && (s->dropped[pos / 8] >> (pos % 8) & 1);
}

/* Opens `<dir>/<name>.idx` and checks its shape against its pack's size;
 * NOT_CONCATENABLE for an index other than version 2. */
static int source_open(struct source *s, const char *dir, const char *name)
{
	static const unsigned char magic[8] = { 0xff, 't', 'O', 'c', 0, 0, 0, 2 };
	unsigned char head[IDX_HEADER];
	char path[4200];
	struct stat st;
	uint64_t large_bytes;

	snprintf(path, sizeof(path), "%s/%s.idx", dir, name);
	if ((s->idx_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(s->idx_fd, &st) < 0)
		return rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
	s->idx_size = (uint64_t)st.st_size;
	if (s->idx_size < IDX_HEADER + 40 || read_full(s->idx_fd, head, IDX_HEADER, 0) < 0)
		return rl_error_set(RL_EPARSE, "'%s' is truncated", path);
	if (memcmp(head, magic, 8) != 0)
		return NOT_CONCATENABLE;
	s->n = be32(head + 8 + 4 * 255);
	if (s->idx_size < IDX_HEADER + 28 * (uint64_t)s->n + 40 ||
	    (large_bytes = s->idx_size - IDX_HEADER - 28 * (uint64_t)s->n - 40) % 8 != 0)
		return rl_error_set(RL_EPARSE, "'%s' does not hold %u objects", path, s->n);
	s->large_at = IDX_HEADER + 28 * (uint64_t)s->n;
	snprintf(path, sizeof(path), "%s/%s.pack", dir, name);
	if (stat(path, &st) < 0)
		return rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
	s->pack_size = (uint64_t)st.st_size;
	if (s->pack_size < 32)
		return rl_error_set(RL_EPARSE, "'%s' is truncated", path);
	return 0;
}

/* Starts reading the source's ids (again) from the first. */
static int source_rewind(struct source *s)
{
	int rc;

	s->next = 0;
	if ((rc = reader_init(&s->names, s->idx_fd, IDX_HEADER, READ_BUF)) < 0 ||
	    (rc = reader_init(&s->crcs, s->idx_fd, IDX_HEADER + 20 * (uint64_t)s->n, READ_BUF)) < 0)
		return rc;
	return reader_init(&s->offsets, s->idx_fd, IDX_HEADER + 24 * (uint64_t)s->n, READ_BUF);
}

/* Reads the source's next id; 0 when it had one, 1 when none is left. */
static int source_advance(struct source *s)
{
	const unsigned char *p;

	if (s->next >= s->n)
		return 1;
	if (reader_get(&p, &s->names, 20) < 0)
		return rl_error_set(RL_EPARSE, "a pack index is truncated");
	if (s->next > 0 && memcmp(s->id, p, 20) > 0)
		return rl_error_set(RL_EPARSE, "a pack index is not sorted");
	memcpy(s->id, p, 20);
	s->next++;
	return 0;
}

/* The offset of the 31-bit table's value `o` (resolved through the 64-bit
 * table), checked to lie inside the pack. */
static int resolve_offset(uint64_t *out, const struct source *s, uint32_t o)
{
	unsigned char large[8];

	if (o & 0x80000000u) {
		uint64_t at = s->large_at + 8 * (uint64_t)(o & 0x7fffffffu);
		if (at + 8 > s->idx_size - 40 || read_full(s->idx_fd, large, 8, at) < 0)
			return rl_error_set(RL_EPARSE, "a pack index names a 64-bit offset it lacks");
		*out = (uint64_t)be32(large) << 32 | be32(large + 4);
	} else {
		*out = o;
	}
	if (*out < 12 || *out >= s->pack_size - 20)
		return rl_error_set(RL_EPARSE, "a pack index points outside its pack");
	return 0;
}

/* ---- a min-heap of sources by their current id ----------------------- */

/* Equal ids: the larger pack (later in the list) first, its copy kept. */
static int id_before(const struct source *a, const struct source *b)
{
	int c = memcmp(a->id, b->id, 20);
	return c < 0 || (c == 0 && a > b);
}

static void heap_down(struct source **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct source *t;
		if (l < n && id_before(h[l], h[m]))
			m = l;
		if (l + 1 < n && id_before(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* A heap of every source with an id left, each rewound to its first. */
static int heap_start(struct source **heap, size_t *h, struct source *src, size_t n)
{
	int rc;

	*h = 0;
	for (size_t i = 0; i < n; i++) {
		if ((rc = source_rewind(&src[i])) < 0 || (rc = source_advance(&src[i])) < 0)
			return rc;
		if (rc == 0)
			heap[(*h)++] = &src[i];
	}
	for (size_t i = *h / 2; i-- > 0;)
		heap_down(heap, *h, i);
	return 0;
}

/* Moves the heap past its top's id. */
static int heap_next(struct source **heap, size_t *h)
{
	int rc = source_advance(heap[0]);

	if (rc < 0)
		return rc;
	if (rc == 1)
		heap[0] = heap[--*h];
	heap_down(heap, *h, 0);
	return 0;
}

/* Marks every copy but the first of each id as dropped; `fanout` and
 * `*total` count the ids kept. */
static int find_copies(uint32_t fanout[256], uint64_t *total, struct source **heap, struct source *src,
		       size_t n)
{
	unsigned char last[20];
	size_t h;
	int rc, have_last = 0;

	*total = 0;
	if ((rc = heap_start(heap, &h, src, n)) < 0)
		return rc;
	while (h > 0) {
		struct source *s = heap[0];
		uint32_t pos = s->next - 1;

		if (have_last && memcmp(last, s->id, 20) == 0) {
			if (s->dropped == NULL && (s->dropped = calloc(s->n / 8 + 1, 1)) == NULL)
				return rl_error_set(RL_ENOMEM, "out of memory");
			s->dropped[pos / 8] |= (uint8_t)(1u << (pos % 8));
		} else {
			memcpy(last, s->id, 20);
			have_last = 1;
			fanout[s->id[0]]++;
			(*total)++;
		}
		if ((rc = heap_next(heap, &h)) < 0)
			return rc;
	}
	for (int i = 1; i < 256; i++)
		fanout[i] += fanout[i - 1];
	return 0;
}

/* ---- the pack ----------------------------------------------------- */

/* Opens pack `name` and checks its header against its index; the header
 * goes into `check`, the pack's own SHA-1 being recomputed. */
static int pack_open(int *fd, char path[4200], EVP_MD_CTX *check, const char *dir, const char *name,
		     const struct source *s)
{
	unsigned char head[12];

	snprintf(path, 4200, "%s/%s.pack", dir, name);
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
	if (read_full(*fd, head, 12, 0) < 0)
		return rl_error_set(RL_EPARSE, "'%s' is truncated", path);
	if (memcmp(head, "PACK", 4) != 0 || be32(head + 8) != s->n)
		return rl_error_set(RL_EPARSE, "'%s' does not match its index", path);
	if (be32(head + 4) != 2)
		return NOT_CONCATENABLE;
	if (EVP_DigestInit_ex(check, EVP_sha1(), NULL) != 1)
		return rl_error_set(RL_ENOMEM, "out of memory");
	EVP_DigestUpdate(check, head, 12);
	return 0;
}

static int pack_check(int fd, EVP_MD_CTX *check, const char *path, uint64_t end)
{
	unsigned char trailer[20], own[20];

	if (read_full(fd, trailer, 20, end) < 0)
		return rl_error_set(RL_EPARSE, "'%s' is truncated", path);
	if (EVP_DigestFinal_ex(check, own, NULL) != 1 || memcmp(own, trailer, 20) != 0)
		return rl_error_set(RL_EPARSE, "'%s' is damaged: its checksum does not match", path);
	return 0;
}

/* Appends the entries of a pack with nothing to drop, in one piece. */
static int copy_whole(struct writer *out, EVP_MD_CTX *check, unsigned char *buf, const char *dir,
		      const char *name, struct source *s)
{
	char path[4200];
	uint64_t off = 12, end = s->pack_size - 20;
	int fd = -1, rc;

	if ((rc = pack_open(&fd, path, check, dir, name, s)) != 0)
		goto done;
	s->shift = out->at + out->len - 12;
	while (off < end) {
		size_t k = end - off < PACK_BUF ? (size_t)(end - off) : PACK_BUF;
		if (read_full(fd, buf, k, off) < 0) {
			rc = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
			goto done;
		}
		EVP_DigestUpdate(check, buf, k);
		if (writer_put(out, buf, k) < 0) {
			rc = rl_error_set_errno(RL_EIO, "cannot write a pack in '%s'", dir);
			goto done;
		}
		off += k;
	}
	rc = pack_check(fd, check, path, end);
done:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The source's offsets by index position, and its positions by offset. */
static const uint64_t *sort_offsets;
static int cmp_by_offset(const void *a, const void *b)
{
	uint64_t x = sort_offsets[*(const uint32_t *)a], y = sort_offsets[*(const uint32_t *)b];
	return (x > y) - (x < y);
}

static int entry_layout(uint64_t **offsets, uint32_t **order, struct source *s)
{
	const unsigned char *p;
	struct reader r = { 0 };
	int rc;

	*offsets = malloc((s->n ? s->n : 1) * sizeof(**offsets));
	*order = malloc((s->n ? s->n : 1) * sizeof(**order));
	if (*offsets == NULL || *order == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((rc = reader_init(&r, s->idx_fd, IDX_HEADER + 24 * (uint64_t)s->n, READ_BUF)) < 0)
		return rc;
	for (uint32_t i = 0; i < s->n && rc == 0; i++) {
		if (reader_get(&p, &r, 4) < 0)
			rc = rl_error_set(RL_EPARSE, "a pack index is truncated");
		else
			rc = resolve_offset(&(*offsets)[i], s, be32(p));
		(*order)[i] = i;
	}
	free(r.buf);
	if (rc < 0)
		return rc;
	/* qsort has no argument for it: one roll-up at a time per process
	 * (callers hold the archive's writer lock). */
	sort_offsets = *offsets;
	qsort(*order, s->n, sizeof(**order), cmp_by_offset);
	for (uint32_t k = 0; k < s->n; k++)
		if ((k == 0 && (*offsets)[(*order)[0]] != 12) ||
		    (k > 0 && (*offsets)[(*order)[k]] <= (*offsets)[(*order)[k - 1]]))
			return rl_error_set(RL_EPARSE, "a pack index does not describe its pack");
	return 0;
}

/* The index position of the entry at `offset`, or UINT32_MAX. */
static uint32_t position_at(const uint64_t *offsets, const uint32_t *order, uint32_t n, uint64_t offset)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (offsets[order[mid]] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && offsets[order[lo]] == offset ? order[lo] : UINT32_MAX;
}

/* The length of an entry's type-and-size header in `h` (`len` bytes
 * available), or 0 when it does not end there. */
static size_t size_header_len(const unsigned char *h, size_t len)
{
	for (size_t i = 0; i < len && i < 10; i++)
		if (!(h[i] & 0x80))
			return i + 1;
	return 0;
}

/* Writes an entry's new header: its own type-and-size bytes, then for an
 * OFS_DELTA the new distance to its base, or for one whose base copy was
 * dropped, the type made REF_DELTA and the kept copy's id. */
static int rewrite_header(struct writer *out, uint32_t *crc, const unsigned char *h, size_t size_len,
			  uint64_t distance, const unsigned char *base_id)
{
	unsigned char head[ENTRY_HEAD_MAX + 20], ofs[10];
	size_t n = 0, k = sizeof(ofs) - 1;

	memcpy(head, h, size_len);
	n = size_len;
	if (base_id) {
		head[0] = (unsigned char)((head[0] & 0x8f) | OBJ_REF_DELTA << 4);
		memcpy(head + n, base_id, 20);
		n += 20;
	} else {
		/* git's encoding: big-endian 7-bit groups, each but the last
		 * one less than its value */
		ofs[k] = distance & 127;
		while (distance >>= 7)
			ofs[--k] = (unsigned char)(128 | (--distance & 127));
		memcpy(head + n, ofs + k, sizeof(ofs) - k);
		n += sizeof(ofs) - k;
	}
	*crc = rl_deflater_crc32(*crc, head, n);
	return writer_put(out, head, n);
}

/* Appends the entries of a pack with copies to drop, one by one. */
static int copy_entries(struct writer *out, EVP_MD_CTX *check, const char *dir, const char *name,
			struct source *s)
{
	char path[4200];
	uint64_t *offsets = NULL, end = s->pack_size - 20;
	uint32_t *order = NULL;
	struct reader in = { 0 };
	int fd = -1, rc;

	if ((rc = pack_open(&fd, path, check, dir, name, s)) != 0 ||
	    (rc = entry_layout(&offsets, &order, s)) < 0 || (rc = reader_init(&in, fd, 12, PACK_BUF)) < 0)
		goto done;
	s->new_offset = calloc(s->n ? s->n : 1, sizeof(*s->new_offset));
	s->new_crc = calloc(s->n ? s->n : 1, sizeof(*s->new_crc));
	if (s->new_offset == NULL || s->new_crc == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (uint32_t k = 0; k < s->n; k++) {
		uint32_t pos = order[k], crc = 0;
		uint64_t at = offsets[pos], left = (k + 1 < s->n ? offsets[order[k + 1]] : end) - at;
		const unsigned char *h;
		size_t size_len, head_len = left < ENTRY_HEAD_MAX ? (size_t)left : ENTRY_HEAD_MAX;
		int rewritten = 0;

		if (reader_get(&h, &in, head_len) < 0 || (size_len = size_header_len(h, head_len)) == 0) {
			rc = rl_error_set(RL_EPARSE, "'%s': a damaged entry at %llu", path, (unsigned long long)at);
			goto done;
		}
		EVP_DigestUpdate(check, h, head_len);
		left -= head_len;
		if (!is_dropped(s, pos)) {
			s->new_offset[pos] = out->at + out->len;
			if ((h[0] >> 4 & 7) == OBJ_OFS_DELTA) {
				uint64_t distance = 0;
				size_t i = size_len;
				uint32_t base;
				unsigned char base_id[20];

				do {
					if (i >= head_len || i - size_len >= 9) {
						rc = rl_error_set(RL_EPARSE, "'%s': a damaged delta at %llu", path,
								  (unsigned long long)at);
						goto done;
					}
					distance = i > size_len ? (distance + 1) << 7 | (h[i] & 127) : (h[i] & 127);
				} while (h[i++] & 128);
				if (distance == 0 || distance > at - 12 ||
				    (base = position_at(offsets, order, s->n, at - distance)) == UINT32_MAX) {
					rc = rl_error_set(RL_EPARSE, "'%s': a delta at %llu has no base", path,
							  (unsigned long long)at);
					goto done;
				}
				if (is_dropped(s, base) && read_full(s->idx_fd, base_id, 20, IDX_HEADER + 20 * (uint64_t)base) < 0) {
					rc = rl_error_set(RL_EPARSE, "a pack index is truncated");
					goto done;
				}
				if (rewrite_header(out, &crc, h, size_len, s->new_offset[pos] - s->new_offset[base],
						   is_dropped(s, base) ? base_id : NULL) < 0 ||
				    writer_put(out, h + i, head_len - i) < 0)
					goto failed;
				crc = rl_deflater_crc32(crc, h + i, head_len - i);
				rewritten = 1;
			}
			if (!rewritten) {
				crc = rl_deflater_crc32(crc, h, head_len);
				if (writer_put(out, h, head_len) < 0)
					goto failed;
			}
		}
		while (left > 0) {
			size_t take = left < PACK_BUF / 2 ? (size_t)left : PACK_BUF / 2;
			const unsigned char *p;

			if (reader_get(&p, &in, take) < 0) {
				rc = rl_error_set(RL_EPARSE, "'%s' is truncated", path);
				goto done;
			}
			EVP_DigestUpdate(check, p, take);
			if (!is_dropped(s, pos)) {
				crc = rl_deflater_crc32(crc, p, take);
				if (writer_put(out, p, take) < 0)
					goto failed;
			}
			left -= take;
		}
		s->new_crc[pos] = crc;
	}
	rc = pack_check(fd, check, path, end);
	goto done;
failed:
	rc = rl_error_set_errno(RL_EIO, "cannot write a pack in '%s'", dir);
done:
	free(in.buf);
	free(offsets);
	free(order);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int write_pack(unsigned char pack_sha[20], int fd, const char *dir, const char *const *names,
		      struct source *src, size_t n, uint64_t total)
{
	EVP_MD_CTX *check = EVP_MD_CTX_new();
	struct writer out = { 0 };
	unsigned char head[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 }, *buf = malloc(PACK_BUF);
	int rc = 0;

	if (check == NULL || buf == NULL || (out.sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(out.sha, EVP_sha1(), NULL) != 1) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = writer_init(&out, fd, 0, PACK_BUF)) < 0)
		goto done;
	put_be32(head + 8, (uint32_t)total);
	if (writer_put(&out, head, 12) < 0)
		goto failed;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = src[i].dropped ? copy_entries(&out, check, dir, names[i], &src[i])
				    : copy_whole(&out, check, buf, dir, names[i], &src[i]);
	if (rc != 0)
		goto done;
	if (EVP_DigestFinal_ex(out.sha, pack_sha, NULL) != 1)
		goto failed;
	EVP_MD_CTX_free(out.sha);
	out.sha = NULL;
	if (writer_put(&out, pack_sha, 20) < 0 || writer_flush(&out) < 0)
		goto failed;
	goto done;
failed:
	rc = rl_error_set_errno(RL_EIO, "cannot write a pack in '%s'", dir);
done:
	EVP_MD_CTX_free(check);
	EVP_MD_CTX_free(out.sha);
	free(out.buf);
	free(buf);
	return rc;
}

/* ---- the index ---------------------------------------------------- */

/* The new crc32 and offset of the id at the heap's top. */
static int entry_place(uint32_t *crc, uint64_t *offset, struct source *s)
{
	const unsigned char *p;
	uint32_t pos = s->next - 1;
	int rc;

	if (s->new_offset) {
		*crc = s->new_crc[pos];
		*offset = s->new_offset[pos];
		return 0;
	}
	if (reader_get(&p, &s->crcs, 4) < 0)
		return rl_error_set(RL_EPARSE, "a pack index is truncated");
	*crc = be32(p);
	if (reader_get(&p, &s->offsets, 4) < 0)
		return rl_error_set(RL_EPARSE, "a pack index is truncated");
	if ((rc = resolve_offset(offset, s, be32(p))) < 0)
		return rc;
	*offset += s->shift;
	return 0;
}

/* Writes names, crc32s and offsets at their places in one merge; the
 * 64-bit offsets follow.  `*end` gets the file's length so far. */
static int merge_indexes(uint64_t *end, int fd, struct source **heap, struct source *src, size_t n,
			 uint64_t total, uint64_t off32_limit)
{
	struct writer w[4] = { { 0 } }; /* names, crcs, offsets, large */
	uint32_t n_large = 0;
	size_t h;
	int rc;

	for (int i = 0; i < 4; i++)
		if ((rc = writer_init(&w[i], fd, IDX_HEADER + (i == 0 ? 0 : (16 + 4 * (uint64_t)i) * total),
				      WRITE_BUF)) < 0)
			goto done;
	if ((rc = heap_start(heap, &h, src, n)) < 0)
		goto done;
	while (h > 0) {
		struct source *s = heap[0];
		unsigned char b[4], o64[8];
		uint32_t crc = 0;
		uint64_t off = 0;

		if (!is_dropped(s, s->next - 1)) {
			if ((rc = entry_place(&crc, &off, s)) < 0)
				goto done;
			put_be32(b, crc);
			if (writer_put(&w[0], s->id, 20) < 0 || writer_put(&w[1], b, 4) < 0)
				goto failed;
			if (off > off32_limit) {
				put_be32(b, 0x80000000u | n_large++);
				put_be32(o64, (uint32_t)(off >> 32));
				put_be32(o64 + 4, (uint32_t)off);
				if (writer_put(&w[3], o64, 8) < 0)
					goto failed;
			} else {
				put_be32(b, (uint32_t)off);
			}
			if (writer_put(&w[2], b, 4) < 0)
				goto failed;
		} else if (!s->new_offset) {
			rc = rl_error_set(RL_ERROR, "a dropped copy in a pack copied whole");
			goto done;
		}
		if ((rc = heap_next(heap, &h)) < 0)
			goto done;
	}
	for (int i = 0; i < 4; i++)
		if (writer_flush(&w[i]) < 0)
			goto failed;
	*end = w[3].at;
	goto done;
failed:
	rc = rl_error_set_errno(RL_EIO, "cannot write a pack index");
done:
	for (int i = 0; i < 4; i++)
		free(w[i].buf);
	return rc;
}

/* Header and fanout, the merged tables, the pack's checksum, and the SHA-1
 * of all of it read back. */
static int write_index(int fd, struct source **heap, struct source *src, size_t n, const uint32_t fanout[256],
		       uint64_t total, const unsigned char pack_sha[20], uint64_t off32_limit)
{
	unsigned char head[IDX_HEADER] = { 0xff, 't', 'O', 'c', 0, 0, 0, 2 }, sha[20];
	unsigned char *buf = NULL;
	EVP_MD_CTX *ctx = NULL;
	uint64_t end = 0, off = 0;
	int rc;

	for (int i = 0; i < 256; i++)
		put_be32(head + 8 + 4 * i, fanout[i]);
	if (write_full(fd, head, IDX_HEADER, 0) < 0)
		return rl_error_set_errno(RL_EIO, "cannot write a pack index");
	if ((rc = merge_indexes(&end, fd, heap, src, n, total, off32_limit)) != 0)
		return rc;
	if (write_full(fd, pack_sha, 20, end) < 0)
		return rl_error_set_errno(RL_EIO, "cannot write a pack index");
	end += 20;
	if ((buf = malloc(PACK_BUF)) == NULL || (ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	while (off < end) {
		size_t k = end - off < PACK_BUF ? (size_t)(end - off) : PACK_BUF;
		if (read_full(fd, buf, k, off) < 0) {
			rc = rl_error_set_errno(RL_EIO, "cannot read a pack index back");
			goto done;
		}
		EVP_DigestUpdate(ctx, buf, k);
		off += k;
	}
	if (EVP_DigestFinal_ex(ctx, sha, NULL) != 1 || write_full(fd, sha, 20, end) < 0)
		rc = rl_error_set_errno(RL_EIO, "cannot write a pack index");
done:
	EVP_MD_CTX_free(ctx);
	free(buf);
	return rc;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0 || fsync(fd) < 0)
		rc = rl_error_set_errno(RL_EIO, "cannot sync '%s'", dir);
	if (fd >= 0)
		close(fd);
	return rc;
}

static void sources_free(struct source *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (src[i].idx_fd >= 0)
			close(src[i].idx_fd);
		free(src[i].names.buf);
		free(src[i].crcs.buf);
		free(src[i].offsets.buf);
		free(src[i].dropped);
		free(src[i].new_offset);
		free(src[i].new_crc);
	}
	free(src);
}

int archive_pack_concat(char name[GIT_OID_HEXSZ + 1], const char *dir, const char *const *names, size_t n,
			uint64_t off32_limit)
{
	struct source *src = calloc(n ? n : 1, sizeof(*src));
	struct source **heap = calloc(n ? n : 1, sizeof(*heap));
	uint32_t fanout[256] = { 0 };
	uint64_t total = 0;
	unsigned char pack_sha[20];
	char pack_tmp[4200], idx_tmp[4200], path[4200];
	int rc = 0, pack_fd = -1, idx_fd = -1;
	git_oid id;

	name[0] = '\0';
	pack_tmp[0] = idx_tmp[0] = '\0';
	if (src == NULL || heap == NULL) {
		free(src);
		free(heap);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		src[i].idx_fd = -1;
	for (size_t i = 0; i < n; i++) {
		if ((rc = source_open(&src[i], dir, names[i])) != 0)
			goto done;
		total += src[i].n;
	}
	if (total > UINT32_MAX) {
		rc = NOT_CONCATENABLE;
		goto done;
	}
	if ((rc = find_copies(fanout, &total, heap, src, n)) < 0)
		goto done;
	/* The temporary files' names are those archive_sweep() removes after
	 * a crash. */
	snprintf(pack_tmp, sizeof(pack_tmp), "%s/pack_git2_rl_XXXXXX", dir);
	snprintf(idx_tmp, sizeof(idx_tmp), "%s/pack_git2_rl_XXXXXX", dir);
	if ((pack_fd = mkostemp(pack_tmp, O_CLOEXEC)) < 0 || (idx_fd = mkostemp(idx_tmp, O_CLOEXEC)) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot create a pack in '%s'", dir);
		goto done;
	}
	if ((rc = write_pack(pack_sha, pack_fd, dir, names, src, n, total)) != 0 ||
	    (rc = write_index(idx_fd, heap, src, n, fanout, total, pack_sha, off32_limit)) != 0)
		goto done;
	if (fchmod(pack_fd, 0444) < 0 || fchmod(idx_fd, 0444) < 0 || fsync(pack_fd) < 0 || fsync(idx_fd) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot sync a pack in '%s'", dir);
		goto done;
	}
	git_oid_fromraw(&id, pack_sha);
	git_oid_tostr(name, GIT_OID_HEXSZ + 1, &id);
	/* The pack first, its index last: a reader never finds an index
	 * without its pack. */
	snprintf(path, sizeof(path), "%s/pack-%s.pack", dir, name);
	if (rename(pack_tmp, path) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot rename '%s'", pack_tmp);
		goto done;
	}
	pack_tmp[0] = '\0';
	snprintf(path, sizeof(path), "%s/pack-%s.idx", dir, name);
	if (rename(idx_tmp, path) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot rename '%s'", idx_tmp);
		goto done;
	}
	idx_tmp[0] = '\0';
	rc = fsync_dir(dir);
done:
	if (pack_fd >= 0)
		close(pack_fd);
	if (idx_fd >= 0)
		close(idx_fd);
	if (pack_tmp[0] && pack_fd >= 0)
		unlink(pack_tmp);
	if (idx_tmp[0] && idx_fd >= 0)
		unlink(idx_tmp);
	sources_free(src, n);
	free(heap);
	if (rc != 0)
		name[0] = '\0';
	return rc;
}
