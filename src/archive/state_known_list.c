/*
 * state_known_list.c - the archive's one list of every story id its sources
 * ever had (<gitdir>/redline/known.ids) and its hash table (known.ids.tab).
 *
 * One list for all sources, not one per source: creating a file costs
 * ~300 us of kernel CPU, so a file per new source was a third of the first
 * cycle of 1,000 sources.  A cycle appends the new ids of all its sources in
 * one write().  Each line is
 *
 *   <source> TAB <id> TAB <path> TAB <previous line of the source + 1> LF
 *
 * (the last field in decimal, 0 for the source's first line), so that the
 * newest ids of one source are a chain walked backwards from its newest
 * line, whatever the other sources appended in between.  The path comes
 * before the link: a line torn by a crash either misses a field (skipped)
 * or has its whole path.
 *
 * The table maps key(source, id) to the offset + 1 of the first line of
 * that id, and key(source) to the offset + 1 of the source's newest line;
 * its tags hold how many bytes of the list it covers and the list's inode.
 * Every hit is checked against the line it points to; a table that points
 * at another line is rebuilt, once.  Hostile lines (no four fields, a NUL,
 * a path of another id, over LINE_MAX_BYTES) are skipped, never trusted.
 */
#include "state_known_internal.h"
#include "hashfile_internal.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/hash.h"
#include "redline/story.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define LINE_MAX_BYTES 4096 /* a source, an id, a safe path and a number */
#define SOURCE_MAX 64

struct line {
	const char *source, *id, *path;
	size_t source_len, path_len;
	uint64_t prev;
};

/* Splits one line (without its LF) into its fields; 0 when it is no line of
 * the list (checked without setting an error: hostile lines are skipped). */
static int parse_line(struct line *l, const char *p, size_t len)
{
	const char *t1, *t2, *t3, *name, *end = p + len;
	uint64_t prev = 0;

	if (len > LINE_MAX_BYTES || memchr(p, '\0', len) != NULL ||
	    (t1 = memchr(p, '\t', len)) == NULL || t1 == p || t1 - p > SOURCE_MAX ||
	    end - t1 < RL_STORY_ID_LEN + 2 || t1[RL_STORY_ID_LEN + 1] != '\t' ||
	    !rl_story_is_id(t1 + 1))
		return 0;
	t2 = t1 + 1 + RL_STORY_ID_LEN;
	if ((t3 = memchr(t2 + 1, '\t', (size_t)(end - t2 - 1))) == NULL || t3 == t2 + 1 || t3 + 1 == end)
		return 0;
	for (const char *d = t3 + 1; d < end; d++) {
		if (*d < '0' || *d > '9' || prev > (UINT64_MAX - 9) / 10)
			return 0;
		prev = prev * 10 + (uint64_t)(*d - '0');
	}
	/* the path is the source's and names the id's file */
	name = t3;
	while (name > t2 + 1 && name[-1] != '/')
		name--;
	if ((size_t)(t3 - t2 - 1) <= (size_t)(t1 - p) + 1 || memcmp(t2 + 1, p, (size_t)(t1 - p)) != 0 ||
	    t2[1 + (t1 - p)] != '/')
		return 0;
	{
		char file[LINE_MAX_BYTES + 1];
		const char *in;

		memcpy(file, name, (size_t)(t3 - name)); /* the story.h parser wants a string */
		file[t3 - name] = '\0';
		if ((in = rl_story_id_in_name(file, (size_t)(t3 - name))) == NULL ||
		    memcmp(in, t1 + 1, RL_STORY_ID_LEN) != 0)
			return 0;
	}
	l->source = p;
	l->source_len = (size_t)(t1 - p);
	l->id = t1 + 1;
	l->path = t2 + 1;
	l->path_len = (size_t)(t3 - t2 - 1);
	l->prev = prev;
	return 1;
}

static uint64_t key_of(const char *source, size_t source_len, const char *id)
{
	char buf[SOURCE_MAX + 2 + RL_STORY_ID_LEN];
	size_t n = source_len < SOURCE_MAX ? source_len : SOURCE_MAX;

	memcpy(buf, source, n);
	buf[n++] = '\0';
	if (id) {
		memcpy(buf + n, id, RL_STORY_ID_LEN);
		n += RL_STORY_ID_LEN;
	} else {
		buf[n++] = '\n'; /* the source's newest line: never an id's key */
	}
	return rl_hash64_bytes(buf, n) | 1ull << 63; /* never 0, the empty slot */
}

