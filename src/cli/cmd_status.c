/*
 * cmd_status.c - redline status: how each source is doing.
 */
#include "cli.h"
#include "options.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/fetch.h"
#include "redline/fetchlog.h"
#include "redline/remote.h"
#include "redline/shard.h"
#include "redline/schedule.h"
#include "redline/timeutil.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *time_or_null(int64_t t)
{
	char when[RL_TIME_ISO_SIZE];
	if (t == 0)
		return json_null();
	rl_time_format_iso8601(when, t);
	return json_string(when);
}

/* "3m ago", "in 5m", "-" for never: a table for people. */
static void relative(char *out, size_t size, int64_t t, int64_t now)
{
	int64_t d = t > now ? t - now : now - t;
	const char *unit = "s";

	if (t == 0) {
		snprintf(out, size, "-");
		return;
	}
	if (d >= 86400) {
		d /= 86400;
		unit = "d";
	} else if (d >= 3600) {
		d /= 3600;
		unit = "h";
	} else if (d >= 60) {
		d /= 60;
		unit = "m";
	}
	if (t > now)
		snprintf(out, size, "in %lld%s", (long long)d, unit);
	else
		snprintf(out, size, "%lld%s ago", (long long)d, unit);
}

/* `status --history SOURCE`: every fetch from the fetch log, then each
 * version of the page with when it was first and last seen. */
static int print_history(rl_archive *archive, const char *source, int64_t since, int json)
{
	rl_fetchlog_entry *v = NULL;
	size_t n = 0, bad = 0;
	char when[RL_TIME_ISO_SIZE], last[RL_TIME_ISO_SIZE];
	json_t *list = NULL;
	int status = CLI_OK;

	if (rl_fetchlog_read(&v, &n, &bad, archive, source, since) < 0)
		return cli_fail();
	if (json) {
		list = json_array();
		for (size_t i = 0; list && i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "time", time_or_null(v[i].time));
			json_object_set_new(o, "http_status", json_integer(v[i].status));
			json_object_set_new(o, "outcome", json_string(v[i].outcome));
			json_object_set_new(o, "version", strcmp(v[i].version, "-") ?
					    json_string(v[i].version) : json_null());
			json_object_set_new(o, "commit", strcmp(v[i].commit, "-") ?
					    json_string(v[i].commit) : json_null());
			json_array_append_new(list, o);
		}
		if (list == NULL || json_dumpf(list, stdout, JSON_INDENT(2)) < 0)
			status = cli_error("cannot write JSON");
		else
			putchar('\n');
		json_decref(list);
		free(v);
		return status;
	}
	if (n)
		printf("%-20s %4s %-12s %-32s %s\n", "TIME", "HTTP", "OUTCOME", "VERSION (XXH3)",
		       "COMMIT");
	for (size_t i = 0; i < n; i++) {
		rl_time_format_iso8601(when, v[i].time);
		printf("%-20s %4ld %-12s %-32s %.12s\n", when, v[i].status, v[i].outcome,
		       v[i].version, v[i].commit);
	}
	/* Runs of one version: the page said this from its first to its last fetch. */
	for (size_t i = 0; i < n;) {
		size_t j = i, fetches = 0;
		if (strcmp(v[i].version, "-") == 0) {
			i++;
			continue;
		}
		while (j < n && (strcmp(v[j].version, v[i].version) == 0 ||
				 strcmp(v[j].outcome, "failed") == 0)) {
			fetches += strcmp(v[j].outcome, "failed") != 0;
			j++;
		}
		rl_time_format_iso8601(when, v[i].time);
		for (size_t k = j; k-- > i;)
			if (strcmp(v[k].outcome, "failed") != 0) {
				rl_time_format_iso8601(last, v[k].time);
				break;
			}
		printf("version %s first seen %s, last seen %s (%zu fetch%s)\n", v[i].version, when,
		       last, fetches, fetches == 1 ? "" : "es");
		i = j;
	}
	if (n == 0)
		printf("no fetch of '%s' logged yet\n", source);
	if (bad)
		cli_warn("%zu malformed line%s in the fetch log of '%s' skipped", bad,
			 bad == 1 ? "" : "s", source);
	free(v);
	return status;
}

/* The http settings of every source, to warn about the unsafe ones. */
struct http_view {
	rl_source_config **configs;
	size_t n;
	rl_http_config archive;
};

static int http_view_load(struct http_view *hv, rl_archive *archive)
{
	memset(hv, 0, sizeof(*hv));
	rl_http_config_init(&hv->archive);
	if (rl_config_source_load_all(&hv->configs, &hv->n, archive) < 0 ||
	    rl_config_http_load(&hv->archive, archive) < 0)
		return -1;
	return 0;
}

static void http_view_release(struct http_view *hv)
{
	rl_config_source_list_free(hv->configs, hv->n);
	rl_http_config_release(&hv->archive);
}

