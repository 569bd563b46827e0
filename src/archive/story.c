/*
 * story.c - the story-file format (docs/archive-format.md): rendering,
 * parsing the header, finding the body, building and reading file names.
 *
 * Invariant: what rl_story_render() writes, rl_story_parse_header() reads
 * back field for field (tests/unit/test_story.c), and a path built by
 * rl_story_path() yields its id again through rl_story_id_in_name().
 */
#include "redline/story.h"
#include "redline/error.h"
#include "redline/normalise.h"
#include "redline/path.h"
#include "redline/sentence.h"
#include "redline/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A rendered file: the largest normalised body plus room for the header. */
#define STORY_RENDER_MAX (RL_NORMALISE_MAX + 64 * 1024)

/* Header names, in the order they are written. */
#define H_TITLE "Title"
#define H_URL "URL"
#define H_GUID "GUID"
#define H_SOURCE "Source"
#define H_FIRST_SEEN "First-Seen"
#define H_ID "Id"
#define H_STATUS "Status"

/* The title line's prefix, which rl_story_content() keeps. */
#define TITLE_PREFIX H_TITLE ": "

/* The blank line between header and body. */
#define BODY_SEPARATOR "\n\n"

/* --- rendering --------------------------------------------------------- */

/* "Name: value\n" */
static int put_field(rl_buf *out, const char *name, size_t name_len, const char *value)
{
	int error;

	if ((error = rl_buf_put(out, name, name_len)) < 0 ||
	    (error = rl_buf_put(out, ": ", 2)) < 0 ||
	    (error = rl_buf_puts(out, value)) < 0)
		return error;
	return rl_buf_putc(out, '\n');
}

#define PUT_FIELD(out, name, value) put_field(out, name, sizeof(name) - 1, value)

static int render_header(rl_buf *out, const rl_story_header *h)
{
	char when[RL_TIME_ISO_SIZE];
	int error;

	rl_time_format_iso8601(when, h->first_seen);
	if ((error = PUT_FIELD(out, H_TITLE, h->title ? h->title : "")) < 0 ||
	    (h->url && (error = PUT_FIELD(out, H_URL, h->url)) < 0) ||
	    (h->guid && (!h->url || strcmp(h->guid, h->url) != 0) &&
	     (error = PUT_FIELD(out, H_GUID, h->guid)) < 0) ||
	    (error = PUT_FIELD(out, H_SOURCE, h->source ? h->source : "")) < 0 ||
	    (error = PUT_FIELD(out, H_FIRST_SEEN, when)) < 0 ||
	    (error = PUT_FIELD(out, H_ID, h->id)) < 0 ||
	    (h->status && (error = PUT_FIELD(out, H_STATUS, h->status)) < 0))
		return error;
	return 0;
}

static int put_line(void *out, const char *s, size_t len)
{
	int error;

	if ((error = rl_buf_put(out, s, len)) < 0)
		return error;
	return rl_buf_putc(out, '\n');
}

/* The body under the header in `out`: each paragraph a blank line, then
 * one sentence a line.  `para` holds one paragraph at a time, NUL-ended
 * for the splitter. */
static int render_body(rl_buf *out, const char *body)
{
	rl_buf para = RL_BUF_INIT(STORY_RENDER_MAX);
	int error = 0;

	for (const char *p = body; p && *p;) {
		size_t len = strcspn(p, "\n");

		rl_buf_clear(&para);
		if ((error = rl_buf_put(&para, p, len)) < 0 ||
		    (error = rl_buf_putc(out, '\n')) < 0 ||
		    (error = rl_sentence_each(para.ptr, put_line, out)) < 0)
			break;
		p += len;
		while (*p == '\n')
			p++;
	}
	rl_buf_release(&para);
	return error;
}

/* Renders into `out` as it is, with the bound of a story file on top of
 * out's own: `out` is emptied when that fails.  A buffer used before may
 * hold more room than the bound (appends that fit are not checked against
 * `max`), hence the check of the length at the end too. */
static int render_bounded(rl_buf *out, const rl_story_header *header, const char *body)
{
	size_t max = out->max;
	int error;

	if (out->max > STORY_RENDER_MAX)
		out->max = STORY_RENDER_MAX;
	if ((header == NULL || (error = render_header(out, header)) == 0))
		error = render_body(out, body);
	out->max = max;
	if (error == 0 && out->len > STORY_RENDER_MAX)
		error = RL_ETOOBIG;
	if (error < 0)
		rl_buf_clear(out);
	if (error == RL_ETOOBIG)
		rl_error_set(error, "story file larger than %u bytes", (unsigned)STORY_RENDER_MAX);
	return error;
}

int rl_story_render(rl_buf *out, const rl_story_header *header, const char *body)
{
	rl_buf_clear(out);
	return render_bounded(out, header, body);
}

int rl_story_render_body(rl_buf *out, const char *body)
{
	return render_bounded(out, NULL, body);
}

