/*
 * align_eval.c - accuracy of the sentence aligner (align.h) on labelled
 * pairs built from real news text.
 *
 * Input: bench/align/paragraphs.py's output (the paragraphs of the corpus's
 * articles).  Each article is split into sentences with rl_sentence_split;
 * windows of up to 30 sentences (a story body) are edited by a seeded
 * random mix of the edits a newsroom makes -- a word or two changed, a
 * figure changed, a sentence half rewritten, punctuation touched, a sentence
 * deleted, one inserted (taken from another article), one moved -- and the
 * edit log is the label: which old sentence each new one came from.  The
 * aligner is scored on those labels, at several thresholds, against the
 * page-order pairing (identical sentences as anchors, the rest paired in
 * order between them: what a line diff's hunks give).
 *
 * Usage: align_eval PARAGRAPHS [PAIRS_PER_ARTICLE]
 */
#include "redline/align.h"
#include "redline/buf.h"
#include "redline/sentence.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ART 64
#define WIN 30

enum edit { E_SAME, E_WORD, E_WORDS, E_FIGURE, E_HALF, E_PUNCT, E_INSERT, E_MOVE, E_N };
static const char *const edit_name[E_N] = { "unchanged", "1 word", "2-3 words", "figure",
					    "half rewritten", "punctuation", "inserted", "moved" };

