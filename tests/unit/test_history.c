/* History: finding a story by name, the log of a source or a story, diffs
 * between versions and a story as of a revision, all read from a bare
 * archive built here with the real git in the documented format. */
#include "testutil.h"
#include "redline/history.h"
#include "redline/edits.h"
#include "redline/error.h"
#include "redline/story.h"
#include "../../src/history/history_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S1 "anp/2026-11/vs-schatten-aantal-noord-koreaanse-soldaten-3fa2c1d0e9ab.txt"
#define S2 "anp/2026-11/kyiv-anp-de-oekraiense-president-8d1e0a77c2f4.txt"
#define S3 "anp/2026-11/washington-anp-ministerie-51c9e2d0a3b7.txt"
#define S4 "nos/2026-11/rusland-meldt-aanval-0a1b2c3d4e5f.txt"

struct fixture {
	char *dir;
	char archive[512];
	char wt[512];
	rl_archive *a;
};

static void put(struct fixture *f, const char *path, const char *text)
{
	char full[1024];
	FILE *fp;

	snprintf(full, sizeof(full), "%s/%s", f->wt, path);
	assert_int_equal(tu_sh(NULL, "mkdir -p \"$(dirname '%s')\"", full), 0);
	assert_non_null(fp = fopen(full, "w"));
	fputs(text, fp);
	fclose(fp);
}

static void commit(struct fixture *f, const char *when, const char *message)
{
	put(f, ".msg", message);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && git add -A -- . ':!.msg' && "
			       "GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' "
			       "git -c user.name=redline -c user.email=redline@localhost "
			       "commit -q -F .msg && git push -q origin HEAD:main 2>/dev/null",
			       f->wt, when, when), 0);
}

static const char *story(const char *title, const char *id, const char *source,
			 const char *body)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf),
		 "Title: %s\nURL: https://example.nl/%s\nSource: %s\n"
		 "First-Seen: 2026-11-28T09:00:00Z\nId: %s\n\n%s",
		 title, id, source, id, body);
	return buf;
}

