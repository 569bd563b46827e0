/*
 * ingest_outbox.c - the hook outbox (outbox.h): a payload per commit,
 * written and fsynced under the writer lock, removed once delivered.
 *
 * Layout of <gitdir>/redline/outbox/:
 *   <ns>-<commit>.json   a pending payload; <ns> is 20 digits of the clock
 *                        when it was recorded, so names sort in commit order
 *   recorded             the last commit recorded (or marked as not needing
 *                        delivery, for --no-hooks): the recovery point
 *   lock                 an flock serialising deliveries
 */
#include "redline/outbox.h"
#include "redline/error.h"
#include "redline/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD_MAX (64u * 1024 * 1024)
#define NAME_MAX_LEN 128

static int outbox_path(char *out, size_t size, rl_archive *archive, const char *name)
{
	const char *dir = rl_archive_state_dir(archive);

	if (dir == NULL)
		return RL_EIO;
	if ((size_t)snprintf(out, size, "%s/outbox%s%s", dir, name ? "/" : "", name ? name : "") >=
	    size)
		return rl_error_set(RL_EINVAL, "outbox path too long");
	return 0;
}

static int write_marker(rl_archive *archive, const git_oid *commit)
{
	char path[4200], hex[GIT_OID_HEXSZ + 2];
	int error;

	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, commit);
	strcat(hex, "\n");
	if ((error = outbox_path(path, sizeof(path), archive, "recorded")) < 0)
		return error;
	return rl_file_write_atomic(path, hex, strlen(hex));
}

static int write_payload(const char *dir, const git_oid *commit, const char *payload)
{
	char path[4400], hex[GIT_OID_HEXSZ + 1];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	git_oid_tostr(hex, sizeof(hex), commit);
	snprintf(path, sizeof(path), "%s/%010lld%09ld-%s.json", dir, (long long)ts.tv_sec,
		 ts.tv_nsec, hex);
	return rl_file_write_atomic(path, payload, strlen(payload));
}

int rl_outbox_record(rl_archive *archive, const git_oid *commit, const char *payload)
{
	return rl_outbox_record_batch(archive, commit, &payload, 1);
}

int rl_outbox_record_batch(rl_archive *archive, const git_oid *commits,
			   const char *const *payloads, size_t n)
{
	char dir[4200];
	int error;

	if (n == 0)
		return 0;
	if ((error = outbox_path(dir, sizeof(dir), archive, NULL)) < 0 ||
	    (error = rl_file_mkdir_p(dir)) < 0)
		return error;
	for (size_t i = 0; i < n; i++)
		if (payloads[i] && (error = write_payload(dir, &commits[i], payloads[i])) < 0)
			return error;
	/* The recovery point moves once a batch (it was once a commit: an
	 * fsync each); after a crash before it, recovery skips the commits
	 * whose payloads made it (rl_outbox_recover). */
	return write_marker(archive, &commits[n - 1]);
}

/* --- recovery: commits that a crash kept out of the outbox -------------- */

/* A payload rebuilt from a commit's message: subject "SRC: ...", lines
 * "KIND ID TITLE", trailers Source-URL and Snapshot-Time. */
