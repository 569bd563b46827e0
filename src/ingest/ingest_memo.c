/*
 * ingest_memo.c - the prepared items of each source's last snapshot, kept
 * by a batch so that a story that did not change is neither normalised nor
 * rendered again.
 *
 * A feed shows mostly the stories it showed an hour ago, byte for byte:
 * bench/ingest's stream changes 5 % of its items a snapshot, bench/scale's
 * ~18 %.  Normalising an item (the built-in patterns, URL canonicalisation)
 * and rendering its story file (sentence splitting) were a fifth of
 * ingest's CPU, spent mostly on items whose result was already known.
 *
 * What is kept is a cache of pure functions, never a decision:
 *  - rl_snapshot_prepare_item() is a function of the item's extracted
 *    fields, the source's normaliser (its ignore patterns and
 *    keep_counters) and the base URL: an entry is found by the extracted
 *    fields compared byte for byte (their hash only picks the candidate),
 *    and a source's entries go when its normaliser or base URL changes;
 *  - rl_snapshot_render() is a function of the prepared fields, the id,
 *    the source, First-Seen and the status: the hash of an entry's last
 *    rendering is reused only for the same id and First-Seen, without
 *    status, and only to tell that the story file is the one the state
 *    has (an unchanged story needs no text); any other story is rendered.
 * Only each source's last snapshot is kept, and all sources together in
 * at most MEMO_MAX_BYTES (the least recently used source goes first).
 */
#include "ingest_internal.h"
#include "redline/error.h"
#include "redline/snapshot.h"

#include <stdlib.h>
#include <string.h>

/* All sources' entries together; a bound on the memory, not a target: a
 * source of 50 items of 1 KB takes ~100 KB (extracted and prepared). */
#define MEMO_MAX_BYTES ((size_t)2 << 20)

/* The prepared fields an entry keeps, in this order. */
enum { F_GUID, F_LINK, F_TITLE, F_BODY, F_URL, F_KEY, F_COUNT };

struct memo_entry {
	int taken;          /* moved to the snapshot being prepared */
	rl_hash128 raw_hash;
	char *raw;          /* the extracted fields (raw_key) */
	size_t raw_len;
	char *f[F_COUNT];   /* the prepared ones */
	size_t bytes;
	/* its last rendering, when `rendered` */
	int rendered;
	char id[RL_STATE_ID_SIZE];
	int64_t first_seen;
	rl_hash128 hash;
};

struct memo_source {
	char *name;
	rl_hash128 ctx;            /* normaliser and base URL (context_hash) */
	struct memo_entry **e;     /* sorted by raw_hash */
	size_t n;
	size_t bytes;
	uint64_t used;
};

struct ingest_memo {
	struct memo_source *s;
	size_t n, cap;
	size_t bytes;
	uint64_t clock;
};

static void entry_free(struct memo_entry *e)
{
	if (e == NULL)
		return;
	free(e->raw);
	for (int k = 0; k < F_COUNT; k++)
		free(e->f[k]);
	free(e);
}

/* Frees the source's entries, but for those taken by a snapshot. */
static void source_clear(struct ingest_memo *m, struct memo_source *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->e[i]->taken)
			entry_free(s->e[i]);
	free(s->e);
	s->e = NULL;
	s->n = 0;
	m->bytes -= s->bytes;
	s->bytes = 0;
}

struct ingest_memo *ingest_memo_new(void)
{
	return calloc(1, sizeof(struct ingest_memo));
}

void ingest_memo_free(struct ingest_memo *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		source_clear(m, &m->s[i]);
		free(m->s[i].name);
	}
	free(m->s);
	free(m);
}

/* A field as raw_key writes it: present or not, then its length and bytes. */
static int put_field(rl_buf *b, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	int error;

	if ((error = rl_buf_putc(b, s ? 1 : 0)) < 0 ||
	    (error = rl_buf_put(b, &len, sizeof(len))) < 0)
		return error;
	return s ? rl_buf_put(b, s, len) : 0;
}

/* Everything rl_snapshot_prepare_item() reads of an extracted item; 0 when
 * the item is not one (a caller's id, URL or status: not memoised). */
static int raw_key(rl_buf *b, const rl_item *it)
{
	int error;

	if (it->key || it->url || it->id || it->path || it->text || it->status || it->keep)
		return 0;
	rl_buf_clear(b);
	if ((error = put_field(b, it->guid)) < 0 || (error = put_field(b, it->link)) < 0 ||
	    (error = put_field(b, it->title)) < 0 || (error = put_field(b, it->body)) < 0 ||
	    (error = rl_buf_put(b, &it->page, sizeof(it->page))) < 0)
		return error;
	return 1;
}