#define T1_OLD "VS schatten aantal Noord-Koreaanse soldaten in Rusland op 3000"
#define T1_NEW "VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000"
#define T2 "KYIV (ANP) - De Oekraïense president Volodymyr Zelensky zegt iets"
#define T3 "WASHINGTON (ANP) - Ministerie van Justitie waarschuwt"
#define T4 "Rusland meldt aanval op Koersk"

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	snprintf(f->archive, sizeof(f->archive), "%s/archive", f->dir);
	snprintf(f->wt, sizeof(f->wt), "%s/wt", f->dir);
	assert_int_equal(tu_sh(NULL, "git init -q --bare -b main '%s' && git init -q -b main '%s' && "
				     "git -C '%s' remote add origin '%s'",
			       f->archive, f->wt, f->wt, f->archive), 0);

	put(f, "anp/INDEX", "3fa2c1d0e9ab " T1_OLD "\n8d1e0a77c2f4 " T2 "\n");
	put(f, S1, story(T1_OLD, "3fa2c1d0e9ab", "anp",
			 "WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 3000 militairen naar Rusland gestuurd.\n"
			 "Dat schat het Pentagon.\n"));
	put(f, S2, story(T2, "8d1e0a77c2f4", "anp", "KYIV (ANP) - Er zijn conceptdocumenten.\n"));
	commit(f, "2026-11-28T09:00:00Z",
	       "anp: 2 new\n\nnew 3fa2c1d0e9ab " T1_OLD "\nnew 8d1e0a77c2f4 " T2 "\n\n"
	       "Source-URL: https://example.nl/buitenland\nSnapshot-Time: 2026-11-28T09:00:00Z\n");

	put(f, "anp/INDEX", "3fa2c1d0e9ab " T1_NEW "\n51c9e2d0a3b7 " T3 "\n8d1e0a77c2f4 " T2 "\n");
	put(f, S1, story(T1_NEW, "3fa2c1d0e9ab", "anp",
			 "WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd.\n"
			 "Dat schat het Pentagon.\n"));
	put(f, S3, story(T3, "51c9e2d0a3b7", "anp", "Niet alles moet geloofd worden.\n"));
	commit(f, "2026-11-28T10:00:00Z",
	       "anp: 1 edited, 1 new\n\nedited 3fa2c1d0e9ab " T1_NEW "\nnew 51c9e2d0a3b7 " T3 "\n\n"
	       "Source-URL: https://example.nl/buitenland\nSnapshot-Time: 2026-11-28T10:00:00Z\n");

	put(f, "anp/INDEX", "3fa2c1d0e9ab " T1_NEW "\n8d1e0a77c2f4 " T2 "\n");
	put(f, S2, story(T2, "8d1e0a77c2f4", "anp",
			 "KYIV (ANP) - Er zijn conceptdocumenten.\nHet gaat om 3 documenten.\n"));
	commit(f, "2026-11-28T11:00:00Z",
	       "anp: 1 edited, 1 gone from page\n\nedited 8d1e0a77c2f4 " T2 "\ngone 51c9e2d0a3b7 " T3 "\n\n"
	       "Source-URL: https://example.nl/buitenland\nSnapshot-Time: 2026-11-28T11:00:00Z\n");

	put(f, "nos/INDEX", "0a1b2c3d4e5f " T4 "\n");
	put(f, S4, story(T4, "0a1b2c3d4e5f", "nos", "Er waren 12 aanvallen.\n"));
	commit(f, "2026-11-28T12:00:00Z",
	       "nos: 1 new\n\nnew 0a1b2c3d4e5f " T4 "\n\nSource-URL: https://nos.nl/\n");

	git_libgit2_init();
	assert_int_equal(rl_archive_open(&f->a, f->archive), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rl_archive_free(f->a);
	git_libgit2_shutdown();
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void assert_resolves(rl_archive *a, const char *spec, const char *path)
{
	rl_history_item it;
	assert_int_equal(rl_history_resolve(&it, a, spec), 0);
	assert_string_equal(it.path, path);
	rl_history_item_clear(&it);
}

static void test_resolve_by_id_path_and_title(void **state)
{
	struct fixture *f = *state;
	rl_history_item it;

	assert_int_equal(rl_history_resolve(&it, f->a, "3fa2c1d0e9ab"), 0);
	assert_string_equal(it.path, S1);
	assert_string_equal(it.id, "3fa2c1d0e9ab");
	assert_string_equal(it.source, "anp");
	assert_string_equal(it.title, T1_NEW);
	rl_history_item_clear(&it);
	assert_resolves(f->a, "3FA2", S1);
	assert_resolves(f->a, S2, S2);
	assert_resolves(f->a, "noord-KOREAANSE", S1);
	assert_resolves(f->a, "OEKRAÏENSE", S2);
	/* gone from the page: its title comes from the file's Title: header */
	assert_resolves(f->a, "justitie waarschuwt", S3);
	/* an exact title wins over a title that contains it */
	assert_resolves(f->a, T4, S4);
}

static void test_resolve_unknown_and_ambiguous(void **state)
{
	struct fixture *f = *state;
	rl_history_item it;

	assert_int_equal(rl_history_resolve(&it, f->a, "nothing like this"), RL_ENOTFOUND);
	assert_string_equal(rl_error_last(), "no story matches 'nothing like this'");
	assert_null(it.path);
	assert_int_equal(rl_history_resolve(&it, f->a, "rusland"), RL_EAMBIGUOUS);
	assert_non_null(strstr(rl_error_last(), "'rusland' matches 2 stories:"));
	assert_non_null(strstr(rl_error_last(), "pick one by SOURCE/ID or by its path"));
	assert_non_null(strstr(rl_error_last(), "3fa2c1d0e9ab"));
	assert_non_null(strstr(rl_error_last(), "0a1b2c3d4e5f"));
	assert_int_equal(rl_history_resolve(&it, f->a, ""), RL_EINVAL);
	/* INDEX is a file in the tree, but no story */
	assert_int_equal(rl_history_resolve(&it, f->a, "anp/INDEX"), RL_ENOTFOUND);
}

/* A whole id is found through each source's list of known ids (state.h)
 * instead of a listing of every story; a list that is wrong or behind
 * (plain git commits, a lost cache) never gives a wrong answer. */
static void test_resolve_whole_id_through_known_lists(void **state)
{
	struct fixture *f = *state;
	rl_history_item it;

	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/redline/state' && cd '%s/redline/state' && "
				     "printf '3fa2c1d0e9ab\\t%s\\n8d1e0a77c2f4\\t%s\\n"
				     "deadbeef0000\\tanp/2026-11/weg-deadbeef0000.txt\\n' > anp.ids && "
				     "printf '0a1b2c3d4e5f\\t%s\\n' > nos.ids",
			       f->archive, f->archive, S1, S3, S4), 0);
	assert_int_equal(rl_history_resolve(&it, f->a, "3fa2c1d0e9ab"), 0);
	assert_string_equal(it.path, S1);
	assert_string_equal(it.source, "anp");
	assert_string_equal(it.title, T1_NEW); /* from INDEX, as the scan gives it */
	rl_history_item_clear(&it);
	assert_resolves(f->a, "nos/0a1b2c3d4e5f", S4);
	/* the list names S3's file for S2's id: checked, then the scan decides */
	assert_resolves(f->a, "8d1e0a77c2f4", S2);
	/* not in the list at all (a commit made by plain git) */
	assert_resolves(f->a, "51c9e2d0a3b7", S3);
	/* listed, but no file at HEAD */
	assert_int_equal(rl_history_resolve(&it, f->a, "deadbeef0000"), RL_ENOTFOUND);
	/* a source the list is not about */
	assert_int_equal(rl_history_resolve(&it, f->a, "nos/3fa2c1d0e9ab"), RL_ENOTFOUND);
	assert_int_equal(tu_sh(NULL, "rm -rf '%s/redline'", f->archive), 0);
}

