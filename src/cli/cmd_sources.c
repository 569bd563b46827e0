/*
 * cmd_sources.c - redline add / sources / rm: the sources an archive watches.
 */
#include "cli.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/schedule.h"
#include "redline/source.h"
#include "redline/timeutil.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char add_usage[] =
	"redline add NAME URL [--format F] [--every INTERVAL] [--timeout INTERVAL] [--follow]\n"
	"           [--select-item XPATH] [--select-title XPATH] [--select-link XPATH]\n"
	"           [--select-body XPATH] [--ignore REGEX]... [--header 'Name: value']...\n"
	"           [--user-agent UA] [--keep-counters]";

static int replace(char **field, const char *value)
{
	char *copy = strdup(value);
	if (copy == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	free(*field);
	*field = copy;
	return 0;
}

int cmd_add(int argc, char **argv, const struct cli *cli)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "every", required_argument, NULL, 'e' },
		{ "timeout", required_argument, NULL, 't' },
		{ "follow", no_argument, NULL, 'F' },
		{ "select-item", required_argument, NULL, 'I' },
		{ "select-title", required_argument, NULL, 'T' },
		{ "select-link", required_argument, NULL, 'L' },
		{ "select-body", required_argument, NULL, 'B' },
		{ "ignore", required_argument, NULL, 'x' },
		{ "header", required_argument, NULL, 'H' },
		{ "user-agent", required_argument, NULL, 'A' },
		{ "keep-counters", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_source_config *cfg = NULL, *existing = NULL;
	rl_archive *archive = NULL;
	int c, status = CLI_OK, error = 0;

	if (argc >= 2 && strcmp(argv[1], "--help") != 0 && argv[1][0] != '-' &&
	    rl_source_config_new(&cfg, argv[1]) < 0)
		return cli_fail();
	if (cfg == NULL && rl_source_config_new(&cfg, "help") < 0)
		return cli_fail();
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': error = rl_format_parse(&cfg->format, optarg); break;
		case 'e': error = rl_config_parse_interval(&cfg->every_seconds, optarg); break;
		case 't': error = rl_config_parse_interval(&cfg->timeout_seconds, optarg); break;
		case 'F': cfg->follow = 1; break;
		case 'I': error = replace(&cfg->select_item, optarg); break;
		case 'T': error = replace(&cfg->select_title, optarg); break;
		case 'L': error = replace(&cfg->select_link, optarg); break;
		case 'B': error = replace(&cfg->select_body, optarg); break;
		case 'x': error = rl_strvec_push(&cfg->ignore, optarg); break;
		case 'H': error = rl_strvec_push(&cfg->headers, optarg); break;
		case 'A': error = replace(&cfg->user_agent, optarg); break;
		case 'K': cfg->keep_counters = 1; break;
		case 'h':
			printf("usage: %s\n\nAdds (or changes) a source the archive watches; its settings are\n"
			       "kept in the archive's git config as [source \"NAME\"].\n", add_usage);
			goto done;
		default: status = cli_usage_error(add_usage, "unknown option"); goto done;
		}
		if (error < 0) {
			status = cli_usage_error(add_usage, "%s", rl_error_last());
			goto done;
		}
	}
	if (argc - optind != 2) {
		status = cli_usage_error(add_usage, "need a NAME and a URL");
		goto done;
	}
	if (replace(&cfg->url, argv[optind + 1]) < 0 || rl_source_check(cfg) < 0) {
		status = cli_fail();
		goto done;
	}
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		goto done;
	error = rl_config_source_load(&existing, archive, cfg->name);
	if ((error < 0 && error != RL_ENOTFOUND) || rl_config_source_save(archive, cfg) < 0) {
		status = cli_fail();
		goto done;
	}
	printf("%s source '%s': %s (%s, every %ds%s)\n", error == 0 ? "Changed" : "Added", cfg->name,
	       cfg->url, rl_format_name(cfg->format), cfg->every_seconds,
	       cfg->follow ? ", following stories" : "");
done:
	rl_source_config_free(existing);
	rl_source_config_free(cfg);
	rl_archive_free(archive);
	return status;
}

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

int cmd_rm(int argc, char **argv, const struct cli *cli)
{
	static const char usage[] = "redline rm NAME";
	rl_archive *archive = NULL;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("usage: %s\n\nStops watching a source. Its archived history stays.\n", usage);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_error(usage, "need exactly one source NAME");
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (rl_config_source_remove(archive, argv[1]) < 0 || rl_schedule_remove(archive, argv[1]) < 0)
		status = cli_fail();
	else
		printf("Removed source '%s'; its history stays in the archive.\n", argv[1]);
	rl_archive_free(archive);
	return status;
}
