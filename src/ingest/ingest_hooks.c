/*
 * ingest_hooks.c - the post-snapshot payload (docs/hooks.md), recorded in
 * the outbox (outbox.h) under the writer lock, delivered after it.
 */
#include "ingest_internal.h"
#include "redline/error.h"
#include "redline/outbox.h"
#include "redline/timeutil.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_HOOK_TIMEOUT_MS 30000

static json_t *hash_or_null(int has, rl_hash128 hash)
{
	char hex[RL_HASH_HEX_SIZE];
	if (!has)
		return json_null();
	rl_hash128_hex(hex, hash);
	return json_string(hex);
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The JSON document a post-snapshot hook reads on stdin; NULL when out of memory. */
static char *build_payload(const struct ingest *in, const char *commit_hex, const char *parent_hex,
			   const char *when)
{
	const rl_ingest_result *r = in->result;
	json_t *root = json_object(), *counts = json_object(), *items = json_array();
	const char *url = ingest_source_url(in);
	char *text = NULL;

	if (!root || !counts || !items)
		goto done;
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "source", json_string(in->source));
	json_object_set_new(root, "source_url", string_or_null(url));
	json_object_set_new(root, "archive", json_string(rl_archive_path(in->archive)));
	json_object_set_new(root, "commit", json_string(commit_hex));
	json_object_set_new(root, "parent", string_or_null(parent_hex));
	json_object_set_new(root, "time", json_string(when));
	/* stories recorded with an empty body (--allow-empty): no main text found */
	json_object_set_new(root, "empty_bodies", json_integer((json_int_t)in->result->n_empty));
	for (int k = RL_CHANGE_EDITED; k <= RL_CHANGE_REMOVED; k++)
		json_object_set_new(counts, rl_change_kind_name((rl_change_kind)k),
				    json_integer((json_int_t)r->counts[k]));
	json_object_set(root, "counts", counts);
	for (size_t i = 0; i < r->n_changes; i++) {
		const rl_change *c = &r->changes[i];
		json_t *o = json_object();
		if (!o || json_array_append_new(items, o) < 0) {
			json_decref(o);
			goto done;
		}
		json_object_set_new(o, "id", json_string(c->id));
		json_object_set_new(o, "path", string_or_null(c->path));
		json_object_set_new(o, "title", string_or_null(c->title));
		json_object_set_new(o, "url", string_or_null(c->url));
		json_object_set_new(o, "change", json_string(rl_change_kind_name(c->kind)));
		json_object_set_new(o, "old_hash", hash_or_null(c->has_old, c->old_hash));
		json_object_set_new(o, "new_hash", hash_or_null(c->has_new, c->new_hash));
		json_object_set_new(o, "figures", rl_figures_json(&c->edit.figures));
		if (c->edit.kinds) {
			json_t *kinds = json_array();
			rl_buf d = RL_BUF_INIT(64 * 1024);
			for (unsigned b = 0; b < RL_EDIT_KINDS; b++)
				if (c->edit.kinds & (1u << b))
					json_array_append_new(kinds, json_string(rl_edit_kind_name(1u << b)));
			json_object_set_new(o, "kinds", kinds);
			rl_edit_class_describe(&d, &c->edit);
			json_object_set_new(o, "edit", string_or_null(d.ptr));
			rl_buf_release(&d);
		}
	}
	json_object_set(root, "items", items);
	text = json_dumps(root, JSON_INDENT(2));
done:
	json_decref(items);
	json_decref(counts);
	json_decref(root);
	return text;
}

int ingest_hook_timeout(const struct ingest *in)
{
	char *text = NULL;
	int seconds = 0, timeout = DEFAULT_HOOK_TIMEOUT_MS;

	if (in->opts.hook_timeout_ms > 0)
		return in->opts.hook_timeout_ms;
	/* git config redline.hook-timeout 10s (default 30 s) */
	if (rl_config_get_string(&text, in->archive, "redline.hook-timeout") == 0 && text &&
	    rl_config_parse_interval(&seconds, text) == 0 && seconds > 0)
		timeout = seconds * 1000;
	rl_error_clear();
	free(text);
	return timeout;
}

void ingest_hook_call_clear(struct hook_call *call)
{
	free(call->source);
	free(call->payload);
	memset(call, 0, sizeof(*call));
}

int ingest_hooks_prepare(struct hook_call *call, struct ingest *in)
{
	rl_ingest_result *r = in->result;
	git_commit *commit = NULL;
	char when[RL_TIME_ISO_SIZE];
	int installed;

	memset(call, 0, sizeof(*call));
	installed = ingest_batch_hooks(in->batch, in, &call->timeout_ms);
	git_oid_tostr(call->commit_hex, sizeof(call->commit_hex), &r->commit);
	if (git_commit_lookup(&commit, rl_archive_repo(in->archive), &r->commit) == 0 &&
	    git_commit_parentcount(commit) > 0)
		git_oid_tostr(call->parent_hex, sizeof(call->parent_hex),
			      git_commit_parent_id(commit, 0));
	git_commit_free(commit);
	if ((call->source = strdup(in->source)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	/* Nothing to deliver, but the outbox moves on past the commit.  No
	 * hook installed when the batch began: no payload either (a file
	 * written, fsynced and removed for every commit), as git runs only
	 * the hooks present when it commits (docs/hooks.md). */
	if (in->opts.no_hooks || in->opts.reextract_of || !installed)
		return 0;
	rl_time_format_iso8601(when, in->opts.time);
	if ((call->payload = build_payload(in, call->commit_hex,
					   *call->parent_hex ? call->parent_hex : NULL, when)) == NULL) {
		ingest_hook_call_clear(call);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	return 0;
}

/* Replaces every `from` (40 hex digits) in `text` by `to` (same length). */
static void replace_hex(char *text, const char *from, const char *to)
{
	size_t len = strlen(from);
	char *p = text;

	if (text == NULL || len == 0 || strcmp(from, to) == 0)
		return;
	while ((p = strstr(p, from)) != NULL) {
		memcpy(p, to, len);
		p += len;
	}
}

void ingest_hook_call_publish(struct hook_call *call, const git_oid *commit,
			      const git_oid *parent)
{
	char commit_hex[GIT_OID_HEXSZ + 1], parent_hex[GIT_OID_HEXSZ + 1] = "";

	/* Different from the ids built only when a writer without the lock
	 * moved the ref and the batch was rebuilt on top of it. */
	git_oid_tostr(commit_hex, sizeof(commit_hex), commit);
	if (parent)
		git_oid_tostr(parent_hex, sizeof(parent_hex), parent);
	replace_hex(call->payload, call->commit_hex, commit_hex);
	if (*call->parent_hex && *parent_hex)
		replace_hex(call->payload, call->parent_hex, parent_hex);
	memcpy(call->commit_hex, commit_hex, sizeof(commit_hex));
	memcpy(call->parent_hex, parent_hex, sizeof(parent_hex));
}