static void test_is_source_and_split_rev(void **state)
{
	struct fixture *f = *state;
	char *item, *rev;

	assert_true(rl_history_is_source(f->a, "anp"));
	assert_true(rl_history_is_source(f->a, "nos"));
	assert_false(rl_history_is_source(f->a, "3fa2"));
	assert_false(rl_history_is_source(f->a, "anp/2026-11"));

	assert_int_equal(rl_history_split_rev(&item, &rev, f->a, "3fa2@HEAD~1"), 0);
	assert_string_equal(item, "3fa2");
	assert_string_equal(rev, "HEAD~1");
	free(item);
	free(rev);
	assert_int_equal(rl_history_split_rev(&item, &rev, f->a, "mail@nowhere"), 0);
	assert_string_equal(item, "mail@nowhere");
	assert_null(rev);
	free(item);
}

static void test_log_all_newest_first(void **state)
{
	struct fixture *f = *state;
	rl_history_log log = RL_HISTORY_LOG_INIT;

	assert_int_equal(rl_history_log_read(&log, f->a, NULL), 0);
	assert_int_equal(log.n, 4);
	assert_string_equal(log.v[0].subject, "nos: 1 new");
	assert_string_equal(log.v[3].subject, "anp: 2 new");
	assert_true(log.v[0].time > log.v[1].time);
	assert_null(log.v[0].summary);
	assert_int_equal(log.v[1].n_changes, 2);
	assert_string_equal(log.v[1].changes[1].kind, "gone");
	assert_string_equal(log.v[1].changes[1].id, "51c9e2d0a3b7");
	assert_string_equal(log.v[1].changes[1].title, T3);
	assert_int_equal(strlen(log.v[0].commit), 40);
	rl_history_log_release(&log);
}

static void test_log_of_a_source_and_limit(void **state)
{
	struct fixture *f = *state;
	rl_history_log log = RL_HISTORY_LOG_INIT;
	rl_history_log_options o = { .source = "anp" };

	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_int_equal(log.n, 3);
	for (size_t i = 0; i < log.n; i++)
		assert_true(strncmp(log.v[i].subject, "anp:", 4) == 0);
	rl_history_log_release(&log);
	o.max = 1;
	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_int_equal(log.n, 1);
	assert_string_equal(log.v[0].subject, "anp: 1 edited, 1 gone from page");
	rl_history_log_release(&log);
}

