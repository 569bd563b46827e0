/*
 * fixtures.h - set-ups shared by several unit suites: an archive in a
 * temporary directory, a file written whole, a generated RSS feed.
 *
 * Compiled into redline_testlib (CMakeLists.txt); the name does not match
 * the test_*.c glob, so it is never taken for a suite of its own.
 */
#ifndef REDLINE_TEST_FIXTURES_H
#define REDLINE_TEST_FIXTURES_H

#include "redline/archive.h"
#include "redline/ingest.h"

#include <git2.h>

/** A fresh archive at `path` = <dir>/a; `state` is its <archive>/redline. */
struct fx_archive {
	char *dir;
	rl_archive *archive;
	char path[4096];
	char state[4096];
};

/** cmocka set-up: a struct fx_archive in *state (-1 when init fails). */
int fx_archive_setup(void **state);
/** cmocka tear-down of fx_archive_setup(): frees it and removes the directory. */
int fx_archive_teardown(void **state);

/** A cmocka test run in a fresh archive of its own. */
#define fx_archive_test(f) cmocka_unit_test_setup_teardown(f, fx_archive_setup, fx_archive_teardown)

/** Writes `text` as the whole of `path` (the test fails when it cannot). */
void fx_write_text(const char *path, const char *text);

/** An RSS feed of stories first..last (guid tag:ex.nl,2026:N, link
 *  https://ex.nl/nieuws/N, title "<word> N"); `version` changes every
 *  description.  The caller frees it. */
char *fx_feed(const char *word, int first, int last, int version);

/** Ingests `data` as one snapshot of `source` at `when` from
 *  "file:///test", hooks off, into `batch` (NULL: a commit of its own) with
 *  source configuration `cfg` (NULL: none); `commit` and `edited` (either
 *  NULL) get the result's commit and its count of edited stories. */
int fx_ingest(git_oid *commit, size_t *edited, rl_archive *archive, rl_ingest_batch *batch,
	      const char *source, const char *data, int64_t when, const struct rl_source_config *cfg);

/** The text stored as the state of `source` (redline/states.log), NUL
 *  ended, malloc'd; NULL when there is none. */
char *fx_stored_state(rl_archive *archive, const char *source);

/** Stores `text` as the state of `source`, as a save would: what a crash,
 *  a foreign writer or a bad disk could leave there.  The test fails when
 *  it cannot. */
void fx_store_state(rl_archive *archive, const char *source, const char *text, size_t len);

#endif
