/*
 * main.c - global options and the dispatch table.
 */
#include "cli.h"
#include "redline/deflater.h"
#include "redline/error.h"
#include "redline/fetch.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <libxml/parser.h>

static int cmd_version(int argc, char **argv, const struct cli *cli)
{
	printf("redline %s\n", REDLINE_VERSION);
	return CLI_OK;
}

static const struct cli_command commands[] = {
	{ "init", cmd_init, "create an archive" },
	{ "ingest", cmd_ingest, "take snapshots from files into the archive" },
	{ "add", cmd_add, "watch a page or feed (a source)" },
	{ "sources", cmd_sources, "list the sources" },
	{ "rm", cmd_rm, "stop watching a source; its history stays" },
	{ "run", cmd_run, "fetch the due sources once, commit what changed" },
	{ "watch", cmd_watch, "run forever, each source on its own interval" },
	{ "status", cmd_status, "how each source is doing" },
	{ "hooks", cmd_hooks, "list (or --retry) hook payloads not yet delivered" },
	{ "push", cmd_push, "send main to this worker's shard branch on a remote" },
	{ "merge", cmd_merge, "merge the shard branches into main (tree union)" },
	{ "log", cmd_log, "list the snapshots of the archive, a source or a story" },
	{ "diff", cmd_diff, "what changed in a story (sentences matched, then word by word)" },
	{ "show", cmd_show, "print a story as of a revision" },
	{ "capture", cmd_capture, "write out the raw capture (WARC) behind a commit" },
	{ "verify", cmd_verify, "check captures, stories, signatures and timestamps" },
	{ "reextract", cmd_reextract, "apply today's extraction to the newest captures" },
	{ "timestamp", cmd_timestamp, "get an RFC 3161 timestamp for a commit" },
	{ "feed", cmd_feed, "an Atom feed of the edits" },
	{ "site", cmd_site, "a static web site of the archive's edits" },
	{ "help", cmd_help, "show the man page of redline or of a command" },
	{ "gc", cmd_gc, "roll the archive's packs up (run/watch do it between cycles)" },
	{ "version", cmd_version, "print the version" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* The libraries a command initialises before it runs.  libgit2's
 * initialisation reads the system's whole CA bundle (mbedTLS in Debian's
 * build: ~22 % of a short command's CPU), libcurl's that of OpenSSL; a
 * command that needs neither skips them.  Only `run` and `watch` fetch on
 * libcurl at once (and from threads); anywhere else a request (a timestamp
 * authority after `ingest`, `timestamp`, `verify`) initialises libcurl on
 * its first handle - curl_easy_init() does, thread-safely since 7.84 - and
 * rl_fetch_global_cleanup() at exit balances either. */
enum { INIT_GIT = 1, INIT_XML = 2, INIT_CURL = 4, INIT_GIT_TLS = 8 };

static unsigned command_init(const char *name)
{
	/* run and watch push in a child that executes `redline push` (cmd_push.c:
	 * cli_push_start), which parses the CA bundle itself: their own
	 * process never talks TLS through libgit2, and skipping the parse
	 * saved ~55 M instructions of every run (6 % of a 10 % cycle's
	 * thread at 1,000 pages). */
	static const char *const fetching[] = { "run", "watch" };
	/* the commands that may talk TLS through libgit2 (a push, a fetch of
	 * shards): only they pay for libgit2's parse of the CA bundle */
	static const char *const git_tls[] = { "push", "merge", "status" };

	if (strcmp(name, "version") == 0 || strcmp(name, "help") == 0)
		return 0;
	for (size_t i = 0; i < sizeof(fetching) / sizeof(fetching[0]); i++)
		if (strcmp(name, fetching[i]) == 0)
			return INIT_GIT | INIT_XML | INIT_CURL;
	for (size_t i = 0; i < sizeof(git_tls) / sizeof(git_tls[0]); i++)
		if (strcmp(name, git_tls[i]) == 0)
			return INIT_GIT | INIT_GIT_TLS | INIT_XML;
	return INIT_GIT | INIT_XML;
}

int cli_command_exists(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return 1;
	return 0;
}

static void print_usage(FILE *out)
{
	fprintf(out, "usage: redline [-C DIR] [-v] <command> [<args>]\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "   %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'redline <command> --help' describes one command; 'redline help <command>'\n"
		     "shows its man page.\n");
}

int main(int argc, char **argv)
{
	struct cli cli = { ".", 0, 0 };
	const char *no_color = getenv("NO_COLOR");
	int i, status;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc) {
			cli.archive_dir = argv[++i];
		} else if (strcmp(argv[i], "-v") == 0) {
			cli.verbose++;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("redline %s\n", REDLINE_VERSION);
			return CLI_OK;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_usage(stdout);
			return CLI_OK;
		} else {
			fprintf(stderr, "redline: unknown option '%s'\n", argv[i]);
			print_usage(stderr);
			return CLI_USAGE;
		}
	}
	if (i == argc) {
		print_usage(stderr);
		return CLI_USAGE;
	}
	cli.color = isatty(STDOUT_FILENO) && !(no_color && *no_color);

	for (size_t c = 0; c < N_COMMANDS; c++) {
		if (strcmp(argv[i], commands[c].name) != 0)
			continue;
		unsigned init = command_init(commands[c].name);

		if (init & INIT_XML)
			xmlInitParser();
		if (init & INIT_GIT_TLS)
			git_libgit2_init();
		else if (init & INIT_GIT)
			cli_git_init_deferring_cas();
		if ((init & INIT_CURL) && rl_fetch_global_init() < 0)
			return cli_fail();
		optind = 0; /* each command parses its own options (options.c: getopt_long) */
		status = commands[c].fn(argc - i, argv + i, &cli);
		rl_fetch_global_cleanup(); /* also after a lazy initialisation; else a no-op */
		if (init & INIT_GIT)
			git_libgit2_shutdown();
		if (init & INIT_XML)
			xmlCleanupParser();
		rl_deflater_release_thread(); /* workers freed theirs as they exited */
		return status;
	}
	fprintf(stderr, "redline: '%s' is not a redline command; see 'redline --help'\n", argv[i]);
	return CLI_USAGE;
}
