/*
 * deflate_small.c - raw DEFLATE (RFC 1951) for small buffers, one block.
 *
 * Why not libdeflate here: a first run writes ~33,000 objects of ~700
 * bytes (story files, trees, commits), and for each libdeflate 1.14 at
 * level 1 spends ~75,000 instructions whatever the size: it clears a
 * 128 KiB hash table and prices a block of 288 symbols three ways.  That
 * was a fifth of a first run's CPU.  This encoder sizes its work to the
 * input: a 16 KiB hash table cleared by generation, greedy matches of 4
 * to 258 bytes found through one slot a hash (as libdeflate's level 1
 * does with two), one block, dynamic Huffman codes built only over the
 * symbols used - or the fixed codes, or a stored block, whichever is
 * smallest.  Story files come out within 1 % of libdeflate's size.  The
 * small WARC records of a capture (request, metadata) take it too: at
 * level 6 libdeflate spent ~120,000 instructions on each.
 */
#include "deflate_small.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BITS 13
#define MIN_MATCH 4
#define MAX_MATCH 258
#define N_LITLEN 286 /* used: 0-285 (286 and 287 never occur) */
#define N_DIST 30
#define N_PRE 19
#define IS_MATCH 0x80000000u
#define SORT_CAP 64 /* rl_deflate_small_code_lengths(): weights counted apart below this */

struct rl_deflate_small {
	uint32_t gen;                          /* head[] entries of older calls are stale */
	uint32_t head[1u << HASH_BITS];        /* gen << 16 | position + 1 */
	uint32_t items[RL_DEFLATE_SMALL_MAX];  /* literal byte, or IS_MATCH | len << 16 | dist */
	unsigned char aside[RL_DEFLATE_SMALL_MAX + 16]; /* the stream, when dst has no room to spare */
};

struct codes {
	uint8_t lit_len[288], dist_len[N_DIST]; /* 286 and 287: the fixed code's */
	uint16_t lit_code[288], dist_code[N_DIST];
};

