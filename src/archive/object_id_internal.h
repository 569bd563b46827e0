/*
 * object_id_internal.h - git object ids by who chose the bytes
 * (object_id.c).
 */
#ifndef REDLINE_OBJECT_ID_INTERNAL_H
#define REDLINE_OBJECT_ID_INTERNAL_H

#include <stddef.h>

#include <git2.h>

/** Who chose an object's bytes, which decides how its id is computed
 *  (object_id.c says why). */
enum archive_origin {
	ARCHIVE_FOREIGN, /* a server's or a user's bytes: collision-detecting SHA-1 */
	ARCHIVE_OURS,    /* rendered or built by redline: the CPU's SHA-1 for a tree,
	                    and for a blob that is plain text (checked) */
};

/** The git id of the object `type` of `len` bytes at `data`. */
int archive_object_id(git_oid *out, git_object_t type, const void *data, size_t len,
		      enum archive_origin origin);

#endif
