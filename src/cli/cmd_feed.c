/*
 * cmd_feed.c - `redline feed [SOURCE...] [--kind KINDS] [-n N] [--self URL]
 * [-o FILE]`: an Atom 1.0 feed of the edits, one entry per story revision.
 */
#include "cli.h"
#include "options.h"
#include "redline/classify.h"
#include "redline/edits.h"
#include "redline/error.h"
#include "redline/feed.h"
#include "redline/file.h"
#include "redline/history.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"redline feed [SOURCE...] [--kind KINDS] [-n N] [--title T] [--self URL] [-o FILE]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Writes an Atom 1.0 feed of the edits, newest first: one entry per story\n"
	       "revision, with the story's title, a link to its URL, the kinds of edit (as\n"
	       "categories and in the summary), the diff as HTML and the commit id.\n\n"
	       "   SOURCE          only these sources (default: all)\n"
	       "   --kind KINDS    only revisions with one of these kinds, comma-separated:\n"
	       "                   new, headline, added, removed, edited, moved, figures,\n"
	       "                   quotes, correction, minor, revert\n"
	       "   -n, --max-count N  at most N entries (default %d)\n"
	       "   --title T       the feed's title (default: redline: SOURCES)\n"
	       "   --self URL      where the feed will be published (its rel=\"self\" link)\n"
	       "   -o, --output FILE  write to FILE (atomically) instead of stdout\n",
	       usage, RL_FEED_DEFAULT_MAX);
}

static const struct cli_args args = { usage, help, 0, -1, NULL, NULL };

int cmd_feed(int argc, char **argv, const struct cli *cli)
{
	rl_feed_opts opts = { 0 };
	rl_archive *archive = NULL;
	rl_buf out = RL_BUF_INIT(256u * 1024 * 1024);
	const char *output = NULL;
	int status = CLI_OK;
	const struct cli_opt options[] = {
		CLI_KINDS(&opts.kinds),
		CLI_SIZE("max-count", 'n', &opts.max, 1, 100000, "-n wants a number of entries, not"),
		CLI_STRING("title", 0, &opts.title),
		CLI_STRING("self", 0, &opts.self_url),
		CLI_STRING("output", 'o', &output),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;
	for (int i = optind; i < argc; i++)
		if (!rl_history_is_source(archive, argv[i])) {
			status = cli_error("no source named '%s'", argv[i]);
			goto done;
		}
	opts.sources = (const char *const *)(argv + optind);
	opts.n_sources = (size_t)(argc - optind);
	if (rl_feed_write(&out, archive, &opts) < 0) {
		status = cli_fail();
		goto done;
	}
	if (output) {
		if (rl_file_write_atomic(output, out.ptr, out.len) < 0)
			status = cli_fail();
	} else if (fwrite(out.ptr, 1, out.len, stdout) != out.len || fflush(stdout) == EOF) {
		status = cli_error("cannot write to stdout");
	}
done:
	rl_buf_release(&out);
	rl_archive_free(archive);
	return status;
}
