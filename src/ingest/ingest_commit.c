/*
 * ingest_commit.c - turning a classified snapshot into one commit of the
 * group commit it belongs to (ingest_batch.c): the commit, the state after
 * it and its hook calls are queued; nothing reaches the disk before the
 * batch's ref move.
 */
#include "ingest_internal.h"
#include "redline/buf.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_MAX (8u * 1024 * 1024)
#define MESSAGE_MAX (4u * 1024 * 1024)

/* The INDEX (story.h) of the snapshot (`items`), or of the state for the
 * INDEX it replaces. */
static int render_index(rl_buf *out, const rl_item_list *items, const rl_state *state)
{
	size_t n = items ? items->n : state->n;
	int error = 0;

	for (size_t i = 0; i < n && error == 0; i++) {
		const char *id = items ? items->v[i].id : state->items[i].id;
		const char *title = items ? items->v[i].title : state->items[i].title;
		error = rl_story_index_line_render(out, id, title);
	}
	return error ? error : rl_buf_put(out, "", 0);
}

/* Capture:, and Reextract-Of: with the Extractor: used (docs/evidence.md). */
static int render_evidence_trailers(rl_buf *msg, const struct ingest *in)
{
	const rl_ingest_opts *opts = &in->opts;
	char extractor[96];
	int error = 0;

	for (size_t i = 0; i < opts->n_captures && error == 0; i++)
		error = rl_buf_printf(msg, RL_CAPTURE_TRAILER "%s\n", opts->captures[i]->id);
	if (error == 0 && opts->reextract_of) {
		rl_capture_extractor_version(extractor, sizeof(extractor), in->config);
		error = rl_buf_printf(msg, "Reextract-Of: %s\nExtractor: %s\n", opts->reextract_of,
				      extractor);
	}
	return error;
}

static int render_message(rl_buf *msg, const struct ingest *in)
{
	const rl_ingest_result *r = in->result;
	char when[RL_TIME_ISO_SIZE], hex[RL_HASH_HEX_SIZE];
	const char *url = ingest_source_url(in);
	int error;

	if (in->opts.reextract_of && (error = rl_buf_puts(msg, "re-extraction of ")) < 0)
		return error;
	if ((error = rl_buf_printf(msg, "%s: %zu edited, %zu new, %zu gone from page", in->source,
				   r->counts[RL_CHANGE_EDITED], r->counts[RL_CHANGE_NEW],
				   r->counts[RL_CHANGE_GONE])) < 0)
		return error;
	if (r->counts[RL_CHANGE_BACK] &&
	    (error = rl_buf_printf(msg, ", %zu back", r->counts[RL_CHANGE_BACK])) < 0)
		return error;
	if (r->counts[RL_CHANGE_MOVED] &&
	    (error = rl_buf_printf(msg, ", %zu moved", r->counts[RL_CHANGE_MOVED])) < 0)
		return error;
	if (r->counts[RL_CHANGE_REMOVED] &&
	    (error = rl_buf_printf(msg, ", %zu removed", r->counts[RL_CHANGE_REMOVED])) < 0)
		return error;
	if ((error = rl_buf_puts(msg, "\n\n")) < 0)
		return error;
	for (size_t i = 0; i < r->n_changes; i++) {
		const rl_change *c = &r->changes[i];
		if ((error = rl_buf_printf(msg, "%s %s %s\n", rl_change_kind_name(c->kind), c->id,
					   c->title ? c->title : "")) < 0)
			return error;
		/* the kinds of edit on an indented line, which item-line readers skip */
		if (c->edit.kinds && ((error = rl_buf_puts(msg, "    ")) < 0 ||
				      (error = rl_edit_class_describe(msg, &c->edit)) < 0 ||
				      (error = rl_buf_putc(msg, '\n')) < 0))
			return error;
	}
	rl_time_format_iso8601(when, in->opts.time);
	rl_hash128_hex(hex, in->snapshot_hash);
	if ((error = rl_buf_puts(msg, "\n")) < 0 ||
	    (url && (error = rl_buf_printf(msg, "Source-URL: %s\n", url)) < 0) ||
	    (error = rl_buf_printf(msg, "Snapshot-Time: %s\n", when)) < 0 ||
	    (in->have_snapshot_hash &&
	     (error = rl_buf_printf(msg, "Snapshot-XXH3: %s\n", hex)) < 0))
		return error;
	return render_evidence_trailers(msg, in);
}

static int needs_gitattributes(rl_archive *archive, int *needed)
{
	git_oid id;
	int is_tree = 0, error = rl_archive_head_entry(&id, &is_tree, archive, ".gitattributes");

	/* a lookup in the batch's root, not a read of the file (archive.h) */
	*needed = error == RL_ENOTFOUND || (error == 0 && is_tree);
	return error == RL_ENOTFOUND ? 0 : error;
}

/* Hands the state as of this snapshot to the batch, which writes it once
 * the ref moved.  The state tree is taken from the commit just made (HEAD
 * reads the batch's last commit), never from whatever the ref says later. */
