/*
 * packwrite_copy.c - entries of other packs copied into the one being
 * written (the roll-ups of archive_repack.c), as they are.
 */
#include "packwrite_internal.h"
#include "redline/error.h"

#include <string.h>

#define OBJ_OFS_DELTA 6

int archive_pw_copy(archive_pw *pw, const git_oid *id, const unsigned char *raw, size_t len,
		    uint32_t crc, const git_oid *ofs_base)
{
	unsigned char hdr[32];
	size_t hl = 0, skip = 0;
	uint64_t size = 0;
	struct pw_entry *e, *b = NULL; /* b: until pw_grow() moves the records */
	int type, rc = 0, shift = 4, btype = 0, bdepth = 0;

	pthread_mutex_lock(&pw->lock);
	if (!pw->open) {
		rc = rl_error_set(RL_EINVAL, "no pack is being written");
		goto done;
	}
	if (pw_find(pw, id))
		goto done; /* a duplicate: the first copy stays */
	/* the type and size header, as it is */
	type = (raw[0] >> 4) & 7;
	size = raw[0] & 15u;
	while (hl < len && (raw[hl++] & 0x80) && shift < 64) {
		if (hl >= len) {
			rc = rl_error_set(RL_EIO, "a truncated object header");
			goto done;
		}
		size |= (uint64_t)(raw[hl] & 0x7f) << shift;
		shift += 7;
	}
	if (hl > 16 || hl >= len || (raw[hl - 1] & 0x80) || (type == OBJ_OFS_DELTA) != (ofs_base != NULL) ||
	    (type != OBJ_OFS_DELTA && (type < GIT_OBJECT_COMMIT || type > GIT_OBJECT_TAG))) {
		rc = rl_error_set(RL_EIO, "an object of type %d cannot be copied", type);
		goto done;
	}
	memcpy(hdr, raw, hl);
	skip = hl;
	if (ofs_base) {
		/* the distance back to its base is this pack's, not the old one's */
		if ((b = pw_find(pw, ofs_base)) == NULL) {
			rc = rl_error_set(RL_ENOTFOUND, "a delta's base is not in the pack");
			goto done;
		}
		while (skip < len && (raw[skip] & 0x80))
			skip++;
		if (++skip >= len) {
			rc = rl_error_set(RL_EIO, "a truncated delta header");
			goto done;
		}
		hl += pw_ofs_header(hdr + hl, pw->pos - b->offset);
		btype = b->type;
		bdepth = b->depth;
	}
	if (pw->failed) {
		rc = rl_error_set(RL_EIO, "an earlier write to a pack in '%s' failed", pw->dir);
		goto done;
	}
	if ((pw->fd < 0 && (rc = pw_open_file(pw)) < 0) || (rc = pw_grow(pw)) < 0)
		goto done;
	e = &pw->e[pw->n];
	memset(e, 0, sizeof(*e));
	git_oid_cpy(&e->id, id);
	/* type and size are those of the object only when it is whole; the
	 * pack is not read back before it is released (archive_pw_copy's
	 * contract) */
	e->type = (uint8_t)(b ? btype : type);
	e->depth = (uint8_t)(b ? (bdepth < 255 ? bdepth + 1 : 255) : 0);
	e->offset = pw->pos;
	e->size = size;
	if (skip == hl && memcmp(hdr, raw, hl) == 0) {
		rc = pw_append(pw, raw, len, NULL);
		e->crc = crc;
	} else if ((rc = pw_append(pw, hdr, hl, &e->crc)) == 0) {
		rc = pw_append(pw, raw + skip, len - skip, &e->crc);
	}
	if (rc < 0) {
		pw->failed = 1;
		goto done;
	}
	pw_slots_insert(pw, (uint32_t)pw->n);
	pw->n++;
	pw->written++;
done:
	pthread_mutex_unlock(&pw->lock);
	return rc;
}