static void test_log_of_a_story_says_what_changed(void **state)
{
	struct fixture *f = *state;
	rl_history_log log = RL_HISTORY_LOG_INIT;
	rl_history_log_options o = { .item_path = S1 };

	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.v[0].summary,
			    "edited: title changed; 1 sentence changed; figures soldaten in Rusland: 3000 \u2192 10.000");
	assert_string_equal(log.v[1].summary, "new");
	rl_history_log_release(&log);

	o.item_path = S3;
	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.v[0].summary, "gone from page");
	assert_string_equal(log.v[1].summary, "new");
	rl_history_log_release(&log);

	o.item_path = S2;
	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_int_equal(log.n, 2);
	assert_string_equal(log.v[0].summary, "edited: 1 sentence added; figures documenten: \u2205 \u2192 3");
	rl_history_log_release(&log);

	/* without the summaries of edits, then each asked for: the same */
	o.item_path = S1;
	o.no_edit_summary = 1;
	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_int_equal(log.n, 2);
	assert_null(log.v[0].summary);
	assert_null(log.v[1].summary);
	assert_int_equal(rl_history_log_summarize(&log.v[0], f->a, S1), 0);
	assert_int_equal(rl_history_log_summarize(&log.v[1], f->a, S1), 0);
	assert_string_equal(log.v[0].summary,
			    "edited: title changed; 1 sentence changed; figures soldaten in Rusland: 3000 \u2192 10.000");
	assert_string_equal(log.v[1].summary, "new");
	rl_history_log_release(&log);
	o.item_path = S3; /* "gone from page" changed nothing: summarised still */
	assert_int_equal(rl_history_log_read(&log, f->a, &o), 0);
	assert_string_equal(log.v[0].summary, "gone from page");
	rl_history_log_release(&log);
}

static void test_diff_last_change_and_revisions(void **state)
{
	struct fixture *f = *state;
	rl_history_diff d;
	rl_history_log log = RL_HISTORY_LOG_INIT;
	rl_buf b = RL_BUF_INIT(1 << 16);

	assert_int_equal(rl_history_log_read(&log, f->a, NULL), 0);
	assert_int_equal(rl_history_diff_compute(&d, f->a, S1, NULL, NULL), 0);
	assert_string_equal(d.to, log.v[2].commit);
	assert_string_equal(d.from, log.v[3].commit);
	assert_int_equal(d.figures.n, 2);
	assert_string_equal(d.figures.v[0].old, "3000");
	assert_string_equal(d.figures.v[0].new, "10.000");
	assert_int_equal(rl_worddiff_render(&b, &d.words, RL_WORDDIFF_RENDER_CHANGED), 0);
	assert_non_null(strstr(b.ptr, "op [-3000-]{+10.000+}\n"));
	assert_null(strstr(b.ptr, "Pentagon"));
	rl_history_diff_release(&d);

	/* one revision: against HEAD; two: between them */
	assert_int_equal(rl_history_diff_compute(&d, f->a, S1, "HEAD~3", NULL), 0);
	assert_string_equal(d.to, log.v[0].commit);
	assert_int_equal(d.figures.n, 2);
	rl_history_diff_release(&d);
	assert_int_equal(rl_history_diff_compute(&d, f->a, S1, "HEAD~1", "HEAD"), 0);
	assert_int_equal(d.figures.n, 0);
	for (size_t i = 0; i < d.words.n; i++)
		assert_int_equal(d.words.v[i].kind, RL_WORDDIFF_SAME);
	rl_history_diff_release(&d);

	/* a story not there yet reads as empty */
	assert_int_equal(rl_history_diff_compute(&d, f->a, S3, "HEAD~3", "HEAD~2"), 0);
	assert_string_equal(d.old_text, "");
	assert_int_equal(d.words.n, 1);
	assert_int_equal(d.words.v[0].kind, RL_WORDDIFF_ADDED);
	rl_history_diff_release(&d);

	assert_int_equal(rl_history_diff_compute(&d, f->a, S1, "no-such-rev", NULL), RL_ENOTFOUND);
	assert_string_equal(rl_error_last(), "unknown revision 'no-such-rev'");
	assert_int_equal(rl_history_diff_compute(&d, f->a, S4, "HEAD~3", "HEAD~2"), RL_ENOTFOUND);
	rl_buf_release(&b);
	rl_history_log_release(&log);
}

static void test_show_as_of_a_revision(void **state)
{
	struct fixture *f = *state;
	rl_history_story s;

	assert_int_equal(rl_history_show(&s, f->a, S1, "HEAD~3"), 0);
	assert_string_equal(s.header_names.v[0], "Title");
	assert_string_equal(s.header_values.v[0], T1_OLD);
	assert_int_equal(s.header_names.n, 5);
	assert_int_equal(s.body.n, 2);
	assert_non_null(strstr(s.body.v[0], "3000 militairen"));
	assert_non_null(strstr(s.text, "\n\nWASHINGTON"));
	rl_history_story_release(&s);

	assert_int_equal(rl_history_show(&s, f->a, S1, NULL), 0);
	assert_string_equal(s.header_values.v[0], T1_NEW);
	rl_history_story_release(&s);

	assert_int_equal(rl_history_show(&s, f->a, S3, "HEAD~3"), RL_ENOTFOUND);
	assert_non_null(strstr(rl_error_last(), "did not exist at 'HEAD~3'"));
	rl_history_story_release(NULL);
}

