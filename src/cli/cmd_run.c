/*
 * cmd_run.c - redline run / watch: fetch the sources, commit what changed.
 */
#include "cli.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/run.h"
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

/* After the cycle's group commit, in commit order. */
static void on_hooks(const char *source, const git_oid *commit, const rl_hook_result hooks[2],
		     void *userdata)
{
	(void)source;
	(void)commit;
	(void)userdata;
	cli_print_hooks(hooks);
}

/* --threads N: parsing threads, 1-64 (default: one per core). */
static int parse_threads(const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	return *end == '\0' && n >= 1 && n <= 64 ? (int)n : -1;
}

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
	static const char usage[] = "redline run [NAME...] [--no-hooks] [--threads N]";
	static const struct option options[] = {
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_view view = { cli, isatty(STDERR_FILENO), 0, 0, 0, 0, 0, 0 };
	rl_run_opts opts = { 0 };
	rl_run_summary summary;
	rl_archive *archive = NULL;
	const char **names;
	int c, n, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'N') {
			opts.no_hooks = 1;
		} else if (c == 'j') {
			if ((opts.parse_threads = parse_threads(optarg)) < 0)
				return cli_usage_error(usage, "bad --threads '%s'", optarg);
		} else if (c == 'h') {
			printf("usage: %s\n\nOne cycle: fetches every due source (or the named ones, due or\n"
			       "not) concurrently, commits what changed, records failures, exits.\n", usage);
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
	opts.on_event = on_event;
	opts.on_hooks = on_hooks;
	opts.userdata = &view;
	opts.stop = &stop_requested;
	catch_stop_signals();
	if (rl_run_cycle(&summary, archive, &opts) < 0) {
		clear_progress(&view);
		status = cli_fail();
	} else {
		cli_maintain(archive);
		clear_progress(&view);
		if (isatty(STDOUT_FILENO))
			printf("%zu sources: %zu changed, %zu unchanged, %zu failed\n", summary.sources,
			       summary.changed, summary.unchanged, summary.failed);
		if (summary.failed)
			fprintf(stderr, "redline: %zu of %zu sources failed (see 'redline status')\n",
				summary.failed, summary.sources);
	}
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
	static const char usage[] = "redline watch [--no-hooks] [--max-sleep SECONDS] [--threads N]";
	static const struct option options[] = {
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "threads", required_argument, NULL, 'j' },
		{ "max-sleep", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_view view = { cli, 0, 1, 0, 0, 0, 0, 0 };
	struct sigaction sa;
	rl_run_opts opts = { 0 };
	rl_archive *archive = NULL;
	int c, status = CLI_OK;
	int64_t max_sleep = 60;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'N') {
			opts.no_hooks = 1;
		} else if (c == 'j') {
			if ((opts.parse_threads = parse_threads(optarg)) < 0)
				return cli_usage_error(usage, "bad --threads '%s'", optarg);
		} else if (c == 's') {
			max_sleep = atoi(optarg) > 0 ? atoi(optarg) : 1;
		} else if (c == 'h') {
			printf("usage: %s\n\nRuns forever: each source on its own interval (with jitter),\n"
			       "followed stories on their schedule.  SIGINT/SIGTERM finish the commit in\n"
			       "progress and exit 0; SIGHUP reloads the sources.\n", usage);
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
	opts.on_hooks = on_hooks;
	opts.userdata = &view;
	opts.stop = &stop_requested;
	log_prefix(&view);
	fprintf(stderr, "redline: watching %s (pid %ld)\n", cli->archive_dir, (long)getpid());
	while (!stop_requested) {
		rl_run_summary summary;
		int64_t wait = max_sleep;

		/* The archive and its sources are read afresh every cycle: that is the reload. */
		if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
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
		if (rl_run_next_due(&wait, archive, (int64_t)time(NULL)) < 0 || wait < 0 ||
		    wait > max_sleep)
			wait = max_sleep;
		/* Idle until the next source is due: time for pack maintenance. */
		if (wait > 0 && !stop_requested)
			cli_maintain(archive);
		rl_archive_free(archive);
		archive = NULL;
		if (!stop_requested)
			nap(wait > 0 ? wait : 1);
	}
	rl_archive_free(archive);
	log_prefix(&view);
	fprintf(stderr, "redline: stopped\n");
	return status;
}
