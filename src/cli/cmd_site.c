/*
 * cmd_site.c - `redline site DIR [--full]`: a static web site of the
 * archive, rewritten incrementally.
 */
#include "cli.h"
#include "options.h"
#include "redline/error.h"
#include "redline/site.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "redline site DIR [--full]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Builds a static web site of the archive in DIR (plain HTML and CSS,\n"
	       "relative links: open DIR/index.html from disk or serve DIR as it is):\n"
	       "the sources, each source's recent edits and Atom feed, each story's\n"
	       "history with every revision, its kinds of edit as badges and its diff\n"
	       "inline and side by side (changed figures highlighted), and a list of\n"
	       "every story by title to search.  Only what changed since the last build\n"
	       "in DIR is rewritten, and only the commits since then are read\n"
	       "(DIR/.redline-site and DIR/.redline-pass record it).\n\n"
	       "   DIR             where the site goes (created when missing)\n"
	       "   --full          rebuild every page\n",
	       usage);
}

static const struct cli_args args = { usage, help, 1, 1, "where should the site go?", NULL };

int cmd_site(int argc, char **argv, const struct cli *cli)
{
	rl_archive *archive = NULL;
	rl_site_stats st;
	int full = 0, status = CLI_OK;
	const struct cli_opt opts[] = { CLI_FLAG("full", 0, &full), CLI_OPT_END };

	if (cli_parse_options(&status, argc, argv, opts, &args, cli))
		return status;
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;
	if (rl_site_build(&st, archive, argv[optind], full) < 0)
		status = cli_fail();
	else if (st.up_to_date)
		printf("%s: up to date, nothing written\n", argv[optind]);
	else
		printf("%s: %s build, %zu story page%s, %zu source page%s, %zu files (%.1f MB) written, "
		       "%zu commit%s read\n",
		       argv[optind], st.full ? "full" : "incremental", st.story_pages,
		       st.story_pages == 1 ? "" : "s", st.source_pages, st.source_pages == 1 ? "" : "s",
		       st.files, (double)st.bytes / 1e6, st.commits, st.commits == 1 ? "" : "s");
	rl_archive_free(archive);
	return status;
}
