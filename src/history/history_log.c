/*
 * history_log.c - the log of a source or a story, and the one-line summary
 * of what a commit did to a story.
 *
 * Commits come newest first (time-sorted revwalk from HEAD); a filter
 * compares tree-entry ids with the first parent, so a log costs one lookup
 * a commit; blobs are read only for the summaries of an item log.
 */
#include "redline/history.h"
#include "redline/error.h"
#include "history_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- describing one change ------------------------------------------ */

struct counts {
	size_t changed, added, removed;
};

/* Sentences changed/added/removed: a line diff of the bodies, blank lines
 * (paragraph breaks) not counted. */
static int count_sentences(struct counts *c, const char *old_body, const char *new_body)
{
	git_diff_options opts;
	git_patch *patch = NULL;
	int error;

	memset(c, 0, sizeof(*c));
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.context_lines = 0;
	opts.flags = GIT_DIFF_FORCE_TEXT;
	if ((error = git_patch_from_buffers(&patch, old_body, strlen(old_body), NULL, new_body,
					    strlen(new_body), NULL, &opts)) < 0)
		return rl_error_set_git(error, "cannot compare sentences");
	for (size_t h = 0; h < git_patch_num_hunks(patch); h++) {
		size_t minus = 0, plus = 0, pairs;
		int lines = git_patch_num_lines_in_hunk(patch, h);
		for (int l = 0; l < lines; l++) {
			const git_diff_line *line;
			if (git_patch_get_line_in_hunk(&line, patch, h, (size_t)l) < 0 ||
			    line->content_len <= 1)
				continue;
			minus += line->origin == GIT_DIFF_LINE_DELETION;
			plus += line->origin == GIT_DIFF_LINE_ADDITION;
		}
		pairs = minus < plus ? minus : plus;
		c->changed += pairs;
		c->removed += minus - pairs;
		c->added += plus - pairs;
	}
	git_patch_free(patch);
	return 0;
}

static const char *kind_phrase(const char *kind)
{
	if (kind == NULL)
		return "unchanged";
	if (strcmp(kind, "gone") == 0)
		return "gone from page";
	if (strcmp(kind, "back") == 0)
		return "back on page";
	if (strcmp(kind, "moved") == 0)
		return "moved on page";
	return kind;
}

/* "; title changed", "; status removed (...)": what the headers say changed. */
static void describe_headers(rl_buf *s, const char **sep, const char *old_text,
			     const char *new_text)
{
	rl_story_header a, b;

	/* a file that does not parse is still compared, only less precisely */
	rl_story_parse_header(&a, old_text, strlen(old_text));
	rl_story_parse_header(&b, new_text, strlen(new_text));
	rl_error_clear();
	if ((a.title || b.title) && (!a.title || !b.title || strcmp(a.title, b.title) != 0)) {
		rl_buf_printf(s, "%stitle changed", *sep);
		*sep = "; ";
	}
	if (b.status && (!a.status || strcmp(a.status, b.status) != 0)) {
		rl_buf_printf(s, "%sstatus %s", *sep, b.status);
		*sep = "; ";
	}
	rl_story_header_clear(&a);
	rl_story_header_clear(&b);
}

/* "; 1 sentence changed, 2 added": the line diff of the bodies. */
static int describe_sentences(rl_buf *s, const char **sep, const char *old_text,
			      const char *new_text)
{
	struct counts n;
	const char *j = "";
	int error;

	if ((error = count_sentences(&n, rl_story_body(old_text), rl_story_body(new_text))) < 0)
		return error;
	if (!n.changed && !n.added && !n.removed)
		return 0;
	rl_buf_puts(s, *sep);
	if (n.changed)
		rl_buf_printf(s, "%zu sentence%s changed", n.changed, n.changed == 1 ? "" : "s"),
			j = ", ";
	if (n.added)
		rl_buf_printf(s, "%s%zu%s added", j, n.added,
			      *j ? "" : n.added == 1 ? " sentence" : " sentences"), j = ", ";
	if (n.removed)
		rl_buf_printf(s, "%s%zu%s removed", j, n.removed,
			      *j ? "" : n.removed == 1 ? " sentence" : " sentences");
	*sep = "; ";
	return 0;
}

/* "; figures 3000 → 10.000": the figures of title and body. */
static int describe_figures(rl_buf *s, const char *sep, const char *old_text,
			    const char *new_text)
{
	rl_figure_changes figs = RL_FIGURE_CHANGES_INIT;
	rl_buf ca = RL_BUF_INIT(2 * RL_HISTORY_STORY_MAX), cb = RL_BUF_INIT(2 * RL_HISTORY_STORY_MAX);
	int error;

	if ((error = rl_story_content(&ca, old_text)) == 0 &&
	    (error = rl_story_content(&cb, new_text)) == 0 &&
	    (error = rl_figures_diff(&figs, ca.ptr, cb.ptr)) == 0 && figs.n) {
		rl_buf_printf(s, "%sfigures ", sep);
		rl_figures_format(s, &figs);
	}
	rl_figure_changes_release(&figs);
	rl_buf_release(&ca);
	rl_buf_release(&cb);
	return error;
}

