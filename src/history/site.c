/*
 * site.c - building the static site, incrementally.
 *
 * `.redline-site` in the site's directory records the commit the last build
 * saw and every story's title; `.redline-pass` the revisions its one walk
 * over the history found (site_pass.c), so the next walk starts there.  A new build diffs that commit's tree with
 * HEAD's: the story pages of the files that changed and the pages of the
 * sources they are in are rewritten; the top pages and feeds always are
 * (they list everything).  Without a record (or with `full`), all is built.
 */
#include "site_internal.h"
#include "redline/feed.h"
#include "redline/file.h"
#include "redline/path.h"
#include "redline/readdiff.h"
#include "redline/story.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_NAME ".redline-site"
#define STATE_MAX (256u * 1024 * 1024)

static const char css[] =
	"body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem;color:#222}\n"
	"nav{font-size:.9rem;color:#666}a{color:#0645ad}code{font-size:.85em}\n"
	".meta,.summary{color:#555}.rev{border-top:1px solid #ddd;margin-top:1.5rem}\n"
	".rev h2{font-size:1rem}.badge{display:inline-block;font-size:.75rem;padding:0 .4em;margin:0 .15em;"
	"border-radius:.6em;background:#eee;color:#333}\n"
	".k-figures{background:#ffe08a}.k-headline{background:#cfe2ff}.k-correction{background:#f8c5c5}"
	".k-revert{background:#e2d5f5}.k-minor{background:#f0f0f0;color:#888}.k-new{background:#d3f2d3}\n"
	"del{background:#fdd;color:#900;text-decoration:line-through}ins{background:#dfd;color:#060;"
	"text-decoration:none}\n"
	"mark.fig{background:#ffd43b;font-weight:bold;padding:0 .1em}\n"
	"ol.rd-inline{padding-left:1.5rem}ol.rd-inline li{margin:.3rem 0}.rd-same{color:#666}"
	".rd-gap{list-style:none;color:#999}.rd-note{font-size:.8rem;color:#06c}\n"
	"table{border-collapse:collapse;width:100%}td{vertical-align:top;padding:.3rem;border-bottom:1px "
	"solid #eee}table.rd-sbs td{width:50%}\n"
	".rd-headline{font-size:1.2rem;font-weight:bold}#q{font-size:1rem;padding:.3rem;width:20rem}\n"
	"ul.all li.hidden{display:none}\n";

/* Progressive enhancement only: the list is complete without it. */
static const char js[] =
	"(function () {\n"
	"  var q = document.getElementById('q');\n"
	"  var items = document.querySelectorAll('ul.all li');\n"
	"  if (!q || !items.length) return;\n"
	"  function filter() {\n"
	"    var want = q.value.toLowerCase();\n"
	"    for (var i = 0; i < items.length; i++)\n"
	"      items[i].className = items[i].textContent.toLowerCase().indexOf(want) < 0 ? 'hidden' : '';\n"
	"  }\n"
	"  var m = /[?&]q=([^&]*)/.exec(window.location.search);\n"
	"  if (m) q.value = decodeURIComponent(m[1].replace(/\\+/g, ' '));\n"
	"  q.addEventListener('input', filter);\n"
	"  filter();\n"
	"})();\n";

int site_page_begin(rl_buf *out, const char *title, const char *root)
{
	rl_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	rl_html_escape(out, title);
	return rl_buf_printf(out, " · redline</title>\n<link rel=\"stylesheet\" href=\"%sstyle.css\">\n"
				  "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"%sall.xml\" "
				  "title=\"all edits\">\n</head><body>\n<main>\n",
			     root, root);
}

int site_page_end(rl_buf *out)
{
	return rl_buf_puts(out, "</main>\n<footer><p class=\"meta\">made by redline</p></footer>\n"
				"</body></html>\n");
}

int site_badges(rl_buf *out, unsigned kinds)
{
	int error = 0;

	for (unsigned b = 0; b < RL_EDIT_KINDS && !error; b++)
		if (kinds & (1u << b))
			error = rl_buf_printf(out, "<span class=\"badge k-%s\">%s</span>",
					      rl_edit_kind_name(1u << b), rl_edit_kind_name(1u << b));
	return error;
}

