/*
 * archive_concat_internal.h - shared by archive_concat.c (the new pack)
 * and archive_concat_index.c (reading the rolled packs' indexes, finding
 * copies, writing the merged index).  See archive_concat.c.
 */
#ifndef REDLINE_ARCHIVE_CONCAT_INTERNAL_H
#define REDLINE_ARCHIVE_CONCAT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>
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

static inline uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline int is_dropped(const struct source *s, uint32_t pos)
{
	return s->dropped && (s->dropped[pos / 8] >> (pos % 8) & 1);
}

/** pread/pwrite of exactly `len` bytes at `at`: 0, or -1 (errno set). */
int concat_read_full(int fd, void *dst, size_t len, uint64_t at);
int concat_write_full(int fd, const void *src, size_t len, uint64_t at);

/** A reader of `fd` from `at` on with a buffer of `cap` bytes (frees the
 *  old buffer); RL_ENOMEM. */
int concat_reader_init(struct reader *r, int fd, uint64_t at, size_t cap);
/** The next `len` (<= cap) bytes, lent until the next call; -1 at the end. */
int concat_reader_get(const unsigned char **out, struct reader *r, size_t len);

/** A writer at `at` of `fd` with a buffer of `cap` bytes; RL_ENOMEM. */
int concat_writer_init(struct writer *w, int fd, uint64_t at, size_t cap);
/** Buffers (and hashes, with w->sha) `len` bytes: 0, or -1 (errno set). */
int concat_writer_put(struct writer *w, const void *p, size_t len);
/** Writes what is buffered: 0, or -1 (errno set). */
int concat_writer_flush(struct writer *w);

/** Opens `<dir>/<name>.idx` and checks it against its pack's size; 1 for
 *  an index other than version 2. */
int concat_source_open(struct source *s, const char *dir, const char *name);

/** The offset of the 31-bit table's value `o` (through the 64-bit table),
 *  checked to lie inside the pack; RL_EPARSE. */
int concat_resolve_offset(uint64_t *out, const struct source *s, uint32_t o);

/** Marks every copy but the kept one (the largest pack's) of each id as
 *  dropped; `fanout` and `*total` count the ids kept.  `heap` has room
 *  for `n`. */
int concat_find_copies(uint32_t fanout[256], uint64_t *total, struct source **heap, struct source *src,
		       size_t n);

/** The merged .idx of the new pack into `fd`: header, fanout, tables,
 *  `pack_sha`, its own SHA-1 (after every source's new places are known). */
int concat_write_index(int fd, struct source **heap, struct source *src, size_t n, const uint32_t fanout[256],
		       uint64_t total, const unsigned char pack_sha[20], uint64_t off32_limit);

#endif
