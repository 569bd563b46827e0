/*
 * redline/run.h - one cycle over the sources: fetch, ingest, follow.
 *
 * Every fetch of a cycle goes through one libcurl multi handle on this
 * thread, concurrently, capped per host.  The snapshots of a cycle are one
 * group commit (ingest.h): one pack, one fsync, one ref move at the end of
 * the cycle (or every commit_every_seconds), and the fetch state of a
 * source is saved only once its commit is in the archive.  Finished
 * listings are parsed on a pool of parse_threads threads while fetching goes
 * on; the snapshots are committed in the order of the sources in the config,
 * whatever the order of the responses and the number of threads, so the
 * same pages give the same commits.  RL_RUN_CHANGED
 * events come when a snapshot is queued, before that ref move.  One source failing never delays
 * or stops another: each failure is recorded in the source's fetch state
 * (schedule.h) with backoff, and never produces a commit that drops stories.
 */
#ifndef REDLINE_RUN_H
#define REDLINE_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "redline/archive.h"
#include "redline/ingest.h"
#include "redline/shard.h"

typedef enum rl_run_outcome {
	RL_RUN_CHANGED,      /* a commit was made */
	RL_RUN_UNCHANGED,    /* fetched and parsed; nothing changed */
	RL_RUN_NOT_MODIFIED, /* 304, or the same body as last time: not parsed */
	RL_RUN_FAILED,       /* fetch or parse failed, or the guard refused it */
	RL_RUN_REQUEST,      /* (verbose) one HTTP request finished */
	RL_RUN_WARNING,      /* a source is fetched unsafely (TLS verification off) */
} rl_run_outcome;

typedef struct rl_run_event {
	const char *source;
	rl_run_outcome outcome;
	const char *url;
	long http_status;
	const char *message;            /* for failures and requests */
	const rl_ingest_result *ingest; /* for RL_RUN_CHANGED (and article edits) */
	uint64_t bytes;
	double seconds;
} rl_run_event;

typedef void (*rl_run_event_cb)(const rl_run_event *event, void *userdata);

/* What the environment says about proxies and CA certificates.  The
 * command line reads it (the library never does) with libcurl's and
 * OpenSSL's names; settings in the git config win over it. */
typedef struct rl_run_env {
	const char *http_proxy;  /* http_proxy (lower case only, as libcurl and git) */
	const char *https_proxy; /* https_proxy, HTTPS_PROXY */
	const char *all_proxy;   /* all_proxy, ALL_PROXY: when the one above is unset */
	const char *no_proxy;    /* no_proxy, NO_PROXY: hosts never proxied */
	const char *ca_file;     /* CURL_CA_BUNDLE, SSL_CERT_FILE: instead of the system CAs */
	const char *ca_dir;      /* SSL_CERT_DIR */
	const char *netrc_file;  /* the user's .netrc ($HOME/.netrc), only when it exists:
	                            credentials per host; NULL: none is read */
} rl_run_env;

typedef struct rl_run_opts {
	const char *const *names;   /* run these (due or not); NULL: every due source */
	size_t n_names;
	int64_t now;                /* 0: time(NULL) */
	long max_total_connections; /* 0: 16 */
	long max_host_connections;  /* 0: 2 */
	long max_concurrent_streams; /* 0: 10 HTTP/2 streams on a connection */
	const rl_run_env *env;      /* NULL: nothing from the environment */
	int no_hooks;
	int force;                  /* accept what the mass-removal guard would refuse
	                             * (with names: release those sources) */
	int commit_every_seconds;   /* group-commit at least this often; 0: 60 */
	size_t commit_every_commits; /* group-commit at this many commits; 0: 1,000 */
	int parse_threads;          /* threads parsing listings; 0: one per core */
	size_t fetch_ahead;         /* listings fetched, parsed and waiting at most this
	                             * many sources past the next one to commit (a
	                             * memory bound); 0: 32, or 4 per connection */
	int unconditional;          /* full GETs: no If-None-Match / If-Modified-Since
	                             * (for benchmarks of unchanged pages) */
	rl_run_event_cb on_event;
	rl_ingest_hooks_cb on_hooks; /* hook results, after each group commit */
	void *userdata;              /* for on_event and on_hooks */
	volatile sig_atomic_t *stop; /* set by a signal handler: start nothing new */
	const rl_shard *shard;      /* NULL: every source; else only those of this shard */
} rl_run_opts;

typedef struct rl_run_summary {
	size_t sources;     /* sources in this cycle */
	size_t changed;
	size_t unchanged;
	size_t failed;
	size_t requests;
	uint64_t bytes;
	size_t changes;     /* stories edited, new, gone, removed... */
} rl_run_summary;

/** Runs one cycle.  Returns 0 when every source either succeeded or failed in
 *  a way that was recorded (see the summary); an error when the cycle itself
 *  could not run (unknown source name, archive unreadable) or when a commit
 *  could not land in the archive (locked, git or disk failure): then every
 *  source still ran and was recorded, and the error names the first source
 *  and the real reason. */
int rl_run_cycle(rl_run_summary *out, rl_archive *archive, const rl_run_opts *opts);

/** Seconds until the next source or followed story is due (0: now), or -1
 *  when nothing is scheduled; for `watch`. */
int rl_run_next_due(int64_t *seconds, rl_archive *archive, int64_t now);

/** rl_run_next_due() over the sources of `shard` only (NULL: all of them). */
int rl_run_next_due_in(int64_t *seconds, rl_archive *archive, int64_t now,
		       const rl_shard *shard);

#endif
