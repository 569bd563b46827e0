/*
 * redline/appendset.h - append-only files kept open for a cycle, made
 * durable together at its end.
 *
 * A cycle appends many short records to a few shared files (the day's
 * fetch log, the day's local WARC file).  Opening, writing and closing a
 * file per record costs a path walk and an open each time; flushing the
 * whole file system (syncfs) at the end waits for every other program's
 * dirty pages too.  An append set opens each file once (O_APPEND, created
 * on first use together with its directory), writes each record with one
 * write() — so concurrent processes appending to the same file never
 * interleave inside a record — and syncs exactly the files it wrote to.
 * One thread at a time.
 */
#ifndef REDLINE_APPENDSET_H
#define REDLINE_APPENDSET_H

#include <stddef.h>

typedef struct rl_appendset rl_appendset;

/** The most files a set keeps open; opening one more syncs and closes the
 *  oldest (a cycle appends to two or four: fetch log and WARC, per day). */
#define RL_APPENDSET_MAX_FILES 8

/** A new empty set; `*out` is freed with rl_appendset_free(). */
int rl_appendset_new(rl_appendset **out);

/** Appends `len` bytes to `path` with one write(), opening the file (and
 *  making its directory) on the first append.  A file that could not be
 *  opened fails every later append to it at once, without retrying. */
int rl_appendset_write(rl_appendset *set, const char *path, const void *data, size_t len);

/** fdatasync()s every file written to since the last sync, and the
 *  directory of every file the set created; the first error is returned
 *  after trying them all. */
int rl_appendset_sync(rl_appendset *set);

/** Closes the files without syncing them; NULL is fine. */
void rl_appendset_free(rl_appendset *set);

#endif