struct sent {
	char *text;
	long orig;    /* old index, -1 for an inserted sentence */
	enum edit how;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static size_t pick(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static rl_strvec arts[MAX_ART];
static size_t n_arts;

static const char *random_word(size_t not_art)
{
	size_t a = pick(n_arts);
	if (a == not_art)
		a = (a + 1) % n_arts;
	const char *s = arts[a].v[pick(arts[a].n)];
	size_t len = strlen(s), at = pick(len), end;
	static char w[64];

	while (at > 0 && s[at - 1] != ' ')
		at--;
	for (end = at; s[end] && s[end] != ' ' && end - at < sizeof(w) - 1; end++)
		;
	memcpy(w, s + at, end - at);
	w[end - at] = '\0';
	return w;
}

/* Replaces `k` random words of `s` (k = 0: about half of them). */
static char *replace_words(const char *s, size_t k, size_t art)
{
	rl_strvec w = RL_STRVEC_INIT;
	rl_buf b = RL_BUF_INIT(1 << 20);
	const char *p = s;

	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		rl_strvec_pushn(&w, p, len);
		p += len + (sp != NULL);
	}
	if (k == 0)
		k = w.n / 2 ? w.n / 2 : 1;
	for (size_t i = 0; i < k && w.n; i++) {
		size_t at = pick(w.n);
		free(w.v[at]);
		w.v[at] = strdup(random_word(art));
	}
	for (size_t i = 0; i < w.n; i++)
		rl_buf_printf(&b, "%s%s", i ? " " : "", w.v[i]);
	rl_strvec_release(&w);
	return rl_buf_detach(&b);
}

static char *change_figure(const char *s, size_t art)
{
	const char *d = strpbrk(s, "0123456789");
	rl_buf b = RL_BUF_INIT(1 << 20);
	if (d == NULL)
		return replace_words(s, 1, art);
	rl_buf_put(&b, s, (size_t)(d - s));
	rl_buf_printf(&b, "%u", (unsigned)(pick(9000) + 11));
	while (*d >= '0' && *d <= '9')
		d++;
	rl_buf_puts(&b, d);
	return rl_buf_detach(&b);
}

static char *touch_punctuation(const char *s)
{
	rl_buf b = RL_BUF_INIT(1 << 20);
	const char *sp = strchr(s, ' ');
	if (sp) {
		rl_buf_put(&b, s, (size_t)(sp - s));
		rl_buf_puts(&b, ",");
		rl_buf_puts(&b, sp);
	} else {
		rl_buf_printf(&b, "%s!", s);
	}
	return rl_buf_detach(&b);
}

/* One labelled pair: old = a window of article `art`, new = it edited. */
static size_t make_pair(struct sent *out, const char **old, size_t *n_old, size_t art)
{
	size_t n = arts[art].n, start = n > WIN ? pick(n - WIN) : 0, len = n - start < WIN ? n - start : WIN;
	size_t m = len, ops = 1 + pick(5);

	for (size_t i = 0; i < len; i++) {
		old[i] = arts[art].v[start + i];
		out[i] = (struct sent){ strdup(old[i]), (long)i, E_SAME };
	}
	*n_old = len;
	for (size_t o = 0; o < ops && m > 2; o++) {
		size_t at = pick(m), r = pick(9);
		if (out[at].how != E_SAME && r < 6)
			continue; /* one edit a sentence keeps the label clean */
		char *t = NULL;
		switch (r) {
		case 0: t = replace_words(out[at].text, 1, art); out[at].how = E_WORD; break;
		case 1: t = replace_words(out[at].text, 2 + pick(2), art); out[at].how = E_WORDS; break;
		case 2: t = change_figure(out[at].text, art); out[at].how = E_FIGURE; break;
		case 3: t = replace_words(out[at].text, 0, art); out[at].how = E_HALF; break;
		case 4: t = touch_punctuation(out[at].text); out[at].how = E_PUNCT; break;
		case 5: /* delete */
			free(out[at].text);
			memmove(&out[at], &out[at + 1], (m - at - 1) * sizeof(*out));
			m--;
			break;
		case 6: case 7: { /* insert a sentence of the same article from outside the
				     window (same topic: the hard case), or of another */
			size_t a2 = (art + 1 + pick(n_arts - 1)) % n_arts, from;
			const char *ins;
			if (r == 6 && n > len) {
				from = pick(n - len);
				ins = arts[art].v[from < start ? from : from + len];
			} else {
				ins = arts[a2].v[pick(arts[a2].n)];
			}
			memmove(&out[at + 1], &out[at], (m - at) * sizeof(*out));
			out[at] = (struct sent){ strdup(ins), -1, E_INSERT };
			m++;
			break;
		}
		case 8: { /* move */
			struct sent s = out[at];
			size_t to = pick(m - 1);
			if (s.how != E_SAME)
				break;
			memmove(&out[at], &out[at + 1], (m - at - 1) * sizeof(*out));
			memmove(&out[to + 1], &out[to], (m - 1 - to) * sizeof(*out));
			s.how = to == at ? E_SAME : E_MOVE;
			out[to] = s;
			break;
		}
		}
		if (t) {
			free(out[at].text);
			out[at].text = t;
		}
	}
	return m;
}

/* Page-order pairing: LCS of identical sentences, the rest in order between. */
static void page_order(long *pred, const char **old, size_t no, const char **new, size_t nn)
{
	size_t *L = calloc((no + 1) * (nn + 1), sizeof(size_t));
#define AT(i, j) L[(i) * (nn + 1) + (j)]
	for (size_t i = no; i-- > 0;)
		for (size_t j = nn; j-- > 0;)
			AT(i, j) = strcmp(old[i], new[j]) == 0 ? AT(i + 1, j + 1) + 1
				   : AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1);
	size_t i = 0, j = 0, gi = 0, gj = 0;
	for (size_t k = 0; k < nn; k++)
		pred[k] = -1;
	for (;;) {
		int end = i == no || j == nn;
		if (end || strcmp(old[i], new[j]) == 0) {
			/* a gap [gi,i) x [gj,j): pair in order, as a hunk does */
			for (size_t a = gi, b = gj; a < i && b < j; a++, b++)
				pred[b] = (long)a;
			if (end) {
				for (size_t a = i, b = j; a < no && b < nn; a++, b++)
					pred[b] = (long)a;
				break;
			}
			pred[j] = (long)i;
			gi = ++i;
			gj = ++j;
		} else if (AT(i + 1, j) >= AT(i, j + 1)) {
			i++;
		} else {
			j++;
		}
	}
	free(L);
#undef AT
}

struct score {
	size_t true_pairs, pred_pairs, correct, wrong_unrelated;
	size_t by_edit[E_N], ok_by_edit[E_N];
	size_t moves, moves_seen;
};

