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

/** Where an archive keeps its timestamp tokens (RL_TIMESTAMP_NOTES_REF of
 *  evidence.h, a layer this one does not see). */
#define RL_MERGE_NOTES_REF "refs/notes/timestamps"
/** Where the central repository keeps a worker's notes beside its branch:
 *  refs/heads/shards/NAME's go to refs/notes/shards/NAME. */
#define RL_MERGE_SHARD_NOTES_PREFIX "refs/notes/shards/"

typedef struct rl_notes_merge_result {
	int merged;       /* 1: target_ref moved to `commit` */
	git_oid commit;
	size_t sources;   /* source refs with notes the target did not hold yet */
	size_t added;     /* notes on commits the target had none for */
	size_t conflicts; /* commits both sides annotated differently: the target's kept */
} rl_notes_merge_result;

/** Unites into the notes ref `target_ref` the notes of every ref under
 *  `sources_prefix` and of `extra_ref` (NULL: none; either may be absent)
 *  whose tip target_ref does not contain yet: one commit whose parents are
 *  target_ref's tip and those tips, whose tree holds every note of them
 *  (target_ref's own note wins for a commit annotated twice).  target_ref
 *  moves by compare-and-swap.  Nothing is written when no source is new. */
int rl_merge_notes(rl_notes_merge_result *out, rl_archive *archive, const char *target_ref,
		   const char *sources_prefix, const char *extra_ref);

#endif
