/*
 * run_view.h - what `redline run` and `redline watch` share (cli-private):
 * the event printer fed by rl_run_cycle(), the stop signals, and the
 * benchmark switch read from the environment.
 */
#ifndef REDLINE_CLI_RUN_VIEW_H
#define REDLINE_CLI_RUN_VIEW_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "redline/run.h"

struct run_view {
	const struct cli *cli;
	int progress;        /* a one-line display on a terminal */
	int log_lines;       /* watch: one line per event on stderr */
	int timestamps;      /* watch outside systemd */
	size_t done, failed, changes;
	uint64_t bytes;
};

/** Set by SIGINT/SIGTERM once run_view_catch_stop_signals() ran. */
extern volatile sig_atomic_t run_view_stop_requested;

/** The rl_run_event_cb of both commands; `userdata` is a struct run_view. */
void run_view_on_event(const rl_run_event *ev, void *userdata);

/** Wipes the progress line, if one is shown. */
void run_view_clear_progress(const struct run_view *v);

/** The time stamp a watch line starts with on stderr (nothing under systemd). */
void run_view_log_prefix(const struct run_view *v);

/** SIGINT and SIGTERM end the cycle between two callbacks: the commit in
 *  progress finishes, nothing new starts. */
void run_view_catch_stop_signals(void);

/** REDLINE_NO_CONDITIONAL set: full GETs (rl_run_opts.unconditional), for
 *  bench/cycle; the library never reads the environment. */
int run_view_unconditional(void);

/** The rl_ingest_hooks_cb of both commands: the hooks' output after each
 *  group commit, in commit order. */
void run_view_on_hooks(const char *source, const git_oid *commit, const rl_hook_result hooks[2],
		       void *userdata);

/** Points `opts` at what both commands give every cycle: `view` as the
 *  event and hook printer, the stop signal, `env` read from the environment,
 *  REDLINE_NO_CONDITIONAL. */
void run_view_setup_opts(rl_run_opts *opts, rl_run_env *env, struct run_view *view);

/** --threads N: 1-64 parsing threads into the int `threads`; -1 when
 *  `text` is not that. */
int run_view_parse_threads(void *threads, const char *text);

/** Proxies and CA certificates from the environment, with the names and
 *  precedence libcurl and OpenSSL users know (docs/fetching.md).  Upper-case
 *  HTTP_PROXY is not read: a CGI program gets it from a request header. */
void run_view_read_env(rl_run_env *env);

/** Looks for $HOME/.netrc again (run_view_read_env() looked first): 0 when
 *  it is the same file as last time (device, inode, size, mtime), 1 when
 *  it appeared or changed, -1 when it went; env->netrc_file follows. */
int run_view_netrc_refresh(rl_run_env *env);

#endif
