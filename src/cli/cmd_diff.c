/*
 * cmd_diff.c - `redline diff ITEM [REV [REV]] [--json] [--color=WHEN]`:
 * a word diff of two versions of a story, sentence by sentence, and the
 * figures that changed.
 */
#include "cli.h"
#include "output.h"
#include "redline/error.h"
#include "redline/history.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"redline diff ITEM [REV [REV]] [--json] [--color=auto|always|never]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Shows what changed in a story, word by word, one sentence a line.\n\n"
	       "   ITEM            id, id prefix, path or part of the title\n"
	       "   (no REV)        the story's last change\n"
	       "   REV             that revision against HEAD\n"
	       "   REV REV         the first revision against the second\n"
	       "   --color[=WHEN]  colour removed/added words: auto (default), always, never\n"
	       "   --json          one JSON object on stdout\n",
	       usage);
}

static json_t *diff_json(const rl_history_item *item, const rl_history_diff *d)
{
	json_t *o = json_object(), *segs = json_array(), *figs = json_array();

	if (o == NULL || segs == NULL || figs == NULL) {
		json_decref(o);
		json_decref(segs);
		json_decref(figs);
		return NULL;
	}
	json_object_set_new(o, "item", json_string(item->id));
	json_object_set_new(o, "title", out_json_str(item->title));
	json_object_set_new(o, "path", out_json_str(d->path));
	json_object_set_new(o, "from", d->from[0] ? json_string(d->from) : json_null());
	json_object_set_new(o, "to", json_string(d->to));
	for (size_t i = 0; i < d->words.n; i++) {
		json_t *s = json_object();
		json_object_set_new(s, "kind", json_string(rl_worddiff_kind_name(d->words.v[i].kind)));
		json_object_set_new(s, "text", out_json_str(d->words.v[i].text));
		json_array_append_new(segs, s);
	}
	json_object_set_new(o, "segments", segs);
	for (size_t i = 0; i < d->figures.n; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "old", out_json_str(d->figures.v[i].old));
		json_object_set_new(f, "new", out_json_str(d->figures.v[i].new));
		json_array_append_new(figs, f);
	}
	json_object_set_new(o, "figures", figs);
	return o;
}

static int print_diff(const rl_history_diff *d, int color)
{
	rl_buf text = RL_BUF_INIT(4 * (size_t)RL_HISTORY_STORY_MAX + 4096);
	unsigned flags = RL_WORDDIFF_RENDER_CHANGED | (color ? RL_WORDDIFF_RENDER_COLOR : 0);

	printf("%sdiff %s %.12s..%.12s%s\n", out_c(color, OUT_BOLD), d->path,
	       d->from[0] ? d->from : "(none)", d->to, out_c(color, OUT_RESET));
	if (rl_worddiff_render(&text, &d->words, flags) < 0 ||
	    (d->figures.n && (rl_buf_puts(&text, "figures: ") < 0 ||
			      rl_figures_format(&text, &d->figures) < 0 ||
			      rl_buf_putc(&text, '\n') < 0))) {
		rl_buf_release(&text);
		return cli_fail();
	}
	if (text.len && fwrite(text.ptr, 1, text.len, stdout) != text.len) {
		rl_buf_release(&text);
		return cli_error("cannot write to stdout");
	}
	rl_buf_release(&text);
	return CLI_OK;
}

int cmd_diff(int argc, char **argv, const struct cli *cli)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "color", optional_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rl_history_item item = { 0 };
	rl_history_diff diff = { 0 };
	rl_archive *archive = NULL;
	int c, json = 0, color = cli->color, status = CLI_OK;

	opterr = 0; /* our own messages, in git's form */
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'c':
			if (out_color_option(&color, optarg, cli) < 0)
				return cli_usage_error(usage, "--color wants auto, always or never, not '%s'",
						       optarg);
			break;
		case 'h':
			help();
			return CLI_OK;
		default:
			return cli_usage_error(usage, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind < 1)
		return cli_usage_error(usage, "which story?");
	if (argc - optind > 3)
		return cli_usage_error(usage, "too many arguments");
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;

	if (rl_history_resolve(&item, archive, argv[optind]) < 0 ||
	    rl_history_diff_compute(&diff, archive, item.path,
				    argc - optind > 1 ? argv[optind + 1] : NULL,
				    argc - optind > 2 ? argv[optind + 2] : NULL) < 0) {
		status = cli_fail();
		goto done;
	}
	status = json ? out_json(diff_json(&item, &diff)) : print_diff(&diff, color);
done:
	rl_history_diff_release(&diff);
	rl_history_item_clear(&item);
	rl_archive_free(archive);
	return status;
}
