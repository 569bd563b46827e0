/*
 * run_view.c - the event printer, stop signals and benchmark switch that
 * `redline run` and `redline watch` share.
 */
#include "run_view.h"
#include "output.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/timeutil.h"

#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t run_view_stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	run_view_stop_requested = 1;
}

static void log_prefix_to(FILE *out, const struct run_view *v)
{
	if (v->timestamps) {
		char when[RL_TIME_ISO_SIZE];
		rl_time_format_iso8601(when, (int64_t)time(NULL));
		fprintf(out, "%s ", when);
	}
}

void run_view_log_prefix(const struct run_view *v)
{
	log_prefix_to(stderr, v);
}

static void show_progress(const struct run_view *v)
{
	if (!v->progress)
		return;
	fprintf(stderr, "\r\033[K%zu sources done, %.1f MB, %zu changes, %zu errors", v->done,
		(double)v->bytes / 1e6, v->changes, v->failed);
	fflush(stderr);
}

void run_view_clear_progress(const struct run_view *v)
{
	if (v->progress)
		fprintf(stderr, "\r\033[K");
}

void run_view_on_event(const rl_run_event *ev, void *userdata)
{
	struct run_view *v = userdata;
	char shown[2048];

	switch (ev->outcome) {
	case RL_RUN_REQUEST:
		v->bytes += ev->bytes;
		if (v->cli->verbose) {
			run_view_clear_progress(v);
			run_view_log_prefix(v);
			fprintf(stderr, "%s: GET %s -> %ld, %llu bytes, %.2f s%s%s\n", ev->source,
				out_url(shown, sizeof(shown), ev->url),
				ev->http_status, (unsigned long long)ev->bytes, ev->seconds,
				ev->message ? ": " : "", ev->message ? ev->message : "");
		}
		break;
	case RL_RUN_FAILED:
		v->done++;
		v->failed++;
		run_view_clear_progress(v);
		run_view_log_prefix(v);
		fprintf(stderr, "redline: %s: %s\n", ev->source, ev->message ? ev->message : "failed");
		break;
	case RL_RUN_CHANGED:
		v->done++;
		run_view_clear_progress(v);
		if (ev->ingest) {
			v->changes += ev->ingest->n_changes;
			if (v->log_lines)
				log_prefix_to(stdout, v); /* the result goes to stdout */
			cli_print_ingest_result(ev->source, NULL, ev->ingest);
			fflush(stdout);
		}
		break;
	case RL_RUN_WARNING:
		/* Every cycle, on purpose: an unsafe setting must not be forgotten. */
		run_view_clear_progress(v);
		run_view_log_prefix(v);
		fprintf(stderr, "warning: %s: %s\n", ev->source, ev->message);
		break;
	case RL_RUN_UNCHANGED:
	case RL_RUN_NOT_MODIFIED:
		v->done++;
		if (v->log_lines && v->cli->verbose) {
			run_view_log_prefix(v);
			fprintf(stderr, "%s: %s\n", ev->source,
				ev->outcome == RL_RUN_NOT_MODIFIED ? "not modified" : "no change");
		}
		break;
	}
	show_progress(v);
}

void run_view_catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int run_view_unconditional(void)
{
	return getenv("REDLINE_NO_CONDITIONAL") != NULL;
}

void run_view_on_hooks(const char *source, const git_oid *commit, const rl_hook_result hooks[2],
		       void *userdata)
{
	(void)source;
	(void)commit;
	(void)userdata;
	cli_print_hooks(hooks);
}

void run_view_setup_opts(rl_run_opts *opts, rl_run_env *env, struct run_view *view)
{
	opts->unconditional = run_view_unconditional();
	run_view_read_env(env);
	opts->env = env;
	opts->on_event = run_view_on_event;
	opts->on_hooks = run_view_on_hooks;
	opts->userdata = view;
	opts->stop = &run_view_stop_requested;
}

int run_view_parse_threads(void *threads, const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*end != '\0' || n < 1 || n > 64)
		return -1;
	*(int *)threads = (int)n;
	return 0;
}

/* The first of two environment variables that is set and not empty. */
static const char *env2(const char *a, const char *b)
{
	const char *v = getenv(a);

	if (v && *v)
		return v;
	v = b ? getenv(b) : NULL;
	return v && *v ? v : NULL;
}

/* $HOME/.netrc (the password database's home when HOME is unset), as
 * libcurl would find it, and which file it was (libcurl reads the file
 * named at every transfer; it is told to look for none when there is
 * none).  watch looks again before every cycle: a .netrc made, replaced,
 * edited or removed while it runs counts from the next cycle on. */
struct netrc_seen {
	int present;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static char netrc_path[4096];
static struct netrc_seen netrc_last;

static int netrc_same(const struct netrc_seen *a, const struct netrc_seen *b)
{
	if (a->present != b->present)
		return 0;
	return !a->present || (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
			       a->mtime.tv_sec == b->mtime.tv_sec &&
			       a->mtime.tv_nsec == b->mtime.tv_nsec);
}

int run_view_netrc_refresh(rl_run_env *env)
{
	struct netrc_seen now;
	const char *home = getenv("HOME");
	struct passwd *pw;
	struct stat st;
	int changed;

	memset(&now, 0, sizeof(now));
	if ((home == NULL || *home == '\0') && (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	if (home && *home &&
	    (size_t)snprintf(netrc_path, sizeof(netrc_path), "%s/.netrc", home) < sizeof(netrc_path) &&
	    stat(netrc_path, &st) == 0 && S_ISREG(st.st_mode)) {
		now.present = 1;
		now.dev = st.st_dev;
		now.ino = st.st_ino;
		now.size = st.st_size;
		now.mtime = st.st_mtim;
	}
	changed = !netrc_same(&now, &netrc_last);
	netrc_last = now;
	env->netrc_file = now.present ? netrc_path : NULL;
	return changed ? (now.present ? 1 : -1) : 0;
}

void run_view_read_env(rl_run_env *env)
{
	run_view_netrc_refresh(env);
	env->http_proxy = env2("http_proxy", NULL);
	env->https_proxy = env2("https_proxy", "HTTPS_PROXY");
	env->all_proxy = env2("all_proxy", "ALL_PROXY");
	env->no_proxy = env2("no_proxy", "NO_PROXY");
	env->ca_file = env2("CURL_CA_BUNDLE", "SSL_CERT_FILE");
	env->ca_dir = env2("SSL_CERT_DIR", NULL);
}
