/*
 * ingest_list.h - `redline ingest --list FILE`: a backfill of many sources
 * from a list of snapshots, in one process and one bounded group commit
 * (cli-private; the format is docs/man/redline-ingest.md's LIST FORMAT).
 */
#ifndef REDLINE_CLI_INGEST_LIST_H
#define REDLINE_CLI_INGEST_LIST_H

#include "cli.h"
#include "redline/ingest.h"

/* Hard limits of a list: a longer line or a longer list is refused before
 * anything is ingested. */
#define INGEST_LIST_LINE_MAX 8192         /* bytes of a line, without its newline */
#define INGEST_LIST_LINES_MAX 10000000u   /* lines, comments included */
#define INGEST_LIST_SOURCES_MAX 100000u   /* distinct sources */
#define INGEST_LIST_ERRORS_SHOWN 20       /* bad lines printed before a count */

struct ingest_list_args {
	const char *list;  /* the list's path, "-": standard input */
	const char *base;  /* FILE paths are inside this directory; NULL: the list's */
	int new_sources;   /* accept sources the archive does not know */
};

/** Ingests the snapshots `args->list` names into `archive`, in its order,
 *  with `opts` (format, guard, hooks) and `opts->batch`.  The whole list is
 *  checked first: one bad line and nothing is ingested (CLI_USAGE).  Then
 *  CLI_OK, or CLI_ERROR when a snapshot failed (the others are committed).
 *  `*committed` is set when a commit was made. */
int cli_ingest_list(int *committed, rl_archive *archive, const struct ingest_list_args *args,
		    rl_ingest_opts *opts);

/** One snapshot from a file, printed as `ingest` prints it; `where` ("LIST:LINE")
 *  prefixes an error, NULL for none.  CLI_OK or CLI_ERROR (after saying why).
 *  Defined in cmd_ingest.c. */
int cli_ingest_file(int *committed, rl_archive *archive, const char *source, const char *file,
		    rl_ingest_opts *opts, const char *where);

#endif
