/*
 * cmd_log.c - `redline log [SOURCE|ITEM] [-n N] [--json]`: the snapshots
 * of the archive, of one source, or of one story with what changed in it.
 */
#include "cli.h"
#include "options.h"
#include "output.h"
#include "redline/error.h"
#include "redline/edits.h"
#include "redline/history.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] = "redline log [SOURCE|ITEM] [-n N] [--kind KINDS] [--json]";

static void help(void)
{
	printf("usage: %s\n\n"
	       "Lists the snapshots that changed the archive, newest first (in git log's\n"
	       "order), each story they changed with the kinds of its edit.\n\n"
	       "   SOURCE          only the snapshots of that source\n"
	       "   ITEM            only the revisions of one story (id, id prefix, SOURCE/ID,\n"
	       "                   path or part of its title), each with what changed in it\n"
	       "   -n, --max-count N  show at most N entries\n"
	       "   --kind KINDS    only revisions with one of these kinds of edit, comma-\n"
	       "                   separated: new, headline, added, removed, edited, moved,\n"
	       "                   figures, quotes, correction, minor, revert\n"
	       "   --json          one JSON array on stdout\n",
	       usage);
}

static const struct cli_args args = { usage, help, 0, 1, NULL, NULL };

static char *describe(const rl_edit_class *c, const char *change)
{
	rl_buf b = RL_BUF_INIT(64 * 1024);

	if (change && strcmp(change, "new") != 0 && !(c->kinds & (RL_EDIT_NEW | RL_EDIT_REVERT)))
		rl_buf_printf(&b, "%s: ", change);
	rl_edit_class_describe(&b, c);
	return rl_buf_detach(&b);
}

static json_t *entry_json(const rl_history_entry *e, const rl_commit_edits *ed,
			  const rl_revision *rev)
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
	/* an item log says what changed in the story; a snapshot's subject
	 * already sums up the snapshot, so its summary is not repeated */
	json_object_set_new(o, "summary", out_json_str(e->summary));
	if (rev)
		out_class_json(o, &rev->cls);
	for (size_t i = 0; i < e->n_changes; i++) {
		json_t *c = json_object();
		const rl_commit_edit *ce = ed ? rl_commit_edits_find(ed, e->changes[i].id) : NULL;
		json_object_set_new(c, "kind", json_string(e->changes[i].kind));
		json_object_set_new(c, "id", json_string(e->changes[i].id));
		json_object_set_new(c, "title", out_json_str(e->changes[i].title));
		if (ce) {
			json_t *k = json_object();
			out_class_json(k, &ce->cls);
			json_object_set_new(c, "edit", k);
		}
		json_array_append_new(changes, c);
	}
	json_object_set_new(o, "changes", changes);
	return o;
}

static void print_entry(const rl_history_entry *e, const rl_commit_edits *ed, int color)
{
	char when[OUT_TIME_SIZE];

	out_time_iso(when, e->time);
	when[10] = ' ';
	when[16] = '\0'; /* "2026-11-28 10:00", always UTC */
	printf("%s%.12s%s %s %s\n", out_c(color, OUT_YELLOW), e->commit, out_c(color, OUT_RESET),
	       when, e->subject);
	if (e->summary)
		printf("    %s\n", e->summary);
	for (size_t i = 0; ed && i < e->n_changes; i++) {
		const rl_commit_edit *ce = rl_commit_edits_find(ed, e->changes[i].id);
		char *d;
		if (ce == NULL || (ce->cls.kinds & RL_EDIT_NEW))
			continue;
		if ((d = describe(&ce->cls, NULL)) != NULL)
			printf("    %s%s%s %s\n", out_c(color, OUT_YELLOW), e->changes[i].id,
			       out_c(color, OUT_RESET), d);
		free(d);
	}
}

/* The revision of `revs` made by `commit`, or NULL. */
static rl_revision *revision_of(rl_revisions *revs, const char *commit)
{
	for (size_t i = 0; i < revs->n; i++)
		if (strcmp(revs->v[i].commit, commit) == 0)
			return &revs->v[i];
	return NULL;
}

/* The kinds of edit of entry `e`: in an item log, those of the story's
 * revision `rev` (and `e`'s summary becomes what changed in the story);
 * in a snapshot log, those of every story the snapshot changed (into `ed`).
 * Returns CLI_OK, or prints the error. */
