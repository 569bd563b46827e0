/*
 * redline/deflater.h - whole-buffer deflate (libdeflate): one compressor
 * per thread and kind, kept between uses.
 *
 * Every git object and WARC record redline writes is one zlib (or gzip)
 * stream of its own, made from a buffer held whole: story files of ~600
 * bytes by the thousand, trees, commits, a page's WARC records.  On such
 * inputs zlib spends about half of its time building each block's Huffman
 * trees; libdeflate, which compresses whole buffers only, takes 6.8 us
 * where zlib takes 14.7 for a story file (level 1, a little smaller too)
 * and 157 us instead of 258 for a 25 KB page (level 6, same size)
 * (docs/benchmarks.md).  Inputs of at most 16 KiB (story files, trees,
 * commits, a capture's request record) go to a one-block encoder of our
 * own instead (src/util/deflate_small.c): libdeflate's cost on them is
 * mostly fixed (~68,000 instructions a call, a 128 KiB table cleared).
 * The output is a standard zlib or gzip stream either way: git, libgit2
 * and gzip read it as they read zlib's.  The same input and kind always
 * give the same bytes, on any thread.
 */
#ifndef REDLINE_DEFLATER_H
#define REDLINE_DEFLATER_H

#include <stddef.h>
#include <stdint.h>

/** libdeflate's levels for inputs over 16 KiB: 1 for git objects (most of
 *  level 6's size gain at half its time), and 1 for WARC records too: a
 *  25 KB page's response record takes ~590,000 instructions instead of
 *  ~1,240,000 (5 % of a first run's parse workers) for 10 % more bytes
 *  (5,092 instead of 4,610; 4 % more on the real pages of the corpus). */
#define RL_DEFLATER_GIT_LEVEL 1
#define RL_DEFLATER_GZIP_LEVEL 1

/** The kinds of stream, one compressor each per thread. */
typedef enum rl_deflater_kind {
	RL_DEFLATER_GIT,   /* zlib wrapper: git pack entries */
	RL_DEFLATER_GZIP,  /* gzip wrapper: WARC records */
	RL_DEFLATER_STORE, /* zlib wrapper, stored blocks: pack entries of
	                      bytes compressed already (a .warc.gz capture) */
	RL_DEFLATER_GZIP_STORE, /* gzip wrapper, stored blocks: WARC records whose
	                           payload came compressed (a Content-Encoding) */
	RL_DEFLATER_KINDS
} rl_deflater_kind;

/** The most bytes rl_deflater_compress() writes for `len` bytes of input,
 *  of any kind. */
size_t rl_deflater_bound(size_t len);

/** Compresses the `len` bytes at `src` as one stream of `kind` into `dst`
 *  (room `cap`, at least rl_deflater_bound(len)); *out_len the bytes
 *  of the stream.  The bytes of `dst` past the stream, up to `cap`, may be
 *  written too (the small encoder stores 8 bytes at a time).  Uses the calling thread's compressor of `kind`, made on first
 *  use and freed when the thread exits or calls
 *  rl_deflater_release_thread(). */
int rl_deflater_compress(size_t *out_len, rl_deflater_kind kind, void *dst, size_t cap,
			 const void *src, size_t len);

/** crc32 (as zlib's crc32()) of `len` bytes, continuing `crc` (0 to
 *  start): the checksum a pack index keeps of each entry. */
uint32_t rl_deflater_crc32(uint32_t crc, const void *data, size_t len);

/** Frees the calling thread's compressors now: for the main thread, which
 *  exits without running thread-exit destructors. */
void rl_deflater_release_thread(void);

#endif
