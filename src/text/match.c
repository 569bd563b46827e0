/*
 * match.c - text similarity of stories, and one-to-one matching.
 *
 * A fingerprint is the sorted, de-duplicated set of XXH3-64 hashes of word
 * bigrams (a text of one word: that word).  Similarity is the Dice
 * coefficient 2|A∩B| / (|A|+|B|), computed by a merge of the two sorted sets.
 */
#include "redline/match.h"
#include "redline/error.h"
#include "redline/hash.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WORD 64
#define MAX_SHINGLES 100000

struct rl_match_fingerprint {
	uint64_t *v;
	size_t n;
};

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c >= 0x80;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Reads the next word of `*p` into `word` (lower-cased ASCII, cut at MAX_WORD). */
static size_t next_word(const char **p, char word[MAX_WORD])
{
	const unsigned char *s = (const unsigned char *)*p;
	size_t len = 0;

	while (*s && !is_word_byte(*s))
		s++;
	while (*s && is_word_byte(*s)) {
		if (len < MAX_WORD)
			word[len++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
		s++;
	}
	*p = (const char *)s;
	return len;
}

int rl_match_fingerprint_new(rl_match_fingerprint **out, const char *text)
{
	rl_match_fingerprint *fp = NULL;
	char prev[MAX_WORD], cur[MAX_WORD], pair[2 * MAX_WORD + 1];
	size_t prev_len = 0, cur_len, cap = 64, words = 0;
	const char *p = text;

	*out = NULL;
	if ((fp = calloc(1, sizeof(*fp))) == NULL || (fp->v = malloc(cap * sizeof(uint64_t))) == NULL)
		goto oom;
	while ((cur_len = next_word(&p, cur)) > 0 && fp->n < MAX_SHINGLES) {
		uint64_t h;
		if (words++ == 0) {
			h = rl_hash64_bytes(cur, cur_len);
		} else {
			memcpy(pair, prev, prev_len);
			pair[prev_len] = ' ';
			memcpy(pair + prev_len + 1, cur, cur_len);
			h = rl_hash64_bytes(pair, prev_len + 1 + cur_len);
		}
		if (fp->n == cap) {
			uint64_t *v = realloc(fp->v, 2 * cap * sizeof(uint64_t));
			if (v == NULL)
				goto oom;
			fp->v = v;
			cap *= 2;
		}
		fp->v[fp->n++] = h;
		memcpy(prev, cur, cur_len);
		prev_len = cur_len;
	}
	/* The lone first word counts only for one-word texts. */
	if (words > 1) {
		memmove(fp->v, fp->v + 1, (fp->n - 1) * sizeof(uint64_t));
		fp->n--;
	}
	qsort(fp->v, fp->n, sizeof(uint64_t), cmp_u64);
	if (fp->n > 1) {
		size_t w = 1;
		for (size_t r = 1; r < fp->n; r++)
			if (fp->v[r] != fp->v[w - 1])
				fp->v[w++] = fp->v[r];
		fp->n = w;
	}
	*out = fp;
	return 0;
oom:
	rl_match_fingerprint_free(fp);
	return rl_error_set(RL_ENOMEM, "out of memory");
}

void rl_match_fingerprint_free(rl_match_fingerprint *fp)
{
	if (fp == NULL)
		return;
	free(fp->v);
	free(fp);
}

double rl_match_fingerprint_similarity(const rl_match_fingerprint *a, const rl_match_fingerprint *b)
{
	size_t i = 0, j = 0, common = 0;

	if (a->n + b->n == 0)
		return 0.0;
	while (i < a->n && j < b->n) {
		if (a->v[i] == b->v[j]) {
			common++;
			i++;
			j++;
		} else if (a->v[i] < b->v[j]) {
			i++;
		} else {
			j++;
		}
	}
	return 2.0 * (double)common / (double)(a->n + b->n);
}

struct pair {
	double score;
	size_t prev, cur;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->cur != b->cur)
		return a->cur < b->cur ? -1 : 1;
	return a->prev < b->prev ? -1 : a->prev > b->prev;
}

int rl_match_pairs(ptrdiff_t *match, const rl_match_fingerprint *const *previous, size_t n_previous,
		   const rl_match_fingerprint *const *current, size_t n_current, double threshold)
{
	struct pair *pairs = NULL;
	char *taken = NULL;
	size_t n_pairs = 0, cap = 0;
	int error = 0;

	for (size_t c = 0; c < n_current; c++)
		match[c] = -1;
	if (n_previous == 0 || n_current == 0)
		return 0;
	for (size_t c = 0; c < n_current; c++) {
		for (size_t p = 0; p < n_previous; p++) {
			double s = rl_match_fingerprint_similarity(previous[p], current[c]);
			if (s < threshold)
				continue;
			if (n_pairs == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				struct pair *np = realloc(pairs, ncap * sizeof(*np));
				if (np == NULL) {
					error = rl_error_set(RL_ENOMEM, "out of memory");
					goto done;
				}
				pairs = np;
				cap = ncap;
			}
			pairs[n_pairs++] = (struct pair){ s, p, c };
		}
	}
	if (n_pairs > 1)
		qsort(pairs, n_pairs, sizeof(*pairs), cmp_pair);
	if ((taken = calloc(n_previous, 1)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n_pairs; i++) {
		if (taken[pairs[i].prev] || match[pairs[i].cur] >= 0)
			continue;
		taken[pairs[i].prev] = 1;
		match[pairs[i].cur] = (ptrdiff_t)pairs[i].prev;
	}
done:
	free(pairs);
	free(taken);
	return error;
}