static void tally(struct score *s, const struct sent *nw, size_t nn, const long *pred,
		  const rl_alignment *al)
{
	for (size_t j = 0; j < nn; j++) {
		s->by_edit[nw[j].how]++;
		if (nw[j].orig >= 0)
			s->true_pairs++;
		if (pred[j] >= 0) {
			s->pred_pairs++;
			if (pred[j] == nw[j].orig)
				s->correct++;
			else if (nw[j].orig < 0)
				s->wrong_unrelated++;
		}
		if (pred[j] == nw[j].orig)
			s->ok_by_edit[nw[j].how]++;
		if (al && nw[j].how == E_MOVE) {
			s->moves++;
			for (size_t k = 0; k < al->n; k++)
				if (al->v[k].new == j && al->v[k].op == RL_ALIGN_MOVED)
					s->moves_seen++;
		}
	}
}

static void report(const char *name, const struct score *s, int edits)
{
	printf("%-22s precision %.3f  recall %.3f  unrelated paired %zu", name,
	       s->pred_pairs ? (double)s->correct / (double)s->pred_pairs : 0,
	       (double)s->correct / (double)s->true_pairs, s->wrong_unrelated);
	if (s->moves)
		printf("  moves seen %zu/%zu", s->moves_seen, s->moves);
	printf("\n");
	if (edits)
		for (int e = 0; e < E_N; e++)
			printf("    %-16s %5zu sentences, %5.1f%% right\n", edit_name[e], s->by_edit[e],
			       s->by_edit[e] ? 100.0 * (double)s->ok_by_edit[e] / (double)s->by_edit[e] : 0);
}

int main(int argc, char **argv)
{
	static const double thresholds[] = { 0.3, 0.4, 0.5, 0.6, 0.7 };
	enum { NT = sizeof(thresholds) / sizeof(thresholds[0]) };
	struct score sc[NT + 1];
	size_t per = argc > 2 ? (size_t)atol(argv[2]) : 200, pairs = 0;
	FILE *f;
	char line[65536];

	if (argc < 2 || (f = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: align_eval PARAGRAPHS [PAIRS_PER_ARTICLE]\n");
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "## ", 3) == 0) {
			if (n_arts < MAX_ART && (n_arts == 0 || arts[n_arts - 1].n > 0))
				n_arts++;
		} else if (n_arts > 0 && *line) {
			rl_sentence_split(&arts[n_arts - 1], line);
		}
	}
	fclose(f);
	memset(sc, 0, sizeof(sc));
	for (size_t a = 0; a < n_arts; a++) {
		for (size_t r = 0; r < per; r++) {
			const char *old[WIN];
			struct sent nw[WIN * 4];
			const char *nt[WIN * 4];
			long pred[WIN * 4];
			size_t no, nn = make_pair(nw, old, &no, a);

			for (size_t j = 0; j < nn; j++)
				nt[j] = nw[j].text;
			for (size_t t = 0; t < NT; t++) {
				rl_alignment al = RL_ALIGNMENT_INIT;
				rl_align_sentences_at(&al, old, no, nt, nn, thresholds[t]);
				for (size_t j = 0; j < nn; j++)
					pred[j] = -1;
				for (size_t k = 0; k < al.n; k++)
					if (al.v[k].new != RL_ALIGN_NONE && al.v[k].old != RL_ALIGN_NONE)
						pred[al.v[k].new] = (long)al.v[k].old;
				tally(&sc[t], nw, nn, pred, &al);
				rl_alignment_release(&al);
			}
			page_order(pred, old, no, nt, nn);
			tally(&sc[NT], nw, nn, pred, NULL);
			for (size_t j = 0; j < nn; j++)
				free(nw[j].text);
			pairs++;
		}
	}
	printf("%zu articles, %zu labelled version pairs, %zu sentences in new versions\n\n", n_arts,
	       pairs, sc[0].by_edit[0] + sc[0].by_edit[1] + sc[0].by_edit[2] + sc[0].by_edit[3] +
			      sc[0].by_edit[4] + sc[0].by_edit[5] + sc[0].by_edit[6] + sc[0].by_edit[7]);
	for (size_t t = 0; t < NT; t++) {
		char name[64];
		snprintf(name, sizeof(name), "matched, Dice >= %.1f", thresholds[t]);
		report(name, &sc[t], thresholds[t] == RL_ALIGN_THRESHOLD);
	}
	report("page order (line diff)", &sc[NT], 1);
	for (size_t a = 0; a < n_arts; a++)
		rl_strvec_release(&arts[a]);
	return 0;
}
