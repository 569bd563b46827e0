/*
 * schedule.c - fetch status, backoff and follow-up schedule of a source.
 */
#include "redline/schedule.h"
#include "redline/error.h"
#include "schedule_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BACKOFF RL_SCHEDULE_MAX_BACKOFF
#define ERROR_MAX 512

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

void schedule_from_json(rl_schedule_state *s, json_t *root)
{
	json_t *follow, *v;
	const char *hash;
	json_int_t n;
	size_t i;

	if (!json_is_object(root))
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

int schedule_state_new(rl_schedule_state **out, const char *source)
{
	rl_schedule_state *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->source = strdup(source)) == NULL) {
		free(s);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

static int set_str(json_t *o, const char *key, const char *v)
{
	return v ? json_object_set_new(o, key, json_string(v)) : 0;
}

static int set_int(json_t *o, const char *key, json_int_t v)
{
	return json_object_set_new(o, key, json_integer(v));
}

json_t *schedule_to_json(const rl_schedule_state *s)
{
	char hex[RL_HASH_HEX_SIZE];
	json_t *root = json_object(), *follow = json_array();
	int bad = root == NULL || follow == NULL;

	if (!bad && s->has_body_hash) {
		rl_hash128_hex(hex, s->body_hash);
		bad |= json_object_set_new(root, "body_hash", json_string(hex)) < 0;
	}
	bad = bad || set_str(root, "etag", s->etag) < 0 ||
	      set_str(root, "last_modified", s->last_modified) < 0 ||
	      set_int(root, "last_fetch", s->last_fetch) < 0 ||
	      set_int(root, "last_success", s->last_success) < 0 ||
	      set_int(root, "last_change", s->last_change) < 0 ||
	      set_int(root, "next_due", s->next_due) < 0 ||
	      set_int(root, "last_status", s->last_status) < 0 ||
	      set_str(root, "last_error", s->last_error) < 0 ||
	      set_int(root, "failures", s->failures) < 0 ||
	      set_int(root, "items", (json_int_t)s->items) < 0;
	for (size_t i = 0; !bad && i < s->n_follow; i++) {
		const rl_schedule_follow *f = &s->follow[i];
		json_t *o = json_object();
		bad = json_array_append_new(follow, o) < 0 ||
		      json_object_set_new(o, "id", json_string(f->id)) < 0 ||
		      set_str(o, "url", f->url) < 0 || set_str(o, "etag", f->etag) < 0 ||
		      set_str(o, "last_modified", f->last_modified) < 0 ||
		      set_int(o, "first_seen", f->first_seen) < 0 ||
		      set_int(o, "last_checked", f->last_checked) < 0 ||
		      (f->removed && json_object_set_new(o, "removed", json_true()) < 0) ||
		      set_str(o, "status", f->status) < 0 ||
		      json_object_set_new(o, "on_page", json_boolean(f->on_page)) < 0;
	}
	if (!bad && s->n_follow)
		bad = json_object_set(root, "follow", follow) < 0;
	json_decref(follow);
	if (bad) {
		json_decref(root);
		rl_error_set(RL_ENOMEM, "out of memory");
		return NULL;
	}
	return root;
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
