/* The static site: every page where it belongs and nowhere else (source
 * directories from an archive are not trusted: "..", ".git"), hostile story
 * text escaped on every page, and an incremental build that rewrites only
 * what changed, recorded in the site's directory. */
#include "testutil.h"
#include "storyrepo.h"
#include "redline/capture.h"
#include "redline/file.h"
#include "redline/site.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define P "anp/2026-11/storm-3fa2c1d0e9ab.txt"
#define Q "nos/2026-11/other-0a1b2c3d4e5f.txt"
#define EVIL "<script>alert(1)</script><img src=x onerror=alert(2)>"

static char *site_file(const char *dir, const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return tu_read_file(path, NULL);
}

static int exists(const char *dir, const char *rel)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return stat(path, &st) == 0;
}

static void test_hostile_story_text_is_escaped_on_every_page(void **state)
{
	struct storyrepo *r = sr_new();
	rl_site_stats st;
	char dir[600];
	static const char *const pages[] = { "index.html", "stories.html", "anp/index.html",
					     "anp/3fa2c1d0e9ab.html", "all.xml", "anp/feed.xml" };

	(void)state;
	sr_put(r, P, sr_story(EVIL, "3fa2c1d0e9ab", "anp", "Er vielen 3 doden. " EVIL "\n"));
	sr_put(r, "anp/INDEX", "3fa2c1d0e9ab " EVIL "\n");
	sr_commit(r, "2026-11-28T09:00:00Z", "anp: 1 new\n");
	sr_put(r, P, sr_story(EVIL, "3fa2c1d0e9ab", "anp", "Er vielen 5 doden. " EVIL "\n"));
	sr_commit(r, "2026-11-28T10:00:00Z", "anp: 1 edited\n");
	sr_open(r);
	snprintf(dir, sizeof(dir), "%s/site", r->dir);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_true(st.full);
	assert_int_equal(st.story_pages, 1);
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char *html = site_file(dir, pages[i]);
		if (html == NULL)
			fail_msg("no %s", pages[i]);
		if (strstr(html, "<script>alert") || strstr(html, "<img src=x"))
			fail_msg("%s lets the story's markup through", pages[i]);
		free(html);
	}
	char *story = site_file(dir, "anp/3fa2c1d0e9ab.html");
	assert_non_null(strstr(story, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(story, "<mark class=\"fig\">5</mark>"));
	free(story);
	sr_free(r);
}

/* An archive whose tree holds a ".." directory (git mktree takes it; a
 * remote can send it): nothing is written outside the site. */
static void test_page_paths_stay_inside_the_site(void **state)
{
	struct storyrepo *r = sr_new();
	rl_site_stats st;
	char dir[600], *out = NULL;

	(void)state;
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 3 doden.\n"));
	sr_commit(r, "2026-11-28T09:00:00Z", "anp: 1 new\n");
	/* HEAD's tree plus "..": a tree built by hand, committed on top */
	assert_int_equal(tu_sh(&out,
			       "cd '%s' && b=$(echo 'Title: evil' | git hash-object -w --stdin) && "
			       "t=$(printf '100644 blob %%s\\tx-0123456789ab.txt\\n' $b | git mktree) && "
			       "m=$(printf '040000 tree %%s\\t2026-11\\n' $t | git mktree) && "
			       "g=$(printf '040000 tree %%s\\t.git\\n' $t | git mktree) && "
			       "root=$( (git ls-tree HEAD; printf '040000 tree %%s\\t..\\n' $m; "
			       "printf '040000 tree %%s\\tev..il\\n' $g) | git mktree) && "
			       "c=$(echo evil | GIT_AUTHOR_DATE=2026-11-28T10:00:00Z GIT_COMMITTER_DATE=2026-11-28T10:00:00Z "
			       "git -c user.name=x -c user.email=x@x commit-tree $root -p HEAD) && "
			       "git update-ref refs/heads/main $c",
			       r->archive),
			 0);
	free(out);
	sr_open(r);
	snprintf(dir, sizeof(dir), "%s/site/inner", r->dir);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_true(exists(dir, "anp/3fa2c1d0e9ab.html"));
	/* "../0123456789ab.html" from the ".." source would land in site/ */
	assert_false(exists(dir, "../0123456789ab.html"));
	assert_false(exists(dir, "../index.html"));
	assert_false(exists(dir, "ev..il/.git"));
	/* anp, and "ev..il", a name `redline add` takes; never ".." */
	assert_int_equal(st.source_pages, 2);
	sr_free(r);
}

