/*
 * cmd_sources.c - redline sources: the sources an archive watches.
 */
#include "cli.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/source.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_sources(int argc, char **argv, const struct cli *cli)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_archive *archive = NULL;
	rl_source_config **configs = NULL;
	size_t n_configs = 0;
	json_t *list = NULL;
	int c, json = 0, status = CLI_OK;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'h') {
			printf("usage: redline sources [--json]\n\nLists the sources the archive watches.\n");
			return CLI_OK;
		} else {
			return cli_usage_error("redline sources [--json]", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("redline sources [--json]", "too many arguments");
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
			json_object_set_new(o, "url", cfg->url ? json_string(cfg->url) : json_null());
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
			printf("%-16s %-5s every %-6d%s %s\n", cfg->name, rl_format_name(cfg->format),
			       cfg->every_seconds, cfg->follow ? " follow" : "       ",
			       cfg->url ? cfg->url : "(ingest only)");
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
