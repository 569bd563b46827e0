/*
 * cmd_run.c - redline run / watch: fetch the sources, commit what changed.
 */
#include "cli.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/run.h"
#include "redline/shard.h"
#include "redline/config.h"
#include "redline/remote.h"
#include "redline/timeutil.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run_view {
	const struct cli *cli;
	int progress;        /* a one-line display on a terminal */
	int log_lines;       /* watch: one line per event on stderr */
	int timestamps;      /* watch outside systemd */
	size_t done, failed, changes;
	uint64_t bytes;
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

static void log_prefix_to(FILE *out, const struct run_view *v)
{
	if (v->timestamps) {
		char when[RL_TIME_ISO_SIZE];
		rl_time_format_iso8601(when, (int64_t)time(NULL));
		fprintf(out, "%s ", when);
	}
}

static void log_prefix(const struct run_view *v)
{
	log_prefix_to(stderr, v);
}

static void show_progress(const struct run_view *v)
{
	if (!v->progress)
		return;
	fprintf(stderr, "\r\033[K%zu sources done, %.1f MB, %zu changes, %zu errors", v->done,
		(double)v->bytes / 1e6, v->changes, v->failed);
	fflush(stderr);
}

static void clear_progress(const struct run_view *v)
{
	if (v->progress)
		fprintf(stderr, "\r\033[K");
}

static void on_event(const rl_run_event *ev, void *userdata)
{
	struct run_view *v = userdata;

	switch (ev->outcome) {
	case RL_RUN_REQUEST:
		v->bytes += ev->bytes;
		if (v->cli->verbose) {
			clear_progress(v);
			log_prefix(v);
			fprintf(stderr, "%s: GET %s -> %ld, %llu bytes, %.2f s%s%s\n", ev->source, ev->url,
				ev->http_status, (unsigned long long)ev->bytes, ev->seconds,
				ev->message ? ": " : "", ev->message ? ev->message : "");
		}
		break;
	case RL_RUN_FAILED:
		v->done++;
		v->failed++;
		clear_progress(v);
		log_prefix(v);
		fprintf(stderr, "redline: %s: %s\n", ev->source, ev->message ? ev->message : "failed");
		break;
	case RL_RUN_CHANGED:
		v->done++;
		clear_progress(v);
		if (ev->ingest) {
			v->changes += ev->ingest->n_changes;
			if (v->log_lines)
				log_prefix_to(stdout, v); /* the result goes to stdout */
			cli_print_ingest_result(ev->source, NULL, ev->ingest);
			fflush(stdout);
			cli_print_hook_results(ev->ingest);
		}
		break;
	case RL_RUN_UNCHANGED:
	case RL_RUN_NOT_MODIFIED:
		v->done++;
		if (v->log_lines && v->cli->verbose) {
			log_prefix(v);
			fprintf(stderr, "%s: %s\n", ev->source,
				ev->outcome == RL_RUN_NOT_MODIFIED ? "not modified" : "no change");
		}
		break;
	}
	show_progress(v);
}

/* What run and watch share for sharded workers: which sources, and where
 * to push after a cycle (docs/sharding.md). */
struct worker_opts {
	rl_shard shard;
	const char *push;     /* --push REMOTE */
	int no_push;
	char *remote;         /* the remote pushed to, NULL: no push */
	int push_timeout;     /* seconds */
	pid_t push_pid;
	int64_t push_started;
};

#define PUSH_TIMEOUT_DEFAULT 300

/* 1 when the option was one of ours (and consumed), 0 if not, -1 on error. */
static int worker_option(struct worker_opts *w, int c, const char *usage, int *status)
{
	if (c == 'K') {
		if (rl_shard_parse(&w->shard, optarg) < 0) {
			*status = cli_usage_error(usage, "%s", rl_error_last());
			return -1;
		}
		return 1;
	}
	if (c == 'P') {
		w->push = optarg;
		return 1;
	}
	if (c == 'X') {
		w->no_push = 1;
		return 1;
	}
	return 0;
}

