/*
 * schedule.c - fetch status, backoff and follow-up schedule of a source.
 */
#include "redline/schedule.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FETCH_STATE_MAX (32u * 1024 * 1024)
#define MAX_BACKOFF RL_SCHEDULE_MAX_BACKOFF
#define ERROR_MAX 512

static int fetch_state_path(char *out, size_t size, rl_archive *archive, const char *source,
			    int make_dir)
{
	const char *dir = rl_archive_state_dir(archive);
	int error;

	if (dir == NULL)
		return rl_error_last_code() ? rl_error_last_code() : RL_EIO;
	if ((size_t)snprintf(out, size, "%s/fetch", dir) >= size)
		return rl_error_set(RL_EINVAL, "path too long for source '%s'", source);
	if (make_dir && (error = rl_file_mkdir_p(out)) < 0)
		return error;
	if ((size_t)snprintf(out, size, "%s/fetch/%s.json", dir, source) >= size)
		return rl_error_set(RL_EINVAL, "path too long for source '%s'", source);
	return 0;
}

static void follow_clear(rl_schedule_follow *f)
{
	free(f->url);
	free(f->etag);
	free(f->last_modified);
	free(f->status);
}

void rl_schedule_free(rl_schedule_state *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_follow; i++)
		follow_clear(&s->follow[i]);
	free(s->follow);
	free(s->source);
	free(s->etag);
	free(s->last_modified);
	free(s->last_error);
	free(s);
}

static char *dup_json_string(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? strdup(v) : NULL;
}

static void parse(rl_schedule_state *s, json_t *root)
{
	json_t *follow, *v;
	const char *hash;
	json_int_t n;
	size_t i;

	if (!json_is_object(root) || json_integer_value(json_object_get(root, "version")) != 1)
		return; /* not ours: a fresh start */

	s->etag = dup_json_string(root, "etag");
	s->last_modified = dup_json_string(root, "last_modified");
	if ((hash = json_string_value(json_object_get(root, "body_hash"))) &&
	    rl_hash128_parse(&s->body_hash, hash) == 0)
		s->has_body_hash = 1;
	rl_error_clear();
	s->last_fetch = json_integer_value(json_object_get(root, "last_fetch"));
	s->last_success = json_integer_value(json_object_get(root, "last_success"));
	s->last_change = json_integer_value(json_object_get(root, "last_change"));
	s->next_due = json_integer_value(json_object_get(root, "next_due"));
	s->last_status = (int)json_integer_value(json_object_get(root, "last_status"));
	s->last_error = dup_json_string(root, "last_error");
	/* A hand-edited or damaged count must not overflow the backoff. */
	n = json_integer_value(json_object_get(root, "failures"));
	s->failures = n < 0 ? 0 : n > 1000 ? 1000 : (int)n;
	n = json_integer_value(json_object_get(root, "items"));
	s->items = n < 0 ? 0 : (size_t)n;
	follow = json_object_get(root, "follow");
	json_array_foreach(follow, i, v) {
		rl_schedule_follow *f = NULL;
		const char *id = json_string_value(json_object_get(v, "id"));
		const char *url = json_string_value(json_object_get(v, "url"));
		if (!id || strlen(id) != 12 || strspn(id, "0123456789abcdef") != 12 || !url)
			continue;
		if (rl_schedule_follow_add(&f, s, id, url,
					      json_integer_value(json_object_get(v, "first_seen"))) < 0)
			break;
		f->etag = dup_json_string(v, "etag");
		f->last_modified = dup_json_string(v, "last_modified");
		f->last_checked = json_integer_value(json_object_get(v, "last_checked"));
		f->removed = json_is_true(json_object_get(v, "removed"));
		f->status = dup_json_string(v, "status");
		f->on_page = json_is_true(json_object_get(v, "on_page"));
	}
}

int rl_schedule_load(rl_schedule_state **out, rl_archive *archive, const char *source)
{
	char path[4096];
	rl_buf text = RL_BUF_INIT(FETCH_STATE_MAX);
	rl_schedule_state *s;
	json_t *root = NULL;
	int error;

	*out = NULL;
	if ((error = fetch_state_path(path, sizeof(path), archive, source, 0)) < 0)
		return error;
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->source = strdup(source)) == NULL) {
		free(s);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	if (rl_file_read(&text, path) == 0 && (root = json_loadb(text.ptr, text.len, 0, NULL)))
		parse(s, root);
	rl_error_clear(); /* a missing or broken cache is a fresh start, not an error */
	json_decref(root);
	rl_buf_release(&text);
	*out = s;
	return 0;
}

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

