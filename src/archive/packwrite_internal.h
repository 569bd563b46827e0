/*
 * packwrite_internal.h - the batch's streaming pack writer (packwrite.c,
 * packwrite_read.c, packwrite_idx.c), shared with archive_commit.c.
 *
 * The writer is a git_odb_backend put on the archive's odb at the highest
 * priority.  While a batch is open every new object is deflated and
 * appended to one temporary pack under objects/pack (trees whose previous
 * version is in the same pack as an OFS_DELTA against it); only a small
 * record per object stays in memory.  The batch's commit writes the
 * trailer and our own .idx v2, fsyncs both, renames them into place (idx
 * last) and fsyncs the directory: no packbuilder, no indexer pass.  With no
 * batch open the backend is dormant: it passes writes on to the
 * loose-object backend; until the next batch opens it still serves the
 * last batch's finished pack from its file (pread, not libgit2's mmap
 * windows), with its records and cache: what is read right after a commit
 * (the revision index walks every new commit) does not map the whole new
 * pack into the process.
 */
#ifndef REDLINE_PACKWRITE_INTERNAL_H
#define REDLINE_PACKWRITE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include "object_id_internal.h"
#include "redline/deflater.h"
#include "redline/item.h"

/* git's pack.depth default: a reader resolves at most this many deltas. */
#define PW_MAX_DEPTH 50
/* git's default: offsets above this go to the .idx's 64-bit table. */
#define PW_OFF32_LIMIT 0x7fffffffu

/* One object of the pack: ~48 bytes, the only per-object memory. */
struct pw_entry {
	git_oid id;
	uint8_t type;      /* the object's own type (blob, tree, commit, tag) */
	uint8_t depth;     /* 0: whole; else the length of its delta chain */
	uint16_t cslot;    /* its cache slot + 1, or 0 */
	uint32_t crc;      /* crc32 of the packed bytes (header + data) */
	uint64_t offset;   /* where its header starts in the pack */
	uint64_t size;     /* the object's inflated size */
};

/* A recently written tree or commit (the newest version of each tree) or
 * a read object, whole: the trees the next commit builds on are read back
 * at once. */
struct pw_cached {
	uint32_t entry;    /* index into entries, UINT32_MAX: free */
	size_t len;
	unsigned char *data;
};

#define PW_CACHE_SLOTS 1024
#define PW_CACHE_BYTES (4u << 20)

typedef struct archive_pw {
	git_odb_backend parent;
	pthread_mutex_t lock;      /* writes may come outside the odb's lock */
	char *dir;                 /* <gitdir>/objects/pack */
	int open;                  /* a batch is open */
	int kept;                  /* its pack finished, still served (archive_pw_finish) */
	int failed;                /* a write failed midway: the pack is unusable */
	int fd;                    /* the temporary pack, -1 until the first object */
	char *tmp_path;
	uint64_t pos;              /* bytes in the pack, header included */
	uint64_t flushed;          /* bytes already in the file */
	uint64_t sent;             /* bytes of them whose writeback was started */
	unsigned char *wbuf;       /* bytes pos - wlen .. pos not yet written */
	size_t wlen;
	struct pw_entry *e;        /* in write order, hence by offset */
	size_t n, cap;
	uint32_t *slots;           /* open addressing over e, UINT32_MAX: empty */
	size_t nslots;
	struct pw_cached cache[PW_CACHE_SLOTS];
	size_t cache_next, cache_bytes;
	uint64_t off32_limit;      /* PW_OFF32_LIMIT; tests set a small one */
	/* Counters, for tests and docs: */
	uint64_t deltas;           /* trees written as deltas */
	uint64_t written;          /* objects written into batches' packs */
	uint64_t odb_writes;       /* of them, handed over by git_odb_write() */
} archive_pw;

/** A dormant writer for the pack directory `pack_dir`; the odb that it is
 *  added to owns it (its `free`). */
int archive_pw_new(archive_pw **out, const char *pack_dir);

/** Opens a batch: objects written from now on go to a new temporary pack
 *  (created at the first one).  Nothing must be open. */
int archive_pw_begin(archive_pw *pw);

