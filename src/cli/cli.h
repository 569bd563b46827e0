/*
 * cli.h - what the command-line layer shares: the dispatch table's entry
 * type, the global options, and git-style error printing.
 *
 * Exit status: 0 ok, 1 error, 2 usage error.  Errors go to stderr as
 * "redline: <message>".  Only this layer prints or exits.
 */
#ifndef REDLINE_CLI_H
#define REDLINE_CLI_H

#include <stdio.h>
#include "redline/archive.h"

#define CLI_OK 0
#define CLI_ERROR 1
#define CLI_USAGE 2
#define CLI_SOME_FAILED 3 /* run: some of the sources failed */
#define CLI_ALL_FAILED 4  /* run: every source that was due failed */

struct cli {
	const char *archive_dir; /* -C DIR, or "." */
	int color;               /* stdout is a terminal and NO_COLOR is unset */
	int verbose;             /* -v */
};

/* A command gets argv starting at its own name, after the global options. */
typedef int (*cli_command_fn)(int argc, char **argv, const struct cli *cli);

struct cli_command {
	const char *name;
	cli_command_fn fn;
	const char *summary;
};

/** Prints "redline: <rl_error_last()>" and returns 1 (2 for RL_EUSAGE). */
int cli_fail(void);

/** Prints "redline: <fmt...>" and returns 1. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Prints "redline: <fmt...>", then the usage line, and returns 2. */
int cli_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Prints "warning: <fmt...>" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Opens the archive of -C (or "."), printing the error; returns 0 or 1. */
int cli_open_archive(rl_archive **out, const struct cli *cli);

struct rl_ingest_result;
/** Prints what one ingested snapshot changed, as the commit message says it. */
void cli_print_ingest_result(const char *source, const char *file,
			     const struct rl_ingest_result *result);
struct rl_hook_result;
/** Prints the output of a commit's two hooks and warns about those that failed. */
void cli_print_hooks(const struct rl_hook_result *hooks);

/** Rolls packs up when there are too many (between cycles, never inside
 *  one); warns on failure, which loses nothing. */
void cli_maintain(rl_archive *archive);

/* Commands, one cmd_<name>.c each. */
int cmd_gc(int argc, char **argv, const struct cli *cli);
int cmd_init(int argc, char **argv, const struct cli *cli);
int cmd_ingest(int argc, char **argv, const struct cli *cli);
int cmd_log(int argc, char **argv, const struct cli *cli);
int cmd_diff(int argc, char **argv, const struct cli *cli);
int cmd_show(int argc, char **argv, const struct cli *cli);
int cmd_add(int argc, char **argv, const struct cli *cli);
int cmd_sources(int argc, char **argv, const struct cli *cli);
int cmd_rm(int argc, char **argv, const struct cli *cli);
int cmd_run(int argc, char **argv, const struct cli *cli);
int cmd_status(int argc, char **argv, const struct cli *cli);
int cmd_watch(int argc, char **argv, const struct cli *cli);

#endif
