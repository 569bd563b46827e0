/*
 * site_pages.c - the pages of the static site: a story's history and a
 * source's recent edits.  Every string from the archive is HTML-escaped;
 * every link is relative.
 */
#include "site_internal.h"
#include "redline/feed.h"
#include "redline/readdiff.h"
#include "redline/story.h"
#include "redline/timeutil.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "2026-11-28 10:00 UTC" */
static void when_text(char out[32], int64_t t)
{
	char iso[RL_TIME_ISO_SIZE];

	rl_time_format_iso8601(iso, t);
	snprintf(out, 32, "%.10s %.5s UTC", iso, iso + 11);
}

/* The story id in a path "<source>/<month>/<slug>-<id>.txt" (12 chars). */
static const char *path_id(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *id = rl_story_id_in_name(name, strlen(name));
	return id ? id : "";
}

int site_story_page(struct site *s, const char *path, const rl_revisions *known, char **title_out)
{
	rl_revisions revs = RL_REVISIONS_INIT;
	rl_buf page = RL_BUF_INIT(SITE_PAGE_MAX);
	rl_story_header h;
	char *newest = NULL, *rel = NULL, source[128];
	const char *slash = strchr(path, '/');
	int error;

	memset(&h, 0, sizeof(h));
	*title_out = NULL;
	snprintf(source, sizeof(source), "%.*s", (int)(slash ? slash - path : 0), path);
	if (known) {
		/* from the build's one pass over the history (site.c) */
		if ((revs.v = calloc(known->n + 1, sizeof(*revs.v))) == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(revs.v, known->v, known->n * sizeof(*revs.v));
		revs.n = revs.cap = known->n;
		for (size_t i = 0; i < revs.n; i++) {
			memset(&revs.v[i].cls, 0, sizeof(revs.v[i].cls));
			revs.v[i].title = NULL;
		}
	} else if ((error = rl_edits_revisions(&revs, s->archive, path, NULL)) < 0) {
		goto done;
	}
	if ((error = rl_edits_classify_all(&revs, s->archive)) < 0)
		goto done;
	for (size_t i = 0; i < revs.n && newest == NULL; i++)
		if (!revs.v[i].gone && (error = rl_edits_read_blob(&newest, s->archive, &revs.v[i].blob)) < 0)
			goto done;
	if ((error = rl_story_parse_header(&h, newest ? newest : "", newest ? strlen(newest) : 0)) < 0)
		goto done;
	if ((*title_out = rl_strdup(h.title && *h.title ? h.title : path)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	site_page_begin(&page, *title_out, "../");
	rl_buf_puts(&page, "<nav><a href=\"../index.html\">sources</a> › <a href=\"index.html\">");
	rl_html_escape(&page, source);
	rl_buf_puts(&page, "</a> › story</nav>\n<h1>");
	rl_html_escape(&page, *title_out);
	rl_buf_puts(&page, "</h1>\n<p class=\"meta\">");
	if (h.url) {
		rl_buf_puts(&page, "<a class=\"url\" href=\"");
		rl_html_escape(&page, h.url);
		rl_buf_puts(&page, "\">");
		rl_html_escape(&page, h.url);
		rl_buf_puts(&page, "</a> · ");
	}
	rl_buf_printf(&page, "%zu revision%s · <code>", revs.n, revs.n == 1 ? "" : "s");
	rl_html_escape(&page, path);
	rl_buf_puts(&page, "</code></p>\n");

	/* newest first; each against the story's previous revision */
	for (size_t i = 0; i < revs.n && !error; i++) {
		const rl_revision *r = &revs.v[i];
		char *ot = NULL, *nt = NULL, when[32];
		rl_rdiff d;
		rl_buf sum = RL_BUF_INIT(64 * 1024);

		memset(&d, 0, sizeof(d));
		when_text(when, r->time);
		if ((i + 1 < revs.n && !revs.v[i + 1].gone &&
		     (error = rl_edits_read_blob(&ot, s->archive, &revs.v[i + 1].blob)) < 0) ||
		    (!r->gone && (error = rl_edits_read_blob(&nt, s->archive, &r->blob)) < 0) ||
		    (error = rl_rdiff_compute(&d, ot, nt, 0)) < 0) {
			free(ot);
			free(nt);
			rl_buf_release(&sum);
			break;
		}
		rl_edit_class_describe(&sum, &r->cls);
		rl_buf_printf(&page, "<section class=\"rev\" id=\"r-%.12s\">\n<h2><a href=\"#r-%.12s\">%s</a> "
				     "<code title=\"%s\">%.12s</code> ",
			      r->commit, r->commit, when, r->commit, r->commit);
		site_badges(&page, r->cls.kinds);
		rl_buf_puts(&page, "</h2>\n<p class=\"summary\">");
		rl_html_escape(&page, r->gone ? "deleted from the archive" : sum.ptr ? sum.ptr : "");
		rl_buf_puts(&page, "</p>\n");
		if (!r->gone && !(r->cls.kinds & RL_EDIT_REVERT)) {
			/* a first version is all text: no context to cut */
			size_t ctx = ot ? 2 : (size_t)-1 / 4;
			rl_buf_puts(&page, "<div class=\"inline\">\n");
			rl_rdiff_render_html(&page, &d, ctx, 0);
			rl_buf_puts(&page, "</div>\n");
			if (ot) {
				rl_buf_puts(&page, "<details class=\"sbs\"><summary>side by side</summary>\n");
				rl_rdiff_render_html(&page, &d, ctx, 1);
				rl_buf_puts(&page, "</details>\n");
			}
		}
		error = rl_buf_puts(&page, "</section>\n");
		rl_rdiff_release(&d);
		rl_buf_release(&sum);
		free(ot);
		free(nt);
	}
	if (error < 0)
		goto done;
	site_page_end(&page);
	if (asprintf(&rel, "%s/%.12s.html", source, path_id(path)) < 0) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	error = site_write(s, rel, &page);
	s->stats->story_pages += error == 0;
done:
	if (error < 0) {
		free(*title_out);
		*title_out = NULL;
	}
	free(rel);
	free(newest);
	rl_story_header_clear(&h);
	rl_revisions_release(&revs);
	rl_buf_release(&page);
	return error;
}

/* The titles on a source's page now, from its INDEX. */
static int page_now(rl_buf *page, struct site *s, const char *source)
{
	rl_buf index = RL_BUF_INIT(RL_STORY_MAX);
	char *path = NULL;
	int error;

	if (asprintf(&path, "%s/INDEX", source) < 0)
		return rl_error_set(RL_ENOMEM, "out of memory");
	error = rl_archive_read(&index, s->archive, NULL, path);
	free(path);
	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		rl_buf_release(&index);
		return 0;
	}
	if (error < 0)
		return error;
	rl_buf_puts(page, "<h2>On the page now</h2>\n<ol class=\"stories\">\n");
	for (const char *p = index.ptr ? index.ptr : ""; *p;) {
		const char *nl = strchr(p, '\n'), *sp;
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = rl_strndup(p, len);
		if (line && (sp = strchr(line, ' ')) != NULL && sp - line == RL_STORY_ID_LEN) {
			rl_buf_printf(page, "<li><a href=\"%.12s.html\">", line);
			rl_html_escape(page, sp + 1);
			rl_buf_puts(page, "</a></li>\n");
		}
		free(line);
		p += len + (nl != NULL);
	}
	rl_buf_release(&index);
	return rl_buf_puts(page, "</ol>\n");
}

int site_source_page(struct site *s, const char *source)
{
	rl_buf page = RL_BUF_INIT(SITE_PAGE_MAX), feed = RL_BUF_INIT(SITE_PAGE_MAX);
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t shown = 0;
	char *rel = NULL;
	const char *one[1] = { source };
	rl_feed_opts fo = { one, 1, 0, RL_SITE_RECENT, NULL, NULL, NULL };
	int error;

	site_page_begin(&page, source, "../");
	rl_buf_puts(&page, "<nav><a href=\"../index.html\">sources</a> › ");
	rl_html_escape(&page, source);
	rl_buf_puts(&page, "</nav>\n<h1>");
	rl_html_escape(&page, source);
	rl_buf_puts(&page, "</h1>\n<p class=\"meta\"><a href=\"feed.xml\">Atom feed</a></p>\n"
			   "<h2>Recent edits</h2>\n<table class=\"edits\">\n");
	if ((error = hist_walk_head(&walk, s->archive)) < 0)
		goto done;
	while (shown < RL_SITE_RECENT && (error = git_revwalk_next(&oid, walk)) == 0) {
		rl_commit_edits ed = RL_COMMIT_EDITS_INIT;
		git_commit *c = NULL;
		char when[32], hex[GIT_OID_HEXSZ + 1];

		{
			/* most commits are other sources' snapshots: one comparison */
			int changed = rl_edits_commit_changed(s->archive, &oid, source);
			if (changed < 0) {
				error = changed;
				break;
			}
			if (changed == 0)
				continue;
		}
		if ((error = rl_edits_of_commit(&ed, s->archive, &oid, source)) < 0)
			break;
		if (ed.n == 0) {
			rl_commit_edits_release(&ed);
			continue;
		}
		if ((error = git_commit_lookup(&c, rl_archive_repo(s->archive), &oid)) < 0) {
			error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&oid));
			rl_commit_edits_release(&ed);
			break;
		}
		when_text(when, (int64_t)git_commit_time(c));
		git_commit_free(c);
		git_oid_tostr(hex, sizeof(hex), &oid);
		for (size_t i = 0; i < ed.n && shown < RL_SITE_RECENT; i++, shown++) {
			rl_story_header h;
			char *text = NULL;
			memset(&h, 0, sizeof(h));
			if (!git_oid_is_zero(&ed.v[i].new_blob) &&
			    rl_edits_read_blob(&text, s->archive, &ed.v[i].new_blob) == 0)
				rl_story_parse_header(&h, text, strlen(text));
			rl_buf_printf(&page, "<tr><td>%s</td><td><a href=\"%.12s.html#r-%.12s\">", when,
				      path_id(ed.v[i].path), hex);
			rl_html_escape(&page, h.title && *h.title ? h.title : ed.v[i].path);
			rl_buf_puts(&page, "</a></td><td>");
			site_badges(&page, ed.v[i].cls.kinds);
			rl_buf_puts(&page, "</td></tr>\n");
			rl_story_header_clear(&h);
			free(text);
		}
		rl_commit_edits_release(&ed);
	}
	if (error == GIT_ITEROVER)
		error = 0;
	if (error < 0)
		goto done;
	rl_buf_puts(&page, "</table>\n");
	if ((error = page_now(&page, s, source)) < 0)
		goto done;
	site_page_end(&page);
	if (asprintf(&rel, "%s/index.html", source) < 0) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = site_write(s, rel, &page)) < 0)
		goto done;
	s->stats->source_pages++;
	free(rel);
	rel = NULL;
	fo.story_base = NULL;
	if ((error = rl_feed_write(&feed, s->archive, &fo)) < 0)
		goto done;
	if (asprintf(&rel, "%s/feed.xml", source) < 0) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	error = site_write(s, rel, &feed);
done:
	git_revwalk_free(walk);
	free(rel);
	rl_buf_release(&page);
	rl_buf_release(&feed);
	return error;
}
