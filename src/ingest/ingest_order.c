/*
 * ingest_order.c - a source's history moves forward only.
 *
 * Re-running an ingest must not add commits: a snapshot of a source that is
 * already in the history (same source, same Snapshot-Time, same
 * Snapshot-XXH3) is a no-op.  A snapshot older than the source's last one
 * that is not in the history is refused: recording it now would put an old
 * version on top as an "edit" and make commit times go backwards, and
 * inserting it in the middle would rewrite every later commit.  (The way to
 * build a history from old snapshots is to ingest them in time order into
 * a new archive.)
 *
 * The source's last snapshot time is kept in its state (state.h), valid
 * with the state's tree; archives made before kept it in
 * redline/state/<source>.time as "<unix time> <source subtree id>", which
 * is still read.  Otherwise the first-parent history is walked (bounded).
 */
#include "ingest_internal.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK_MAX 200000

static int cache_path(char *out, size_t size, rl_archive *archive, const char *source)
{
	const char *dir = rl_archive_state_dir(archive);

	if (dir == NULL)
		return RL_EIO;
	if ((size_t)snprintf(out, size, "%s/state/%s.time", dir, source) >= size)
		return rl_error_set(RL_EINVAL, "source name too long");
	return 0;
}

/* The value of trailer `name` ("Snapshot-Time: ") in a message, into out. */
static int trailer(char *out, size_t size, const char *msg, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = msg; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t len = strcspn(p, "\n");
		if (len > n && strncmp(p, name, n) == 0 && len - n < size) {
			memcpy(out, p + n, len - n);
			out[len - n] = '\0';
			return 1;
		}
	}
	return 0;
}

/* Walks main's first parents over the source's commits, newest first:
 * `visit` returns 1 to stop.  Commits of other sources are skipped. */
static int walk_source(const struct ingest *in,
		       int (*visit)(void *ctx, int64_t when, const char *msg), void *ctx)
{
	git_repository *repo = rl_archive_repo(in->archive);
	size_t slen = strlen(in->source);
	git_oid at;
	int error = rl_archive_head(&at, in->archive);

	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		return 0;
	}
	for (size_t i = 0; error == 0 && i < WALK_MAX; i++) {
		git_commit *c = NULL;
		const char *msg;
		char text[64];
		int64_t when;
		int stop = 0;

		if (git_commit_lookup(&c, repo, &at) < 0)
			return rl_error_set_git(-1, "cannot read the history of '%s'", in->source);
		msg = git_commit_message(c);
		if (strncmp(msg, in->source, slen) == 0 && strncmp(msg + slen, ": ", 2) == 0 &&
		    trailer(text, sizeof(text), msg, "Snapshot-Time: ") &&
		    rl_time_parse_iso8601(&when, text) == 0)
			stop = visit(ctx, when, msg);
		rl_error_clear();
		if (!stop && git_commit_parentcount(c) > 0)
			git_oid_cpy(&at, git_commit_parent_id(c, 0));
		else
			stop = 1;
		git_commit_free(c);
		if (stop)
			break;
	}
	return error;
}

static int take_first(void *ctx, int64_t when, const char *msg)
{
	(void)msg;
	*(int64_t *)ctx = when;
	return 1;
}

/* The source's last snapshot time, or -1 when it has none: from the state
 * (it records the time of the commit that made its tree), else from the
 * .time file of older versions, else a walk.  A source with no subtree at
 * HEAD has never been committed (`rm` keeps a source's history). */
static int last_time(int64_t *out, const struct ingest *in)
{
	char path[4200], hex[GIT_OID_HEXSZ + 1], cached_hex[GIT_OID_HEXSZ + 1];
	rl_buf b = RL_BUF_INIT(256);
	long long t;
	int error;

	*out = -1;
	if (in->state->has_last_time) {
		*out = in->state->last_time;
		return 0;
	}
	if (git_oid_is_zero(&in->state->tree))
		return 0;
	if ((error = cache_path(path, sizeof(path), in->archive, in->source)) < 0)
		return error;
	git_oid_tostr(hex, sizeof(hex), &in->state->tree);
	if (rl_file_read(&b, path) == 0 && sscanf(b.ptr, "%lld %40s", &t, cached_hex) == 2 &&
	    strcmp(hex, cached_hex) == 0) {
		*out = (int64_t)t;
		rl_buf_release(&b);
		return 0;
	}
	rl_error_clear();
	rl_buf_release(&b);
	return walk_source(in, take_first, out);
}

struct find {
	int64_t when;
	char hash[RL_HASH_HEX_SIZE];
	int found;
};

static int find_same(void *ctx, int64_t when, const char *msg)
{
	struct find *f = ctx;
	char hex[64];

	if (when == f->when && trailer(hex, sizeof(hex), msg, "Snapshot-XXH3: ") &&
	    strcmp(hex, f->hash) == 0)
		f->found = 1;
	return f->found || when < f->when; /* the source's history is in time order */
}

int ingest_check_order(struct ingest *in, int *already)
{
	struct find f = { in->opts.time, "", 0 };
	char when[RL_TIME_ISO_SIZE], last_iso[RL_TIME_ISO_SIZE];
	int64_t last;
	int error;

	*already = 0;
	if ((error = last_time(&last, in)) < 0 || last < 0 || in->opts.time >= last)
		return error;
	if (in->have_snapshot_hash) {
		rl_hash128_hex(f.hash, in->snapshot_hash);
		if ((error = walk_source(in, find_same, &f)) < 0)
			return error;
		if (f.found) {
			*already = 1;
			return 0;
		}
	}
	rl_time_format_iso8601(when, in->opts.time);
	rl_time_format_iso8601(last_iso, last);
	return rl_error_set(RL_EINVAL,
			    "snapshot of '%s' at %s is older than its last one (%s) and not in "
			    "its history; refusing to record the past on top of the present "
			    "(to build a history from old snapshots, ingest them in time order "
			    "into a new archive)",
			    in->source, when, last_iso);
}
