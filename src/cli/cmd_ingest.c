/*
 * cmd_ingest.c - redline ingest SOURCE FILE... : snapshots from files.
 */
#include "cli.h"
#include "redline/buf.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/file.h"
#include "redline/ingest.h"
#include "redline/timeutil.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"redline ingest SOURCE FILE... [--format auto|text|html|rss|atom] [--at TIME]... "
	"[--url URL] [--force] [--no-hooks] [--hook-timeout T] [--wait SECONDS]";

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
	       "  --no-hooks   do not run the archive's hooks\n"
	       "  --hook-timeout T  time limit of each hook (10s, 1m; default: the archive's\n"
	       "               redline.hook-timeout, else 30s)\n"
	       "  --wait S     wait at most S seconds for another writer (default 10)\n", usage);
}

/* One line per change, as in the commit message. */
void cli_print_ingest_result(const char *source, const char *file, const rl_ingest_result *r)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!r->committed) {
		printf("%s: no change (%zu stories%s)\n", source, r->n_items,
		       r->same_snapshot ? ", identical snapshot" : "");
		return;
	}
	git_oid_tostr(hex, 8, &r->commit);
	printf("%s: %zu edited, %zu new, %zu gone from page", source, r->counts[RL_CHANGE_EDITED],
	       r->counts[RL_CHANGE_NEW], r->counts[RL_CHANGE_GONE]);
	if (r->counts[RL_CHANGE_BACK])
		printf(", %zu back", r->counts[RL_CHANGE_BACK]);
	if (r->counts[RL_CHANGE_MOVED])
		printf(", %zu moved", r->counts[RL_CHANGE_MOVED]);
	printf(" [%s]\n", hex);
	for (size_t i = 0; i < r->n_changes; i++) {
		const rl_change *c = &r->changes[i];
		printf("  %-7s %s %s\n", rl_change_kind_name(c->kind), c->id, c->title ? c->title : "");
		if (c->figures.n) {
			rl_buf line = RL_BUF_INIT(64 * 1024);
			if (rl_figures_format(&line, &c->figures) == 0)
				printf("          figures: %s\n", line.ptr);
			rl_buf_release(&line);
		}
	}
	(void)file;
}

void cli_print_hooks(const rl_hook_result *hooks)
{
	for (int i = 0; i < 2; i++) {
		const rl_hook_result *h = &hooks[i];
		rl_buf line = RL_BUF_INIT(4096);

		fflush(stdout);
		if (h->output && h->output_len)
			fwrite(h->output, 1, h->output_len, stdout);
		fflush(stdout);
		if (rl_hook_result_is_problem(h) && rl_hook_result_describe(&line, h) == 0)
			cli_warn("%s; the commit stands", line.ptr);
		rl_buf_release(&line);
	}
}

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
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "at", required_argument, NULL, 't' },
		{ "url", required_argument, NULL, 'u' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-hooks", no_argument, NULL, 'N' },
		{ "wait", required_argument, NULL, 'w' },
		{ "hook-timeout", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_ingest_opts opts = { 0 };
	rl_archive *archive = NULL;
	rl_ingest_batch *batch = NULL;
	rl_ingest_batch_opts bo = { 0 };
	int64_t *times = NULL;
	size_t n_times = 0;
	const char *source;
	int c, status = CLI_OK, n_files;

	if ((times = calloc((size_t)argc + 1, sizeof(*times))) == NULL)
		return cli_error("out of memory");
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (rl_format_parse(&opts.format, optarg) < 0) {
				status = cli_usage_error(usage, "%s", rl_error_last());
				goto done;
			}
			break;
		case 't':
			if (rl_time_parse_iso8601(&times[n_times++], optarg) < 0) {
				status = cli_usage_error(usage, "%s", rl_error_last());
				goto done;
			}
			break;
		case 'u': opts.source_url = optarg; break;
		case 'F': opts.force = 1; break;
		case 'N': opts.no_hooks = 1; break;
		case 'k': {
			int seconds = 0;
			if (rl_config_parse_interval(&seconds, optarg) < 0 || seconds <= 0) {
				status = cli_usage_error(usage, "bad --hook-timeout '%s'", optarg);
				goto done;
			}
			opts.hook_timeout_ms = seconds * 1000;
			break;
		}
		case 'w': opts.lock_wait_ms = atoi(optarg) > 0 ? atoi(optarg) * 1000 : 1; break;
		case 'h': print_help(); goto done;
		default: status = cli_usage_error(usage, "unknown option"); goto done;
		}
	}
	n_files = argc - optind - 1;
	if (n_files < 1) {
		status = cli_usage_error(usage, "need a SOURCE and at least one FILE");
		goto done;
	}
	if (n_times > 1 && n_times != (size_t)n_files) {
		status = cli_usage_error(usage, "give --at once, or once per FILE (%d)", n_files);
		goto done;
	}
	source = argv[optind];
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		goto done;
	/* All the files in one group commit: one pack, one ref move. */
	bo.lock_wait_ms = opts.lock_wait_ms;
	bo.on_hooks = on_hooks;
	if (rl_ingest_batch_new(&batch, archive, &bo) < 0) {
		status = cli_error("%s", rl_error_last());
		goto done;
	}
	opts.batch = batch;
	for (int i = 0; i < n_files; i++) {
		const char *file = argv[optind + 1 + i];
		rl_buf data = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
		rl_ingest_result *result = NULL;
		int error;

		char *origin = NULL;

		opts.time = n_times == 0 ? (int64_t)time(NULL) : times[n_times == 1 ? 0 : (size_t)i];
		if (strcmp(file, "-") != 0) {
			char *abs = realpath(file, NULL);
			if (abs && asprintf(&origin, "file://%s", abs) < 0)
				origin = NULL;
			free(abs);
		}
		opts.origin = origin;
		error = rl_file_read(&data, file);
		if (error == 0)
			error = rl_ingest(&result, archive, source, data.ptr, data.len, &opts);
		if (error < 0) {
			fprintf(stderr, "redline: '%s': %s\n", file, rl_error_last());
			status = CLI_ERROR;
		} else {
			cli_print_ingest_result(source, file, result);
			if (result->warning[0])
				cli_warn("%s", result->warning);
		}
		rl_ingest_result_free(result);
		rl_buf_release(&data);
		free(origin);
	}
	if (rl_ingest_batch_commit(batch) < 0) {
		fprintf(stderr, "redline: %s\n", rl_error_last());
		status = CLI_ERROR;
	} else {
		cli_maintain(archive);
	}
done:
	rl_ingest_batch_free(batch);
	rl_archive_free(archive);
	free(times);
	return status;
}
