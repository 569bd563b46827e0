/*
 * archive_treebuf.c - the large trees of the last commits built, held as
 * their bytes and their entries' offsets, so that the next version of each
 * is spliced from it.
 *
 * The root has one entry per source: at 10,000 sources it is ~330 KB, and
 * a first run writes 10,000 commits, each changing one or two of its
 * entries (the source's folder, ".captures").  A busy source's month
 * folder, or the capture folder of a busy hour, grows the same way.  Built
 * like any other tree, each new version was read back from the pack (a copy
 * out of the writer's cache), parsed entry by entry, written entry by
 * entry, copied into the cache again and walked a second time, next to its
 * base, to make its delta: a third of the cycle thread's time at 10,000
 * pages, growing with the square of the number of sources over a first
 * run.
 *
 * Here the entries stay where they are.  A commit's changes become a few
 * edits at known positions; the new tree is the old one's runs of
 * untouched entries (one memcpy each) with the edited entries between them,
 * and its delta against the old tree is the same list: copy, insert, copy.
 * What is left in proportion to the size of the tree is the memcpy, the
 * offsets' update (4 bytes an entry) and the SHA-1 of the new tree.
 *
 * The bytes held are those of tree `id` (content-addressed), so they stay
 * right for as long as a commit builds on that tree, whoever wrote it.  At
 * most HELD_MAX trees and HELD_BYTES bytes are held; the least recently
 * used goes first.  Trees under HELD_MIN bytes (but the root) are not
 * held: the general way is as cheap for them.
 */
#include "archive_internal.h"
#include "packwrite_internal.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

#define HELD_MAX 64
#define HELD_BYTES ((size_t)16 << 20)
#define HELD_MIN 2048

struct version {
	unsigned char *bytes;
	size_t len, cap;
	uint32_t *off;             /* entry i starts at off[i], ends at off[i + 1] or len */
	size_t n, cap_off;
};

/* A slot stays where it is while live: a commit's builds nest (the root
 * is spliced after its folders were), and each pins the one it builds on. */
struct archive_held {
	int live, pinned;
	git_oid id;                /* the tree `cur` holds */
	struct version cur;
	uint64_t used;             /* when last built on */
};

struct archive_treebuf {
	struct archive_held held[HELD_MAX];
	size_t n;                  /* slots ever used */
	size_t bytes;              /* capacity of the held versions */
	uint64_t clock;
	struct version next;       /* being spliced */
};

static size_t version_bytes(const struct version *v)
{
	return v->cap + v->cap_off * sizeof(*v->off);
}

static void version_free(struct version *v)
{
	free(v->bytes);
	free(v->off);
	memset(v, 0, sizeof(*v));
}

void archive_treebuf_free(struct archive_treebuf *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		if (t->held[i].live)
			version_free(&t->held[i].cur);
	version_free(&t->next);
	free(t);
}

static void drop(struct archive_treebuf *t, struct archive_held *h)
{
	t->bytes -= version_bytes(&h->cur);
	version_free(&h->cur);
	h->live = 0;
}

struct archive_held *archive_treebuf_held(struct archive_treebuf *t, const git_oid *id)
{
	if (t == NULL || id == NULL)
		return NULL;
	for (size_t i = 0; i < t->n; i++) {
		if (t->held[i].live && git_oid_equal(&t->held[i].id, id)) {
			t->held[i].used = ++t->clock;
			return &t->held[i];
		}
	}
	return NULL;
}

void archive_treebuf_pin(struct archive_held *h, int pin)
{
	h->pinned += pin ? 1 : -1;
}

/* A free slot for a new tree of `len` bytes, the least recently used
 * unpinned ones dropped until there is room; NULL when there is none. */
static struct archive_held *slot_for(struct archive_treebuf *t, size_t len)
{
	for (;;) {
		struct archive_held *lru = NULL, *free_slot = NULL;
		for (size_t i = 0; i < HELD_MAX; i++) {
			struct archive_held *h = &t->held[i];
			if (!h->live && free_slot == NULL)
				free_slot = h;
			else if (h->live && !h->pinned && (lru == NULL || h->used < lru->used))
				lru = h;
		}
		if (free_slot && t->bytes + len <= HELD_BYTES) {
			if ((size_t)(free_slot - t->held) >= t->n)
				t->n = (size_t)(free_slot - t->held) + 1;
			return free_slot;
		}
		if (lru == NULL)
			return NULL;
		drop(t, lru);
	}
}