/* After the archive is open: the remote to push to and the push timeout. */
static int worker_setup(struct worker_opts *w, rl_archive *archive)
{
	char *timeout = NULL;

	free(w->remote);
	w->remote = NULL;
	w->push_timeout = PUSH_TIMEOUT_DEFAULT;
	if (cli_shard_default(&w->shard, archive) < 0)
		return cli_fail();
	if (w->no_push)
		return CLI_OK;
	if (cli_push_remote(&w->remote, archive, w->push) < 0)
		return cli_fail();
	if (rl_config_get_string(&timeout, archive, "redline.pushTimeout") == 0 && timeout &&
	    rl_config_parse_interval(&w->push_timeout, timeout) < 0)
		w->push_timeout = PUSH_TIMEOUT_DEFAULT;
	rl_error_clear();
	free(timeout);
	return CLI_OK;
}

/* Reaps the push child; one killed for its timeout is recorded as a failed
 * push, so that it backs off like any other. */
static void worker_reap(struct worker_opts *w, rl_archive *archive, int block)
{
	char msg[96];
	int64_t now = cli_test_now();

	if (cli_push_wait(&w->push_pid, w->push_started, w->push_timeout, block) != CLI_PUSH_TIMEOUT)
		return;
	snprintf(msg, sizeof(msg), "push stopped after %d s (redline.pushTimeout)", w->push_timeout);
	if (rl_remote_push_failed(archive, w->remote, now ? now : (int64_t)time(NULL), msg) < 0)
		cli_warn("%s", rl_error_last());
}

/* The cycle's commits have landed: push them, in a child process. */
static void worker_after_cycle(struct worker_opts *w, rl_archive *archive, const struct cli *cli,
			       int block)
{
	if (w->remote == NULL)
		return;
	worker_reap(w, archive, 0);
	if (w->push_pid == 0 && cli_push_start(&w->push_pid, cli, w->remote, &w->shard) == CLI_OK)
		w->push_started = (int64_t)time(NULL);
	if (block)
		worker_reap(w, archive, 1);
}

static int parse_names(const char ***names, int argc, char **argv)
{
	*names = (const char **)(argv + optind);
	return argc - optind;
}

/* SIGINT and SIGTERM end the cycle between two callbacks: the commit in
 * progress finishes, nothing new starts. */
static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cmd_run(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] =
		"redline run [NAME...] [--no-hooks] [--shard K/N] [--push REMOTE | --no-push]";
	static const struct option options[] = {
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "shard", required_argument, NULL, 'K' },
		{ "push", required_argument, NULL, 'P' },
		{ "no-push", no_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_view view = { cli, isatty(STDERR_FILENO), 0, 0, 0, 0, 0, 0 };
	struct worker_opts worker = { 0 };
	rl_run_opts opts = { 0 };
	rl_run_summary summary;
	rl_archive *archive = NULL;
	const char **names;
	int c, n, status = CLI_OK, mine;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if ((mine = worker_option(&worker, c, usage, &status)) != 0) {
			if (mine < 0)
				return status;
		} else if (c == 'N') {
			opts.no_hooks = 1;
		} else if (c == 'h') {
			printf("usage: %s\n\nOne cycle: fetches every due source (or the named ones, due or\n"
			       "not) concurrently, commits what changed, records failures, exits.\n"
			       "--shard K/N: only the sources of shard K (0-based) of N.  Then pushes\n"
			       "main to --push REMOTE (default: redline.pushRemote), if one is set.\n",
			       usage);
			return CLI_OK;
		} else {
			return cli_usage_error(usage, "unknown option");
		}
	}
	n = parse_names(&names, argc, argv);
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if ((status = worker_setup(&worker, archive)) != CLI_OK)
		goto done;
	for (int i = 0; worker.shard.n && i < n; i++) {
		if (!rl_shard_takes(&worker.shard, names[i])) {
			status = cli_usage_error(usage, "source '%s' is on shard %u/%u, not %u/%u",
						 names[i], (unsigned)rl_shard_of(names[i], worker.shard.n),
						 (unsigned)worker.shard.n, (unsigned)worker.shard.k,
						 (unsigned)worker.shard.n);
			goto done;
		}
	}
	opts.shard = &worker.shard;
	opts.names = names;
	opts.n_names = (size_t)n;
	opts.now = cli_test_now();
	opts.on_event = on_event;
	opts.userdata = &view;
	opts.stop = &stop_requested;
	catch_stop_signals();
	if (rl_run_cycle(&summary, archive, &opts) < 0) {
		clear_progress(&view);
		status = cli_fail();
	} else {
		clear_progress(&view);
		if (isatty(STDOUT_FILENO))
			printf("%zu sources: %zu changed, %zu unchanged, %zu failed\n", summary.sources,
			       summary.changed, summary.unchanged, summary.failed);
		if (summary.failed)
			fprintf(stderr, "redline: %zu of %zu sources failed (see 'redline status')\n",
				summary.failed, summary.sources);
	}
	/* Pushed even after a failed cycle: earlier commits may be waiting. */
	worker_after_cycle(&worker, archive, cli, 1);