static void test_story_parsing_is_lenient(void **state)
{
	rl_history_story s = { 0 };

	assert_int_equal(rl_history_parse_story(&s, "Just a sentence.\nAnd: another one\n"), 0);
	assert_int_equal(s.header_names.n, 0);
	assert_int_equal(s.body.n, 2);
	rl_history_story_release(&s);
	assert_int_equal(rl_history_parse_story(&s, "Title: x\n\n\nA.\n\nB.\n"), 0);
	assert_int_equal(s.header_names.n, 1);
	assert_int_equal(s.body.n, 2);
	rl_history_story_release(&s);
}

static void test_commit_message_lines(void **state)
{
	rl_history_entry e = { 0 };
	rl_history_log log = RL_HISTORY_LOG_INIT;

	assert_int_equal(rl_history_parse_changes(&e,
		"anp: x\n\nedited 3fa2c1d0e9ab A title\nbogus 3fa2c1d0e9ab no\n"
		"new 3FA2C1D0E9AB upper case is no id\nmoved 0a1b2c3d4e5f\n"
		"gone 0a1b2c3d4e5fextra\n\nSource-URL: x\n"), 0);
	assert_int_equal(e.n_changes, 2);
	assert_string_equal(e.changes[0].title, "A title");
	assert_string_equal(e.changes[1].kind, "moved");
	assert_string_equal(e.changes[1].title, "");
	/* hand the entry to a log so that its release frees it */
	log.v = malloc(sizeof(e));
	log.v[0] = e;
	log.n = log.cap = 1;
	rl_history_log_release(&log);
}

