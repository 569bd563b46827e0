/*
 * schedule_file.c - every source's fetch state in one file,
 * <archive>/redline/fetch.json:
 *
 *   {"version":1,"sources":{"anp":{"etag":"...","next_due":...},...}}
 *
 * A cycle reads it once and writes it once, instead of a file read, a
 * temporary file and a rename per source (each rename frees an inode: the
 * largest kernel cost of an unchanged cycle).  Writers take an flock on
 * redline/fetch.flock and read the file again under it, so the sources a
 * concurrent `run` or `watch` recorded in the meantime are kept: each
 * writer replaces only the entries of its own sources.  The file is a
 * cache written without fsync (rl_file_write_cache): after a crash it is the
 * old one, the new one, or unreadable, and unreadable reads as empty.
 *
 * Archives of older versions have one file per source, redline/fetch/<NAME>.json
 * (the same object with "version":1 in it).  They are read for the sources
 * fetch.json lacks (the newer last_fetch wins where both have one), merged
 * into it by the next write and then removed with their directory.
 */
#include "redline/schedule.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/path.h"
#include "redline/timeutil.h"
#include "schedule_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BOOK_VERSION 1
#define BOOK_FILE "fetch.json"
#define BOOK_MAX (512u * 1024 * 1024)      /* ~2 M sources without followed stories */
#define LEGACY_DIR "fetch"
#define LEGACY_MAX (32u * 1024 * 1024)
#define LOCK_WAIT_MS 10000                 /* a write holds it for milliseconds */

/* Which fetch.json a book was read from: every write makes a new file
 * (a rename), so the same inode, size and times mean the same contents. */