/* What applies to source `name`; 0 when it has no settings of its own. */
static int http_of(rl_http_config *out, const struct http_view *hv, const char *name)
{
	for (size_t i = 0; i < hv->n; i++)
		if (strcmp(hv->configs[i]->name, name) == 0) {
			rl_http_config_effective(out, &hv->configs[i]->http, &hv->archive);
			return 1;
		}
	return 0;
}

static const char insecure_text[] =
	"TLS certificate verification is OFF (http.sslVerify = false)";

/* Loud, on stderr, whatever the output format: never lost in a pipe to jq. */
static void warn_insecure(const struct http_view *hv, const rl_strvec *names)
{
	rl_http_config h;

	for (size_t i = 0; i < names->n; i++)
		if (http_of(&h, hv, names->v[i]) && h.ssl_verify == 0)
			cli_warn("%s: %s", names->v[i], insecure_text);
}

/* "tls_verify" and the proxy (its password masked) of one source. */
static void json_http(json_t *o, const struct http_view *hv, const char *name)
{
	rl_http_config h;
	char *proxy;

	if (!http_of(&h, hv, name))
		return;
	json_object_set_new(o, "tls_verify", json_boolean(h.ssl_verify != 0));
	proxy = rl_fetch_proxy_shown(h.proxy);
	json_object_set_new(o, "proxy", proxy ? json_string(proxy) : json_null());
	free(proxy);
}

/* How far each remote is behind this archive's main: what the last push
 * sent, how many commits came since, and the push's failures. */
static int show_remotes(rl_archive *archive, int json, int64_t now)
{
	rl_strvec names = RL_STRVEC_INIT;
	json_t *list = json ? json_array() : NULL;
	int rc = 0;

	if ((rc = rl_remote_list(&names, archive)) < 0)
		goto done;
	if (!json && names.n)
		printf("\n%-12s %-28s %6s %6s %-9s %-9s %4s  %s\n", "REMOTE", "BRANCH", "AHEAD",
		       "BEHIND", "PUSHED", "NEXT", "ERRS", "LAST ERROR");
	for (size_t i = 0; i < names.n; i++) {
		rl_push_state *ps = NULL;
		size_t ahead = 0, behind = 0;
		char pushed[32], next[32];

		if (rl_remote_check_name(names.v[i]) < 0) {
			rl_error_clear();
			continue;
		}
		if ((rc = rl_push_state_load(&ps, archive, names.v[i])) < 0 ||
		    (rc = rl_push_state_ahead_behind(&ahead, &behind, archive, ps)) < 0) {
			rl_push_state_free(ps);
			goto done;
		}
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "remote", json_string(ps->remote));
			json_object_set_new(o, "branch", ps->dst_ref ? json_string(ps->dst_ref) : json_null());
			json_object_set_new(o, "pushed", ps->has_pushed
					    ? json_string(git_oid_tostr_s(&ps->pushed)) : json_null());
			json_object_set_new(o, "ahead", json_integer((json_int_t)ahead));
			json_object_set_new(o, "behind", json_integer((json_int_t)behind));
			json_object_set_new(o, "last_push", time_or_null(ps->last_success));
			json_object_set_new(o, "next_try", time_or_null(ps->next_try));
			json_object_set_new(o, "errors", json_integer(ps->failures));
			json_object_set_new(o, "last_error",
					    ps->last_error ? json_string(ps->last_error) : json_null());
			json_array_append_new(list, o);
		} else {
			relative(pushed, sizeof(pushed), ps->last_success, now);
			if (ps->next_try > now)
				relative(next, sizeof(next), ps->next_try, now);
			else
				snprintf(next, sizeof(next), "%s", ps->has_pushed || ps->failures ? "next cycle" : "-");
			printf("%-12s %-28s %6zu %6zu %-9s %-9s %4d  %s\n", ps->remote,
			       ps->dst_ref ? ps->dst_ref : "-", ahead, behind, pushed, next, ps->failures,
			       ps->last_error ? ps->last_error : "");
		}
		rl_push_state_free(ps);
	}
	if (json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		putchar('\n');
	}
done:
	json_decref(list);
	rl_strvec_release(&names);
	return rc;
}

/* One source's fetch status, as an object of `status --json`. */
static json_t *source_json(const rl_schedule_state *fs, const struct http_view *hv)
{
	json_t *o = json_object();

	json_object_set_new(o, "source", json_string(fs->source));
	json_object_set_new(o, "last_fetch", time_or_null(fs->last_fetch));
	json_object_set_new(o, "last_success", time_or_null(fs->last_success));
	json_object_set_new(o, "http_status",
			    fs->last_status ? json_integer(fs->last_status) : json_null());
	json_object_set_new(o, "items", json_integer((json_int_t)fs->items));
	json_object_set_new(o, "last_change", time_or_null(fs->last_change));
	json_object_set_new(o, "next_due", time_or_null(fs->next_due));
	json_object_set_new(o, "errors", json_integer(fs->failures));
	json_object_set_new(o, "last_error",
			    fs->last_error ? json_string(fs->last_error) : json_null());
	json_http(o, hv, fs->source);
	return o;
}

