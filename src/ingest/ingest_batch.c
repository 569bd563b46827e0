/*
 * ingest_batch.c - the group commit: many snapshots, one pack, one ref move.
 *
 * The snapshots of a batch are classified one after another against the
 * batch's last commit (rl_archive_head() answers with it while the archive
 * batch is open), so the commits are exactly those one-at-a-time ingests
 * would make.  What must not reach the disk before the ref moved is held
 * here: the state of each source the batch touched (lent to the next
 * snapshot of that source), the ids the source saw for the first time, and
 * the hook calls.  Order at commit: pack + fsync + ref move (archive), then
 * the hooks' payloads into the outbox, the ids and state caches, unlock,
 * and then delivery of the outbox in commit order.
 */
#include "ingest_internal.h"
#include "redline/error.h"
#include "redline/hook.h"
#include "redline/revindex.h"
#include "redline/outbox.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_MAX_COMMITS 1000
#define DEFAULT_MAX_BYTES (64u * 1024 * 1024)
#define DEFAULT_MAX_SECONDS 60
#define DEFAULT_LOCK_WAIT_MS 10000

/* A source the batch touched: its state as of the batch's last commit. */
struct pending_source {
	rl_state *state;
	rl_strvec ids, paths; /* first seen in this batch, in order */
	git_oid *commits;     /* its commits in this batch, oldest first */
	size_t n_commits, cap_commits;
};

struct rl_ingest_batch {
	rl_archive *archive;
	rl_ingest_batch_opts opts;
	rl_archive_batch *ab;  /* open from the first snapshot to the commit */
	int locked;
	time_t started;
	struct pending_source *src;
	size_t n_src, cap_src;
	size_t *slots;         /* open addressing over src by name: index + 1, 0 empty */
	size_t n_slots;        /* a power of two, over twice n_src */
	struct hook_call *calls;
	size_t n_calls, cap_calls;
	int hooks_known, hooks_installed, hook_timeout_ms; /* ingest_batch_hooks() */
	struct ingest_memo *memo; /* ingest_memo.c: kept across group commits */
	rl_pool *savers;          /* ingest_save.c: made on first need */
};