/* What else the prepared fields depend on: the normaliser's configuration
 * and the base URL. */
static int context_hash(rl_hash128 *out, const rl_source_config *cfg, const char *base)
{
	rl_buf b = RL_BUF_INIT(SIZE_MAX / 2);
	int error;

	if ((error = put_field(&b, base)) < 0 ||
	    (error = rl_buf_put(&b, &cfg->keep_counters, sizeof(cfg->keep_counters))) < 0)
		goto done;
	for (size_t i = 0; i < cfg->ignore.n && error == 0; i++)
		error = put_field(&b, cfg->ignore.v[i]);
	if (error == 0)
		*out = rl_hash128_bytes(b.ptr ? b.ptr : "", b.len);
done:
	rl_buf_release(&b);
	return error;
}

static int cmp_hash(rl_hash128 a, rl_hash128 b)
{
	if (a.high != b.high)
		return a.high < b.high ? -1 : 1;
	return a.low < b.low ? -1 : a.low > b.low;
}

static int cmp_entry(const void *a, const void *b)
{
	return cmp_hash((*(struct memo_entry *const *)a)->raw_hash,
			(*(struct memo_entry *const *)b)->raw_hash);
}

/* The source's entry of `raw` (NULL when it has none), marked taken: it
 * moves to the snapshot's entries. */
static struct memo_entry *take(struct memo_source *s, rl_hash128 h, const rl_buf *raw)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_hash(s->e[mid]->raw_hash, h) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* equal hashes: the bytes decide */
	for (; lo < s->n && cmp_hash(s->e[lo]->raw_hash, h) == 0; lo++) {
		struct memo_entry *e = s->e[lo];
		if (!e->taken && e->raw_len == raw->len && memcmp(e->raw, raw->ptr, raw->len) == 0) {
			e->taken = 1;
			return e;
		}
	}
	return NULL;
}

static struct memo_source *find_source(struct ingest_memo *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->s[i].name, name) == 0)
			return &m->s[i];
	return NULL;
}

