/*
 * cmd_log.c - `redline log [SOURCE|ITEM] [-n N] [--json]`: the snapshots
 * of the archive, of one source, or of one story with what changed in it.
 */
#include "cli.h"
#include "output.h"
#include "redline/error.h"
#include "redline/history.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "redline log [SOURCE|ITEM] [-n N] [--json]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Lists the snapshots that changed the archive, newest first.\n\n"
	       "   SOURCE          only the snapshots of that source\n"
	       "   ITEM            only the revisions of one story (id, id prefix, path or\n"
	       "                   part of its title), each with what changed in it\n"
	       "   -n, --max-count N  show at most N revisions\n"
	       "   --json          one JSON array on stdout\n",
	       usage);
}

static json_t *entry_json(const rl_history_entry *e)
{
	char when[OUT_TIME_SIZE];
	json_t *o = json_object(), *changes = json_array();

	out_time_iso(when, e->time);
	if (o == NULL || changes == NULL) {
		json_decref(o);
		json_decref(changes);
		return NULL;
	}
	json_object_set_new(o, "commit", json_string(e->commit));
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "subject", out_json_str(e->subject));
	json_object_set_new(o, "summary", out_json_str(e->summary ? e->summary : e->subject));
	for (size_t i = 0; i < e->n_changes; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "kind", json_string(e->changes[i].kind));
		json_object_set_new(c, "id", json_string(e->changes[i].id));
		json_object_set_new(c, "title", out_json_str(e->changes[i].title));
		json_array_append_new(changes, c);
	}
	json_object_set_new(o, "changes", changes);
	return o;
}

static void print_entry(const rl_history_entry *e, int color)
{
	char when[OUT_TIME_SIZE];

	out_time_iso(when, e->time);
	when[10] = ' ';
	when[16] = '\0'; /* "2026-11-28 10:00", always UTC */
	printf("%s%.12s%s %s %s\n", out_c(color, OUT_YELLOW), e->commit, out_c(color, OUT_RESET),
	       when, e->subject);
	if (e->summary)
		printf("    %s\n", e->summary);
}

int cmd_log(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "max-count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_history_log_options opts = { 0 };
	rl_history_log log = RL_HISTORY_LOG_INIT;
	rl_history_item item = { 0 };
	rl_archive *archive = NULL;
	int c, json = 0, status = CLI_OK;
	char *end;
	long max;

	opterr = 0; /* our own messages, in git's form */
	while ((c = getopt_long(argc, argv, "n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			max = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || max < 1)
				return cli_usage_error(usage, "-n wants a positive number, not '%s'", optarg);
			opts.max = (size_t)max;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			help();
			return CLI_OK;
		default:
			return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(usage, "too many arguments");
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;

	if (optind < argc) {
		if (rl_history_is_source(archive, argv[optind])) {
			opts.source = argv[optind];
		} else if (rl_history_resolve(&item, archive, argv[optind]) < 0) {
			status = cli_fail();
			goto done;
		} else {
			opts.item_path = item.path;
		}
	}
	if (rl_history_log_read(&log, archive, &opts) < 0) {
		status = cli_fail();
		goto done;
	}
	if (json) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < log.n; i++)
			json_array_append_new(arr, entry_json(&log.v[i]));
		status = out_json(arr);
	} else {
		for (size_t i = 0; i < log.n; i++)
			print_entry(&log.v[i], cli->color);
	}
done:
	rl_history_log_release(&log);
	rl_history_item_clear(&item);
	rl_archive_free(archive);
	return status;
}
