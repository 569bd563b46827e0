/*
 * cmd_gc.c - `redline gc`: pack maintenance outside the write path.
 *
 * Each group commit writes one pack; rolling packs up is done between
 * cycles (run, watch when idle) and here, never inside a cycle, so that a
 * cycle's cost and memory do not depend on the archive's size.
 */
#include "cli.h"
#include "options.h"
#include "redline/archive.h"
#include "redline/config.h"
#include "redline/error.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/* git's own gc.autoPackLimit (0: no roll-ups), else RL_ARCHIVE_MAX_PACKS. */
static long auto_pack_limit(rl_archive *archive)
{
	char *text = NULL, *end;
	long limit = RL_ARCHIVE_MAX_PACKS;

	if (rl_config_get_string(&text, archive, "gc.autoPackLimit") == 0 && text) {
		long v = strtol(text, &end, 10);
		if (*end == '\0' && v >= 0)
			limit = v;
		else
			cli_warn("gc.autoPackLimit '%s' is not a number; using %d", text,
				 RL_ARCHIVE_MAX_PACKS);
	}
	rl_error_clear();
	free(text);
	return limit;
}

void cli_maintain(rl_archive *archive)
{
	long limit = auto_pack_limit(archive);
	int rolled = 0;

	if (limit == 0)
		return;
	if (rl_archive_lock(archive, 0) < 0) {
		/* Someone else is writing: they or the next cycle will do it. */
		rl_error_clear();
		return;
	}
	if (rl_archive_maintain(&rolled, archive, (size_t)limit) < 0) {
		cli_warn("pack maintenance: %s", rl_error_last());
		rl_error_clear();
	}
	rl_archive_unlock(archive);
}

static const char usage[] = "redline gc [--max-packs N]";

static void help(void)
{
	printf("usage: %s\n\nRolls the archive's packs up, small packs first.  `run`, "
	       "`watch` and\n`ingest` do it between cycles once there are more than git's\n"
	       "gc.autoPackLimit packs (default here %d; 0: never).\n\n"
	       "   --max-packs N   leave at most N packs (default 1: one pack)\n",
	       usage, RL_ARCHIVE_MAX_PACKS);
}

static const struct cli_args args = { usage, help, 0, 0, NULL, NULL };

int cmd_gc(int argc, char **argv, const struct cli *cli)
{
	rl_archive *archive = NULL;
	size_t max_packs = 1;
	int rolled = 0, status;
	const struct cli_opt opts[] = {
		CLI_SIZE("max-packs", 0, &max_packs, 1, LONG_MAX, NULL),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, opts, &args, cli))
		return status;
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_archive_lock(archive, 10000) < 0 ||
	    rl_archive_maintain(&rolled, archive, max_packs) < 0)
		status = cli_fail();
	else if (rolled)
		printf("rolled %d packs up\n", rolled);
	rl_archive_free(archive);
	return status;
}
