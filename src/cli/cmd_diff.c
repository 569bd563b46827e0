/*
 * cmd_diff.c - `redline diff ITEM|SOURCE [REV [REV]] [-U N] [--json]
 * [--color=WHEN]`: what changed in a story, sentences matched first and
 * then diffed word by word, with the kinds of edit and the figures; or the
 * last snapshot of a source, story by story, and its page as stories
 * added, removed and moved.
 */
#include "cli.h"
#include "options.h"
#include "output.h"
#include "redline/error.h"
#include "redline/history.h"
#include "redline/readdiff.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"redline diff ITEM|SOURCE [REV [REV]] [-U N] [--json] [--color[=WHEN]]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Shows what changed in a story: the headline on top, the kinds of edit\n"
	       "(headline, added, removed, edited, moved, figures, quotes, correction,\n"
	       "minor, revert) and the figures that changed, then the body sentence by\n"
	       "sentence.  Sentences are matched across the versions first: a matched\n"
	       "sentence is diffed word by word ([-old-]{+new+}), an unmatched one is\n"
	       "shown whole, and a sentence that changed place is shown as moved.\n"
	       "Marks: '~' edited, '+' added, '-' removed, '>' moved, ' ' unchanged.\n\n"
	       "   ITEM            a story: id, id prefix, SOURCE/ID, path or part of the title\n"
	       "   SOURCE          the last snapshot of that source: each story it changed,\n"
	       "                   and its page (INDEX) as stories added, removed and moved\n"
	       "   (no REV)        the story's last revision against its previous revision\n"
	       "   REV             that revision against HEAD\n"
	       "   REV REV         the first revision against the second\n"
	       "   -U, --unified N show N unchanged sentences around each change (default 1)\n"
	       "   --color[=WHEN]  colour removed/added words: auto (default: only when\n"
	       "                   stdout is a terminal), always, never\n"
	       "   --json          one JSON object on stdout, with the same structure\n",
	       usage);
}

static const struct cli_args args = { usage, help, 1, 3, "which story?", NULL };

/* ---- JSON ----------------------------------------------------------- */

static json_t *segments_json(json_t *arr, const rl_worddiff *w)
{
	for (size_t i = 0; i < w->n; i++) {
		json_t *s = json_object();
		json_object_set_new(s, "kind", json_string(rl_worddiff_kind_name(w->v[i].kind)));
		json_object_set_new(s, "text", out_json_str(w->v[i].text));
		json_array_append_new(arr, s);
	}
	return arr;
}

static json_t *rdiff_json(const rl_rdiff *d)
{
	json_t *o = json_object(), *sent = json_array(), *segs = json_array();

	json_object_set_new(o, "path", out_json_str(d->path));
	json_object_set_new(o, "from", d->from[0] ? json_string(d->from) : json_null());
	json_object_set_new(o, "to", json_string(d->to));
	if (d->is_index) {
		json_t *ix = json_array();
		for (size_t i = 0; i < d->n_ix; i++) {
			const rl_index_change *c = &d->ix[i];
			json_t *e = json_object();
			json_object_set_new(e, "kind", json_string(c->kind));
			json_object_set_new(e, "id", out_json_str(c->id));
			json_object_set_new(e, "title", out_json_str(c->title));
			json_object_set_new(e, "old_title", out_json_str(c->old_title));
			json_object_set_new(e, "old_place", c->old_pos ? json_integer((json_int_t)c->old_pos) : json_null());
			json_object_set_new(e, "new_place", c->new_pos ? json_integer((json_int_t)c->new_pos) : json_null());
			json_array_append_new(ix, e);
		}
		json_object_set_new(o, "index", ix);
		json_decref(sent);
		json_decref(segs);
		return o;
	}
	out_class_json(o, &d->cls);
	if (d->title_words.n) {
		json_t *h = json_object();
		json_object_set_new(h, "old", out_json_str(d->old_title));
		json_object_set_new(h, "new", out_json_str(d->new_title));
		json_object_set_new(h, "segments", segments_json(json_array(), &d->title_words));
		json_object_set_new(o, "headline", h);
		segments_json(segs, &d->title_words);
	} else {
		json_object_set_new(o, "headline", json_null());
	}
	for (size_t i = 0; i < d->n; i++) {
		const rl_rdiff_block *b = &d->v[i];
		json_t *s = json_object();
		json_object_set_new(s, "op", json_string(rl_align_op_name(b->op)));
		json_object_set_new(s, "old", out_json_str(b->old));
		json_object_set_new(s, "new", out_json_str(b->new));
		json_object_set_new(s, "old_no", b->old_no ? json_integer((json_int_t)b->old_no) : json_null());
		json_object_set_new(s, "new_no", b->new_no ? json_integer((json_int_t)b->new_no) : json_null());
		if (b->words.n) {
			json_object_set_new(s, "segments", segments_json(json_array(), &b->words));
			segments_json(segs, &b->words);
		}
		json_array_append_new(sent, s);
	}
	json_object_set_new(o, "sentences", sent);
	/* every word-level change in reading order, headline first */
	json_object_set_new(o, "segments", segs);
	return o;
}

