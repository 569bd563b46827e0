/*
 * cmd_rm.c - redline rm: stop watching a source; its history stays.
 */
#include "cli.h"
#include "redline/config.h"
#include "redline/schedule.h"

#include <stdio.h>
#include <string.h>

int cmd_rm(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] = "redline rm NAME";
	rl_archive *archive = NULL;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: %s\n\nStops watching a source. Its archived history stays.\n", usage);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error(usage, "need exactly one source NAME");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_config_source_remove(archive, argv[1]) < 0 || rl_schedule_remove(archive, argv[1]) < 0)
		status = cli_fail();
	else
		printf("Removed source '%s'; its history stays in the archive.\n", argv[1]);
	rl_archive_free(archive);
	return status;
}