static const uint16_t len_base[29] = { 3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
				       31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
				       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1,   2,   3,   4,   5,   7,    9,    13,   17,   25,
					33,  49,  65,  97,  129, 193,  257,  385,  513,  769,
					1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
					6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
static const uint8_t pre_order[N_PRE] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* Symbol of each match length (3-258) and of each distance (1-16384 as
 * d - 1 < 256 directly, else 256 + (d - 1) / 128), filled once. */
static uint8_t len_sym[MAX_MATCH + 1];
static uint8_t dist_sym[512];
static struct codes fixed;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void fixed_codes(struct codes *c);

static void tables_init(void)
{
	fixed_codes(&fixed);
	for (int s = 0; s < 29; s++)
		for (int l = len_base[s]; l < len_base[s] + (1 << len_extra[s]) && l <= MAX_MATCH; l++)
			len_sym[l] = (uint8_t)s;
	len_sym[MAX_MATCH] = 28;
	for (int s = 0; s < N_DIST; s++)
		for (int d = dist_base[s]; d < dist_base[s] + (1 << dist_extra[s]); d++) {
			if (d <= 256)
				dist_sym[d - 1] = (uint8_t)s;
			else if (((d - 1) & 127) == 0)
				dist_sym[256 + ((d - 1) >> 7)] = (uint8_t)s;
		}
}

static unsigned dist_code(uint32_t d)
{
	return d <= 256 ? dist_sym[d - 1] : dist_sym[256 + ((d - 1) >> 7)];
}

rl_deflate_small *rl_deflate_small_new(void)
{
	pthread_once(&tables_once, tables_init);
	return calloc(1, sizeof(rl_deflate_small));
}

void rl_deflate_small_free(rl_deflate_small *s)
{
	free(s);
}

static uint32_t load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint32_t hash4(const unsigned char *p)
{
	return (load32(p) * 0x9E3779B1u) >> (32 - HASH_BITS);
}

/* Greedy LZ77 over the input into s->items, counted in lf and df; the
 * count of items. */
static size_t parse(rl_deflate_small *s, uint32_t *lf, uint32_t *df, const unsigned char *src,
		    size_t len)
{
	const uint32_t gen = s->gen << 16;
	size_t n = 0, i = 0;

	while (i + MIN_MATCH <= len) {
		uint32_t h = hash4(src + i), e = s->head[h];
		size_t m = 0;

		s->head[h] = gen | (uint32_t)(i + 1);
		if ((e & 0xFFFF0000u) == gen) { /* set by this call: a position + 1 */
			size_t c = (e & 0xFFFF) - 1, max = len - i < MAX_MATCH ? len - i : MAX_MATCH;
			if (load32(src + c) == load32(src + i))
				for (m = MIN_MATCH; m < max && src[c + m] == src[i + m]; m++)
					;
			if (m >= MIN_MATCH) {
				s->items[n++] = IS_MATCH | (uint32_t)m << 16 | (uint32_t)(i - c);
				lf[257 + len_sym[m]]++;
				df[dist_code((uint32_t)(i - c))]++;
				for (size_t k = i + 1; k < i + m && k + MIN_MATCH <= len; k++)
					s->head[hash4(src + k)] = gen | (uint32_t)(k + 1);
				i += m;
				continue;
			}
		}
		lf[src[i]]++;
		s->items[n++] = src[i++];
	}
	for (; i < len; i++) {
		lf[src[i]]++;
		s->items[n++] = src[i];
	}
	return n;
}

/* Code lengths (at most `max_len` bits) of a Huffman code for `freq`:
 * a tree over the symbols used, sorted by weight (two queues), then
 * lengths over the limit repaired.  At least two symbols get a
 * code (RFC 1951 readers want one bit even for a lone symbol). */
int rl_deflate_small_code_lengths(uint8_t *lens, int *used, const uint32_t *freq_in, int n_sym,
				  int max_len)
{
	int sym[N_LITLEN], parent[2 * N_LITLEN], depth[2 * N_LITLEN], count[16] = { 0 };
	int bucket[SORT_CAP + 1] = { 0 };
	uint32_t w[2 * N_LITLEN], own[N_LITLEN], key[N_LITLEN];
	const uint32_t *freq = freq_in;
	int n = 0, leaf = 0, inner, next;
	uint32_t total = 0;

	memset(lens, 0, (size_t)n_sym);
	for (int k = 0; k < n_sym; k++) {
		bucket[freq[k] < SORT_CAP ? freq[k] : SORT_CAP]++;
		used[n] = k;
		n += freq[k] > 0;
	}
	if (n < 2) { /* dummy codes, never written */
		memcpy(own, freq_in, (size_t)n_sym * sizeof(*own));
		for (int k = 0; n < 2 && k < 2; k++)
			if (own[k] == 0) {
				own[k] = 1;
				bucket[0]--;
				bucket[1]++;
				n++;
			}
		freq = own;
		n = 0;
		for (int k = 0; k < n_sym; k++)
			if (freq[k] > 0)
				used[n++] = k;
	}
	for (int b = 1, at = 0; b <= SORT_CAP; b++) {
		int c = bucket[b];
		bucket[b] = at;
		at += c;
	}
	for (int a = 0; a < n; a++) {
		uint32_t f = freq[used[a]];
		key[bucket[f < SORT_CAP ? f : SORT_CAP]++] = f << 9 | (uint32_t)used[a];
	}
	for (int a = bucket[SORT_CAP - 1] + 1; a < n; a++) {
		uint32_t v = key[a];
		int b = a;
		for (; b > 0 && key[b - 1] > v; b--)
			key[b] = key[b - 1];
		key[b] = v;
	}
	for (int a = 0; a < n; a++) {
		sym[a] = (int)(key[a] & 511);
		w[a] = key[a] >> 9;
	}
	inner = next = n;
	for (int k = 0; k < n - 1; k++) {
		int pick[2];
		for (int j = 0; j < 2; j++)
			pick[j] = leaf < n && (inner == next || w[leaf] <= w[inner]) ? leaf++ : inner++;
		w[next] = w[pick[0]] + w[pick[1]];
		parent[pick[0]] = parent[pick[1]] = next++;
	}
	depth[next - 1] = 0;
	for (int k = next - 2; k >= 0; k--)
		depth[k] = depth[parent[k]] + 1;
	for (int a = 0; a < n; a++)
		count[depth[a] < max_len ? depth[a] : max_len]++;
	/* Leaves deeper than max_len were lifted to it: the code is now
	 * over-full.  Each step (miniz's tdefl_huffman_enforce_max_code_size)
	 * takes a leaf off the last level and splits a shorter leaf into two
	 * one level down, one unit of 2^-max_len less, until the code is
	 * complete again. */
	for (int b = 1; b <= max_len; b++)
		total += (uint32_t)count[b] << (max_len - b);
	for (; total > 1u << max_len; total--) {
		count[max_len]--;
		for (int b = max_len - 1; b > 0; b--)
			if (count[b] > 0) {
				count[b]--;
				count[b + 1] += 2;
				break;
			}
	}
	/* the least frequent symbols take the longest codes */
	for (int b = max_len, a = 0; b >= 1; b--)
		for (int c = count[b]; c > 0; c--)
			lens[sym[a++]] = (uint8_t)b;
	return n;
}

/* The low `n` bits of `v` in reverse order. */
static uint32_t reverse(uint32_t v, unsigned n)
{
	v = (v >> 1 & 0x5555) | (v & 0x5555) << 1;
	v = (v >> 2 & 0x3333) | (v & 0x3333) << 2;
	v = (v >> 4 & 0x0F0F) | (v & 0x0F0F) << 4;
	v = (v >> 8 & 0x00FF) | (v & 0x00FF) << 8;
	return v >> (16 - n);
}

/* Canonical codes for the `n` symbols `used` (in increasing order) of
 * `lens`, bit-reversed for an LSB-first stream. */
static void make_codes(uint16_t *codes, const uint8_t *lens, const int *used, int n)
{
	uint16_t count[16] = { 0 }, next[16];
	uint32_t code = 0;

	for (int a = 0; a < n; a++)
		count[lens[used[a]]]++;
	count[0] = 0;
	for (int b = 1; b < 16; b++) {
		code = (code + count[b - 1]) << 1;
		next[b] = (uint16_t)code;
	}
	for (int a = 0; a < n; a++)
		codes[used[a]] = (uint16_t)reverse(next[lens[used[a]]]++, lens[used[a]]);
}

/* Bits of the items' symbols and extra bits under `c`: only the symbols
 * `ul` and `ud` (every one counted in lf and df) can have any. */
static uint64_t data_bits(const struct codes *c, const uint32_t *lf, const uint32_t *df,
			  const int *ul, int nl, const int *ud, int nd)
{
	uint64_t bits = 0;

	for (int a = 0; a < nl; a++) {
		int k = ul[a];
		bits += (uint64_t)lf[k] * (c->lit_len[k] + (k > 256 ? len_extra[k - 257] : 0));
	}
	for (int a = 0; a < nd; a++)
		bits += (uint64_t)df[ud[a]] * (c->dist_len[ud[a]] + dist_extra[ud[a]]);
	return bits;
}

struct header {
	int hlit, hdist, hclen, n_items;
	uint8_t items[N_LITLEN + N_DIST], extra[N_LITLEN + N_DIST]; /* precode symbol, its extra bits */
	uint8_t pre_len[N_PRE];
	uint16_t pre_code[N_PRE];
	uint64_t bits;
};

static const uint8_t pre_extra[N_PRE] = { [16] = 2, [17] = 3, [18] = 7 };

/* The dynamic block's code-length header: run-length coded, with its own
 * (pre)code. */
static void make_header(struct header *h, const struct codes *c)
{
	uint8_t all[N_LITLEN + N_DIST];
	uint32_t pre_freq[N_PRE] = { 0 };
	int n, i = 0, used[N_PRE];

	for (h->hlit = N_LITLEN; h->hlit > 257 && c->lit_len[h->hlit - 1] == 0; h->hlit--)
		;
	for (h->hdist = N_DIST; h->hdist > 1 && c->dist_len[h->hdist - 1] == 0; h->hdist--)
		;
	memcpy(all, c->lit_len, (size_t)h->hlit);
	memcpy(all + h->hlit, c->dist_len, (size_t)h->hdist);
	n = h->hlit + h->hdist;
	h->n_items = 0;
	while (i < n) {
		int v = all[i], run = 1;
		while (i + run < n && all[i + run] == v)
			run++;
		if (v == 0 && run >= 3) {
			int r = run > 138 ? 138 : run;
			h->items[h->n_items] = r >= 11 ? 18 : 17;
			h->extra[h->n_items++] = (uint8_t)(r >= 11 ? r - 11 : r - 3);
			i += r;
			continue;
		}
		h->items[h->n_items] = (uint8_t)v;
		h->extra[h->n_items++] = 0;
		i++;
		run--;
		while (v != 0 && run >= 3) {
			int r = run > 6 ? 6 : run;
			h->items[h->n_items] = 16;
			h->extra[h->n_items++] = (uint8_t)(r - 3);
			i += r;
			run -= r;
		}
	}
	for (int k = 0; k < h->n_items; k++)
		pre_freq[h->items[k]]++;
	n = rl_deflate_small_code_lengths(h->pre_len, used, pre_freq, N_PRE, 7);
	make_codes(h->pre_code, h->pre_len, used, n);
	for (h->hclen = N_PRE; h->hclen > 4 && h->pre_len[pre_order[h->hclen - 1]] == 0; h->hclen--)
		;
	h->bits = 5 + 5 + 4 + 3 * (uint64_t)h->hclen;
	for (int k = 0; k < h->n_items; k++)
		h->bits += h->pre_len[h->items[k]] + pre_extra[h->items[k]];
}

struct bits {
	unsigned char *p;
	uint64_t buf;
	unsigned n;
};

/* Up to 32 bits at a time, stored 8 bytes at a time with no test and no
 * branch: the caller made sure that 8 bytes of room follow the stream's
 * last byte.  Fewer than 8 bits stay pending, already in the byte at p. */
static inline __attribute__((always_inline)) void put(struct bits *o, uint32_t v, unsigned n)
{
	uint64_t b;

	o->buf |= (uint64_t)v << o->n;
	o->n += n;
	b = o->buf;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(o->p, &b, 8);
#else
	for (int k = 0; k < 8; k++)
		o->p[k] = (unsigned char)(b >> (8 * k));
#endif
	o->p += o->n >> 3;
	o->buf >>= o->n & ~7u;
	o->n &= 7;
}

/* Each symbol's code and extra bits in one put (at most 15 + 13 bits). */
static void put_items(struct bits *o, const struct codes *c, const uint32_t *items, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint32_t it = items[k];
		if (!(it & IS_MATCH)) {
			put(o, c->lit_code[it], c->lit_len[it]);
			continue;
		}
		uint32_t l = (it >> 16) & 0x1FF, d = it & 0xFFFF;
		unsigned ls = len_sym[l], ds = dist_code(d), ll = c->lit_len[257 + ls];
		put(o, c->lit_code[257 + ls] | (l - len_base[ls]) << ll, ll + len_extra[ls]);
		put(o, c->dist_code[ds] | (d - dist_base[ds]) << c->dist_len[ds],
		    c->dist_len[ds] + dist_extra[ds]);
	}
	put(o, c->lit_code[256], c->lit_len[256]);
}