int rl_history_summarize(char **out, const char *old_text, const char *new_text,
			 const char *kind)
{
	rl_buf s = RL_BUF_INIT(64 * 1024);
	const char *sep = ": ", *fixed = NULL;
	size_t mark;
	int error = 0;

	*out = NULL;
	if (old_text == NULL && new_text != NULL)
		fixed = "new";
	else if (old_text != NULL && new_text == NULL)
		fixed = "deleted from the archive";
	else if (old_text == NULL || strcmp(old_text, new_text) == 0)
		fixed = kind_phrase(kind);
	if (fixed) {
		*out = rl_strdup(fixed);
		return *out ? 0 : RL_ENOMEM;
	}
	rl_buf_puts(&s, kind && strcmp(kind, "new") != 0 ? kind : "edited");
	mark = s.len;
	describe_headers(&s, &sep, old_text, new_text);
	if ((error = describe_sentences(&s, &sep, old_text, new_text)) < 0 ||
	    (error = describe_figures(&s, sep, old_text, new_text)) < 0)
		goto done;
	if (s.len == mark)
		rl_buf_puts(&s, ": headers changed");
	if ((*out = rl_buf_detach(&s)) == NULL)
		error = RL_ENOMEM;
done:
	rl_buf_release(&s);
	return error;
}

/* ---- log ------------------------------------------------------------ */

int rl_history_parse_changes(rl_history_entry *entry, const char *message)
{
	const char *p = rl_story_item_lines(message);
	rl_story_item_line line;

	while (rl_story_item_line_next(&line, &p)) {
		rl_history_change *c, *v = realloc(entry->changes, (entry->n_changes + 1) * sizeof(*v));

		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		entry->changes = v;
		c = &v[entry->n_changes];
		c->kind = rl_strndup(line.kind, line.kind_len);
		c->id = rl_strndup(line.id, RL_STORY_ID_LEN);
		c->title = rl_strndup(line.title, line.title_len);
		entry->n_changes++;
		if (!c->kind || !c->id || !c->title)
			return RL_ENOMEM;
	}
	return 0;
}

static void entry_clear(rl_history_entry *e)
{
	for (size_t i = 0; i < e->n_changes; i++) {
		free(e->changes[i].kind);
		free(e->changes[i].id);
		free(e->changes[i].title);
	}
	free(e->changes);
	free(e->subject);
	free(e->summary);
}

void rl_history_log_release(rl_history_log *log)
{
	if (log == NULL)
		return;
	for (size_t i = 0; i < log->n; i++)
		entry_clear(&log->v[i]);
	free(log->v);
	log->v = NULL;
	log->n = log->cap = 0;
}

static const char *kind_for(const rl_history_entry *e, const char *id)
{
	for (size_t i = 0; id && i < e->n_changes; i++)
		if (strncmp(e->changes[i].id, id, RL_STORY_ID_LEN) == 0)
			return e->changes[i].kind;
	return NULL;
}

/* Describes what the commit did to the item at `path`: from the file's
 * blobs before and after it when the index gave them (`rev`), else from
 * the trees. */
static int item_summary(char **out, rl_archive *archive, git_tree *tree, git_tree *parent,
			const hist_rev *rev, const char *path, const char *kind)
{
	char *old_text = NULL, *new_text = NULL;
	int error;

	/* unchanged: the same text on both sides says only what the kind says */
	if (rev && !rev->changed)
		return rl_history_summarize(out, NULL, NULL, kind);
	if ((error = rev ? hist_read_blob(&old_text, archive, &rev->before, path)
			 : hist_read_text(&old_text, archive, parent, path)) < 0 &&
	    error != RL_ENOTFOUND)
		return error;
	if ((error = rev ? hist_read_blob(&new_text, archive, &rev->after, path)
			 : hist_read_text(&new_text, archive, tree, path)) < 0 &&
	    error != RL_ENOTFOUND) {
		free(old_text);
		return error;
	}
	error = rl_history_summarize(out, old_text, new_text, kind);
	free(old_text);
	free(new_text);
	return error;
}

