/*
 * redline/deflater.h - zlib deflate streams kept per thread and reset
 * between uses.
 *
 * A git object or a WARC record is compressed as one zlib (or gzip)
 * stream of its own.  Starting a stream allocates ~256 KiB of window and
 * hash tables; for the few-KiB story files and WARC records a cycle
 * writes by the thousand, that allocation (and the page faults when malloc
 * handed the memory back to the kernel in between) costs about as much as
 * compressing a story file.  A reset stream deflates exactly as a new one does
 * (same bytes), so each thread keeps one stream of each kind and resets it.
 */
#ifndef REDLINE_DEFLATER_H
#define REDLINE_DEFLATER_H

#include <zlib.h>

/** zlib levels of the two kinds: 1 measured as fast as "no" compression
 *  with most of level 6's size gain on story files (docs/benchmarks.md);
 *  WARC files are compressed once and kept, so 6. */
#define RL_DEFLATER_GIT_LEVEL 1
#define RL_DEFLATER_GZIP_LEVEL 6

/** The kinds of stream a thread keeps, one each. */
typedef enum rl_deflater_kind {
	RL_DEFLATER_GIT,  /* zlib wrapper: git pack entries */
	RL_DEFLATER_GZIP, /* gzip wrapper: WARC records */
	RL_DEFLATER_STORE, /* zlib wrapper, level 0: pack entries of bytes
	                      compressed already (a .warc.gz capture); give
	                      it the whole output at once */
	RL_DEFLATER_KINDS
} rl_deflater_kind;

/** The calling thread's stream of `kind`, reset and ready for input;
 *  valid until the thread calls rl_deflater_get() for the same kind again
 *  or exits (the streams of a thread are freed when it exits, or by
 *  rl_deflater_release_thread()).  Never shared between threads. */
int rl_deflater_get(z_stream **out, rl_deflater_kind kind);

/** Frees the calling thread's streams now: for the main thread, which
 *  exits without running thread-exit destructors. */
void rl_deflater_release_thread(void);

#endif
