/*
 * cmd_feed.c - `redline feed [SOURCE...] [--kind KINDS] [-n N] [--self URL]
 * [-o FILE]`: an Atom 1.0 feed of the edits, one entry per story revision.
 */
#include "cli.h"
#include "redline/classify.h"
#include "redline/edits.h"
#include "redline/error.h"
#include "redline/feed.h"
#include "redline/file.h"
#include "redline/history.h"

#include <getopt.h>
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

int cmd_feed(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "kind", required_argument, NULL, 'k' },
		{ "max-count", required_argument, NULL, 'n' },
		{ "title", required_argument, NULL, 't' },
		{ "self", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_feed_opts opts = { 0 };
	rl_archive *archive = NULL;
	rl_buf out = RL_BUF_INIT(256u * 1024 * 1024);
	const char *output = NULL;
	int c, status = CLI_OK;
	char *end;
	long n;

	opterr = 0; /* our own messages, in git's form */
	while ((c = getopt_long(argc, argv, "hn:o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (rl_edit_kinds_parse(&opts.kinds, optarg) < 0)
				return cli_usage_error(usage, "%s", rl_error_last());
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 || n > 100000)
				return cli_usage_error(usage, "-n wants a number of entries, not '%s'", optarg);
			opts.max = (size_t)n;
			break;
		case 't':
			opts.title = optarg;
			break;
		case 's':
			opts.self_url = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help();
			return CLI_OK;
		default:
			return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
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
