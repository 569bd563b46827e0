/*
 * file.c - whole-file reads with a cap, atomic writes, mkdir -p.
 */
#include "redline/file.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rl_file_read(rl_buf *out, const char *path)
{
	int fd = 0, error = 0;
	char chunk[65536];
	ssize_t n;

	if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return rl_error_set_errno(errno == ENOENT ? RL_ENOTFOUND : RL_EIO,
					  "cannot open '%s'", path);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
			break;
		}
		if (n == 0)
			break;
		if ((error = rl_buf_put(out, chunk, (size_t)n)) < 0) {
			if (error == RL_ETOOBIG)
				rl_error_set(RL_ETOOBIG, "'%s' is larger than the limit of %zu bytes",
					     path, out->max);
			break;
		}
	}
	if (fd > 0)
		close(fd);
	if (!error && out->ptr == NULL)
		error = rl_buf_put(out, "", 0);
	return error;
}

static int write_replacing(const char *path, const void *data, size_t len, int sync)
{
	char tmp[4096];
	const char *p = data;
	int fd, error = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
		return rl_error_set(RL_EINVAL, "path too long: '%s'", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot create '%s'", tmp);
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = rl_error_set_errno(RL_EIO, "cannot write '%s'", tmp);
			goto done;
		}
		p += n;
		len -= (size_t)n;
	}
	if (sync && fsync(fd) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot sync '%s'", tmp);
		goto done;
	}
done:
	if (close(fd) < 0 && !error)
		error = rl_error_set_errno(RL_EIO, "cannot close '%s'", tmp);
	if (!error && rename(tmp, path) < 0)
		error = rl_error_set_errno(RL_EIO, "cannot rename '%s' to '%s'", tmp, path);
	if (error)
		unlink(tmp);
	return error;
}

int rl_file_write_atomic(const char *path, const void *data, size_t len)
{
	return write_replacing(path, data, len, 1);
}

int rl_file_write_cache(const char *path, const void *data, size_t len)
{
	return write_replacing(path, data, len, 0);
}

int rl_file_mkdir_p(const char *path)
{
	char tmp[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(tmp))
		return rl_error_set(RL_EINVAL, "bad directory name '%s'", path);
	/* Nearly always there already: one call, not one per component (the
	 * caches' writers ask for their directory for every file they write). */
	if (mkdir(path, 0777) == 0 || errno == EEXIST)
		return 0;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
			return rl_error_set_errno(RL_EIO, "cannot create directory '%s'", tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0777) < 0 && errno != EEXIST)
		return rl_error_set_errno(RL_EIO, "cannot create directory '%s'", tmp);
	return 0;
}

int rl_file_mkdir_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return 0;
	if ((size_t)(slash - path) >= sizeof(dir))
		return rl_error_set(RL_EINVAL, "bad file name '%s'", path);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return rl_file_mkdir_p(dir);
}

int rl_file_sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0 || fsync(fd) < 0)
		rc = rl_error_set_errno(RL_EIO, "cannot sync '%s'", dir);
	if (fd >= 0)
		close(fd);
	return rc;
}
