/*
 * cmd_merge.c - redline merge: shard branches into one main.
 *
 * Without --remote it works in place: run it in the central repository that
 * the workers push to (refs/heads/shards/... -> refs/heads/main).  With
 * --remote R it works anywhere (a cron job, CI): fetches R's shard branches
 * and main, merges them in this archive and pushes the new main back to R
 * (fast-forward only, so two merges at once cannot lose each other's work).
 */
#include "cli.h"
#include "options.h"
#include "redline/error.h"
#include "redline/merge.h"
#include "redline/remote.h"

#include <stdlib.h>
#include <string.h>

#define LOCK_WAIT_MS 10000

static int set_ref(rl_archive *archive, const char *name, const char *target_name)
{
	git_oid id;
	git_reference *ref = NULL;
	int error = git_reference_name_to_id(&id, rl_archive_repo(archive), target_name);

	if (error == GIT_ENOTFOUND)
		return 0;
	if (error == 0)
		error = git_reference_create(&ref, rl_archive_repo(archive), name, &id, 1,
					     "redline merge: main of the remote");
	git_reference_free(ref);
	return error < 0 ? rl_error_set_git(error, "cannot set '%s'", name) : 0;
}

/* A central repository made by `git init --bare` may have HEAD -> master:
 * a clone of it would check out nothing.  Point an unborn HEAD at main. */
static void head_to_main(rl_archive *archive)
{
	if (git_repository_head_unborn(rl_archive_repo(archive)) == 1)
		git_repository_set_head(rl_archive_repo(archive), "refs/heads/main");
}

/* redline merge --remote R --into-worker: R's main into this worker's main
 * (compare-and-swap, nothing forced), so that a worker whose shard gains
 * sources when N changes carries on their history instead of starting them
 * afresh.  Run it with the worker stopped, after its last push was merged. */
static int into_worker(rl_archive *archive, const char *remote, const rl_remote_opts *ro)
{
	char spec[200], tip[160];
	const char *specs[1] = { spec };
	rl_merge_opts mo = { 0 };
	rl_merge_result result;

	snprintf(tip, sizeof(tip), "refs/remotes/%s/main", remote);
	snprintf(spec, sizeof(spec), "+refs/heads/main:%s", tip);
	if (rl_remote_fetch(archive, remote, specs, 1, ro) < 0)
		return cli_fail();
	mo.tips_prefix = tip; /* matches exactly that ref (and main*, which fetch never makes) */
	mo.target_ref = "refs/heads/main";
	if (rl_merge_tips(&result, archive, &mo) < 0)
		return cli_fail();
	if (result.merged)
		cli_timestamp_commit(archive, &result.commit);
	if (result.merged)
		printf("took main of %s into this archive (%zu top-level entr%s changed): %s\n", remote,
		       result.entries, result.entries == 1 ? "y" : "ies", git_oid_tostr_s(&result.commit));
	else
		printf("this archive already has main of %s\n", remote);
	return CLI_OK;
}

/* The workers' timestamp notes (refs/notes/shards/NAME, pushed beside their
 * branches) into refs/notes/timestamps: under `prefix` here, or fetched from
 * the remote with its own refs/notes/timestamps as `extra`.  A failure is a
 * warning: the merge of the stories stands, the notes go next time. */
static void merge_notes(rl_archive *archive, const char *prefix, const char *extra,
			const struct cli *cli)
{
	rl_notes_merge_result nr;

	if (rl_merge_notes(&nr, archive, RL_MERGE_NOTES_REF, prefix, extra) < 0) {
		cli_warn("timestamp notes not merged: %s", rl_error_last());
		rl_error_clear();
		return;
	}
	if (nr.conflicts)
		cli_warn("%zu commit%s with a timestamp note of their own elsewhere: kept this one",
			 nr.conflicts, nr.conflicts == 1 ? "" : "s");
	if (nr.merged && cli->verbose)
		printf("merged %zu timestamp note%s of %zu ref%s\n", nr.added, nr.added == 1 ? "" : "s",
		       nr.sources, nr.sources == 1 ? "" : "s");
}

/* With --remote: refs/notes/timestamps back to the remote when the remote's
 * (as fetched into `fetched`) is not it (fast-forward only, as main). */
static int push_notes(rl_archive *archive, const char *remote, const char *fetched,
		      const rl_remote_opts *ro)
{
	git_oid mine, theirs;
	int have_theirs;

	if (git_reference_name_to_id(&mine, rl_archive_repo(archive), RL_MERGE_NOTES_REF) < 0)
		return 0;
	have_theirs = git_reference_name_to_id(&theirs, rl_archive_repo(archive), fetched) == 0;
	if (have_theirs && git_oid_equal(&mine, &theirs))
		return 0;
	return rl_remote_push_once(archive, remote, RL_MERGE_NOTES_REF ":" RL_MERGE_NOTES_REF, ro);
}

