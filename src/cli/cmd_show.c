/*
 * cmd_show.c - `redline show ITEM[@REV] [--json]`: a story as it was.
 */
#include "cli.h"
#include "output.h"
#include "redline/error.h"
#include "redline/history.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "redline show ITEM[@REV] [--json]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Prints a story's file as of revision REV (default HEAD).\n\n"
	       "   ITEM            id, id prefix, path or part of the title\n"
	       "   REV             anything git rev-parse understands (HEAD~2, a commit id)\n"
	       "   --json          one JSON object on stdout\n",
	       usage);
}

static json_t *story_json(const rl_history_item *item, const rl_history_story *s)
{
	json_t *o = json_object(), *headers = json_object(), *body = json_array();

	if (o == NULL || headers == NULL || body == NULL) {
		json_decref(o);
		json_decref(headers);
		json_decref(body);
		return NULL;
	}
	json_object_set_new(o, "item", json_string(item->id));
	json_object_set_new(o, "path", out_json_str(s->path));
	json_object_set_new(o, "commit", json_string(s->commit));
	for (size_t i = 0; i < s->header_names.n; i++)
		json_object_set_new(headers, s->header_names.v[i], out_json_str(s->header_values.v[i]));
	json_object_set_new(o, "headers", headers);
	for (size_t i = 0; i < s->body.n; i++)
		json_array_append_new(body, out_json_str(s->body.v[i]));
	json_object_set_new(o, "body", body);
	return o;
}

int cmd_show(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_history_item item = { 0 };
	rl_history_story story = { 0 };
	rl_archive *archive = NULL;
	char *spec = NULL, *rev = NULL;
	int c, json = 0, status = CLI_OK;

	opterr = 0; /* our own messages, in git's form */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
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
	if (argc - optind != 1)
		return cli_usage_error(usage, argc == optind ? "which story?" : "too many arguments");
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;

	if (rl_history_split_rev(&spec, &rev, archive, argv[optind]) < 0 ||
	    rl_history_resolve(&item, archive, spec) < 0 ||
	    rl_history_show(&story, archive, item.path, rev) < 0) {
		status = cli_fail();
		goto done;
	}
	if (json)
		status = out_json(story_json(&item, &story));
	else if (fputs(story.text, stdout) == EOF || fflush(stdout) == EOF)
		status = cli_error("cannot write to stdout");
done:
	rl_history_story_release(&story);
	rl_history_item_clear(&item);
	free(spec);
	free(rev);
	rl_archive_free(archive);
	return status;
}
