/*
 * ingest_internal.h - what the pipeline's files share (not a public header).
 */
#ifndef REDLINE_INGEST_INTERNAL_H
#define REDLINE_INGEST_INTERNAL_H

#include "redline/buf.h"
#include "redline/config.h"
#include "redline/ingest.h"
#include "redline/item.h"
#include "redline/state.h"
#include "redline/story.h"

struct ingest {
	rl_archive *archive;
	const char *source;
	rl_ingest_opts opts;
	const rl_source_config *config; /* opts.config, or owned_config */
	rl_source_config *owned_config;
	rl_state *state;           /* the page before this snapshot */
	rl_item_list items;        /* the page now, in order */
	rl_hash128 snapshot_hash;
	int have_snapshot_hash;    /* known: raw bytes given, or opts.snapshot_hash */
	int from_raw;              /* the snapshot came as bytes (rl_ingest) */
	rl_ingest_result *result;
};

/** Gives every item its id (ingest_identity.c). */
int ingest_assign_ids(struct ingest *in);

/** Reads a story file as of HEAD into `out` (replacing its contents). */
int ingest_read_story(struct ingest *in, rl_buf *out, const char *path);

/** Commits the changes in in->result (if any) and saves the new state. */
int ingest_commit(struct ingest *in);

/** Fills c->figures with the figures that changed between two story files. */
int ingest_figures(rl_change *c, const char *old_text, const char *new_text);

/** Runs post-snapshot (with the JSON payload) and post-commit. */
int ingest_run_hooks(struct ingest *in);

#endif