/** Puts object `id` (of `type`, hashed by the caller) into the open
 *  batch's pack unless it is there already: no file system call but the
 *  pack's own writes.  A tree whose previous version `delta_base` (NULL:
 *  none) is in this pack may become a delta against it.  0; 1 when no batch
 *  is open (the caller stores the object elsewhere); <0 on error, after
 *  which the batch cannot commit. */
int archive_pw_put(archive_pw *pw, const git_oid *id, const void *data, size_t len,
		   git_object_t type, const git_oid *delta_base);

/** As archive_pw_put() for a tree of the caller's, who made its delta
 *  `delta` against `base` (archive_treebuf.c; NULL: none worth it) and
 *  keeps its bytes: the delta is used when `base` may be a delta base
 *  here, else the tree goes in whole; no other delta is tried, and the
 *  tree is not put in the writer's cache. */
int archive_pw_put_delta(archive_pw *pw, const git_oid *id, const void *data, size_t len,
			 const git_oid *base, const unsigned char *delta, size_t delta_len);

/** As archive_pw_put() for a blob packed ahead (archive_pw_pack_blob() of
 *  the same `data`): its bytes go into the pack as they are. */
int archive_pw_put_packed(archive_pw *pw, const git_oid *id, const void *data, size_t len,
			  const rl_item_packed *packed);

/** Packs the blob `data` as write_object() would write it - header, then
 *  its zlib stream (redline/deflater.h) - with its id (archive_object_id()
 *  by `origin`) and CRC; touches no writer, so any thread may call it. */
int archive_pw_pack_blob(rl_item_packed *out, const void *data, size_t len,
			 enum archive_origin origin);

/** The object `id` of the open batch's pack, whole, in a malloc'd buffer;
 *  *data NULL when the pack does not hold it (or no batch is open). */
int archive_pw_read(unsigned char **data, size_t *len, git_object_t *type, archive_pw *pw,
		    const git_oid *id);

/** Ends the batch: with objects written, the trailer, the .idx, fsyncs and
 *  the renames into place; `name` gets the pack's hash ("" when nothing was
 *  written).  No batch is open afterwards, success or not; on success the
 *  writer goes on serving the pack's objects until the next batch begins
 *  or archive_pw_release(). */
int archive_pw_finish(char name[GIT_OID_HEXSZ + 1], archive_pw *pw);

/** Drops the open batch, if any: the temporary pack is removed (a
 *  finished pack still served stays). */
void archive_pw_abort(archive_pw *pw);

/** Forgets a finished pack it still serves (before packs are removed);
 *  nothing when a batch is open. */
void archive_pw_release(archive_pw *pw);

/** Bytes of the open batch's pack so far (0 when dormant). */
uint64_t archive_pw_bytes(archive_pw *pw);

/** Whether `id` is in the open batch's pack. */
int archive_pw_has(archive_pw *pw, const git_oid *id);

/* --- shared between the writer's files --------------------------------- */

/* The entry of `id`, or NULL. */
struct pw_entry *pw_find(archive_pw *pw, const git_oid *id);

/* The whole object of entry `i` (from the cache, or read back and its
 * deltas applied) in a malloc'd buffer. */
int pw_load(unsigned char **out, size_t *len, archive_pw *pw, uint32_t i);

/* Keeps a copy of entry `i`'s object in the bounded cache. */
void pw_cache_put(archive_pw *pw, uint32_t i, const void *data, size_t len);

/* Reads `len` bytes at `off` of the pack being written (file or buffer). */
int pw_read_at(archive_pw *pw, uint64_t off, void *dst, size_t len);

/* Sets the odb callbacks (packwrite_read.c). */
void pw_backend_init(archive_pw *pw);

/* One entry of a tree object's bytes (packwrite_delta.c). */
struct pw_tree_entry {
	const unsigned char *start, *name;
	size_t name_len, len; /* len: the whole entry, id included */
	uint32_t mode;
	int is_dir;
};

/* A key for searching entries in git's tree order: `name` as a folder
 * (`is_dir`) or not. */
static inline struct pw_tree_entry pw_tree_key(const char *name, size_t len, int is_dir)
{
	struct pw_tree_entry key = { NULL, (const unsigned char *)name, len, 0, 0, is_dir };

	return key;
}