int rl_story_render_header(rl_buf *out, const rl_story_header *header)
{
	rl_buf_clear(out);
	return render_header(out, header);
}

/* --- parsing ------------------------------------------------------------ */

/* A header line "Name: value" (name without spaces) of `len` bytes at `p`:
 * 1 with the name's length and the value, 0 when the line is no header. */
static int header_line(size_t *name_len, const char **value, size_t *value_len, const char *p,
		       size_t len)
{
	const char *colon = memchr(p, ':', len);

	if (colon == NULL || colon == p || (size_t)(colon - p) + 1 >= len || colon[1] != ' ' ||
	    memchr(p, ' ', (size_t)(colon - p)) != NULL)
		return 0;
	*name_len = (size_t)(colon - p);
	*value = colon + 2;
	*value_len = len - *name_len - 2;
	return 1;
}

int rl_story_parse_lines(rl_strvec *names, rl_strvec *values, rl_strvec *body, const char *text)
{
	const char *p = text;
	int in_header = 1, error = 0;

	while (*p && !error) {
		const char *nl = strchr(p, '\n'), *value;
		size_t len = nl ? (size_t)(nl - p) : strlen(p), name_len, value_len;

		if (in_header && len == 0) {
			in_header = 0;
		} else if (in_header && !header_line(&name_len, &value, &value_len, p, len)) {
			in_header = 0; /* not "Name: value": a file without headers is all body */
			continue;
		} else if (in_header) {
			if ((error = rl_strvec_pushn(names, p, name_len)) == 0)
				error = rl_strvec_pushn(values, value, value_len);
		} else if (len > 0) {
			error = rl_strvec_pushn(body, p, len);
		}
		p = nl ? nl + 1 : p + len;
	}
	return error;
}

/* Sets *field to a copy of the value (the first occurrence wins). */
static int take_value(char **field, const char *value, size_t len)
{
	if (*field)
		return 0;
	return (*field = rl_strndup(value, len)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
}

static int parse_field(rl_story_header *h, const char *name, size_t name_len, const char *value,
		       size_t value_len)
{
#define IS(n) (name_len == sizeof(n) - 1 && memcmp(name, n, name_len) == 0)
	if (IS(H_TITLE))
		return take_value(&h->title, value, value_len);
	if (IS(H_URL))
		return take_value(&h->url, value, value_len);
	if (IS(H_GUID))
		return take_value(&h->guid, value, value_len);
	if (IS(H_SOURCE))
		return take_value(&h->source, value, value_len);
	if (IS(H_STATUS))
		return take_value(&h->status, value, value_len);
	if (IS(H_ID) && value_len == RL_STORY_ID_LEN && h->id[0] == '\0') {
		memcpy(h->id, value, RL_STORY_ID_LEN);
		h->id[RL_STORY_ID_LEN] = '\0';
	} else if (IS(H_FIRST_SEEN) && !h->has_first_seen && value_len < RL_TIME_ISO_SIZE) {
		char when[RL_TIME_ISO_SIZE];

		memcpy(when, value, value_len);
		when[value_len] = '\0';
		h->has_first_seen = rl_time_parse_iso8601(&h->first_seen, when) == 0;
		if (!h->has_first_seen)
			h->first_seen = 0;
		rl_error_clear();
	}
	return 0;
#undef IS
}

int rl_story_parse_header(rl_story_header *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int error = 0;

	memset(out, 0, sizeof(*out));
	while (p < end && *p != '\n' && error == 0) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *value;
		size_t name_len, value_len;

		if (eol == NULL)
			eol = end;
		if (!header_line(&name_len, &value, &value_len, p, (size_t)(eol - p)))
			break;
		error = parse_field(out, p, name_len, value, value_len);
		p = eol + 1;
	}
	if (error < 0)
		rl_story_header_clear(out);
	return error;
}

void rl_story_header_clear(rl_story_header *header)
{
	if (header == NULL)
		return;
	free(header->title);
	free(header->url);
	free(header->guid);
	free(header->source);
	free(header->status);
	memset(header, 0, sizeof(*header));
}

/* --- the body ------------------------------------------------------------ */

const char *rl_story_body(const char *text)
{
	const char *p = text ? strstr(text, BODY_SEPARATOR) : NULL;
	return p ? p + strlen(BODY_SEPARATOR) : "";
}

