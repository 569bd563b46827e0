/*
 * run_worker.h - what `redline run` and `redline watch` share for sharded
 * workers (cli-private): which sources (--shard), and where and how to push
 * after a cycle (--push, --no-push, redline.pushRemote, redline.pushTimeout).
 * See docs/sharding.md.
 */
#ifndef REDLINE_CLI_RUN_WORKER_H
#define REDLINE_CLI_RUN_WORKER_H

#include <stdint.h>
#include <sys/types.h>

#include "cli.h"
#include "options.h"
#include "run_view.h"
#include "redline/shard.h"

struct run_worker {
	rl_shard shard;
	const char *push;     /* --push REMOTE */
	int no_push;
	char *remote;         /* the remote pushed to, NULL: no push */
	int push_timeout;     /* seconds */
	pid_t push_pid;
	int64_t push_started;
};

/* The options both commands take, for their cli_opt table (options.h):
 * into the worker `w` and the cycle's rl_run_opts `ro`. */
#define RUN_WORKER_OPTIONS(w, ro)                                                        \
	CLI_FLAG("no-hooks", 0, &(ro)->no_hooks),                                        \
	CLI_CALL("threads", 0, &(ro)->parse_threads, run_view_parse_threads, "bad --threads"), \
	CLI_CALL("shard", 0, &(w)->shard, cli_opt_shard, NULL),                          \
	CLI_STRING("push", 0, &(w)->push),                                               \
	CLI_FLAG("no-push", 0, &(w)->no_push)

/** After the archive is opened: the shard (redline.shard by default), the
 *  remote to push to and the push timeout.  Returns CLI_OK or prints. */
int run_worker_setup(struct run_worker *w, rl_archive *archive);

/** The cycle's commits have landed: starts the push child (if none runs),
 *  and with `block` waits for it (within the push timeout). */
void run_worker_after_cycle(struct run_worker *w, rl_archive *archive, const struct cli *cli,
			    int block);

/** Waits for a push still running (within its timeout); frees what `w` holds. */
void run_worker_finish(struct run_worker *w);

#endif
