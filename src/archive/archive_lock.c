/*
 * archive_lock.c - one writer at a time, and nothing a crash leaves behind
 * can stop the next one.
 *
 * The lock is an flock() on <gitdir>/redline/lock: the kernel drops it when
 * the holder dies, so a crashed redline can never leave the archive stuck.
 * The holder writes its pid into the file and truncates it when it lets go,
 * so a pid still there when the flock is taken means the last holder died
 * holding it.
 *
 * git's refs/heads/main.lock has no such property: a writer killed inside
 * libgit2's ref update leaves it behind and every later ref update fails.
 * The rule, with the flock held (so no redline is writing):
 *   1. the last holder died holding the flock and main.lock is not older
 *      than that holder's flock: it is that redline's, removed at once;
 *   2. otherwise a main.lock older than STALE_GIT_LOCK_SECONDS was left by a
 *      crashed git (git holds a ref lock for milliseconds), removed;
 *   3. otherwise a plain git may be updating the ref right now: wait for it
 *      to go (within the caller's wait), then refuse with the real reason.
 * Only a plain git running on the archive could hold main.lock while we hold
 * the flock; it cannot take ten minutes, and a git killed in a ref update is
 * exactly the case (2) removes.
 */
#include "archive_internal.h"
#include "redline/timeutil.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STALE_GIT_LOCK_SECONDS (10 * 60)
#define LOCK_POLL_MS 10

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The pid the holder wrote, or 0 when unreadable. */
static long holder_pid(int fd)
{
	char text[32];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	long pid;
	char *end;

	if (n <= 0)
		return 0;
	text[n] = '\0';
	pid = strtol(text, &end, 10);
	return (end != text && pid > 0) ? pid : 0;
}

static int write_pid(int fd)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)len, 0) != len)
		return -1;
	return 0;
}

static int timespec_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* Applies the rule above to refs/heads/main.lock; `dead_since` is the time
 * the last holder took the flock if it died holding it (else NULL). */
static int recover_ref_lock(const rl_archive *a, const struct timespec *dead_since,
			    long long deadline)
{
	char path[4096];
	struct stat st;
	time_t age;

	snprintf(path, sizeof(path), "%s/refs/heads/main.lock", a->path);
	for (;;) {
		if (stat(path, &st) != 0)
			return 0;
		age = time(NULL) - st.st_mtime;
		if ((dead_since && !timespec_before(st.st_mtim, *dead_since)) ||
		    age >= STALE_GIT_LOCK_SECONDS) {
			if (unlink(path) != 0 && errno != ENOENT)
				return rl_error_set_errno(RL_EIO, "cannot remove the stale lock '%s'",
							  path);
			return 0;
		}
		if (rl_time_now_ms() >= deadline)
			break;
		sleep_ms(LOCK_POLL_MS);
	}
	return rl_error_set(RL_ELOCKED,
			    "'%s' exists (%lld s old) and no redline left it: a git command may "
			    "be updating the archive; no commit can be made while it exists "
			    "(if no git is running on the archive, remove it: rm '%s')",
			    path, (long long)age, path);
}

int rl_archive_lock(rl_archive *archive, int wait_ms)
{
	const char *dir;
	char path[4096];
	long long deadline = rl_time_now_ms() + (wait_ms > 0 ? wait_ms : 0);
	struct stat st;
	int fd, rc, dead;

	if (archive->lock_fd >= 0)
		return 0;
	/* redline/ may have been deleted since it was made (it holds caches
	 * only): looked at again once a lock, not at every file. */
	__atomic_store_n(&archive->state_dir_made, 0, __ATOMIC_RELAXED);
	dir = rl_archive_state_dir(archive);
	snprintf(path, sizeof(path), "%s/lock", dir);
	/* CLOEXEC: hook scripts must not inherit (and keep) the lock. */
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot open lock file '%s'", path);
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			rc = rl_error_set_errno(RL_EIO, "cannot lock '%s'", path);
			close(fd);
			return rc;
		}
		if (rl_time_now_ms() >= deadline) {
			long pid = holder_pid(fd);
			close(fd);
			if (pid > 0)
				return rl_error_set(RL_ELOCKED,
						    "archive '%s' is locked by another redline (pid %ld)",
						    archive->path, pid);
			return rl_error_set(RL_ELOCKED, "archive '%s' is locked by another redline",
					    archive->path);
		}
		sleep_ms(LOCK_POLL_MS);
	}
	/* Read before our pid replaces it: did the last holder die holding it? */
	dead = holder_pid(fd) > 0 && fstat(fd, &st) == 0;
	if (write_pid(fd) != 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot write lock file '%s'", path);
		close(fd);
		return rc;
	}
	archive->lock_fd = fd;
	if (dead || !archive->swept) {
		archive_sweep(archive);
		archive->swept = 1;
	}
	/* Half a second at most for a running git to finish its ref update. */
	if (wait_ms > 500)
		wait_ms = 500;
	if ((rc = recover_ref_lock(archive, dead ? &st.st_mtim : NULL,
				   rl_time_now_ms() + (wait_ms > 0 ? wait_ms : 0))) < 0) {
		rl_archive_unlock(archive);
		return rc;
	}
	return 0;
}

void rl_archive_unlock(rl_archive *archive)
{
	if (archive == NULL || archive->lock_fd < 0)
		return;
	/* Clear the pid first: a stale number would only mislead. */
	if (ftruncate(archive->lock_fd, 0) != 0) {
		/* harmless: the next holder overwrites it */
	}
	flock(archive->lock_fd, LOCK_UN);
	close(archive->lock_fd);
	archive->lock_fd = -1;
}