int rl_schedule_save(const rl_schedule_state *s, rl_archive *archive)
{
	char path[4096], hex[RL_HASH_HEX_SIZE];
	json_t *root = json_object(), *follow = json_array();
	char *text = NULL;
	int error;

	if (!root || !follow) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	json_object_set_new(root, "version", json_integer(1));
	set_str(root, "etag", s->etag);
	set_str(root, "last_modified", s->last_modified);
	if (s->has_body_hash) {
		rl_hash128_hex(hex, s->body_hash);
		json_object_set_new(root, "body_hash", json_string(hex));
	}
	json_object_set_new(root, "last_fetch", json_integer(s->last_fetch));
	json_object_set_new(root, "last_success", json_integer(s->last_success));
	json_object_set_new(root, "last_change", json_integer(s->last_change));
	json_object_set_new(root, "next_due", json_integer(s->next_due));
	json_object_set_new(root, "last_status", json_integer(s->last_status));
	set_str(root, "last_error", s->last_error);
	json_object_set_new(root, "failures", json_integer(s->failures));
	json_object_set_new(root, "items", json_integer((json_int_t)s->items));
	for (size_t i = 0; i < s->n_follow; i++) {
		const rl_schedule_follow *f = &s->follow[i];
		json_t *o = json_object();
		json_array_append_new(follow, o);
		json_object_set_new(o, "id", json_string(f->id));
		set_str(o, "url", f->url);
		set_str(o, "etag", f->etag);
		set_str(o, "last_modified", f->last_modified);
		json_object_set_new(o, "first_seen", json_integer(f->first_seen));
		json_object_set_new(o, "last_checked", json_integer(f->last_checked));
		if (f->removed)
			json_object_set_new(o, "removed", json_true());
		set_str(o, "status", f->status);
		json_object_set_new(o, "on_page", json_boolean(f->on_page));
	}
	json_object_set(root, "follow", follow);
	if ((text = json_dumps(root, JSON_COMPACT)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = fetch_state_path(path, sizeof(path), archive, s->source, 1)) == 0)
		error = rl_file_write_cache(path, text, strlen(text));
done:
	free(text);
	json_decref(follow);
	json_decref(root);
	return error;
}

int rl_schedule_remove(rl_archive *archive, const char *source)
{
	char path[4096];
	int error;

	if ((error = fetch_state_path(path, sizeof(path), archive, source, 0)) < 0)
		return error;
	if (unlink(path) < 0 && errno != ENOENT)
		return rl_error_set_errno(RL_EIO, "cannot remove '%s'", path);
	return 0;
}

int rl_schedule_fail(rl_schedule_state *s, int64_t now, int every_seconds, int http_status,
			long retry_after_seconds, const char *message)
{
	int64_t delay = every_seconds > 0 ? every_seconds : 600;

	s->failures++;
	for (int i = 1; i < s->failures && delay < MAX_BACKOFF; i++)
		delay *= 2;
	if (delay > MAX_BACKOFF)
		delay = MAX_BACKOFF;
	if (retry_after_seconds > delay)
		delay = retry_after_seconds > MAX_BACKOFF ? MAX_BACKOFF : retry_after_seconds;
	s->last_fetch = now;
	s->next_due = now + delay;
	s->last_status = http_status;
	free(s->last_error);
	s->last_error = strndup(message ? message : "unknown error", ERROR_MAX);
	return s->last_error ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

void rl_schedule_succeed(rl_schedule_state *s, int64_t now, int every_seconds, int http_status)
{
	int64_t every = every_seconds > 0 ? every_seconds : 600;
	/* Jitter spreads sources that were added together over the interval. */
	uint64_t mix = rl_hash64_bytes(s->source, strlen(s->source)) ^ (uint64_t)now;
	int64_t jitter = every >= 10 ? (int64_t)(mix % (uint64_t)(every / 10)) : 0;

	s->failures = 0;
	s->last_fetch = now;
	s->last_success = now;
	s->last_status = http_status;
	s->next_due = now + every + jitter;
	free(s->last_error);
	s->last_error = NULL;
}

rl_schedule_follow *rl_schedule_follow_find(rl_schedule_state *s, const char *id)
{
	for (size_t i = 0; i < s->n_follow; i++)
		if (strcmp(s->follow[i].id, id) == 0)
			return &s->follow[i];
	return NULL;
}

int rl_schedule_follow_add(rl_schedule_follow **out, rl_schedule_state *s, const char *id,
			      const char *url, int64_t first_seen)
{
	rl_schedule_follow *f = rl_schedule_follow_find(s, id), *v;

	if (f == NULL) {
		if ((v = realloc(s->follow, (s->n_follow + 1) * sizeof(*v))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		s->follow = v;
		f = &v[s->n_follow];
		memset(f, 0, sizeof(*f));
		snprintf(f->id, sizeof(f->id), "%s", id);
		f->first_seen = first_seen;
		s->n_follow++;
	}
	if (f->url == NULL || strcmp(f->url, url) != 0) {
		char *u = strdup(url);
		if (u == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		free(f->url);
		f->url = u;
	}
	*out = f;
	return 0;
}

int64_t rl_schedule_follow_next_check(const rl_schedule_follow *f)
{
	int64_t age;

	if (f->removed)
		return -1;
	if (f->last_checked == 0)
		return 0;
	age = f->last_checked - f->first_seen;
	if (age < 6 * 3600)
		return f->last_checked + 15 * 60;
	if (age < 24 * 3600)
		return f->last_checked + 3600;
	if (age < 7 * 24 * 3600)
		return f->last_checked + 24 * 3600;
	return -1;
}

size_t rl_schedule_follow_prune(rl_schedule_state *s, int64_t now)
{
	size_t kept = 0, n = s->n_follow;

	for (size_t i = 0; i < n; i++) {
		rl_schedule_follow *f = &s->follow[i];
		if (!f->on_page && now - f->first_seen > RL_SCHEDULE_FOLLOW_FORGET_AFTER) {
			follow_clear(f);
			continue;
		}
		if (kept != i)
			s->follow[kept] = *f;
		kept++;
	}
	s->n_follow = kept;
	return n - kept;
}