static int save_state(struct ingest *in, int committed)
{
	rl_state *next = NULL;
	const char **ids = NULL, **paths = NULL;
	size_t n_new = 0;
	int error;

	if (!committed) {
		/* Nothing to commit: remember the snapshot so identical bytes skip parsing. */
		in->state->snapshot = in->snapshot_hash;
		in->state->has_snapshot = in->from_raw;
		next = in->state;
		/* The batch has it now, or had it already (lent): either way it
		 * is no longer this snapshot's to free. */
		in->state = NULL;
		in->state_lent = 0;
		return ingest_batch_keep(in->batch, next, NULL, NULL, 0);
	}
	if ((next = calloc(1, sizeof(*next))) == NULL || (next->source = strdup(in->source)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = rl_state_source_tree(&next->tree, in->archive, in->source)) < 0)
		goto done;
	/* Only raw bytes may short-cut the next ingest: a listing whose
	 * articles were merged in is not the whole story. */
	next->snapshot = in->snapshot_hash;
	next->has_snapshot = in->from_raw;
	/* the source's last snapshot time, for ingest_check_order() */
	next->last_time = in->opts.time;
	next->has_last_time = 1;
	for (size_t i = 0; i < in->items.n; i++) {
		const rl_item *it = &in->items.v[i];
		rl_state_item si;
		memset(&si, 0, sizeof(si));
		snprintf(si.id, sizeof(si.id), "%s", it->id);
		si.path = it->path;
		si.key = it->key;
		si.title = it->title;
		si.hash = it->hash;
		si.first_seen = it->first_seen;
		if ((error = rl_state_push(next, &si)) < 0)
			goto done;
	}
	ids = calloc(in->result->n_changes + 1, sizeof(*ids));
	paths = calloc(in->result->n_changes + 1, sizeof(*paths));
	if (!ids || !paths) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t c = 0; c < in->result->n_changes; c++) {
		if (in->result->changes[c].kind != RL_CHANGE_NEW)
			continue;
		ids[n_new] = in->result->changes[c].id;
		paths[n_new++] = in->result->changes[c].path;
	}
	if (in->state_lent) {
		/* The batch frees the state it lent us when it takes the next. */
		in->state = NULL;
		in->state_lent = 0;
	}
	error = ingest_batch_keep(in->batch, next, ids, paths, n_new);
	next = NULL;
done:
	free(ids);
	free(paths);
	rl_state_free(next);
	return error;
}

int ingest_commit(struct ingest *in)
{
	rl_ingest_result *r = in->result;
	rl_buf index = RL_BUF_INIT(INDEX_MAX), old_index = RL_BUF_INIT(INDEX_MAX);
	rl_buf message = RL_BUF_INIT(MESSAGE_MAX);
	rl_archive_file_update *updates = NULL;
	const rl_item_packed **packed = NULL;
	rl_archive_commit_info info = { 0 };
	char index_path[512];
	size_t n = 0, queued = 0;
	int error, index_changed, with_attributes = 0;

	if ((error = render_index(&index, &in->items, NULL)) < 0 ||
	    (error = render_index(&old_index, NULL, in->state)) < 0)
		goto done;
	index_changed = strcmp(index.ptr, old_index.ptr) != 0;
	if (r->n_changes == 0 && !index_changed) {
		error = save_state(in, 0);
		goto done;
	}
	if ((error = needs_gitattributes(in->archive, &with_attributes)) < 0)
		goto done;
	if ((updates = calloc(in->items.n + 2 + in->opts.n_captures, sizeof(*updates))) == NULL ||
	    (packed = calloc(in->items.n + 2 + in->opts.n_captures, sizeof(*packed))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < in->items.n; i++) {
		const rl_item *it = &in->items.v[i];
		for (size_t c = 0; c < r->n_changes; c++) {
			const rl_change *ch = &r->changes[c];
			if (strcmp(ch->id, it->id) != 0 || ch->kind == RL_CHANGE_MOVED ||
			    (ch->kind == RL_CHANGE_BACK && rl_hash128_equal(ch->old_hash, ch->new_hash)))
				continue;
			packed[n] = it->packed.bytes ? &it->packed : NULL;
			updates[n++] = (rl_archive_file_update){ it->path, it->text, strlen(it->text) };
			break;
		}
	}
	if ((error = rl_story_index_path(index_path, sizeof(index_path), in->source)) < 0)
		goto done;
	updates[n++] = (rl_archive_file_update){ index_path, index.ptr, index.len };
	for (size_t i = 0; i < in->opts.n_captures; i++) {
		const rl_capture *c = in->opts.captures[i];
		packed[n] = c->packed.bytes ? &c->packed : NULL;
		updates[n++] = (rl_archive_file_update){ c->path, c->bytes.ptr, c->bytes.len };
	}
	if (with_attributes) {
		const char *attrs = rl_archive_gitattributes();
		updates[n++] = (rl_archive_file_update){ ".gitattributes", attrs, strlen(attrs) };
	}
	if ((error = render_message(&message, in)) < 0)
		goto done;
	info.message = message.ptr;
	info.time = in->opts.time;
	if ((error = ingest_batch_add(&r->commit, &queued, in->batch, updates, packed, n, &info)) < 0)
		goto done;
	r->committed = 1;
	if ((error = save_state(in, 1)) < 0 ||
	    (error = ingest_batch_note_commit(in->batch, in->source, &r->commit)) < 0)
		goto done;
	{
		/* Every commit gets its call, hooks or not: the outbox must move
		 * past it (outbox.h), or the next writer would rebuild an alert. */
		struct hook_call call;
		if ((error = ingest_hooks_prepare(&call, in)) < 0)
			goto done;
		call.index = queued;
		/* Without a batch of the caller's, the caller's result gets them. */
		call.result = in->opts.batch ? NULL : r;
		error = ingest_batch_queue_hooks(in->batch, &call);
	}
done:
	free(updates);
	free(packed);
	rl_buf_release(&index);
	rl_buf_release(&old_index);
	rl_buf_release(&message);
	return error;
}
