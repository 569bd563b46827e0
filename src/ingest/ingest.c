/*
 * ingest.c - the pipeline: one snapshot of a source into the archive.
 *
 * Order matters for safety: everything is decided in memory first; the
 * commit moves the ref last; the state cache is saved after the commit (a
 * crash in between is healed by rl_state_load's rebuild); hooks run after
 * the commit and can never undo it.
 */
#include "redline/ingest.h"
#include "redline/align.h"
#include "redline/charset.h"
#include "redline/buf.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/normalise.h"
#include "redline/outbox.h"
#include "redline/path.h"
#include "redline/snapshot.h"
#include "redline/state.h"
#include "redline/timeutil.h"
#include "redline/url.h"
#include "ingest_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The guard: a snapshot that loses more than half of a page of at least this
 * many stories at once is far likelier a broken page than real news. */
#define GUARD_MIN_STORIES 4

static void change_clear(rl_change *c)
{
	free(c->path);
	free(c->title);
	free(c->url);
	rl_edit_class_release(&c->edit);
}

void rl_ingest_result_free(rl_ingest_result *result)
{
	if (result == NULL)
		return;
	for (size_t i = 0; i < result->n_changes; i++)
		change_clear(&result->changes[i]);
	free(result->changes);
	rl_hook_result_clear(&result->hooks[0]);
	rl_hook_result_clear(&result->hooks[1]);
	free(result);
}

