/*
 * state_known.c - the known-id table of a source's list from an older
 * version (state_known_internal.h); this version appends to the archive's
 * one list instead (state_known_list.c) and only reads these.
 *
 * <source>.ids is a list of "id<TAB>path\n" lines.  The table maps
 * an id to the offset of its first line + 1; its tags hold how many bytes
 * of the list it covers and the list's inode.  A lookup costs a few probes
 * and one read of the line, whatever the length of the list.
 */
#include "state_known_internal.h"
#include "hashfile_internal.h"
#include "redline/error.h"
#include "redline/story.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define LINE_MAX_BYTES 4096 /* an id, a tab and a safe path */

/* Adds the lines of the list from the covered offset to its end. */
static int catch_up(rl_hashfile *hf, int fd, const char *path, uint64_t size, uint64_t inode)
{
	uint64_t covered, tag_inode, v;
	char *buf;
	int error = 0;

	rl_hashfile_tags(hf, &covered, &tag_inode);
	if (tag_inode != inode || covered > size) {
		if ((error = rl_hashfile_reset(hf)) < 0)
			return error;
		covered = 0;
	}
	if (covered == size) {
		/* Recorded even when nothing was added: an empty list's table
		 * would otherwise be reset (a new file) at every lookup. */
		return rl_hashfile_set_tags(hf, covered, inode);
	}
	if ((buf = malloc(CHUNK)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	while (covered < size && error == 0) {
		size_t want = size - covered < CHUNK ? (size_t)(size - covered) : CHUNK, at = 0;
		ssize_t got = pread(fd, buf, want, (off_t)covered);
		if (got <= 0) {
			error = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
			break;
		}
		for (char *nl; (nl = memchr(buf + at, '\n', (size_t)got - at)) != NULL; at = (size_t)(nl - buf) + 1) {
			const char *line = buf + at;
			uint64_t key;

			/* a line without an id is skipped (checked first: no error set) */
			if (nl - line > RL_STORY_ID_LEN && line[RL_STORY_ID_LEN] == '\t' &&
			    rl_story_is_id(line) && (error = rl_hashfile_story_key(&key, line)) == 0 &&
			    (error = rl_hashfile_get(&v, hf, key)) == 0)
				error = rl_hashfile_put(hf, key, covered + at + 1);
			if (error < 0)
				break;
			error = 0;
		}
		if (at == 0 && (size_t)got == CHUNK) { /* a line longer than a chunk: no id line */
			error = rl_error_set(RL_EPARSE, "'%s' has a line over %u bytes", path, CHUNK);
			break;
		}
		if (at == 0)
			break; /* a last line without its newline: a write under way */
		covered += at;
	}
	free(buf);
	if (error == 0)
		error = rl_hashfile_set_tags(hf, covered, inode);
	return error;
}

/* 1 and the path when the line at `offset` is `id`'s, 0 when it is not. */
static int line_at(char **path_out, int fd, const char *path, uint64_t offset, const char *id)
{
	char line[LINE_MAX_BYTES + 1], *nl;
	ssize_t got = pread(fd, line, LINE_MAX_BYTES, (off_t)offset);

	if (got < 0)
		return rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
	line[got] = '\0';
	if (got <= RL_STORY_ID_LEN || memcmp(line, id, RL_STORY_ID_LEN) != 0 ||
	    line[RL_STORY_ID_LEN] != '\t' || (nl = strchr(line, '\n')) == NULL)
		return 0;
	if ((*path_out = strndup(line + RL_STORY_ID_LEN + 1, (size_t)(nl - line) - RL_STORY_ID_LEN - 1)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	return 1;
}

int state_known_find(char **path_out, const char *ids_path, const char *id)
{
	char tab[4200];
	rl_hashfile *hf = NULL;
	struct stat st;
	uint64_t v = 0, key;
	int fd, error = 0, found;

	*path_out = NULL;
	if (rl_hashfile_story_key(&key, id) < 0) {
		rl_error_clear();
		return RL_ENOTFOUND;
	}
	if ((size_t)snprintf(tab, sizeof(tab), "%s.tab", ids_path) >= sizeof(tab))
		return rl_error_set(RL_EINVAL, "path too long: '%s'", ids_path);
	if ((fd = open(ids_path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? RL_ENOTFOUND : rl_error_set_errno(RL_EIO, "cannot open '%s'", ids_path);
	if (fstat(fd, &st) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot stat '%s'", ids_path);
		goto done;
	}
	if (st.st_size == 0) { /* a new source: no table to open or make */
		error = RL_ENOTFOUND;
		goto done;
	}
	if ((error = rl_hashfile_open(&hf, tab, 1)) < 0)
		goto done;
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((error = catch_up(hf, fd, ids_path, (uint64_t)st.st_size, (uint64_t)st.st_ino)) < 0 ||
		    (found = rl_hashfile_get(&v, hf, key)) < 0) {
			error = error < 0 ? error : found;
			goto done;
		}
		if (!found) {
			error = RL_ENOTFOUND;
			goto done;
		}
		if ((found = line_at(path_out, fd, ids_path, v - 1, id)) != 0) {
			error = found < 0 ? found : 0;
			goto done;
		}
		/* the table points at another line: it is not to be trusted */
		if ((error = rl_hashfile_reset(hf)) < 0)
			goto done;
	}
	error = rl_error_set(RL_EPARSE, "'%s' cannot be indexed", ids_path);
done:
	rl_hashfile_close(hf);
	close(fd);
	return error;
}

const char *state_known_in_lines(const char *ids, size_t len, const char *id)
{
	char needle[RL_STATE_ID_SIZE + 2];
	const char *p = ids;

	snprintf(needle, sizeof(needle), "%s\t", id);
	if (len >= RL_STORY_ID_LEN + 1 && strncmp(ids, needle, RL_STORY_ID_LEN + 1) == 0)
		return ids + RL_STORY_ID_LEN + 1;
	snprintf(needle, sizeof(needle), "\n%s", id);
	while ((p = memmem(p, len - (size_t)(p - ids), needle, RL_STORY_ID_LEN + 1)) != NULL) {
		if (p + RL_STORY_ID_LEN + 1 < ids + len && p[RL_STORY_ID_LEN + 1] == '\t')
			return p + RL_STORY_ID_LEN + 2;
		p++;
	}
	return NULL;
}

int state_known_old_find(char **path_out, const char *path, const char *id)
{
	const char *hit;
	struct stat st;
	void *map = MAP_FAILED;
	int fd = -1, error = 0;

	*path_out = NULL;
	/* through the table beside the list; a table that cannot be used
	 * (a read-only directory, say) leaves the scan below */
	if ((error = state_known_find(path_out, path, id)) == 0 || error == RL_ENOTFOUND)
		return error;
	rl_error_clear();
	error = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return RL_ENOTFOUND;
		return rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
	}
	if (fstat(fd, &st) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot stat '%s'", path);
		goto done;
	}
	if (st.st_size == 0) {
		error = RL_ENOTFOUND;
		goto done;
	}
	if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED) {
		error = rl_error_set_errno(RL_EIO, "cannot map '%s'", path);
		goto done;
	}
	if ((hit = state_known_in_lines(map, (size_t)st.st_size, id)) == NULL) {
		error = RL_ENOTFOUND;
		goto done;
	}
	{
		size_t room = (size_t)st.st_size - (size_t)(hit - (const char *)map);
		const char *eol = memchr(hit, '\n', room);
		if ((*path_out = strndup(hit, eol ? (size_t)(eol - hit) : room)) == NULL)
			error = rl_error_set(RL_ENOMEM, "out of memory");
	}
done:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	close(fd);
	return error;
}

int state_known_old_recent(rl_strvec *ids, rl_strvec *paths, const char *path, size_t max)
{
	/* Lines are "id<TAB>path\n", under 400 bytes: the tail holds `max` of them. */
	size_t want = max * 400;
	char *tail = NULL;
	struct stat st;
	off_t from;
	ssize_t got;
	int fd = -1, error = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : rl_error_set_errno(RL_EIO, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot stat '%s'", path);
		goto done;
	}
	from = st.st_size > (off_t)want ? st.st_size - (off_t)want : 0;
	if ((tail = malloc((size_t)(st.st_size - from) + 1)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((got = pread(fd, tail, (size_t)(st.st_size - from), from)) < 0) {
		error = rl_error_set_errno(RL_EIO, "cannot read '%s'", path);
		goto done;
	}
	tail[got] = '\0';
	/* Walk the lines backwards; the first one may be cut unless from == 0. */
	for (char *end = tail + got; end > tail && ids->n < max;) {
		char *line = end - 1, *tab;
		while (line > tail && line[-1] != '\n')
			line--;
		if (line == tail && from > 0)
			break;
		*(end[-1] == '\n' ? end - 1 : end) = '\0';
		if ((tab = strchr(line, '\t')) != NULL && tab - line == RL_STORY_ID_LEN) {
			if ((error = rl_strvec_pushn(ids, line, RL_STORY_ID_LEN)) < 0 ||
			    (error = rl_strvec_push(paths, tab + 1)) < 0)
				goto done;
		}
		end = line;
	}
done:
	free(tail);
	close(fd);
	return error;
}