/* The entry at `p`: 0; -1 when the bytes are not a tree entry. */
int pw_tree_entry_at(struct pw_tree_entry *e, const unsigned char *p, const unsigned char *end);

/* git's tree order: a folder's name sorts as if it ended in '/'. */
int pw_tree_order(const struct pw_tree_entry *a, const struct pw_tree_entry *b);

/* Applies a git delta to `base`: the result in a malloc'd buffer. */
int pw_delta_apply(unsigned char **out, size_t *out_len, const unsigned char *base,
		   size_t base_len, const unsigned char *delta, size_t delta_len);

/* A git delta being written, from instructions given in target order:
 * adjacent copies and inserts are merged, and a delta that grows past half
 * the target is given up (not worth it).  Inserted bytes are read when
 * the instruction is flushed: they must stay in place until pw_delta_end(). */
struct pw_delta {
	unsigned char *d;
	size_t n, cap;     /* cap: the most worth writing */
	uint64_t copy_off; /* a pending copy, merged with the next adjacent one */
	size_t copy_len;
	const unsigned char *ins; /* a pending insert, likewise */
	size_t ins_len;
	int full;          /* past cap: not worth it */
};

/* Starts a delta from a base of `base_len` bytes to a target of
 * `target_len` (too small or too large a pair: not worth it at once). */
int pw_delta_begin(struct pw_delta *d, uint64_t base_len, uint64_t target_len);

/* The next `len` bytes of the target are the base's at `off`. */
void pw_delta_copy(struct pw_delta *d, uint64_t off, size_t len);

/* The next `len` bytes of the target are `p`'s. */
void pw_delta_insert(struct pw_delta *d, const unsigned char *p, size_t len);

/* The delta (malloc'd), or NULL when not worth it; `d` is spent. */
void pw_delta_end(unsigned char **out, size_t *out_len, struct pw_delta *d);

/* A git delta turning `base` into `target` from their common prefix and
 * suffix (copy, insert, copy); 0 with *out NULL when not worth it. */
int pw_delta_create(unsigned char **out, size_t *out_len, const unsigned char *base,
		    size_t base_len, const unsigned char *target, size_t target_len);

/* An index being written (packwrite_idx.c). */
struct pw_idx;

/* Writes the .idx v2 of `n` entries to `fd` but for its last 40 bytes, the
 * pack's sum and its own (pw_idx_end()): the ids in order (the entries
 * are not moved), offsets above `off32_limit` in the 64-bit table. */
int pw_idx_begin(struct pw_idx **out, int fd, const struct pw_entry *e, size_t n,
		 uint64_t off32_limit);

/* The pack's sum and the index's own; frees `x` (NULL is fine). */
int pw_idx_end(struct pw_idx *x, const unsigned char pack_sha[20]);

/* Drops an index not ended (NULL is fine). */
void pw_idx_free(struct pw_idx *x);

/* pw_idx_begin() and pw_idx_end() at once. */
int pw_idx_write(int fd, const struct pw_entry *e, size_t n, const unsigned char pack_sha[20],
		 uint64_t off32_limit);

/* The SHA-1 of a pack's first `len` bytes, read through `buf` on a thread
 * of its own (packwrite_sum.c); the caller must not touch fd nor buf
 * until pw_sum_finish(), which it must call. */
struct pw_sum {
	pthread_t thread;
	int threaded;
	int fd;
	uint64_t len;
	unsigned char *buf;
	size_t buf_size;
	const char *path;
	unsigned char sha[20];
	int rc;
	char message[512];
};

void pw_sum_start(struct pw_sum *s, int fd, uint64_t len, unsigned char *buf, size_t buf_size,
		  const char *path);

/* Waits for the sum (or takes it here, without a thread). */
int pw_sum_finish(unsigned char sha[20], struct pw_sum *s);

/* The SHA-1 of the first `len` bytes of `fd`, read back through `buf`
 * here, on the caller's thread (`path` names the file in an error). */
int pw_sum_file(unsigned char sha[20], int fd, uint64_t len, unsigned char *buf, size_t buf_size,
		const char *path);

#endif
