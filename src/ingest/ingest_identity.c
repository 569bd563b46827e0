/*
 * ingest_identity.c - which story each item of a snapshot is.
 *
 * A story with a key (GUID or canonical URL) is that key's story.  One
 * without is matched, one to one and best first, with the stories without a
 * key on the previous page (an edited headline and body stay one story);
 * what is left, with the recent stories without a key that are off the page
 * (a wire item that dropped off and came back); what is still left is new,
 * with an id from source, first-seen time and title that no other story has.
 * A snapshot that is one whole page, of a source that had one story, is
 * that story whatever its key.
 */
#include "ingest_internal.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/match.h"
#include "redline/snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int id_taken(const struct ingest *in, const char *id, size_t upto)
{
	char *path = NULL;
	int error;

	if (rl_state_find(in->state, id))
		return 1;
	for (size_t i = 0; i < upto; i++)
		if (in->items.v[i].id && strcmp(in->items.v[i].id, id) == 0)
			return 1;
	error = ingest_lookup_known(&path, (struct ingest *)in, id);
	free(path);
	rl_error_clear();
	return error == 0;
}

/* Matches stories without a key to the previous page's by text similarity. */
static int match_unkeyed(struct ingest *in, ptrdiff_t *match)
{
	rl_match_fingerprint **prev = NULL, **cur = NULL;
	size_t *prev_index = NULL, n_prev = 0;
	rl_buf story = RL_BUF_INIT(RL_STORY_MAX);
	int error = 0;

	for (size_t i = 0; i < in->items.n; i++)
		match[i] = -1;
	prev = calloc(in->state->n + 1, sizeof(*prev));
	prev_index = calloc(in->state->n + 1, sizeof(*prev_index));
	cur = calloc(in->items.n + 1, sizeof(*cur));
	if (!prev || !prev_index || !cur) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < in->state->n; i++) {
		const rl_state_item *st = &in->state->items[i];
		if (st->key)
			continue;
		rl_buf_clear(&story);
		if ((error = rl_archive_read(&story, in->archive, NULL, st->path)) < 0)
			goto done;
		if ((error = rl_match_fingerprint_new(&prev[n_prev], rl_story_body(story.ptr))) < 0)
			goto done;
		prev_index[n_prev++] = i;
	}
	for (size_t i = 0; i < in->items.n; i++) {
		const rl_item *it = &in->items.v[i];
		rl_buf text = RL_BUF_INIT(RL_STORY_MAX);
		if (it->key || it->id)
			continue;
		if ((error = rl_buf_printf(&text, "%s\n%s", it->title ? it->title : "",
					   it->body ? it->body : "")) == 0)
			error = rl_match_fingerprint_new(&cur[i], text.ptr);
		rl_buf_release(&text);
		if (error < 0)
			goto done;
	}
	{
		/* rl_match_pairs wants dense arrays: pack the unkeyed current items. */
		size_t n_cur = 0, *cur_index = calloc(in->items.n + 1, sizeof(size_t));
		rl_match_fingerprint **dense = calloc(in->items.n + 1, sizeof(*dense));
		ptrdiff_t *m = calloc(in->items.n + 1, sizeof(*m));
		if (!cur_index || !dense || !m) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
		} else {
			for (size_t i = 0; i < in->items.n; i++)
				if (cur[i]) {
					cur_index[n_cur] = i;
					dense[n_cur++] = cur[i];
				}
			error = rl_match_pairs(m, (const rl_match_fingerprint *const *)prev, n_prev,
					       (const rl_match_fingerprint *const *)dense, n_cur,
					       RL_MATCH_THRESHOLD);
			for (size_t k = 0; error == 0 && k < n_cur; k++)
				if (m[k] >= 0)
					match[cur_index[k]] = (ptrdiff_t)prev_index[m[k]];
		}
		free(cur_index);
		free(dense);
		free(m);
	}
done:
	for (size_t i = 0; prev && i < n_prev; i++)
		rl_match_fingerprint_free(prev[i]);
	for (size_t i = 0; cur && i < in->items.n; i++)
		rl_match_fingerprint_free(cur[i]);
	free(prev);
	free(cur);
	free(prev_index);
	rl_buf_release(&story);
	return error;
}

/* How many of the source's most recent stories a returning story without a
 * key is looked for among: a wire item that dropped off and came back. */
#define RETURNING_WINDOW 200

static int item_fingerprint(rl_match_fingerprint **out, const rl_item *it)
{
	rl_buf text = RL_BUF_INIT(RL_STORY_MAX);
	int error = rl_buf_printf(&text, "%s\n%s", it->title ? it->title : "", it->body ? it->body : "");

	if (error == 0)
		error = rl_match_fingerprint_new(out, text.ptr);
	rl_buf_release(&text);
	return error;
}

/* Stories without a key that matched nothing on the previous page may be
 * stories that left it earlier and came back: match them (one to one) with
 * the recent stories without a key that are not on the page. */
