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
/** Path of a file of the shared corpus ($REDLINE_SHARED_DIR/<rel>), or NULL
 *  when it is not there (the test then calls skip()). Caller frees. */
char *tu_shared_path(const char *rel);
/** Reads a whole file (test data), NULL when missing. */
char *tu_read_file(const char *path, size_t *len);

#endif
