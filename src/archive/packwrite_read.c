/*
 * packwrite_read.c - serving the batch's objects back while its pack is
 * being written (packwrite.c).
 *
 * A commit reads what the previous one wrote at once (its trees, to build
 * on), so the newest version of each tree and commit written sits whole in
 * a small cache (blobs are read back from the file); after the batch, until the next one,
 * the finished pack is served the same way (packwrite_internal.h); anything older is read back from the
 * file (or the write buffer), inflated, and its delta chain (at most
 * PW_MAX_DEPTH) applied (packwrite_delta.c).  Every callback holds the
 * writer's lock and never calls back into the odb, whose own lock is held
 * around it.
 */
#include "packwrite_internal.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define OBJ_OFS_DELTA 6

/* --- reading an entry back ---------------------------------------------- */

static int inflate_all(unsigned char *out, size_t out_len, const unsigned char *in, size_t in_len)
{
	z_stream z;
	int zr;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return rl_error_set(RL_ENOMEM, "cannot start zlib");
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)in_len;
	z.next_out = out;
	z.avail_out = (uInt)out_len;
	zr = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (zr != Z_STREAM_END || z.total_out != out_len)
		return rl_error_set(RL_EIO, "a corrupt object in the pack being written");
	return 0;
}

/* The entry whose object starts at `offset` (entries are in offset order). */
static int entry_at(uint32_t *out, const archive_pw *pw, uint64_t offset, uint32_t before)
{
	uint32_t lo = 0, hi = before;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (pw->e[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= before || pw->e[lo].offset != offset)
		return rl_error_set(RL_EIO, "a delta base missing from the pack being written");
	*out = lo;
	return 0;
}

/* Entry `i`'s object; kept in the cache when `keep`: the bases of a delta
 * chain are older versions, which nothing reads again (the next commit
 * builds on the newest), and caching them pushed the newest out. */
static int load(unsigned char **out, size_t *len, archive_pw *pw, uint32_t i, int keep)
{
	const struct pw_entry *e = &pw->e[i];
	uint64_t end = i + 1 < pw->n ? pw->e[i + 1].offset : pw->pos;
	unsigned char *raw = NULL, *data = NULL, *delta = NULL, *base = NULL, c;
	size_t p = 0, extent = (size_t)(end - e->offset), base_len;
	uint64_t size;
	int type, shift = 4, rc;
	uint32_t b = 0;

	*out = NULL;
	if (e->cslot) {
		const struct pw_cached *cached = &pw->cache[e->cslot - 1];
		if ((data = malloc(cached->len ? cached->len : 1)) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		memcpy(data, cached->data, cached->len);
		*out = data;
		*len = cached->len;
		return 0;
	}
	if ((raw = malloc(extent)) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = pw_read_at(pw, e->offset, raw, extent)) < 0)
		goto done;
	c = raw[p++];
	type = (c >> 4) & 7;
	size = c & 15;
	while ((c & 0x80) && p < extent && shift < 64) {
		c = raw[p++];
		size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (type == OBJ_OFS_DELTA) {
		uint64_t ofs;
		c = raw[p++];
		ofs = c & 127;
		while ((c & 128) && p < extent) {
			c = raw[p++];
			ofs = ((ofs + 1) << 7) + (c & 127);
		}
		if (ofs > e->offset || (rc = entry_at(&b, pw, e->offset - ofs, i)) < 0) {
			rc = rl_error_set(RL_EIO, "a corrupt delta in the pack being written");
			goto done;
		}
		if ((delta = malloc(size ? size : 1)) == NULL) {
			rc = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		if ((rc = inflate_all(delta, size, raw + p, extent - p)) < 0 ||
		    (rc = load(&base, &base_len, pw, b, 0)) < 0 ||
		    (rc = pw_delta_apply(&data, len, base, base_len, delta, size)) < 0)
			goto done;
	} else {
		if ((data = malloc(size ? size : 1)) == NULL) {
			rc = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		if ((rc = inflate_all(data, size, raw + p, extent - p)) < 0)
			goto done;
		*len = size;
	}
	if (*len != e->size) {
		rc = rl_error_set(RL_EIO, "an object of the wrong size in the pack being written");
		goto done;
	}
	if (keep)
		pw_cache_put(pw, i, data, *len);
	*out = data;
	data = NULL;
done:
	free(data);
	free(base);
	free(delta);
	free(raw);
	return rc;
}

int pw_load(unsigned char **out, size_t *len, archive_pw *pw, uint32_t i)
{
	return load(out, len, pw, i, 1);
}

int archive_pw_read(unsigned char **data, size_t *len, git_object_t *type, archive_pw *pw,
		    const git_oid *id)
{
	struct pw_entry *e;
	int rc = 0;

	*data = NULL;
	pthread_mutex_lock(&pw->lock);
	if ((pw->open || pw->kept) && (e = pw_find(pw, id)) != NULL) {
		*type = (git_object_t)e->type;
		rc = pw_load(data, len, pw, (uint32_t)(e - pw->e));
	}
	pthread_mutex_unlock(&pw->lock);
	return rc;
}

/* --- the odb callbacks --------------------------------------------------- */

static int fail_git(void)
{
	git_error_set_str(GIT_ERROR_ODB, rl_error_last());
	return GIT_ERROR;
}

static int backend_read(void **buf, size_t *len, git_object_t *type, git_odb_backend *backend,
			const git_oid *id)
{
	archive_pw *pw = (archive_pw *)backend;
	struct pw_entry *e;
	unsigned char *data = NULL;
	int rc = GIT_ENOTFOUND;

	pthread_mutex_lock(&pw->lock);
	if ((pw->open || pw->kept) && (e = pw_find(pw, id)) != NULL) {
		if (pw_load(&data, len, pw, (uint32_t)(e - pw->e)) < 0) {
			rc = fail_git();
		} else if ((*buf = git_odb_backend_data_alloc(backend, *len ? *len : 1)) == NULL) {
			rc = GIT_ERROR;
		} else {
			memcpy(*buf, data, *len);
			*type = (git_object_t)e->type;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&pw->lock);
	free(data);
	return rc;
}

static int backend_read_header(size_t *len, git_object_t *type, git_odb_backend *backend,
			       const git_oid *id)
{
	archive_pw *pw = (archive_pw *)backend;
	struct pw_entry *e;
	int rc = GIT_ENOTFOUND;

	pthread_mutex_lock(&pw->lock);
	if ((pw->open || pw->kept) && (e = pw_find(pw, id)) != NULL) {
		*len = (size_t)e->size;
		*type = (git_object_t)e->type;
		rc = 0;
	}
	pthread_mutex_unlock(&pw->lock);
	return rc;
}

static int backend_exists(git_odb_backend *backend, const git_oid *id)
{
	return archive_pw_has((archive_pw *)backend, id);
}

/* The one entry matching the first `len` hex digits (a linear scan: short
 * ids are typed by people, not looked up in loops). */
static int find_prefix(uint32_t *out, archive_pw *pw, const git_oid *short_id, size_t len)
{
	int found = 0;

	if (!pw->open && !pw->kept)
		return GIT_ENOTFOUND;
	for (size_t i = 0; i < pw->n; i++) {
		if (git_oid_ncmp(&pw->e[i].id, short_id, len) != 0)
			continue;
		if (found) {
			git_error_set_str(GIT_ERROR_ODB, "multiple matches for prefix");
			return GIT_EAMBIGUOUS;
		}
		*out = (uint32_t)i;
		found = 1;
	}
	return found ? 0 : GIT_ENOTFOUND;
}

static int backend_exists_prefix(git_oid *out, git_odb_backend *backend, const git_oid *short_id,
				 size_t len)
{
	archive_pw *pw = (archive_pw *)backend;
	uint32_t i;
	int rc;

	pthread_mutex_lock(&pw->lock);
	if ((rc = find_prefix(&i, pw, short_id, len)) == 0)
		git_oid_cpy(out, &pw->e[i].id);
	pthread_mutex_unlock(&pw->lock);
	return rc;
}

static int backend_read_prefix(git_oid *out, void **buf, size_t *len, git_object_t *type,
			       git_odb_backend *backend, const git_oid *short_id, size_t n)
{
	archive_pw *pw = (archive_pw *)backend;
	git_oid id;
	uint32_t i;
	int rc;

	pthread_mutex_lock(&pw->lock);
	rc = find_prefix(&i, pw, short_id, n);
	if (rc == 0)
		git_oid_cpy(&id, &pw->e[i].id);
	pthread_mutex_unlock(&pw->lock);
	if (rc < 0)
		return rc;
	if ((rc = backend_read(buf, len, type, backend, &id)) == 0)
		git_oid_cpy(out, &id);
	return rc;
}

/* The callback runs without our lock: it may well read objects. */
static int backend_foreach(git_odb_backend *backend, git_odb_foreach_cb cb, void *payload)
{
	archive_pw *pw = (archive_pw *)backend;
	git_oid *ids = NULL;
	size_t n = 0;
	int rc = 0;

	pthread_mutex_lock(&pw->lock);
	if (pw->open && pw->n > 0) {
		if ((ids = malloc(pw->n * sizeof(*ids))) != NULL) {
			n = pw->n;
			for (size_t i = 0; i < n; i++)
				git_oid_cpy(&ids[i], &pw->e[i].id);
		} else {
			rc = GIT_ERROR;
		}
	}
	pthread_mutex_unlock(&pw->lock);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = cb(&ids[i], payload);
	free(ids);
	return rc;
}

void pw_backend_init(archive_pw *pw)
{
	pw->parent.read = backend_read;
	pw->parent.read_header = backend_read_header;
	pw->parent.read_prefix = backend_read_prefix;
	pw->parent.exists = backend_exists;
	pw->parent.exists_prefix = backend_exists_prefix;
	pw->parent.foreach = backend_foreach;
}
