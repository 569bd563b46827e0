/*
 * cmd_status.c - redline status: how each source is doing.
 */
#include "cli.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/fetch.h"
#include "redline/schedule.h"
#include "redline/timeutil.h"

#include <getopt.h>
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

int cmd_status(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] = "redline status [--json]";
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_archive *archive = NULL;
	rl_strvec names = RL_STRVEC_INIT;
	struct http_view hv;
	json_t *list = NULL;
	int64_t now = (int64_t)time(NULL);
	int c, json = 0, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'h') {
			printf("usage: %s\n\nA table: source, last fetch, HTTP status, stories on the page,\n"
			       "last change, next due, consecutive errors and the last error.\n", usage);
			return CLI_OK;
		} else {
			return cli_usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "too many arguments");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (http_view_load(&hv, archive) < 0 || rl_config_source_list(&names, archive) < 0 ||
	    (json && !(list = json_array()))) {
		status = cli_fail();
		goto done;
	}
	warn_insecure(&hv, &names);
	if (!json && names.n)
		printf("%-16s %-9s %-4s %5s %-9s %-9s %4s  %s\n", "SOURCE", "FETCHED", "HTTP", "ITEMS",
		       "CHANGED", "NEXT", "ERRS", "LAST ERROR");
	for (size_t i = 0; i < names.n; i++) {
		rl_schedule_state *fs = NULL;
		char fetched[32], changed[32], next[32];

		if (rl_schedule_load(&fs, archive, names.v[i]) < 0) {
			status = cli_fail();
			goto done;
		}
		if (json) {
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
			json_http(o, &hv, fs->source);
			json_array_append_new(list, o);
		} else {
			relative(fetched, sizeof(fetched), fs->last_fetch, now);
			relative(changed, sizeof(changed), fs->last_change, now);
			if (fs->next_due && fs->next_due <= now)
				snprintf(next, sizeof(next), "now");
			else
				relative(next, sizeof(next), fs->next_due, now);
			printf("%-16s %-9s %-4d %5zu %-9s %-9s %4d  %s\n", fs->source, fetched,
			       fs->last_status, fs->items, changed, fs->last_fetch ? next : "now",
			       fs->failures, fs->last_error ? fs->last_error : "");
		}
		rl_schedule_free(fs);
	}
	if (json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		putchar('\n');
	}
done:
	http_view_release(&hv);
	json_decref(list);
	rl_strvec_release(&names);
	rl_archive_free(archive);
	return status;
}