/* Indexes one parsed line at `offset`. */
static int index_line(rl_hashfile *hf, const struct line *l, uint64_t offset)
{
	uint64_t v, key = key_of(l->source, l->source_len, l->id);
	int error;

	/* the first line of an id wins (its path never changes) */
	if ((error = rl_hashfile_get(&v, hf, key)) == 0)
		error = rl_hashfile_put(hf, key, offset + 1);
	if (error >= 0)
		error = rl_hashfile_put(hf, key_of(l->source, l->source_len, NULL), offset + 1);
	return error < 0 ? error : 0;
}

/* Adds the lines of the list from the covered offset to its end.  A line
 * longer than a chunk is skipped to its end (the covered offset may then
 * stop inside it: a catch-up that starts after no LF skips to the next); a
 * last line without its LF (a write under way, or torn) is left for later. */
static int catch_up(rl_hashfile *hf, int fd, const char *path, uint64_t size, uint64_t inode)
{
	uint64_t covered, tag_inode;
	char *buf = NULL, before;
	int error = 0, skipping = 0;

	rl_hashfile_tags(hf, &covered, &tag_inode);
	if (tag_inode != inode || covered > size) {
		if ((error = rl_hashfile_reset(hf)) < 0)
			return error;
		covered = 0;
	}
	if (covered > 0 && covered < size)
		skipping = pread(fd, &before, 1, (off_t)covered - 1) != 1 || before != '\n';
	if (covered < size && (buf = malloc(CHUNK)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	while (covered < size && error == 0) {
		size_t want = size - covered < CHUNK ? (size_t)(size - covered) : CHUNK, at = 0;
		ssize_t got = pread(fd, buf, want, (off_t)covered);
		char *nl;

		if (got <= 0) {
			error = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
			break;
		}
		for (; (nl = memchr(buf + at, '\n', (size_t)got - at)) != NULL; at = (size_t)(nl - buf) + 1) {
			struct line l;
			if (!skipping && parse_line(&l, buf + at, (size_t)(nl - buf) - at))
				error = index_line(hf, &l, covered + at);
			skipping = 0;
			if (error < 0)
				break;
		}
		if (at == 0 && (size_t)got == CHUNK) { /* no LF in a whole chunk: skip on */
			skipping = 1;
			at = CHUNK;
		} else if (at == 0) {
			break;
		}
		covered += at;
	}
	free(buf);
	if (error == 0)
		error = rl_hashfile_set_tags(hf, covered, inode);
	return error;
}

/* Reads the line at `offset` into `line` and parses it: 1 when it is a
 * whole line of the list starting at a line start, 0 when not. */
static int read_line(struct line *l, char *line, int fd, const char *path, uint64_t offset)
{
	ssize_t got;
	char *nl;

	/* one byte before it, to check that a line starts there */
	if (offset > 0) {
		if ((got = pread(fd, line, LINE_MAX_BYTES + 2, (off_t)offset - 1)) < 0)
			return rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
		if (got < 1 || line[0] != '\n')
			return 0;
		memmove(line, line + 1, (size_t)got - 1);
		got--;
	} else if ((got = pread(fd, line, LINE_MAX_BYTES + 1, 0)) < 0) {
		return rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
	}
	line[got] = '\0';
	if ((nl = memchr(line, '\n', (size_t)got)) == NULL)
		return 0;
	return parse_line(l, line, (size_t)(nl - line));
}

static int same_source(const struct line *l, const char *source)
{
	return strlen(source) == l->source_len && memcmp(l->source, source, l->source_len) == 0;
}

/* Opens the list and its table, caught up; RL_ENOTFOUND (no message) when
 * there is no list, or an empty one. */
static int open_list(int *fd_out, rl_hashfile **hf_out, struct stat *st, const char *list, int create)
{
	char tab[4200];
	int fd, error;

	*fd_out = -1;
	*hf_out = NULL;
	if ((size_t)snprintf(tab, sizeof(tab), "%s.tab", list) >= sizeof(tab))
		return rl_error_set(RL_EINVAL, "path too long: '%s'", list);
	if ((fd = open(list, create ? O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC,
		       0666)) < 0)
		return errno == ENOENT && !create ? RL_ENOTFOUND
						  : rl_error_set_errno(RL_EIO, "cannot open '%s'", list);
	if (fstat(fd, st) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot stat '%s'", list);
		goto fail;
	}
	if (st->st_size == 0 && !create) {
		error = RL_ENOTFOUND;
		goto fail;
	}
	if ((error = rl_hashfile_open(hf_out, tab, 1)) < 0 ||
	    (error = catch_up(*hf_out, fd, list, (uint64_t)st->st_size, (uint64_t)st->st_ino)) < 0)
		goto fail;
	*fd_out = fd;
	return 0;
fail:
	rl_hashfile_close(*hf_out);
	*hf_out = NULL;
	close(fd);
	return error;
}

/* The offset + 1 of the first line of (source, id), checked against that
 * line: 1 and `*l` (pointing into `line`) when found, 0 when not. */
static int find_line(struct line *l, char *line, rl_hashfile *hf, int fd, const char *list,
		     const char *source, const char *id, uint64_t size, uint64_t inode)
{
	uint64_t v, key = key_of(source, strlen(source), id);
	int found, error;

	for (int attempt = 0; attempt < 2; attempt++) {
		if ((found = rl_hashfile_get(&v, hf, key)) <= 0)
			return found;
		if ((found = read_line(l, line, fd, list, v - 1)) < 0)
			return found;
		if (found && same_source(l, source) && memcmp(l->id, id, RL_STORY_ID_LEN) == 0)
			return 1;
		/* the table points at another line: it is not to be trusted */
		if ((error = rl_hashfile_reset(hf)) < 0 ||
		    (error = catch_up(hf, fd, list, size, inode)) < 0)
			return error;
	}
	return rl_error_set(RL_EPARSE, "'%s' cannot be indexed", list);
}

int state_known_list_find(char **path_out, const char *list, const char *source, const char *id)
{
	char line[LINE_MAX_BYTES + 3];
	rl_hashfile *hf = NULL;
	struct stat st;
	struct line l;
	int fd = -1, error;

	*path_out = NULL;
	if (strlen(source) > SOURCE_MAX || strlen(id) != RL_STORY_ID_LEN || !rl_story_is_id(id))
		return RL_ENOTFOUND;
	if ((error = open_list(&fd, &hf, &st, list, 0)) < 0)
		return error;
	if ((error = find_line(&l, line, hf, fd, list, source, id, (uint64_t)st.st_size,
			       (uint64_t)st.st_ino)) == 0)
		error = RL_ENOTFOUND;
	else if (error > 0)
		error = (*path_out = strndup(l.path, l.path_len)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
	rl_hashfile_close(hf);
	close(fd);
	return error;
}

int state_known_list_recent(rl_strvec *ids, rl_strvec *paths, const char *list, const char *source,
			    size_t max)
{
	char line[LINE_MAX_BYTES + 3];
	rl_hashfile *hf = NULL;
	struct stat st;
	uint64_t at = 0;
	int fd = -1, error, found;

	if (strlen(source) > SOURCE_MAX)
		return 0;
	if ((error = open_list(&fd, &hf, &st, list, 0)) < 0)
		return error == RL_ENOTFOUND ? 0 : error;
	if ((found = rl_hashfile_get(&at, hf, key_of(source, strlen(source), NULL))) < 0)
		error = found;
	/* newest first along the chain; each link must go backwards, so a
	 * damaged list ends the walk instead of looping */
	for (size_t n = 0; error == 0 && at > 0 && n < max; n++) {
		struct line l;
		if ((found = read_line(&l, line, fd, list, at - 1)) < 0) {
			error = found;
			break;
		}
		if (!found || !same_source(&l, source))
			break;
		if ((error = rl_strvec_pushn(ids, l.id, RL_STORY_ID_LEN)) < 0 ||
		    (error = rl_strvec_pushn(paths, l.path, l.path_len)) < 0)
			break;
		if (l.prev >= at)
			break;
		at = l.prev;
	}
	rl_hashfile_close(hf);
	close(fd);
	return error;
}

/* One line of the list: source, id, path and the link, tab-separated. */
static int put_line(rl_buf *b, const rl_state_known *k, uint64_t prev)
{
	char num[24];
	size_t n = sizeof(num);
	int error;

	do
		num[--n] = (char)('0' + prev % 10);
	while ((prev /= 10) > 0);
	if ((error = rl_buf_puts(b, k->source)) < 0 || (error = rl_buf_putc(b, '\t')) < 0 ||
	    (error = rl_buf_puts(b, k->id)) < 0 || (error = rl_buf_putc(b, '\t')) < 0 ||
	    (error = rl_buf_puts(b, k->path)) < 0 || (error = rl_buf_putc(b, '\t')) < 0 ||
	    (error = rl_buf_put(b, num + n, sizeof(num) - n)) < 0)
		return error;
	return rl_buf_putc(b, '\n');
}

int state_known_list_append(const char *list, const rl_state_known *known, size_t n, int only_new)
{
	rl_buf lines = RL_BUF_INIT(1u << 30);
	char line[LINE_MAX_BYTES + 3], last;
	rl_hashfile *hf = NULL;
	struct stat st;
	unsigned char *skip = NULL;
	uint64_t base, v, more = 0;
	int fd = -1, error = 0, found;

	if (n == 0)
		return 0;
	if ((error = open_list(&fd, &hf, &st, list, 1)) < 0)
		return error;
	/* room for every line at once (a source, an id, a path, a number) */
	if ((error = rl_buf_grow(&lines, n * 128)) < 0)
		goto done;
	/* a last line torn by a crash gets its LF: the new lines start clean */
	if (st.st_size > 0 && (pread(fd, &last, 1, st.st_size - 1) != 1 || last != '\n') &&
	    (error = rl_buf_putc(&lines, '\n')) < 0)
		goto done;
	/* what the list holds already is left out (before any new line is
	 * indexed: a check may rebuild the table from the file) */
	if (only_new && (skip = calloc(n, 1)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; only_new && i < n; i++) {
		struct line l;
		if ((found = find_line(&l, line, hf, fd, list, known[i].source, known[i].id,
				       (uint64_t)st.st_size, (uint64_t)st.st_ino)) < 0) {
			error = found;
			goto done;
		}
		skip[i] = (unsigned char)found;
	}
	/* room for every id and each source's newest line, made at once */
	for (size_t i = 0; i < n; i++)
		more += 1 + (i == 0 || strcmp(known[i].source, known[i - 1].source) != 0);
	if ((error = rl_hashfile_reserve(hf, more)) < 0)
		goto done;
	base = (uint64_t)st.st_size;
	for (size_t i = 0; i < n; i++) {
		const rl_state_known *k = &known[i];
		struct line l;
		uint64_t offset = base + lines.len;
		size_t start = lines.len;
		int parsed;

		if (strlen(k->source) > SOURCE_MAX || (skip && skip[i]))
			continue;
		if ((found = rl_hashfile_get(&v, hf, key_of(k->source, strlen(k->source), NULL))) < 0) {
			error = found;
			goto done;
		}
		/* "%s\t%s\t%s\t%" PRIu64 "\n" without printf: 30,000 lines in a
		 * first cycle of 1,000 sources */
		if ((error = put_line(&lines, k, found ? v : 0)) < 0)
			goto done;
		/* indexed at once, so that the source's next line links to it */
		parsed = parse_line(&l, lines.ptr + start, lines.len - start - 1);
		if (!parsed && only_new) {
			lines.len = start; /* a rebuild records what it can */
			continue;
		} else if (!parsed) {
			error = rl_error_set(RL_EINVAL, "'%s' is no story path of '%s' and '%s'", k->path,
					     k->source, k->id);
			goto done;
		}
		if ((error = index_line(hf, &l, offset)) < 0)
			goto done;
	}
	/* One write() of whole lines with O_APPEND, under the writer lock. */
	if (lines.len > 0 && write(fd, lines.ptr, lines.len) != (ssize_t)lines.len) {
		error = rl_error_set_errno(RL_EIO, "cannot append to '%s'", list);
		goto done;
	}
	error = rl_hashfile_set_tags(hf, base + lines.len, (uint64_t)st.st_ino);
done:
	/* lines indexed but not written would point past the end */
	if (error < 0 && hf != NULL && rl_hashfile_reset(hf) < 0)
		rl_error_clear();
	rl_hashfile_close(hf);
	rl_buf_release(&lines);
	free(skip);
	close(fd);
	return error;
}
