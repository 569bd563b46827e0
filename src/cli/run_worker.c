/*
 * run_worker.c - the sharded worker's part of run and watch: --shard, and
 * the push after each cycle, in a child process (cmd_push.c) so that a slow
 * remote never holds up fetching and committing.
 */
#include "run_worker.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PUSH_TIMEOUT_DEFAULT 300

int run_worker_setup(struct run_worker *w, rl_archive *archive)
{
	char *timeout = NULL;

	free(w->remote);
	w->remote = NULL;
	w->push_timeout = PUSH_TIMEOUT_DEFAULT;
	if (cli_shard_default(&w->shard, archive) < 0)
		return cli_fail();
	if (w->no_push)
		return CLI_OK;
	if (cli_push_remote(&w->remote, archive, w->push) < 0)
		return cli_fail();
	if (rl_config_get_string(&timeout, archive, "redline.pushTimeout") == 0 && timeout &&
	    rl_config_parse_interval(&w->push_timeout, timeout) < 0)
		w->push_timeout = PUSH_TIMEOUT_DEFAULT;
	rl_error_clear();
	free(timeout);
	return CLI_OK;
}

/* Reaps the push child; one killed for its timeout is recorded as a failed
 * push, so that it backs off like any other. */
static void reap(struct run_worker *w, rl_archive *archive, int block)
{
	char msg[96];
	int64_t now = cli_test_now();

	if (cli_push_wait(&w->push_pid, w->push_started, w->push_timeout, block) != CLI_PUSH_TIMEOUT)
		return;
	snprintf(msg, sizeof(msg), "push stopped after %d s (redline.pushTimeout)", w->push_timeout);
	if (rl_remote_push_failed(archive, w->remote, now ? now : (int64_t)time(NULL), msg) < 0)
		cli_warn("%s", rl_error_last());
}

void run_worker_after_cycle(struct run_worker *w, rl_archive *archive, const struct cli *cli,
			    int block)
{
	if (w->remote == NULL)
		return;
	reap(w, archive, 0);
	if (w->push_pid == 0 && cli_push_start(&w->push_pid, cli, w->remote, &w->shard) == CLI_OK)
		w->push_started = (int64_t)time(NULL);
	if (block)
		reap(w, archive, 1);
}

void run_worker_finish(struct run_worker *w)
{
	cli_push_wait(&w->push_pid, w->push_started, w->push_timeout, 1);
	free(w->remote);
	w->remote = NULL;
}