static const char usage[] = "redline merge [--remote REMOTE [--into-worker]]";

static void help(void)
{
	printf("usage: %s\n\nMerges every shard branch (refs/heads/shards/*) that main does\n"
	       "not contain yet into main, by a union of their source directories.\n"
	       "Two shards writing one source is an error and merges nothing.\n"
	       "\n"
	       "   --remote REMOTE  fetch the branches from REMOTE and push main back to it\n"
	       "   --into-worker    in a worker's archive, merge REMOTE's main into its\n"
	       "                    main instead (before changing N: docs/sharding.md)\n",
	       usage);
}

static const struct cli_args args = { usage, help, 0, 0, NULL, NULL };

int cmd_merge(int argc, char **argv, const struct cli *cli)
{
	rl_remote_opts ro;
	rl_merge_opts mo = { 0 };
	rl_merge_result result;
	rl_archive *archive = NULL;
	const char *remote = NULL;
	char prefix[160], base[160], notes_prefix[160], notes[160];
	char *specs[4] = { NULL, NULL, NULL, NULL };
	int status = CLI_OK, worker = 0;
	const struct cli_opt options[] = {
		CLI_STRING("remote", 0, &remote),
		CLI_FLAG("into-worker", 0, &worker),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	cli_remote_opts(&ro);
	if (remote && rl_remote_check_name(remote) < 0)
		return cli_usage_error(usage, "%s", rl_error_last());
	if (worker && !remote)
		return cli_usage_error(usage, "--into-worker needs --remote");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_archive_lock(archive, LOCK_WAIT_MS) < 0) {
		status = cli_fail();
		goto done;
	}
	mo.target_ref = "refs/heads/main";
	if (worker) {
		status = into_worker(archive, remote, &ro);
		goto done;
	}
	if (remote) {
		snprintf(prefix, sizeof(prefix), "refs/remotes/%s/shards/", remote);
		snprintf(base, sizeof(base), "refs/remotes/%s/main", remote);
		snprintf(notes_prefix, sizeof(notes_prefix), "refs/remotes/%s/notes-shards/", remote);
		snprintf(notes, sizeof(notes), "refs/remotes/%s/notes/timestamps", remote);
		if (asprintf(&specs[0], "+refs/heads/shards/*:%s*", prefix) < 0 ||
		    asprintf(&specs[1], "+refs/heads/main:%s", base) < 0 ||
		    asprintf(&specs[2], "+%s*:%s*", RL_MERGE_SHARD_NOTES_PREFIX, notes_prefix) < 0 ||
		    asprintf(&specs[3], "+%s:%s", RL_MERGE_NOTES_REF, notes) < 0) {
			status = cli_error("out of memory");
			goto done;
		}
		if (rl_remote_fetch(archive, remote, (const char *const *)specs, 4, &ro) < 0) {
			status = cli_fail();
			goto done;
		}
		mo.tips_prefix = prefix;
		mo.base_ref = base;
	} else {
		mo.tips_prefix = "refs/heads/shards/";
		head_to_main(archive);
	}
	if (rl_merge_tips(&result, archive, &mo) < 0) {
		status = cli_fail();
		goto done;
	}
	/* The notes come along even when no branch moved: a token is stored
	 * after its batch's commit, and may be pushed a cycle later. */
	merge_notes(archive, remote ? notes_prefix : RL_MERGE_SHARD_NOTES_PREFIX,
		    remote ? notes : NULL, cli);
	if (!result.merged) {
		/* Nothing new; this archive's main follows the remote's. */
		if (remote && set_ref(archive, "refs/heads/main", base) < 0)
			status = cli_fail();
		else if (remote && push_notes(archive, remote, notes, &ro) < 0)
			status = cli_fail();
		else if (cli->verbose)
			printf("main is up to date\n");
		goto done;
	}
	if (remote && rl_remote_push_once(archive, remote, "refs/heads/main:refs/heads/main", &ro) < 0) {
		status = cli_fail();
		goto done;
	}
	cli_timestamp_commit(archive, &result.commit);
	if (remote && push_notes(archive, remote, notes, &ro) < 0) {
		status = cli_fail();
		goto done;
	}
	printf("merged %zu shard%s into main (%zu top-level entr%s changed): %s\n", result.tips,
	       result.tips == 1 ? "" : "s", result.entries, result.entries == 1 ? "y" : "ies",
	       git_oid_tostr_s(&result.commit));
done:
	for (size_t i = 0; i < 4; i++)
		free(specs[i]);
	rl_archive_free(archive);
	return status;
}
