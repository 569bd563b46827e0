/*
 * redline/fetchlog.h - a durable log of every fetch, changed or not.
 *
 * "The page still said this at 14:00" is evidence too, but a commit per
 * unchanged fetch would bury the news.  So each fetch of a source appends
 * one line to the fetch log of its UTC day, shared by all sources,
 * <gitdir>/redline/fetchlog/day/YYYY-MM-DD.log:
 *
 *   2026-11-30T14:00:00Z news 304 not-modified 0689b10c912481749b06232e54906c68 -
 *
 * time, source, HTTP status (0: no answer), outcome (changed, unchanged,
 * not-modified, failed), the XXH3-128 of the page version the archive holds
 * after the fetch (the Snapshot-XXH3 of the commit that has it; "-" when
 * none yet), and the commit made ("-" when none).  Six fields; a source
 * name (a-z 0-9 . _ -) holds no space, so a line always splits the same way.
 * About 95 bytes a fetch.  Lines are appended with O_APPEND, one write()
 * each, through the cycle's append set, which fdatasyncs the files it
 * wrote at the cycle's end: a crash loses at most the cycle in flight.
 *
 * Archives made before day files kept one log per source,
 * <gitdir>/redline/fetchlog/SOURCE.log, with the same line without the
 * source (five fields).  Those files are never written again nor removed;
 * the readers merge them with the day files in time order.
 */
#ifndef REDLINE_FETCHLOG_H
#define REDLINE_FETCHLOG_H

#include <stddef.h>
#include <stdint.h>

#include "redline/appendset.h"
#include "redline/archive.h"

/** The longest per-source log (the old layout) read back; a longer one is
 *  RL_ETOOBIG. */
#define RL_FETCHLOG_READ_MAX (32u * 1024 * 1024)
/** The largest day file read back (10,000 sources fetched every 5 minutes
 *  write ~280 MB a day); a larger one is RL_ETOOBIG. */
#define RL_FETCHLOG_DAY_MAX (1024ull * 1024 * 1024)
/** The longest line: a longer one is malformed (a real one is < 200). */
#define RL_FETCHLOG_LINE_MAX 512
/** The most entries rl_fetchlog_read() returns before RL_ETOOBIG. */
#define RL_FETCHLOG_ENTRIES_MAX (4u * 1024 * 1024)

typedef struct rl_fetchlog_entry {
	int64_t time;
	long status;
	char outcome[16];
	char version[33];   /* XXH3-128 hex, or "-" */
	char commit[41];    /* hex, or "-" */
} rl_fetchlog_entry;

/** Appends one line for `source` to the day file of entry->time through
 *  `set` (not yet synced: rl_appendset_sync() at the cycle's end). */
int rl_fetchlog_append(rl_appendset *set, rl_archive *archive, const char *source,
		       const rl_fetchlog_entry *entry);

/** Reads the fetches of one source at or after `since` (0: all), oldest
 *  first; `*out` is the caller's (free()).  Day files of days before
 *  `since` are not opened.  Malformed lines of the source's old log and
 *  lines of the day files that are not fetch-log lines at all are counted
 *  in `*bad` (may be NULL).  A source never fetched gives 0 entries. */
int rl_fetchlog_read(rl_fetchlog_entry **out, size_t *n, size_t *bad, rl_archive *archive,
		     const char *source, int64_t since);

/** Called for every fetch logged; `source` is the line's source.  `entry`
 *  NULL: a malformed line (source NULL when it names none).  Nonzero stops. */
typedef int (*rl_fetchlog_cb)(const char *source, const rl_fetchlog_entry *entry, void *payload);

/** Every fetch of every source, each file read once: first the old
 *  per-source logs of `sources` (each in its order), then the day files,
 *  oldest day first, each line in the order it was appended. */
int rl_fetchlog_scan(rl_archive *archive, const char *const *sources, size_t n_sources,
		     rl_fetchlog_cb cb, void *payload);

#endif
