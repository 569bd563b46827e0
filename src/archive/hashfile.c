/*
 * hashfile.c - a persistent open-addressing hash table in one mapped file
 * (see hashfile_internal.h).
 *
 * Layout: a 64-byte header ("RLHASH1\n", capacity, count, two caller tags,
 * all little-endian host words) and `capacity` slots of {key, value}.
 * Linear probing; the capacity is a power of two; growing writes a new
 * file beside the old one and renames it over, so a crash leaves one or
 * the other.  Slots are changed in place through a shared mapping: a crash
 * in the middle leaves a table its users detect (their values are checked
 * against the data they point into) and rebuild.
 *
 * The mapping is made only when it pays: a table opened for a few lookups
 * (a story's revisions, whether a source had an id before) reads its
 * header and probes with pread().  Mapping and unmapping a file in a
 * process with worker threads costs page faults and, at munmap(), a TLB
 * shootdown on every core the threads ran on: the revision index and the
 * known-id list opened per ingested source spent ~0.9 ms of the cycle
 * thread each that way.  The first change, or the MAP_AFTER_GETS-th
 * lookup, maps it as before.
 */
#include "hashfile_internal.h"
#include "redline/error.h"
#include "redline/story.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "RLHASH1\n"
#define HEADER 64
#define MIN_CAP 1024u
/* Lookups by pread() before the table is mapped: a catch-up or a rebuild
 * looks up every key it adds, and a mapped probe costs no syscall. */
#define MAP_AFTER_GETS 64
/* Slots read per pread() of a probe (a run of linear probing). */
#define PROBE_READ 16

struct header {
	char magic[8];
	uint64_t cap, count, tag0, tag1;
	char pad[HEADER - 40];
};

struct slot {
	uint64_t key, value;
};

struct rl_hashfile {
	int fd;
	void *map;
	size_t len;
	struct header *h;     /* the mapped header, or `copy` while unmapped */
	struct header copy;   /* the header as read at open */
	struct slot *slots;   /* NULL while unmapped */
	unsigned gets;        /* lookups by pread() so far */
	char path[4096];
};

static size_t file_len(uint64_t cap)
{
	return HEADER + (size_t)cap * sizeof(struct slot);
}

static uint64_t mix(uint64_t k)
{
	/* splitmix64's finaliser: story ids are hashes already, but tags are not */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebull;
	return k ^ (k >> 31);
}

static void unmap(rl_hashfile *hf)
{
	if (hf->map && hf->map != MAP_FAILED)
		munmap(hf->map, hf->len);
	hf->map = NULL;
	hf->h = NULL;
	hf->slots = NULL;
	hf->gets = 0;
	if (hf->fd >= 0)
		close(hf->fd);
	hf->fd = -1;
}

static int reopen(rl_hashfile *hf);

/* Reads the header of the open file, checking it against the file's size. */
static int read_checked(rl_hashfile *hf)
{
	struct header *h = &hf->copy;
	struct stat st;

	if (fstat(hf->fd, &st) < 0)
		return rl_error_set_errno(RL_EIO, "cannot stat '%s'", hf->path);
	if ((size_t)st.st_size < HEADER || pread(hf->fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h))
		return rl_error_set(RL_EPARSE, "'%s' is truncated", hf->path);
	if (memcmp(h->magic, MAGIC, 8) != 0 || h->cap < MIN_CAP || h->cap > RL_HASHFILE_MAX_CAP ||
	    (h->cap & (h->cap - 1)) != 0 || h->count >= h->cap ||
	    (uint64_t)st.st_size != file_len(h->cap))
		return rl_error_set(RL_EPARSE, "'%s' is not a valid table", hf->path);
	hf->len = file_len(h->cap);
	hf->h = h;
	return 0;
}

/* Maps the table (once): from now on the header and the slots are the
 * file's, changed in place. */
static int map_now(rl_hashfile *hf)
{
	if (hf->map)
		return 0;
	hf->map = mmap(NULL, hf->len, PROT_READ | PROT_WRITE, MAP_SHARED, hf->fd, 0);
	if (hf->map == MAP_FAILED) {
		hf->map = NULL;
		return rl_error_set_errno(RL_EIO, "cannot map '%s'", hf->path);
	}
	hf->h = hf->map;
	hf->slots = (struct slot *)((char *)hf->map + HEADER);
	return 0;
}

