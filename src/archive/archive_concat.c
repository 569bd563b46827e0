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
#include "archive_concat_internal.h"
#include "archive_internal.h"
#include "redline/deflater.h"
#include "redline/error.h"
#include "redline/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (concat_read_full(*fd, head, 12, 0) < 0)
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

	if (concat_read_full(fd, trailer, 20, end) < 0)
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
		if (concat_read_full(fd, buf, k, off) < 0) {
			rc = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
			goto done;
		}
		EVP_DigestUpdate(check, buf, k);
		if (concat_writer_put(out, buf, k) < 0) {
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

/* Index positions by their offsets (qsort_r's argument: the offsets). */
static int cmp_by_offset(const void *a, const void *b, void *offsets)
{
	const uint64_t *o = offsets;
	uint64_t x = o[*(const uint32_t *)a], y = o[*(const uint32_t *)b];
	return (x > y) - (x < y);
}

/* The source's offsets by index position, and its positions by offset. */
static int entry_layout(uint64_t **offsets, uint32_t **order, struct source *s)
{
	const unsigned char *p;
	struct reader r = { 0 };
	int rc;

	*offsets = malloc((s->n ? s->n : 1) * sizeof(**offsets));
	*order = malloc((s->n ? s->n : 1) * sizeof(**order));
	if (*offsets == NULL || *order == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((rc = concat_reader_init(&r, s->idx_fd, IDX_HEADER + 24 * (uint64_t)s->n, READ_BUF)) < 0)
		return rc;
	for (uint32_t i = 0; i < s->n && rc == 0; i++) {
		if (concat_reader_get(&p, &r, 4) < 0)
			rc = rl_error_set(RL_EPARSE, "a pack index is truncated");
		else
			rc = concat_resolve_offset(&(*offsets)[i], s, be32(p));
		(*order)[i] = i;
	}
	free(r.buf);
	if (rc < 0)
		return rc;
	qsort_r(*order, s->n, sizeof(**order), cmp_by_offset, *offsets);
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
	return concat_writer_put(out, head, n);
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
	    (rc = entry_layout(&offsets, &order, s)) < 0 || (rc = concat_reader_init(&in, fd, 12, PACK_BUF)) < 0)
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

		if (concat_reader_get(&h, &in, head_len) < 0 || (size_len = size_header_len(h, head_len)) == 0) {
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
				if (is_dropped(s, base) && concat_read_full(s->idx_fd, base_id, 20, IDX_HEADER + 20 * (uint64_t)base) < 0) {
					rc = rl_error_set(RL_EPARSE, "a pack index is truncated");
					goto done;
				}
				if (rewrite_header(out, &crc, h, size_len, s->new_offset[pos] - s->new_offset[base],
						   is_dropped(s, base) ? base_id : NULL) < 0 ||
				    concat_writer_put(out, h + i, head_len - i) < 0)
					goto failed;
				crc = rl_deflater_crc32(crc, h + i, head_len - i);
				rewritten = 1;
			}
			if (!rewritten) {
				crc = rl_deflater_crc32(crc, h, head_len);
				if (concat_writer_put(out, h, head_len) < 0)
					goto failed;
			}
		}
		while (left > 0) {
			size_t take = left < PACK_BUF / 2 ? (size_t)left : PACK_BUF / 2;
			const unsigned char *p;

			if (concat_reader_get(&p, &in, take) < 0) {
				rc = rl_error_set(RL_EPARSE, "'%s' is truncated", path);
				goto done;
			}
			EVP_DigestUpdate(check, p, take);
			if (!is_dropped(s, pos)) {
				crc = rl_deflater_crc32(crc, p, take);
				if (concat_writer_put(out, p, take) < 0)
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
	if ((rc = concat_writer_init(&out, fd, 0, PACK_BUF)) < 0)
		goto done;
	put_be32(head + 8, (uint32_t)total);
	if (concat_writer_put(&out, head, 12) < 0)
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
	if (concat_writer_put(&out, pack_sha, 20) < 0 || concat_writer_flush(&out) < 0)
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
		if ((rc = concat_source_open(&src[i], dir, names[i])) != 0)
			goto done;
		total += src[i].n;
	}
	if (total > UINT32_MAX) {
		rc = NOT_CONCATENABLE;
		goto done;
	}
	if ((rc = concat_find_copies(fanout, &total, heap, src, n)) < 0)
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
	    (rc = concat_write_index(idx_fd, heap, src, n, fanout, total, pack_sha, off32_limit)) != 0)
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
	rc = rl_file_sync_dir(dir);
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

