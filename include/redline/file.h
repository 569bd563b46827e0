/*
 * redline/file.h - reading and writing whole files, safely.
 */
#ifndef REDLINE_FILE_H
#define REDLINE_FILE_H

#include <stddef.h>
#include "redline/buf.h"

/** Reads the file at `path` into `out` (appending), failing with RL_ETOOBIG
 *  once it passes out->max; "-" reads standard input. */
int rl_file_read(rl_buf *out, const char *path);

/** Writes `len` bytes to `path` atomically: a temporary file beside it,
 *  fsync, rename.  A crash leaves the old file or the new one, never half. */
int rl_file_write_atomic(const char *path, const void *data, size_t len);

/** Like rl_file_write_atomic() without the fsync, for caches that are
 *  checked when read (redline/fetch.json): after a crash such a file
 *  is the old one, the new one or unreadable, and each of those is handled;
 *  skipping the fsync saves one disk flush per source and cycle. */
int rl_file_write_cache(const char *path, const void *data, size_t len);

/** mkdir -p, mode 0777 & ~umask. */
int rl_file_mkdir_p(const char *path);

/** mkdir -p of the folder that holds file `path` (all before its last
 *  '/'; nothing when it has none): for writers that find their folder
 *  removed under them. */
int rl_file_mkdir_parent(const char *path);

/** fsyncs directory `dir`, so that files renamed into it stay after a
 *  crash; RL_EIO. */
int rl_file_sync_dir(const char *dir);

#endif
