/*
 * cmd_help.c - `redline help [COMMAND]`: the man page of redline or of one
 * command, from where `cmake --install` put it, else from the build.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef REDLINE_MANDIR
#define REDLINE_MANDIR "/usr/local/share/man/man1"
#endif
#ifndef REDLINE_BUILD_MANDIR
#define REDLINE_BUILD_MANDIR "man"
#endif

static const char usage[] = "redline help [COMMAND]";

int cmd_help(int argc, char **argv, const struct cli *cli)
{
	const char *dirs[] = { REDLINE_MANDIR, REDLINE_BUILD_MANDIR };
	char page[512];
	const char *cmd = argc > 1 ? argv[1] : NULL;

	(void)cli;
	if (argc > 2)
		return cli_usage_error(usage, "too many arguments");
	if (cmd && (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)) {
		printf("usage: %s\n\nShows the man page of redline, or of COMMAND (redline-COMMAND(1)).\n",
		       usage);
		return CLI_OK;
	}
	if (cmd && !cli_command_exists(cmd))
		return cli_usage_error(usage, "'%s' is not a redline command", cmd);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(page, sizeof(page), "%s/redline%s%s.1", dirs[i], cmd ? "-" : "", cmd ? cmd : "");
		if (access(page, R_OK) != 0)
			continue;
		fflush(stdout);
		/* man formats for the terminal, or plain text into a pipe */
		execlp("man", "man", "-l", page, (char *)NULL);
		return cli_error("cannot run man to show '%s' (is man-db installed?)", page);
	}
	return cli_error("no man page for '%s' (looked in %s and %s; 'redline %s --help' works too)",
			 cmd ? cmd : "redline", REDLINE_MANDIR, REDLINE_BUILD_MANDIR, cmd ? cmd : "");
}