struct file_id {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct rl_schedule_book {
	json_t *sources;   /* source name -> its entry */
	char *damage;      /* why fetch.json was read as empty; NULL if it was not */
	struct file_id id; /* of the file read, taken before reading it */
};

static void file_id_of(struct file_id *id, const char *path)
{
	struct stat st;

	memset(id, 0, sizeof(*id));
	if (stat(path, &st) != 0)
		return; /* missing (or unreadable, read as damaged): compared as missing */
	id->exists = 1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->size = st.st_size;
	id->mtime = st.st_mtim;
	id->ctime = st.st_ctim;
}

static int file_id_same(const struct file_id *a, const struct file_id *b)
{
	if (!a->exists || !b->exists)
		return a->exists == b->exists;
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	       a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static int state_file(char *out, size_t size, rl_archive *archive, const char *name)
{
	const char *dir = rl_archive_state_dir(archive);

	if (dir == NULL)
		return rl_error_last_code() ? rl_error_last_code() : RL_EIO;
	if ((size_t)snprintf(out, size, "%s/%s", dir, name) >= size)
		return rl_error_set(RL_EINVAL, "path too long: '%s/%s'", dir, name);
	return 0;
}

/* The "sources" object of fetch.json (a new reference); a file that is
 * missing is an empty one, and so is a damaged one, with the reason in
 * `*damage`.  Only running out of memory is an error. */
static int read_book(json_t **sources, char **damage, const char *path)
{
	rl_buf text = RL_BUF_INIT(BOOK_MAX);
	json_error_t jerr;
	json_t *root = NULL, *v;
	int error = rl_file_read(&text, path), n = 0;

	*sources = NULL;
	*damage = NULL;
	if (error == RL_ENOTFOUND) {
		error = 0;
	} else if (error < 0) {
		n = asprintf(damage, "%s", rl_error_last());
		error = 0;
	} else if ((root = json_loadb(text.ptr, text.len, 0, &jerr)) == NULL) {
		n = asprintf(damage, "cannot parse '%s': %s (line %d)", path, jerr.text, jerr.line);
	} else if (!json_is_object(root) ||
		   json_integer_value(json_object_get(root, "version")) != BOOK_VERSION ||
		   !json_is_object(v = json_object_get(root, "sources"))) {
		n = asprintf(damage, "'%s' is not a fetch state of version %d", path, BOOK_VERSION);
	} else {
		*sources = json_incref(v);
	}
	rl_error_clear();
	if (n < 0) {
		*damage = NULL;
	} else if (*damage) {
		char *why = *damage;
		if (asprintf(damage, "%s; read as empty (every source is fetched afresh) and kept "
			     "as %s.damaged", why, BOOK_FILE) < 0)
			*damage = NULL;
		free(why);
	}
	if (*sources == NULL && (*sources = json_object()) == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
	json_decref(root);
	rl_buf_release(&text);
	return error;
}

/* The entry of an older per-source file, without its "version"; NULL when
 * the file is unreadable or not one (a fresh start, as it always was). */
static json_t *read_legacy(const char *path)
{
	rl_buf text = RL_BUF_INIT(LEGACY_MAX);
	json_t *root = NULL;

	if (rl_file_read(&text, path) == 0 &&
	    (root = json_loadb(text.ptr, text.len, 0, NULL)) != NULL &&
	    (!json_is_object(root) || json_integer_value(json_object_get(root, "version")) != 1)) {
		json_decref(root);
		root = NULL;
	}
	if (root)
		json_object_del(root, "version");
	rl_error_clear();
	rl_buf_release(&text);
	return root;
}

/* Merges redline/fetch/<NAME>.json of an older version into `sources`:
 * a source fetch.json lacks, or has with an older last_fetch.  The names of
 * the files seen go to `seen` (when not NULL), to be removed once written. */
static int merge_legacy(json_t *sources, rl_strvec *seen, int *found, rl_archive *archive)
{
	char dir[4096], path[4400], source[256];
	struct dirent *e;
	DIR *d;
	int error;

	if ((error = state_file(dir, sizeof(dir), archive, LEGACY_DIR)) < 0)
		return error;
	if ((d = opendir(dir)) == NULL)
		return 0; /* the usual case: none, or never made */
	*found = 1;
	while (error == 0 && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		json_t *entry, *have;

		if (len <= 5 || len - 5 >= sizeof(source) || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		memcpy(source, e->d_name, len - 5);
		source[len - 5] = '\0';
		if (rl_path_source_name_check(source) < 0) {
			rl_error_clear();
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (seen && (error = rl_strvec_push(seen, path)) < 0)
			break;
		if ((entry = read_legacy(path)) == NULL)
			continue;
		have = json_object_get(sources, source);
		if (!json_is_object(have) ||
		    json_integer_value(json_object_get(entry, "last_fetch")) >
			    json_integer_value(json_object_get(have, "last_fetch")))
			error = json_object_set(sources, source, entry) < 0
					? rl_error_set(RL_ENOMEM, "out of memory") : 0;
		json_decref(entry);
	}
	closedir(d);
	return error;
}

int rl_schedule_book_load(rl_schedule_book **out, rl_archive *archive)
{
	char path[4096];
	rl_schedule_book *b;
	int error, found = 0;

	*out = NULL;
	if ((error = state_file(path, sizeof(path), archive, BOOK_FILE)) < 0)
		return error;
	if ((b = calloc(1, sizeof(*b))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	/* before the read: a file replaced in between reads as changed */
	file_id_of(&b->id, path);
	if ((error = read_book(&b->sources, &b->damage, path)) < 0 ||
	    (error = merge_legacy(b->sources, NULL, &found, archive)) < 0) {
		rl_schedule_book_free(b);
		return error;
	}
	*out = b;
	return 0;
}

int rl_schedule_book_get(rl_schedule_state **out, const rl_schedule_book *book,
			 const char *source)
{
	int error = schedule_state_new(out, source);

	if (error == 0)
		schedule_from_json(*out, json_object_get(book->sources, source));
	return error;
}

const char *rl_schedule_book_damage(const rl_schedule_book *book)
{
	return book->damage;
}

void rl_schedule_book_free(rl_schedule_book *book)
{
	if (book == NULL)
		return;
	json_decref(book->sources);
	free(book->damage);
	free(book);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* The writers' lock: an flock (gone with its holder, whatever killed it) on
 * a file that stays; not "*.lock", which in git means a file that exists
 * only while held. */
static int lock_book(int *fd_out, rl_archive *archive)
{
	char path[4096];
	int64_t deadline = rl_time_now_ms() + LOCK_WAIT_MS;
	int fd, error;

	*fd_out = -1;
	if ((error = state_file(path, sizeof(path), archive, "fetch.flock")) < 0)
		return error;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 && errno == ENOENT &&
	    rl_file_mkdir_p(rl_archive_state_dir(archive)) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644); /* redline/ was deleted */
	if (fd < 0)
		return rl_error_set_errno(RL_EIO, "cannot open lock file '%s'", path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			error = rl_error_set_errno(RL_EIO, "cannot lock '%s'", path);
			close(fd);
			return error;
		}
		if (rl_time_now_ms() >= deadline) {
			close(fd);
			return rl_error_set(RL_ELOCKED, "'%s' has been locked by another redline for "
					    "%d s", path, LOCK_WAIT_MS / 1000);
		}
		sleep_ms(10);
	}
	*fd_out = fd;
	return 0;
}

/* A change to the book: 1 when it changed `sources`, 0 when not, or an error. */
typedef int (*book_change)(json_t *sources, void *ctx);

/* The file's sources under the lock: `book`'s own when the file is still
 * the one it was read from (no second parse of a file written by nobody
 * since), else read again. */
static int book_reread(json_t **sources, char **damage, const char *path,
		       const rl_schedule_book *book)
{
	struct file_id now;

	if (book) {
		file_id_of(&now, path);
		if (file_id_same(&now, &book->id)) {
			*sources = json_incref(book->sources);
			*damage = book->damage ? strdup(book->damage) : NULL;
			return 0;
		}
	}
	return read_book(sources, damage, path);
}

/* Read, change and write the file under the lock; the per-source files of
 * older versions are merged in and, once written, removed.  `book` (may be
 * NULL) is the book the caller loaded, changed in place when reused. */
static int book_update(rl_archive *archive, const rl_schedule_book *book, book_change change,
		       void *ctx)
{
	char path[4096], aside[4200], dir[4096];
	rl_strvec legacy = RL_STRVEC_INIT;
	json_t *sources = NULL, *root = NULL;
	char *damage = NULL, *text = NULL;
	int fd = -1, error, changed, found = 0;

	if ((error = state_file(path, sizeof(path), archive, BOOK_FILE)) < 0 ||
	    (error = state_file(dir, sizeof(dir), archive, LEGACY_DIR)) < 0 ||
	    (error = lock_book(&fd, archive)) < 0 ||
	    (error = book_reread(&sources, &damage, path, book)) < 0 ||
	    (error = merge_legacy(sources, &legacy, &found, archive)) < 0 ||
	    (error = changed = change(sources, ctx)) < 0)
		goto done;
	error = 0;
	if (!changed && legacy.n == 0 && damage == NULL)
		goto done;
	if ((root = json_object()) == NULL ||
	    json_object_set_new(root, "version", json_integer(BOOK_VERSION)) < 0 ||
	    json_object_set(root, "sources", sources) < 0 ||
	    (text = json_dumps(root, JSON_COMPACT)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	/* Kept for a look, not read again: the next damage replaces it. */
	if (damage && snprintf(aside, sizeof(aside), "%s.damaged", path) < (int)sizeof(aside) &&
	    rename(path, aside) != 0) {
		/* nothing: it is replaced below all the same */
	}
	if ((error = rl_file_write_cache(path, text, strlen(text))) < 0)
		goto done;
	for (size_t i = 0; i < legacy.n; i++)
		unlink(legacy.v[i]); /* a failure: read again, and the newer entry wins */
	if (found)
		rmdir(dir); /* empty now, unless a crashed writer left a file for the sweep */
done:
	if (fd >= 0)
		close(fd); /* and with it the flock */
	free(text);
	free(damage);
	json_decref(root);
	json_decref(sources);
	rl_strvec_release(&legacy);
	return error;
}

struct put_ctx {
	const rl_schedule_state *const *states;
	size_t n;
	const char **configured; /* sorted; NULL: keep every other entry */
	size_t n_configured;
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Drops the entries of sources no longer configured: the file would
 * otherwise keep every source the archive ever had. */
static int prune(json_t *sources, const struct put_ctx *p)
{
	const char *name;
	json_t *entry;
	void *tmp;
	int changed = 0;

	json_object_foreach_safe(sources, tmp, name, entry) {
		if (bsearch(&name, p->configured, p->n_configured, sizeof(*p->configured),
			    name_cmp) == NULL) {
			json_object_del(sources, name);
			changed = 1;
		}
	}
	return changed;
}

/* Sets the entries of the states; 1 when one differs from the file's. */
static int put_states(json_t *sources, void *ctx)
{
	const struct put_ctx *p = ctx;
	int changed = p->configured ? prune(sources, p) : 0;

	for (size_t i = 0; i < p->n; i++) {
		json_t *entry = schedule_to_json(p->states[i]), *have;
		if (entry == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		if ((have = json_object_get(sources, p->states[i]->source)) != NULL &&
		    json_equal(have, entry)) {
			json_decref(entry);
			continue;
		}
		if (json_object_set_new(sources, p->states[i]->source, entry) < 0)
			return rl_error_set(RL_ENOMEM, "out of memory");
		changed = 1;
	}
	return changed;
}

int rl_schedule_save_all(rl_archive *archive, const rl_schedule_state *const *states, size_t n)
{
	struct put_ctx ctx = { states, n, NULL, 0 };

	if (n == 0)
		return 0;
	return book_update(archive, NULL, put_states, &ctx);
}

int rl_schedule_book_save(rl_schedule_book *book, rl_archive *archive,
			  const rl_schedule_state *const *states, size_t n,
			  const char *const *configured, size_t n_configured)
{
	struct put_ctx ctx = { states, n, NULL, n_configured };
	int error;

	if (n == 0 && configured == NULL)
		return 0;
	if (configured) {
		if ((ctx.configured = malloc((n_configured + 1) * sizeof(*ctx.configured))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		memcpy(ctx.configured, configured, n_configured * sizeof(*ctx.configured));
		qsort(ctx.configured, n_configured, sizeof(*ctx.configured), name_cmp);
	}
	error = book_update(archive, book, put_states, &ctx);
	free(ctx.configured);
	return error;
}

static int drop_source(json_t *sources, void *ctx)
{
	return json_object_del(sources, ctx) == 0;
}

int rl_schedule_remove(rl_archive *archive, const char *source)
{
	return book_update(archive, NULL, drop_source, (void *)source);
}

int rl_schedule_load(rl_schedule_state **out, rl_archive *archive, const char *source)
{
	rl_schedule_book *book = NULL;
	int error;

	*out = NULL;
	if ((error = rl_schedule_book_load(&book, archive)) == 0)
		error = rl_schedule_book_get(out, book, source);
	rl_schedule_book_free(book);
	return error;
}

int rl_schedule_save(const rl_schedule_state *state, rl_archive *archive)
{
	return rl_schedule_save_all(archive, &state, 1);
}
