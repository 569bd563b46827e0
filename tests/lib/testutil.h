/*
 * testutil.h - helpers shared by the unit suites (cmocka).
 */
#ifndef REDLINE_TESTUTIL_H
#define REDLINE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/** A fresh temporary directory (removed by tu_rmtree); never NULL. */
char *tu_tmpdir(void);
/** rm -rf, for directories made by tu_tmpdir. */
void tu_rmtree(const char *path);
/** Runs a shell command, returns its exit status; output captured into *out if out != NULL. */
int tu_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** tu_sh() that fails the test (with the output) unless the command exits
 *  0; its output, valid until the next call. */
const char *tu_sh_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** The tree id (40 hex) `git write-tree` makes of the files listed in
 *  `dir`/index-info ("100644 <blob id>\t<path>" lines), in a scratch bare
 *  repository under `dir`: what git itself would commit.  Valid until the
 *  next tu_sh_ok(). */
const char *tu_git_write_tree(const char *dir);
/** Path of a file of the shared corpus ($REDLINE_SHARED_DIR/<rel>), or NULL
 *  when it is not there (the test then calls tu_skip()). Caller frees. */
char *tu_shared_path(const char *rel);
/** Reads a whole file (test data), NULL when missing. */
char *tu_read_file(const char *path, size_t *len);
/** Calls fn(ctx, page) for every text file (no NUL byte) under 2 MiB of the
 *  shared corpus, by path; the number of files read.  Skips the test
 *  (tu_skip) when there is no corpus. */
size_t tu_corpus_each(void (*fn)(void *ctx, const char *page), void *ctx);
/** Calls fn(ctx, link) for the value of every href=, src=, action= and
 *  HREF= attribute of every page tu_corpus_each() reads, "&amp;" decoded
 *  (up to 2 KiB); the number of files read. */
size_t tu_corpus_links(void (*fn)(void *ctx, const char *link), void *ctx);

/* Skips are visible and CI refuses them.  A test that cannot run here (no
 * test server, no ../shared corpus, no jq) calls tu_skip() instead of
 * cmocka's skip(): the suite then exits TU_EXIT_SKIPPED, which ctest shows
 * as "Skipped" (SKIP_RETURN_CODE), and under REDLINE_REQUIRE_ALL=1 (what
 * scripts/test.sh sets, so CI) the skip fails the test instead. */
#define TU_EXIT_SKIPPED 77

/** Records a skip at file:line; 1 when REDLINE_REQUIRE_ALL=1 forbids it. */
int tu_skip_note(const char *file, int line);

#define tu_skip()                                                                      \
	do {                                                                           \
		if (tu_skip_note(__FILE__, __LINE__))                                  \
			fail_msg("%s:%d would skip, but REDLINE_REQUIRE_ALL=1 wants every " \
				 "test to run",                                        \
				 __FILE__, __LINE__);                                  \
		skip();                                                                \
	} while (0)

/** The suite's exit status: cmocka's `failed` count, or TU_EXIT_SKIPPED when
 *  nothing failed but something skipped. */
int tu_exit(int failed);

/** cmocka_run_group_tests() whose skips ctest sees. */
#define tu_run_group_tests(tests, setup, teardown) \
	tu_exit(cmocka_run_group_tests(tests, setup, teardown))

#endif