static int match_returning(struct ingest *in, const ptrdiff_t *match, char (*back)[13])
{
	rl_strvec ids = RL_STRVEC_INIT, paths = RL_STRVEC_INIT;
	rl_match_fingerprint **cand = NULL, **cur = NULL;
	size_t *cand_index = NULL, *cur_index = NULL, n_cand = 0, n_cur = 0;
	ptrdiff_t *m = NULL;
	rl_buf story = RL_BUF_INIT(RL_STORY_MAX);
	int error = 0;

	for (size_t i = 0; i < in->items.n; i++)
		n_cur += !in->items.v[i].key && !in->items.v[i].id && match[i] < 0;
	if (n_cur == 0)
		return 0;
	if ((error = ingest_recent_known(&ids, &paths, in, RETURNING_WINDOW)) < 0)
		goto done;
	cand = calloc(ids.n + 1, sizeof(*cand));
	cand_index = calloc(ids.n + 1, sizeof(*cand_index));
	cur = calloc(n_cur, sizeof(*cur));
	cur_index = calloc(n_cur, sizeof(*cur_index));
	m = calloc(n_cur, sizeof(*m));
	if (!cand || !cand_index || !cur || !cur_index || !m) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < ids.n; k++) {
		rl_story_header h;
		int keyed;
		if (rl_state_find(in->state, ids.v[k]))
			continue;
		if ((error = ingest_read_story(in, &story, paths.v[k])) == RL_ENOTFOUND) {
			rl_error_clear();
			error = 0;
			continue;
		}
		if (error < 0 || (error = rl_story_parse_header(&h, story.ptr, story.len)) < 0)
			goto done;
		keyed = h.url || h.guid;
		rl_story_header_clear(&h);
		if (keyed)
			continue; /* a story with a key comes back by its key */
		if ((error = rl_match_fingerprint_new(&cand[n_cand], rl_story_body(story.ptr))) < 0)
			goto done;
		cand_index[n_cand++] = k;
	}
	n_cur = 0;
	for (size_t i = 0; i < in->items.n; i++) {
		const rl_item *it = &in->items.v[i];
		if (it->key || it->id || match[i] >= 0)
			continue;
		if ((error = item_fingerprint(&cur[n_cur], it)) < 0)
			goto done;
		cur_index[n_cur++] = i;
	}
	if ((error = rl_match_pairs(m, (const rl_match_fingerprint *const *)cand, n_cand,
				    (const rl_match_fingerprint *const *)cur, n_cur, RL_MATCH_THRESHOLD)) < 0)
		goto done;
	for (size_t k = 0; k < n_cur; k++)
		if (m[k] >= 0)
			snprintf(back[cur_index[k]], 13, "%s", ids.v[cand_index[m[k]]]);
done:
	for (size_t k = 0; cand && k < n_cand; k++)
		rl_match_fingerprint_free(cand[k]);
	for (size_t k = 0; cur && k < n_cur; k++)
		rl_match_fingerprint_free(cur[k]);
	free(cand);
	free(cur);
	free(cand_index);
	free(cur_index);
	free(m);
	rl_buf_release(&story);
	rl_strvec_release(&ids);
	rl_strvec_release(&paths);
	return error;
}

int ingest_assign_ids(struct ingest *in)
{
	ptrdiff_t *match = calloc(in->items.n + 1, sizeof(*match));
	char (*back)[13] = calloc(in->items.n + 1, sizeof(*back));
	char id[13];
	int error;

	if (match == NULL || back == NULL) {
		free(match);
		free(back);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	/* A source of one page (an article page) is one story, even when the
	 * page moved to another canonical URL or has none. */
	if (in->items.n == 1 && in->items.v[0].page && in->items.v[0].id == NULL &&
	    in->state->n == 1 && (in->items.v[0].id = rl_strdup(in->state->items[0].id)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	if ((error = match_unkeyed(in, match)) < 0 || (error = match_returning(in, match, back)) < 0)
		goto done;
	for (size_t i = 0; i < in->items.n; i++) {
		rl_item *it = &in->items.v[i];
		if (it->id) {
			continue; /* preset by a caller that knows the story */
		} else if (it->key) {
			rl_snapshot_id_for_key(id, it->key);
		} else if (match[i] >= 0) {
			memcpy(id, in->state->items[match[i]].id, sizeof(id));
		} else if (back[i][0]) {
			memcpy(id, back[i], sizeof(id));
		} else {
			unsigned salt = 0;
			do
				rl_snapshot_id_for_new(id, in->source, in->opts.time, it->title, salt++);
			while (id_taken(in, id, i) && salt < 1000);
		}
		if ((it->id = rl_strdup(id)) == NULL) {
			error = RL_ENOMEM;
			goto done;
		}
	}
done:
	free(match);
	free(back);
	return error;
}

