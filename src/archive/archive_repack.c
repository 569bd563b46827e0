/*
 * archive_repack.c - keeping the number of packs small.
 *
 * Every commit writes one small pack (archive_commit.c), so an archive
 * watched for a year would hold tens of thousands of them and every object
 * lookup would search them all.  After a commit, when there are more than
 * `max_packs`, the smallest packs are rolled up into one, geometrically as
 * `git repack --geometric=2` does: the rolled-up prefix (by size) ends where
 * the next pack is at least twice as large as all the smaller ones together.
 * Each object is thus re-packed O(log n) times in its life, and one
 * maintenance run costs what the small packs hold, not the archive's size.
 *
 * Objects are listed from the packs' .idx files (version 2), inserted one by
 * one (no tree walk), written as one new pack; only then are the old packs
 * removed.  A crash in between leaves duplicates, never a missing object.
 */
#include "archive_internal.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IDX_MAX (512u * 1024 * 1024)
#define PACK_NAME_MAX 128
#define PATH_BUF (4096 + PACK_NAME_MAX + 16)

struct pack {
	char name[PACK_NAME_MAX]; /* "pack-<hash>" */
	off_t size;
};

static int cmp_pack_size(const void *a, const void *b)
{
	const struct pack *x = a, *y = b;
	return x->size < y->size ? -1 : x->size > y->size;
}

static int list_packs(struct pack **out, size_t *n_out, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct pack *v = NULL;
	size_t n = 0, cap = 0;
	char path[PATH_BUF];
	struct stat st;

	*out = NULL;
	*n_out = 0;
	if (d == NULL)
		return errno == ENOENT ? 0 : rl_error_set_errno(RL_EIO, "cannot read '%s'", dir);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len >= PACK_NAME_MAX + 5 || strncmp(e->d_name, "pack-", 5) != 0 ||
		    strcmp(e->d_name + len - 5, ".pack") != 0)
			continue;
		/* A .keep file means someone wants this pack left alone. */
		snprintf(path, sizeof(path), "%s/%.*s.keep", dir, (int)(len - 5), e->d_name);
		if (access(path, F_OK) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0)
			continue;
		if (n == cap) {
			struct pack *nv = realloc(v, (cap = cap ? cap * 2 : 64) * sizeof(*v));
			if (nv == NULL) {
				free(v);
				closedir(d);
				return rl_error_set(RL_ENOMEM, "out of memory");
			}
			v = nv;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%.*s", (int)(len - 5), e->d_name);
		v[n++].size = st.st_size;
	}
	closedir(d);
	*out = v;
	*n_out = n;
	return 0;
}

/* Inserts every object listed in a version-2 pack index. */
static int insert_idx_objects(git_packbuilder *pb, const char *idx_path)
{
	rl_buf idx = RL_BUF_INIT(IDX_MAX);
	const unsigned char *p;
	uint32_t count, word;
	int error;

	if ((error = rl_file_read(&idx, idx_path)) < 0)
		goto done;
	p = (const unsigned char *)idx.ptr;
	if (idx.len < 8 + 256 * 4 || memcmp(p, "\377tOc", 4) != 0 ||
	    (memcpy(&word, p + 4, 4), ntohl(word)) != 2) {
		error = rl_error_set(RL_EPARSE, "'%s' is not a version 2 pack index", idx_path);
		goto done;
	}
	memcpy(&word, p + 8 + 255 * 4, 4);
	count = ntohl(word);
	if (idx.len < 8 + 256 * 4 + (size_t)count * GIT_OID_RAWSZ) {
		error = rl_error_set(RL_EPARSE, "pack index '%s' is truncated", idx_path);
		goto done;
	}
	for (uint32_t i = 0; i < count; i++) {
		git_oid id;
		git_oid_fromraw(&id, p + 8 + 256 * 4 + (size_t)i * GIT_OID_RAWSZ);
		if ((error = git_packbuilder_insert(pb, &id, NULL)) < 0) {
			error = rl_error_set_git(error, "cannot repack '%s'", idx_path);
			goto done;
		}
	}
done:
	rl_buf_release(&idx);
	return error;
}

static int write_rolled_pack(rl_archive *a, const char *dir, const struct pack *packs, size_t n)
{
	git_packbuilder *pb = NULL;
	git_buf pack = GIT_BUF_INIT;
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats = { 0 };
	char path[PATH_BUF];
	int error = 0, gerr;

	if ((gerr = git_packbuilder_new(&pb, a->repo)) < 0) {
		error = rl_error_set_git(gerr, "cannot start a repack");
		goto done;
	}
	git_packbuilder_set_threads(pb, 1);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.idx", dir, packs[i].name);
		if ((error = insert_idx_objects(pb, path)) < 0)
			goto done;
	}
	if ((gerr = git_packbuilder_write_buf(&pack, pb)) < 0 ||
	    (gerr = git_odb_write_pack(&wp, a->odb, NULL, NULL)) < 0 ||
	    (gerr = wp->append(wp, pack.ptr, pack.size, &stats)) < 0 ||
	    (gerr = wp->commit(wp, &stats)) < 0)
		error = rl_error_set_git(gerr, "cannot write the rolled-up pack in '%s'", a->path);
done:
	if (wp)
		wp->free(wp);
	git_buf_dispose(&pack);
	git_packbuilder_free(pb);
	return error;
}

static int is_listed(const struct pack *packs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(packs[i].name, name) == 0)
			return 1;
	return 0;
}

int rl_archive_maintain(int *repacked, rl_archive *a, size_t max_packs)
{
	struct pack *before = NULL, *after = NULL;
	size_t n_before = 0, n_after = 0, roll = 1;
	off_t sum;
	char dir[4096], path[PATH_BUF];
	int error, fresh = 0;

	*repacked = 0;
	snprintf(dir, sizeof(dir), "%s/objects/pack", a->path);
	if ((error = list_packs(&before, &n_before, dir)) < 0 || n_before <= max_packs)
		goto done;
	qsort(before, n_before, sizeof(*before), cmp_pack_size);
	for (sum = before[0].size; roll < n_before && before[roll].size < 2 * sum; roll++)
		sum += before[roll].size;
	if (roll < 2)
		roll = 2;
	if ((error = write_rolled_pack(a, dir, before, roll)) < 0 ||
	    (error = list_packs(&after, &n_after, dir)) < 0)
		goto done;
	for (size_t i = 0; i < n_after; i++)
		fresh |= !is_listed(before, n_before, after[i].name);
	/* Remove the rolled packs only once the new one is there; if its name
	 * equals an old one's (same objects), that file is the new pack. */
	for (size_t i = 0; i < roll; i++) {
		if (!fresh)
			break;
		static const char *const exts[] = { ".pack", ".idx", ".rev" };
		for (size_t e = 0; e < 3; e++) {
			snprintf(path, sizeof(path), "%s/%s%s", dir, before[i].name, exts[e]);
			if (unlink(path) < 0 && errno != ENOENT) {
				error = rl_error_set_errno(RL_EIO, "cannot remove '%s'", path);
				goto done;
			}
		}
	}
	if (fresh) {
		git_odb_refresh(a->odb);
		*repacked = (int)roll;
	}
done:
	free(before);
	free(after);
	return error;
}