int site_write(struct site *s, const char *rel, const rl_buf *page)
{
	char *path = NULL, *slash;
	int error;

	/* names come from the archive, which may come from anyone's remote */
	if (!rl_path_is_safe(rel))
		return rl_error_set(RL_EINVAL, "refusing to write '%s' outside the site", rel);
	if (asprintf(&path, "%s/%s", s->dir, rel) < 0)
		return rl_error_set(RL_ENOMEM, "out of memory");
	slash = strrchr(path, '/');
	*slash = '\0';
	error = rl_file_mkdir_p(path);
	*slash = '/';
	if (error == 0)
		error = rl_file_write_cache(path, page->ptr ? page->ptr : "", page->len);
	if (error == 0) {
		s->stats->files++;
		s->stats->bytes += page->len;
	}
	free(path);
	return error;
}

/* ---- the record of the last build --------------------------------------- */

struct titled {
	char *path;
	char *title;
};

struct titles {
	struct titled *v;
	size_t n, cap;
};

static int titles_add(struct titles *t, const char *path, size_t plen, const char *title, size_t tlen)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct titled *v = realloc(t->v, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].path = rl_strndup(path, plen);
	t->v[t->n].title = rl_strndup(title, tlen);
	if (!t->v[t->n].path || !t->v[t->n].title) {
		free(t->v[t->n].path);
		free(t->v[t->n].title);
		return RL_ENOMEM;
	}
	t->n++;
	return 0;
}

static void titles_release(struct titles *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].title);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int cmp_titled(const void *a, const void *b)
{
	return strcmp(((const struct titled *)a)->path, ((const struct titled *)b)->path);
}

static const char *titles_find(const struct titles *t, const char *path)
{
	struct titled key = { (char *)path, NULL }, *hit;

	hit = t->n ? bsearch(&key, t->v, t->n, sizeof(*t->v), cmp_titled) : NULL;
	return hit ? hit->title : NULL;
}

int site_record_read(rl_buf *out, const char *dir, const char *name)
{
	char *path = NULL;
	int error;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return rl_error_set(RL_ENOMEM, "out of memory");
	error = rl_file_read(out, path);
	free(path);
	if (error < 0) {
		rl_error_clear();
		rl_buf_release(out);
		return 1;
	}
	return 0;
}

/* Reads the record: the commit (zero when none) and the titles, sorted. */
static int state_load(git_oid *commit, struct titles *t, const char *dir)
{
	rl_buf b = RL_BUF_INIT(STATE_MAX);
	const char *p;
	int error;

	memset(commit, 0, sizeof(*commit));
	if ((error = site_record_read(&b, dir, STATE_NAME)) != 0)
		return error < 0 ? error : 0; /* no record (or an unreadable one): a full build */
	p = b.ptr ? b.ptr : "";
	if (strncmp(p, "redline-site 1\n", 15) != 0 || git_oid_fromstrn(commit, p + 15, GIT_OID_HEXSZ) < 0) {
		memset(commit, 0, sizeof(*commit));
		rl_buf_release(&b);
		return 0;
	}
	p = strchr(p + 15, '\n');
	while (p && *++p && !error) {
		const char *nl = strchr(p, '\n'), *tab = strchr(p, '\t');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (tab && tab < p + len)
			error = titles_add(t, p, (size_t)(tab - p), tab + 1, (size_t)(p + len - tab - 1));
		p = nl;
	}
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp_titled);
	rl_buf_release(&b);
	return error;
}

/* ---- what changed ------------------------------------------------------- */

struct changed {
	rl_strvec stories;
	rl_strvec sources;
};

static int push_unique(rl_strvec *v, const char *s, size_t len)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->v[i]) == len && strncmp(v->v[i], s, len) == 0)
			return 0;
	return rl_strvec_pushn(v, s, len);
}

