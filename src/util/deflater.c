/*
 * deflater.c - per-thread deflate streams, reset between uses
 * (redline/deflater.h).
 */
#include "redline/deflater.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "redline/error.h"

struct streams {
	z_stream z[RL_DEFLATER_KINDS];
	unsigned char live[RL_DEFLATER_KINDS];
};

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static int key_made;

static void streams_free(void *p)
{
	struct streams *s = p;

	if (s == NULL)
		return;
	for (int k = 0; k < RL_DEFLATER_KINDS; k++)
		if (s->live[k])
			deflateEnd(&s->z[k]);
	free(s);
}

static void make_key(void)
{
	key_made = pthread_key_create(&key, streams_free) == 0;
}

/* Stored blocks use no window and no hash chains: the smallest of both
 * (windowBits 9, memLevel 1) keep that stream at ~3 KiB instead of
 * ~256 KiB.  Its blocks then depend only on the output room, which the
 * callers give whole. */
static int start(z_stream *z, rl_deflater_kind kind)
{
	memset(z, 0, sizeof(*z));
	switch (kind) {
	case RL_DEFLATER_GZIP:
		return deflateInit2(z, RL_DEFLATER_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
				    Z_DEFAULT_STRATEGY);
	case RL_DEFLATER_STORE:
		return deflateInit2(z, Z_NO_COMPRESSION, Z_DEFLATED, 9, 1, Z_DEFAULT_STRATEGY);
	default:
		return deflateInit(z, RL_DEFLATER_GIT_LEVEL);
	}
}

int rl_deflater_get(z_stream **out, rl_deflater_kind kind)
{
	struct streams *s;

	*out = NULL;
	if ((unsigned)kind >= RL_DEFLATER_KINDS)
		return rl_error_set(RL_EINVAL, "no such deflate stream");
	pthread_once(&key_once, make_key);
	if (!key_made)
		return rl_error_set(RL_ENOMEM, "cannot keep deflate streams");
	if ((s = pthread_getspecific(key)) == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		if (pthread_setspecific(key, s) != 0) {
			free(s);
			return rl_error_set(RL_ENOMEM, "cannot keep deflate streams");
		}
	}
	if (!s->live[kind]) {
		if (start(&s->z[kind], kind) != Z_OK)
			return rl_error_set(RL_ENOMEM, "cannot start zlib");
		s->live[kind] = 1;
	} else if (deflateReset(&s->z[kind]) != Z_OK) {
		return rl_error_set(RL_ERROR, "cannot reset zlib");
	}
	*out = &s->z[kind];
	return 0;
}

void rl_deflater_release_thread(void)
{
	if (!key_made)
		return;
	streams_free(pthread_getspecific(key));
	pthread_setspecific(key, NULL);
}
