/*
 * archive_concat_index.c - the indexes of a concatenating roll-up
 * (archive_concat.c): buffered reading and writing, the rolled packs'
 * indexes read in id order through a k-way merge (to find the copies of an
 * object, then to write the merged index), and the .idx v2 itself.
 */
#include "archive_concat_internal.h"
#include "archive_internal.h"
#include "packwrite_internal.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>



int concat_read_full(int fd, void *dst, size_t len, uint64_t at)
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

int concat_write_full(int fd, const void *src, size_t len, uint64_t at)
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

int concat_reader_init(struct reader *r, int fd, uint64_t at, size_t cap)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->at = at;
	r->cap = cap;
	return (r->buf = malloc(cap)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

/* The next `len` (<= cap) bytes, lent until the next call. */
int concat_reader_get(const unsigned char **out, struct reader *r, size_t len)
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

int concat_writer_flush(struct writer *w)
{
	if (w->len > 0 && concat_write_full(w->fd, w->buf, w->len, w->at) < 0)
		return -1;
	w->at += w->len;
	w->len = 0;
	return 0;
}

int concat_writer_put(struct writer *w, const void *p, size_t len)
{
	if (w->sha)
		EVP_DigestUpdate(w->sha, p, len);
	if (w->len + len > w->cap) {
		if (concat_writer_flush(w) < 0)
			return -1;
		if (len > w->cap) {
			if (concat_write_full(w->fd, p, len, w->at) < 0)
				return -1;
			w->at += len;
			return 0;
		}
	}
	memcpy(w->buf + w->len, p, len);
	w->len += len;
	return 0;
}

int concat_writer_init(struct writer *w, int fd, uint64_t at, size_t cap)
{
	w->fd = fd;
	w->at = at;
	w->len = 0;
	w->cap = cap;
	return (w->buf = malloc(cap)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}


/* Opens `<dir>/<name>.idx` and checks its shape against its pack's size;
 * NOT_CONCATENABLE for an index other than version 2. */
int concat_source_open(struct source *s, const char *dir, const char *name)
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
	if (s->idx_size < IDX_HEADER + 40 || concat_read_full(s->idx_fd, head, IDX_HEADER, 0) < 0)
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
	if ((rc = concat_reader_init(&s->names, s->idx_fd, IDX_HEADER, READ_BUF)) < 0 ||
	    (rc = concat_reader_init(&s->crcs, s->idx_fd, IDX_HEADER + 20 * (uint64_t)s->n, READ_BUF)) < 0)
		return rc;
	return concat_reader_init(&s->offsets, s->idx_fd, IDX_HEADER + 24 * (uint64_t)s->n, READ_BUF);
}

/* Reads the source's next id; 0 when it had one, 1 when none is left. */
static int source_advance(struct source *s)
{
	const unsigned char *p;

	if (s->next >= s->n)
		return 1;
	if (concat_reader_get(&p, &s->names, 20) < 0)
		return rl_error_set(RL_EPARSE, "a pack index is truncated");
	if (s->next > 0 && memcmp(s->id, p, 20) > 0)
		return rl_error_set(RL_EPARSE, "a pack index is not sorted");
	memcpy(s->id, p, 20);
	s->next++;
	return 0;
}

/* The offset of the 31-bit table's value `o` (resolved through the 64-bit
 * table), checked to lie inside the pack. */
int concat_resolve_offset(uint64_t *out, const struct source *s, uint32_t o)
{
	unsigned char large[8];

	if (o & 0x80000000u) {
		uint64_t at = s->large_at + 8 * (uint64_t)(o & 0x7fffffffu);
		if (at + 8 > s->idx_size - 40 || concat_read_full(s->idx_fd, large, 8, at) < 0)
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
static int concat_heap_start(struct source **heap, size_t *h, struct source *src, size_t n)
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
static int concat_heap_next(struct source **heap, size_t *h)
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
int concat_find_copies(uint32_t fanout[256], uint64_t *total, struct source **heap, struct source *src,
		       size_t n)
{
	unsigned char last[20];
	size_t h;
	int rc, have_last = 0;

	*total = 0;
	if ((rc = concat_heap_start(heap, &h, src, n)) < 0)
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
		if ((rc = concat_heap_next(heap, &h)) < 0)
			return rc;
	}
	for (int i = 1; i < 256; i++)
		fanout[i] += fanout[i - 1];
	return 0;
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
	if (concat_reader_get(&p, &s->crcs, 4) < 0)
		return rl_error_set(RL_EPARSE, "a pack index is truncated");
	*crc = be32(p);
	if (concat_reader_get(&p, &s->offsets, 4) < 0)
		return rl_error_set(RL_EPARSE, "a pack index is truncated");
	if ((rc = concat_resolve_offset(offset, s, be32(p))) < 0)
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
		if ((rc = concat_writer_init(&w[i], fd, IDX_HEADER + (i == 0 ? 0 : (16 + 4 * (uint64_t)i) * total),
				      WRITE_BUF)) < 0)
			goto done;
	if ((rc = concat_heap_start(heap, &h, src, n)) < 0)
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
			if (concat_writer_put(&w[0], s->id, 20) < 0 || concat_writer_put(&w[1], b, 4) < 0)
				goto failed;
			if (off > off32_limit) {
				put_be32(b, 0x80000000u | n_large++);
				put_be32(o64, (uint32_t)(off >> 32));
				put_be32(o64 + 4, (uint32_t)off);
				if (concat_writer_put(&w[3], o64, 8) < 0)
					goto failed;
			} else {
				put_be32(b, (uint32_t)off);
			}
			if (concat_writer_put(&w[2], b, 4) < 0)
				goto failed;
		} else if (!s->new_offset) {
			rc = rl_error_set(RL_ERROR, "a dropped copy in a pack copied whole");
			goto done;
		}
		if ((rc = concat_heap_next(heap, &h)) < 0)
			goto done;
	}
	for (int i = 0; i < 4; i++)
		if (concat_writer_flush(&w[i]) < 0)
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
int concat_write_index(int fd, struct source **heap, struct source *src, size_t n, const uint32_t fanout[256],
		       uint64_t total, const unsigned char pack_sha[20], uint64_t off32_limit)
{
	unsigned char head[IDX_HEADER] = { 0xff, 't', 'O', 'c', 0, 0, 0, 2 }, sha[20];
	unsigned char *buf = NULL;
	uint64_t end = 0;
	int rc;

	for (int i = 0; i < 256; i++)
		put_be32(head + 8 + 4 * i, fanout[i]);
	if (concat_write_full(fd, head, IDX_HEADER, 0) < 0)
		return rl_error_set_errno(RL_EIO, "cannot write a pack index");
	if ((rc = merge_indexes(&end, fd, heap, src, n, total, off32_limit)) != 0)
		return rc;
	if (concat_write_full(fd, pack_sha, 20, end) < 0)
		return rl_error_set_errno(RL_EIO, "cannot write a pack index");
	end += 20;
	if ((buf = malloc(PACK_BUF)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((rc = pw_sum_file(sha, fd, end, buf, PACK_BUF, "pack index of the roll-up")) == 0 &&
	    concat_write_full(fd, sha, 20, end) < 0)
		rc = rl_error_set_errno(RL_EIO, "cannot write a pack index");
	free(buf);
	return rc;
}
