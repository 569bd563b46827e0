/*
 * redline/timeutil.h - ISO 8601 times, as snapshots and trailers carry them,
 * and the monotonic clock deadlines are measured on.
 */
#ifndef REDLINE_TIMEUTIL_H
#define REDLINE_TIMEUTIL_H

#include <stdint.h>

#define RL_TIME_ISO_SIZE 21 /* "2026-11-28T10:00:00Z" and the NUL */

/** Parses "2026-11-28T10:00:00Z", "2026-11-28T11:00:00+01:00", "2026-11-28 10:00",
 *  "2026-11-28T10:00" (UTC) or "2026-11-28" (midnight UTC) into Unix seconds. */
int rl_time_parse_iso8601(int64_t *out, const char *text);

/** Formats Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void rl_time_format_iso8601(char out[RL_TIME_ISO_SIZE], int64_t when);

/** Milliseconds on the monotonic clock (CLOCK_MONOTONIC): for deadlines and
 *  durations, never for dates. */
int64_t rl_time_now_ms(void);

#endif