static char *rebuilt_payload(rl_archive *archive, git_commit *c)
{
	const char *msg = git_commit_message(c), *p, *colon;
	json_t *root = json_object(), *counts = json_object(), *items = json_array();
	static const char *const kinds[] = { "edited", "new", "gone", "back", "moved", "removed" };
	json_int_t n[6] = { 0 };
	char hex[GIT_OID_HEXSZ + 1], *text = NULL;

	if (!root || !counts || !items || (colon = strstr(msg, ": ")) == NULL)
		goto done;
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "rebuilt", json_true());
	json_object_set_new(root, "source", json_stringn(msg, (size_t)(colon - msg)));
	json_object_set_new(root, "archive", json_string(rl_archive_path(archive)));
	json_object_set_new(root, "commit", json_string(git_oid_tostr(hex, sizeof(hex),
								      git_commit_id(c))));
	json_object_set_new(root, "parent", git_commit_parentcount(c) > 0
				? json_string(git_oid_tostr(hex, sizeof(hex), git_commit_parent_id(c, 0)))
				: json_null());
	json_object_set_new(root, "source_url", json_null());
	json_object_set_new(root, "time", json_null());
	for (p = strchr(msg, '\n'); p && *p; p = strchr(p, '\n')) {
		const char *line = ++p, *end = line + strcspn(line, "\n");
		size_t len = (size_t)(end - line);
		if (len > 12 && strncmp(line, "Source-URL: ", 12) == 0)
			json_object_set_new(root, "source_url", json_stringn(line + 12, len - 12));
		else if (len > 15 && strncmp(line, "Snapshot-Time: ", 15) == 0)
			json_object_set_new(root, "time", json_stringn(line + 15, len - 15));
		for (int k = 0; k < 6; k++) {
			size_t kl = strlen(kinds[k]);
			const char *id = line + kl + 1, *sp;
			json_t *o;
			if (len <= kl + 1 || strncmp(line, kinds[k], kl) != 0 || line[kl] != ' ' ||
			    (sp = memchr(id, ' ', (size_t)(end - id))) == NULL || sp - id != 12)
				continue;
			if ((o = json_object()) == NULL || json_array_append_new(items, o) < 0)
				goto done;
			json_object_set_new(o, "id", json_stringn(id, 12));
			json_object_set_new(o, "title", json_stringn(sp + 1, (size_t)(end - sp - 1)));
			json_object_set_new(o, "change", json_string(kinds[k]));
			n[k]++;
		}
	}
	for (int k = 0; k < 6; k++)
		json_object_set_new(counts, kinds[k], json_integer(n[k]));
	json_object_set(root, "counts", counts);
	json_object_set(root, "items", items);
	text = json_dumps(root, JSON_INDENT(2));
done:
	json_decref(items);
	json_decref(counts);
	json_decref(root);
	return text;
}

static int read_marker(git_oid *out, int *have, rl_archive *archive)
{
	char path[4200];
	rl_buf b = RL_BUF_INIT(256);
	int error;

	*have = 0;
	if ((error = outbox_path(path, sizeof(path), archive, "recorded")) < 0)
		return error;
	error = rl_file_read(&b, path);
	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		error = 0;
	} else if (error == 0 && b.len >= GIT_OID_HEXSZ &&
		   git_oid_fromstrn(out, b.ptr, GIT_OID_HEXSZ) == 0) {
		*have = 1;
	}
	rl_buf_release(&b);
	return error;
}

/* Is there a pending entry for `commit` ("<ns>-<commit>.json")? */
static int has_entry(const rl_strvec *names, const git_oid *commit)
{
	char suffix[GIT_OID_HEXSZ + 8];

	suffix[0] = '-';
	git_oid_tostr(suffix + 1, GIT_OID_HEXSZ + 1, commit);
	strcat(suffix, ".json");
	for (size_t i = 0; i < names->n; i++) {
		size_t len = strlen(names->v[i]);
		if (len >= strlen(suffix) && strcmp(names->v[i] + len - strlen(suffix), suffix) == 0)
			return 1;
	}
	return 0;
}