/* Only what `redline add` accepts is a source: never "..", ".git" or '/'. */
static int source_ok(const char *name, size_t len)
{
	char buf[80];
	int ok;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	ok = rl_path_source_name_check(buf) == 0;
	rl_error_clear();
	return ok;
}

static int on_delta(const git_diff_delta *delta, float progress, void *payload)
{
	struct changed *c = payload;
	const char *path = delta->new_file.path, *slash = strchr(path, '/'), *base = strrchr(path, '/');

	(void)progress;
	if (slash == NULL || !source_ok(path, (size_t)(slash - path)))
		return 0; /* .gitattributes, or a directory no source could make */
	if (push_unique(&c->sources, path, (size_t)(slash - path)) < 0)
		return -1;
	if (delta->status != GIT_DELTA_DELETED && rl_story_id_in_name(base + 1, strlen(base + 1)) &&
	    rl_strvec_push(&c->stories, path) < 0)
		return -1;
	return 0;
}

/* Every story file and source of `tree`. */
static int walk_all(const char *root, const git_tree_entry *e, void *payload)
{
	struct changed *c = payload;
	const char *name = git_tree_entry_name(e);

	if (*root == '\0' && git_tree_entry_type(e) == GIT_OBJECT_TREE) {
		if (!source_ok(name, strlen(name)))
			return 1; /* not a source: skip it and what is under it */
		return push_unique(&c->sources, name, strlen(name)) < 0 ? -1 : 0;
	}
	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && strchr(root, '/') != strrchr(root, '/') &&
	    rl_story_id_in_name(name, strlen(name))) {
		char *path = NULL;
		if (asprintf(&path, "%s%s", root, name) < 0 || rl_strvec_push_owned(&c->stories, path) < 0)
			return -1;
	}
	return 0;
}

/* ---- the top pages ------------------------------------------------------ */

static int top_pages(struct site *s, const struct changed *all, struct titles *titles)
{
	rl_buf page = RL_BUF_INIT(SITE_PAGE_MAX), list = RL_BUF_INIT(SITE_PAGE_MAX);
	rl_feed_opts fo = { 0 };
	int error = 0;

	site_page_begin(&page, "sources", "");
	rl_buf_puts(&page, "<h1>redline</h1>\n<form action=\"stories.html\" method=\"get\">\n"
			   "<label for=\"q\">Find a story by title</label> <input id=\"q\" name=\"q\" "
			   "type=\"search\"> <button>find</button></form>\n"
			   "<p class=\"meta\"><a href=\"stories.html\">every story by title</a> · "
			   "<a href=\"all.xml\">Atom feed of all edits</a></p>\n<h2>Sources</h2>\n"
			   "<table class=\"sources\">\n");
	for (size_t i = 0; i < all->sources.n; i++) {
		size_t n = 0, len = strlen(all->sources.v[i]);
		for (size_t j = 0; j < all->stories.n; j++)
			n += strncmp(all->stories.v[j], all->sources.v[i], len) == 0 &&
			     all->stories.v[j][len] == '/';
		rl_buf_puts(&page, "<tr><td><a href=\"");
		rl_html_escape(&page, all->sources.v[i]);
		rl_buf_puts(&page, "/index.html\">");
		rl_html_escape(&page, all->sources.v[i]);
		rl_buf_printf(&page, "</a></td><td>%zu stor%s</td><td><a href=\"", n, n == 1 ? "y" : "ies");
		rl_html_escape(&page, all->sources.v[i]);
		rl_buf_puts(&page, "/feed.xml\">feed</a></td></tr>\n");
	}
	rl_buf_puts(&page, "</table>\n");
	site_page_end(&page);

	/* the search: every story by title, a plain list */
	site_page_begin(&list, "stories", "");
	rl_buf_puts(&list, "<nav><a href=\"index.html\">sources</a> › stories</nav>\n<h1>Every story</h1>\n"
			   "<p><label for=\"q\">Filter</label> <input id=\"q\" type=\"search\"></p>\n"
			   "<ul class=\"all\">\n");
	for (size_t j = 0; j < all->stories.n; j++) {
		const char *p = all->stories.v[j], *slash = strchr(p, '/'), *base = strrchr(p, '/');
		const char *title = titles_find(titles, p), *id = rl_story_id_in_name(base + 1, strlen(base + 1));
		rl_buf_printf(&list, "<li><a href=\"%.*s/%.12s.html\">", (int)(slash - p), p, id);
		rl_html_escape(&list, title && *title ? title : p);
		rl_buf_puts(&list, "</a> <span class=\"meta\">");
		rl_buf_put(&list, p, (size_t)(slash - p));
		rl_buf_puts(&list, "</span></li>\n");
	}
	rl_buf_puts(&list, "</ul>\n<script src=\"search.js\"></script>\n");
	site_page_end(&list);
	if ((error = site_write(s, "index.html", &page)) == 0 &&
	    (error = site_write(s, "stories.html", &list)) == 0) {
		rl_buf b = RL_BUF_INIT(SITE_PAGE_MAX);
		if ((error = rl_buf_puts(&b, css)) == 0 && (error = site_write(s, "style.css", &b)) == 0) {
			rl_buf_clear(&b);
			if ((error = rl_buf_puts(&b, js)) == 0 && (error = site_write(s, "search.js", &b)) == 0) {
				rl_buf_clear(&b);
				size_t n = s->pass->n < RL_SITE_RECENT ? s->pass->n : RL_SITE_RECENT;
				if ((error = site_feed(&b, s, &fo, s->pass->by_seq, n)) == 0)
					error = site_write(s, "all.xml", &b);
			}
		}
		rl_buf_release(&b);
	}
	rl_buf_release(&page);
	rl_buf_release(&list);
	return error;
}

