/*
 * redline/story.h - the story file of docs/archive-format.md, and nothing
 * else: this module alone knows its header names and order, where its body
 * starts and how its file name is built.  Every other module renders,
 * parses and names story files through these calls.
 *
 *   Title: ...             always (empty when the story has no title)
 *   URL: ...               when the story has one
 *   GUID: ...              when it has one that differs from the URL
 *   Source: ...
 *   First-Seen: YYYY-MM-DDTHH:MM:SSZ
 *   Id: <12 lowercase hex>
 *   Status: ...            only for a followed article that disappeared
 *   <blank line>
 *   one sentence a line, a blank line between paragraphs
 *
 * File name: <source>/<YYYY-MM>/<slug>-<id>.txt (UTC month of first-seen).
 */
#ifndef REDLINE_STORY_H
#define REDLINE_STORY_H

#include <stddef.h>
#include <stdint.h>

#include "redline/buf.h"

/** Characters in a story id (12 lowercase hex digits, the first 48 bits of a hash). */
#define RL_STORY_ID_LEN 12

/** The largest story file redline reads back from the archive (bytes). */
#define RL_STORY_MAX (16u * 1024 * 1024)

/** The header of a story file.  Parsed headers own their strings (free
 *  them with rl_story_header_clear()); a header given to rl_story_render()
 *  is only read. */
typedef struct rl_story_header {
	char *title;        /* NULL renders as an empty Title: */
	char *url;          /* NULL: no URL: line */
	char *guid;         /* NULL, or equal to url: no GUID: line */
	char *source;
	int64_t first_seen; /* Unix seconds, UTC */
	int has_first_seen; /* parse: 1 when First-Seen: was present and valid */
	char id[RL_STORY_ID_LEN + 1];
	char *status;       /* NULL: no Status: line */
} rl_story_header;

/** Renders a whole story file into `out` (replacing its contents): the
 *  header, a blank line, then `body` (paragraphs separated by '\n', NULL for
 *  none) split into one sentence a line.  Bounded: RL_ETOOBIG past the
 *  largest normalised text plus room for the header. */
int rl_story_render(rl_buf *out, const rl_story_header *header, const char *body);

/** Renders the header alone into `out` (replacing its contents): the bytes
 *  rl_story_render() starts with, whatever the body - so that a file
 *  rendered for one header gets another by swapping this prefix. */
int rl_story_render_header(rl_buf *out, const rl_story_header *header);

/** Appends the body of a story file to the header in `out` (as rendered
 *  by rl_story_render_header()): what rl_story_render() writes after the
 *  header, bounded the same way (RL_ETOOBIG empties `out`). */
int rl_story_render_body(rl_buf *out, const char *body);

/** Parses the header of the story file `text` (`len` bytes) into `out`:
 *  Title, URL, GUID, Source, First-Seen, Id and Status, each NULL (or
 *  has_first_seen 0, id "") when absent.  Only RL_ENOMEM fails: a file
 *  without headers gives an empty header. */
int rl_story_parse_header(rl_story_header *out, const char *text, size_t len);

/** Frees a parsed header's strings and zeroes it; NULL is fine. */
void rl_story_header_clear(rl_story_header *header);

/** Splits a story file leniently into header names and values (in file
 *  order) and body lines (blank lines dropped).  The header ends at the
 *  first line that is not "Name: value"; a file without one is all body. */
int rl_story_parse_lines(rl_strvec *names, rl_strvec *values, rl_strvec *body,
			 const char *text);

/** The body of a story file: what follows the first blank line, "" when none (lent). */
const char *rl_story_body(const char *text);

/** The body as paragraphs of one line each (sentences joined by a space):
 *  the inverse of rendering, so that rendering it again gives the same
 *  sentences.  `*out` is replaced and the caller's. */
int rl_story_body_paragraphs(char **out, const char *text);

/** Appends the title line's value and the body (the text figures are
 *  looked for in, without the other headers) to `out`; a file without a
 *  blank line is appended whole. */
int rl_story_content(rl_buf *out, const char *text);

/** "<source>/<YYYY-MM>/<slug>-<id>.txt" for a story first seen at
 *  `first_seen` (UTC month); `source` must be a valid source name and `id`
 *  12 lowercase hex digits: RL_EINVAL otherwise.  `*out` is the caller's. */
int rl_story_path(char **out, const char *source, int64_t first_seen, const char *title,
		  const char *id);

/** The id inside a story file name "<slug>-<id>.txt" of `len` bytes (lent,
 *  not NUL-terminated after the id), or NULL when `name` is no story file. */
const char *rl_story_id_in_name(const char *name, size_t len);

/** 1 when `s` starts with RL_STORY_ID_LEN lowercase hex digits, else 0. */
int rl_story_is_id(const char *s);

/*
 * A commit message's item lines: after the subject's blank line, one line
 * per story the commit touched, "<kind> <id>[ <title>]", kind one of
 * edited, new, gone, back, moved, removed.  history's log, the revision
 * index and ingest's revert check all read them through this one rule.
 */

/** One item line (all fields lent from the message). */
typedef struct {
	const char *kind; /* not NUL-terminated: kind_len bytes */
	size_t kind_len;
	const char *id; /* RL_STORY_ID_LEN bytes */
	const char *title; /* title_len bytes, maybe 0 */
	size_t title_len;
} rl_story_item_line;

/** Where `message`'s item lines start: the cursor for
 *  rl_story_item_line_next() (NULL: the message has none). */
const char *rl_story_item_lines(const char *message);

/** The next item line from `*cursor` into `out`, moving the cursor past
 *  it: 1, or 0 when no item line is left (other lines are skipped). */
int rl_story_item_line_next(rl_story_item_line *out, const char **cursor);

/*
 * <source>/INDEX: the stories on the page, in page order, one line each:
 * "<id> <title>\n" (the title may be empty).  Readers skip other lines.
 */

/** "<source>/INDEX" into `out`; RL_EINVAL when it does not fit. */
int rl_story_index_path(char *out, size_t size, const char *source);

/** Appends the INDEX line of story `id` (`title` NULL: none). */
int rl_story_index_line_render(rl_buf *out, const char *id, const char *title);

/** The title of an INDEX line (lent, up to the line's end: '\n' or NUL)
 *  when `line` is one (its id is the RL_STORY_ID_LEN bytes at `line`);
 *  NULL for anything else. */
const char *rl_story_index_line_title(const char *line);

#endif