static void test_empty_archive_and_huge_story(void **state)
{
	char *dir = tu_tmpdir();
	char path[600];
	rl_archive *a = NULL;
	rl_history_log log = RL_HISTORY_LOG_INIT;
	rl_history_story s;

	snprintf(path, sizeof(path), "%s/empty", dir);
	assert_int_equal(tu_sh(NULL, "git init -q --bare -b main '%s'", path), 0);
	assert_int_equal(rl_archive_open(&a, path), 0);
	assert_int_equal(rl_history_log_read(&log, a, NULL), RL_ENOTFOUND);
	assert_string_equal(rl_error_last(), "the archive has no snapshots yet");
	rl_archive_free(a);

	/* a story file over the cap is refused, not read */
	snprintf(path, sizeof(path), "%s/big", dir);
	assert_int_equal(tu_sh(NULL,
			       "git init -q -b main '%s' && cd '%s' && mkdir -p a/2026-11 && "
			       "head -c %u /dev/zero | tr '\\0' x > a/2026-11/x-0123456789ab.txt && "
			       "git add -A && git -c user.name=r -c user.email=r@l commit -q -m big && "
			       "git clone -q --bare '%s' '%s.git'",
			       path, path, RL_HISTORY_STORY_MAX + 1, path, path), 0);
	strcat(path, ".git");
	assert_int_equal(rl_archive_open(&a, path), 0);
	assert_int_equal(rl_history_show(&s, a, "a/2026-11/x-0123456789ab.txt", NULL), RL_ETOOBIG);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* One resolver, one code each: an unknown revision is RL_ENOTFOUND, a short
 * id that names two objects is RL_EAMBIGUOUS, in history as in the archive. */
static void test_ambiguous_revision(void **state)
{
	char *dir = tu_tmpdir();
	char path[600], prefix[5];
	rl_archive *a = NULL;
	git_repository *repo = NULL;
	rl_history_story s;
	git_oid oid;
	unsigned short first[512];
	int found = 0;
	(void)state;

	snprintf(path, sizeof(path), "%s/amb", dir);
	assert_int_equal(tu_sh(NULL, "git init -q --bare -b main '%s'", path), 0);
	assert_int_equal(git_repository_open_bare(&repo, path), 0);
	/* blobs until two share their first 4 hex digits (birthday: ~300 of 65536) */
	for (int i = 0; i < 512 && !found; i++) {
		char text[32];
		int n = snprintf(text, sizeof(text), "blob %d\n", i);
		assert_int_equal(git_blob_create_from_buffer(&oid, repo, text, (size_t)n), 0);
		first[i] = (unsigned short)(oid.id[0] << 8 | oid.id[1]);
		for (int j = 0; j < i && !found; j++)
			found = first[j] == first[i];
	}
	assert_true(found);
	git_repository_free(repo);
	assert_int_equal(rl_archive_open(&a, path), 0);
	git_oid_tostr(prefix, sizeof(prefix), &oid);
	assert_int_equal(rl_archive_resolve(&oid, a, prefix), RL_EAMBIGUOUS);
	assert_int_equal(rl_history_show(&s, a, "x/2026-11/x-0123456789ab.txt", prefix), RL_EAMBIGUOUS);
	assert_non_null(strstr(rl_error_last(), "ambiguous revision"));
	assert_int_equal(rl_history_show(&s, a, "x/2026-11/x-0123456789ab.txt", "zzzz"), RL_ENOTFOUND);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* The tree of HEAD~n of the fixture. */
static git_tree *tree_at(rl_archive *a, const char *rev)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	assert_int_equal(hist_commit(&c, a, rev), 0);
	assert_int_equal(git_commit_tree(&t, c), 0);
	git_commit_free(c);
	return t;
}

/* The helpers every story command reads files with (history_internal.h):
 * a file's entry and text in a tree, and whether it changed between two
 * trees, for folders that changed or not, absent files and trees, folders
 * asked for as files, many other lookups in between, and a second handle
 * on the same archive. */
static void test_file_lookups_follow_the_trees(void **state)
{
	struct fixture *f = *state;
	git_tree *t4 = tree_at(f->a, "HEAD"), *t3 = tree_at(f->a, "HEAD~1"),
		 *t2 = tree_at(f->a, "HEAD~2"), *t1 = tree_at(f->a, "HEAD~3");
	rl_archive *other = NULL;
	git_tree *o4;
	char *text = NULL, name[64];
	git_oid id;

	assert_int_equal(hist_path_changed(t4, t3, S1), 0);   /* anp/ the same */
	assert_int_equal(hist_path_changed(t3, t2, S1), 0);   /* anp/2026-11 changed, S1 not */
	assert_int_equal(hist_path_changed(t3, t2, S2), 1);
	assert_int_equal(hist_path_changed(t2, t1, S3), 1);   /* new in t2 */
	assert_int_equal(hist_path_changed(t2, NULL, S1), 1);
	assert_int_equal(hist_path_changed(NULL, NULL, S1), 0);
	assert_int_equal(hist_path_changed(t4, t1, "nos/2026-11/none-000000000000.txt"), 0);
	assert_int_equal(hist_entry_id(&id, t1, S3), 0);
	assert_int_equal(hist_entry_id(&id, t4, "anp/2026-11"), 1); /* a folder is an entry */
	assert_int_equal(hist_read_text(&text, f->a, t4, "anp/2026-11"), RL_ENOTFOUND); /* no text */
	assert_int_equal(hist_read_text(&text, f->a, t4, "anp"), RL_ENOTFOUND);

	for (int round = 0; round < 2; round++) {
		assert_int_equal(hist_read_text(&text, f->a, t1, S1), 0);
		assert_non_null(strstr(text, " 3000 militairen"));
		free(text);
		assert_int_equal(hist_read_text(&text, f->a, t4, S1), 0);
		assert_non_null(strstr(text, " 10.000 militairen"));
		free(text);
		assert_int_equal(hist_read_text(&text, f->a, t1, S3), RL_ENOTFOUND);
		/* many other names, then the same answers again */
		for (int i = 0; i < 100; i++) {
			snprintf(name, sizeof(name), "anp/2026-11/none-%012d.txt", i);
			assert_int_equal(hist_entry_id(&id, i % 2 ? t4 : t1, name), 0);
		}
	}
	assert_int_equal(rl_archive_open(&other, f->archive), 0);
	o4 = tree_at(other, "HEAD");
	assert_int_equal(hist_read_text(&text, other, o4, S2), 0);
	assert_non_null(strstr(text, "Het gaat om 3 documenten."));
	free(text);
	git_tree_free(o4);
	rl_archive_free(other);
	assert_int_equal(hist_read_text(&text, f->a, t4, S2), 0);
	assert_non_null(strstr(text, "Het gaat om 3 documenten."));
	free(text);
	git_tree_free(t1);
	git_tree_free(t2);
	git_tree_free(t3);
	git_tree_free(t4);
}

/* The file before and after a commit, read from the commit's trees: what
 * hist_story_revs() must agree with. */
static void file_on_trees(git_oid *before, git_oid *after, rl_archive *a, const git_oid *commit,
			  const char *path)
{
	git_commit *c = NULL;
	git_tree *tree = NULL, *ptree = NULL;

	memset(before, 0, sizeof(*before));
	memset(after, 0, sizeof(*after));
	assert_int_equal(hist_load_trees(&c, &tree, &ptree, a, commit), 0);
	assert_true(hist_entry_id(before, ptree, path) >= 0);
	assert_true(hist_entry_id(after, tree, path) >= 0);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(c);
}

#define S2B "anp/2026-12/kyiv-anp-de-oekraiense-president-8d1e0a77c2f4.txt"

/* The revisions read from the revision index's blob ids are those the trees
 * give, also where the index holds no blob: a commit that changed two files
 * of one story (S2 and a copy under another month), one that changed only
 * the other file, one that removed a file.  Runs last: it adds commits. */
static void test_index_revisions_match_the_trees(void **state)
{
	struct fixture *f = *state;
	const char *paths[] = { S1, S2, S2B, S3, S4 };
	git_revwalk *walk = NULL;
	git_oid oid;
	size_t n_changed[5] = { 0 };

	put(f, S2, story(T2, "8d1e0a77c2f4", "anp", "KYIV (ANP) - Er zijn 4 documenten.\n"));
	put(f, S2B, story(T2, "8d1e0a77c2f4", "anp", "KYIV (ANP) - Een kopie.\n"));
	commit(f, "2026-11-28T13:00:00Z", "anp: 1 edited\n\nedited 8d1e0a77c2f4 " T2 "\n\nSource-URL: x\n");
	put(f, S2B, story(T2, "8d1e0a77c2f4", "anp", "KYIV (ANP) - Een andere kopie.\n"));
	commit(f, "2026-11-28T14:00:00Z", "anp: 1 edited\n\nedited 8d1e0a77c2f4 " T2 "\n\nSource-URL: x\n");
	assert_int_equal(tu_sh(NULL, "cd '%s' && git rm -q '%s'", f->wt, S3), 0);
	commit(f, "2026-11-28T15:00:00Z", "anp: 1 removed\n\nremoved 51c9e2d0a3b7 " T3 "\n\nSource-URL: x\n");

	for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
		hist_rev *revs = NULL;
		size_t n = 0, changed = 0;
		assert_int_equal(hist_story_revs(&revs, &n, f->a, paths[p]), 1);
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			git_oid before, after;
			file_on_trees(&before, &after, f->a, &revs[i].commit, paths[p]);
			assert_true(git_oid_equal(&before, &revs[i].before));
			assert_true(git_oid_equal(&after, &revs[i].after));
			assert_int_equal(revs[i].changed, !git_oid_equal(&before, &after));
			changed += (size_t)revs[i].changed;
		}
		n_changed[p] = changed;
		free(revs);
	}
	/* and as many changes as a walk of the whole history finds */
	assert_int_equal(hist_walk_head(&walk, f->a), 0);
	while (git_revwalk_next(&oid, walk) == 0)
		for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
			git_oid before, after;
			file_on_trees(&before, &after, f->a, &oid, paths[p]);
			n_changed[p] -= !git_oid_equal(&before, &after);
		}
	git_revwalk_free(walk);
	for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
		assert_int_equal(n_changed[p], 0);
	/* S2: new, edited, edited with its copy; S3: new, removed */
	{
		rl_revisions revs = RL_REVISIONS_INIT;
		assert_int_equal(rl_edits_revisions(&revs, f->a, S2, NULL), 0);
		assert_int_equal(revs.n, 3);
		rl_revisions_release(&revs);
		assert_int_equal(rl_edits_revisions(&revs, f->a, S3, NULL), 0);
		assert_int_equal(revs.n, 2);
		assert_int_equal(revs.v[0].gone, 1);
		rl_revisions_release(&revs);
	}
}

