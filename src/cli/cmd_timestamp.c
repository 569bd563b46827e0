/*
 * cmd_timestamp.c - `redline timestamp [REV]`, and the per-batch timestamp
 * that ingest, run and reextract ask for when redline.tsaUrl is set.
 */
#include "cli.h"
#include "redline/error.h"
#include "redline/evidence.h"
#include "redline/timeutil.h"

#include <getopt.h>
#include <string.h>

static const char usage[] = "redline timestamp [REV]";

void cli_timestamp_commit(rl_archive *archive, const git_oid *commit)
{
	rl_timestamp_config cfg;
	int64_t when;

	if (rl_timestamp_config_load(&cfg, archive) < 0 || cfg.url == NULL) {
		rl_error_clear();
		rl_timestamp_config_clear(&cfg);
		return;
	}
	rl_timestamp_config_clear(&cfg);
	if (rl_timestamp(&when, archive, commit) < 0) {
		/* The commits stand; the next batch's token covers them too. */
		cli_warn("no timestamp for this batch: %s", rl_error_last());
		rl_error_clear();
	}
}

void cli_timestamp_batch(rl_archive *archive)
{
	git_oid head;

	if (rl_archive_head(&head, archive) == 0)
		cli_timestamp_commit(archive, &head);
	else
		rl_error_clear();
}

int cmd_timestamp(int argc, char **argv, const struct cli *cli)
{
	rl_archive *archive = NULL;
	char iso[RL_TIME_ISO_SIZE];
	git_oid id;
	int64_t when;
	int status;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s\n\nAsks the TSA of redline.tsaUrl for an RFC 3161 token over the\n"
		       "commit id of REV (default HEAD), checks it (with redline.tsaCAFile, its\n"
		       "signature too) and keeps it in refs/notes/timestamps.\n", usage);
		return CLI_OK;
	}
	if (argc > 2)
		return cli_usage_error(usage, "too many arguments");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_archive_resolve(&id, archive, argc > 1 ? argv[1] : "HEAD") < 0 ||
	    rl_timestamp(&when, archive, &id) < 0) {
		status = cli_fail();
	} else {
		rl_time_format_iso8601(iso, when);
		printf("%s timestamped at %s\n", git_oid_tostr_s(&id), iso);
	}
	rl_archive_free(archive);
	return status;
}
