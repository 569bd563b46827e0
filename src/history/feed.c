/*
 * feed.c - the Atom feed of edits.
 *
 * Commits are walked newest first; each story a commit changed (in the
 * wanted sources) is one entry, classified by edits.c (reverts included)
 * and diffed by readdiff.c.  All text is XML-escaped; the HTML content is
 * escaped once more, as type="html" wants.
 */
#include "redline/feed.h"
#include "redline/edits.h"
#include "redline/readdiff.h"
#include "redline/story.h"
#include "redline/timeutil.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdlib.h>
#include <string.h>

#define ENTRY_HTML_MAX (8u * 1024 * 1024)

/* Escaped text that XML 1.0 can hold: control characters other than tab,
 * line feed and carriage return are dropped (an archive from someone's
 * remote may hold anything, and one such byte makes the feed unreadable). */
static int xml_text(rl_buf *out, const char *s)
{
	char chunk[256];
	size_t n = 0;
	int error = 0;

	for (; *s && !error; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		chunk[n++] = (char)c;
		if (n == sizeof(chunk) - 1) {
			chunk[n] = '\0';
			error = rl_html_escape(out, chunk);
			n = 0;
		}
	}
	chunk[n] = '\0';
	return error ? error : rl_html_escape(out, chunk);
}

static int wanted_source(const rl_feed_opts *o, const char *path)
{
	const char *slash = strchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : strlen(path);

	if (o->sources == NULL || o->n_sources == 0)
		return 1;
	for (size_t i = 0; i < o->n_sources; i++)
		if (strlen(o->sources[i]) == len && strncmp(o->sources[i], path, len) == 0)
			return 1;
	return 0;
}

static int put_entry(rl_buf *out, rl_archive *archive, const rl_feed_opts *o, const rl_feed_entry *e)
{
	char *ot = NULL, *nt = NULL, iso[RL_TIME_ISO_SIZE], id[RL_STORY_ID_LEN + 1] = "";
	rl_rdiff d;
	rl_story_header h;
	rl_buf html = RL_BUF_INIT(ENTRY_HTML_MAX), summary = RL_BUF_INIT(64 * 1024);
	const char *source_end = strchr(e->path, '/'), *base = strrchr(e->path, '/');
	const char *sid = base ? rl_story_id_in_name(base + 1, strlen(base + 1)) : NULL;
	int error;

	memset(&d, 0, sizeof(d));
	memset(&h, 0, sizeof(h));
	if ((!git_oid_is_zero(&e->old_blob) && (error = rl_edits_read_blob(&ot, archive, &e->old_blob)) < 0) ||
	    (!git_oid_is_zero(&e->new_blob) && (error = rl_edits_read_blob(&nt, archive, &e->new_blob)) < 0) ||
	    (error = rl_rdiff_compute(&d, ot, nt, 0)) < 0 ||
	    (error = rl_story_parse_header(&h, nt ? nt : "", nt ? strlen(nt) : 0)) < 0)
		goto done;
	if (sid)
		memcpy(id, sid, RL_STORY_ID_LEN);
	rl_edit_class_describe(&summary, e->cls);
	if ((error = rl_rdiff_render_html(&html, &d, 1, 0)) < 0)
		goto done;
	rl_time_format_iso8601(iso, e->time);
	rl_buf_puts(out, "<entry>\n<title>");
	xml_text(out, h.title && *h.title ? h.title : e->path);
	rl_buf_printf(out, "</title>\n<id>tag:redline,2026:%.*s/%s/%s</id>\n<updated>%s</updated>\n",
		      (int)(source_end ? source_end - e->path : 0), e->path, id, e->commit, iso);
	if (h.url) {
		rl_buf_puts(out, "<link rel=\"alternate\" href=\"");
		xml_text(out, h.url);
		rl_buf_puts(out, "\"/>\n");
	} else if (o->story_base) {
		rl_buf_puts(out, "<link rel=\"alternate\" href=\"");
		xml_text(out, o->story_base);
		xml_text(out, e->path);
		rl_buf_puts(out, "\"/>\n");
	}
	for (unsigned b = 0; b < RL_EDIT_KINDS; b++)
		if (e->cls->kinds & (1u << b))
			rl_buf_printf(out, "<category term=\"%s\" scheme=\"%s/kinds\"/>\n",
				      rl_edit_kind_name(1u << b), RL_FEED_NS);
	rl_buf_puts(out, "<summary>");
	xml_text(out, summary.ptr ? summary.ptr : "");
	rl_buf_printf(out, " (commit %.12s)</summary>\n<rl:commit>%s</rl:commit>\n<rl:path>", e->commit, e->commit);
	xml_text(out, e->path);
	rl_buf_puts(out, "</rl:path>\n<content type=\"html\">");
	xml_text(out, html.ptr ? html.ptr : "");
	error = rl_buf_puts(out, "</content>\n</entry>\n");
done:
	rl_rdiff_release(&d);
	rl_story_header_clear(&h);
	rl_buf_release(&html);
	rl_buf_release(&summary);
	free(ot);
	free(nt);
	return error;
}

