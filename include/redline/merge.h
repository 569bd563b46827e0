/*
 * redline/merge.h - many shard branches into one `main`, by tree union.
 *
 * Each worker of a sharded deployment commits only the sources of its shard
 * and pushes them to a branch of its own (refs/heads/shards/K-of-N).  A merge
 * makes one commit on `main` whose parents are main and every shard tip that
 * main does not contain yet, and whose tree is main's tree with, for each
 * such tip, the top-level entries the tip changed since its merge base with
 * main.  Source directories are disjoint between shards, so this is a union
 * of trees built with libgit2: no file is ever merged as text.
 *
 * The rule for a top-level entry (a source directory, or a shared file such
 * as .gitattributes): the tips that changed it must agree on its new value,
 * and main must not have moved it away from the tips' base meanwhile;
 * otherwise two shards are writing one source, which is an error that names
 * the entry and writes nothing.  Identical values (every shard writes the
 * same .gitattributes) are not a conflict.
 */
#ifndef REDLINE_MERGE_H
#define REDLINE_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"

/** At most this many tips are merged in one commit (the rest: next merge). */
#define RL_MERGE_MAX_TIPS 1024

typedef struct rl_merge_opts {
	const char *tips_prefix; /* tips: refs under this prefix ("refs/heads/shards/") */
	const char *base_ref;    /* main as it is now (NULL: target_ref) */
	const char *target_ref;  /* the ref moved to the merge ("refs/heads/main") */
	int64_t time;            /* the merge commit's time (0: now) */
} rl_merge_opts;

typedef struct rl_merge_result {
	int merged;         /* 1: a merge commit was made; 0: main had every tip */
	git_oid commit;     /* the new tip of target_ref (when merged) */
	size_t tips;        /* tips merged now */
	size_t entries;     /* top-level entries (sources) taken from them */
} rl_merge_result;

/** Merges the new tips under opts->tips_prefix into opts->base_ref and sets
 *  opts->target_ref to the merge commit (compare-and-swap on its old value).
 *  A conflict is RL_EEXISTS with a message naming the source and the tips;
 *  nothing is written then.  The caller holds the archive's writer lock. */
int rl_merge_tips(rl_merge_result *out, rl_archive *archive, const rl_merge_opts *opts);

#endif
