/*
 * cmd_reextract.c - `redline reextract [SOURCE...] [--since REV]`.
 */
#include "cli.h"
#include "redline/error.h"
#include "redline/evidence.h"

#include <getopt.h>
#include <string.h>
#include <time.h>

static const char usage[] = "redline reextract [SOURCE...] [--since REV]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Reads the newest raw capture of each SOURCE (default: every source) again\n"
	       "with today's extraction and normalisation rules and commits what differs as\n"
	       "a re-extraction: the summary says \"re-extraction of SOURCE\", a Reextract-Of\n"
	       "trailer names the commit whose capture was read and Extractor: the rules\n"
	       "used, and no hooks run.  Nothing is rewritten.\n\n"
	       "   --since REV     only captures in commits after REV\n",
	       usage);
}

struct seen {
	int failed;
};

static void on_source(const char *source, const char *capture_commit,
		      const rl_ingest_result *result, const char *message, void *userdata)
{
	struct seen *s = userdata;

	if (result == NULL && capture_commit) {
		fprintf(stderr, "redline: %s: %s\n", source, message ? message : "failed");
		s->failed = 1;
	} else if (result == NULL) {
		printf("%s: skipped: %s\n", source, message);
	} else if (result->committed) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), &result->commit);
		printf("%s: re-extracted from %.12s: %zu edited, %zu new, %zu gone [%.7s]\n", source,
		       capture_commit, result->counts[RL_CHANGE_EDITED],
		       result->counts[RL_CHANGE_NEW], result->counts[RL_CHANGE_GONE], hex);
	} else {
		printf("%s: re-extracted from %.12s: no difference\n", source, capture_commit);
	}
}

int cmd_reextract(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_reextract_opts opts = { 0 };
	struct seen seen = { 0 };
	rl_archive *archive = NULL;
	size_t changed = 0;
	int c, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': opts.since = optarg; break;
		case 'h': help(); return CLI_OK;
		default: return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	opts.sources = (const char *const *)argv + optind;
	opts.n_sources = (size_t)(argc - optind);
	opts.time = (int64_t)time(NULL);
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_reextract(&changed, archive, &opts, on_source, &seen) < 0)
		status = cli_fail();
	else if (seen.failed)
		status = CLI_ERROR;
	if (status == CLI_OK && changed)
		cli_timestamp_batch(archive);
	rl_archive_free(archive);
	return status;
}