/* One source's fetch status, as a row of the table. */
static void print_source(const rl_schedule_state *fs, int64_t now)
{
	char fetched[32], changed[32], next[32];

	relative(fetched, sizeof(fetched), fs->last_fetch, now);
	relative(changed, sizeof(changed), fs->last_change, now);
	if (fs->next_due && fs->next_due <= now)
		snprintf(next, sizeof(next), "now");
	else
		relative(next, sizeof(next), fs->next_due, now);
	printf("%-16s %-9s %-4d %5zu %-9s %-9s %4d  %s\n", fs->source, fetched, fs->last_status,
	       fs->items, changed, fs->last_fetch ? next : "now", fs->failures,
	       fs->last_error ? fs->last_error : "");
}

static const char usage[] =
	"redline status [--json] [--history SOURCE [--since TIME]] [--remotes]";

static void help(void)
{
	printf("usage: %s\n\nA table: source, last fetch, HTTP status, stories on the page,\n"
	       "last change, next due, consecutive errors and the last error; then\n"
	       "each remote: the branch pushed to, commits not pushed yet (AHEAD),\n"
	       "the last push and its errors.\n\n"
	       "   --json             one JSON array on stdout\n"
	       "   --remotes          only the remotes\n"
	       "   --history SOURCE   every fetch of SOURCE from its fetch log, and when\n"
	       "                      each version of the page was first and last seen\n"
	       "   --since TIME       with --history: only fetches from TIME on\n"
	       "                      (2026-11-28, 2026-11-28T10:00:00Z); the fetch log's\n"
	       "                      day files of earlier days are not read\n", usage);
}

static const struct cli_args args = { usage, help, 0, 0, NULL, NULL };

int cmd_status(int argc, char **argv, const struct cli *cli)
{
	rl_archive *archive = NULL;
	rl_strvec names = RL_STRVEC_INIT;
	rl_shard shard = { 0, 0 };
	rl_schedule_book *book = NULL;
	struct http_view hv;
	json_t *list = NULL;
	int64_t now = (int64_t)time(NULL);
	const char *history = NULL, *since_text = NULL;
	int64_t since = 0;
	int json = 0, remotes = 0, status;
	const struct cli_opt opts[] = {
		CLI_FLAG("json", 0, &json),
		CLI_STRING("history", 0, &history),
		CLI_STRING("since", 0, &since_text),
		CLI_FLAG("remotes", 0, &remotes),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, opts, &args, cli))
		return status;
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (since_text && (!history || rl_time_parse_iso8601(&since, since_text) < 0)) {
		rl_error_clear();
		rl_archive_free(archive);
		return cli_usage_error(usage, "--since takes a time (2026-11-28 or "
				       "2026-11-28T10:00:00Z) and goes with --history");
	}
	if (history) {
		status = print_history(archive, history, since, json);
		rl_archive_free(archive);
		return status;
	}
	if (remotes) {
		status = show_remotes(archive, json, now) < 0 ? cli_fail() : CLI_OK;
		rl_archive_free(archive);
		return status;
	}
	if (http_view_load(&hv, archive) < 0 || cli_shard_default(&shard, archive) < 0 ||
	    rl_config_source_list(&names, archive) < 0 ||
	    (json && !(list = json_array()))) {
		status = cli_fail();
		goto done;
	}
	warn_insecure(&hv, &names);
	if (!json && names.n)
		printf("%-16s %-9s %-4s %5s %-9s %-9s %4s  %s\n", "SOURCE", "FETCHED", "HTTP", "ITEMS",
		       "CHANGED", "NEXT", "ERRS", "LAST ERROR");
	if (rl_schedule_book_load(&book, archive) < 0) {
		status = cli_fail();
		goto done;
	}
	if (rl_schedule_book_damage(book))
		fprintf(stderr, "warning: %s\n", rl_schedule_book_damage(book));
	for (size_t i = 0; i < names.n; i++) {
		rl_schedule_state *fs = NULL;

		if (!rl_shard_takes(&shard, names.v[i]))
			continue; /* redline.shard: another worker's source */
		if (rl_schedule_book_get(&fs, book, names.v[i]) < 0) {
			status = cli_fail();
			goto done;
		}
		if (json)
			json_array_append_new(list, source_json(fs, &hv));
		else
			print_source(fs, now);
		rl_schedule_free(fs);
	}
	if (json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (show_remotes(archive, 0, now) < 0) {
		status = cli_fail();
	}
done:
	rl_schedule_book_free(book);
	http_view_release(&hv);
	json_decref(list);
	rl_strvec_release(&names);
	rl_archive_free(archive);
	return status;
}
