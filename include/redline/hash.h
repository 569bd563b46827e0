/*
 * redline/hash.h - XXH3 hashes of item text and identities.
 *
 * XXH3-128 decides whether an item changed; its hex form is 32 lowercase
 * characters, high half first, as `xxhsum -H2` prints it.
 */
#ifndef REDLINE_HASH_H
#define REDLINE_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct rl_hash128 {
	uint64_t high;
	uint64_t low;
} rl_hash128;

#define RL_HASH_HEX_SIZE 33 /* 32 hex chars and the NUL */

/** XXH3-128 of `len` bytes: whether a story or a page changed. */
rl_hash128 rl_hash128_bytes(const void *data, size_t len);
/** XXH3-64 of `len` bytes: where story ids come from. */
uint64_t rl_hash64_bytes(const void *data, size_t len);
/** 1 when the two hashes are equal, else 0. */
int rl_hash128_equal(rl_hash128 a, rl_hash128 b);
/** 32 lowercase hex chars and a NUL, high half first. */
void rl_hash128_hex(char out[RL_HASH_HEX_SIZE], rl_hash128 hash);

/** The low `digits` (at most 16) hex digits of `v`, lower case, as
 *  "%0*llx" writes them, and a NUL: out holds digits + 1 bytes. */
void rl_hash64_hex(char *out, uint64_t v, int digits);
/** Parses 32 hex chars; RL_EINVAL otherwise. */
int rl_hash128_parse(rl_hash128 *out, const char *hex);

#endif
