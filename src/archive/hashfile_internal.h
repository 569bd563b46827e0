/*
 * hashfile_internal.h - a persistent open-addressing hash table of 64-bit
 * keys to 64-bit values, one mapped file: the machinery under the revision
 * index (revindex.c) and the known-id table of a source (state_known.c).
 *
 * The file is a cache: its size, magic and capacity are checked when it is
 * opened, and the callers check every value they get back against the data
 * it points into, so a corrupt table gives an error (then a rebuild), never
 * a wrong answer.  Key 0 is reserved (an empty slot).
 */
#ifndef REDLINE_HASHFILE_INTERNAL_H
#define REDLINE_HASHFILE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/** The largest table: 2^28 slots (4 GiB); more is RL_ETOOBIG. */
#define RL_HASHFILE_MAX_CAP (1ull << 28)

typedef struct rl_hashfile rl_hashfile;

/** Opens the table at `path`; with `create`, a missing or unreadable one is
 *  (re)made empty.  RL_ENOTFOUND when missing without `create`; RL_EPARSE
 *  when its header or size is wrong. */
int rl_hashfile_open(rl_hashfile **out, const char *path, int create);

/** Empties the table (a fresh file of the smallest size). */
int rl_hashfile_reset(rl_hashfile *hf);

/** 1 and `*value` when `key` is in the table, 0 when not.  The first
 *  lookups of an unchanged table read the file; later ones map it. */
int rl_hashfile_get(uint64_t *value, rl_hashfile *hf, uint64_t key);

/** Sets `key` to `value`, doubling the table (a new file, renamed over the
 *  old) when it is 70 % full. */
int rl_hashfile_put(rl_hashfile *hf, uint64_t key, uint64_t value);

/** Makes room for `more` keys beyond those held: one growth to the size
 *  they need instead of a doubling (a new file each) every time the table
 *  fills up while they are put (30,000 ids in a first cycle of 1,000
 *  sources: six of them). */
int rl_hashfile_reserve(rl_hashfile *hf, uint64_t more);

/** The caller's two header words (what the table is complete up to). */
void rl_hashfile_tags(const rl_hashfile *hf, uint64_t *tag0, uint64_t *tag1);
/** Sets them (mapping the table); an error only when it cannot be mapped. */
int rl_hashfile_set_tags(rl_hashfile *hf, uint64_t tag0, uint64_t tag1);

/** How many keys the table holds. */
uint64_t rl_hashfile_count(const rl_hashfile *hf);

/** The table key of story id `id` (its 12 hex digits, top bit set so that
 *  it is never 0): the key both the revision index and the known-id table
 *  use.  RL_EINVAL when `id` does not start with a story id. */
int rl_hashfile_story_key(uint64_t *out, const char *id);

/** Unmaps and closes; NULL is fine.  Changes are in the file already (a
 *  shared mapping); they reach the disk without fsync, as caches do. */
void rl_hashfile_close(rl_hashfile *hf);

#endif