int rl_ingest_batch_new(rl_ingest_batch **out, rl_archive *archive,
			const rl_ingest_batch_opts *opts)
{
	rl_ingest_batch *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (b == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	b->archive = archive;
	if (opts)
		b->opts = *opts;
	if (b->opts.max_commits == 0)
		b->opts.max_commits = DEFAULT_MAX_COMMITS;
	if (b->opts.max_bytes == 0)
		b->opts.max_bytes = DEFAULT_MAX_BYTES;
	if (b->opts.max_seconds <= 0)
		b->opts.max_seconds = DEFAULT_MAX_SECONDS;
	*out = b;
	return 0;
}

size_t rl_ingest_batch_pending(const rl_ingest_batch *b)
{
	return b->ab ? rl_archive_batch_count(b->ab) : 0;
}

/* Forgets what the batch held (after a commit, or when dropping it). */
static void batch_reset(rl_ingest_batch *b)
{
	for (size_t i = 0; i < b->n_src; i++) {
		rl_state_free(b->src[i].state);
		rl_strvec_release(&b->src[i].ids);
		rl_strvec_release(&b->src[i].paths);
		free(b->src[i].commits);
	}
	free(b->src);
	b->src = NULL;
	b->n_src = b->cap_src = 0;
	free(b->slots);
	b->slots = NULL;
	b->n_slots = 0;
	for (size_t i = 0; i < b->n_calls; i++)
		ingest_hook_call_clear(&b->calls[i]);
	free(b->calls);
	b->calls = NULL;
	b->n_calls = b->cap_calls = 0;
	rl_archive_batch_free(b->ab);
	b->ab = NULL;
	if (b->locked)
		rl_archive_unlock(b->archive);
	b->locked = 0;
	b->hooks_known = 0;
}

int ingest_batch_hooks(rl_ingest_batch *b, const struct ingest *in, int *timeout_ms)
{
	/* Once a batch: a stat of each hook and a read of the git config for
	 * every commit were most of the hooks' cost when none is installed. */
	if (!b->hooks_known) {
		b->hooks_installed = rl_hook_any_installed(rl_archive_path(b->archive));
		b->hook_timeout_ms = ingest_hook_timeout(in);
		b->hooks_known = 1;
	}
	*timeout_ms = in->opts.hook_timeout_ms > 0 ? in->opts.hook_timeout_ms : b->hook_timeout_ms;
	return b->hooks_installed;
}

void rl_ingest_batch_free(rl_ingest_batch *b)
{
	if (b == NULL)
		return;
	batch_reset(b);
	rl_pool_free(b->savers);
	ingest_memo_free(b->memo);
	free(b);
}

struct ingest_memo *ingest_batch_memo(rl_ingest_batch *b)
{
	if (b->memo == NULL)
		b->memo = ingest_memo_new();
	return b->memo;
}

int ingest_batch_begin(rl_ingest_batch *b, int lock_wait_ms, int *locked_now)
{
	int error;

	*locked_now = 0;
	if (!b->locked) {
		int wait = lock_wait_ms ? lock_wait_ms
					: b->opts.lock_wait_ms ? b->opts.lock_wait_ms
							       : DEFAULT_LOCK_WAIT_MS;
		if ((error = rl_archive_lock(b->archive, wait)) < 0)
			return error;
		b->locked = 1;
		*locked_now = 1;
	}
	if (b->ab == NULL) {
		if ((error = rl_archive_batch_new(&b->ab, b->archive)) < 0)
			return error;
		b->started = time(NULL);
	}
	return 0;
}

static size_t name_hash(const char *s)
{
	size_t h = 14695981039346656037ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* The slot of `source`: its entry's, or the empty one where it would go. */
static size_t *source_slot(rl_ingest_batch *b, const char *source)
{
	size_t mask = b->n_slots - 1, i = name_hash(source) & mask;

	while (b->slots[i] && strcmp(b->src[b->slots[i] - 1].state->source, source) != 0)
		i = (i + 1) & mask;
	return &b->slots[i];
}

/* A cycle of thousands of sources looks each one up at every snapshot: a
 * table, not a scan of the sources the batch touched. */
static struct pending_source *find_source(rl_ingest_batch *b, const char *source)
{
	size_t *slot;

	if (b == NULL || b->n_slots == 0)
		return NULL;
	slot = source_slot(b, source);
	return *slot ? &b->src[*slot - 1] : NULL;
}

/* Adds an empty entry for `state`'s source (not in the batch yet). */
static struct pending_source *add_source(rl_ingest_batch *b, rl_state *state)
{
	struct pending_source *p;

	if (rl_array_grow(&b->src, &b->cap_src, b->n_src, sizeof(*b->src), 16) < 0)
		return NULL;
	if ((b->n_src + 1) * 2 > b->n_slots) {
		size_t n = b->n_slots ? b->n_slots * 2 : 64, *slots = calloc(n, sizeof(*slots));
		if (slots == NULL)
			return NULL;
		free(b->slots);
		b->slots = slots;
		b->n_slots = n;
		for (size_t i = 0; i < b->n_src; i++)
			*source_slot(b, b->src[i].state->source) = i + 1;
	}
	p = &b->src[b->n_src];
	memset(p, 0, sizeof(*p));
	p->state = state;
	*source_slot(b, state->source) = ++b->n_src;
	return p;
}

rl_state *ingest_batch_state(rl_ingest_batch *b, const char *source)
{
	struct pending_source *p = find_source(b, source);
	return p ? p->state : NULL;
}

int ingest_batch_keep(rl_ingest_batch *b, rl_state *state, const char *const *ids,
		      const char *const *paths, size_t n)
{
	struct pending_source *p = find_source(b, state->source);
	int error = 0;

	if (p == NULL) {
		if ((p = add_source(b, state)) == NULL) {
			rl_state_free(state);
			return rl_error_set(RL_ENOMEM, "out of memory");
		}
	} else if (p->state != state) {
		rl_state_free(p->state);
	}
	p->state = state;
	for (size_t i = 0; i < n && error == 0; i++)
		if ((error = rl_strvec_push(&p->ids, ids[i])) == 0)
			error = rl_strvec_push(&p->paths, paths[i]);
	return error;
}

int ingest_batch_add(git_oid *out, size_t *index, rl_ingest_batch *b,
		     const rl_archive_file_update *updates, const rl_item_packed *const *packed,
		     size_t n, const rl_archive_commit_info *info)
{
	*index = rl_archive_batch_count(b->ab);
	return rl_archive_batch_add_packed(out, b->ab, updates, packed, n, info);
}

int ingest_batch_note_commit(rl_ingest_batch *b, const char *source, const git_oid *commit)
{
	struct pending_source *p = find_source(b, source);
	int error;

	if (p == NULL)
		return rl_error_set(RL_EINVAL, "source '%s' is not in the batch", source);
	if ((error = rl_array_grow(&p->commits, &p->cap_commits, p->n_commits, sizeof(*p->commits),
				   4)) < 0)
		return error;
	git_oid_cpy(&p->commits[p->n_commits++], commit);
	return 0;
}

const git_oid *ingest_batch_commits(size_t *n, rl_ingest_batch *b, const char *source)
{
	struct pending_source *p = find_source(b, source);

	*n = p ? p->n_commits : 0;
	return p ? p->commits : NULL;
}

int ingest_batch_queue_hooks(rl_ingest_batch *b, struct hook_call *call)
{
	int error = rl_array_grow(&b->calls, &b->cap_calls, b->n_calls, sizeof(*b->calls), 64);

	if (error < 0) {
		ingest_hook_call_clear(call);
		return error;
	}
	b->calls[b->n_calls++] = *call;
	memset(call, 0, sizeof(*call));
	return 0;
}

int ingest_lookup_known(char **path_out, struct ingest *in, const char *id)
{
	struct pending_source *p = find_source(in->batch, in->source);

	for (size_t i = p ? p->ids.n : 0; i-- > 0;) {
		if (strcmp(p->ids.v[i], id) == 0) {
			if ((*path_out = strdup(p->paths.v[i])) == NULL)
				return rl_error_set(RL_ENOMEM, "out of memory");
			return 0;
		}
	}
	/* A source without a tree at HEAD has no list yet (state.h): no
	 * lookup for each story of a new source's first snapshot. */
	if (git_oid_is_zero(&in->state->tree))
		return RL_ENOTFOUND;
	return rl_state_lookup_known(path_out, in->archive, in->source, id);
}

int ingest_recent_known(rl_strvec *ids, rl_strvec *paths, struct ingest *in, size_t max)
{
	struct pending_source *p = find_source(in->batch, in->source);
	int error = 0;

	/* Newest first: this batch's ids, then the file's tail. */
	for (size_t i = p ? p->ids.n : 0; i-- > 0 && ids->n < max && error == 0;)
		if ((error = rl_strvec_push(ids, p->ids.v[i])) == 0)
			error = rl_strvec_push(paths, p->paths.v[i]);
	if (error == 0 && ids->n < max) {
		rl_strvec more_ids = RL_STRVEC_INIT, more_paths = RL_STRVEC_INIT;
		error = rl_state_recent_known(&more_ids, &more_paths, in->archive, in->source,
					      max - ids->n);
		for (size_t i = 0; i < more_ids.n && error == 0; i++)
			if ((error = rl_strvec_push(ids, more_ids.v[i])) == 0)
				error = rl_strvec_push(paths, more_paths.v[i]);
		rl_strvec_release(&more_ids);
		rl_strvec_release(&more_paths);
	}
	return error;
}

/* Under the lock, right after the ref moved: each commit's payload (or,
 * without hooks, only the fact that it needs none) into the outbox, in
 * order.  A failure here loses no alert: the next writer rebuilds the
 * payloads of the commits after the outbox's last record (outbox.h). */
static void record_hooks(rl_ingest_batch *b, const git_oid *ids, size_t n, const git_oid *base)
{
	git_oid *commits = calloc(b->n_calls + 1, sizeof(*commits));
	const char **payloads = calloc(b->n_calls + 1, sizeof(*payloads));
	size_t k = 0;

	if (commits == NULL || payloads == NULL)
		goto done; /* the next writer's recovery rebuilds them */
	for (size_t i = 0; i < b->n_calls; i++) {
		struct hook_call *call = &b->calls[i];
		if (call->index >= n)
			continue;
		ingest_hook_call_publish(call, &ids[call->index],
					 call->index > 0 ? &ids[call->index - 1] : base);
		git_oid_cpy(&commits[k], &ids[call->index]);
		payloads[k++] = call->payload;
	}
	/* One marker write for the batch, not an fsync for every commit. */
	if (rl_outbox_record_batch(b->archive, commits, payloads, k) < 0)
		rl_error_clear();
done:
	free(commits);
	free(payloads);
}

/* The commits a group commit just published (rl_ingest_batch_commit). */
struct published {
	rl_ingest_batch *b;
	const git_oid *ids;
	size_t n;
	const git_oid *base;
};

/* On the cycle's thread while helpers write the known list and the states
 * (ingest_save.c): the hooks' payloads into the outbox (its fsync), then
 * the revision index, which catches up with the commits just referenced -
 * a failure costs only a catch-up at the next read (it is a cache). */
static void after_ref_move(void *arg)
{
	struct published *p = arg;

	record_hooks(p->b, p->ids, p->n, p->base);
	if (rl_revindex_update(p->b->archive) < 0)
		rl_error_clear();
}

/* The caches, once the ref moved: new ids first, the states last (a crash
 * in between leaves a state that does not describe HEAD, which the next
 * load rebuilds), the outbox and the revision index meanwhile. */
static int save_caches(rl_ingest_batch *b, struct published *p)
{
	rl_state_known *known = NULL;
	rl_state **states = NULL;
	size_t n = 0;
	int error = 0;

	/* the new ids of every source in one append to the archive's list */
	for (size_t i = 0; i < b->n_src; i++)
		n += b->src[i].ids.n;
	if ((n > 0 && (known = calloc(n, sizeof(*known))) == NULL) ||
	    (states = calloc(b->n_src + 1, sizeof(*states))) == NULL) {
		free(known);
		after_ref_move(p);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	n = 0;
	for (size_t i = 0; i < b->n_src; i++) {
		states[i] = b->src[i].state;
		for (size_t k = 0; k < b->src[i].ids.n; k++) {
			known[n].source = b->src[i].state->source;
			known[n].id = b->src[i].ids.v[k];
			known[n++].path = b->src[i].paths.v[k];
		}
	}
	error = ingest_save_states(&b->savers, b->archive, known, n, states, b->n_src,
				   after_ref_move, p);
	for (size_t i = 0; i < b->n_src; i++)
		b->src[i].state = states[i]; /* NULL: saved and freed */
	free(known);
	free(states);
	return error;
}

/* The results of each entry tried, to the caller's callback (with the
 * source for the commits of this batch, NULL for earlier ones still
 * pending) and, for a batch of one, to the snapshot's own result: the last
 * entry tried, which is its own unless an earlier one is stuck. */
static void on_delivered(const git_oid *commit, rl_hook_result results[2], void *userdata)
{
	rl_ingest_batch *b = userdata;
	const char *source = NULL;

	for (size_t i = 0; i < b->n_calls && source == NULL; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, b->calls[i].commit_hex) == 0 && git_oid_equal(&id, commit))
			source = b->calls[i].source;
	}
	if (b->opts.on_hooks)
		b->opts.on_hooks(source, commit, results, b->opts.userdata);
	for (size_t i = 0; i < b->n_calls; i++) {
		rl_ingest_result *r = b->calls[i].result;
		if (r == NULL)
			continue;
		for (int k = 0; k < 2; k++) {
			rl_hook_result_clear(&r->hooks[k]);
			r->hooks[k] = results[k];
			results[k] = (rl_hook_result)RL_HOOK_RESULT_INIT;
		}
		break;
	}
}

/* Unlocked: a slow alert must not hold up the next writer.  Pending
 * entries of earlier commits go first, in order. */
static int deliver_hooks(rl_ingest_batch *b)
{
	rl_outbox_deliver_opts o = { 0 };
	int wanted = 0;

	for (size_t i = 0; i < b->n_calls; i++) {
		wanted |= b->calls[i].payload != NULL;
		if (b->calls[i].timeout_ms > o.timeout_ms)
			o.timeout_ms = b->calls[i].timeout_ms;
	}
	if (!wanted)
		return 0;
	o.on_entry = on_delivered;
	o.userdata = b;
	return rl_outbox_deliver(NULL, NULL, NULL, b->archive, &o);
}

int rl_ingest_batch_commit(rl_ingest_batch *b)
{
	git_oid *ids = NULL, base, *basep = NULL;
	size_t n = rl_ingest_batch_pending(b);
	int error = 0;

	if (b->ab == NULL)
		goto done;
	if ((error = rl_archive_batch_commit(b->ab)) < 0)
		goto done;
	if (n > 0 && (ids = calloc(n, sizeof(*ids))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		rl_archive_batch_commit_id(&ids[i], b->ab, i);
	if (n > 0) {
		git_commit *first = NULL;
		if (git_commit_lookup(&first, rl_archive_repo(b->archive), &ids[0]) == 0 &&
		    git_commit_parentcount(first) > 0) {
			git_oid_cpy(&base, git_commit_parent_id(first, 0));
			basep = &base;
		}
		git_commit_free(first);
	}
	/* The archive batch is over: HEAD reads the ref again. */
	rl_archive_batch_free(b->ab);
	b->ab = NULL;
	/* The commits stand whatever happens next: a cache that cannot be
	 * saved is rebuilt from HEAD by the next load, and the alerts go out. */
	{
		struct published p = { b, ids, n, basep };
		error = save_caches(b, &p);
	}
	if (b->locked)
		rl_archive_unlock(b->archive);
	b->locked = 0;
	if (n > 0 && b->opts.on_flush)
		b->opts.on_flush(b->archive, ids, n, b->opts.userdata);
	if (error < 0) {
		char *why = strdup(rl_error_last());
		deliver_hooks(b);
		rl_error_set(error, "%s", why ? why : "out of memory");
		free(why);
	} else {
		error = deliver_hooks(b);
	}
done:
	free(ids);
	batch_reset(b);
	return error;
}

int ingest_batch_maybe_commit(rl_ingest_batch *b)
{
	if (b->ab == NULL)
		return 0;
	if (rl_archive_batch_count(b->ab) >= b->opts.max_commits ||
	    rl_archive_batch_bytes(b->ab) >= b->opts.max_bytes ||
	    time(NULL) - b->started >= b->opts.max_seconds)
		return rl_ingest_batch_commit(b);
	return 0;
}