int rl_outbox_recover(rl_archive *archive)
{
	git_repository *repo = rl_archive_repo(archive);
	rl_strvec pending = RL_STRVEC_INIT;
	git_oid head, marker, *missed = NULL;
	size_t n = 0;
	int have, error;

	if ((error = rl_archive_head(&head, archive)) == RL_ENOTFOUND) {
		rl_error_clear();
		return 0;
	}
	if (error < 0 || (error = read_marker(&marker, &have, archive)) < 0)
		return error;
	if (!have)
		return rl_outbox_record(archive, &head, NULL); /* starts here */
	if (git_oid_equal(&head, &marker))
		return 0;
	if ((missed = calloc(RL_OUTBOX_RECOVER_MAX, sizeof(*missed))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	/* First parents back from HEAD to the marker (bounded). */
	for (git_oid at = head; n < RL_OUTBOX_RECOVER_MAX && !git_oid_equal(&at, &marker);) {
		git_commit *c = NULL;
		git_oid_cpy(&missed[n++], &at);
		if (git_commit_lookup(&c, repo, &at) < 0 || git_commit_parentcount(c) == 0) {
			git_commit_free(c);
			break;
		}
		git_oid_cpy(&at, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	if ((error = rl_outbox_list(&pending, archive)) < 0)
		goto done;
	for (size_t i = n; i-- > 0 && error == 0;) {
		git_commit *c = NULL;
		char *payload = NULL;
		if (has_entry(&pending, &missed[i])) {
			/* Recorded before the crash, the marker not yet moved. */
			error = rl_outbox_record(archive, &missed[i], NULL);
			continue;
		}
		if (git_commit_lookup(&c, repo, &missed[i]) < 0) {
			error = rl_error_set_git(-1, "cannot read a commit to recover its hooks");
			break;
		}
		payload = rebuilt_payload(archive, c);
		git_commit_free(c);
		/* A commit that is not redline's (no "SOURCE: " subject) has none. */
		error = rl_outbox_record(archive, &missed[i], payload);
		free(payload);
	}
done:
	rl_strvec_release(&pending);
	free(missed);
	return error;
}

/* --- listing and delivery ---------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rl_outbox_list(rl_strvec *out, rl_archive *archive)
{
	char dir[4200];
	struct dirent *e;
	size_t first = out->n;
	int error = 0;
	DIR *d;

	if ((error = outbox_path(dir, sizeof(dir), archive, NULL)) < 0)
		return error;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : rl_error_set_errno(RL_EIO, "cannot read '%s'", dir);
	while ((e = readdir(d)) != NULL && error == 0) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 6 || len > NAME_MAX_LEN ||
		    strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		error = rl_strvec_push(out, e->d_name);
	}
	closedir(d);
	if (error == 0 && out->n > first)
		qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_str);
	return error;
}

int rl_outbox_read(rl_buf *out, rl_archive *archive, const char *name)
{
	char path[4400];
	int error;

	if (strchr(name, '/') || name[0] == '.')
		return rl_error_set(RL_EINVAL, "bad outbox entry '%s'", name);
	if ((error = outbox_path(path, sizeof(path), archive, name)) < 0)
		return error;
	rl_buf_clear(out);
	return rl_file_read(out, path);
}

static const char *json_text(json_t *root, const char *key)
{
	const char *s = json_string_value(json_object_get(root, key));
	return s ? s : "";
}

static int env_put(rl_strvec *env, const char *name, const char *value)
{
	char *s = NULL;

	if (asprintf(&s, "%s=%s", name, value) < 0)
		return rl_error_set(RL_ENOMEM, "out of memory");
	return rl_strvec_push_owned(env, s);
}

/* The REDLINE_* variables of a payload, each as long as it needs to be. */
static int payload_env(rl_strvec *env, rl_archive *archive, const char *payload)
{
	static const char *const counted[][2] = { { "REDLINE_EDITED", "edited" },
						  { "REDLINE_NEW", "new" },
						  { "REDLINE_GONE", "gone" },
						  { "REDLINE_REMOVED", "removed" } };
	json_t *root = json_loads(payload, 0, NULL), *counts;
	int error;

	if (root == NULL)
		return rl_error_set(RL_EPARSE, "unreadable payload in the outbox");
	counts = json_object_get(root, "counts");
	if ((error = env_put(env, "REDLINE_ARCHIVE", rl_archive_path(archive))) == 0 &&
	    (error = env_put(env, "REDLINE_SOURCE", json_text(root, "source"))) == 0 &&
	    (error = env_put(env, "REDLINE_COMMIT", json_text(root, "commit"))) == 0)
		error = env_put(env, "REDLINE_SNAPSHOT_TIME", json_text(root, "time"));
	for (int k = 0; k < 4 && error == 0; k++) {
		char n[24];
		snprintf(n, sizeof(n), "%lld",
			 (long long)json_integer_value(json_object_get(counts, counted[k][1])));
		error = env_put(env, counted[k][0], n);
	}
	json_decref(root);
	return error;
}

static int delivered_ok(const rl_hook_result *r)
{
	return r->status == RL_HOOK_ABSENT || r->status == RL_HOOK_OK ||
	       r->status == RL_HOOK_SKIPPED; /* not executable: git ignores it too */
}

/* Runs one entry's hooks; *done when it may go. */
static int deliver_one(int *done, rl_hook_result last[2], rl_archive *archive, const char *name,
		       int timeout_ms)
{
	rl_buf payload = RL_BUF_INIT(PAYLOAD_MAX);
	rl_strvec env = RL_STRVEC_INIT;
	const char **envp = NULL;
	int error;

	*done = 0;
	if ((error = rl_outbox_read(&payload, archive, name)) < 0 ||
	    (error = payload_env(&env, archive, payload.ptr)) < 0)
		goto out;
	if ((envp = calloc(env.n + 1, sizeof(*envp))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < env.n; i++)
		envp[i] = env.v[i];
	error = rl_hook_run_after_commit(&last[0], &last[1], rl_archive_path(archive), payload.ptr,
					 payload.len, envp, timeout_ms);
	*done = error == 0 && delivered_ok(&last[0]) && delivered_ok(&last[1]);
out:
	free(envp);
	rl_strvec_release(&env);
	rl_buf_release(&payload);
	return error;
}

/* The commit of an entry named "<ns>-<commit>.json". */
static int entry_commit(git_oid *out, const char *name)
{
	const char *dash = strchr(name, '-');

	return dash && strlen(dash + 1) >= GIT_OID_HEXSZ &&
			       git_oid_fromstrn(out, dash + 1, GIT_OID_HEXSZ) == 0
		       ? 0
		       : -1;
}

int rl_outbox_deliver(size_t *delivered, size_t *pending, rl_hook_result last[2],
		      rl_archive *archive, const rl_outbox_deliver_opts *opts)
{
	int timeout_ms = opts ? opts->timeout_ms : 0;
	rl_hook_result scratch[2] = { RL_HOOK_RESULT_INIT, RL_HOOK_RESULT_INIT };
	rl_strvec names = RL_STRVEC_INIT;
	char path[4400];
	size_t sent = 0;
	int fd = -1, error, progress = 1, stopped = 0;

	if (last == NULL)
		last = scratch;
	if ((error = outbox_path(path, sizeof(path), archive, "lock")) < 0)
		return error;
	if ((error = outbox_path(path, sizeof(path), archive, NULL)) < 0 ||
	    (error = rl_file_mkdir_p(path)) < 0)
		return error;
	strcat(path, "/lock");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 || flock(fd, LOCK_EX) != 0) {
		error = rl_error_set_errno(RL_EIO, "cannot lock '%s'", path);
		goto done;
	}
	/* Again until nothing new: another process may record while we deliver. */
	while (progress && !stopped && error == 0) {
		progress = 0;
		rl_strvec_release(&names);
		if ((error = rl_outbox_list(&names, archive)) < 0)
			break;
		for (size_t i = 0; i < names.n && error == 0; i++) {
			int done = 0;
			git_oid commit;
			if ((error = deliver_one(&done, last, archive, names.v[i], timeout_ms)) < 0)
				break;
			if (opts && opts->on_entry && entry_commit(&commit, names.v[i]) == 0)
				opts->on_entry(&commit, last, opts->userdata);
			if (!done) {
				stopped = 1; /* in order: later ones wait for this one */
				break;
			}
			if ((error = outbox_path(path, sizeof(path), archive, names.v[i])) < 0)
				break;
			if (unlink(path) != 0 && errno != ENOENT) {
				error = rl_error_set_errno(RL_EIO, "cannot remove '%s'", path);
				break;
			}
			sent++;
			progress = 1;
		}
	}
	rl_strvec_release(&names);
	if (pending && error == 0 && (error = rl_outbox_list(&names, archive)) == 0)
		*pending = names.n;
done:
	if (delivered)
		*delivered = sent;
	if (fd >= 0)
		close(fd);
	rl_strvec_release(&names);
	rl_hook_result_clear(&scratch[0]);
	rl_hook_result_clear(&scratch[1]);
	return error;
}
