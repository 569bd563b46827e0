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

static const char usage[] = "redline watch [--no-hooks] [--max-sleep SECONDS] [--threads N] [--shard K/N] "
			    "[--push REMOTE | --no-push]";

static void help(void)
{
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
}

static const struct cli_args args = { usage, help, 0, 0, NULL, NULL };

/* --max-sleep SECONDS: anything but a positive number is 1 second. */
static int parse_max_sleep(void *seconds, const char *text)
{
	*(int64_t *)seconds = atoi(text) > 0 ? atoi(text) : 1;
	return 0;
}

int cmd_watch(int argc, char **argv, const struct cli *cli)
{
	struct run_view view = { cli, 0, 1, 0, 0, 0, 0, 0 };
	struct sigaction sa;
	struct run_worker worker = { 0 };
	rl_run_opts opts = { 0 };
	rl_run_env env;
	rl_archive *archive = NULL;
	int status = CLI_OK, netrc;
	int64_t max_sleep = 60;
	const struct cli_opt options[] = {
		RUN_WORKER_OPTIONS(&worker, &opts),
		CLI_CALL("max-sleep", 0, &max_sleep, parse_max_sleep, NULL),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	/* systemd's journal timestamps lines itself. */
	view.timestamps = getenv("INVOCATION_ID") == NULL && getenv("JOURNAL_STREAM") == NULL;
	run_view_catch_stop_signals();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	run_view_setup_opts(&opts, &env, &view);
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
		if ((netrc = run_view_netrc_refresh(&env)) != 0) {
			run_view_log_prefix(&view);
			fprintf(stderr, "redline: %s\n", netrc > 0 ? "~/.netrc is new or changed: its "
				"logins count from this cycle on" : "~/.netrc is gone: no logins from it");
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
