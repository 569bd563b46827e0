/*
 * archive_sweep.c - removing what a crashed writer leaves behind.
 *
 * A writer killed at the wrong moment leaves files that nothing else ever
 * removes (`git gc --prune=now` does not know them):
 *   objects/pack/pack_git2_*      a batch's pack being written (packwrite.c), or
 *                                 libgit2's pack being indexed (a roll-up)
 *   objects/pack/ *.lock          libgit2's lock on a pack's .idx or .pack
 *   redline/<dir>/ *.tmp.PID      a cache being written (rl_file_write_cache)
 * The pack files are written only by redline's commits and roll-ups, which
 * hold the writer flock; whoever holds it now is the only one that could be
 * writing them, so with the flock held every one of them is dead.  Cache
 * files are also written outside the flock (`run` saves fetch state after
 * its commits), so a temporary file goes only when its process is gone or it
 * is an hour old.  git's own temporary files (tmp_pack_*, tmp_idx_*) are
 * git's business and are left alone.
 */
#include "archive_internal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TMP_MAX_AGE_SECONDS 3600
#define SWEEP_DEPTH 2

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);
	return n > k && strcmp(name + n - k, suffix) == 0;
}

/* The pid of a "<name>.tmp.PID" file, or 0 when the name is not one. */
static long tmp_pid(const char *name)
{
	const char *p = strstr(name, ".tmp.");
	char *end;
	long pid;

	while (p && strstr(p + 1, ".tmp."))
		p = strstr(p + 1, ".tmp.");
	if (p == NULL || p[5] < '0' || p[5] > '9')
		return 0;
	pid = strtol(p + 5, &end, 10);
	return *end == '\0' && pid > 0 ? pid : 0;
}

static int process_gone(long pid)
{
	return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static void sweep_packs(const rl_archive *a)
{
	char dir[4096], path[4400];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/objects/pack", a->path);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "pack_git2_", 10) != 0 && !has_suffix(e->d_name, ".lock"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path); /* a failure leaves it for the next writer */
	}
	closedir(d);
}

static void sweep_tmp(const char *dir, int depth)
{
	char path[4400];
	struct dirent *e;
	struct stat st;
	time_t now = time(NULL);
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		long pid = 0;
		if (e->d_name[0] == '.')
			continue;
		/* Only directories and *.tmp.PID files need a look: not a stat of
		 * every cache file of every source. */
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN &&
		    (e->d_type != DT_REG || (pid = tmp_pid(e->d_name)) == 0))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path) ||
		    lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth > 0)
				sweep_tmp(path, depth - 1);
			continue;
		}
		if (!S_ISREG(st.st_mode) || (pid = tmp_pid(e->d_name)) == 0)
			continue;
		if (process_gone(pid) || now - st.st_mtime >= TMP_MAX_AGE_SECONDS)
			unlink(path);
	}
	closedir(d);
}

void archive_sweep(rl_archive *a)
{
	sweep_packs(a);
	if (a->state_dir)
		sweep_tmp(a->state_dir, SWEEP_DEPTH);
}