static void test_incremental_build_rewrites_only_what_changed(void **state)
{
	struct storyrepo *r = sr_new();
	rl_site_stats st;
	char dir[600];

	(void)state;
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 3 doden.\n"));
	sr_put(r, Q, sr_story("Other", "0a1b2c3d4e5f", "nos", "Iets anders.\n"));
	sr_commit(r, "2026-11-28T09:00:00Z", "anp, nos: 2 new\n");
	sr_open(r);
	snprintf(dir, sizeof(dir), "%s/site", r->dir);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_true(st.full);
	assert_int_equal(st.story_pages, 2);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_true(st.up_to_date);
	assert_int_equal(st.files, 0);

	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 5 doden.\n"));
	sr_commit(r, "2026-11-28T10:00:00Z", "anp: 1 edited\n");
	sr_open(r);
	assert_int_equal(unlink(strcat(strcpy((char[700]){ 0 }, dir), "/nos/0a1b2c3d4e5f.html")), 0);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_false(st.full);
	assert_int_equal(st.story_pages, 1);
	assert_int_equal(st.source_pages, 1);
	/* the unchanged story's page was not rewritten; one commit was read */
	assert_false(exists(dir, "nos/0a1b2c3d4e5f.html"));
	assert_int_equal(st.commits, 1);
	char *page = site_file(dir, "anp/3fa2c1d0e9ab.html"), *feed = site_file(dir, "all.xml");
	assert_non_null(strstr(page, "2 revisions"));
	/* --full rewrites everything, reading every commit, to the same pages */
	assert_int_equal(rl_site_build(&st, r->a, dir, 1), 0);
	assert_true(st.full);
	assert_int_equal(st.story_pages, 2);
	assert_int_equal(st.commits, 2);
	assert_true(exists(dir, "nos/0a1b2c3d4e5f.html"));
	char *page2 = site_file(dir, "anp/3fa2c1d0e9ab.html"), *feed2 = site_file(dir, "all.xml");
	assert_string_equal(page, page2);
	assert_string_equal(feed, feed2);
	free(page);
	free(page2);
	free(feed);
	free(feed2);
	/* a damaged record of the walk: the whole history again, same pages */
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 7 doden.\n"));
	sr_commit(r, "2026-11-28T11:00:00Z", "anp: 1 edited\n");
	sr_open(r);
	assert_int_equal(tu_sh(NULL, "printf 'redline-pass 1 %%s\\ngarbage\\n' $(git -C '%s' rev-parse HEAD~1) >'%s/.redline-pass'",
			       r->archive, dir), 0);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_int_equal(st.commits, 3);
	page = site_file(dir, "anp/3fa2c1d0e9ab.html");
	assert_non_null(strstr(page, "3 revisions"));
	free(page);
	/* no record at all (a site built by an older redline): the same */
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 9 doden.\n"));
	sr_commit(r, "2026-11-28T12:00:00Z", "anp: 1 edited\n");
	sr_open(r);
	assert_int_equal(tu_sh(NULL, "rm '%s/.redline-pass'", dir), 0);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_int_equal(st.commits, 4);
	page = site_file(dir, "anp/3fa2c1d0e9ab.html");
	assert_non_null(strstr(page, "4 revisions"));
	free(page);
	sr_free(r);
}

/* Each revision links the raw captures its commit names: the WARC file
 * exported byte for byte, its body as text; a trailer that names no
 * capture id is ignored and a capture missing from the commit is said, and
 * neither stops the build or writes outside the site. */
static void test_captures_are_linked_and_exported_once(void **state)
{
	struct storyrepo *r = sr_new();
	rl_capture *cap = NULL;
	rl_capture_facts facts = { "anp", "redline/test rules/0", 18, "0", "200", 0, NULL };
	rl_site_stats st;
	char dir[600], path[1200], rel[128], msg[512], *page, *body, *warc;
	size_t warc_len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(rl_capture_new_resource(&cap, "https://www.example.nl/", 1795856400, "text/html",
						 "<p>3 doden</p>\n<x>", 18, &facts),
			 0);
	snprintf(path, sizeof(path), "%s/%s", r->wt, cap->path);
	*strrchr(path, '/') = '\0';
	assert_int_equal(rl_file_mkdir_p(path), 0);
	snprintf(path, sizeof(path), "%s/%s", r->wt, cap->path);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(cap->bytes.ptr, 1, cap->bytes.len, f), cap->bytes.len);
	fclose(f);
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 3 doden.\n"));
	snprintf(msg, sizeof(msg), "anp: 1 new\n\nCapture: %s\nCapture: <urn:uuid:../../../etc/passwd>\n", cap->id);
	sr_commit(r, "2026-11-28T09:00:00Z", msg);
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 5 doden.\n"));
	sr_commit(r, "2026-11-28T10:00:00Z",
		  "anp: 1 edited\n\nCapture: <urn:uuid:00000000-0000-4000-8000-000000000000>\n");
	sr_open(r);
	snprintf(dir, sizeof(dir), "%s/site", r->dir);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_int_equal(st.captures, 1);
	/* the WARC as committed, the body as sent */
	snprintf(rel, sizeof(rel), "_captures/%.36s.warc.gz", cap->id + 10);
	assert_non_null(warc = tu_read_file((snprintf(path, sizeof(path), "%s/%s", dir, rel), path), &warc_len));
	assert_int_equal(warc_len, cap->bytes.len);
	assert_memory_equal(warc, cap->bytes.ptr, warc_len);
	snprintf(rel, sizeof(rel), "_captures/%.36s.txt", cap->id + 10);
	assert_non_null(body = site_file(dir, rel));
	assert_string_equal(body, "<p>3 doden</p>\n<x>");
	assert_non_null(page = site_file(dir, "anp/3fa2c1d0e9ab.html"));
	assert_non_null(strstr(page, rel));
	assert_non_null(strstr(page, "https://www.example.nl/"));
	assert_non_null(strstr(page, "missing from its commit"));
	assert_null(strstr(page, "passwd"));
	free(page);
	free(body);
	free(warc);
	/* written once: a full build rewrites it, an incremental one does not */
	sr_put(r, P, sr_story("Storm", "3fa2c1d0e9ab", "anp", "Er vielen 6 doden.\n"));
	sr_commit(r, "2026-11-28T11:00:00Z", "anp: 1 edited\n");
	sr_open(r);
	assert_int_equal(rl_site_build(&st, r->a, dir, 0), 0);
	assert_int_equal(st.captures, 0);
	assert_int_equal(rl_site_build(&st, r->a, dir, 1), 0);
	assert_int_equal(st.captures, 1);
	rl_capture_free(cap);
	sr_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_story_text_is_escaped_on_every_page),
		cmocka_unit_test(test_page_paths_stay_inside_the_site),
		cmocka_unit_test(test_incremental_build_rewrites_only_what_changed),
		cmocka_unit_test(test_captures_are_linked_and_exported_once),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
