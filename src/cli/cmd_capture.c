/*
 * cmd_capture.c - `redline capture COMMIT|STORY[@REV]`: the raw capture
 * behind a commit, byte for byte, as a .warc.gz.
 */
#include "cli.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/history.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "redline capture [--list] [-o FILE] COMMIT|STORY[@REV]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Writes the raw captures (WARC/1.1, gzip) that a commit was made from,\n"
	       "exactly as stored, to stdout or FILE.  STORY[@REV] means the commit that\n"
	       "last changed that story as of REV (default HEAD); a re-extraction gives the\n"
	       "capture it was read from.\n\n"
	       "   --list          print the capture ids and their paths instead\n"
	       "   -o FILE         write to FILE\n",
	       usage);
}

/* The commit `spec` names: a revision, or the last commit of a story. */
static int find_commit(git_oid *out, rl_archive *archive, const char *spec)
{
	rl_history_item item = { 0 };
	rl_history_story story = { 0 };
	char *name = NULL, *rev = NULL;
	int error;

	if (strchr(spec, '@') == NULL && rl_archive_resolve(out, archive, spec) == 0)
		return 0;
	rl_error_clear();
	if ((error = rl_history_split_rev(&name, &rev, archive, spec)) == 0 &&
	    (error = rl_history_resolve(&item, archive, name)) == 0 &&
	    (error = rl_history_show(&story, archive, item.path, rev)) == 0 &&
	    git_oid_fromstr(out, story.commit) < 0)
		error = rl_error_set(RL_EPARSE, "bad commit id '%s'", story.commit);
	rl_history_story_release(&story);
	rl_history_item_clear(&item);
	free(name);
	free(rev);
	return error;
}

int cmd_capture(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_archive *archive = NULL;
	rl_strvec ids = RL_STRVEC_INIT;
	rl_buf bytes = RL_BUF_INIT(RL_CAPTURE_MAX);
	git_commit *commit = NULL;
	const char *file = NULL;
	FILE *out = stdout;
	git_oid oid;
	int c, list = 0, status = CLI_OK;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': list = 1; break;
		case 'o': file = optarg; break;
		case 'h': help(); return CLI_OK;
		default: return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(usage, argc == optind ? "which commit?" : "too many arguments");
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;
	if (find_commit(&oid, archive, argv[optind]) < 0) {
		status = cli_fail();
		goto done;
	}
	if (git_commit_lookup(&commit, rl_archive_repo(archive), &oid) < 0) {
		status = cli_error("cannot read commit %s", git_oid_tostr_s(&oid));
		goto done;
	}
	if (rl_capture_ids(&ids, git_commit_message(commit)) < 0) {
		status = cli_fail();
		goto done;
	}
	if (ids.n == 0) {
		/* A re-extraction holds no capture: it names the commit that does. */
		const char *of = strstr(git_commit_message(commit), "\nReextract-Of: ");
		git_commit *orig = NULL;
		if (of && git_oid_fromstrn(&oid, of + 15, GIT_OID_HEXSZ) == 0 &&
		    git_commit_lookup(&orig, rl_archive_repo(archive), &oid) == 0) {
			git_commit_free(commit);
			commit = orig;
			if (rl_capture_ids(&ids, git_commit_message(commit)) < 0) {
				status = cli_fail();
				goto done;
			}
		}
	}
	if (ids.n == 0) {
		status = cli_error("commit %.12s has no capture (made with redline.capture = off, "
				   "or before captures existed)", git_oid_tostr_s(&oid));
		goto done;
	}
	if (file && !list && (out = fopen(file, "wb")) == NULL) {
		status = cli_error("cannot write '%s'", file);
		out = stdout;
		goto done;
	}
	for (size_t i = 0; i < ids.n; i++) {
		char path[RL_CAPTURE_PATH_SIZE];
		if (list) {
			if (rl_capture_path(path, ids.v[i]) < 0) {
				status = cli_fail();
				goto done;
			}
			printf("%s %s\n", ids.v[i], path);
			continue;
		}
		if (rl_capture_read(&bytes, archive, &oid, ids.v[i]) < 0) {
			status = cli_fail();
			goto done;
		}
		if (fwrite(bytes.ptr, 1, bytes.len, out) != bytes.len) {
			status = cli_error("cannot write the capture");
			goto done;
		}
	}
	if (fflush(out) == EOF)
		status = cli_error("cannot write the capture");
done:
	if (out != stdout && fclose(out) == EOF && status == CLI_OK)
		status = cli_error("cannot write '%s'", file);
	git_commit_free(commit);
	rl_buf_release(&bytes);
	rl_strvec_release(&ids);
	rl_archive_free(archive);
	return status;
}