static int add_change(rl_change **out, rl_ingest_result *r, rl_change_kind kind, const char *id,
		      const char *path, const char *title, const char *url)
{
	rl_change *v = realloc(r->changes, (r->n_changes + 1) * sizeof(*v)), *c;

	if (v == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	r->changes = v;
	c = &v[r->n_changes];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	snprintf(c->id, sizeof(c->id), "%s", id);
	if ((path && !(c->path = strdup(path))) || (title && !(c->title = strdup(title))) ||
	    (url && !(c->url = strdup(url)))) {
		change_clear(c);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	r->n_changes++;
	r->counts[kind]++;
	if (out)
		*out = c;
	return 0;
}

int ingest_figures(rl_change *c, const char *old_text, const char *new_text)
{
	rl_story_header ho, hn;
	int error;

	old_text = old_text ? old_text : "";
	new_text = new_text ? new_text : "";
	/* the kinds of edit and the figures of headline and body, for the
	 * commit message, the hooks and `ingest`'s output alike (as in log) */
	memset(&ho, 0, sizeof(ho));
	memset(&hn, 0, sizeof(hn));
	if ((error = rl_story_parse_header(&ho, old_text, strlen(old_text))) == 0 &&
	    (error = rl_story_parse_header(&hn, new_text, strlen(new_text))) == 0)
		error = rl_classify_edit(&c->edit, ho.title ? ho.title : "", rl_story_body(old_text),
					 hn.title ? hn.title : "", rl_story_body(new_text));
	rl_story_header_clear(&ho);
	rl_story_header_clear(&hn);
	return error;
}

int ingest_read_story(struct ingest *in, rl_buf *out, const char *path)
{
	rl_buf_clear(out);
	return rl_archive_read(out, in->archive, NULL, path);
}

/* --- classification ---------------------------------------------------- */

static int replace_field(char **field, char *value)
{
	free(*field);
	*field = value;
	return 0;
}

/* Takes the parts a caller asked to keep from the story's last version. */
static int apply_keep(rl_item *it, const char *old_text, size_t old_len)
{
	rl_story_header h;
	int error;

	if (it->keep & RL_ITEM_KEEP_HEADER) {
		if ((error = rl_story_parse_header(&h, old_text, old_len)) < 0)
			return error;
		replace_field(&it->title, h.title);
		replace_field(&it->url, h.url);
		replace_field(&it->guid, h.guid);
		h.title = h.url = h.guid = NULL;
		rl_story_header_clear(&h);
	}
	if (it->keep & RL_ITEM_KEEP_BODY)
		return rl_story_body_paragraphs(&it->body, old_text);
	return 0;
}


/* The First-Seen of a story's last version: a story keeps its first sighting. */
static int story_first_seen(int64_t *out, const rl_buf *text, const char *path)
{
	rl_story_header h;
	int error;

	if ((error = rl_story_parse_header(&h, text->ptr, text->len)) < 0)
		return error;
	if (!h.has_first_seen)
		error = rl_error_set(RL_EPARSE, "'%s' has no valid First-Seen header", path);
	*out = h.first_seen;
	rl_story_header_clear(&h);
	return error;
}

/* A new story's file name: the one built with the file ahead (item->path,
 * rl_snapshot_render_ahead) when its packed blob survived the rendering,
 * for then the header, and with it the title, id and time the name is
 * made of, is the one guessed. */
static int new_story_path(struct ingest *in, rl_item *it, char **ahead)
{
	if (*ahead && it->packed.bytes) {
		it->path = *ahead;
		*ahead = NULL;
		return 0;
	}
	return rl_story_path(&it->path, in->source, in->opts.time, it->title, it->id);
}

static int classify_item(struct ingest *in, size_t i, rl_buf *old)
{
	rl_item *it = &in->items.v[i];
	const rl_state_item *st = rl_state_find(in->state, it->id);
	char *known_path = NULL, *ahead = it->path;
	int64_t first_seen = in->opts.time;
	rl_change *c = NULL;
	rl_change_kind kind;
	rl_hash128 old_hash = { 0, 0 };
	int error = 0, has_old = 0;

	it->path = NULL;
	if (st) {
		first_seen = st->first_seen;
		if ((it->path = rl_strdup(st->path)) == NULL) {
			error = RL_ENOMEM;
			goto done;
		}
		old_hash = st->hash;
		has_old = 1;
		kind = RL_CHANGE_EDITED;
		if (it->keep && ((error = ingest_read_story(in, old, it->path)) < 0 ||
				 (error = apply_keep(it, old->ptr, old->len)) < 0))
			goto done;
	} else if ((error = ingest_lookup_known(&known_path, in, it->id)) == 0 &&
		   (error = ingest_read_story(in, old, known_path)) != RL_ENOTFOUND) {
		it->path = known_path;
		if (error < 0 || (error = story_first_seen(&first_seen, old, it->path)) < 0)
			goto done;
		old_hash = rl_hash128_bytes(old->ptr, old->len);
		has_old = 1;
		kind = RL_CHANGE_BACK;
		if (it->keep && (error = apply_keep(it, old->ptr, old->len)) < 0)
			goto done;
	} else if (error == RL_ENOTFOUND) {
		/* never seen, or its file left the tree (a history rewritten or a
		 * file removed with git): a new file, under a path of its own */
		free(known_path);
		rl_error_clear();
		error = 0;
		kind = RL_CHANGE_NEW;
	} else {
		goto done;
	}
	it->first_seen = first_seen;
	if (kind == RL_CHANGE_EDITED && ingest_memo_unchanged(in, i, first_seen, old_hash)) {
		/* the same story file as the state's, as it was last rendered */
		it->hash = old_hash;
		in->result->unchanged++;
		goto done;
	}
	if ((error = rl_snapshot_render(it, in->source, first_seen, it->status)) < 0 ||
	    (kind == RL_CHANGE_NEW && (error = new_story_path(in, it, &ahead)) < 0))
		goto done;
	ingest_memo_rendered(in, i);
	if (kind == RL_CHANGE_EDITED && it->status)
		kind = RL_CHANGE_REMOVED;
	if (kind != RL_CHANGE_BACK && has_old && rl_hash128_equal(old_hash, it->hash)) {
		/* Packed ahead for nothing: memory goes back at once. */
		free(it->packed.bytes);
		memset(&it->packed, 0, sizeof(it->packed));
		in->result->unchanged++;
		goto done;
	}
	if ((error = add_change(&c, in->result, kind, it->id, it->path, it->title, it->url)) < 0)
		goto done;
	c->has_old = has_old;
	c->old_hash = old_hash;
	c->has_new = 1;
	c->new_hash = it->hash;
	if (kind != RL_CHANGE_NEW && !rl_hash128_equal(old_hash, it->hash)) {
		if (kind != RL_CHANGE_BACK && (error = ingest_read_story(in, old, it->path)) < 0)
			goto done;
		error = ingest_figures(c, old->ptr, it->text);
		if (error == 0 && kind == RL_CHANGE_EDITED)
			ingest_find_revert(in, c, it->text);
	}
done:
	free(ahead);
	return error;
}

/* Stories still on the page whose order among the others changed: those
 * outside a longest increasing run of their old positions. */
static int find_moved(struct ingest *in)
{
	size_t n = in->items.n;
	size_t *pos = malloc((n + 1) * sizeof(*pos));
	unsigned char *keep = calloc(n + 1, 1);
	int error = 0;

	if (!pos || !keep) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const rl_state_item *st = rl_state_find(in->state, in->items.v[i].id);
		pos[i] = st ? (size_t)(st - in->state->items) : RL_ALIGN_NONE;
	}
	/* What kept its order among the items that were on the page before
	 * stayed; the others moved. */
	if ((error = rl_align_in_order(keep, pos, n)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		const rl_item *it = &in->items.v[i];
		int changed = 0;
		if (pos[i] == RL_ALIGN_NONE || keep[i])
			continue;
		for (size_t c = 0; c < in->result->n_changes; c++)
			changed |= strcmp(in->result->changes[c].id, it->id) == 0;
		if (!changed) {
			rl_change *c = NULL;
			if ((error = add_change(&c, in->result, RL_CHANGE_MOVED, it->id, it->path,
						it->title, it->url)) < 0)
				goto done;
			c->has_old = 1;
			c->old_hash = it->hash;
		}
	}
done:
	free(pos);
	free(keep);
	return error;
}

static int classify(struct ingest *in)
{
	rl_buf old = RL_BUF_INIT(RL_STORY_MAX);
	int error = 0;

	for (size_t i = 0; i < in->items.n; i++)
		if ((error = classify_item(in, i, &old)) < 0)
			goto done;
	for (size_t i = 0; i < in->state->n; i++) {
		const rl_state_item *st = &in->state->items[i];
		rl_story_header h;
		rl_change *c = NULL;
		int present = 0;
		for (size_t j = 0; j < in->items.n && !present; j++)
			present = strcmp(in->items.v[j].id, st->id) == 0;
		if (present)
			continue;
		/* The payload wants the story's link, which only its file has. */
		if ((error = ingest_read_story(in, &old, st->path)) < 0 ||
		    (error = rl_story_parse_header(&h, old.ptr, old.len)) < 0)
			goto done;
		error = add_change(&c, in->result, RL_CHANGE_GONE, st->id, st->path, st->title, h.url);
		rl_story_header_clear(&h);
		if (error < 0)
			goto done;
		c->has_old = 1;
		c->old_hash = st->hash;
	}
	error = find_moved(in);
done:
	rl_buf_release(&old);
	return error;
}

/* Keeps the last error as the result's warning: the commit stands. */
static void ingest_warn(struct ingest *in)
{
	snprintf(in->result->warning, sizeof(in->result->warning), "%s", rl_error_last());
	rl_error_clear();
}

const char *ingest_source_url(const struct ingest *in)
{
	return in->shown_url;
}

/* in->shown_url from the snapshot's URL, the source's, or the file it came from. */
static int set_shown_url(struct ingest *in)
{
	const char *url = in->opts.source_url ? in->opts.source_url : in->config->url;

	if (url == NULL)
		url = in->opts.origin;
	return url ? rl_url_strip_userinfo(&in->shown_url, url) : 0;
}

/* --- the pipeline ------------------------------------------------------ */

int rl_ingest_extract(rl_item_list *items, const rl_source_config *cfg, const char *data,
		      size_t len, const rl_ingest_opts *opts)
{
	rl_extract_opts xo = { 0 };
	rl_format format = opts->format;
	char *text = NULL;
	size_t text_len;
	int error;

	if (len > RL_EXTRACT_MAX_INPUT)
		return rl_error_set(RL_ETOOBIG, "snapshot is %zu bytes, over the limit of %u", len,
				    RL_EXTRACT_MAX_INPUT);
	if (format == RL_FORMAT_AUTO)
		format = cfg->format;
	/* before any charset conversion, which would hide binary data */
	if ((error = rl_extract_refuse(data, len, format)) < 0)
		return error;
	if (format == RL_FORMAT_AUTO)
		format = rl_extract_sniff(data, len);
	xo.base_url = opts->source_url ? opts->source_url : cfg->url;
	xo.charset = opts->charset;
	xo.select_item = cfg->select_item;
	xo.select_title = cfg->select_title;
	xo.select_link = cfg->select_link;
	xo.select_body = cfg->select_body;
	if (format == RL_FORMAT_TEXT) {
		/* HTML and XML carry their charset inside; plain text only outside. */
		if ((error = rl_charset_to_utf8(&text, &text_len, data, len, opts->charset)) < 0)
			return error;
		data = text;
		len = text_len;
	}
	/* Refused above; text converted to UTF-8 is checked again as it is now. */
	if (text)
		error = rl_extract(items, data, len, format, &xo);
	else
		error = rl_extract_refused(items, data, len, format, &xo);
	free(text);
	return error;
}

int rl_ingest_prepare(rl_item_list *items, const rl_source_config *cfg,
		      const rl_ingest_opts *opts)
{
	rl_normaliser *normaliser = NULL;
	const char *base = opts->source_url ? opts->source_url : cfg->url;
	int error;

	if ((error = rl_normaliser_new(&normaliser, (const char *const *)cfg->ignore.v,
				       cfg->ignore.n)) == 0) {
		rl_normaliser_keep_counters(normaliser, cfg->keep_counters);
		error = rl_snapshot_prepare(items, normaliser, base);
	}
	rl_normaliser_free(normaliser);
	return error;
}

static int guard(struct ingest *in)
{
	size_t gone = in->result->counts[RL_CHANGE_GONE];

	/* A page from which no main text came is a failure to report, never a
	 * quiet success (it may be a consent wall, a script-built page, or an
	 * extractor bug). */
	if (in->result->n_empty && !in->opts.allow_empty && !in->opts.force)
		return rl_error_set(RL_EGUARD,
				    "no main text found in the page of '%s' (its story has an empty "
				    "body); nothing was written (use --allow-empty to record it)",
				    in->source);

	if (in->items.n == 0 && !in->opts.force)
		return rl_error_set(RL_EGUARD,
				    "snapshot of '%s' has no stories; nothing was marked gone "
				    "(use --force if the page really is empty)",
				    in->source);
	if (!in->opts.force && in->state->n >= GUARD_MIN_STORIES && gone * 2 > in->state->n)
		return rl_error_set(RL_EGUARD,
				    "snapshot of '%s' would drop %zu of %zu stories at once; "
				    "refusing it as a likely broken page (use --force to accept)",
				    in->source, gone, in->state->n);
	return 0;
}

static int load_config(rl_source_config **out, rl_archive *archive, const char *source)
{
	int error = rl_config_source_load(out, archive, source);

	if (error == RL_ENOTFOUND) {
		/* A source fed only by `ingest` needs no [source] section. */
		rl_error_clear();
		error = 0;
	}
	return error;
}

/* A new body or status for one story on the page; the rest stays as it is. */
struct story_update {
	const char *id;
	const char *body;   /* NULL: keep */
	const char *status; /* NULL: none */
};

static int items_from_state(struct ingest *in, const struct story_update *upd)
{
	int error = 0, found = 0;

	for (size_t i = 0; i < in->state->n && error == 0; i++) {
		const rl_state_item *st = &in->state->items[i];
		rl_item *it;
		if ((error = rl_item_list_add(&it, &in->items)) < 0)
			break;
		it->keep = RL_ITEM_KEEP_HEADER | RL_ITEM_KEEP_BODY;
		if ((it->id = rl_strdup(st->id)) == NULL)
			error = RL_ENOMEM;
		if (strcmp(st->id, upd->id) != 0)
			continue;
		found = 1;
		if (upd->body) {
			it->keep = RL_ITEM_KEEP_HEADER;
			if ((it->body = rl_strdup(upd->body)) == NULL)
				error = RL_ENOMEM;
		}
		if (upd->status && (it->status = rl_strdup(upd->status)) == NULL)
			error = RL_ENOMEM;
	}
	if (error == 0 && !found)
		error = rl_error_set(RL_ENOTFOUND, "story '%s' is not on the page of '%s'", upd->id,
				     in->source);
	return error;
}

/* Sets up `in` for one snapshot of `source`: its config, its URL, the
 * batch it joins (`*own` when one of its own) with the writer lock, and
 * the source's state. */
static int ingest_begin(struct ingest *in, rl_ingest_batch **own, rl_archive *archive,
			const char *source, size_t len, const rl_ingest_opts *opts)
{
	int error, locked_now = 0;

	if ((in->result = calloc(1, sizeof(*in->result))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((error = rl_path_source_name_check(source)) < 0 ||
	    (!opts->config && (error = load_config(&in->owned_config, archive, source)) < 0))
		return error;
	in->config = opts->config ? opts->config : in->owned_config;
	if ((error = set_shown_url(in)) < 0)
		return error;
	if (len > RL_EXTRACT_MAX_INPUT)
		return rl_error_set(RL_ETOOBIG, "snapshot of '%s' is %zu bytes, over the limit of %u",
				    source, len, RL_EXTRACT_MAX_INPUT);
	if ((in->batch = opts->batch) == NULL) {
		rl_ingest_batch_opts bo = { 0 };
		bo.lock_wait_ms = opts->lock_wait_ms;
		if ((error = rl_ingest_batch_new(own, archive, &bo)) < 0)
			return error;
		in->batch = *own;
	}
	if ((error = ingest_batch_begin(in->batch, opts->lock_wait_ms, &locked_now)) < 0)
		return error;
	/* Alerts of commits a crash kept out of the outbox (outbox.h). */
	if (locked_now && rl_outbox_recover(archive) < 0)
		ingest_warn(in);
	if ((in->state = ingest_batch_state(in->batch, source)) != NULL) {
		in->state_lent = 1;
		return 0;
	}
	return rl_state_load(&in->state, archive, source);
}

/* 1 when the snapshot needs no work: the same bytes as the last one, or a
 * re-run of one already in the history (ingest_order.c). */
static int ingest_is_known(struct ingest *in, const char *data, size_t len)
{
	const rl_ingest_opts *opts = &in->opts;
	int error, already = 0;

	if (opts->snapshot_hash) {
		in->snapshot_hash = *opts->snapshot_hash;
		in->have_snapshot_hash = 1;
	}
	if (data) {
		in->snapshot_hash = rl_hash128_bytes(data, len);
		in->have_snapshot_hash = 1;
		in->from_raw = 1;
		if (!opts->reextract_of && in->state->has_snapshot &&
		    rl_hash128_equal(in->state->snapshot, in->snapshot_hash))
			already = 1;
	}
	/* Forward only: a re-run is a no-op, the past is refused. */
	if (!already && !opts->reextract_of && (error = ingest_check_order(in, &already)) < 0)
		return error;
	if (already) {
		in->result->same_snapshot = 1;
		in->result->n_items = in->result->unchanged = in->state->n;
	}
	return already;
}

/* The pipeline, inside a group commit: `opts->batch`, or one of its own
 * for this snapshot alone.  With `data`, a snapshot identical to the last
 * one stops before parsing, and the items are extracted here; without,
 * `items` are taken (the list is left empty). */
static int ingest_locked(rl_ingest_result **out, rl_archive *archive, const char *source,
			 const char *data, size_t len, rl_item_list *items,
			 const struct story_update *upd, const rl_ingest_opts *opts)
{
	struct ingest in;
	rl_ingest_batch *own = NULL;
	int error;

	*out = NULL;
	memset(&in, 0, sizeof(in));
	in.archive = archive;
	in.source = source;
	in.opts = *opts;
	if (items) {
		in.items = *items;
		memset(items, 0, sizeof(*items));
	}
	if ((error = ingest_begin(&in, &own, archive, source, data ? len : 0, opts)) < 0 ||
	    (error = ingest_is_known(&in, data, len)) != 0) {
		error = error < 0 ? error : 0;
		goto done;
	}
	if (data && (error = rl_ingest_extract(&in.items, in.config, data, len, opts)) < 0)
		goto done;
	if (upd && (error = items_from_state(&in, upd)) < 0)
		goto done;
	/* Items of a caller's that were prepared off the writer's thread are not
	 * normalised twice; what was made here always is. */
	if ((data && !upd && (error = ingest_memo_prepare(&in)) < 0) ||
	    ((upd || (!data && !opts->prepared)) &&
	     (error = rl_ingest_prepare(&in.items, in.config, opts)) < 0) ||
	    (error = ingest_assign_ids(&in)) < 0 ||
	    (error = classify(&in)) < 0)
		goto done;
	ingest_revert_done(&in); /* before the commit: it updates the index */
	in.result->n_items = in.items.n;
	for (size_t i = 0; i < in.items.n; i++)
		in.result->n_empty += in.items.v[i].page &&
				      (in.items.v[i].body == NULL || in.items.v[i].body[0] == '\0');
	if ((error = guard(&in)) < 0 || (error = ingest_commit(&in)) < 0)
		goto done;
	error = own ? rl_ingest_batch_commit(own) : ingest_batch_maybe_commit(in.batch);
done:
	ingest_revert_done(&in);
	free(in.memo);
	rl_ingest_batch_free(own); /* drops the lock if still held */
	rl_item_list_release(&in.items);
	if (!in.state_lent)
		rl_state_free(in.state);
	rl_source_config_free(in.owned_config);
	free(in.shown_url);
	*out = in.result;
	return error;
}

int rl_ingest_items(rl_ingest_result **out, rl_archive *archive, const char *source,
		    rl_item_list *items, const rl_ingest_opts *opts)
{
	return ingest_locked(out, archive, source, NULL, 0, items, NULL, opts);
}

int rl_ingest_story(rl_ingest_result **out, rl_archive *archive, const char *source,
		    const char *id, const char *body, const char *status,
		    const rl_ingest_opts *opts)
{
	struct story_update upd = { id, body, status };
	return ingest_locked(out, archive, source, NULL, 0, NULL, &upd, opts);
}

int rl_ingest(rl_ingest_result **out, rl_archive *archive, const char *source, const char *data,
	      size_t len, const rl_ingest_opts *opts)
{
	return ingest_locked(out, archive, source, data, len, NULL, NULL, opts);
}
