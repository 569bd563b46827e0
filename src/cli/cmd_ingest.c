/*
 * cmd_ingest.c - redline ingest SOURCE FILE... : snapshots from files;
 * redline ingest --list FILE : a backfill of many sources (ingest_list.c).
 */
#include "cli.h"
#include "ingest_list.h"
#include "options.h"
#include "redline/capture.h"
#include "redline/buf.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/file.h"
#include "redline/ingest.h"
#include "redline/timeutil.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"redline ingest SOURCE FILE... [--format auto|text|html|rss|atom] [--at TIME]... "
	"[--url URL] [--force] [--allow-empty] [--no-hooks] [--hook-timeout T] [--wait SECONDS]\n"
	"   or: redline ingest --list FILE|- [--base DIR] [--new-sources] [--format F] [--force]\n"
	"       [--allow-empty] [--no-hooks] [--hook-timeout T] [--wait SECONDS]";

static void print_help(void)
{
	printf("usage: %s\n\n"
	       "Takes each FILE (\"-\" for standard input) as one snapshot of SOURCE, in order,\n"
	       "and commits what changed.\n\n"
	       "  --format F   snapshot format (default: the source's, else sniffed)\n"
	       "  --at TIME    snapshot time, ISO 8601 (once for all files, or once per file);\n"
	       "               default: now\n"
	       "  --url URL    the page's URL (Source-URL trailer, resolves relative links)\n"
	       "  --force      accept a snapshot with no stories, or that drops most at once\n"
	       "  --allow-empty  record a page whose main text came out empty (otherwise\n"
	       "               refused, exit 1)\n"
	       "  --no-hooks   do not run the archive's hooks\n"
	       "  --hook-timeout T  time limit of each hook (10s, 1m; default: the archive's\n"
	       "               redline.hook-timeout, else 30s)\n"
	       "  --wait S     wait at most S seconds for another writer (default 10)\n\n"
	       "A backfill of many sources in one process and one group commit:\n"
	       "  --list FILE  take the snapshots FILE lists (\"-\": standard input), one a\n"
	       "               line, in its order: SOURCE<TAB>FILE[<TAB>TIME]; blank lines and\n"
	       "               lines starting with # are skipped.  TIME is ISO 8601 (default:\n"
	       "               now); a source's times must not go back.  The whole list is\n"
	       "               checked first: one bad line (reported as LIST:LINE) and nothing\n"
	       "               is ingested (exit 2).  At most %d bytes a line, %u lines.\n"
	       "  --base DIR   FILE paths are relative to DIR and must stay inside it\n"
	       "               (default: the list's directory; with \"-\", the current one)\n"
	       "  --new-sources  accept sources the archive does not know yet (otherwise a\n"
	       "               source must be added or already ingested: a typo is refused)\n",
	       usage, INGEST_LIST_LINE_MAX, INGEST_LIST_LINES_MAX);
}

static const struct cli_args spec = { usage, print_help, 0, -1, NULL, NULL };

/* What the command line asked for, besides the files. */
struct ingest_args {
	rl_ingest_opts opts;
	int64_t *times;   /* --at, in order */
	size_t n_times;
	struct ingest_list_args list; /* --list, --base, --new-sources */
};

/* --at TIME: one more snapshot time. */
static int parse_at(void *args, const char *text)
{
	struct ingest_args *a = args;
	return rl_time_parse_iso8601(&a->times[a->n_times++], text);
}

/* --hook-timeout T: an interval of at least a second, into milliseconds. */
static int parse_hook_timeout(void *ms, const char *text)
{
	int seconds = 0;

	if (rl_config_parse_interval(&seconds, text) < 0 || seconds <= 0)
		return -1;
	*(int *)ms = seconds * 1000;
	return 0;
}

/* --wait SECONDS: anything but a positive number is 1 ms, no wait. */
static int parse_wait(void *ms, const char *text)
{
	*(int *)ms = atoi(text) > 0 ? atoi(text) * 1000 : 1;
	return 0;
}

/* The options into `args`, as cli_parse_options() does. */
static int parse_options(int *status, struct ingest_args *args, int argc, char **argv,
			 const struct cli *cli)
{
	rl_ingest_opts *opts = &args->opts;
	const struct cli_opt options[] = {
		CLI_CALL("format", 0, &opts->format, cli_opt_format, NULL),
		CLI_CALL("at", 0, args, parse_at, NULL),
		CLI_STRING("url", 0, &opts->source_url),
		CLI_STRING("list", 0, &args->list.list),
		CLI_STRING("base", 0, &args->list.base),
		CLI_FLAG("new-sources", 0, &args->list.new_sources),
		CLI_FLAG("force", 0, &opts->force),
		CLI_FLAG("allow-empty", 0, &opts->allow_empty),
		CLI_FLAG("no-hooks", 0, &opts->no_hooks),
		CLI_CALL("wait", 0, &opts->lock_wait_ms, parse_wait, NULL),
		CLI_CALL("hook-timeout", 0, &opts->hook_timeout_ms, parse_hook_timeout,
			 "bad --hook-timeout"),
		CLI_OPT_END,
	};

	return cli_parse_options(status, argc, argv, options, &spec, cli);
}

