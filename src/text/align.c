/*
 * align.c - matching the sentences of two versions of a story.
 *
 * Each sentence becomes a sorted array of 64-bit word hashes (a multiset);
 * the Dice coefficient of two multisets is one merge.  Pairs are taken
 * best first: identical text (score 1, nearest position first), then the
 * similar ones above the threshold.  The matched pairs that keep their
 * order on both sides (longest increasing subsequence of new positions,
 * taken in old order) are in place; the others moved.
 */
#include "redline/align.h"
#include "redline/figures.h"
#include "redline/hash.h"
#include "redline/worddiff.h"
#include "redline/error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 128

struct bag {
	uint64_t *h;
	size_t n;
};

struct cand {
	double score;
	size_t old, new;
	size_t dist;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int bag_make(struct bag *out, const char *s)
{
	rl_worddiff_token_kind kind;
	size_t len, cap = 0;
	char w[WORD_MAX];

	out->h = NULL;
	out->n = 0;
	for (; (len = rl_worddiff_token_next(s, &kind)) > 0; s += len) {
		size_t wl;
		if (kind == RL_WORDDIFF_TOKEN_SPACE || kind == RL_WORDDIFF_TOKEN_PUNCT)
			continue;
		if (kind == RL_WORDDIFF_TOKEN_NUMBER) {
			char tok[WORD_MAX];
			size_t tl = len < sizeof(tok) - 1 ? len : sizeof(tok) - 1;
			memcpy(tok, s, tl);
			tok[tl] = '\0';
			rl_figure_value(w, sizeof(w), tok);
			wl = strlen(w);
		} else {
			wl = len < sizeof(w) ? len : sizeof(w);
			for (size_t i = 0; i < wl; i++)
				w[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
		}
		if (out->n == cap) {
			uint64_t *v;
			cap = cap ? cap * 2 : 16;
			if ((v = realloc(out->h, cap * sizeof(*v))) == NULL) {
				free(out->h);
				out->h = NULL;
				return rl_error_set(RL_ENOMEM, "out of memory");
			}
			out->h = v;
		}
		out->h[out->n++] = rl_hash64_bytes(w, wl);
	}
	if (out->n > 1)
		qsort(out->h, out->n, sizeof(*out->h), cmp_u64);
	return 0;
}

static double bag_dice(const struct bag *a, const struct bag *b)
{
	size_t i = 0, j = 0, common = 0;

	if (a->n + b->n == 0)
		return 0;
	while (i < a->n && j < b->n) {
		if (a->h[i] == b->h[j])
			common++, i++, j++;
		else if (a->h[i] < b->h[j])
			i++;
		else
			j++;
	}
	return 2.0 * (double)common / (double)(a->n + b->n);
}

double rl_align_similarity(const char *a, const char *b)
{
	struct bag x, y;
	double d = 0;

	if (bag_make(&x, a) == 0 && bag_make(&y, b) == 0) {
		d = bag_dice(&x, &y);
		free(y.h);
	}
	free(x.h);
	return d;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return x->old < y->old ? -1 : x->old > y->old;
}

const char *rl_align_op_name(rl_align_op op)
{
	static const char *const names[] = { "same", "edited", "added", "removed", "moved" };
	return (unsigned)op < 5 ? names[op] : "unknown";
}

static int push_step(rl_alignment *out, rl_align_op op, size_t old, size_t new, int changed,
		     double score)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 32;
		rl_align_step *v = realloc(out->v, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		out->v = v;
		out->cap = cap;
	}
	out->v[out->n++] = (rl_align_step){ op, old, new, changed, score };
	out->counts[op]++;
	return 0;
}

/* Marks in `stay` the pairs (old order) on a longest increasing run of new
 * positions; the rest moved.  O(k log k). */
static int mark_in_place(unsigned char *stay, const size_t *new_of, size_t k)
{
	size_t *tail = malloc((k + 1) * sizeof(*tail)), *prev = malloc((k + 1) * sizeof(*prev));
	size_t len = 0;

	if (tail == NULL || prev == NULL) {
		free(tail);
		free(prev);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < k; i++) {
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (new_of[tail[mid]] < new_of[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo > 0 ? tail[lo - 1] : RL_ALIGN_NONE;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	memset(stay, 0, k);
	for (size_t i = len ? tail[len - 1] : RL_ALIGN_NONE; i != RL_ALIGN_NONE; i = prev[i])
		stay[i] = 1;
	free(tail);
	free(prev);
	return 0;
}

int rl_align_sentences(rl_alignment *out, const char *const *old, size_t n_old,
		       const char *const *new, size_t n_new)
{
	return rl_align_sentences_at(out, old, n_old, new, n_new, RL_ALIGN_THRESHOLD);
}

int rl_align_sentences_at(rl_alignment *out, const char *const *old, size_t n_old,
			  const char *const *new, size_t n_new, double threshold)
{
	struct bag *bo = NULL, *bn = NULL;
	struct cand *cands = NULL;
	size_t *match_old = NULL, *match_new = NULL, *pairs_new = NULL, *pairs_old = NULL;
	double *score_old = NULL;
	unsigned char *stay = NULL;
	size_t n_cands = 0, cap_cands = 0, k = 0, o = 0;
	int fuzzy = n_old <= RL_ALIGN_MAX_FUZZY && n_new <= RL_ALIGN_MAX_FUZZY;
	int error = 0;

	memset(out, 0, sizeof(*out));
	match_old = malloc((n_old + 1) * sizeof(*match_old));
	match_new = malloc((n_new + 1) * sizeof(*match_new));
	score_old = calloc(n_old + 1, sizeof(*score_old));
	bo = calloc(n_old + 1, sizeof(*bo));
	bn = calloc(n_new + 1, sizeof(*bn));
	if (!match_old || !match_new || !score_old || !bo || !bn) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n_old; i++)
		match_old[i] = RL_ALIGN_NONE;
	for (size_t j = 0; j < n_new; j++)
		match_new[j] = RL_ALIGN_NONE;
	if (fuzzy) {
		for (size_t i = 0; i < n_old && !error; i++)
			error = bag_make(&bo[i], old[i]);
		for (size_t j = 0; j < n_new && !error; j++)
			error = bag_make(&bn[j], new[j]);
		if (error)
			goto done;
	}

	/* candidates: identical text scores 1, similar text its Dice score */
	for (size_t i = 0; i < n_old; i++) {
		for (size_t j = 0; j < n_new; j++) {
			double s;
			if (strcmp(old[i], new[j]) == 0)
				s = 1.0 + 1e-9; /* identical beats a Dice of 1 (reordered words) */
			else if (!fuzzy || (s = bag_dice(&bo[i], &bn[j])) < threshold)
				continue;
			if (n_cands == cap_cands) {
				size_t cap = cap_cands ? cap_cands * 2 : 64;
				struct cand *v = realloc(cands, cap * sizeof(*v));
				if (v == NULL) {
					error = rl_error_set(RL_ENOMEM, "out of memory");
					goto done;
				}
				cands = v;
				cap_cands = cap;
			}
			cands[n_cands++] = (struct cand){ s, i, j, i > j ? i - j : j - i };
		}
	}
	if (n_cands > 1)
		qsort(cands, n_cands, sizeof(*cands), cmp_cand);
	for (size_t c = 0; c < n_cands; c++) {
		if (match_old[cands[c].old] != RL_ALIGN_NONE || match_new[cands[c].new] != RL_ALIGN_NONE)
			continue;
		match_old[cands[c].old] = cands[c].new;
		match_new[cands[c].new] = cands[c].old;
		score_old[cands[c].old] = cands[c].score > 1 ? 1 : cands[c].score;
		k++;
	}

	/* which matched pairs stay in place */
	pairs_new = malloc((k + 1) * sizeof(*pairs_new));
	pairs_old = malloc((k + 1) * sizeof(*pairs_old));
	stay = malloc(k + 1);
	if (!pairs_new || !pairs_old || !stay) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	k = 0;
	for (size_t i = 0; i < n_old; i++)
		if (match_old[i] != RL_ALIGN_NONE) {
			pairs_old[k] = i;
			pairs_new[k++] = match_old[i];
		}
	if ((error = mark_in_place(stay, pairs_new, k)) < 0)
		goto done;
	/* reuse score_old's neighbour: a moved flag per old index */
	{
		unsigned char *moved = calloc(n_old + 1, 1);
		if (moved == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		for (size_t p = 0; p < k; p++)
			moved[pairs_old[p]] = !stay[p];

		/* reading order: the new version; an unmatched old sentence goes
		 * before the first new sentence whose in-place partner follows it */
		for (size_t j = 0; j < n_new && !error; j++) {
			size_t i = match_new[j];
			if (i != RL_ALIGN_NONE && !moved[i]) {
				for (; o < i && !error; o++)
					if (match_old[o] == RL_ALIGN_NONE)
						error = push_step(out, RL_ALIGN_REMOVED, o, RL_ALIGN_NONE, 1, 0);
				if (o == i)
					o++;
			}
			if (error)
				break;
			if (i == RL_ALIGN_NONE)
				error = push_step(out, RL_ALIGN_ADDED, RL_ALIGN_NONE, j, 1, 0);
			else {
				int changed = strcmp(old[i], new[j]) != 0;
				error = push_step(out, moved[i] ? RL_ALIGN_MOVED
						  : changed  ? RL_ALIGN_EDITED
							     : RL_ALIGN_SAME,
						  i, j, changed, score_old[i]);
			}
		}
		for (; o < n_old && !error; o++)
			if (match_old[o] == RL_ALIGN_NONE)
				error = push_step(out, RL_ALIGN_REMOVED, o, RL_ALIGN_NONE, 1, 0);
		free(moved);
	}
done:
	if (bo)
		for (size_t i = 0; i < n_old; i++)
			free(bo[i].h);
	if (bn)
		for (size_t j = 0; j < n_new; j++)
			free(bn[j].h);
	free(bo);
	free(bn);
	free(cands);
	free(match_old);
	free(match_new);
	free(score_old);
	free(pairs_new);
	free(pairs_old);
	free(stay);
	if (error < 0)
		rl_alignment_release(out);
	return error;
}

void rl_alignment_release(rl_alignment *alignment)
{
	if (alignment == NULL)
		return;
	free(alignment->v);
	memset(alignment, 0, sizeof(*alignment));
}
