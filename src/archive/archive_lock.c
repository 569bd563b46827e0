/*
 * archive_lock.c - one writer at a time.
 *
 * The lock is an flock() on <gitdir>/redline/lock: the kernel drops it when
 * the holder dies, so a crashed redline can never leave the archive stuck.
 * The holder writes its pid into the file so that a refused writer can say
 * who holds it.  git's own refs/heads/main.lock has no such property: a
 * crashed git leaves it behind and every later ref update fails, so an old
 * one is reported (never removed: a slow git might still be running).
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

static int check_stale_git_lock(const rl_archive *a)
{
	char path[4096];
	struct stat st;
	time_t now = time(NULL);

	snprintf(path, sizeof(path), "%s/refs/heads/main.lock", a->path);
	if (stat(path, &st) != 0)
		return 0;
	if (now - st.st_mtime < STALE_GIT_LOCK_SECONDS)
		return 0;
	return rl_error_set(RL_ELOCKED,
			    "'%s' is a stale lock left by a crashed git (%lld minutes old); "
			    "no commit can be made while it exists: if no git is running on "
			    "the archive, remove it with: rm '%s'",
			    path, (long long)(now - st.st_mtime) / 60, path);
}

int rl_archive_lock(rl_archive *archive, int wait_ms)
{
	const char *dir = rl_archive_state_dir(archive);
	char path[4096];
	long long deadline = rl_time_now_ms() + (wait_ms > 0 ? wait_ms : 0);
	int fd, rc;

	if (archive->lock_fd >= 0)
		return 0;
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
	if (write_pid(fd) != 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot write lock file '%s'", path);
		close(fd);
		return rc;
	}
	archive->lock_fd = fd;
	if ((rc = check_stale_git_lock(archive)) < 0) {
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