static int add_source(struct memo_source **out, struct ingest_memo *m, const char *name)
{
	struct memo_source *s;
	int error;

	if ((error = rl_array_grow(&m->s, &m->cap, m->n, sizeof(*m->s), 8)) < 0)
		return error;
	s = &m->s[m->n];
	memset(s, 0, sizeof(*s));
	if ((s->name = strdup(name)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	m->n++;
	*out = s;
	return 0;
}

static int copy_field(char **out, const char *s)
{
	*out = NULL;
	if (s && (*out = strdup(s)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	return 0;
}

static char **item_field(rl_item *it, int k)
{
	char **f[F_COUNT] = { &it->guid, &it->link, &it->title, &it->body, &it->url, &it->key };
	return f[k];
}

/* The item's extracted fields replaced by the entry's prepared ones. */
static int apply_entry(rl_item *it, const struct memo_entry *e)
{
	for (int k = 0; k < F_COUNT; k++) {
		char **field = item_field(it, k), *copy;
		int error;
		if ((error = copy_field(&copy, e->f[k])) < 0)
			return error;
		free(*field);
		*field = copy;
	}
	return 0;
}

/* A new entry: the extracted fields (`raw`) and the item as prepared. */
static int new_entry(struct memo_entry **out, rl_hash128 h, const rl_buf *raw, rl_item *it)
{
	struct memo_entry *e = calloc(1, sizeof(*e));
	int error = 0;

	*out = NULL;
	if (e == NULL || (e->raw = malloc(raw->len ? raw->len : 1)) == NULL) {
		free(e);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	memcpy(e->raw, raw->ptr, raw->len);
	e->raw_len = raw->len;
	e->raw_hash = h;
	e->bytes = sizeof(*e) + raw->len;
	for (int k = 0; k < F_COUNT && error == 0; k++) {
		const char *v = *item_field(it, k);
		error = copy_field(&e->f[k], v);
		e->bytes += v ? strlen(v) + 1 : 0;
	}
	if (error < 0) {
		entry_free(e);
		return error;
	}
	*out = e;
	return 0;
}

/* Frees least recently used sources (never `keep`) while over the bound. */
static void evict(struct ingest_memo *m, const struct memo_source *keep)
{
	while (m->bytes > MEMO_MAX_BYTES) {
		struct memo_source *old = NULL;
		for (size_t i = 0; i < m->n; i++)
			if (&m->s[i] != keep && m->s[i].n > 0 && (!old || m->s[i].used < old->used))
				old = &m->s[i];
		if (old == NULL)
			return;
		source_clear(m, old);
	}
}

int ingest_memo_prepare(struct ingest *in)
{
	struct ingest_memo *m = ingest_batch_memo(in->batch);
	rl_item_list *items = &in->items;
	const char *base = in->opts.source_url ? in->opts.source_url : in->config->url;
	rl_normaliser *normaliser = NULL;
	struct memo_source *s;
	struct memo_entry **now = NULL;
	size_t *kept_from = NULL, n = items->n, bytes = 0;
	rl_buf raw = RL_BUF_INIT(SIZE_MAX / 2);
	rl_hash128 ctx;
	int error;

	if (m == NULL)
		return rl_ingest_prepare(items, in->config, &in->opts);
	if ((error = context_hash(&ctx, in->config, base)) < 0)
		goto done;
	if ((s = find_source(m, in->source)) == NULL &&
	    (error = add_source(&s, m, in->source)) < 0)
		goto done;
	if (!rl_hash128_equal(s->ctx, ctx))
		source_clear(m, s);
	s->ctx = ctx;
	s->used = ++m->clock;
	if ((now = calloc(n ? n : 1, sizeof(*now))) == NULL ||
	    (kept_from = calloc(n ? n : 1, sizeof(*kept_from))) == NULL ||
	    (in->memo = calloc(n ? n : 1, sizeof(*in->memo))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		rl_item *it = &items->v[i];
		rl_hash128 h;
		int keyed;
		if ((keyed = raw_key(&raw, it)) < 0) {
			error = keyed;
			goto done;
		}
		if (keyed) {
			h = rl_hash128_bytes(raw.ptr, raw.len);
			if ((now[i] = take(s, h, &raw)) != NULL) {
				bytes += now[i]->bytes;
				if ((error = apply_entry(it, now[i])) < 0)
					goto done;
				continue;
			}
		}
		if (normaliser == NULL) {
			if ((error = rl_normaliser_new(&normaliser,
						       (const char *const *)in->config->ignore.v,
						       in->config->ignore.n)) < 0)
				goto done;
			rl_normaliser_keep_counters(normaliser, in->config->keep_counters);
		}
		if ((error = rl_snapshot_prepare_item(it, normaliser, base)) < 0)
			goto done;
		if (keyed) {
			if ((error = new_entry(&now[i], h, &raw, it)) < 0)
				goto done;
			bytes += now[i]->bytes;
		}
	}
	/* The source's entries are now this snapshot's (those taken) and the
	 * new ones; dropped items' entries stay: their bytes may come again. */
	source_clear(m, s);
	rl_snapshot_drop_repeats(items, kept_from);
	for (size_t k = 0; k < items->n; k++)
		in->memo[k] = now[kept_from[k]];
	for (size_t i = 0; i < n; i++)
		if (now[i]) {
			now[i]->taken = 0;
			now[s->n++] = now[i];
		}
	s->e = now;
	now = NULL;
	qsort(s->e, s->n, sizeof(*s->e), cmp_entry);
	s->bytes = bytes;
	m->bytes += bytes;
	if (bytes > MEMO_MAX_BYTES) {
		/* too big to keep: not even for this snapshot */
		memset(in->memo, 0, items->n * sizeof(*in->memo));
		source_clear(m, s);
	}
	evict(m, s);
done:
	if (now) {
		/* failed midway: what was taken stays the source's */
		for (size_t i = 0; i < n; i++) {
			if (now[i] && now[i]->taken)
				now[i]->taken = 0;
			else
				entry_free(now[i]);
		}
		free(now);
	}
	if (error < 0) {
		free(in->memo);
		in->memo = NULL;
	}
	free(kept_from);
	rl_buf_release(&raw);
	rl_normaliser_free(normaliser);
	return error;
}

int ingest_memo_unchanged(const struct ingest *in, size_t i, int64_t first_seen,
			  rl_hash128 old_hash)
{
	const struct memo_entry *e = in->memo ? in->memo[i] : NULL;
	const rl_item *it = &in->items.v[i];

	return e && e->rendered && it->status == NULL && it->keep == 0 &&
	       e->first_seen == first_seen && strcmp(e->id, it->id) == 0 &&
	       rl_hash128_equal(e->hash, old_hash);
}

void ingest_memo_rendered(struct ingest *in, size_t i)
{
	struct memo_entry *e = in->memo ? in->memo[i] : NULL;
	const rl_item *it = &in->items.v[i];

	if (e == NULL)
		return;
	e->rendered = it->status == NULL && it->keep == 0 && it->id && it->text &&
		      strlen(it->id) < sizeof(e->id);
	if (!e->rendered)
		return;
	memcpy(e->id, it->id, strlen(it->id) + 1);
	e->first_seen = it->first_seen;
	e->hash = it->hash;
}