int cli_ingest_file(int *committed, rl_archive *archive, const char *source, const char *file,
		    rl_ingest_opts *opts, const char *where)
{
	rl_buf data = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	rl_ingest_result *result = NULL;
	rl_capture *capture = NULL;
	char *origin = NULL;
	int error, status = CLI_OK;

	/* The Source-URL trailer of a file: file:// and its absolute path. */
	if (strcmp(file, "-") != 0) {
		char *abs = realpath(file, NULL);
		if (abs && asprintf(&origin, "file://%s", abs) < 0)
			origin = NULL;
		free(abs);
	}
	opts->origin = origin;
	error = rl_file_read(&data, file);
	/* The file as read, kept as a WARC resource record (docs/evidence.md). */
	if (error == 0)
		error = rl_capture_for_file(&capture, archive, source, NULL, opts->format,
					    opts->source_url ? opts->source_url
					    : origin ? origin : "file:///dev/stdin",
					    opts->time, data.ptr, data.len);
	opts->captures = (const rl_capture *const *)&capture;
	opts->n_captures = capture ? 1 : 0;
	if (error == 0)
		error = rl_ingest(&result, archive, source, data.ptr, data.len, opts);
	opts->captures = NULL;
	opts->n_captures = 0;
	rl_capture_free(capture);
	if (error < 0) {
		fprintf(stderr, "redline: %s%s'%s': %s\n", where ? where : "", where ? ": " : "",
			file, rl_error_last());
		status = CLI_ERROR;
	} else {
		*committed |= result->committed;
		cli_print_ingest_result(source, file, result);
		if (result->warning[0])
			cli_warn("%s", result->warning);
		if (result->n_empty)
			cli_warn("'%s': %zu stor%s recorded with an empty body: no main text "
				 "found in the page", file, result->n_empty,
				 result->n_empty == 1 ? "y" : "ies");
	}
	opts->origin = NULL;
	rl_ingest_result_free(result);
	rl_buf_release(&data);
	free(origin);
	return status;
}

/* Hook output after the group commit, in commit order. */
static void on_hooks(const char *source, const git_oid *commit, const rl_hook_result hooks[2],
		     void *userdata)
{
	(void)source;
	(void)commit;
	(void)userdata;
	cli_print_hooks(hooks);
}

int cmd_ingest(int argc, char **argv, const struct cli *cli)
{
	struct ingest_args args = { 0 };
	rl_archive *archive = NULL;
	rl_ingest_batch *batch = NULL;
	rl_ingest_batch_opts bo = { 0 };
	const char *source;
	int status = CLI_OK, n_files, committed = 0;

	if ((args.times = calloc((size_t)argc + 1, sizeof(*args.times))) == NULL)
		return cli_error("out of memory");
	if (parse_options(&status, &args, argc, argv, cli))
		goto done;
	n_files = argc - optind - 1;
	if (args.list.list) {
		if (argc > optind || args.n_times || args.opts.source_url) {
			status = cli_usage_error(usage, "--list takes no SOURCE, FILE, --at or --url: "
						 "the list names them");
			goto done;
		}
	} else if (args.list.base || args.list.new_sources) {
		status = cli_usage_error(usage, "--base and --new-sources go with --list");
		goto done;
	} else if (n_files < 1) {
		status = cli_usage_error(usage, "need a SOURCE and at least one FILE");
		goto done;
	}
	if (args.n_times > 1 && args.n_times != (size_t)n_files) {
		status = cli_usage_error(usage, "give --at once, or once per FILE (%d)", n_files);
		goto done;
	}
	source = args.list.list ? NULL : argv[optind];
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		goto done;
	/* All the files in one group commit: one pack, one ref move. */
	bo.lock_wait_ms = args.opts.lock_wait_ms;
	bo.on_hooks = on_hooks;
	if (rl_ingest_batch_new(&batch, archive, &bo) < 0) {
		status = cli_fail();
		goto done;
	}
	args.opts.batch = batch;
	if (args.list.list)
		status = cli_ingest_list(&committed, archive, &args.list, &args.opts);
	for (int i = 0; !args.list.list && i < n_files; i++) {
		int64_t now = (int64_t)time(NULL);

		args.opts.time = args.n_times == 0 ? now
						   : args.times[args.n_times == 1 ? 0 : (size_t)i];
		if (cli_ingest_file(&committed, archive, source, argv[optind + 1 + i], &args.opts,
				    NULL) != CLI_OK)
			status = CLI_ERROR;
	}
	if (rl_ingest_batch_commit(batch) < 0) {
		fprintf(stderr, "redline: %s\n", rl_error_last());
		status = status == CLI_USAGE ? status : CLI_ERROR;
	} else {
		if (committed)
			cli_timestamp_batch(archive);
		cli_maintain(archive);
	}
done:
	rl_ingest_batch_free(batch);
	rl_archive_free(archive);
	free(args.times);
	return status;
}