int rl_story_body_paragraphs(char **out, const char *text)
{
	rl_buf body = RL_BUF_INIT(RL_STORY_MAX);
	const char *p = rl_story_body(text);
	int error = 0, start = 1;

	while (*p && error == 0) {
		size_t len = strcspn(p, "\n");
		if (len == 0) {
			if (!start)
				error = rl_buf_putc(&body, '\n');
			start = 1;
		} else {
			if (!start)
				error = rl_buf_putc(&body, ' ');
			if (error == 0)
				error = rl_buf_put(&body, p, len);
			start = 0;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	if (error == 0) {
		free(*out);
		*out = rl_buf_detach(&body);
	}
	rl_buf_release(&body);
	return error;
}

int rl_story_content(rl_buf *out, const char *text)
{
	const char *body = text ? strstr(text, BODY_SEPARATOR) : NULL;
	const char *t = text;
	int error = 0;

	if (text == NULL)
		return 0;
	if (body == NULL)
		return rl_buf_puts(out, text);
	while (t && t < body && !error) {
		const char *nl = strchr(t, '\n');
		size_t plen = strlen(TITLE_PREFIX);
		if (strncmp(t, TITLE_PREFIX, plen) == 0)
			error = rl_buf_put(out, t + plen, (size_t)(nl - t) - plen + 1);
		t = nl ? nl + 1 : NULL;
	}
	return error ? error : rl_buf_puts(out, body + 1);
}

/* --- file names ---------------------------------------------------------- */

#define STORY_EXT ".txt"

int rl_story_is_id(const char *s)
{
	for (size_t i = 0; i < RL_STORY_ID_LEN; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int rl_story_index_path(char *out, size_t size, const char *source)
{
	if ((size_t)snprintf(out, size, "%s/INDEX", source) >= size)
		return rl_error_set(RL_EINVAL, "source name too long");
	return 0;
}

int rl_story_index_line_render(rl_buf *out, const char *id, const char *title)
{
	int error;

	if ((error = rl_buf_puts(out, id)) < 0 || (error = rl_buf_putc(out, ' ')) < 0 ||
	    (title && (error = rl_buf_puts(out, title)) < 0))
		return error;
	return rl_buf_putc(out, '\n');
}

const char *rl_story_index_line_title(const char *line)
{
	if (!rl_story_is_id(line) || line[RL_STORY_ID_LEN] != ' ')
		return NULL;
	return line + RL_STORY_ID_LEN + 1;
}

const char *rl_story_id_in_name(const char *name, size_t len)
{
	size_t ext = strlen(STORY_EXT);
	const char *id;

	/* "-" + id + ".txt" at the end */
	if (len < 1 + RL_STORY_ID_LEN + ext || strcmp(name + len - ext, STORY_EXT) != 0)
		return NULL;
	id = name + len - ext - RL_STORY_ID_LEN;
	return id[-1] == '-' && rl_story_is_id(id) ? id : NULL;
}

int rl_story_path(char **out, const char *source, int64_t first_seen, const char *title,
		  const char *id)
{
	char slug[RL_PATH_SLUG_MAX + 1];
	struct tm tm;
	time_t t = (time_t)first_seen;
	int rc;

	*out = NULL;
	if ((rc = rl_path_source_name_check(source)) < 0)
		return rc;
	if (id == NULL || strnlen(id, RL_STORY_ID_LEN + 1) != RL_STORY_ID_LEN || !rl_story_is_id(id))
		return rl_error_set(RL_EINVAL, "bad story id '%.40s': want %d lowercase hex digits",
				    id ? id : "(null)", RL_STORY_ID_LEN);
	if ((int64_t)t != first_seen || gmtime_r(&t, &tm) == NULL ||
	    tm.tm_year + 1900 < 1970 || tm.tm_year + 1900 > 9999)
		return rl_error_set(RL_EINVAL, "first-seen time %lld is out of range",
				    (long long)first_seen);
	rl_path_slug(slug, title);
	if (asprintf(out, "%s/%04d-%02d/%s-%s" STORY_EXT, source, tm.tm_year + 1900,
		     tm.tm_mon + 1, slug, id) < 0) {
		*out = NULL;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	return 0;
}

const char *rl_story_item_lines(const char *message)
{
	return message ? strstr(message, "\n\n") : NULL;
}

int rl_story_item_line_next(rl_story_item_line *out, const char **cursor)
{
	static const char *const kinds[] = { "edited", "new", "gone", "back", "moved", "removed" };
	const char *p = *cursor;

	while (p && *p) {
		const char *line = p + (*p == '\n'), *nl = strchr(line, '\n'), *sp, *end;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		p = nl;
		end = line + len;
		if (len == 0 || (sp = memchr(line, ' ', len)) == NULL || sp + 1 + RL_STORY_ID_LEN > end ||
		    (sp + 1 + RL_STORY_ID_LEN < end && sp[1 + RL_STORY_ID_LEN] != ' ') || !rl_story_is_id(sp + 1))
			continue;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const char *title = sp + 1 + RL_STORY_ID_LEN;

			if (strlen(kinds[k]) != (size_t)(sp - line) || strncmp(line, kinds[k], (size_t)(sp - line)) != 0)
				continue;
			out->kind = kinds[k];
			out->kind_len = (size_t)(sp - line);
			out->id = sp + 1;
			out->title = title < end ? title + 1 : title;
			out->title_len = title < end ? (size_t)(end - title - 1) : 0;
			*cursor = p;
			return 1;
		}
	}
	*cursor = p;
	return 0;
}
