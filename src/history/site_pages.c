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

/* The diff of a revision, inline and (when there was a previous version)
 * side by side; `r`'s classification is lent to the renderer for the
 * figure marks. */
static void revision_diff(rl_buf *body, rl_rdiff *d, const rl_revision *r, int has_old)
{
	/* a first version is all text: no context to cut */
	size_t ctx = has_old ? 2 : (size_t)-1 / 4;

	d->cls = r->cls; /* lent for the marks, taken back below */
	rl_buf_puts(body, "<div class=\"inline\">\n");
	rl_rdiff_render_html(body, d, ctx, 0);
	rl_buf_puts(body, "</div>\n");
	if (has_old) {
		rl_buf_puts(body, "<details class=\"sbs\"><summary>side by side</summary>\n");
		rl_rdiff_render_html(body, d, ctx, 1);
		rl_buf_puts(body, "</details>\n");
	}
	memset(&d->cls, 0, sizeof(d->cls));
}

/* One revision's section of a story page: its time, commit, kinds, summary,
 * captures and diff against the file in its commit's parent (the story's
 * previous revision).  `*newest` gets the first text seen (newest first). */
static int revision_section(rl_buf *body, struct site *s, size_t i, char **newest)
{
	struct pass_rev *e = &s->pass->v[i];
	const rl_revision *r = &e->r;
	char *ot = NULL, *nt = NULL, when[32];
	rl_rdiff d;
	rl_buf sum = RL_BUF_INIT(64 * 1024);
	int error;

	memset(&d, 0, sizeof(d));
	when_text(when, r->time);
	if ((!git_oid_is_zero(&e->old_blob) && (error = rl_edits_read_blob(&ot, s->archive, &e->old_blob)) < 0) ||
	    (!r->gone && (error = rl_edits_read_blob(&nt, s->archive, &r->blob)) < 0) ||
	    (error = rl_rdiff_compute(&d, ot, nt, 0)) < 0 || (error = site_pass_classify(s, i, &d)) < 0)
		goto done;
	if (*newest == NULL && nt && (*newest = rl_strdup(nt)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	/* the diff's own classification was taken (or was a revert's) */
	rl_edit_class_release(&d.cls);
	rl_edit_class_describe(&sum, &r->cls);
	rl_buf_printf(body, "<section class=\"rev\" id=\"r-%.12s\">\n<h2><a href=\"#r-%.12s\">%s</a> "
			    "<code title=\"%s\">%.12s</code> ",
		      r->commit, r->commit, when, r->commit, r->commit);
	site_badges(body, r->cls.kinds);
	rl_buf_puts(body, "</h2>\n<p class=\"summary\">");
	rl_html_escape(body, r->gone ? "deleted from the archive" : sum.ptr ? sum.ptr : "");
	rl_buf_puts(body, "</p>\n");
	if ((error = site_capture_links(body, s, r->commit)) < 0)
		goto done;
	if (!r->gone && !(r->cls.kinds & RL_EDIT_REVERT))
		revision_diff(body, &d, r, ot != NULL);
	error = rl_buf_puts(body, "</section>\n");
done:
	rl_rdiff_release(&d);
	rl_buf_release(&sum);
	free(ot);
	free(nt);
	return error;
}

/* The page's head: breadcrumbs, title, the story's URL, how many revisions. */
static void story_head(rl_buf *page, const char *source, const char *title, const char *url, size_t n,
		       const char *path)
{
	site_page_begin(page, title, "../");
	rl_buf_puts(page, "<nav><a href=\"../index.html\">sources</a> › <a href=\"index.html\">");
	rl_html_escape(page, source);
	rl_buf_puts(page, "</a> › story</nav>\n<h1>");
	rl_html_escape(page, title);
	rl_buf_puts(page, "</h1>\n<p class=\"meta\">");
	if (url) {
		rl_buf_puts(page, "<a class=\"url\" href=\"");
		rl_html_escape(page, url);
		rl_buf_puts(page, "\">");
		rl_html_escape(page, url);
		rl_buf_puts(page, "</a> · ");
	}
	rl_buf_printf(page, "%zu revision%s · <code>", n, n == 1 ? "" : "s");
	rl_html_escape(page, path);
	rl_buf_puts(page, "</code></p>\n");
}

int site_story_page(struct site *s, size_t first, size_t n, char **title_out)
{
	rl_buf page = RL_BUF_INIT(SITE_PAGE_MAX), body = RL_BUF_INIT(SITE_PAGE_MAX);
	rl_story_header h;
	char *newest = NULL, *rel = NULL, source[128];
	const char *path = s->pass->v[first].path, *slash = strchr(path, '/');
	int error = 0;

	memset(&h, 0, sizeof(h));
	*title_out = NULL;
	snprintf(source, sizeof(source), "%.*s", (int)(slash ? slash - path : 0), path);
	/* newest first */
	for (size_t i = 0; i < n && !error; i++)
		error = revision_section(&body, s, first + i, &newest);
	if (error < 0)
		goto done;
	if ((error = rl_story_parse_header(&h, newest ? newest : "", newest ? strlen(newest) : 0)) < 0)
		goto done;
	if ((*title_out = rl_strdup(h.title && *h.title ? h.title : path)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	story_head(&page, source, *title_out, h.url, n, path);
	if ((error = rl_buf_put(&page, body.ptr ? body.ptr : "", body.len)) < 0)
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
	rl_buf_release(&page);
	rl_buf_release(&body);
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
	const struct pass *p = s->pass;
	size_t shown = 0, len = strlen(source), recent[RL_SITE_RECENT];
	char *rel = NULL;
	const char *one[1] = { source };
	rl_feed_opts fo = { one, 1, 0, RL_SITE_RECENT, NULL, NULL, NULL };
	int error = 0;

	site_page_begin(&page, source, "../");
	rl_buf_puts(&page, "<nav><a href=\"../index.html\">sources</a> › ");
	rl_html_escape(&page, source);
	rl_buf_puts(&page, "</nav>\n<h1>");
	rl_html_escape(&page, source);
	rl_buf_puts(&page, "</h1>\n<p class=\"meta\"><a href=\"feed.xml\">Atom feed</a></p>\n"
			   "<h2>Recent edits</h2>\n<table class=\"edits\">\n");
	/* the source's newest revisions, from the build's one walk */
	for (size_t k = 0; k < p->n && shown < RL_SITE_RECENT && !error; k++) {
		size_t i = p->by_seq[k];
		const struct pass_rev *e = &p->v[i];
		char when[32];
		if (strncmp(e->path, source, len) != 0 || e->path[len] != '/')
			continue;
		if ((error = site_pass_classify(s, i, NULL)) < 0)
			break;
		recent[shown++] = i;
		when_text(when, e->r.time);
		rl_buf_printf(&page, "<tr><td>%s</td><td><a href=\"%.12s.html#r-%.12s\">", when, path_id(e->path),
			      e->r.commit);
		rl_html_escape(&page, e->r.title && *e->r.title ? e->r.title : e->path);
		rl_buf_puts(&page, "</a></td><td>");
		site_badges(&page, e->r.cls.kinds);
		rl_buf_puts(&page, "</td></tr>\n");
	}
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
	if ((error = site_feed(&feed, s, &fo, recent, shown)) < 0)
		goto done;
	if (asprintf(&rel, "%s/feed.xml", source) < 0) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	error = site_write(s, rel, &feed);
done:
	free(rel);
	rl_buf_release(&page);
	rl_buf_release(&feed);
	return error;
}
