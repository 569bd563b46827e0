/*
 * packwrite_idx.c - the .idx (version 2) of a pack we wrote ourselves, the
 * same bytes `git index-pack` writes for it: magic and version, the fanout
 * of 256 cumulative counts, the sorted ids, their crc32s, their 31-bit
 * offsets (an offset above the limit is instead an index, MSB set, into the
 * table of 64-bit offsets that follows), the pack's checksum and the
 * SHA-1 of all that.  Written through one buffer of 64 KiB, in two steps:
 * all but the last 40 bytes while the pack's sum is taken (packwrite_sum.c),
 * then those.
 */
#include "packwrite_internal.h"
#include "redline/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#define IDX_BUF (64u << 10)

struct idx_out {
	int fd;
	EVP_MD_CTX *sha;
	unsigned char buf[IDX_BUF];
	size_t len;
	int failed;
};

static void out_flush(struct idx_out *o)
{
	size_t at = 0;
	while (at < o->len && !o->failed) {
		ssize_t w = write(o->fd, o->buf + at, o->len - at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			o->failed = 1;
		else
			at += (size_t)w;
	}
	o->len = 0;
}

static void out_put(struct idx_out *o, const void *p, size_t len, int hashed)
{
	if (hashed)
		EVP_DigestUpdate(o->sha, p, len);
	if (o->len + len > IDX_BUF)
		out_flush(o);
	memcpy(o->buf + o->len, p, len);
	o->len += len;
}

static void out_be32(struct idx_out *o, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	out_put(o, b, 4, 1);
}

/* The ids in order without moving the 48-byte records: their first eight
 * bytes as one number (ids are uniformly spread, so ties are rare), the
 * record's index beside it. */
struct by_id {
	uint64_t prefix;
	size_t i;
};

static int cmp_by_id(const void *a, const void *b, void *entries)
{
	const struct by_id *x = a, *y = b;
	const struct pw_entry *e = entries;

	if (x->prefix != y->prefix)
		return x->prefix < y->prefix ? -1 : 1;
	return git_oid_cmp(&e[x->i].id, &e[y->i].id);
}

static struct by_id *order_by_id(const struct pw_entry *e, size_t n)
{
	struct by_id *o = malloc((n ? n : 1) * sizeof(*o));

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 0;
		for (int k = 0; k < 8; k++)
			v = v << 8 | e[i].id.id[k];
		o[i].prefix = v;
		o[i].i = i;
	}
	qsort_r(o, n, sizeof(*o), cmp_by_id, (void *)e);
	return o;
}

struct pw_idx {
	struct idx_out out;
};

int pw_idx_begin(struct pw_idx **out, int fd, const struct pw_entry *e, size_t n,
		 uint64_t off32_limit)
{
	static const unsigned char magic[8] = { 0xff, 't', 'O', 'c', 0, 0, 0, 2 };
	struct pw_idx *x = calloc(1, sizeof(*x));
	struct idx_out *o = x ? &x->out : NULL;
	struct by_id *order = NULL;
	uint32_t fan = 0, large = 0;
	int rc = 0;

	*out = NULL;
	if (o == NULL || (o->sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(o->sha, EVP_sha1(), NULL) != 1 ||
	    (order = order_by_id(e, n)) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	o->fd = fd;
	out_put(o, magic, sizeof(magic), 1);
	for (unsigned first = 0; first < 256; first++) {
		while (fan < n && e[order[fan].i].id.id[0] == first)
			fan++;
		out_be32(o, fan);
	}
	for (size_t i = 0; i < n; i++)
		out_put(o, e[order[i].i].id.id, GIT_OID_RAWSZ, 1);
	for (size_t i = 0; i < n; i++)
		out_be32(o, e[order[i].i].crc);
	for (size_t i = 0; i < n; i++) {
		uint64_t off = e[order[i].i].offset;
		if (off > off32_limit)
			out_be32(o, 0x80000000u | large++);
		else
			out_be32(o, (uint32_t)off);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t off = e[order[i].i].offset;
		if (off > off32_limit) {
			out_be32(o, (uint32_t)(off >> 32));
			out_be32(o, (uint32_t)off);
		}
	}
done:
	free(order);
	if (rc < 0) {
		pw_idx_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

int pw_idx_end(struct pw_idx *x, const unsigned char pack_sha[20])
{
	struct idx_out *o;
	unsigned char idx_sha[20];
	int rc = 0;

	if (x == NULL)
		return 0;
	o = &x->out;
	out_put(o, pack_sha, 20, 1);
	if (EVP_DigestFinal_ex(o->sha, idx_sha, NULL) != 1) {
		rc = rl_error_set(RL_EIO, "cannot hash a pack index");
		goto done;
	}
	out_put(o, idx_sha, 20, 0);
	out_flush(o);
	if (o->failed)
		rc = rl_error_set_errno(RL_EIO, "cannot write a pack index");
done:
	pw_idx_free(x);
	return rc;
}

void pw_idx_free(struct pw_idx *x)
{
	if (x == NULL)
		return;
	EVP_MD_CTX_free(x->out.sha);
	free(x);
}

int pw_idx_write(int fd, const struct pw_entry *e, size_t n, const unsigned char pack_sha[20],
		 uint64_t off32_limit)
{
	struct pw_idx *x = NULL;
	int rc = pw_idx_begin(&x, fd, e, n, off32_limit);

	return rc < 0 ? rc : pw_idx_end(x, pack_sha);
}
