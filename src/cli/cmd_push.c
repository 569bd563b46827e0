/*
 * cmd_push.c - redline push: send a worker's main to its shard branch, and
 * the background push that run and watch start after each cycle.
 *
 * run and watch never push in their own process: they start
 * `redline -C DIR push --if-due REMOTE` as a child, so that a slow or dead
 * remote never holds up fetching and committing (libgit2 1.5 has no network
 * timeouts of its own; the parent kills a push that takes too long).
 */
#include "cli.h"
#include "options.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/remote.h"
#include "redline/shard.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* REDLINE_NOW=<unix seconds>: for tests only, so that follow-up checks due
 * in 15 minutes, or a push's backoff, can be tested without waiting.  Not
 * for production: the schedule, the backoff and the commit times all follow it. */
int64_t cli_test_now(void)
{
	const char *v = getenv("REDLINE_NOW");
	char *end;
	long long t;

	if (v == NULL || *v == '\0')
		return 0;
	t = strtoll(v, &end, 10);
	return *end == '\0' && t > 0 ? (int64_t)t : 0;
}

void cli_remote_opts(struct rl_remote_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->home = getenv("HOME");
	ro->now = cli_test_now();
	ro->ssh_command = getenv("GIT_SSH_COMMAND");
	ro->ssh_program = getenv("GIT_SSH");
	ro->ssh_auth_sock = getenv("SSH_AUTH_SOCK");
}

int cli_push_remote(char **out, rl_archive *archive, const char *option)
{
	*out = NULL;
	if (option)
		return (*out = strdup(option)) ? 0 : rl_error_set(RL_ENOMEM, "out of memory");
	if (rl_config_get_string(out, archive, "redline.pushRemote") < 0 &&
	    rl_error_last_code() != RL_ENOTFOUND)
		return rl_error_last_code();
	rl_error_clear();
	return 0;
}

int cli_shard_default(rl_shard *shard, rl_archive *archive)
{
	char *text = NULL;
	int rc = 0;

	if (shard->n)
		return 0; /* --shard given */
	if (rl_config_get_string(&text, archive, "redline.shard") == 0 && text)
		rc = rl_shard_parse(shard, text) < 0
			     ? rl_error_set(RL_EINVAL, "redline.shard: %s", rl_error_last()) : 0;
	else
		rl_error_clear();
	free(text);
	return rc;
}

static const char usage[] = "redline push [REMOTE] [--shard K/N] [--if-due]";

static void help(void)
{
	printf("usage: %s\n\nPushes main to the remote (default: redline.pushRemote), to\n"
	       "refs/heads/shards/K-of-N for --shard K/N, or as remote.REMOTE.push\n"
	       "says.\n\n"
	       "   --shard K/N  push to refs/heads/shards/K-of-N\n"
	       "   --if-due     only when main moved and no backoff is running\n",
	       usage);
}

static const struct cli_args args = { usage, help, 0, 1, NULL, NULL };

int cmd_push(int argc, char **argv, const struct cli *cli)
{
	rl_remote_opts ro;
	rl_shard shard = { 0, 0 };
	rl_archive *archive = NULL;
	char *remote = NULL, *refspec = NULL;
	int if_due = 0, status = CLI_OK;
	const struct cli_opt options[] = {
		CLI_CALL("shard", 0, &shard, cli_opt_shard, NULL),
		CLI_FLAG("if-due", 0, &if_due),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	cli_remote_opts(&ro);
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (cli_shard_default(&shard, archive) < 0 ||
	    cli_push_remote(&remote, archive, optind < argc ? argv[optind] : NULL) < 0) {
		status = cli_fail();
		goto done;
	}
	if (remote == NULL) {
		status = cli_usage_error(usage, "no remote given and redline.pushRemote is not set");
		goto done;
	}
	if (rl_remote_push_refspec(&refspec, archive, remote, &shard) < 0) {
		status = cli_fail();
		goto done;
	}
	if (if_due) {
		int due = 0;
		if (rl_remote_push_due(&due, archive, remote, ro.now ? ro.now : (int64_t)time(NULL)) < 0) {
			status = cli_fail();
			goto done;
		}
		if (!due)
			goto done;
	}
	if (rl_remote_push(archive, remote, refspec, &ro) < 0) {
		/* Another push running is not a failure: it pushes the same. */
		status = rl_error_last_code() == RL_ELOCKED ? CLI_OK : cli_fail();
		goto done;
	}
	if (cli->verbose)
		fprintf(stderr, "redline: pushed %s to %s\n", refspec, remote);
done:
	free(refspec);
	free(remote);
	rl_archive_free(archive);
	return status;
}

int cli_push_start(pid_t *pid, const struct cli *cli, const char *remote, const rl_shard *shard)
{
	char shard_arg[32] = "";
	char *argv[10];
	int n = 0;

	if (shard && shard->n)
		snprintf(shard_arg, sizeof(shard_arg), "--shard=%u/%u", (unsigned)shard->k,
			 (unsigned)shard->n);
	argv[n++] = "redline";
	argv[n++] = "-C";
	argv[n++] = (char *)cli->archive_dir;
	argv[n++] = "push";
	argv[n++] = "--if-due";
	if (shard_arg[0])
		argv[n++] = shard_arg;
	argv[n++] = "--";
	argv[n++] = (char *)remote;
	argv[n] = NULL;
	fflush(NULL);
	if ((*pid = fork()) < 0)
		return cli_error("cannot start a push: fork failed");
	if (*pid == 0) {
		/* A stop signal for the worker is not one for its push. */
		signal(SIGINT, SIG_IGN);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return CLI_OK;
}

int cli_push_wait(pid_t *pid, int64_t started, int timeout_seconds, int block)
{
	int st;

	while (*pid > 0) {
		pid_t r = waitpid(*pid, &st, WNOHANG);
		if (r < 0) {
			*pid = 0;
			return 0;
		}
		if (r == *pid) {
			*pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		}
		if ((int64_t)time(NULL) - started > timeout_seconds) {
			cli_warn("push still running after %d s: stopped; tried again later",
				 timeout_seconds);
			kill(*pid, SIGKILL);
			waitpid(*pid, &st, 0);
			*pid = 0;
			return CLI_PUSH_TIMEOUT;
		}
		if (!block)
			return 0;
		usleep(100 * 1000);
	}
	return 0;
}
