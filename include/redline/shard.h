/*
 * redline/shard.h - which worker takes which source.
 *
 * `--shard K/N` (0 <= K < N <= RL_SHARD_MAX) gives a worker the sources whose
 * name ranks shard K first by rendezvous (highest-random-weight) hashing:
 *
 *     score(name, k) = XXH3-64 of  k as 4 bytes little-endian + the name
 *     shard(name, N) = the k in 0..N-1 with the highest score (lowest k on a tie)
 *
 * It needs no table and no coordinator, it is the same on every machine and
 * in every version (XXH3 is specified), and it moves few sources when N
 * changes: going from N to N+1 shards moves only the sources that now rank
 * the new shard first (about 1/(N+1) of them), and dropping shard k moves only
 * k's sources.  Nothing else changes hands.
 */
#ifndef REDLINE_SHARD_H
#define REDLINE_SHARD_H

#include <stdint.h>

/** The largest N accepted (a shard count, not a source count). */
#define RL_SHARD_MAX 1024

typedef struct rl_shard {
	uint32_t k; /* this worker's shard, 0-based */
	uint32_t n; /* shards in all; 0 means "not sharded: every source" */
} rl_shard;

/** Parses "K/N" (decimal, 0 <= K < N <= RL_SHARD_MAX); RL_EINVAL with a
 *  message naming the text otherwise. */
int rl_shard_parse(rl_shard *out, const char *text);

/** The shard (0..n-1) that `name` belongs to among `n` (n >= 1). */
uint32_t rl_shard_of(const char *name, uint32_t n);

/** 1 when `shard` takes `name` (always 1 for an unsharded worker, n == 0). */
int rl_shard_takes(const rl_shard *shard, const char *name);

/** Writes "K-of-N" into `out` (at least 32 bytes): the name of a shard's
 *  branch under refs/heads/shards/. */
void rl_shard_branch_name(char *out, uint32_t size, const rl_shard *shard);

#endif
