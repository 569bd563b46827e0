/*
 * cmd_verify.c - `redline verify [REV-RANGE]`: does the archive hold up?
 */
#include "cli.h"
#include "redline/error.h"
#include "redline/evidence.h"

#include <getopt.h>
#include <string.h>

static const char usage[] = "redline verify [-q] [REV-RANGE]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Checks the commits of REV-RANGE (default: all of HEAD's history) as evidence:\n"
	       "  - every object the commits added reads back with its hash (fsck);\n"
	       "  - signed commits pass 'git verify-commit'; no unsigned commit after a signed one;\n"
	       "  - every capture's WARC digests, and its bytes against Snapshot-XXH3;\n"
	       "  - every story file re-derived from its capture with the recorded extractor\n"
	       "    (or reported as 'extractor changed since'; a commit with no capture is noted);\n"
	       "  - every timestamp token (refs/notes/timestamps) on a commit of the history;\n"
	       "  - the fetch log: when each source's version was last seen.\n"
	       "Prints one line per finding and a summary; exits 1 if anything failed.\n\n"
	       "   -q, --quiet     print only failures and the summary\n",
	       usage);
}

struct report {
	int quiet;
};

static void on_finding(rl_verify_level level, const char *commit, const char *message,
		       void *userdata)
{
	const struct report *r = userdata;
	static const char *const tags[] = { "ok", "note", "FAIL" };

	if (r->quiet && level != RL_VERIFY_FAIL)
		return;
	if (commit)
		printf("%-4s %.12s %s\n", tags[level], commit, message);
	else
		printf("%-4s %s\n", tags[level], message);
}

int cmd_verify(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r = { 0 };
	rl_verify_summary s;
	rl_archive *archive = NULL;
	int c, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hq", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': r.quiet = 1; break;
		case 'h': help(); return CLI_OK;
		default: return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(usage, "too many arguments");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_verify(&s, archive, optind < argc ? argv[optind] : NULL, on_finding, &r) < 0) {
		status = cli_fail();
		goto done;
	}
	printf("%zu commits, %zu objects read, %zu captures (%zu records), %zu of %zu story files "
	       "re-derived, %zu with an extractor changed since, %zu without a capture, %zu signed "
	       "commits good, %zu unsigned, %zu timestamps good: %s\n",
	       s.commits, s.objects, s.captures, s.records, s.rederived, s.stories,
	       s.extractor_changed, s.uncaptured, s.signed_ok, s.unsigned_commits, s.timestamps,
	       s.failures ? "FAILED" : "ok");
	if (s.failures) {
		fprintf(stderr, "redline: verify found %zu failure%s\n", s.failures,
			s.failures == 1 ? "" : "s");
		status = CLI_ERROR;
	}
done:
	rl_archive_free(archive);
	return status;
}
