/*
 * fetchlog.c - one line per fetch, appended to the day's file; see
 * redline/fetchlog.h.
 *
 * Reading streams each file through a fixed buffer (no file is held whole),
 * with a cap on a line's length and on a file's size: a damaged line, a
 * NUL, a line of the other layout or an overlong one is counted as bad and
 * skipped, never trusted.
 */
#include "redline/fetchlog.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/path.h"
#include "redline/timeutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY_NAME_LEN 14 /* "YYYY-MM-DD.log" */
#define DAYS_MAX 100000u /* more than 270 years of day files: refuse */

static int is_word(const char *s, size_t max, const char *allowed)
{
	size_t n = strlen(s);
	return n > 0 && n < max && strspn(s, allowed) == n;
}

static int valid_entry(const rl_fetchlog_entry *e)
{
	return e->status >= 0 && e->status <= 999 &&
	       is_word(e->outcome, sizeof(e->outcome), "abcdefghijklmnopqrstuvwxyz-") &&
	       is_word(e->version, sizeof(e->version), "0123456789abcdef-") &&
	       is_word(e->commit, sizeof(e->commit), "0123456789abcdef-");
}

int rl_fetchlog_append(rl_appendset *set, rl_archive *archive, const char *source,
		       const rl_fetchlog_entry *e)
{
	char path[4200], when[RL_TIME_ISO_SIZE], line[256];
	int len, error;

	if ((error = rl_path_source_name_check(source)) < 0)
		return error;
	if (!valid_entry(e))
		return rl_error_set(RL_EINVAL, "bad fetch log entry for '%s'", source);
	rl_time_format_iso8601(when, e->time);
	snprintf(path, sizeof(path), "%s/fetchlog/day/%.10s.log", rl_archive_state_dir(archive),
		 when);
	len = snprintf(line, sizeof(line), "%s %s %ld %s %s %s\n", when, source, e->status,
		       e->outcome, e->version, e->commit);
	if (len < 0 || (size_t)len >= sizeof(line))
		return rl_error_set(RL_EINVAL, "bad fetch log entry for '%s'", source);
	return rl_appendset_write(set, path, line, (size_t)len);
}

/* Splits `line` at single spaces into at most `max` fields; -1 when a field
 * is empty (two spaces, a leading or trailing one) or there are more. */
static int split(char **field, int max, char *line)
{
	int n = 0;

	for (char *p = line;; p++) {
		char *sp = strchr(p, ' ');
		if (n == max || *p == '\0' || *p == ' ')
			return -1;
		field[n++] = p;
		if (sp == NULL)
			return n;
		*sp = '\0';
		p = sp;
	}
}

static int copy_field(char *out, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n >= size)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

/* A line of either layout: 6 fields with the source, 5 without (the old
 * per-source logs).  `want` is the layout expected; the other one is bad.
 * On success `*source` points into `line` (NULL for the old layout). */
static int parse_line(rl_fetchlog_entry *e, const char **source, char *line, int want)
{
	char *f[6], *end;
	int n = split(f, 6, line), k = 0;

	memset(e, 0, sizeof(*e));
	*source = NULL;
	if (n != want)
		return -1;
	/* Only the canonical UTC form the writer makes, so that a line reads
	 * back as exactly the time written. */
	if (strlen(f[0]) != 20 || f[0][10] != 'T' || f[0][19] != 'Z' ||
	    rl_time_parse_iso8601(&e->time, f[k++]) < 0)
		return -1;
	if (want == 6) {
		if (rl_path_source_name_check(f[k]) < 0) {
			rl_error_clear();
			return -1;
		}
		*source = f[k++];
	}
	if (f[k][0] < '0' || f[k][0] > '9' || strlen(f[k]) > 3)
		return -1;
	e->status = strtol(f[k], &end, 10);
	if (*end != '\0')
		return -1;
	k++;
	if (copy_field(e->outcome, sizeof(e->outcome), f[k++]) < 0 ||
	    copy_field(e->version, sizeof(e->version), f[k++]) < 0 ||
	    copy_field(e->commit, sizeof(e->commit), f[k]) < 0)
		return -1;
	return valid_entry(e) ? 0 : -1;
}

