/*
 * packwrite_delta.c - git deltas without a search.
 *
 * The batch's pack writer (packwrite.c) knows which old tree a new tree
 * replaces, so no window of candidates is searched: the delta is built
 * from the two buffers directly.  Two trees are walked entry by entry in
 * git's tree order, as a merge: an entry the base also has (same mode, name
 * and id) is copied from the base, runs of them as one copy; any other
 * entry of the new tree is inserted.  A root tree in which one source's
 * folder changed and one was added is thus copy, insert, copy, insert, copy,
 * whatever its size.  Buffers that do not parse as trees get the common
 * prefix and suffix (copy, insert, copy).
 */
#include "packwrite_internal.h"
#include "redline/error.h"

#include <stdlib.h>
#include <string.h>

/* git's limit on one copy instruction of a version 2 pack. */
#define COPY_MAX 0x10000u
/* A delta must be under this fraction of the object to be worth it. */
#define DELTA_WORTH_DIVISOR 2

/* --- the instructions --------------------------------------------------- */


static void put_byte(struct pw_delta *o, unsigned char c)
{
	if (o->n >= o->cap)
		o->full = 1;
	else
		o->d[o->n++] = c;
}

static void put_varint(struct pw_delta *o, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		put_byte(o, (unsigned char)(c | (v ? 0x80 : 0)));
	} while (v);
}

static void flush_copy(struct pw_delta *o)
{
	while (o->copy_len > 0) {
		size_t size = o->copy_len > COPY_MAX ? COPY_MAX : o->copy_len;
		unsigned char op = 0x80, args[7];
		size_t k = 0;

		for (int b = 0; b < 4; b++) {
			if ((o->copy_off >> (8 * b)) & 0xff) {
				args[k++] = (unsigned char)(o->copy_off >> (8 * b));
				op |= (unsigned char)(1 << b);
			}
		}
		if (size != COPY_MAX) {
			for (int b = 0; b < 3; b++) {
				if ((size >> (8 * b)) & 0xff) {
					args[k++] = (unsigned char)(size >> (8 * b));
					op |= (unsigned char)(0x10 << b);
				}
			}
		}
		put_byte(o, op);
		for (size_t i = 0; i < k; i++)
			put_byte(o, args[i]);
		o->copy_off += size;
		o->copy_len -= size;
	}
}

static void flush_insert(struct pw_delta *o)
{
	while (o->ins_len > 0) {
		size_t k = o->ins_len > 127 ? 127 : o->ins_len;
		put_byte(o, (unsigned char)k);
		if (o->n + k > o->cap) {
			o->full = 1;
			return;
		}
		memcpy(o->d + o->n, o->ins, k);
		o->n += k;
		o->ins += k;
		o->ins_len -= k;
	}
}

void pw_delta_copy(struct pw_delta *o, uint64_t off, size_t len)
{
	if (len == 0)
		return;
	flush_insert(o);
	if (o->copy_len > 0 && o->copy_off + o->copy_len == off) {
		o->copy_len += len;
		return;
	}
	flush_copy(o);
	o->copy_off = off;
	o->copy_len = len;
}

void pw_delta_insert(struct pw_delta *o, const unsigned char *p, size_t len)
{
	if (len == 0)
		return;
	flush_copy(o);
	if (o->ins_len > 0 && o->ins + o->ins_len == p) {
		o->ins_len += len;
		return;
	}
	flush_insert(o);
	o->ins = p;
	o->ins_len = len;
}

/* --- tree entries ------------------------------------------------------ */