done:
	free(worker.remote);
	rl_archive_free(archive);
	return status;
}

/* Sleeps up to `seconds`, waking early for a signal. */
static void nap(int64_t seconds)
{
	struct timespec ts = { (time_t)seconds, 0 };
	while (!stop_requested && !reload_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cmd_watch(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] = "redline watch [--no-hooks] [--max-sleep SECONDS] [--shard K/N] "
				    "[--push REMOTE | --no-push]";
	static const struct option options[] = {
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "shard", required_argument, NULL, 'K' },
		{ "push", required_argument, NULL, 'P' },
		{ "no-push", no_argument, NULL, 'X' },
		{ "max-sleep", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_view view = { cli, 0, 1, 0, 0, 0, 0, 0 };
	struct worker_opts worker = { 0 };
	struct sigaction sa;
	rl_run_opts opts = { 0 };
	rl_archive *archive = NULL;
	int c, status = CLI_OK, mine;
	int64_t max_sleep = 60;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if ((mine = worker_option(&worker, c, usage, &status)) != 0) {
			if (mine < 0)
				return status;
		} else if (c == 'N') {
			opts.no_hooks = 1;
		} else if (c == 's') {
			max_sleep = atoi(optarg) > 0 ? atoi(optarg) : 1;
		} else if (c == 'h') {
			printf("usage: %s\n\nRuns forever: each source on its own interval (with jitter),\n"
			       "followed stories on their schedule.  SIGINT/SIGTERM finish the commit in\n"
			       "progress and exit 0; SIGHUP reloads the sources.  --shard K/N: only\n"
			       "the sources of shard K (0-based) of N; after each cycle, main is pushed\n"
			       "to --push REMOTE (default: redline.pushRemote) by a child process.\n",
			       usage);
			return CLI_OK;
		} else {
			return cli_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "too many arguments");
	/* systemd's journal timestamps lines itself. */
	view.timestamps = getenv("INVOCATION_ID") == NULL && getenv("JOURNAL_STREAM") == NULL;
	catch_stop_signals();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	opts.on_event = on_event;
	opts.userdata = &view;
	opts.stop = &stop_requested;
	opts.shard = &worker.shard;
	log_prefix(&view);
	fprintf(stderr, "redline: watching %s (pid %ld)\n", cli->archive_dir, (long)getpid());
	while (!stop_requested) {
		rl_run_summary summary;
		int64_t wait = max_sleep;

		/* The archive and its sources are read afresh every cycle: that is the reload. */
		if ((status = cli_open_archive(&archive, cli)) != CLI_OK ||
		    (status = worker_setup(&worker, archive)) != CLI_OK)
			break;
		if (reload_requested) {
			reload_requested = 0;
			log_prefix(&view);
			fprintf(stderr, "redline: reloading sources\n");
		}
		if (rl_run_cycle(&summary, archive, &opts) < 0) {
			log_prefix(&view);
			fprintf(stderr, "redline: %s\n", rl_error_last());
		}
		worker_after_cycle(&worker, archive, cli, 0);
		if (rl_run_next_due_in(&wait, archive, (int64_t)time(NULL), &worker.shard) < 0 ||
		    wait < 0 || wait > max_sleep)
			wait = max_sleep;
		rl_archive_free(archive);
		archive = NULL;
		if (!stop_requested)
			nap(wait > 0 ? wait : 1);
	}
	rl_archive_free(archive);
	/* A push in flight is let finish (within its timeout): it is cheap to
	 * wait for and saves the next start a retry. */
	cli_push_wait(&worker.push_pid, worker.push_started, worker.push_timeout, 1);
	free(worker.remote);
	log_prefix(&view);
	fprintf(stderr, "redline: stopped\n");
	return status;
}
