/*
 * redline/snapshot.h - from extracted items to story files.
 *
 * Normalises what the extractors found (text, title, canonical URL), gives
 * each story its identity key, and renders the story file of
 * docs/archive-format.md whose XXH3-128 decides whether it changed.
 */
#ifndef REDLINE_SNAPSHOT_H
#define REDLINE_SNAPSHOT_H

#include <stdint.h>

#include "redline/item.h"
#include "redline/normalise.h"

/** The longest title kept (bytes); longer ones are cut at a word. */
#define RL_SNAPSHOT_TITLE_MAX 300

/** Normalises every item in place: title and body through `normaliser`,
 *  link canonicalised against `base_url` (unusable links dropped), key set
 *  to the GUID or else the canonical URL, a missing title taken from the
 *  body's first sentence.  Items left with no text are removed, and of two
 *  items with one key only the first is kept. */
int rl_snapshot_prepare(rl_item_list *items, const rl_normaliser *normaliser,
			const char *base_url);

/** rl_snapshot_prepare()'s work on one item, without the removals: a
 *  function of the item's extracted fields, `normaliser` and `base_url`
 *  alone (ingest_memo.c relies on that). */
int rl_snapshot_prepare_item(rl_item *item, const rl_normaliser *normaliser,
			     const char *base_url);

/** rl_snapshot_prepare()'s removals of prepared items (no text; a key
 *  already seen); `kept_from` (NULL, or room for items->n) gets the old
 *  place of each item kept. */
void rl_snapshot_drop_repeats(rl_item_list *items, size_t *kept_from);

/** Renders item->text (header, blank line, one sentence per line) and sets
 *  item->hash.  item->id and the arguments fill the header.  An item
 *  rendered ahead (item->header_len) keeps its body's lines: only the
 *  header is rendered again, and when it is the one guessed the text, hash
 *  and packed blob stay as they are (item->packed is dropped otherwise). */
int rl_snapshot_render(rl_item *item, const char *source, int64_t first_seen,
		       const char *status);

/** Renders every prepared item of `items` ahead, on any thread, for the
 *  header it gets as a new story of `source` first seen at `first_seen`
 *  with the id the pipeline would give it (its key's; without a key, the
 *  first salt's) and no status: item->text, item->hash, item->header_len.
 *  With `pack`, each file is also packed as a git blob (item->packed) for
 *  the writer to append as it is, and its name built (item->path), which
 *  the pipeline takes for a new story while item->packed survives
 *  rl_snapshot_render().  Items with a body to keep
 *  (RL_ITEM_KEEP_BODY) are left alone.  Touches no archive. */
int rl_snapshot_render_ahead(rl_item_list *items, const char *source, int64_t first_seen,
			     int pack);

/** The id of a story with a key: 12 hex chars of XXH3-64("key\n" + key). */
void rl_snapshot_id_for_key(char out[13], const char *key);

/** The id of a story without a key, first seen now; `salt` separates collisions. */
void rl_snapshot_id_for_new(char out[13], const char *source, int64_t first_seen,
			    const char *title, unsigned salt);

#endif