/* Opens and checks the table, then maps it (a table about to change). */
static int reopen_mapped(rl_hashfile *hf)
{
	int error = reopen(hf);

	return error < 0 ? error : map_now(hf);
}

/* An empty table of `cap` slots at `path` (written whole, then renamed). */
static int write_empty(const char *path, uint64_t cap, const struct header *tags)
{
	char tmp[4200];
	struct header h;
	int fd, error = 0;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.cap = cap;
	if (tags) {
		h.tag0 = tags->tag0;
		h.tag1 = tags->tag1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot create '%s'", tmp);
	if (ftruncate(fd, (off_t)file_len(cap)) < 0 || pwrite(fd, &h, sizeof(h), 0) != sizeof(h))
		error = rl_error_set_errno(RL_EIO, "cannot write '%s'", tmp);
	close(fd);
	if (error == 0 && rename(tmp, path) < 0)
		error = rl_error_set_errno(RL_EIO, "cannot rename '%s'", tmp);
	if (error < 0)
		unlink(tmp);
	return error;
}

static int reopen(rl_hashfile *hf)
{
	unmap(hf);
	if ((hf->fd = open(hf->path, O_RDWR | O_CLOEXEC)) < 0)
		return errno == ENOENT ? RL_ENOTFOUND
				       : rl_error_set_errno(RL_EIO, "cannot open '%s'", hf->path);
	return read_checked(hf);
}

int rl_hashfile_open(rl_hashfile **out, const char *path, int create)
{
	rl_hashfile *hf;
	int error;

	*out = NULL;
	if ((hf = calloc(1, sizeof(*hf))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	hf->fd = -1;
	if ((size_t)snprintf(hf->path, sizeof(hf->path), "%s", path) >= sizeof(hf->path)) {
		free(hf);
		return rl_error_set(RL_EINVAL, "path too long: '%s'", path);
	}
	error = reopen(hf);
	if (error < 0 && create) {
		rl_error_clear();
		if ((error = write_empty(path, MIN_CAP, NULL)) == 0)
			error = reopen(hf);
	}
	if (error < 0) {
		rl_hashfile_close(hf);
		return error;
	}
	*out = hf;
	return 0;
}

int rl_hashfile_reset(rl_hashfile *hf)
{
	int error;

	unmap(hf);
	if ((error = write_empty(hf->path, MIN_CAP, NULL)) < 0)
		return error;
	return reopen(hf);
}

static struct slot *probe(struct slot *slots, uint64_t cap, uint64_t key)
{
	uint64_t mask = cap - 1, i = mix(key) & mask;

	for (uint64_t n = 0; n < cap; n++, i = (i + 1) & mask)
		if (slots[i].key == key || slots[i].key == 0)
			return &slots[i];
	return NULL; /* full: only a corrupt file (count < cap is checked) */
}

/* probe() by pread(), PROBE_READ slots at a time: 1 and `*value` when
 * `key` is there, 0 when an empty slot comes first. */
static int probe_read(uint64_t *value, const rl_hashfile *hf, uint64_t key)
{
	struct slot run[PROBE_READ];
	uint64_t cap = hf->h->cap, mask = cap - 1, i = mix(key) & mask, n = 0;

	while (n < cap) {
		size_t want = cap - i < PROBE_READ ? (size_t)(cap - i) : PROBE_READ;
		if (pread(hf->fd, run, want * sizeof(*run), HEADER + (off_t)i * (off_t)sizeof(*run)) !=
		    (ssize_t)(want * sizeof(*run)))
			return rl_error_set(RL_EPARSE, "'%s' is truncated", hf->path);
		for (size_t k = 0; k < want && n < cap; k++, n++) {
			if (run[k].key == key) {
				*value = run[k].value;
				return 1;
			}
			if (run[k].key == 0)
				return 0;
		}
		i = (i + want) & mask;
	}
	return rl_error_set(RL_EPARSE, "'%s' is full", hf->path);
}

int rl_hashfile_get(uint64_t *value, rl_hashfile *hf, uint64_t key)
{
	struct slot *s;
	int error;

	if (key == 0)
		return rl_error_set(RL_EINVAL, "key 0 is reserved");
	if (hf->slots == NULL && hf->gets < MAP_AFTER_GETS) {
		hf->gets++;
		return probe_read(value, hf, key);
	}
	if ((error = map_now(hf)) < 0)
		return error;
	if ((s = probe(hf->slots, hf->h->cap, key)) == NULL)
		return rl_error_set(RL_EPARSE, "'%s' is full", hf->path);
	if (s->key == 0)
		return 0;
	*value = s->value;
	return 1;
}

/* Grows the table to `cap` slots: every key rehashed into a new file,
 * renamed over. */
static int grow_to(rl_hashfile *hf, uint64_t cap)
{
	char tmp[4200];
	rl_hashfile next = { .fd = -1 };
	int error;

	if (cap > RL_HASHFILE_MAX_CAP)
		return rl_error_set(RL_ETOOBIG, "'%s' would pass %llu slots", hf->path,
				    (unsigned long long)RL_HASHFILE_MAX_CAP);
	snprintf(tmp, sizeof(tmp), "%s.grow", hf->path);
	if ((size_t)snprintf(next.path, sizeof(next.path), "%s.grow", hf->path) >= sizeof(next.path))
		return rl_error_set(RL_EINVAL, "path too long: '%s'", hf->path);
	if ((error = write_empty(tmp, cap, hf->h)) < 0 || (error = reopen_mapped(&next)) < 0)
		goto done;
	for (uint64_t i = 0; i < hf->h->cap; i++) {
		struct slot *s;
		if (hf->slots[i].key == 0)
			continue;
		if ((s = probe(next.slots, cap, hf->slots[i].key)) == NULL) {
			error = rl_error_set(RL_EPARSE, "'%s' is full", tmp);
			goto done;
		}
		*s = hf->slots[i];
	}
	next.h->count = hf->h->count;
	unmap(&next);
	if (rename(tmp, hf->path) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot rename '%s'", tmp);
		goto done;
	}
	error = reopen_mapped(hf);
done:
	unmap(&next);
	if (error < 0)
		unlink(tmp);
	return error;
}

/* Whether `count` keys pass the 70 % a table of `cap` slots may hold. */
static int too_full(uint64_t count, uint64_t cap)
{
	return count * 10 > cap * 7;
}

int rl_hashfile_reserve(rl_hashfile *hf, uint64_t more)
{
	uint64_t cap;
	int error;

	if ((error = map_now(hf)) < 0)
		return error;
	if (more > RL_HASHFILE_MAX_CAP)
		more = RL_HASHFILE_MAX_CAP;
	for (cap = hf->h->cap; too_full(hf->h->count + more, cap) && cap < RL_HASHFILE_MAX_CAP;)
		cap *= 2;
	return cap == hf->h->cap ? 0 : grow_to(hf, cap);
}

int rl_hashfile_put(rl_hashfile *hf, uint64_t key, uint64_t value)
{
	struct slot *s;
	int error;

	if (key == 0)
		return rl_error_set(RL_EINVAL, "key 0 is reserved");
	if ((error = map_now(hf)) < 0)
		return error;
	if (too_full(hf->h->count + 1, hf->h->cap) && (error = grow_to(hf, hf->h->cap * 2)) < 0)
		return error;
	if ((s = probe(hf->slots, hf->h->cap, key)) == NULL)
		return rl_error_set(RL_EPARSE, "'%s' is full", hf->path);
	if (s->key == 0)
		hf->h->count++;
	s->value = value;
	s->key = key;
	return 0;
}

void rl_hashfile_tags(const rl_hashfile *hf, uint64_t *tag0, uint64_t *tag1)
{
	*tag0 = hf->h->tag0;
	*tag1 = hf->h->tag1;
}

int rl_hashfile_set_tags(rl_hashfile *hf, uint64_t tag0, uint64_t tag1)
{
	int error;

	if (hf->h->tag0 == tag0 && hf->h->tag1 == tag1)
		return 0; /* a lookup's catch-up that found nothing new: no mapping */
	if ((error = map_now(hf)) < 0)
		return error;
	hf->h->tag0 = tag0;
	hf->h->tag1 = tag1;
	return 0;
}

uint64_t rl_hashfile_count(const rl_hashfile *hf)
{
	return hf->h->count;
}

void rl_hashfile_close(rl_hashfile *hf)
{
	if (hf == NULL)
		return;
	unmap(hf);
	free(hf);
}

int rl_hashfile_story_key(uint64_t *out, const char *id)
{
	uint64_t k = 0;

	if (!rl_story_is_id(id))
		return rl_error_set(RL_EINVAL, "'%.12s' is no story id", id);
	for (int i = 0; i < RL_STORY_ID_LEN; i++) {
		char c = id[i];
		k = k << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	*out = k | 1ull << 63; /* never 0, the empty slot */
	return 0;
}