int rl_history_log_summarize(rl_history_entry *e, rl_archive *archive, const char *item_path)
{
	const char *slash = strrchr(item_path, '/');
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_oid oid;
	int error;

	if (e->summary)
		return 0;
	if (git_oid_fromstr(&oid, e->commit) < 0)
		return rl_error_set(RL_EINVAL, "'%s' is no commit id", e->commit);
	if ((error = hist_load_trees(&c, &tree, &ptree, archive, &oid)) == 0)
		error = item_summary(&e->summary, archive, tree, ptree, NULL, item_path,
				     kind_for(e, slash ? rl_story_id_in_name(slash + 1, strlen(slash + 1))
						       : NULL));
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(c);
	return error;
}

/* Moves `e` to the end of the log. */
static int log_push(rl_history_log *log, rl_history_entry *e)
{
	int error;

	if ((error = rl_array_grow(&log->v, &log->cap, log->n, sizeof(*log->v), 32)) < 0)
		return error;
	log->v[log->n++] = *e;
	memset(e, 0, sizeof(*e));
	return 0;
}

/* The log entry of commit `oid` in `e`, and whether `opts` keep it: the
 * commit changed <source>/, or changed the story or names its id.  With
 * `rev` (the index's view of the story's file at this commit) no tree is
 * read. */
static int read_entry(rl_history_entry *e, int *keep, rl_archive *archive, const git_oid *oid,
		      const rl_history_log_options *opts, const char *item_id, const hist_rev *rev)
{
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int changed = 0, error;

	*keep = 1;
	if (rev) {
		if ((error = git_commit_lookup(&c, rl_archive_repo(archive), oid)) < 0) {
			error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(oid));
			goto done;
		}
	} else if ((error = hist_load_trees(&c, &tree, &ptree, archive, oid)) < 0) {
		goto done;
	}
	/* A merge of shard branches (redline merge) is no snapshot: its
	 * changes are the shards' own commits, which the walk meets too. */
	if (git_commit_parentcount(c) > 1) {
		*keep = 0;
		goto done;
	}
	if ((error = rl_history_parse_changes(e, git_commit_message(c))) < 0)
		goto done;
	if (opts->source && (changed = hist_path_changed(tree, ptree, opts->source)) <= 0) {
		*keep = 0;
		error = changed < 0 ? changed : 0;
		goto done;
	}
	if (opts->item_path) {
		if (rev)
			changed = rev->changed;
		else if ((changed = hist_path_changed(tree, ptree, opts->item_path)) < 0) {
			error = changed;
			goto done;
		}
		if (!changed && !kind_for(e, item_id)) {
			*keep = 0;
			goto done;
		}
		if ((!changed || !opts->no_edit_summary) &&
		    (error = item_summary(&e->summary, archive, tree, ptree, rev, opts->item_path,
					  kind_for(e, item_id))) < 0)
			goto done;
	}
	git_oid_tostr(e->commit, sizeof(e->commit), oid);
	e->time = (int64_t)git_commit_time(c);
	if ((e->subject = rl_strdup(git_commit_summary(c) ? git_commit_summary(c) : "")) == NULL)
		error = RL_ENOMEM;
done:
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(c);
	return error;
}

int rl_history_log_read(rl_history_log *out, rl_archive *archive,
			const rl_history_log_options *opts)
{
	rl_history_log_options none = { 0 };
	git_revwalk *walk = NULL;
	const char *item_id = NULL;
	git_oid oid;
	hist_rev *cand = NULL;
	size_t n = 0, i = 0;
	int error = 0, indexed = 0;

	if (opts == NULL)
		opts = &none;
	if (opts->item_path && (item_id = strrchr(opts->item_path, '/')) != NULL)
		item_id = rl_story_id_in_name(item_id + 1, strlen(item_id + 1));
	/* a story's log reads only the commits the revision index holds for it */
	if (opts->item_path != NULL && opts->source == NULL &&
	    (error = indexed = hist_story_revs(&cand, &n, archive, opts->item_path)) < 0)
		return error;
	if (!indexed && (error = hist_walk_head(&walk, archive)) < 0)
		return error;

	while ((opts->max == 0 || out->n < opts->max) &&
	       (error = hist_next_commit(&oid, walk, cand, n, &i)) == 0) {
		rl_history_entry e = { 0 };
		int keep;

		if ((error = read_entry(&e, &keep, archive, &oid, opts, item_id,
					indexed ? &cand[i - 1] : NULL)) == 0 && keep)
			error = log_push(out, &e);
		entry_clear(&e);
		if (error < 0)
			break;
	}
	if (error == GIT_ITEROVER || error > 0)
		error = 0;
	else if (error < 0 && error != RL_ENOMEM && rl_error_last_code() == RL_OK)
		error = rl_error_set_git(error, "cannot walk the history");
	git_revwalk_free(walk);
	free(cand);
	if (error < 0)
		rl_history_log_release(out);
	return error;
}