typedef int (*line_fn)(char *line, size_t len, void *payload);

/* Calls `fn` for each complete line of `path` (NUL-terminated in place, the
 * newline dropped); a line longer than RL_FETCHLOG_LINE_MAX is passed with
 * len SIZE_MAX so the caller counts it.  The last line without a newline was
 * cut by a crash: it is not a fetch anyone can vouch for, and is dropped.
 * A missing file is RL_ENOTFOUND. */
static int each_line(const char *path, unsigned long long max, line_fn fn, void *payload)
{
	char buf[64 * 1024];
	size_t have = 0;
	int fd, error = 0, overlong = 0;
	struct stat st;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? RL_ENOTFOUND
			: rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = rl_error_set(RL_EINVAL, "fetch log '%s' is not a file", path);
		goto done;
	}
	if ((unsigned long long)st.st_size > max) {
		error = rl_error_set(RL_ETOOBIG, "fetch log '%s' is larger than %llu MiB", path,
				     max >> 20);
		goto done;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		size_t start = 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
			goto done;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		for (char *nl; (nl = memchr(buf + start, '\n', have - start)) != NULL;) {
			size_t len = (size_t)(nl - (buf + start));
			*nl = '\0';
			if (overlong || len > RL_FETCHLOG_LINE_MAX)
				error = fn(buf + start, SIZE_MAX, payload);
			else
				error = fn(buf + start, len, payload);
			overlong = 0;
			start += len + 1;
			if (error)
				goto done;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have > RL_FETCHLOG_LINE_MAX) {
			overlong = 1; /* the rest up to the next newline is one bad line */
			have = 0;
		}
	}
done:
	close(fd);
	return error;
}

struct read_ctx {
	const char *source;   /* NULL: scan */
	int want;             /* 5: an old per-source log, 6: a day file */
	int64_t since;
	rl_fetchlog_entry *v;
	size_t n, cap, bad;
	rl_fetchlog_cb cb;    /* scan */
	void *payload;
};

static int keep(struct read_ctx *c, const rl_fetchlog_entry *e)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		rl_fetchlog_entry *nv;
		if (c->n >= RL_FETCHLOG_ENTRIES_MAX)
			return rl_error_set(RL_ETOOBIG, "more than %u fetches of '%s' logged: "
					    "read a shorter span", RL_FETCHLOG_ENTRIES_MAX, c->source);
		if ((nv = realloc(c->v, ncap * sizeof(*nv))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		c->v = nv;
		c->cap = ncap;
	}
	c->v[c->n++] = *e;
	return 0;
}

static int on_line(char *line, size_t len, void *payload)
{
	struct read_ctx *c = payload;
	rl_fetchlog_entry e;
	const char *source = NULL;

	if (len == SIZE_MAX || memchr(line, '\0', len) != NULL ||
	    parse_line(&e, &source, line, c->want) < 0) {
		if (c->cb)
			return c->cb(c->want == 5 ? c->source : NULL, NULL, c->payload);
		c->bad++;
		return 0;
	}
	if (c->cb)
		return c->cb(source ? source : c->source, &e, c->payload);
	if ((source && strcmp(source, c->source) != 0) || e.time < c->since)
		return 0;
	return keep(c, &e);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The day files, oldest first: only names of the form YYYY-MM-DD.log. */
static int list_days(rl_strvec *out, rl_archive *archive)
{
	char dir[4200];
	DIR *d;
	struct dirent *de;
	int error = 0;

	snprintf(dir, sizeof(dir), "%s/fetchlog/day", rl_archive_state_dir(archive));
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : rl_error_set_errno(RL_EIO, "cannot read '%s'", dir);
	while (error == 0 && (de = readdir(d)) != NULL) {
		const char *s = de->d_name;
		if (strlen(s) != DAY_NAME_LEN || strspn(s, "0123456789") != 4 || s[4] != '-' ||
		    strspn(s + 5, "0123456789") != 2 || s[7] != '-' ||
		    strspn(s + 8, "0123456789") != 2 || strcmp(s + 10, ".log") != 0)
			continue;
		if (out->n >= DAYS_MAX)
			error = rl_error_set(RL_ETOOBIG, "more than %u fetch log day files in '%s'",
					     DAYS_MAX, dir);
		else
			error = rl_strvec_push(out, s);
	}
	closedir(d);
	if (error == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), cmp_name);
	return error;
}

