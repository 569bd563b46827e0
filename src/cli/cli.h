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
#include <sys/types.h>
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

struct rl_history_item;
/** rl_history_resolve() with messages that help: an unknown name that could
 *  be a source lists the sources.  Prints the error; CLI_OK or CLI_ERROR. */
int cli_resolve_item(struct rl_history_item *item, rl_archive *archive, const char *spec);
/** rl_history_split_rev(), and "ITEM@REV" with a REV that is no revision
 *  is an error saying so (not "no story matches").  CLI_OK or CLI_ERROR. */
int cli_split_rev(char **name, char **rev, rl_archive *archive, const char *spec);

/* Commands, one cmd_<name>.c each. */
int cmd_gc(int argc, char **argv, const struct cli *cli);
int cmd_init(int argc, char **argv, const struct cli *cli);
int cmd_ingest(int argc, char **argv, const struct cli *cli);
int cmd_log(int argc, char **argv, const struct cli *cli);
int cmd_diff(int argc, char **argv, const struct cli *cli);
int cmd_show(int argc, char **argv, const struct cli *cli);
int cmd_feed(int argc, char **argv, const struct cli *cli);
int cmd_site(int argc, char **argv, const struct cli *cli);
int cmd_help(int argc, char **argv, const struct cli *cli);

/** 1 when `name` is a command of the dispatch table. */
int cli_command_exists(const char *name);

/** git_libgit2_init() without parsing the system's CA bundle (tls_defer.c):
 *  for commands that never talk TLS through libgit2. */
int cli_git_init_deferring_cas(void);

/** How many CA bundle parses cli_git_init_deferring_cas() skipped. */
int cli_git_cas_skipped(void);
int cmd_add(int argc, char **argv, const struct cli *cli);
int cmd_sources(int argc, char **argv, const struct cli *cli);
int cmd_rm(int argc, char **argv, const struct cli *cli);
int cmd_run(int argc, char **argv, const struct cli *cli);
int cmd_status(int argc, char **argv, const struct cli *cli);
int cmd_watch(int argc, char **argv, const struct cli *cli);
int cmd_hooks(int argc, char **argv, const struct cli *cli);
int cmd_capture(int argc, char **argv, const struct cli *cli);
int cmd_verify(int argc, char **argv, const struct cli *cli);
int cmd_reextract(int argc, char **argv, const struct cli *cli);
int cmd_timestamp(int argc, char **argv, const struct cli *cli);

/** With redline.tsaUrl set: an RFC 3161 token over the new HEAD (one per
 *  batch of commits); a failure is a warning, the commits stand. */
void cli_timestamp_batch(rl_archive *archive);
/** The same for one commit (a merge's): a token when a TSA is configured. */
void cli_timestamp_commit(rl_archive *archive, const git_oid *commit);
int cmd_push(int argc, char **argv, const struct cli *cli);
int cmd_merge(int argc, char **argv, const struct cli *cli);

struct rl_shard;
/** The remote to push to: `option` if given, else redline.pushRemote, else
 *  NULL in `*out` (no push).  Returns 0 or a negative RL_E*. */
int cli_push_remote(char **out, rl_archive *archive, const char *option);
/* What a push or fetch takes from the environment, as git does: HOME,
 * GIT_SSH_COMMAND, GIT_SSH, SSH_AUTH_SOCK (the library reads no environment). */
struct rl_remote_opts;
void cli_remote_opts(struct rl_remote_opts *ro);
/** REDLINE_NOW as Unix seconds (tests only), 0 when unset. */
int64_t cli_test_now(void);
/** The shard from redline.shard ("K/N") unless `shard` is set already. */
int cli_shard_default(struct rl_shard *shard, rl_archive *archive);
/** Starts `redline -C DIR push --if-due [--shard K/N] REMOTE` as a child. */
int cli_push_start(pid_t *pid, const struct cli *cli, const char *remote,
		   const struct rl_shard *shard);
/** Reaps the push child; kills it once it ran `timeout_seconds` (and returns
 *  CLI_PUSH_TIMEOUT then).  With `block`, waits for it.  Returns its exit
 *  status (0 when still running). */
#define CLI_PUSH_TIMEOUT (-2)
int cli_push_wait(pid_t *pid, int64_t started, int timeout_seconds, int block);

#endif