/* Room for `len` bytes and `n` offsets (their contents not kept). */
static int reserve(struct version *v, size_t len, size_t n)
{
	if (len > v->cap) {
		size_t cap = len + len / 4 + 4096;
		unsigned char *p = realloc(v->bytes, cap);
		if (p == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		v->bytes = p;
		v->cap = cap;
	}
	if (n > v->cap_off) {
		size_t cap = n + n / 4 + 64;
		uint32_t *p = realloc(v->off, cap * sizeof(*p));
		if (p == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		v->off = p;
		v->cap_off = cap;
	}
	return 0;
}

static size_t entry_end(const struct version *v, size_t i)
{
	return i + 1 < v->n ? v->off[i + 1] : v->len;
}

int archive_treebuf_entry(struct pw_tree_entry *e, const struct archive_held *h, size_t i)
{
	const struct version *v = &h->cur;

	return pw_tree_entry_at(e, v->bytes + v->off[i], v->bytes + entry_end(v, i));
}

/* Entry offsets of tree bytes redline would write (in git's order, each
 * name once, modes without a leading zero) into `v`: 0; 1 when the bytes
 * are not such a tree. */
static int index_entries(struct version *v, const unsigned char *data, size_t len)
{
	const unsigned char *p = data, *end = data + len;
	struct pw_tree_entry e, prev;
	int rc;

	/* Offsets are 32-bit: a larger tree is built the general way. */
	if (len > UINT32_MAX)
		return 1;
	if ((rc = reserve(v, len, len / (GIT_OID_RAWSZ + 3) + 1)) < 0)
		return rc;
	v->n = 0;
	for (; p < end; p += e.len) {
		if (pw_tree_entry_at(&e, p, end) < 0 || *p == '0' ||
		    (v->n > 0 && pw_tree_order(&prev, &e) >= 0))
			return 1;
		v->off[v->n++] = (uint32_t)(p - data);
		prev = e;
	}
	if (len > 0)
		memcpy(v->bytes, data, len);
	v->len = len;
	return 0;
}

int archive_treebuf_load(struct archive_treebuf **tp, const git_oid *id, int is_root,
			 const unsigned char *data, size_t len)
{
	struct archive_treebuf *t = *tp;
	struct archive_held *h;
	int rc;

	if ((len < HELD_MIN && !is_root) || len > HELD_BYTES / 2)
		return 0;
	if (t == NULL && (t = *tp = calloc(1, sizeof(*t))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (archive_treebuf_held(t, id))
		return 0;
	/* Indexed into `next` first: a tree that does not qualify costs no
	 * held one its slot. */
	if ((rc = index_entries(&t->next, data, len)) != 0)
		return rc < 0 ? rc : 0;
	if ((h = slot_for(t, version_bytes(&t->next))) == NULL)
		return 0;
	memset(h, 0, sizeof(*h));
	h->live = 1;
	h->cur = t->next;
	memset(&t->next, 0, sizeof(t->next));
	git_oid_cpy(&h->id, id);
	h->used = ++t->clock;
	t->bytes += version_bytes(&h->cur);
	return 0;
}

size_t archive_treebuf_find(int *found, const struct archive_held *h, const char *name,
			    size_t len, int is_dir)
{
	struct pw_tree_entry key = pw_tree_key(name, len, is_dir), e;
	size_t lo = 0, hi = h->cur.n;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c;
		/* load() checked every entry */
		(void)archive_treebuf_entry(&e, h, mid);
		if ((c = pw_tree_order(&e, &key)) == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Entries [from, to) of the held tree, unchanged, at the end of `next`. */
static void copy_run(struct version *nv, struct pw_delta *d, const struct version *v, size_t from,
		     size_t to)
{
	size_t start, len;

	if (from >= to)
		return;
	start = v->off[from];
	len = entry_end(v, to - 1) - start;
	memcpy(nv->bytes + nv->len, v->bytes + start, len);
	for (size_t i = from; i < to; i++)
		nv->off[nv->n++] = (uint32_t)(v->off[i] - start + nv->len);
	pw_delta_copy(d, start, len);
	nv->len += len;
}

int archive_treebuf_splice(const unsigned char **tree, size_t *tree_len, unsigned char **delta,
			   size_t *delta_len, struct archive_treebuf *t, const struct archive_held *h,
			   const struct archive_tree_edit *ed, size_t n_ed, const unsigned char *scratch)
{
	const struct version *v = &h->cur;
	struct version *nv = &t->next;
	struct pw_delta d;
	size_t len = v->len, n = v->n, at = 0;
	int rc;

	*tree = NULL;
	*delta = NULL;
	*tree_len = *delta_len = 0;
	for (size_t i = 0; i < n_ed; i++) {
		if (!ed[i].insert) {
			len -= entry_end(v, ed[i].pos) - v->off[ed[i].pos];
			n--;
		}
		len += ed[i].len;
		n += ed[i].len > 0;
	}
	if (len > UINT32_MAX)
		return rl_error_set(RL_ETOOBIG, "a tree of %zu bytes", len);
	if ((rc = reserve(nv, len, n)) < 0 || (rc = pw_delta_begin(&d, v->len, len)) < 0)
		return rc;
	nv->len = nv->n = 0;
	for (size_t i = 0; i < n_ed; i++) {
		copy_run(nv, &d, v, at, ed[i].pos);
		at = ed[i].pos;
		if (ed[i].len > 0) {
			memcpy(nv->bytes + nv->len, scratch + ed[i].off, ed[i].len);
			nv->off[nv->n++] = (uint32_t)nv->len;
			pw_delta_insert(&d, nv->bytes + nv->len, ed[i].len);
			nv->len += ed[i].len;
		}
		if (!ed[i].insert)
			at++;
	}
	copy_run(nv, &d, v, at, v->n);
	pw_delta_end(delta, delta_len, &d);
	*tree = nv->bytes;
	*tree_len = nv->len;
	return 0;
}

void archive_treebuf_advance(struct archive_treebuf *t, struct archive_held *h, const git_oid *id)
{
	struct version old = h->cur;

	t->bytes -= version_bytes(&old);
	h->cur = t->next;
	t->next = old;
	t->bytes += version_bytes(&h->cur);
	git_oid_cpy(&h->id, id);
	h->used = ++t->clock;
}
