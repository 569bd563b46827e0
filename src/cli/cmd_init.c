/*
 * cmd_init.c - redline init [DIR]
 */
#include "cli.h"
#include "options.h"
#include "redline/archive.h"
#include "redline/error.h"

#include <string.h>

static const char usage[] = "redline init [DIR]";

static void help(void)
{
	printf("usage: %s\n\nCreates an archive: a bare git repository in DIR "
	       "(default: -C DIR, or the current directory).\n", usage);
}

static const struct cli_args args = { usage, help, 0, 1, NULL, NULL };

int cmd_init(int argc, char **argv, const struct cli *cli)
{
	static const struct cli_opt options[] = { CLI_OPT_END };
	rl_archive *archive = NULL;
	const char *dir;
	int status;

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	dir = optind < argc ? argv[optind] : cli->archive_dir;
	if (rl_archive_init(&archive, dir) < 0)
		return cli_fail();
	printf("Initialized empty redline archive in %s\n", rl_archive_path(archive));
	rl_archive_free(archive);
	return CLI_OK;
}
