/*
 * shard.c - rendezvous hashing of source names onto N shards.
 *
 * The key is hashed with the shard index in front of it, so each (name, k)
 * pair gets an independent XXH3-64 score; the highest score wins.  The index
 * is written as 4 little-endian bytes whatever the host, so that every
 * machine of a deployment computes the same assignment.
 */
#include "redline/shard.h"
#include "redline/error.h"
#include "redline/hash.h"

#include <stdio.h>
#include <string.h>

/* Names longer than this are not source names (those are at most 64
 * bytes); they are cut here only so the buffer is bounded. */
#define KEY_MAX 256

static int parse_u32(uint32_t *out, const char *s, size_t len)
{
	uint64_t v = 0;

	if (len == 0 || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = (uint32_t)v;
	return 0;
}

int rl_shard_parse(rl_shard *out, const char *text)
{
	const char *slash = text ? strchr(text, '/') : NULL;
	rl_shard s = { 0, 0 };

	memset(out, 0, sizeof(*out));
	if (slash == NULL || parse_u32(&s.k, text, (size_t)(slash - text)) < 0 ||
	    parse_u32(&s.n, slash + 1, strlen(slash + 1)) < 0)
		return rl_error_set(RL_EINVAL, "not a shard: '%s' (want K/N, e.g. 0/4)",
				    text ? text : "");
	if (s.n == 0 || s.n > RL_SHARD_MAX)
		return rl_error_set(RL_EINVAL, "not a shard: '%s' (N must be 1 to %d)", text,
				    RL_SHARD_MAX);
	if (s.k >= s.n)
		return rl_error_set(RL_EINVAL, "not a shard: '%s' (K counts from 0, so K < N)", text);
	*out = s;
	return 0;
}

uint32_t rl_shard_of(const char *name, uint32_t n)
{
	unsigned char key[4 + KEY_MAX];
	size_t len = strlen(name);
	uint64_t best_score = 0;
	uint32_t best = 0;

	if (len > KEY_MAX)
		len = KEY_MAX;
	memcpy(key + 4, name, len);
	for (uint32_t k = 0; k < n; k++) {
		uint64_t score;
		key[0] = (unsigned char)(k & 0xff);
		key[1] = (unsigned char)((k >> 8) & 0xff);
		key[2] = (unsigned char)((k >> 16) & 0xff);
		key[3] = (unsigned char)((k >> 24) & 0xff);
		score = rl_hash64_bytes(key, 4 + len);
		if (k == 0 || score > best_score) {
			best_score = score;
			best = k;
		}
	}
	return best;
}

int rl_shard_takes(const rl_shard *shard, const char *name)
{
	if (shard == NULL || shard->n == 0)
		return 1;
	return rl_shard_of(name, shard->n) == shard->k;
}

void rl_shard_branch_name(char *out, uint32_t size, const rl_shard *shard)
{
	snprintf(out, size, "%u-of-%u", (unsigned)shard->k, (unsigned)shard->n);
}