/* Everything before the first entry but <updated>. */
static void put_head(rl_buf *out, const rl_feed_opts *opts)
{
	rl_buf_printf(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			   "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:rl=\"%s\">\n<title>",
		      RL_FEED_NS);
	if (opts->title) {
		xml_text(out, opts->title);
	} else {
		rl_buf_puts(out, "redline: ");
		for (size_t i = 0; i < opts->n_sources; i++) {
			rl_buf_puts(out, i ? ", " : "");
			xml_text(out, opts->sources[i]);
		}
		if (opts->n_sources == 0)
			rl_buf_puts(out, "all sources");
	}
	rl_buf_puts(out, "</title>\n<id>tag:redline,2026:feed");
	for (size_t i = 0; i < opts->n_sources; i++) {
		rl_buf_putc(out, i ? ',' : ':');
		xml_text(out, opts->sources[i]);
	}
	rl_buf_puts(out, "</id>\n<author><name>redline</name></author>\n<generator>redline</generator>\n");
	if (opts->self_url) {
		rl_buf_puts(out, "<link rel=\"self\" href=\"");
		xml_text(out, opts->self_url);
		rl_buf_puts(out, "\"/>\n");
	}
}

int rl_feed_write_entries(rl_buf *out, rl_archive *archive, const rl_feed_opts *opts,
			  int64_t updated, const rl_feed_entry *v, size_t n)
{
	rl_feed_opts none = { 0 };
	char iso[RL_TIME_ISO_SIZE];
	int error = 0;

	if (opts == NULL)
		opts = &none;
	put_head(out, opts);
	rl_time_format_iso8601(iso, updated);
	rl_buf_printf(out, "<updated>%s</updated>\n", iso);
	for (size_t i = 0; i < n && !error; i++)
		error = put_entry(out, archive, opts, &v[i]);
	return error ? error : rl_buf_puts(out, "</feed>\n");
}

int rl_feed_write(rl_buf *out, rl_archive *archive, const rl_feed_opts *opts)
{
	rl_feed_opts none = { 0 };
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t max, n = 0, seen = 0;
	int error, head = 1;
	char iso[RL_TIME_ISO_SIZE];

	if (opts == NULL)
		opts = &none;
	max = opts->max ? opts->max : RL_FEED_DEFAULT_MAX;
	put_head(out, opts);
	if ((error = hist_walk_head(&walk, archive)) == RL_ENOTFOUND) {
		/* an empty archive is an empty feed, still valid */
		rl_error_clear();
		rl_time_format_iso8601(iso, 0);
		error = rl_buf_printf(out, "<updated>%s</updated>\n</feed>\n", iso);
		return error;
	}
	if (error < 0)
		return error;
	while (n < max && seen++ < RL_FEED_MAX_COMMITS && (error = git_revwalk_next(&oid, walk)) == 0) {
		rl_commit_edits ed = RL_COMMIT_EDITS_INIT;
		git_commit *c = NULL;
		char hex[GIT_OID_HEXSZ + 1];
		int64_t when;

		if ((error = git_commit_lookup(&c, rl_archive_repo(archive), &oid)) < 0) {
			error = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(&oid));
			break;
		}
		when = (int64_t)git_commit_time(c);
		git_commit_free(c);
		if (head) {
			rl_time_format_iso8601(iso, when);
			rl_buf_printf(out, "<updated>%s</updated>\n", iso);
			head = 0;
		}
		if (opts->n_sources == 1) {
			/* one tree-entry comparison before any diff: most commits are
			 * other sources' snapshots */
			int changed = rl_edits_commit_changed(archive, &oid, opts->sources[0]);
			if (changed < 0) {
				error = changed;
				break;
			}
			if (changed == 0)
				continue;
		}
		if ((error = rl_edits_of_commit(&ed, archive, &oid, opts->n_sources == 1 ? opts->sources[0] : NULL)) < 0)
			break;
		git_oid_tostr(hex, sizeof(hex), &oid);
		for (size_t i = 0; i < ed.n && n < max && !error; i++) {
			const rl_commit_edit *ce = &ed.v[i];
			rl_feed_entry e = { hex, when, ce->path, &ce->cls, ce->old_blob, ce->new_blob };
			if (!wanted_source(opts, ce->path) || (opts->kinds && !(ce->cls.kinds & opts->kinds)))
				continue;
			error = put_entry(out, archive, opts, &e);
			n++;
		}
		rl_commit_edits_release(&ed);
		if (error < 0)
			break;
	}
	git_revwalk_free(walk);
	if (error == GIT_ITEROVER || error > 0)
		error = 0;
	if (error < 0)
		return error;
	if (head) {
		rl_time_format_iso8601(iso, 0);
		rl_buf_printf(out, "<updated>%s</updated>\n", iso);
	}
	return rl_buf_puts(out, "</feed>\n");
}
