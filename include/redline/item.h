/*
 * redline/item.h - a story as extracted from a snapshot.
 *
 * Extractors fill guid/link/title/body with decoded text (UTF-8, entities
 * expanded) but not yet normalised; the ingest pipeline normalises them,
 * gives each item its identity (key, id, path) and renders the file.
 */
#ifndef REDLINE_ITEM_H
#define REDLINE_ITEM_H

#include <stddef.h>
#include <stdint.h>
#include "redline/hash.h"

/* A story file packed ahead, off the writer's thread
 * (rl_snapshot_render_ahead): its git blob id and its bytes as a pack entry
 * (type and size header, then the zlib stream), for the writer to append
 * as they are.  Valid for the item's `text` as it was packed. */
typedef struct rl_item_packed {
	unsigned char id[20]; /* SHA-1 of "blob <len>\0" + text */
	uint32_t crc;         /* CRC-32 of `bytes`, as a pack's .idx records it */
	unsigned char *bytes; /* NULL: not packed */
	size_t len;
} rl_item_packed;

typedef struct rl_item {
	/* From the extractor. */
	char *guid;   /* feed guid / Atom id; NULL when none */
	char *link;   /* link as found (absolute if a base was known); NULL when none */
	char *title;  /* headline, one line; may be NULL for wire items */
	char *body;   /* paragraphs separated by "\n", each paragraph one line */
	int page;     /* the item is the whole page (an article page, or a page
	                 without a list): a source of one page is one story */

	/* From a caller that follows articles (run.c); zero otherwise. */
	unsigned keep;  /* RL_ITEM_KEEP_*: take these parts from the story's last version */
	char *status;   /* "removed (HTTP 404, <time>)": the Status header; NULL normally */

	/* From the pipeline (id may be preset by the caller). */
	char *key;    /* identity: canonical URL or GUID; NULL when the story has none */
	char *url;    /* canonical link (tracking parameters dropped); NULL when none */
	char *id;     /* identity as 12 lowercase hex chars */
	char *path;   /* file in the archive: <source>/<YYYY-MM>/<slug>-<id>.txt */
	char *text;   /* rendered file content */
	int64_t first_seen; /* Unix seconds, from the state or the snapshot */
	rl_hash128 hash; /* XXH3-128 of `text` */
	/* From a caller that rendered the file ahead (rl_snapshot_render_ahead),
	 * for a guess of its header: how long that header is in `text`, 0 when
	 * not rendered ahead; and the file packed, when asked for. */
	size_t header_len;
	rl_item_packed packed;
} rl_item;

#define RL_ITEM_KEEP_HEADER 1u /* title, URL and GUID as the archive has them */
#define RL_ITEM_KEEP_BODY 2u   /* the body as the archive has it */

typedef struct rl_item_list {
	rl_item *v;
	size_t n;
	size_t cap;
} rl_item_list;

#define RL_ITEM_LIST_INIT { NULL, 0, 0 }

/** The most items one snapshot may hold; more is RL_ETOOBIG. */
#define RL_ITEMS_MAX 5000

/** Appends a zeroed item and lends it through `out`. */
int rl_item_list_add(rl_item **out, rl_item_list *list);

/** Frees every item's strings and the list's memory. */
void rl_item_list_release(rl_item_list *list);

/** Frees one item's strings (the item itself is not freed). */
void rl_item_clear(rl_item *item);

#endif
