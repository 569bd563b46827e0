/* Creating, opening and reading an archive, checked with the real git. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int commit_one(rl_archive *a, git_oid *out, const char *path, const char *text,
		      const char *message, int64_t time)
{
	rl_archive_file_update u[2] = {
		{ path, text, strlen(text) },
		{ ".gitattributes", rl_archive_gitattributes(), strlen(rl_archive_gitattributes()) },
	};
	rl_archive_commit_info info = { message, time, 0, NULL, NULL };
	return rl_archive_commit(out, a, u, 2, &info);
}

static void test_init_makes_a_bare_repo_git_understands(void **state)
{
	char *dir = tu_tmpdir(), *path, *out = NULL;
	rl_archive *a = NULL;
	struct stat st;

	assert_true(asprintf(&path, "%s/news/archive.git", dir) > 0);
	assert_int_equal(rl_archive_init(&a, path), 0); /* parents created as needed */
	assert_string_equal(rl_archive_path(a), path);
	assert_true(git_repository_is_bare(rl_archive_repo(a)));

	assert_int_equal(tu_sh(&out, "git -C '%s' rev-parse --is-bare-repository", path), 0);
	assert_string_equal(out, "true\n");
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' symbolic-ref HEAD", path), 0);
	assert_string_equal(out, "refs/heads/main\n");
	free(out);
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' core.logallrefupdates", path), 0);
	assert_string_equal(out, "true\n");
	free(out);
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' diff.redline.wordregex", path), 0);
	out[strcspn(out, "\n")] = '\0';
	assert_string_equal(out, rl_archive_word_regex());
	free(out);
	assert_int_equal(tu_sh(&out, "cat '%s/info/attributes'", path), 0);
	assert_non_null(strstr(out, "*.txt diff=redline\n"));
	assert_non_null(strstr(out, "INDEX diff=redline\n"));
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' check-attr diff -- anp/2026-11/x-3fa2c1d0e9ab.txt anp/INDEX", path), 0);
	assert_string_equal(out, "anp/2026-11/x-3fa2c1d0e9ab.txt: diff: redline\nanp/INDEX: diff: redline\n");
	free(out);
	char *hooks;
	assert_true(asprintf(&hooks, "%s/hooks", path) > 0);
	assert_int_equal(stat(hooks, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(hooks);

	/* No commits yet. */
	git_oid head;
	assert_int_equal(rl_archive_head(&head, a), RL_ENOTFOUND);
	assert_int_equal(tu_sh(NULL, "git -C '%s' fsck --strict 2>&1", path), 0);
	rl_archive_free(a);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void test_init_refuses_existing(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;

	/* An empty directory is fine. */
	assert_int_equal(rl_archive_init(&a, dir), 0);
	rl_archive_free(a);
	a = NULL;

	/* Again: a repository is there. */
	assert_int_equal(rl_archive_init(&a, dir), RL_EEXISTS);
	assert_null(a);
	assert_non_null(strstr(rl_error_last(), "already"));
	assert_non_null(strstr(rl_error_last(), dir));

	/* A directory with someone's files. */
	assert_int_equal(tu_sh(NULL, "mkdir '%s/docs' && echo hi > '%s/docs/notes'", dir, dir), 0);
	char *docs;
	assert_true(asprintf(&docs, "%s/docs", dir) > 0);
	assert_int_equal(rl_archive_init(&a, docs), RL_EEXISTS);
	assert_non_null(strstr(rl_error_last(), "not empty"));
	assert_int_equal(tu_sh(NULL, "test \"$(cat '%s/notes')\" = hi && test ! -e '%s/HEAD'", docs, docs), 0);
	free(docs);

	/* A plain file. */
	char *file;
	assert_true(asprintf(&file, "%s/docs/notes", dir) > 0);
	assert_int_equal(rl_archive_init(&a, file), RL_EEXISTS);
	free(file);
	tu_rmtree(dir);
	free(dir);
}

static void test_open(void **state)
{
	char *dir = tu_tmpdir(), *sub, *nonbare;
	rl_archive *a = NULL;

	assert_int_equal(rl_archive_open(&a, dir), RL_ENOTFOUND);
	assert_null(a);
	assert_non_null(strstr(rl_error_last(), "not a redline archive"));
	assert_non_null(strstr(rl_error_last(), "redline init"));

	assert_int_equal(rl_archive_init(&a, dir), 0);
	rl_archive_free(a);
	a = NULL;

	/* A subdirectory of an archive is not an archive: no search upwards. */
	assert_true(asprintf(&sub, "%s/refs", dir) > 0);
	assert_int_equal(rl_archive_open(&a, sub), RL_ENOTFOUND);
	assert_int_equal(rl_archive_open(&a, "/nonexistent/redline"), RL_ENOTFOUND);

	/* A work tree is not an archive either. */
	assert_true(asprintf(&nonbare, "%s/wt", dir) > 0);
	assert_int_equal(tu_sh(NULL, "git init -q '%s'", nonbare), 0);
	assert_int_equal(rl_archive_open(&a, nonbare), RL_ENOTFOUND);

	/* A trailing slash is forgiven. */
	char *slashed;
	assert_true(asprintf(&slashed, "%s/", dir) > 0);
	assert_int_equal(rl_archive_open(&a, slashed), 0);
	assert_string_equal(rl_archive_path(a), dir);
	char *want_state;
	assert_true(asprintf(&want_state, "%s/redline", dir) > 0);
	assert_string_equal(rl_archive_state_dir(a), want_state);
	assert_int_equal(access(want_state, W_OK), 0);
	rl_archive_free(a);
	rl_archive_free(NULL);
	free(want_state);
	free(slashed);
	free(sub);
	free(nonbare);
	tu_rmtree(dir);
	free(dir);
}

static void test_read_head_resolve(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL;
	git_oid c1, c2, got;
	rl_buf buf = RL_BUF_INIT(1 << 20);

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(commit_one(a, &c1, "anp/INDEX", "one\n", "first\n", 1795856400), 0);
	assert_int_equal(commit_one(a, &c2, "anp/INDEX", "two\n", "second\n", 1795860000), 0);

	assert_int_equal(rl_archive_head(&got, a), 0);
	assert_true(git_oid_equal(&got, &c2));
	assert_int_equal(rl_archive_resolve(&got, a, "HEAD~1"), 0);
	assert_true(git_oid_equal(&got, &c1));
	assert_int_equal(rl_archive_resolve(&got, a, "main"), 0);
	assert_true(git_oid_equal(&got, &c2));
	/* Our ids agree with git's. */
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-parse HEAD~1", dir), 0);
	assert_memory_equal(out, git_oid_tostr_s(&c1), GIT_OID_HEXSZ);
	free(out);
	assert_int_equal(rl_archive_resolve(&got, a, "nosuchrev"), RL_ENOTFOUND);
	assert_int_equal(rl_archive_resolve(&got, a, "HEAD~5"), RL_ENOTFOUND);
	/* A tree is not a commit. */
	assert_int_equal(rl_archive_resolve(&got, a, "HEAD^{tree}"), RL_ENOTFOUND);

	assert_int_equal(rl_archive_read(&buf, a, NULL, "anp/INDEX"), 0);
	assert_string_equal(buf.ptr, "two\n");
	assert_int_equal(rl_archive_read(&buf, a, &c1, "anp/INDEX"), 0);
	assert_string_equal(buf.ptr, "one\n");
	assert_int_equal(rl_archive_read(&buf, a, NULL, "anp/missing"), RL_ENOTFOUND);
	assert_int_equal(rl_archive_read(&buf, a, NULL, "anp"), RL_ENOTFOUND); /* a tree */
	rl_buf_release(&buf);

	/* A reader's cap is respected. */
	rl_buf small = RL_BUF_INIT(2);
	assert_int_equal(rl_archive_read(&small, a, NULL, "anp/INDEX"), RL_ETOOBIG);
	rl_buf_release(&small);

	/* Author, committer and time as given; the reflog records both moves. */
	assert_int_equal(tu_sh(&out, "git -C '%s' log -1 --format='%%an <%%ae>|%%cn <%%ce>|%%at|%%s'", dir), 0);
	assert_string_equal(out, "redline <redline@localhost>|redline <redline@localhost>|1795860000|second\n");
	free(out);
	assert_int_equal(tu_sh(&out, "git -C '%s' reflog show main | wc -l", dir), 0);
	assert_int_equal(atoi(out), 2);
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* The reason for the diff driver: a changed figure is one changed word. */
static void test_word_diff_keeps_figures_whole(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL;
	git_oid c1, c2;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(commit_one(a, &c1, "anp/2026-11/vs-3fa2c1d0e9ab.txt",
				    "Het Pentagon schatte eerst op 3000 soldaten.\n"
				    "De schade bedraagt 3,5 miljard, 1.200.000 mensen zijn gevlucht.\n",
				    "first\n", 1795856400), 0);
	assert_int_equal(commit_one(a, &c2, "anp/2026-11/vs-3fa2c1d0e9ab.txt",
				    "Het Pentagon schatte eerst op 10.000 soldaten.\n"
				    "De schade bedraagt 4,25 miljard, 1.300.000 mensen zijn gevlucht.\n",
				    "second\n", 1795860000), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' diff --word-diff=plain HEAD~1 HEAD | tail -n 2", dir), 0);
	assert_non_null(strstr(out, "op [-3000-]{+10.000+} soldaten."));
	assert_non_null(strstr(out, "bedraagt [-3,5-]{+4,25+} miljard, [-1.200.000-]{+1.300.000+} mensen"));
	/* Nothing split inside a figure. */
	assert_null(strstr(out, "{+10+}"));
	assert_null(strstr(out, "[-200-]"));
	free(out);

	/* Punctuation stays apart from words: "soldaten." -> "troepen." changes one word. */
	assert_int_equal(commit_one(a, NULL, "anp/2026-11/vs-3fa2c1d0e9ab.txt",
				    "Het Pentagon schatte eerst op 10.000 troepen.\n"
				    "De schade bedraagt 4,25 miljard, 1.300.000 mensen zijn gevlucht.\n",
				    "third\n", 1795863600), 0);
	assert_int_equal(tu_sh(&out, "git -C '%s' diff --word-diff=plain HEAD~1 HEAD | grep Pentagon", dir), 0);
	assert_string_equal(out, "Het Pentagon schatte eerst op 10.000 [-soldaten-]{+troepen+}.\n");
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_makes_a_bare_repo_git_understands),
		cmocka_unit_test(test_init_refuses_existing),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_read_head_resolve),
		cmocka_unit_test(test_word_diff_keeps_figures_whole),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
