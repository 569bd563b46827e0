/*
 * cmd_watch.c - redline watch: run cycles forever, each source on its own
 * interval; SIGINT/SIGTERM stop after the commit in progress, SIGHUP reloads.
 */
#include "cli.h"
#include "run_view.h"
#include "run_worker.h"
#include "redline/error.h"
#include "redline/run.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t reload_requested;

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* Sleeps up to `seconds`, waking early for a signal. */
static void nap(int64_t seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };
	while (!run_view_stop_requested && !reload_requested && nanosleep(&ts, &ts) < 0 &&
	       errno == EINTR)
		;
}

int cmd_watch(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] = "redline watch [--no-hooks] [--max-sleep SECONDS] [--threads N] [--shard K/N] "
				    "[--push REMOTE | --no-push]";
	static const struct option options[] = {
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "threads", required_argument, NULL, 'j' },
		RUN_WORKER_OPTIONS,
		{ "max-sleep", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_view view = { cli, 0, 1, 0, 0, 0, 0, 0 };
	struct sigaction sa;
	struct run_worker worker = { 0 };
	rl_run_opts opts = { 0 };
	rl_run_env env;
	rl_archive *archive = NULL;
	int c, status = CLI_OK, mine;
	int64_t max_sleep = 60;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if ((mine = run_worker_option(&worker, c, usage, &status)) != 0) {
			if (mine < 0)
				return status;
		} else if (c == 'N') {
			opts.no_hooks = 1;
		} else if (c == 'j') {
			if ((opts.parse_threads = run_view_parse_threads(optarg)) < 0)
				return cli_usage_error(usage, "bad --threads '%s'", optarg);
		} else if (c == 's') {
			max_sleep = atoi(optarg) > 0 ? atoi(optarg) : 1;
		} else if (c == 'h') {
			printf("usage: %s\n\nRuns forever: each source on its own interval (with jitter),\n"
			       "followed stories on their schedule.  SIGINT/SIGTERM finish the commit in\n"
			       "progress and exit 0; SIGHUP reloads the sources.\n\n"
			       "   --no-hooks           do not run the archive's hooks\n"
			       "   --max-sleep SECONDS  wake at least this often to look for work\n"
			       "   --threads N          parse responses on N threads (default: one per core)\n"
			       "   --shard K/N          only the sources of shard K (0-based) of N\n"
			       "   --push REMOTE        after each cycle, push main to REMOTE (default:\n"
			       "                        redline.pushRemote) from a child process\n"
			       "   --no-push            do not push\n", usage);
			return CLI_OK;
		} else {
			return cli_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "too many arguments");
	/* systemd's journal timestamps lines itself. */
	view.timestamps = getenv("INVOCATION_ID") == NULL && getenv("JOURNAL_STREAM") == NULL;
	run_view_catch_stop_signals();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	opts.unconditional = run_view_unconditional();
	run_view_read_env(&env);
	opts.env = &env;
	opts.on_event = run_view_on_event;
	opts.on_hooks = run_view_on_hooks;
	opts.userdata = &view;
	opts.stop = &run_view_stop_requested;
	opts.shard = &worker.shard;
	run_view_log_prefix(&view);
	fprintf(stderr, "redline: watching %s (pid %ld)\n", cli->archive_dir, (long)getpid());
	while (!run_view_stop_requested) {
		rl_run_summary summary;
		int64_t wait = max_sleep;

		/* The archive and its sources are read afresh every cycle: that is the reload. */
		if ((status = cli_open_archive(&archive, cli)) != CLI_OK ||
		    (status = run_worker_setup(&worker, archive)) != CLI_OK)
			break;
		if (reload_requested) {
			reload_requested = 0;
			run_view_log_prefix(&view);
			fprintf(stderr, "redline: reloading sources\n");
		}
		if (rl_run_cycle(&summary, archive, &opts) < 0) {
			run_view_log_prefix(&view);
			fprintf(stderr, "redline: %s\n", rl_error_last());
		} else if (summary.changed) {
			cli_timestamp_batch(archive);
		}
		run_worker_after_cycle(&worker, archive, cli, 0);
		if (rl_run_next_due_in(&wait, archive, (int64_t)time(NULL), &worker.shard) < 0 ||
		    wait < 0 || wait > max_sleep)
			wait = max_sleep;
		/* Idle until the next source is due: time for pack maintenance. */
		if (wait > 0 && !run_view_stop_requested)
			cli_maintain(archive);
		rl_archive_free(archive);
		archive = NULL;
		if (!run_view_stop_requested)
			nap(wait > 0 ? wait : 1);
	}
	rl_archive_free(archive);
	/* A push in flight may finish (within its timeout): it saves a retry. */
	run_worker_finish(&worker);
	run_view_log_prefix(&view);
	fprintf(stderr, "redline: stopped\n");
	return status;
}
