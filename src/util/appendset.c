/*
 * appendset.c - a few append-only files open for a cycle; see
 * redline/appendset.h.
 */
#include "redline/appendset.h"
#include "redline/error.h"
#include "redline/file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct entry {
	char *path;
	int fd;       /* -1: the open failed (errno_open says why) */
	int errno_open;
	int dirty;    /* written since the last sync */
	int created;  /* made by this set: its directory entry needs a sync */
};

struct rl_appendset {
	struct entry files[RL_APPENDSET_MAX_FILES];
	size_t n;
};

int rl_appendset_new(rl_appendset **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;

	if (len == 0 || len >= sizeof(dir))
		return 0;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return rl_file_sync_dir(dir);
}

static int entry_sync(struct entry *e)
{
	int error = 0;

	if (e->fd >= 0 && e->dirty && fdatasync(e->fd) < 0)
		error = rl_error_set_errno(RL_EIO, "cannot sync '%s'", e->path);
	e->dirty = 0;
	if (e->created && error == 0) {
		error = sync_dir_of(e->path);
		e->created = 0;
	}
	return error;
}

static void entry_close(struct entry *e)
{
	if (e->fd >= 0)
		close(e->fd);
	free(e->path);
	memset(e, 0, sizeof(*e));
}

/* Opens without O_CREAT first: only the first open of a day makes the file
 * (and its directory), and the set then knows to sync the directory too. */
static void entry_open(struct entry *e)
{
	const int flags = O_WRONLY | O_APPEND | O_CLOEXEC;

	if ((e->fd = open(e->path, flags)) >= 0 || errno != ENOENT)
		goto done;
	if (rl_file_mkdir_parent(e->path) < 0) {
		int saved = errno; /* why the directory could not be made */
		rl_error_clear();
		errno = saved ? saved : EACCES;
		goto done;
	}
	if ((e->fd = open(e->path, flags | O_CREAT | O_EXCL, 0644)) >= 0)
		e->created = 1;
	else if (errno == EEXIST) /* another process made it in between */
		e->fd = open(e->path, flags);
done:
	e->errno_open = e->fd < 0 ? errno : 0;
}

static int find_or_open(struct entry **out, rl_appendset *set, const char *path)
{
	struct entry *e;
	int error;

	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->files[i].path, path) == 0) {
			*out = &set->files[i];
			return 0;
		}
	if (set->n == RL_APPENDSET_MAX_FILES) {
		/* The oldest file is done with (a cycle moves forward in time). */
		error = entry_sync(&set->files[0]);
		entry_close(&set->files[0]);
		memmove(&set->files[0], &set->files[1], (set->n - 1) * sizeof(set->files[0]));
		set->n--;
		memset(&set->files[set->n], 0, sizeof(set->files[0]));
		if (error < 0)
			return error;
	}
	e = &set->files[set->n];
	if ((e->path = strdup(path)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	set->n++;
	entry_open(e);
	*out = e;
	return 0;
}

int rl_appendset_write(rl_appendset *set, const char *path, const void *data, size_t len)
{
	struct entry *e = NULL;
	ssize_t w;
	int error;

	if ((error = find_or_open(&e, set, path)) < 0)
		return error;
	if (e->fd < 0) {
		errno = e->errno_open;
		return rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
	}
	/* One write: with O_APPEND the record lands whole at the end, even with
	 * another process appending to the same file. */
	if ((w = write(e->fd, data, len)) != (ssize_t)len) {
		if (w >= 0)
			errno = ENOSPC;
		error = rl_error_set_errno(RL_EIO, "cannot append to '%s'", path);
	}
	e->dirty = 1;
	return error;
}

int rl_appendset_sync(rl_appendset *set)
{
	int error = 0;

	for (size_t i = 0; i < set->n; i++) {
		int e = entry_sync(&set->files[i]);
		if (error == 0)
			error = e;
	}
	return error;
}

void rl_appendset_free(rl_appendset *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		entry_close(&set->files[i]);
	free(set);
}
