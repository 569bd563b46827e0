/*
 * hash.c - thin wrapper over libxxhash so the rest of redline never sees it.
 */
#include "redline/hash.h"
#include "redline/error.h"

#include <stdio.h>
#include <string.h>
#include <xxhash.h>

rl_hash128 rl_hash128_bytes(const void *data, size_t len)
{
	XXH128_hash_t h = XXH3_128bits(data, len);
	rl_hash128 out = { h.high64, h.low64 };
	return out;
}

uint64_t rl_hash64_bytes(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

int rl_hash128_equal(rl_hash128 a, rl_hash128 b)
{
	return a.high == b.high && a.low == b.low;
}

/* Not snprintf(): ~1,500 instructions a call, and a first run formats
 * ~100,000 hashes and story ids. */
void rl_hash64_hex(char *out, uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	out[digits] = '\0';
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
}

void rl_hash128_hex(char out[RL_HASH_HEX_SIZE], rl_hash128 hash)
{
	rl_hash64_hex(out, hash.high, 16);
	rl_hash64_hex(out + 16, hash.low, 16);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rl_hash128_parse(rl_hash128 *out, const char *hex)
{
	uint64_t half[2] = { 0, 0 };

	if (hex == NULL || strlen(hex) != 32)
		return rl_error_set(RL_EINVAL, "not an XXH3-128 hash: '%s'", hex ? hex : "");
	for (int i = 0; i < 32; i++) {
		int v = hexval(hex[i]);
		if (v < 0)
			return rl_error_set(RL_EINVAL, "not an XXH3-128 hash: '%s'", hex);
		half[i / 16] = (half[i / 16] << 4) | (uint64_t)v;
	}
	out->high = half[0];
	out->low = half[1];
	return 0;
}