/* ---- the build ---------------------------------------------------------- */

/* What to build: every story and source of HEAD's tree into `all`, and,
 * when `last` (the last build's commit) is an earlier commit still in the
 * repository, the ones changed since into `todo`; `*full` is set when all
 * must be rebuilt. */
static int list_work(struct changed *all, struct changed *todo, int *full, rl_archive *archive,
		     const git_oid *head, const git_oid *last)
{
	git_repository *repo = rl_archive_repo(archive);
	git_commit *hc = NULL, *lc = NULL;
	git_tree *htree = NULL, *ltree = NULL;
	git_diff *diff = NULL;
	int error;

	if ((error = git_commit_lookup(&hc, repo, head)) < 0 || (error = git_commit_tree(&htree, hc)) < 0) {
		error = rl_error_set_git(error, "cannot read HEAD");
		goto done;
	}
	if ((error = git_tree_walk(htree, GIT_TREEWALK_PRE, walk_all, all)) < 0) {
		error = rl_error_set_git(error, "cannot list the archive's stories");
		goto done;
	}
	/* an earlier build of an ancestor: only what changed since */
	*full = *full || git_oid_is_zero(last) || git_commit_lookup(&lc, repo, last) < 0 ||
		git_commit_tree(&ltree, lc) < 0 || git_diff_tree_to_tree(&diff, repo, ltree, htree, NULL) < 0 ||
		git_diff_foreach(diff, on_delta, NULL, NULL, NULL, todo) < 0;
	rl_error_clear();
done:
	git_diff_free(diff);
	git_tree_free(htree);
	git_tree_free(ltree);
	git_commit_free(hc);
	git_commit_free(lc);
	return error;
}

/* The pages of the stories in `work`; each one's title into `fresh`. */
static int story_pages(struct site *s, const struct changed *work, struct titles *fresh)
{
	int error = 0;

	for (size_t i = 0; i < work->stories.n && !error; i++) {
		char *title = NULL;
		size_t first, n = site_pass_find(s->pass, work->stories.v[i], &first);
		if (n == 0)
			continue; /* no revision outside merges: its title is read later */
		error = site_story_page(s, first, n, &title);
		if (error == 0)
			error = titles_add(fresh, work->stories.v[i], strlen(work->stories.v[i]), title,
					   strlen(title));
		free(title);
	}
	if (error == 0 && fresh->n > 1)
		qsort(fresh->v, fresh->n, sizeof(*fresh->v), cmp_titled);
	return error;
}

