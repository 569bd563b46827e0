/*
 * snapshot.c - normalising extracted items and rendering story files.
 */
#include "redline/snapshot.h"
#include "redline/story.h"
#include "redline/url.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/sentence.h"
#include "packwrite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Header values are one line: any newline becomes a space. */
static void one_line(char *s)
{
	for (; s && *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

/* Cuts `s` to at most `max` bytes at a space, never inside a UTF-8
 * sequence, and ends it in "…" so that a reader sees it was cut (as the
 * first-sentence titles of extract_text.c are). */
static void cut_at_word(char *s, size_t max)
{
	size_t len = strlen(s), cut;

	if (len <= max)
		return;
	max -= sizeof("\u2026") - 1; /* room for the "…" */
	cut = max;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	for (size_t i = cut; i > max / 2; i--) {
		if (s[i] == ' ') {
			cut = i;
			break;
		}
	}
	s[cut] = '\0';
	while (cut > 0 && s[cut - 1] == ' ')
		s[--cut] = '\0';
	memcpy(s + cut, "\u2026", sizeof("\u2026"));
}

static int normalise_field(char **field, const rl_normaliser *normaliser)
{
	char *out = NULL;
	int error;

	if (*field == NULL)
		return 0;
	if ((error = rl_normalise_text(&out, normaliser, *field, strlen(*field))) < 0)
		return error;
	free(*field);
	*field = out;
	if (**field == '\0') {
		free(*field);
		*field = NULL;
	}
	return 0;
}

/* A title for a story that has none: its first sentence, after the dateline. */
static int title_from_body(rl_item *item)
{
	rl_strvec sentences = RL_STRVEC_INIT;
	size_t first_line = strcspn(item->body, "\n");
	char *para = NULL;
	const char *start;
	int error;

	if ((para = rl_strndup(item->body, first_line)) == NULL)
		return RL_ENOMEM;
	if ((error = rl_sentence_split(&sentences, para)) < 0)
		goto done;
	start = sentences.n ? sentences.v[0] : para;
	{
		/* "KYIV (ANP) - De ..." -> "De ..."; the dash may be -, – or —. */
		static const char *const dashes[] = { ") - ", ") \u2013 ", ") \u2014 " };
		const char *paren = strchr(start, '(');
		for (size_t d = 0; paren && d < sizeof(dashes) / sizeof(dashes[0]); d++) {
			const char *dash = strstr(start, dashes[d]);
			if (dash && paren < dash && dash - start < 80) {
				start = dash + strlen(dashes[d]);
				break;
			}
		}
	}
	if ((item->title = rl_strdup(start)) == NULL)
		error = RL_ENOMEM;
done:
	free(para);
	rl_strvec_release(&sentences);
	return error;
}

int rl_snapshot_prepare_item(rl_item *item, const rl_normaliser *normaliser, const char *base_url)
{
	int error;

	if ((error = normalise_field(&item->title, normaliser)) < 0 ||
	    (error = normalise_field(&item->body, normaliser)) < 0 ||
	    (error = normalise_field(&item->guid, normaliser)) < 0)
		return error;
	one_line(item->title);
	one_line(item->guid);
	if (item->link) {
		char *url = NULL;
		one_line(item->link);
		if (rl_url_normalise(&url, item->link, base_url) == 0)
			item->url = url;
		rl_error_clear(); /* an unusable link (javascript:, mailto:) is no link */
	}
	if (item->url == NULL && item->guid &&
	    (strncmp(item->guid, "http://", 7) == 0 || strncmp(item->guid, "https://", 8) == 0)) {
		if (rl_url_normalise(&item->url, item->guid, NULL) < 0)
			rl_error_clear();
	}
	if (item->title == NULL && item->body && !(item->keep & RL_ITEM_KEEP_HEADER) &&
	    (error = title_from_body(item)) < 0)
		return error;
	if (item->title)
		cut_at_word(item->title, RL_SNAPSHOT_TITLE_MAX);
	if (item->guid && *item->guid)
		item->key = rl_strdup(item->guid);
	else if (item->url)
		item->key = rl_strdup(item->url);
	if ((item->guid || item->url) && item->key == NULL)
		return RL_ENOMEM;
	return 0;
}

void rl_snapshot_drop_repeats(rl_item_list *items, size_t *kept_from)
{
	size_t kept = 0;

	for (size_t i = 0; i < items->n; i++) {
		rl_item *it = &items->v[i];
		int drop = it->title == NULL && it->body == NULL && it->keep == 0;

		for (size_t j = 0; !drop && it->key && j < kept; j++)
			drop = items->v[j].key && strcmp(items->v[j].key, it->key) == 0;
		if (drop) {
			rl_item_clear(it);
			continue;
		}
		if (kept != i) {
			items->v[kept] = *it;
			memset(it, 0, sizeof(*it));
		}
		if (kept_from)
			kept_from[kept] = i;
		kept++;
	}
	items->n = kept;
}

int rl_snapshot_prepare(rl_item_list *items, const rl_normaliser *normaliser, const char *base_url)
{
	int error;

	for (size_t i = 0; i < items->n; i++)
		if ((error = rl_snapshot_prepare_item(&items->v[i], normaliser, base_url)) < 0)
			return error;
	rl_snapshot_drop_repeats(items, NULL);
	return 0;
}

static void fill_header(rl_story_header *h, const rl_item *item, const char *id,
			const char *source, int64_t first_seen, const char *status)
{
	/* The header only reads these: the casts drop no promise. */
	memset(h, 0, sizeof(*h));
	h->title = item->title;
	h->url = item->url;
	h->guid = item->guid;
	h->source = (char *)source;
	h->first_seen = first_seen;
	h->has_first_seen = 1;
	snprintf(h->id, sizeof(h->id), "%s", id ? id : "");
	h->status = (char *)status;
}

static void drop_packed(rl_item *item)
{
	free(item->packed.bytes);
	memset(&item->packed, 0, sizeof(item->packed));
}

/* An item rendered ahead: its header rendered for real; the guess's text
 * kept when the header is the same, else the body's lines under the new
 * header. */
static int render_header_again(rl_item *item, const rl_story_header *h)
{
	rl_buf head = RL_BUF_INIT(SIZE_MAX / 2), out = RL_BUF_INIT(SIZE_MAX / 2);
	size_t body_len = strlen(item->text) - item->header_len;
	int error;

	if ((error = rl_story_render_header(&head, h)) < 0)
		goto done;
	if (head.len == item->header_len && memcmp(head.ptr, item->text, head.len) == 0)
		goto done;
	drop_packed(item);
	if ((error = rl_buf_grow(&out, head.len + body_len + 1)) < 0 ||
	    (error = rl_buf_put(&out, head.ptr, head.len)) < 0 ||
	    (error = rl_buf_put(&out, item->text + item->header_len, body_len)) < 0)
		goto done;
	item->hash = rl_hash128_bytes(out.ptr, out.len);
	item->header_len = head.len;
	free(item->text);
	item->text = rl_buf_detach(&out);
done:
	rl_buf_release(&head);
	rl_buf_release(&out);
	return error;
}

int rl_snapshot_render(rl_item *item, const char *source, int64_t first_seen, const char *status)
{
	rl_buf out = RL_BUF_INIT(SIZE_MAX / 2);
	rl_story_header h;
	int error;

	fill_header(&h, item, item->id, source, first_seen, status);
	if (item->header_len > 0 && item->text && !(item->keep & RL_ITEM_KEEP_BODY))
		return render_header_again(item, &h);
	drop_packed(item);
	item->header_len = 0;
	if ((error = rl_story_render(&out, &h, item->body)) < 0)
		goto done;
	item->hash = rl_hash128_bytes(out.ptr, out.len);
	free(item->text);
	item->text = rl_buf_detach(&out);
done:
	rl_buf_release(&out);
	return error;
}

int rl_snapshot_render_ahead(rl_item_list *items, const char *source, int64_t first_seen,
			     int pack)
{
	rl_buf out = RL_BUF_INIT(SIZE_MAX / 2);
	int error = 0;

	for (size_t i = 0; i < items->n && error == 0; i++) {
		rl_item *it = &items->v[i];
		rl_story_header h;
		char id[13];

		if (it->keep & RL_ITEM_KEEP_BODY)
			continue;
		/* As ingest_identity.c names a story it has not seen. */
		if (it->id)
			snprintf(id, sizeof(id), "%s", it->id);
		else if (it->key)
			rl_snapshot_id_for_key(id, it->key);
		else
			rl_snapshot_id_for_new(id, source, first_seen, it->title, 0);
		fill_header(&h, it, id, source, first_seen, NULL);
		if ((error = rl_story_render_header(&out, &h)) < 0)
			break;
		it->header_len = out.len;
		if ((error = rl_story_render_body(&out, it->body)) < 0)
			break;
		it->hash = rl_hash128_bytes(out.ptr, out.len);
		free(it->text);
		if ((it->text = rl_buf_detach(&out)) == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			break;
		}
		drop_packed(it);
		if (!pack)
			continue;
		/* The name too, which holds while the packed blob does (ingest.c). */
		free(it->path);
		if ((error = rl_story_path(&it->path, source, first_seen, it->title, id)) < 0 ||
		    (error = archive_pw_pack_blob(&it->packed, it->text, strlen(it->text),
						       ARCHIVE_OURS)) < 0)
			break;
	}
	if (error < 0)
		for (size_t i = 0; i < items->n; i++) {
			drop_packed(&items->v[i]);
			items->v[i].header_len = 0;
			free(items->v[i].path);
			items->v[i].path = NULL;
		}
	rl_buf_release(&out);
	return error;
}

static void id_from_hash(char out[13], uint64_t h)
{
	rl_hash64_hex(out, h >> 16, 12);
}

void rl_snapshot_id_for_key(char out[13], const char *key)
{
	rl_buf b = RL_BUF_INIT(SIZE_MAX / 2);
	char small[512];
	size_t len = strlen(key);

	/* "key\n" + key: on the stack when it fits (every story of a page is
	 * hashed so), without printf */
	if (len < sizeof(small) - 4) {
		memcpy(small, "key\n", 4);
		memcpy(small + 4, key, len);
		id_from_hash(out, rl_hash64_bytes(small, len + 4));
		return;
	}
	if (rl_buf_put(&b, "key\n", 4) < 0 || rl_buf_put(&b, key, len) < 0) {
		id_from_hash(out, rl_hash64_bytes(key, strlen(key)));
		return;
	}
	id_from_hash(out, rl_hash64_bytes(b.ptr, b.len));
	rl_buf_release(&b);
}

void rl_snapshot_id_for_new(char out[13], const char *source, int64_t first_seen,
			    const char *title, unsigned salt)
{
	rl_buf b = RL_BUF_INIT(SIZE_MAX / 2);
	if (rl_buf_printf(&b, "new\n%s\n%lld\n%s\n%u", source, (long long)first_seen,
			  title ? title : "", salt) < 0) {
		id_from_hash(out, rl_hash64_bytes(title, title ? strlen(title) : 0) + salt);
		return;
	}
	id_from_hash(out, rl_hash64_bytes(b.ptr, b.len));
	rl_buf_release(&b);
}
