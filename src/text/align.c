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
#include "redline/buf.h"
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
	int error;

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
		if ((error = rl_array_grow(&out->h, &cap, out->n, sizeof(*out->h), 16)) < 0) {
			free(out->h);
			out->h = NULL;
			return error;
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
	int error;

	if ((error = rl_array_grow(&out->v, &out->cap, out->n, sizeof(*out->v), 32)) < 0)
		return error;
	out->v[out->n++] = (rl_align_step){ op, old, new, changed, score };
	out->counts[op]++;
	return 0;
}

int rl_align_in_order(unsigned char *keep, const size_t *key, size_t n)
{
	size_t *tail = malloc((n + 1) * sizeof(*tail)), *prev = malloc((n + 1) * sizeof(*prev));
	size_t len = 0;

	if (tail == NULL || prev == NULL) {
		free(tail);
		free(prev);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	/* patience sorting: tail[l] ends the best run of length l + 1 so far */
	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;
		if (key[i] == RL_ALIGN_NONE)
			continue;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (key[tail[mid]] < key[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo > 0 ? tail[lo - 1] : RL_ALIGN_NONE;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	memset(keep, 0, n);
	for (size_t i = len ? tail[len - 1] : RL_ALIGN_NONE; i != RL_ALIGN_NONE; i = prev[i])
		keep[i] = 1;
	free(tail);
	free(prev);
	return 0;
}

/* The one-to-one pairing of two versions' sentences, indexed both ways. */
struct pairing {
	size_t *new_of;       /* per old sentence: its new partner, or RL_ALIGN_NONE */
	size_t *old_of;       /* per new sentence: its old partner, or RL_ALIGN_NONE */
	double *score;        /* per old sentence: its pair's similarity (at most 1) */
	unsigned char *moved; /* per old sentence: its pair changed place */
};

static void pairing_release(struct pairing *p)
{
	free(p->new_of);
	free(p->old_of);
	free(p->score);
	free(p->moved);
}

static void bags_free(struct bag *bags, size_t n)
{
	for (size_t i = 0; bags && i < n; i++)
		free(bags[i].h);
	free(bags);
}

/* Every pair worth pairing, best first: identical text (nearest first),
 * then, when both sides are small enough, similar text at or above the
 * threshold. */
static int find_candidates(struct cand **out, size_t *n_out, const char *const *old,
			   size_t n_old, const char *const *new, size_t n_new, double threshold)
{
	int fuzzy = n_old <= RL_ALIGN_MAX_FUZZY && n_new <= RL_ALIGN_MAX_FUZZY;
	struct bag *bo = calloc(n_old + 1, sizeof(*bo)), *bn = calloc(n_new + 1, sizeof(*bn));
	struct cand *v = NULL;
	size_t n = 0, cap = 0;
	int error = 0;

	if (!bo || !bn)
		error = rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; fuzzy && i < n_old && !error; i++)
		error = bag_make(&bo[i], old[i]);
	for (size_t j = 0; fuzzy && j < n_new && !error; j++)
		error = bag_make(&bn[j], new[j]);
	for (size_t i = 0; i < n_old && !error; i++) {
		for (size_t j = 0; j < n_new && !error; j++) {
			double s;
			if (strcmp(old[i], new[j]) == 0)
				s = 1.0 + 1e-9; /* identical beats a Dice of 1 (reordered words) */
			else if (!fuzzy || (s = bag_dice(&bo[i], &bn[j])) < threshold)
				continue;
			if ((error = rl_array_grow(&v, &cap, n, sizeof(*v), 64)) == 0)
				v[n++] = (struct cand){ s, i, j, i > j ? i - j : j - i };
		}
	}
	bags_free(bo, n_old);
	bags_free(bn, n_new);
	if (error < 0) {
		free(v);
		return error;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_cand);
	*out = v;
	*n_out = n;
	return 0;
}

/* Pairs the sentences best pair first, each at most once. */
static int pair_sentences(struct pairing *p, const char *const *old, size_t n_old,
			  const char *const *new, size_t n_new, double threshold)
{
	struct cand *cands = NULL;
	size_t n_cands = 0;
	int error;

	p->new_of = malloc((n_old + 1) * sizeof(*p->new_of));
	p->old_of = malloc((n_new + 1) * sizeof(*p->old_of));
	p->score = calloc(n_old + 1, sizeof(*p->score));
	p->moved = calloc(n_old + 1, 1);
	if (!p->new_of || !p->old_of || !p->score || !p->moved)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n_old; i++)
		p->new_of[i] = RL_ALIGN_NONE;
	for (size_t j = 0; j < n_new; j++)
		p->old_of[j] = RL_ALIGN_NONE;
	if ((error = find_candidates(&cands, &n_cands, old, n_old, new, n_new, threshold)) < 0)
		return error;
	for (size_t c = 0; c < n_cands; c++) {
		const struct cand *x = &cands[c];
		if (p->new_of[x->old] != RL_ALIGN_NONE || p->old_of[x->new] != RL_ALIGN_NONE)
			continue;
		p->new_of[x->old] = x->new;
		p->old_of[x->new] = x->old;
		p->score[x->old] = x->score > 1 ? 1 : x->score;
	}
	free(cands);
	return 0;
}

/* Marks the pairs that moved: those off a longest run of new positions
 * that increases in old order. */
static int mark_moved(struct pairing *p, size_t n_old)
{
	unsigned char *stay = malloc(n_old + 1);
	int error;

	if (stay == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((error = rl_align_in_order(stay, p->new_of, n_old)) == 0)
		for (size_t i = 0; i < n_old; i++)
			p->moved[i] = p->new_of[i] != RL_ALIGN_NONE && !stay[i];
	free(stay);
	return error;
}

/* The old sentences before `upto` that were not paired, as removed. */
static int push_removed(rl_alignment *out, size_t *o, size_t upto, const struct pairing *p)
{
	int error = 0;

	for (; *o < upto && !error; (*o)++)
		if (p->new_of[*o] == RL_ALIGN_NONE)
			error = push_step(out, RL_ALIGN_REMOVED, *o, RL_ALIGN_NONE, 1, 0);
	return error;
}

/* The steps in reading order: the new version, each unpaired old sentence
 * before the first new sentence whose in-place partner follows it. */
static int push_steps(rl_alignment *out, const struct pairing *p, const char *const *old,
		      size_t n_old, const char *const *new, size_t n_new)
{
	size_t o = 0;
	int error = 0;

	for (size_t j = 0; j < n_new && !error; j++) {
		size_t i = p->old_of[j];
		int changed;
		if (i != RL_ALIGN_NONE && !p->moved[i]) {
			if ((error = push_removed(out, &o, i, p)) < 0)
				break;
			if (o == i)
				o++;
		}
		if (i == RL_ALIGN_NONE) {
			error = push_step(out, RL_ALIGN_ADDED, RL_ALIGN_NONE, j, 1, 0);
			continue;
		}
		changed = strcmp(old[i], new[j]) != 0;
		error = push_step(out, p->moved[i] ? RL_ALIGN_MOVED
				  : changed  ? RL_ALIGN_EDITED
					     : RL_ALIGN_SAME,
				  i, j, changed, p->score[i]);
	}
	return error ? error : push_removed(out, &o, n_old, p);
}

int rl_align_sentences(rl_alignment *out, const char *const *old, size_t n_old,
		       const char *const *new, size_t n_new)
{
	return rl_align_sentences_at(out, old, n_old, new, n_new, RL_ALIGN_THRESHOLD);
}

int rl_align_sentences_at(rl_alignment *out, const char *const *old, size_t n_old,
			  const char *const *new, size_t n_new, double threshold)
{
	struct pairing p = { NULL, NULL, NULL, NULL };
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = pair_sentences(&p, old, n_old, new, n_new, threshold)) == 0 &&
	    (error = mark_moved(&p, n_old)) == 0)
		error = push_steps(out, &p, old, n_old, new, n_new);
	pairing_release(&p);
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
