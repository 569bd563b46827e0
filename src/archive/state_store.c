/*
 * state_store.c - every source's state in one append-only file.
 *
 * Why: with a file per source (redline/state/<source>.json) a first run of
 * N sources created N files.  On ext4 without a journal each creation
 * searches past the inodes freed in the last minutes, reading their inode
 * blocks: right after other files were deleted, creating a thousand state
 * files cost more CPU than saving them, and a cycle opened, read and
 * closed a file per source it loaded.  Here a state is one record appended
 * to one file, and a load one pread.
 *
 * The file is a sequence of records:
 *
 *   S <length> <source>\n<length bytes of text>\n
 *
 * the text being a state's JSON with its sum in front (state.c): a record
 * cut short or never written whole fails its sum, and the state is rebuilt
 * from HEAD like any stale one.  A source's last record is its state.  The
 * offsets of the last records are a table in memory, made by reading the
 * records' heads when the file is first used and brought up to date when
 * the file grew (another process appended) or was replaced (another
 * process compacted it): its inode and size are looked at by every call,
 * one stat.
 *
 * A head that does not parse, or a record that runs past the end of the
 * file, ends the records read: the rest is a crash's torn tail, which the
 * next append cuts off first.  When stale records are most of a file of
 * over COMPACT_MIN bytes, the live records are copied into a new file,
 * synced and renamed over the old one; a reader holding the old one goes on
 * reading it, whole, until its next call sees the new inode.
 */
#include "state_store_internal.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define COMPACT_MIN ((uint64_t)4 << 20)
/* "S <10 digits> <64-byte source>\n" */
#define HEAD_MAX 96
#define SOURCE_MAX 64

struct slot {
	char *source;              /* NULL: empty */
	uint64_t off;              /* where its record's text starts */
	uint32_t len, head;        /* the text's length, the head's */
};

struct state_store {
	pthread_mutex_t lock;
	char *path;
	int fd;                    /* -1: not open (or no file) */
	dev_t dev;
	ino_t ino;
	uint64_t end;              /* records read up to here */
	uint64_t live;             /* bytes of the last records */
	struct slot *slots;        /* open addressing by source */
	size_t n, n_slots;         /* n_slots: 0 or a power of two over twice n */
};

int state_store_new(struct state_store **out, const char *path)
{
	struct state_store *st = calloc(1, sizeof(*st));

	*out = NULL;
	if (st == NULL || (st->path = strdup(path)) == NULL) {
		free(st);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&st->lock, NULL);
	st->fd = -1;
	*out = st;
	return 0;
}

static void forget(struct state_store *st)
{
	for (size_t i = 0; i < st->n_slots; i++)
		free(st->slots[i].source);
	if (st->n_slots)
		memset(st->slots, 0, st->n_slots * sizeof(*st->slots));
	st->n = 0;
	st->end = st->live = 0;
}

static void close_file(struct state_store *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	forget(st);
}