int pw_tree_entry_at(struct pw_tree_entry *e, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *sp = memchr(p, ' ', (size_t)(end - p)), *nul;

	/* A mode is 1-7 octal digits (git writes 5 or 6). */
	if (sp == NULL || sp == p || sp - p > 7)
		return -1;
	if ((nul = memchr(sp + 1, '\0', (size_t)(end - sp - 1))) == NULL ||
	    (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
		return -1;
	e->mode = 0;
	for (const unsigned char *m = p; m < sp; m++) {
		if (*m < '0' || *m > '7')
			return -1;
		e->mode = e->mode << 3 | (uint32_t)(*m - '0');
	}
	e->start = p;
	e->name = sp + 1;
	e->name_len = (size_t)(nul - sp - 1);
	e->len = (size_t)(nul + 1 + GIT_OID_RAWSZ - p);
	e->is_dir = (e->mode & 0170000) == 0040000;
	return 0;
}

int pw_tree_order(const struct pw_tree_entry *a, const struct pw_tree_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = n < a->name_len ? a->name[n] : a->is_dir ? '/' : '\0';
	cb = n < b->name_len ? b->name[n] : b->is_dir ? '/' : '\0';
	return (int)ca - (int)cb;
}

/* The merge walk; -1 when either buffer is not a tree. */
static int tree_delta(struct pw_delta *o, const unsigned char *base, size_t base_len,
		      const unsigned char *target, size_t target_len)
{
	const unsigned char *bp = base, *bend = base + base_len;
	const unsigned char *tp = target, *tend = target + target_len;
	struct pw_tree_entry be, te;
	int have_b = 0;

	while (tp < tend && !o->full) {
		if (pw_tree_entry_at(&te, tp, tend) < 0)
			return -1;
		if (!have_b && bp < bend) {
			if (pw_tree_entry_at(&be, bp, bend) < 0)
				return -1;
			have_b = 1;
		}
		if (!have_b) {
			pw_delta_insert(o, te.start, te.len);
			tp += te.len;
			continue;
		}
		int c = pw_tree_order(&be, &te);
		if (c == 0 && be.len == te.len && memcmp(be.start, te.start, te.len) == 0) {
			pw_delta_copy(o, (uint64_t)(be.start - base), be.len);
			tp += te.len;
			bp += be.len;
			have_b = 0;
		} else if (c < 0) {
			bp += be.len; /* gone from the new tree */
			have_b = 0;
		} else {
			pw_delta_insert(o, te.start, te.len); /* new, or changed */
			tp += te.len;
			if (c == 0) {
				bp += be.len;
				have_b = 0;
			}
		}
	}
	return 0;
}

static void prefix_suffix_delta(struct pw_delta *o, const unsigned char *base, size_t base_len,
				const unsigned char *target, size_t target_len)
{
	size_t pre = 0, suf = 0;

	while (pre < base_len && pre < target_len && base[pre] == target[pre])
		pre++;
	while (suf < base_len - pre && suf < target_len - pre &&
	       base[base_len - 1 - suf] == target[target_len - 1 - suf])
		suf++;
	pw_delta_copy(o, 0, pre);
	pw_delta_insert(o, target + pre, target_len - pre - suf);
	pw_delta_copy(o, base_len - suf, suf);
}

int pw_delta_begin(struct pw_delta *o, uint64_t base_len, uint64_t target_len)
{
	memset(o, 0, sizeof(*o));
	/* Copy offsets are 32-bit; tiny objects gain nothing. */
	if (base_len > UINT32_MAX || target_len < 64) {
		o->full = 1;
		return 0;
	}
	o->cap = (size_t)(target_len / DELTA_WORTH_DIVISOR);
	if ((o->d = malloc(o->cap)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	put_varint(o, base_len);
	put_varint(o, target_len);
	return 0;
}

void pw_delta_end(unsigned char **out, size_t *out_len, struct pw_delta *o)
{
	if (!o->full) {
		flush_copy(o);
		flush_insert(o);
	}
	*out = o->full ? NULL : o->d;
	*out_len = o->full ? 0 : o->n;
	if (o->full)
		free(o->d);
	memset(o, 0, sizeof(*o));
}

int pw_delta_create(unsigned char **out, size_t *out_len, const unsigned char *base,
		    size_t base_len, const unsigned char *target, size_t target_len)
{
	struct pw_delta o;
	size_t header;
	int rc;

	*out = NULL;
	*out_len = 0;
	if ((rc = pw_delta_begin(&o, base_len, target_len)) < 0)
		return rc;
	header = o.n;
	if (!o.full && tree_delta(&o, base, base_len, target, target_len) < 0) {
		o.n = header;
		o.full = 0;
		o.copy_len = o.ins_len = 0;
		prefix_suffix_delta(&o, base, base_len, target, target_len);
	}
	pw_delta_end(out, out_len, &o);
	return 0;
}

static int get_varint(uint64_t *v, const unsigned char **p, const unsigned char *end)
{
	int shift = 0;
	*v = 0;
	do {
		if (*p >= end || shift > 63)
			return -1;
		*v |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return 0;
}

int pw_delta_apply(unsigned char **out, size_t *out_len, const unsigned char *base,
		   size_t base_len, const unsigned char *delta, size_t delta_len)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	uint64_t src, dst;
	unsigned char *o = NULL;
	size_t n = 0;

	*out = NULL;
	if (get_varint(&src, &p, end) < 0 || get_varint(&dst, &p, end) < 0 || src != base_len ||
	    dst > SIZE_MAX - 1 || (o = malloc(dst ? dst : 1)) == NULL)
		goto bad;
	while (p < end) {
		unsigned char op = *p++;
		if (op & 0x80) {
			uint64_t off = 0, size = 0;
			for (int b = 0; b < 4; b++)
				if (op & (1 << b)) {
					if (p >= end)
						goto bad;
					off |= (uint64_t)*p++ << (8 * b);
				}
			for (int b = 0; b < 3; b++)
				if (op & (0x10 << b)) {
					if (p >= end)
						goto bad;
					size |= (uint64_t)*p++ << (8 * b);
				}
			if (size == 0)
				size = COPY_MAX;
			if (off + size > base_len || size > dst - n)
				goto bad;
			memcpy(o + n, base + off, size);
			n += size;
		} else if (op) {
			if (op > (size_t)(end - p) || op > dst - n)
				goto bad;
			memcpy(o + n, p, op);
			n += op;
			p += op;
		} else {
			goto bad;
		}
	}
	if (n != dst)
		goto bad;
	*out = o;
	*out_len = n;
	return 0;
bad:
	free(o);
	return rl_error_set(RL_EIO, "a corrupt delta in the pack being written");
}
