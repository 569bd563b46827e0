/*
 * deflater.c - whole-buffer deflate with per-thread libdeflate
 * compressors (redline/deflater.h).
 */
#include "redline/deflater.h"
#include "deflate_small.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "redline/error.h"

struct compressors {
	struct libdeflate_compressor *c[RL_DEFLATER_KINDS];
	rl_deflate_small *small; /* git objects up to RL_DEFLATE_SMALL_MAX bytes */
};

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_made;

static void compressors_free(void *p)
{
	struct compressors *s = p;

	if (s == NULL)
		return;
	for (int k = 0; k < RL_DEFLATER_KINDS; k++)
		libdeflate_free_compressor(s->c[k]);
	rl_deflate_small_free(s->small);
	free(s);
}

static void make_key(void)
{
	key_made = pthread_key_create(&key, compressors_free) == 0;
}

/* Each kind's level (0: stored blocks) and wrapper: a kind added to
 * redline/deflater.h needs its entry here and in is_gzip(). */
_Static_assert(RL_DEFLATER_KINDS == 4, "a new deflater kind needs its level and wrapper");
static const int levels[RL_DEFLATER_KINDS] = {
	[RL_DEFLATER_GIT] = RL_DEFLATER_GIT_LEVEL,
	[RL_DEFLATER_GZIP] = RL_DEFLATER_GZIP_LEVEL,
	[RL_DEFLATER_STORE] = 0,
	[RL_DEFLATER_GZIP_STORE] = 0,
};

static bool is_gzip(rl_deflater_kind kind)
{
	return kind == RL_DEFLATER_GZIP || kind == RL_DEFLATER_GZIP_STORE;
}

/* The calling thread's compressors, made on first use. */
static int thread_compressors(struct compressors **out)
{
	struct compressors *s;

	*out = NULL;

	pthread_once(&key_once, make_key);
	if (!key_made)
		return rl_error_set(RL_ENOMEM, "cannot keep deflate compressors");
	if ((s = pthread_getspecific(key)) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		if (pthread_setspecific(key, s) != 0) {
			free(s);
			return rl_error_set(RL_ENOMEM, "cannot keep deflate compressors");
		}
	}
	*out = s;
	return 0;
}

/* A git object or WARC record of at most RL_DEFLATE_SMALL_MAX bytes:
 * deflate_small.c's stream in zlib's wrapper (the header libdeflate writes
 * at level 1) or gzip's (libdeflate's: no name, no time, OS unknown). */
static int compress_small(size_t *out_len, struct compressors *s, rl_deflater_kind kind,
			  unsigned char *dst, size_t cap, const void *src, size_t len)
{
	static const unsigned char gzip_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	size_t head = is_gzip(kind) ? 10 : 2, tail = is_gzip(kind) ? 8 : 4, n;
	uint32_t sum;

	if (s->small == NULL && (s->small = rl_deflate_small_new()) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (cap < head + tail ||
	    (n = rl_deflate_small_compress(s->small, dst + head, cap - head - tail, src, len)) == 0)
		return rl_error_set(RL_ETOOBIG, "compressed data does not fit in %zu bytes", cap);
	if (is_gzip(kind)) {
		memcpy(dst, gzip_head, head);
		sum = libdeflate_crc32(0, src, len);
		for (int k = 0; k < 4; k++) { /* little-endian crc32, then size */
			dst[head + n + (size_t)k] = (unsigned char)(sum >> (8 * k));
			dst[head + n + 4 + (size_t)k] = (unsigned char)(len >> (8 * k));
		}
	} else {
		dst[0] = 0x78;
		dst[1] = 0x01;
		sum = libdeflate_adler32(1, src, len);
		for (int k = 0; k < 4; k++) /* big-endian adler32 */
			dst[head + n + (size_t)k] = (unsigned char)(sum >> (24 - 8 * k));
	}
	*out_len = head + n + tail;
	return 0;
}

size_t rl_deflater_bound(size_t len)
{
	size_t z = libdeflate_zlib_compress_bound(NULL, len);
	size_t g = libdeflate_gzip_compress_bound(NULL, len);

	return z > g ? z : g;
}

int rl_deflater_compress(size_t *out_len, rl_deflater_kind kind, void *dst, size_t cap,
			 const void *src, size_t len)
{
	struct libdeflate_compressor *c = NULL;
	struct compressors *s = NULL;
	size_t n;
	int error;

	*out_len = 0;
	if ((unsigned)kind >= RL_DEFLATER_KINDS)
		return rl_error_set(RL_EINVAL, "no such deflate stream");
	if ((error = thread_compressors(&s)) < 0)
		return error;
	if (levels[kind] > 0 && len <= RL_DEFLATE_SMALL_MAX)
		return compress_small(out_len, s, kind, dst, cap, src, len);
	if (s->c[kind] == NULL && (s->c[kind] = libdeflate_alloc_compressor(levels[kind])) == NULL)
		return rl_error_set(RL_ENOMEM, "cannot start a deflate compressor");
	c = s->c[kind];
	n = is_gzip(kind) ? libdeflate_gzip_compress(c, src, len, dst, cap)
			  : libdeflate_zlib_compress(c, src, len, dst, cap);
	/* 0: the output did not fit, which the bound rules out. */
	if (n == 0)
		return rl_error_set(RL_ETOOBIG, "compressed data does not fit in %zu bytes", cap);
	*out_len = n;
	return 0;
}

uint32_t rl_deflater_crc32(uint32_t crc, const void *data, size_t len)
{
	return libdeflate_crc32(crc, data, len);
}

void rl_deflater_release_thread(void)
{
	if (!key_made)
		return;
	compressors_free(pthread_getspecific(key));
	pthread_setspecific(key, NULL);
}
