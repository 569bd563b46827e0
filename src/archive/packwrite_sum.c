/*
 * packwrite_sum.c - the SHA-1 of a finished pack, read back on a thread of
 * its own.
 *
 * The sum covers the header, whose object count is only known at the end,
 * so it cannot be taken as the pack is written; read back, it was a
 * third of the pack's finish (23 MB for a first run of 1,000 pages), the
 * ref move waiting behind it.  Nothing else of the finish needs the sum
 * but the last 20 bytes of the .idx, so the index is built meanwhile.
 * A roll-up's new .idx is summed the same way, on the caller's thread
 * (pw_sum_file()).
 */
#include "packwrite_internal.h"
#include "redline/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

static void sum_file(struct pw_sum *s)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint64_t off = 0;

	s->rc = 0;
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1) {
		s->rc = RL_ENOMEM;
		snprintf(s->message, sizeof(s->message), "cannot hash '%s'", s->path);
		goto done;
	}
	while (off < s->len) {
		size_t k = s->len - off < s->buf_size ? (size_t)(s->len - off) : s->buf_size;
		ssize_t r = pread(s->fd, s->buf, k, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			s->rc = RL_EIO;
			snprintf(s->message, sizeof(s->message), "cannot read '%s': %s", s->path,
				 r < 0 ? strerror(errno) : "short file");
			goto done;
		}
		EVP_DigestUpdate(ctx, s->buf, (size_t)r);
		off += (uint64_t)r;
	}
	if (EVP_DigestFinal_ex(ctx, s->sha, NULL) != 1) {
		s->rc = RL_EIO;
		snprintf(s->message, sizeof(s->message), "cannot hash '%s'", s->path);
	}
done:
	EVP_MD_CTX_free(ctx);
}

static void *sum_thread(void *arg)
{
	sum_file(arg);
	return NULL;
}

void pw_sum_start(struct pw_sum *s, int fd, uint64_t len, unsigned char *buf, size_t buf_size,
		  const char *path)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->len = len;
	s->buf = buf;
	s->buf_size = buf_size;
	s->path = path;
	/* Without a thread, pw_sum_finish() takes it on the caller's. */
	s->threaded = pthread_create(&s->thread, NULL, sum_thread, s) == 0;
}

int pw_sum_finish(unsigned char sha[20], struct pw_sum *s)
{
	if (s->threaded)
		pthread_join(s->thread, NULL);
	else
		sum_file(s);
	s->threaded = 0;
	if (s->rc < 0)
		return rl_error_set(s->rc, "%s", s->message);
	memcpy(sha, s->sha, 20);
	return 0;
}

int pw_sum_file(unsigned char sha[20], int fd, uint64_t len, unsigned char *buf, size_t buf_size,
		const char *path)
{
	struct pw_sum s;

	memset(&s, 0, sizeof(s));
	s.fd = fd;
	s.len = len;
	s.buf = buf;
	s.buf_size = buf_size;
	s.path = path;
	return pw_sum_finish(sha, &s);
}