void state_store_free(struct state_store *st)
{
	if (st == NULL)
		return;
	close_file(st);
	free(st->slots);
	free(st->path);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static struct slot *slot_of(struct state_store *st, const char *source, size_t len)
{
	size_t mask = st->n_slots - 1, i = (size_t)rl_hash64_bytes(source, len) & mask;

	while (st->slots[i].source &&
	       !(strncmp(st->slots[i].source, source, len) == 0 && st->slots[i].source[len] == '\0'))
		i = (i + 1) & mask;
	return &st->slots[i];
}

static int grow(struct state_store *st)
{
	struct slot *old = st->slots;
	size_t n_old = st->n_slots, n_new = n_old ? n_old * 2 : 64;

	if ((st->n + 1) * 2 <= n_old)
		return 0;
	if ((st->slots = calloc(n_new, sizeof(*st->slots))) == NULL) {
		st->slots = old;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	st->n_slots = n_new;
	for (size_t i = 0; i < n_old; i++)
		if (old[i].source)
			*slot_of(st, old[i].source, strlen(old[i].source)) = old[i];
	free(old);
	return 0;
}

/* Records `source`'s last record: its text at `off`, `len` bytes. */
static int note(struct state_store *st, const char *source, size_t slen, uint64_t off,
		uint32_t len, uint32_t head)
{
	struct slot *s;
	int rc;

	if ((rc = grow(st)) < 0)
		return rc;
	s = slot_of(st, source, slen);
	if (s->source) {
		st->live -= (uint64_t)s->head + s->len + 1;
	} else {
		if ((s->source = strndup(source, slen)) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		st->n++;
	}
	s->off = off;
	s->len = len;
	s->head = head;
	st->live += (uint64_t)head + len + 1;
	return 0;
}

static int source_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* The head at `p` (`n` bytes read): its length, the text's length and the
 * source; 0 when it is no head. */
static size_t parse_head(uint32_t *len, const char **source, size_t *slen, const char *p,
			 size_t n)
{
	uint64_t v = 0;
	size_t i = 2, digits = 0, s;

	if (n < 5 || p[0] != 'S' || p[1] != ' ')
		return 0;
	for (; i < n && p[i] >= '0' && p[i] <= '9' && digits < 10; i++, digits++)
		v = v * 10 + (uint64_t)(p[i] - '0');
	if (digits == 0 || i >= n || p[i] != ' ' || v > STATE_STORE_RECORD_MAX)
		return 0;
	for (s = ++i; i < n && source_char(p[i]) && i - s < SOURCE_MAX; i++)
		;
	if (i == s || i >= n || p[i] != '\n')
		return 0;
	*len = (uint32_t)v;
	*source = p + s;
	*slen = i - s;
	return i + 1;
}

/* Reads the records from st->end up to `size`; stops at a torn one. */
static int scan(struct state_store *st, uint64_t size)
{
	char head[HEAD_MAX];
	int rc;

	while (st->end < size) {
		uint64_t left = size - st->end;
		ssize_t n = pread(st->fd, head, left < sizeof(head) ? (size_t)left : sizeof(head),
				  (off_t)st->end);
		const char *source;
		size_t hl, slen;
		uint32_t len;

		if (n < 0)
			return rl_error_set_errno(RL_EIO, "cannot read '%s'", st->path);
		if ((hl = parse_head(&len, &source, &slen, head, (size_t)n)) == 0 ||
		    (uint64_t)hl + len + 1 > left)
			break;
		if ((rc = note(st, source, slen, st->end + hl, len, (uint32_t)hl)) < 0)
			return rc;
		st->end += (uint64_t)hl + len + 1;
	}
	return 0;
}

/* Makes the file, and its folder when missing (removed under a running
 * process). */
static int create_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (rl_file_mkdir_parent(path) < 0) {
		rl_error_clear();
		errno = ENOENT;
		return -1;
	}
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
}

/* The table brought up to the file as it is now (none: empty); *size its
 * size.  With `create`, a missing file is made. */
static int refresh(struct state_store *st, uint64_t *size, int create)
{
	struct stat sb;

	*size = 0;
	if (stat(st->path, &sb) < 0) {
		if (errno != ENOENT)
			return rl_error_set_errno(RL_EIO, "cannot read '%s'", st->path);
		close_file(st);
		if (!create)
			return 0;
		if ((st->fd = create_file(st->path)) < 0)
			return rl_error_set_errno(RL_EIO, "cannot create '%s'", st->path);
		if (fstat(st->fd, &sb) < 0) {
			close_file(st);
			return rl_error_set_errno(RL_EIO, "cannot read '%s'", st->path);
		}
	} else if (st->fd < 0 || sb.st_ino != st->ino || sb.st_dev != st->dev ||
		   (uint64_t)sb.st_size < st->end) {
		/* new, replaced by a compaction, or cut short: read again */
		close_file(st);
		if ((st->fd = open(st->path, O_RDWR | O_CLOEXEC)) < 0 &&
		    (errno != EACCES || (st->fd = open(st->path, O_RDONLY | O_CLOEXEC)) < 0))
			return rl_error_set_errno(RL_EIO, "cannot open '%s'", st->path);
	}
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	*size = (uint64_t)sb.st_size;
	return scan(st, *size);
}

int state_store_get(rl_buf *out, struct state_store *st, const char *source)
{
	struct slot *s = NULL;
	uint64_t size;
	ssize_t n;
	int rc;

	pthread_mutex_lock(&st->lock);
	if ((rc = refresh(st, &size, 0)) < 0)
		goto done;
	if (st->n_slots == 0 || (s = slot_of(st, source, strlen(source)))->source == NULL) {
		rc = RL_ENOTFOUND;
		goto done;
	}
	out->len = 0;
	if ((rc = rl_buf_grow(out, (size_t)s->len + 1)) < 0)
		goto done;
	if ((n = pread(st->fd, out->ptr, s->len, (off_t)s->off)) != (ssize_t)s->len) {
		rc = rl_error_set_errno(RL_EIO, "cannot read '%s'", st->path);
		goto done;
	}
	out->len = s->len;
	out->ptr[out->len] = '\0';
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

/* Writes all of `iov` at `off` (a state is far below one pwritev's limit). */
static int write_at(struct state_store *st, struct iovec *iov, int n_iov, uint64_t off,
		    size_t want)
{
	ssize_t n = pwritev(st->fd, iov, n_iov, (off_t)off);

	if (n != (ssize_t)want)
		return rl_error_set_errno(RL_EIO, "cannot write '%s'%s", st->path,
					  n >= 0 ? " (short write)" : "");
	return 0;
}

/* The live records into a new file that replaces the old; best effort. */
static void compact(struct state_store *st)
{
	char tmp[4096 + 32];
	rl_buf rec = RL_BUF_INIT(HEAD_MAX + STATE_STORE_RECORD_MAX + 1);
	uint64_t pos = 0;
	struct stat sb;
	int fd = -1, ok = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", st->path, (long)getpid()) >=
		    sizeof(tmp) ||
	    (fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		goto done;
	for (size_t i = 0; i < st->n_slots; i++) {
		struct slot *s = &st->slots[i];
		size_t len = (size_t)s->head + s->len + 1;
		if (s->source == NULL)
			continue;
		if (rl_buf_grow(&rec, len) < 0 ||
		    pread(st->fd, rec.ptr, len, (off_t)(s->off - s->head)) != (ssize_t)len ||
		    pwrite(fd, rec.ptr, len, (off_t)pos) != (ssize_t)len)
			goto done;
		s->off = pos + s->head;
		pos += len;
	}
	if (fdatasync(fd) < 0 || fstat(fd, &sb) < 0 || rename(tmp, st->path) < 0)
		goto done;
	close(st->fd);
	st->fd = fd;
	fd = -1;
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	st->end = st->live = pos;
	ok = 1;
done:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	if (!ok) {
		/* the offsets may be half moved: read the old file again */
		close_file(st);
		rl_error_clear();
	}
	rl_buf_release(&rec);
}

int state_store_put(struct state_store *st, const char *source, const struct iovec *text, int n)
{
	char head[HEAD_MAX];
	struct iovec iov[STATE_STORE_PARTS_MAX + 2];
	size_t slen = strlen(source), len = 0;
	uint64_t size, at;
	int hl, rc;

	if (n < 1 || n > STATE_STORE_PARTS_MAX)
		return rl_error_set(RL_EINVAL, "a state in %d parts", n);
	for (int i = 0; i < n; i++)
		len += text[i].iov_len;

	if (slen == 0 || slen > SOURCE_MAX || len > STATE_STORE_RECORD_MAX)
		return rl_error_set(RL_EINVAL, "a state of '%.64s' cannot be stored", source);
	for (size_t i = 0; i < slen; i++)
		if (!source_char(source[i]))
			return rl_error_set(RL_EINVAL, "bad source name '%.64s'", source);
	hl = snprintf(head, sizeof(head), "S %zu %s\n", len, source);
	pthread_mutex_lock(&st->lock);
	if ((rc = refresh(st, &size, 1)) < 0)
		goto done;
	/* a torn tail after the last whole record goes first */
	at = st->end;
	if (size > at && ftruncate(st->fd, (off_t)at) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot write '%s'", st->path);
		goto done;
	}
	iov[0] = (struct iovec){ head, (size_t)hl };
	memcpy(iov + 1, text, (size_t)n * sizeof(*text));
	iov[n + 1] = (struct iovec){ "\n", 1 };
	if ((rc = write_at(st, iov, n + 2, at, (size_t)hl + len + 1)) < 0) {
		if (ftruncate(st->fd, (off_t)at) < 0)
			close_file(st); /* read again: the torn record is dropped then */
		goto done;
	}
	if ((rc = note(st, source, slen, at + (uint64_t)hl, (uint32_t)len, (uint32_t)hl)) < 0)
		goto done;
	st->end = at + (uint64_t)hl + len + 1;
	if (st->end > COMPACT_MIN && st->live * 2 < st->end)
		compact(st);
done:
	pthread_mutex_unlock(&st->lock);
	return rc;
}

void state_store_sizes(size_t *file, size_t *live, struct state_store *st)
{
	pthread_mutex_lock(&st->lock);
	*file = (size_t)st->end;
	*live = (size_t)st->live;
	pthread_mutex_unlock(&st->lock);
}
