/*
 * state_json_internal.h - the text of a state cache (state_json.c), shared
 * with state.c, which loads and saves it.  Private to the archive module.
 */
#ifndef REDLINE_STATE_JSON_INTERNAL_H
#define REDLINE_STATE_JSON_INTERNAL_H

#include "redline/buf.h"
#include "redline/state.h"

/* 2: with "sum" (1 was written by temporary file and rename) */
#define RL_STATE_JSON_VERSION 2

/** Appends the JSON object of `state` to `out`: the bytes
 *  json_dumps(JSON_COMPACT) gave for the jansson tree rl_state_save()
 *  built ("known": the known list's "<inode>:<length>", NULL for none). */
int state_json_render(rl_buf *out, const rl_state *state, const char *known);

#endif
