/*
 * cmd_init.c - redline init [DIR]
 */
#include "cli.h"
#include "redline/archive.h"
#include "redline/error.h"

#include <getopt.h>
#include <string.h>

static const char usage[] = "redline init [DIR]";

int cmd_init(int argc, char **argv, const struct cli *cli)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_archive *archive = NULL;
	const char *dir;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: %s\n\nCreates an archive: a bare git repository in DIR "
			       "(default: -C DIR, or the current directory).\n", usage);
			return CLI_OK;
		}
		return cli_usage_error(usage, "unknown option");
	}
	if (argc - optind > 1)
		return cli_usage_error(usage, "too many arguments");
	dir = optind < argc ? argv[optind] : cli->archive_dir;
	if (rl_archive_init(&archive, dir) < 0)
		return cli_fail();
	printf("Initialized empty redline archive in %s\n", rl_archive_path(archive));
	rl_archive_free(archive);
	return CLI_OK;
}
