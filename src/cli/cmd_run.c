/*
 * cmd_run.c - redline run: one cycle over the due (or named) sources, then exit.
 */
#include "cli.h"
#include "output.h"
#include "run_view.h"
#include "run_worker.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/run.h"
#include "redline/schedule.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int parse_names(const char ***names, int argc, char **argv)
{
	*names = (const char **)(argv + optind);
	return argc - optind;
}

/* A cycle with nothing due says so, and when the next source is due
 * ("nothing due; next: anp in 7m"); -v lists every source's next fetch. */
static void say_nothing_due(rl_archive *archive, int64_t now, int verbose)
{
	rl_strvec names = RL_STRVEC_INIT;
	rl_schedule_book *book = NULL;
	int64_t best = INT64_MAX;
	char in[32], best_name[128] = "";

	if (now == 0)
		now = (int64_t)time(NULL);
	if (rl_config_source_list(&names, archive) < 0 || names.n == 0) {
		rl_error_clear();
		printf("nothing due: no sources (add one with 'redline add NAME URL')\n");
		rl_strvec_release(&names);
		return;
	}
	if (rl_schedule_book_load(&book, archive) < 0) {
		rl_error_clear();
		printf("nothing due\n");
		rl_strvec_release(&names);
		return;
	}
	for (size_t i = 0; i < names.n; i++) {
		rl_schedule_state *fs = NULL;
		if (rl_schedule_book_get(&fs, book, names.v[i]) < 0) {
			rl_error_clear();
			continue;
		}
		if (verbose) {
			out_duration(in, sizeof(in), fs->next_due - now);
			printf("%s: next fetch in %s\n", names.v[i], in);
		}
		if (fs->next_due < best) {
			best = fs->next_due;
			snprintf(best_name, sizeof(best_name), "%s", names.v[i]);
		}
		rl_schedule_free(fs);
	}
	if (best_name[0]) {
		out_duration(in, sizeof(in), best - now);
		printf("nothing due; next: %s in %s\n", best_name, in);
	} else {
		printf("nothing due\n");
	}
	rl_schedule_book_free(book);
	rl_strvec_release(&names);
}

/* For cron: 0 when every source that ran is fine (or none was due), 3 when
 * some failed, 4 when every one failed (docs/man/redline-run.md). */
static int run_exit_status(const rl_run_summary *s)
{
	if (s->failed == 0)
		return CLI_OK;
	return s->failed >= s->sources ? CLI_ALL_FAILED : CLI_SOME_FAILED;
}

/* A cycle that ran: its timestamp and pack maintenance, then what it did
 * (or what is due next) for people; returns the exit status. */
static int after_cycle(rl_archive *archive, const rl_run_summary *summary,
		       const rl_run_opts *opts, int verbose)
{
	if (summary->changed)
		cli_timestamp_batch(archive);
	cli_maintain(archive); /* between cycles: never inside the group commit */
	if (summary->sources == 0 && opts->n_names == 0)
		say_nothing_due(archive, opts->now, verbose);
	else if (isatty(STDOUT_FILENO))
		printf("%zu sources: %zu changed, %zu unchanged, %zu failed\n", summary->sources,
		       summary->changed, summary->unchanged, summary->failed);
	if (summary->failed)
		fprintf(stderr, "redline: %zu of %zu sources failed (see 'redline status')\n",
			summary->failed, summary->sources);
	return run_exit_status(summary);
}

static const char usage[] =
	"redline run [NAME...] [--no-hooks] [--force NAME...] [--threads N] [--shard K/N] [--push REMOTE | --no-push]";

static void help(void)
{
	printf("usage: %s\n\nOne cycle: fetches every due source (or the named ones, due or\n"
	       "not) concurrently, commits what changed, records failures, exits.  With\n"
	       "nothing due it says which source is due next (-v: every source).\n\n"
	       "   NAME            fetch these sources now, due or not\n"
	       "   --no-hooks      do not run the archive's hooks\n"
	       "   -v, --verbose   say what happens to every source (as 'redline -v run')\n"
	       "   --threads N     parse responses on N threads (default: one per core)\n"
	       "   --force NAME... accept what the mass-removal guard refused for those\n"
	       "                   sources (`redline status` says why a source is held)\n"
	       "   --shard K/N     only the sources of shard K (0-based) of N\n"
	       "   --push REMOTE   after the cycle, push main to REMOTE (default:\n"
	       "                   redline.pushRemote), if one is set\n"
	       "   --no-push       do not push\n\n"
	       "Exit status: 0 all fine, 3 some sources failed, 4 every one failed,\n"
	       "1 the cycle could not run.\n", usage);
}

static const struct cli_args args = { usage, help, 0, -1, NULL, NULL };

int cmd_run(int argc, char **argv, const struct cli *cli)
{
	struct run_view view = { cli, isatty(STDERR_FILENO), 0, 0, 0, 0, 0, 0 };
	struct run_worker worker = { 0 };
	rl_run_opts opts = { 0 };
	rl_run_env env;
	rl_run_summary summary;
	rl_archive *archive = NULL;
	const char **names;
	int n, status = CLI_OK;
	struct cli local = *cli; /* `run -v` means what `redline -v run` does */
	const struct cli_opt options[] = {
		RUN_WORKER_OPTIONS(&worker, &opts),
		CLI_FLAG("force", 0, &opts.force),
		CLI_FLAG("verbose", 'v', &local.verbose),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	cli = &local;
	view.cli = cli;
	n = parse_names(&names, argc, argv);
	if (opts.force && n == 0)
		return cli_usage_error(usage, "--force needs the NAME of each source to release");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if ((status = run_worker_setup(&worker, archive)) != CLI_OK)
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
	run_view_setup_opts(&opts, &env, &view);
	run_view_catch_stop_signals();
	if (rl_run_cycle(&summary, archive, &opts) < 0) {
		run_view_clear_progress(&view);
		status = cli_fail();
	} else {
		run_view_clear_progress(&view);
		status = after_cycle(archive, &summary, &opts, cli->verbose);
	}
	/* Pushed even after a failed cycle: earlier commits may be waiting. */
	run_worker_after_cycle(&worker, archive, cli, 1);
done:
	run_worker_finish(&worker);
	rl_archive_free(archive);
	return status;
}