static void fixed_codes(struct codes *c)
{
	for (int k = 0; k < 288; k++)
		c->lit_len[k] = k < 144 ? 8 : k < 256 ? 9 : k < 280 ? 7 : 8;
	memset(c->dist_len, 5, sizeof(c->dist_len));
	/* all 288 lengths: 286 and 287 shift the codes of length 9 */
	int all[288];

	for (int k = 0; k < 288; k++)
		all[k] = k;
	make_codes(c->lit_code, c->lit_len, all, 288);
	make_codes(c->dist_code, c->dist_len, all, N_DIST);
}

static size_t stored(unsigned char *dst, size_t cap, const unsigned char *src, size_t len)
{
	if (cap < len + 5)
		return 0;
	dst[0] = 1; /* final, stored */
	dst[1] = (unsigned char)len;
	dst[2] = (unsigned char)(len >> 8);
	dst[3] = (unsigned char)~len;
	dst[4] = (unsigned char)(~len >> 8);
	memcpy(dst + 5, src, len);
	return len + 5;
}

size_t rl_deflate_small_compress(rl_deflate_small *s, unsigned char *dst, size_t cap,
			const unsigned char *src, size_t len)
{
	uint32_t lf[N_LITLEN] = { 0 }, df[N_DIST] = { 0 };
	struct codes dyn;
	struct header h;
	struct bits o = { NULL, 0, 0 };
	uint64_t dyn_bits, fix_bits, bytes;
	bool aside;
	int ul[N_LITLEN], ud[N_DIST], nl, nd;
	size_t n;

	if (len > RL_DEFLATE_SMALL_MAX)
		return 0;
	if (++s->gen > 0xFFFF) { /* generations wrapped: old entries could look new */
		memset(s->head, 0, sizeof(s->head));
		s->gen = 1;
	}
	n = parse(s, lf, df, src, len);
	lf[256] = 1;
	nl = rl_deflate_small_code_lengths(dyn.lit_len, ul, lf, N_LITLEN, 15);
	nd = rl_deflate_small_code_lengths(dyn.dist_len, ud, df, N_DIST, 15);
	make_codes(dyn.lit_code, dyn.lit_len, ul, nl);
	make_codes(dyn.dist_code, dyn.dist_len, ud, nd);
	make_header(&h, &dyn);
	fix_bits = 3 + data_bits(&fixed, lf, df, ul, nl, ud, nd);
	dyn_bits = 3 + h.bits + data_bits(&dyn, lf, df, ul, nl, ud, nd);
	if ((dyn_bits < fix_bits ? dyn_bits : fix_bits) + 7 >= (uint64_t)(len + 5) * 8)
		return stored(dst, cap, src, len);
	bytes = ((dyn_bits < fix_bits ? dyn_bits : fix_bits) + 7) / 8;
	if (bytes > cap)
		return 0;
	aside = bytes + 8 > cap; /* no room for put()'s stores past the end */
	o.p = aside ? s->aside : dst;
	if (dyn_bits < fix_bits) {
		put(&o, 1 | 2 << 1, 3); /* final, dynamic */
		put(&o, (uint32_t)(h.hlit - 257), 5);
		put(&o, (uint32_t)(h.hdist - 1), 5);
		put(&o, (uint32_t)(h.hclen - 4), 4);
		for (int k = 0; k < h.hclen; k++)
			put(&o, h.pre_len[pre_order[k]], 3);
		for (int k = 0; k < h.n_items; k++) {
			put(&o, h.pre_code[h.items[k]], h.pre_len[h.items[k]]);
			put(&o, h.extra[k], pre_extra[h.items[k]]);
		}
		put_items(&o, &dyn, s->items, n);
	} else {
		put(&o, 1 | 1 << 1, 3); /* final, fixed */
		put_items(&o, &fixed, s->items, n);
	}
	if (aside)
		memcpy(dst, s->aside, bytes);
	return bytes;
}