/* A story file named as ingest names it (rl_story_path() of its first
 * version's header) is found, and shown at HEAD, from the revision index's
 * blob ids without HEAD's trees: the tree's blob, its file's title.  Any
 * other name of it, a file whose header names another path, and a file
 * gone from HEAD are left to the trees.  Runs last: it adds commits. */
static void test_head_blob_from_the_index(void **state)
{
	struct fixture *f = *state;
	const char *id = "c0ffee123456", *t_new = "Kabinet valt over stikstof en mest";
	char *path = NULL, wrong[512];
	rl_history_item it;
	rl_history_story st;
	git_tree *head;
	git_oid blob, in_tree;

	assert_int_equal(rl_story_path(&path, "nos", 1795856400, "Kabinet valt over stikstof", id), 0);
	put(f, path, story("Kabinet valt over stikstof", id, "nos", "Het kabinet is gevallen.\n"));
	commit(f, "2026-11-28T16:00:00Z", "nos: 1 new\n\nnew c0ffee123456 x\n\nSource-URL: x\n");
	put(f, path, story(t_new, id, "nos", "Het kabinet is gevallen over mest.\n"));
	commit(f, "2026-11-28T17:00:00Z", "nos: 1 edited\n\nedited c0ffee123456 x\n\nSource-URL: x\n");

	assert_int_equal(hist_head_blob(&blob, f->a, path), 1);
	head = tree_at(f->a, "HEAD");
	assert_int_equal(hist_entry_id(&in_tree, head, path), 1);
	assert_true(git_oid_equal(&blob, &in_tree));
	assert_int_equal(rl_history_resolve(&it, f->a, path), 0);
	assert_string_equal(it.path, path);
	assert_string_equal(it.title, t_new); /* the title now, not the one of its name */
	rl_history_item_clear(&it);
	assert_int_equal(rl_history_show(&st, f->a, path, NULL), 0);
	assert_non_null(strstr(st.text, "gevallen over mest."));
	rl_history_story_release(&st);

	/* the same name under another month: not there, whatever the index holds */
	snprintf(wrong, sizeof(wrong), "nos/2026-10/%s", strrchr(path, '/') + 1);
	assert_int_equal(hist_head_blob(&blob, f->a, wrong), 0);
	assert_int_equal(rl_history_resolve(&it, f->a, wrong), RL_ENOTFOUND);
	/* a name that is not its header's (S4's slug is short): the tree finds it */
	assert_int_equal(hist_head_blob(&blob, f->a, S4), 0);
	assert_resolves(f->a, S4, S4);

	assert_int_equal(tu_sh(NULL, "cd '%s' && git rm -q '%s'", f->wt, path), 0);
	commit(f, "2026-11-28T18:00:00Z", "nos: 1 removed\n\nremoved c0ffee123456 x\n\nSource-URL: x\n");
	assert_int_equal(hist_head_blob(&blob, f->a, path), 0);
	assert_int_equal(rl_history_resolve(&it, f->a, path), RL_ENOTFOUND);
	assert_int_equal(rl_history_show(&st, f->a, path, NULL), RL_ENOTFOUND);
	git_tree_free(head);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_by_id_path_and_title),
		cmocka_unit_test(test_resolve_unknown_and_ambiguous),
		cmocka_unit_test(test_resolve_whole_id_through_known_lists),
		cmocka_unit_test(test_is_source_and_split_rev),
		cmocka_unit_test(test_log_all_newest_first),
		cmocka_unit_test(test_log_of_a_source_and_limit),
		cmocka_unit_test(test_log_of_a_story_says_what_changed),
		cmocka_unit_test(test_diff_last_change_and_revisions),
		cmocka_unit_test(test_show_as_of_a_revision),
		cmocka_unit_test(test_story_parsing_is_lenient),
		cmocka_unit_test(test_commit_message_lines),
		cmocka_unit_test(test_empty_archive_and_huge_story),
		cmocka_unit_test(test_ambiguous_revision),
		cmocka_unit_test(test_file_lookups_follow_the_trees),
		cmocka_unit_test(test_index_revisions_match_the_trees),
		cmocka_unit_test(test_head_blob_from_the_index),
	};
	return tu_run_group_tests(tests, setup, teardown);
}
