/*
 * fetchlog.c - one line per fetch, appended; see redline/fetchlog.h.
 */
#include "redline/fetchlog.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/path.h"
#include "redline/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int log_path(char *out, size_t size, rl_archive *archive, const char *source)
{
	int error;
	if ((error = rl_path_source_name_check(source)) < 0)
		return error;
	snprintf(out, size, "%s/fetchlog/%s.log", rl_archive_state_dir(archive), source);
	return 0;
}

static int is_word(const char *s, size_t max, const char *allowed)
{
	size_t n = strlen(s);
	return n > 0 && n < max && strspn(s, allowed) == n;
}

int rl_fetchlog_append(rl_archive *archive, const char *source, const rl_fetchlog_entry *e)
{
	char path[4200], dir[4100], when[RL_TIME_ISO_SIZE], line[256];
	int fd, len, error = 0;
	const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC;

	if (!is_word(e->outcome, sizeof(e->outcome), "abcdefghijklmnopqrstuvwxyz-") ||
	    !is_word(e->version, sizeof(e->version), "0123456789abcdef-") ||
	    !is_word(e->commit, sizeof(e->commit), "0123456789abcdef-"))
		return rl_error_set(RL_EINVAL, "bad fetch log entry for '%s'", source);
	if ((error = log_path(path, sizeof(path), archive, source)) < 0)
		return error;
	rl_time_format_iso8601(when, e->time);
	len = snprintf(line, sizeof(line), "%s %ld %s %s %s\n", when, e->status, e->outcome,
		       e->version, e->commit);
	/* The directory is made when the open says it is missing (a new
	 * archive), not before every line. */
	if ((fd = open(path, flags, 0644)) < 0 && errno == ENOENT) {
		snprintf(dir, sizeof(dir), "%s/fetchlog", rl_archive_state_dir(archive));
		if ((error = rl_file_mkdir_p(dir)) < 0)
			return error;
		fd = open(path, flags, 0644);
	}
	if (fd < 0)
		return rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
	/* One write of one short line: appends never interleave mid-line. */
	if (write(fd, line, (size_t)len) != len)
		error = rl_error_set_errno(RL_EIO, "cannot append to '%s'", path);
	close(fd);
	return error;
}

int rl_fetchlog_sync(rl_archive *archive)
{
	int fd = open(rl_archive_state_dir(archive), O_RDONLY | O_DIRECTORY | O_CLOEXEC), error = 0;

	if (fd < 0)
		return rl_error_set_errno(RL_EIO, "cannot open '%s'", rl_archive_state_dir(archive));
	if (syncfs(fd) < 0)
		error = rl_error_set_errno(RL_EIO, "cannot flush the fetch log");
	close(fd);
	return error;
}

static int parse_line(rl_fetchlog_entry *e, char *line)
{
	char when[32];
	memset(e, 0, sizeof(*e));
	if (sscanf(line, "%31s %ld %15s %32s %40s", when, &e->status, e->outcome, e->version,
		   e->commit) != 5)
		return -1;
	return rl_time_parse_iso8601(&e->time, when) < 0 ? -1 : 0;
}

int rl_fetchlog_read(rl_fetchlog_entry **out, size_t *n, size_t *bad, rl_archive *archive,
		     const char *source)
{
	rl_buf data = RL_BUF_INIT(RL_FETCHLOG_READ_MAX);
	rl_fetchlog_entry *v = NULL;
	size_t cap = 0, count = 0, skipped = 0;
	char path[4200];
	int error;

	*out = NULL;
	*n = 0;
	if ((error = log_path(path, sizeof(path), archive, source)) < 0)
		return error;
	if ((error = rl_file_read(&data, path)) == RL_ENOTFOUND) {
		rl_error_clear();
		rl_buf_release(&data);
		return 0; /* never fetched */
	}
	if (error < 0) {
		rl_buf_release(&data);
		return error;
	}
	for (char *line = data.ptr; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol == NULL)
			break; /* a line cut by a crash: not a fetch we can vouch for */
		*eol = '\0';
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			rl_fetchlog_entry *nv = realloc(v, ncap * sizeof(*nv));
			if (nv == NULL) {
				free(v);
				rl_buf_release(&data);
				return rl_error_set(RL_ENOMEM, "out of memory");
			}
			v = nv;
			cap = ncap;
		}
		if (parse_line(&v[count], line) == 0)
			count++;
		else
			skipped++;
		line = eol + 1;
	}
	rl_error_clear();
	rl_buf_release(&data);
	*out = v;
	*n = count;
	if (bad)
		*bad = skipped;
	return 0;
}
