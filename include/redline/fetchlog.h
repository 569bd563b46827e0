/*
 * redline/fetchlog.h - a durable log of every fetch, changed or not.
 *
 * "The page still said this at 14:00" is evidence too, but a commit per
 * unchanged fetch would bury the news.  So each fetch of a source appends
 * one line to <gitdir>/redline/fetchlog/<source>.log:
 *
 *   2026-11-30T14:00:00Z 304 not-modified 0689b10c912481749b06232e54906c68 -
 *
 * time, HTTP status (0: no answer), outcome (changed, unchanged,
 * not-modified, failed), the XXH3-128 of the page version the archive holds
 * after the fetch (the Snapshot-XXH3 of the commit that has it; "-" when
 * none yet), and the commit made ("-" when none).  About 90 bytes a fetch.
 * Lines are appended with O_APPEND and flushed to disk once per cycle
 * (rl_fetchlog_sync): a crash loses at most the cycle in flight.
 */
#ifndef REDLINE_FETCHLOG_H
#define REDLINE_FETCHLOG_H

#include <stddef.h>
#include <stdint.h>

#include "redline/archive.h"

/** The longest log read back; a longer one is RL_ETOOBIG. */
#define RL_FETCHLOG_READ_MAX (32u * 1024 * 1024)

typedef struct rl_fetchlog_entry {
	int64_t time;
	long status;
	char outcome[16];
	char version[33];   /* XXH3-128 hex, or "-" */
	char commit[41];    /* hex, or "-" */
} rl_fetchlog_entry;

/** Appends one line (not yet fsynced) to the source's log. */
int rl_fetchlog_append(rl_archive *archive, const char *source, const rl_fetchlog_entry *entry);

/** Flushes what was appended to disk — the fetch logs and the local WARC
 *  files of the cycle alike (one syncfs of the archive's file system). */
int rl_fetchlog_sync(rl_archive *archive);

/** Reads the source's log, oldest first; `*out` is the caller's (free()).
 *  Malformed lines are skipped and counted in `*bad` (may be NULL).  A
 *  source never fetched gives 0 entries. */
int rl_fetchlog_read(rl_fetchlog_entry **out, size_t *n, size_t *bad, rl_archive *archive,
		     const char *source);

#endif