static int entry_kinds(unsigned *kinds, rl_commit_edits *ed, rl_history_entry *e,
		       const rl_revision *rev, const char *item_id, rl_archive *archive,
		       const rl_history_log_options *opts)
{
	const char *kind = NULL;
	git_oid oid;
	char *d;

	*kinds = 0;
	if (opts->item_path && !rev && rl_history_log_summarize(e, archive, opts->item_path) < 0)
		return cli_fail(); /* past the revisions edits.h keeps */
	if (rev) {
		for (size_t k = 0; k < e->n_changes; k++)
			if (strcmp(e->changes[k].id, item_id) == 0)
				kind = e->changes[k].kind;
		if ((d = describe(&rev->cls, kind ? kind : "edited")) == NULL)
			return cli_error("out of memory");
		free(e->summary);
		e->summary = d;
		*kinds = rev->cls.kinds;
	} else if (!opts->item_path) {
		if (git_oid_fromstr(&oid, e->commit) < 0 ||
		    rl_edits_of_commit(ed, archive, &oid, opts->source) < 0)
			return cli_fail();
		*kinds = ed->kinds;
	}
	return CLI_OK;
}

int cmd_log(int argc, char **argv, const struct cli *cli)
{
	rl_history_log_options opts = { 0 };
	rl_revisions revs = RL_REVISIONS_INIT;
	unsigned want = 0;
	size_t max = 0, shown = 0;
	rl_history_log log = RL_HISTORY_LOG_INIT;
	rl_history_item item = { 0 };
	rl_archive *archive = NULL;
	int json = 0, status = CLI_OK;
	json_t *arr = NULL;
	const struct cli_opt options[] = {
		CLI_SIZE("max-count", 'n', &max, 1, LONG_MAX, "-n wants a positive number, not"),
		CLI_FLAG("json", 0, &json),
		CLI_KINDS(&want),
		CLI_OPT_END,
	};

	if (cli_parse_options(&status, argc, argv, options, &args, cli))
		return status;
	if (cli_open_archive(&archive, cli) != 0)
		return CLI_ERROR;
	if (optind < argc) {
		if (rl_history_is_source(archive, argv[optind])) {
			opts.source = argv[optind];
		} else if (cli_resolve_item(&item, archive, argv[optind]) != CLI_OK) {
			status = CLI_ERROR;
			goto done;
		} else {
			opts.item_path = item.path;
		}
	}
	/* with a filter, entries are counted after filtering */
	opts.max = want ? 0 : max;
	/* an edit of the story is described from its revision (entry_kinds) */
	opts.no_edit_summary = 1;
	if (rl_history_log_read(&log, archive, &opts) < 0) {
		status = cli_fail();
		goto done;
	}
	if (opts.item_path && (rl_edits_revisions(&revs, archive, opts.item_path, NULL) < 0 ||
			       rl_edits_classify_all(&revs, archive) < 0)) {
		status = cli_fail();
		goto done;
	}
	if (json && (arr = json_array()) == NULL) {
		status = cli_error("out of memory");
		goto done;
	}
	for (size_t i = 0; i < log.n && (max == 0 || shown < max); i++) {
		rl_history_entry *e = &log.v[i];
		rl_revision *rev = opts.item_path ? revision_of(&revs, e->commit) : NULL;
		rl_commit_edits ed = RL_COMMIT_EDITS_INIT;
		unsigned kinds;

		if ((status = entry_kinds(&kinds, &ed, e, rev, item.id, archive, &opts)) != CLI_OK) {
			rl_commit_edits_release(&ed);
			goto done;
		}
		if (!want || (kinds & want)) {
			shown++;
			if (json)
				json_array_append_new(arr, entry_json(e, opts.item_path ? NULL : &ed, rev));
			else
				print_entry(e, opts.item_path ? NULL : &ed, cli->color);
		}
		rl_commit_edits_release(&ed);
	}
	if (json) {
		status = out_json(arr);
		arr = NULL;
	}
done:
	json_decref(arr);
	rl_revisions_release(&revs);
	rl_history_log_release(&log);
	rl_history_item_clear(&item);
	rl_archive_free(archive);
	return status;
}
