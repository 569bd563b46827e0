/*
 * cmd_run.c - redline run: one cycle over the due (or named) sources, then exit.
 */
#include "cli.h"
#include "run_view.h"
#include "redline/error.h"
#include "redline/run.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int parse_names(const char ***names, int argc, char **argv)
{
	*names = (const char **)(argv + optind);
	return argc - optind;
}

/* REDLINE_NOW=<unix seconds>: for tests only, so that follow-up checks due
 * in 15 minutes can be tested without waiting.  Not for production: the
 * schedule, the backoff and the commit times all follow it. */
static int64_t test_now(void)
{
	const char *v = getenv("REDLINE_NOW");
	char *end;
	long long t;

	if (v == NULL || *v == '\0')
		return 0;
	t = strtoll(v, &end, 10);
	return *end == '\0' && t > 0 ? (int64_t)t : 0;
}

/* For cron: 0 when every source that ran is fine (or none was due), 3 when
 * some failed, 4 when every one failed (docs/man/redline-run.md). */
static int run_exit_status(const rl_run_summary *s)
{
	if (s->failed == 0)
		return CLI_OK;
	return s->failed >= s->sources ? CLI_ALL_FAILED : CLI_SOME_FAILED;
}

int cmd_run(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] = "redline run [NAME...] [--no-hooks] [--threads N]";
	static const struct option options[] = {
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_view view = { cli, isatty(STDERR_FILENO), 0, 0, 0, 0, 0, 0 };
	rl_run_opts opts = { 0 };
	rl_run_env env;
	rl_run_summary summary;
	rl_archive *archive = NULL;
	const char **names;
	int c, n, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'N') {
			opts.no_hooks = 1;
		} else if (c == 'j') {
			if ((opts.parse_threads = run_view_parse_threads(optarg)) < 0)
				return cli_usage_error(usage, "bad --threads '%s'", optarg);
		} else if (c == 'h') {
			printf("usage: %s\n\nOne cycle: fetches every due source (or the named ones, due or\n"
			       "not) concurrently, commits what changed, records failures, exits.\n"
			       "Exit status: 0 all fine, 3 some sources failed, 4 every one failed,\n"
			       "1 the cycle could not run.\n", usage);
			return CLI_OK;
		} else {
			return cli_usage_error(usage, "unknown option");
		}
	}
	n = parse_names(&names, argc, argv);
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	opts.names = names;
	opts.n_names = (size_t)n;
	opts.now = test_now();
	opts.unconditional = run_view_unconditional();
	run_view_read_env(&env);
	opts.env = &env;
	opts.on_event = run_view_on_event;
	opts.on_hooks = run_view_on_hooks;
	opts.userdata = &view;
	opts.stop = &run_view_stop_requested;
	run_view_catch_stop_signals();
	if (rl_run_cycle(&summary, archive, &opts) < 0) {
		run_view_clear_progress(&view);
		status = cli_fail();
	} else {
		run_view_clear_progress(&view);
		cli_maintain(archive); /* between cycles: never inside the group commit */
		if (isatty(STDOUT_FILENO))
			printf("%zu sources: %zu changed, %zu unchanged, %zu failed\n", summary.sources,
			       summary.changed, summary.unchanged, summary.failed);
		if (summary.failed)
			fprintf(stderr, "redline: %zu of %zu sources failed (see 'redline status')\n",
				summary.failed, summary.sources);
		status = run_exit_status(&summary);
	}
	rl_archive_free(archive);
	return status;
}