/* Every story's title into `now`: this build's, the last build's, or read
 * from HEAD. */
static int every_title(struct titles *now, rl_archive *archive, const git_oid *head, const struct changed *all,
		       const struct titles *fresh, const struct titles *old)
{
	int error = 0;

	for (size_t j = 0; j < all->stories.n && !error; j++) {
		const char *p = all->stories.v[j], *t = titles_find(fresh, p);
		rl_buf text = RL_BUF_INIT(RL_STORY_MAX);
		rl_story_header h;
		if (t == NULL)
			t = titles_find(old, p);
		if (t) {
			error = titles_add(now, p, strlen(p), t, strlen(t));
			continue;
		}
		memset(&h, 0, sizeof(h));
		if ((error = rl_archive_read(&text, archive, head, p)) == 0 &&
		    (error = rl_story_parse_header(&h, text.ptr, text.len)) == 0)
			error = titles_add(now, p, strlen(p), h.title ? h.title : "", h.title ? strlen(h.title) : 0);
		rl_story_header_clear(&h);
		rl_buf_release(&text);
	}
	if (error == 0 && now->n > 1)
		qsort(now->v, now->n, sizeof(*now->v), cmp_titled);
	return error;
}

/* The record of this build, written last: a build cut short is redone. */
static int state_save(struct site *s, const git_oid *head, const struct titles *now)
{
	rl_buf state = RL_BUF_INIT(STATE_MAX);
	int error;

	error = rl_buf_printf(&state, "redline-site 1\n%s\n", git_oid_tostr_s(head));
	for (size_t i = 0; i < now->n && !error; i++)
		error = rl_buf_printf(&state, "%s\t%s\n", now->v[i].path, now->v[i].title);
	if (error == 0)
		error = site_write(s, STATE_NAME, &state);
	rl_buf_release(&state);
	return error;
}

int rl_site_build(rl_site_stats *stats, rl_archive *archive, const char *dir, int full)
{
	struct pass pass = { 0 };
	struct site s = { archive, dir, stats, &pass, NULL };
	struct titles old = { 0 }, fresh = { 0 }, now = { 0 };
	struct changed todo = { RL_STRVEC_INIT, RL_STRVEC_INIT }, all = { RL_STRVEC_INIT, RL_STRVEC_INIT };
	const struct changed *work;
	git_oid last, head;
	int error;

	memset(stats, 0, sizeof(*stats));
	if ((error = rl_archive_resolve(&head, archive, "HEAD")) < 0)
		return error;
	if ((error = state_load(&last, &old, dir)) < 0)
		goto done;
	if (!full && git_oid_equal(&last, &head)) {
		stats->up_to_date = 1;
		goto done;
	}
	stats->full = full;
	if ((error = list_work(&all, &todo, &stats->full, archive, &head, &last)) < 0)
		goto done;
	/* one walk over the history feeds every page and feed below */
	if ((error = site_pass_run(&pass, archive, stats->full ? NULL : &last, dir)) < 0)
		goto done;
	stats->commits = pass.commits;
	work = stats->full ? &all : &todo;
	if ((error = story_pages(&s, work, &fresh)) < 0)
		goto done;
	for (size_t i = 0; i < work->sources.n && !error; i++)
		error = site_source_page(&s, work->sources.v[i]);
	if (error < 0 || (error = every_title(&now, archive, &head, &all, &fresh, &old)) < 0 ||
	    (error = top_pages(&s, &all, &now)) < 0 || (error = site_pass_save(&s, &head)) < 0)
		goto done;
	error = state_save(&s, &head, &now);
done:
	site_capture_release(&s);
	site_pass_release(&pass);
	titles_release(&old);
	titles_release(&fresh);
	titles_release(&now);
	rl_strvec_release(&todo.stories);
	rl_strvec_release(&todo.sources);
	rl_strvec_release(&all.stories);
	rl_strvec_release(&all.sources);
	return error;
}