/* The old per-source log, then the day files from the day of `since` on. */
static int read_all(struct read_ctx *c, rl_archive *archive, const char *const *sources,
		    size_t n_sources)
{
	rl_strvec days = RL_STRVEC_INIT;
	char path[4200], since_day[RL_TIME_ISO_SIZE] = "";
	int error = 0;

	for (size_t i = 0; i < n_sources && error == 0; i++) {
		if ((error = rl_path_source_name_check(sources[i])) < 0)
			break;
		snprintf(path, sizeof(path), "%s/fetchlog/%s.log", rl_archive_state_dir(archive),
			 sources[i]);
		c->source = sources[i];
		c->want = 5;
		if ((error = each_line(path, RL_FETCHLOG_READ_MAX, on_line, c)) == RL_ENOTFOUND)
			error = 0;
	}
	if (error == 0)
		error = list_days(&days, archive);
	if (c->since > 0)
		rl_time_format_iso8601(since_day, c->since);
	c->source = c->cb ? NULL : sources[0];
	c->want = 6;
	for (size_t i = 0; i < days.n && error == 0; i++) {
		if (since_day[0] && strncmp(days.v[i], since_day, 10) < 0)
			continue; /* every line of a day file is of its day */
		snprintf(path, sizeof(path), "%s/fetchlog/day/%s", rl_archive_state_dir(archive),
			 days.v[i]);
		if ((error = each_line(path, RL_FETCHLOG_DAY_MAX, on_line, c)) == RL_ENOTFOUND)
			error = 0; /* removed while we read */
	}
	rl_strvec_release(&days);
	return error;
}

struct ordered {
	rl_fetchlog_entry e;
	size_t seq;
};

static int cmp_time(const void *a, const void *b)
{
	const struct ordered *x = a, *y = b;
	if (x->e.time != y->e.time)
		return x->e.time < y->e.time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Time order, stable: the old log (all before the upgrade, unless an older
 * redline ran again since) and lines of concurrent processes interleave. */
static int sort_by_time(rl_fetchlog_entry *v, size_t n)
{
	struct ordered *o;
	size_t i = 1;

	while (i < n && v[i - 1].time <= v[i].time)
		i++;
	if (i >= n)
		return 0; /* the usual case: already in order */
	if ((o = malloc(n * sizeof(*o))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		o[i].e = v[i];
		o[i].seq = i;
	}
	qsort(o, n, sizeof(*o), cmp_time);
	for (i = 0; i < n; i++)
		v[i] = o[i].e;
	free(o);
	return 0;
}

int rl_fetchlog_read(rl_fetchlog_entry **out, size_t *n, size_t *bad, rl_archive *archive,
		     const char *source, int64_t since)
{
	struct read_ctx c;
	int error;

	*out = NULL;
	*n = 0;
	if (bad)
		*bad = 0;
	memset(&c, 0, sizeof(c));
	c.since = since;
	if ((error = read_all(&c, archive, &source, 1)) < 0 ||
	    (error = sort_by_time(c.v, c.n)) < 0) {
		free(c.v);
		return error;
	}
	rl_error_clear();
	*out = c.v;
	*n = c.n;
	if (bad)
		*bad = c.bad;
	return 0;
}

int rl_fetchlog_scan(rl_archive *archive, const char *const *sources, size_t n_sources,
		     rl_fetchlog_cb cb, void *payload)
{
	struct read_ctx c;

	memset(&c, 0, sizeof(c));
	c.cb = cb;
	c.payload = payload;
	return read_all(&c, archive, sources, n_sources);
}
