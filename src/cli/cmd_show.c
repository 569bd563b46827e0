/*
 * cmd_show.c - `redline show ITEM[@REV] [--json]`: a story as it was.
 */
#include "cli.h"
#include "options.h"
#include "output.h"
#include "redline/error.h"
#include "redline/edits.h"
#include "redline/history.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "redline show ITEM[@REV] [--json]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Prints a story's file as of revision REV (default HEAD).\n\n"
	       "   ITEM            id, id prefix, SOURCE/ID, path or part of the title\n"
	       "   REV             anything git rev-parse understands (HEAD~2, a commit id)\n"
	       "   --json          one JSON object on stdout: headers, body, the story's\n"
	       "                   revision shown and the kinds of edit that made it\n",
	       usage);
}

static const struct cli_args args = { usage, help, 1, 1, "which story?", NULL };

static json_t *story_json(const rl_history_item *item, const rl_history_story *s,
			  const rl_edit_class *cls, const char *revision)
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
	/* the story's revision shown here, and what kind of edit made it */
	json_object_set_new(o, "revision", json_string(revision));
	out_class_json(o, cls);
	return o;
}

int cmd_show(int argc, char **argv, const struct cli *cli)
{
	rl_history_item item = { 0 };
	rl_history_story story = { 0 };
	rl_archive *archive = NULL;
	char *spec = NULL, *rev = NULL;
	int json = 0, status = CLI_OK;
	const struct cli_opt opts[] = { CLI_FLAG("json", 0, &json), CLI_OPT_END };

	if (cli_parse_options(&status, argc, argv, opts, &args, cli))
		return status;
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;
	if (cli_split_rev(&spec, &rev, archive, argv[optind]) != CLI_OK ||
	    cli_resolve_item(&item, archive, spec) != CLI_OK) {
		status = CLI_ERROR;
		goto done;
	}
	if (rl_history_show(&story, archive, item.path, rev) < 0) {
		status = cli_fail();
		goto done;
	}
	if (json) {
		rl_edit_class cls;
		char revision[GIT_OID_HEXSZ + 1];
		if (rl_edits_classify_at(&cls, revision, archive, item.path, rev) < 0) {
			status = cli_fail();
			goto done;
		}
		status = out_json(story_json(&item, &story, &cls, revision));
		rl_edit_class_release(&cls);
	}
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