/* ---- text ----------------------------------------------------------- */

static int print_rdiff(const rl_rdiff *d, size_t context, int color)
{
	rl_buf text = RL_BUF_INIT(64u * 1024 * 1024);
	int status = CLI_OK;

	if (rl_buf_printf(&text, "%sdiff %s %.12s..%.12s%s\n", out_c(color, OUT_BOLD), d->path,
			  d->from[0] ? d->from : "(none)", d->to, out_c(color, OUT_RESET)) < 0 ||
	    rl_rdiff_render_text(&text, d, context, color ? RL_RDIFF_COLOR : 0) < 0)
		status = cli_fail();
	else if (text.len && fwrite(text.ptr, 1, text.len, stdout) != text.len)
		status = cli_error("cannot write to stdout");
	rl_buf_release(&text);
	return status;
}

static int diff_source(rl_archive *archive, const char *source, size_t context, int json, int color)
{
	rl_rdiff *d = NULL;
	size_t n = 0;
	char commit[GIT_OID_HEXSZ + 1];
	int status = CLI_OK;

	if (rl_rdiff_source(&d, &n, commit, archive, source) < 0)
		return cli_fail();
	if (json) {
		json_t *o = json_object(), *arr = json_array();
		json_object_set_new(o, "source", json_string(source));
		json_object_set_new(o, "commit", json_string(commit));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, rdiff_json(&d[i]));
		json_object_set_new(o, "files", arr);
		status = out_json(o);
	} else {
		printf("%ssnapshot %.12s of %s: %zu file%s changed%s\n", out_c(color, OUT_YELLOW), commit,
		       source, n, n == 1 ? "" : "s", out_c(color, OUT_RESET));
		for (size_t i = 0; i < n && status == CLI_OK; i++)
			status = print_rdiff(&d[i], context, color);
	}
	rl_rdiffs_free(d, n);
	return status;
}

int cmd_diff(int argc, char **argv, const struct cli *cli)
{
	rl_history_item item = { 0 };
	rl_rdiff diff = { 0 };
	rl_archive *archive = NULL;
	int json = 0, color = cli->color, status = CLI_OK;
	size_t context = 1;
	const struct cli_opt opts[] = {
		CLI_FLAG("json", 0, &json),
		CLI_COLOR(&color),
		CLI_SIZE("unified", 'U', &context, 0, 100000, "-U wants a number of sentences, not"),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, opts, &args, cli))
		return status;
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;
	if (argc - optind == 1 && rl_history_is_source(archive, argv[optind])) {
		status = diff_source(archive, argv[optind], context, json, color);
		goto done;
	}
	if (cli_resolve_item(&item, archive, argv[optind]) != CLI_OK) {
		status = CLI_ERROR;
		goto done;
	}
	if (rl_rdiff_history(&diff, archive, item.path, argc - optind > 1 ? argv[optind + 1] : NULL,
			     argc - optind > 2 ? argv[optind + 2] : NULL) < 0) {
		status = cli_fail();
		goto done;
	}
	if (json) {
		json_t *o = rdiff_json(&diff);
		json_object_set_new(o, "item", json_string(item.id));
		json_object_set_new(o, "title", out_json_str(item.title));
		status = out_json(o);
	} else {
		status = print_rdiff(&diff, context, color);
	}
done:
	rl_rdiff_release(&diff);
	rl_history_item_clear(&item);
	rl_archive_free(archive);
	return status;
}
