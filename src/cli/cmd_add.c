/*
 * cmd_add.c - redline add: a source to watch, or new settings for one; they
 * are kept in the archive's git config as [source "NAME"].
 */
#include "cli.h"
#include "output.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/source.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char add_usage[] =
	"redline add NAME URL [--format F] [--every INTERVAL] [--timeout INTERVAL] [--follow]\n"
	"           [--select-item XPATH] [--select-title XPATH] [--select-link XPATH]\n"
	"           [--select-body XPATH] [--ignore REGEX]... [--header 'Name: value']...\n"
	"           [--follow-host HOST]... [--user-agent UA] [--keep-counters]";

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
		{ "follow-host", required_argument, NULL, 'O' },
		{ "user-agent", required_argument, NULL, 'A' },
		{ "keep-counters", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_source_config *cfg = NULL, *existing = NULL;
	rl_archive *archive = NULL;
	char shown[2048], every[32];
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
		case 'O': error = rl_strvec_push(&cfg->follow_hosts, optarg); break;
		case 'A': error = replace(&cfg->user_agent, optarg); break;
		case 'K': cfg->keep_counters = 1; break;
		case 'h':
			printf("usage: %s\n\nAdds (or changes) a source the archive watches; its settings are\n"
			       "kept in the archive's git config as [source \"NAME\"].\n\n"
			       "   NAME                a name for the source: letters, digits, '.', '_', '-'\n"
			       "   URL                 the page or feed to fetch (http, https; file for a file)\n"
			       "   --format F          auto (default: sniffed), text, html, rss or atom\n"
			       "   --every INTERVAL    how often to fetch it: 30s, 10m, 1h, 1d (default 10m)\n"
			       "   --timeout INTERVAL  give up on a fetch after this long (default 30s)\n"
			       "   --follow            also fetch each story's own page (feeds of links)\n"
			       "   --select-item XPATH    an HTML page's stories (one node each)\n"
			       "   --select-title XPATH   a story's title, within its node\n"
			       "   --select-link XPATH    a story's link, within its node\n"
			       "   --select-body XPATH    a story's body, within its node\n"
			       "   --ignore REGEX      text to leave out before comparing (repeatable)\n"
			       "   --header 'Name: value'  an HTTP header to send (repeatable)\n"
			       "   --user-agent UA     the User-Agent to send\n", add_usage);
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
	if (error == 0) {
		/* TLS and proxy settings (sslCAInfo, proxy...) have no options
		 * here: changing a source keeps them. */
		cfg->http = existing->http;
		rl_http_config_init(&existing->http);
	}
	if ((error < 0 && error != RL_ENOTFOUND) || rl_config_source_save(archive, cfg) < 0) {
		status = cli_fail();
		goto done;
	}
	out_duration(every, sizeof(every), cfg->every_seconds); /* as `sources` says it */
	printf("%s source '%s': %s (%s, every %s%s)\n", error == 0 ? "Changed" : "Added", cfg->name,
	       out_url(shown, sizeof(shown), cfg->url), rl_format_name(cfg->format), every,
	       cfg->follow ? ", following stories" : "");
done:
	rl_source_config_free(existing);
	rl_source_config_free(cfg);
	rl_archive_free(archive);
	return status;
}
