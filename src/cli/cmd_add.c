/*
 * cmd_add.c - redline add: a source to watch, or new settings for one; they
 * are kept in the archive's git config as [source "NAME"].
 */
#include "cli.h"
#include "options.h"
#include "output.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char add_usage[] =
	"redline add NAME URL [--format F] [--every INTERVAL] [--timeout INTERVAL] [--follow]\n"
	"           [--select-item XPATH] [--select-title XPATH] [--select-link XPATH]\n"
	"           [--select-body XPATH] [--ignore REGEX]... [--header 'Name: value']...\n"
	"           [--follow-host HOST]... [--user-agent UA] [--keep-counters]";

static void help(void)
{
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
}

static const struct cli_args args = { add_usage, help, 2, 2, "need a NAME and a URL",
				      "need a NAME and a URL" };

/* The options into `cfg`, as cli_parse_options() does. */
static int parse_options(int *status, rl_source_config *cfg, int argc, char **argv,
			 const struct cli *cli)
{
	const struct cli_opt options[] = {
		CLI_CALL("format", 0, &cfg->format, cli_opt_format, NULL),
		CLI_CALL("every", 0, &cfg->every_seconds, cli_opt_interval, NULL),
		CLI_CALL("timeout", 0, &cfg->timeout_seconds, cli_opt_interval, NULL),
		CLI_FLAG("follow", 0, &cfg->follow),
		CLI_CALL("select-item", 0, &cfg->select_item, cli_opt_copy, NULL),
		CLI_CALL("select-title", 0, &cfg->select_title, cli_opt_copy, NULL),
		CLI_CALL("select-link", 0, &cfg->select_link, cli_opt_copy, NULL),
		CLI_CALL("select-body", 0, &cfg->select_body, cli_opt_copy, NULL),
		CLI_CALL("ignore", 0, &cfg->ignore, cli_opt_append, NULL),
		CLI_CALL("header", 0, &cfg->headers, cli_opt_append, NULL),
		CLI_CALL("follow-host", 0, &cfg->follow_hosts, cli_opt_append, NULL),
		CLI_CALL("user-agent", 0, &cfg->user_agent, cli_opt_copy, NULL),
		CLI_FLAG("keep-counters", 0, &cfg->keep_counters),
		CLI_OPT_END,
	};

	return cli_parse_options(status, argc, argv, options, &args, cli);
}

int cmd_add(int argc, char **argv, const struct cli *cli)
{
	rl_source_config *cfg = NULL, *existing = NULL;
	rl_archive *archive = NULL;
	char shown[2048];
	int status = CLI_OK, error = 0;

	/* the defaults, for the options to change; named once NAME is known
	 * (the options may come before it) */
	if (rl_source_config_new(&cfg, "") < 0)
		return cli_fail();
	if (parse_options(&status, cfg, argc, argv, cli))
		goto done;
	if (cli_opt_copy(&cfg->name, argv[optind]) < 0 ||
	    cli_opt_copy(&cfg->url, argv[optind + 1]) < 0 || rl_source_check(cfg) < 0) {
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
	printf("%s source '%s': %s (%s, every %ds%s)\n", error == 0 ? "Changed" : "Added", cfg->name,
	       out_url(shown, sizeof(shown), cfg->url), rl_format_name(cfg->format), cfg->every_seconds,
	       cfg->follow ? ", following stories" : "");
done:
	rl_source_config_free(existing);
	rl_source_config_free(cfg);
	rl_archive_free(archive);
	return status;
}
