/*
 * schedule_internal.h - one source's fetch state to and from its JSON
 * object (schedule.c), for the archive-wide file (schedule_file.c).
 */
#ifndef REDLINE_SCHEDULE_INTERNAL_H
#define REDLINE_SCHEDULE_INTERNAL_H

#include <jansson.h>

#include "redline/schedule.h"

/** A fresh state of `source` (never fetched). */
int schedule_state_new(rl_schedule_state **out, const char *source);

/** Fills a fresh state from its JSON object; whatever is missing, of the
 *  wrong type or out of range is left fresh (the file is a cache). */
void schedule_from_json(rl_schedule_state *state, json_t *object);

/** The JSON object of a state (a new reference), NULL when out of memory. */
json_t *schedule_to_json(const rl_schedule_state *state);

#endif
