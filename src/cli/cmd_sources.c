/*
 * cmd_sources.c - redline sources: the sources an archive watches.
 */
#include "cli.h"
#include "options.h"
#include "output.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/source.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void help(void)
{
	printf("usage: redline sources [--json]\n\nLists the sources the archive watches: name,\n"
	       "format, interval, whether stories are followed, URL.\n\n"
	       "   --json      one JSON array on stdout (intervals in seconds)\n");
}

static const struct cli_args args = { "redline sources [--json]", help, 0, 0, NULL, NULL };

int cmd_sources(int argc, char **argv, const struct cli *cli)
{
	rl_archive *archive = NULL;
	rl_source_config **configs = NULL;
	size_t n_configs = 0;
	json_t *list = NULL;
	char shown[2048];
	int json = 0, status = CLI_OK;
	const struct cli_opt options[] = { CLI_FLAG("json", 0, &json), CLI_OPT_END };

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_config_source_load_all(&configs, &n_configs, archive) < 0 ||
	    (json && !(list = json_array()))) {
		status = cli_fail();
		goto done;
	}
	for (size_t i = 0; i < n_configs; i++) {
		const rl_source_config *cfg = configs[i];
		if (json) {
			json_t *o = json_object(), *ignore = json_array();
			json_object_set_new(o, "name", json_string(cfg->name));
			json_object_set_new(o, "url", out_json_str(out_url(shown, sizeof(shown), cfg->url)));
			json_object_set_new(o, "format", json_string(rl_format_name(cfg->format)));
			json_object_set_new(o, "every", json_integer(cfg->every_seconds));
			json_object_set_new(o, "timeout", json_integer(cfg->timeout_seconds));
			json_object_set_new(o, "follow", json_boolean(cfg->follow));
			for (size_t k = 0; k < cfg->ignore.n; k++)
				json_array_append_new(ignore, json_string(cfg->ignore.v[k]));
			json_object_set_new(o, "ignore", ignore);
			json_object_set_new(o, "error", cfg->error ? json_string(cfg->error) : json_null());
			json_array_append_new(list, o);
		} else {
			char every[32];
			out_duration(every, sizeof(every), cfg->every_seconds);
			printf("%-16s %-5s every %-6s%s %s\n", cfg->name, rl_format_name(cfg->format),
			       every, cfg->follow ? " follow" : "       ",
			       cfg->url ? out_url(shown, sizeof(shown), cfg->url) : "(ingest only)");
			if (cfg->error)
				cli_warn("source '%s' is not usable: %s", cfg->name, cfg->error);
		}
	}
	if (json) {
		json_dumpf(list, stdout, JSON_INDENT(2));
		putchar('\n');
	}
done:
	json_decref(list);
	rl_config_source_list_free(configs, n_configs);
	rl_archive_free(archive);
	return status;
}
