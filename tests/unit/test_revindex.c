/* revindex.c and hashfile.c: the per-story revision index gives, for each
 * story, exactly the commits the real `git log -- <path>` finds (plus those
 * naming its id); it catches up without a rebuild after new commits, and
 * rebuilds after a rewritten history or when its files are truncated or
 * corrupt -- never answering from a bad file. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/revindex.h"
#include "redline/story.h"
#include "../../src/archive/archive_internal.h"
#include "../../src/archive/hashfile_internal.h"
#include "../../src/archive/state_known_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1795856400 /* 2026-11-28T09:00:00Z */

static char *feed(int first, int last, int version)
{
	size_t cap = 64 * 1024;
	char *s = malloc(cap);
	size_t n = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>");
	for (int i = first; i <= last; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "<item><guid isPermaLink=\"false\">tag:ex.nl,2026:%d</guid>"
				      "<link>https://ex.nl/nieuws/%d</link><title>Verhaal %d</title>"
				      "<description>Verhaal %d, versie %d. Er waren %d mensen.</description></item>",
				      i, i, i, i, i % 2 ? version : 0, i * 100);
	snprintf(s + n, cap - n, "</channel></rss>");
	return s;
}

static void ingest(rl_archive *a, int first, int last, int version, int64_t when)
{
	rl_ingest_opts o = { 0 };
	rl_ingest_result *r = NULL;
	char *data = feed(first, last, version);
	o.time = when;
	o.no_hooks = 1;
	o.force = 1;
	o.origin = "file:///test";
	if (rl_ingest(&r, a, "src", data, strlen(data), &o) < 0)
		fail_msg("ingest: %s", rl_error_last());
	rl_ingest_result_free(r);
	free(data);
}

/* Every story file at HEAD: its index commits equal git's, newest first. */
static void assert_matches_git(rl_archive *a, const char *dir)
{
	char *list = NULL, *save = NULL;
	size_t stories = 0;

	assert_int_equal(tu_sh(&list, "git -C '%s' ls-tree -r --name-only HEAD src/ | grep '\\.txt$'", dir), 0);
	for (char *p = strtok_r(list, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char id[RL_STORY_ID_LEN + 1], *want = NULL, got[8192] = "";
		git_oid *v = NULL;
		size_t n = 0, len = 0;

		memcpy(id, p + strlen(p) - 4 - RL_STORY_ID_LEN, RL_STORY_ID_LEN);
		id[RL_STORY_ID_LEN] = '\0';
		assert_int_equal(rl_revindex_commits(&v, &n, a, id), 0);
		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(got + len, sizeof(got) - len, "%s\n", git_oid_tostr_s(&v[i]));
		assert_int_equal(tu_sh(&want, "git -C '%s' log --format=%%H -E --grep='^(edited|new|gone|back|moved|removed) %s' -- '%s' ; "
				      "git -C '%s' log --format=%%H -- '%s' | cat", dir, id, p, dir, p), 0);
		/* git's two lists are subsets; every commit git names must be ours */
		for (char *s2 = NULL, *w = strtok_r(want, "\n", &s2); w; w = strtok_r(NULL, "\n", &s2))
			assert_non_null(strstr(got, w));
		free(want);
		/* and nothing more: as many commits as git's union */
		assert_int_equal(tu_sh(&want, "{ git -C '%s' log --format=%%H -E --grep='^(edited|new|gone|back|moved|removed) %s' ; "
				      "git -C '%s' log --format=%%H -- '%s'; } | sort -u | wc -l", dir, id, dir, p), 0);
		if (n != strtoul(want, NULL, 10))
			fail_msg("%s: %zu commits, git %s", p, n, want);
		assert_true(n > 0);
		free(want);
		free(v);
		stories++;
	}
	assert_true(stories > 0);
	free(list);
}

/* Every story file at HEAD: each revision's blob for its path, where the
 * index has one, is git's `<commit>:<path>`, and at least one has it. */
static void assert_blobs_match_git(rl_archive *a, const char *dir)
{
	char *list = NULL, *save = NULL;
	rl_revindex *x = NULL;
	size_t with_blob = 0;

	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(tu_sh(&list, "git -C '%s' ls-tree -r --name-only HEAD src/ | grep '\\.txt$'", dir), 0);
	for (char *p = strtok_r(list, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		char id[RL_STORY_ID_LEN + 1];
		rl_revindex_rev *v = NULL;
		size_t n = 0;
		int newest_seen = 0;

		memcpy(id, p + strlen(p) - 4 - RL_STORY_ID_LEN, RL_STORY_ID_LEN);
		id[RL_STORY_ID_LEN] = '\0';
		assert_int_equal(rl_revindex_story_revs(&v, &n, x, id), 0);
		for (size_t i = 0; i < n; i++) {
			char *want = NULL;
			if (!v[i].has_blob || v[i].path_hash != rl_revindex_path_hash(p, ""))
				continue;
			assert_int_equal(tu_sh(&want, "git -C '%s' rev-parse '%s:%s'", dir,
					       git_oid_tostr_s(&v[i].commit), p), 0);
			assert_string_equal(strtok(want, "\n"), git_oid_tostr_s(&v[i].blob));
			free(want);
			with_blob++;
			newest_seen = 1;
		}
		assert_true(newest_seen);
		free(v);
	}
	assert_true(with_blob > 0);
	free(list);
	rl_revindex_free(x);
}

static void test_hashfile_insert_lookup_grow(void **state)
{
	char *dir = tu_tmpdir(), path[4096];
	rl_hashfile *hf = NULL;
	uint64_t v = 0, t0, t1;
	FILE *f;
	(void)state;
	snprintf(path, sizeof(path), "%s/table", dir);
	assert_int_equal(rl_hashfile_open(&hf, path, 0), RL_ENOTFOUND);
	assert_int_equal(rl_hashfile_open(&hf, path, 1), 0);
	for (uint64_t k = 1; k <= 5000; k++) /* past 70 % of 1,024 slots: grows three times */
		assert_int_equal(rl_hashfile_put(hf, k * 7919, k), 0);
	assert_int_equal(rl_hashfile_put(hf, 7919, 42), 0); /* an update, not a new key */
	assert_int_equal(rl_hashfile_count(hf), 5000);
	assert_int_equal(rl_hashfile_put(hf, 0, 1), RL_EINVAL);
	rl_hashfile_set_tags(hf, 11, 12);
	rl_hashfile_close(hf);
	assert_int_equal(rl_hashfile_open(&hf, path, 0), 0);
	rl_hashfile_tags(hf, &t0, &t1);
	assert_true(t0 == 11 && t1 == 12);
	assert_int_equal(rl_hashfile_get(&v, hf, 7919), 1);
	assert_true(v == 42);
	for (uint64_t k = 2; k <= 5000; k++) {
		assert_int_equal(rl_hashfile_get(&v, hf, k * 7919), 1);
		assert_true(v == k);
	}
	assert_int_equal(rl_hashfile_get(&v, hf, 3), 0);
	rl_hashfile_close(hf);
	{
		/* a reader's first lookups read the file (no mapping): they see
		 * what a writer's mapping changed since, and a wrap-around probe */
		rl_hashfile *reader = NULL, *writer = NULL;
		assert_int_equal(rl_hashfile_open(&reader, path, 0), 0);
		assert_int_equal(rl_hashfile_open(&writer, path, 0), 0);
		assert_int_equal(rl_hashfile_put(writer, 3, 33), 0);
		assert_int_equal(rl_hashfile_get(&v, reader, 3), 1);
		assert_true(v == 33);
		assert_int_equal(rl_hashfile_get(&v, reader, 4), 0);
		assert_int_equal(rl_hashfile_set_tags(reader, 11, 12), 0); /* unchanged */
		assert_int_equal(rl_hashfile_set_tags(reader, 13, 14), 0);
		rl_hashfile_tags(writer, &t0, &t1);
		assert_true(t0 == 13 && t1 == 14);
		rl_hashfile_close(reader);
		rl_hashfile_close(writer);
	}
	/* truncated: refused, and remade empty when asked to create */
	assert_int_equal(truncate(path, 1000), 0);
	assert_int_equal(rl_hashfile_open(&hf, path, 0), RL_EPARSE);
	assert_int_equal(rl_hashfile_open(&hf, path, 1), 0);
	assert_int_equal(rl_hashfile_count(hf), 0);
	rl_hashfile_close(hf);
	/* a header that lies about its capacity */
	assert_non_null(f = fopen(path, "r+b"));
	fseek(f, 8, SEEK_SET);
	fputc(0x7f, f);
	fclose(f);
	assert_int_equal(rl_hashfile_open(&hf, path, 0), RL_EPARSE);
	rl_error_clear();
	tu_rmtree(dir);
	free(dir);
}

static rl_archive *archive_with_history(char **dir)
{
	rl_archive *a = NULL;
	*dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&a, *dir), 0);
	ingest(a, 1, 6, 1, T0);
	ingest(a, 1, 6, 2, T0 + 3600);
	ingest(a, 2, 7, 3, T0 + 7200);     /* 1 gone, 7 new */
	ingest(a, 1, 7, 4, T0 + 3 * 3600); /* 1 back */
	return a;
}

static void test_lookup_matches_git_and_catches_up(void **state)
{
	char *dir = NULL;
	rl_archive *a = archive_with_history(&dir);
	rl_revindex *x = NULL;
	git_oid tip, head;
	size_t disk1, disk2, total;
	(void)state;
	/* the writer saved it after each ref move: nothing to rebuild */
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 0);
	rl_revindex_state(&tip, &disk1, &total, x);
	assert_int_equal(rl_archive_head(&head, a), 0);
	assert_true(git_oid_equal(&tip, &head));
	assert_true(disk1 == total && disk1 > 0);
	rl_revindex_free(x);
	assert_matches_git(a, dir);

	/* a new commit: caught up, the old records kept */
	ingest(a, 1, 7, 5, T0 + 4 * 3600);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 0);
	rl_revindex_state(&tip, &disk2, NULL, x);
	assert_int_equal(rl_archive_head(&head, a), 0);
	assert_true(git_oid_equal(&tip, &head));
	assert_true(disk2 > disk1);
	rl_revindex_free(x);
	assert_matches_git(a, dir);

	/* a commit made by plain git: one more commit to index, no rebuild */
	assert_int_equal(tu_sh(NULL, "cd '%s' && t=$(git read-tree --empty 2>/dev/null; git rev-parse HEAD^{tree}) && "
				   "c=$(git commit-tree -p HEAD -m 'src: 1 gone\n\ngone 0123456789ab x' $t) && "
				   "git update-ref refs/heads/main $c", dir), 0);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 0);
	{
		git_oid *v = NULL;
		size_t n = 0;
		assert_int_equal(rl_revindex_story(&v, &n, x, "0123456789ab"), 0);
		assert_int_equal(n, 1); /* named in the message only */
		assert_int_equal(rl_archive_head(&head, a), 0);
		assert_true(git_oid_equal(&v[0], &head));
		free(v);
		assert_int_equal(rl_revindex_story(&v, &n, x, "fedcba987654"), 0);
		assert_int_equal(n, 0);
		assert_int_equal(rl_revindex_story(&v, &n, x, "not-an-id!!!"), RL_EINVAL);
	}
	rl_revindex_free(x);
	rl_error_clear();
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_blobs_and_version_1_rebuilt(void **state)
{
	char *dir = NULL, path[4096];
	rl_archive *a = archive_with_history(&dir);
	rl_revindex *x = NULL;
	FILE *f;
	(void)state;
	assert_int_equal(rl_revindex_update(a), 0);
	assert_blobs_match_git(a, dir);
	/* an index of version 1 (40-byte records, no blobs): rebuilt, not read */
	snprintf(path, sizeof(path), "%s/redline/revindex/records", dir);
	assert_non_null(f = fopen(path, "r+b"));
	fputs("RLREVX1\n", f);
	fclose(f);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 1);
	rl_revindex_free(x);
	assert_blobs_match_git(a, dir);
	assert_matches_git(a, dir);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_rewritten_history_is_rebuilt(void **state)
{
	char *dir = NULL;
	rl_archive *a = archive_with_history(&dir);
	rl_revindex *x = NULL;
	(void)state;
	assert_int_equal(tu_sh(NULL, "git -C '%s' update-ref refs/heads/main HEAD~2", dir), 0);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 1);
	rl_revindex_free(x);
	assert_matches_git(a, dir);
	ingest(a, 3, 9, 7, T0 + 9 * 3600); /* another history on top */
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 0);
	rl_revindex_free(x);
	assert_matches_git(a, dir);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_bad_files_are_rebuilt_never_trusted(void **state)
{
	char *dir = NULL, path[4096];
	rl_archive *a = archive_with_history(&dir);
	rl_revindex *x = NULL;
	git_oid *v = NULL;
	size_t n = 0, disk = 0;
	FILE *f;
	(void)state;
	snprintf(path, sizeof(path), "%s/redline/revindex/records", dir);
	/* truncated below what its header counts */
	assert_int_equal(truncate(path, 64 + 64), 0);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 1);
	rl_revindex_free(x);
	assert_matches_git(a, dir);
	/* a record's key overwritten: the lookup that reaches it says so */
	assert_int_equal(rl_revindex_open(&x, a), 0);
	rl_revindex_state(NULL, &disk, NULL, x);
	assert_true(disk >= 2);
	assert_non_null(f = fopen(path, "r+b"));
	for (size_t i = 0; i < disk; i++) { /* every key */
		fseek(f, (long)(64 + 64 * i), SEEK_SET);
		fputc(0x55, f);
	}
	fclose(f);
	{
		char *list = NULL, id[13];
		assert_int_equal(tu_sh(&list, "git -C '%s' ls-tree -r --name-only HEAD src/ | grep '\\.txt$' | head -n1", dir), 0);
		memcpy(id, list + strlen(list) - 1 - 4 - 12, 12);
		id[12] = '\0';
		assert_int_equal(rl_revindex_story(&v, &n, x, id), RL_EPARSE);
		rl_revindex_free(x);
		rl_error_clear();
		/* the convenience rebuilds once and answers right */
		assert_int_equal(rl_revindex_commits(&v, &n, a, id), 0);
		assert_true(n > 0);
		free(v);
		free(list);
	}
	assert_matches_git(a, dir);
	/* the table replaced by garbage of the right size: refused, rebuilt */
	snprintf(path, sizeof(path), "%s/redline/revindex/table", dir);
	assert_int_equal(tu_sh(NULL, "head -c 16448 /dev/urandom >'%s'", path), 0);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 1);
	rl_revindex_free(x);
	assert_matches_git(a, dir);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* The known-id table: every id of a 20,000-line list found by probes, new
 * lines caught up, a rewritten list or a table pointing at wrong lines
 * rebuilt, never believed. */
static void test_known_ids_table(void **state)
{
	char *dir = tu_tmpdir(), ids[4096], tab[4200], id[13], *path = NULL;
	FILE *f;
	(void)state;
	snprintf(ids, sizeof(ids), "%s/src.ids", dir);
	snprintf(tab, sizeof(tab), "%s.tab", ids);
	assert_int_equal(state_known_find(&path, ids, "0123456789ab"), RL_ENOTFOUND);
	assert_non_null(f = fopen(ids, "w"));
	for (unsigned i = 0; i < 20000; i++)
		fprintf(f, "%012x\tsrc/2026-11/story-%012x.txt\n", i * 2654435761u, i * 2654435761u);
	fprintf(f, "%012x\tsrc/2026-12/a-second-line-is-not-the-answer.txt\n", 5 * 2654435761u);
	fclose(f);
	for (unsigned i = 0; i < 20000; i += 997) {
		char want[128];
		snprintf(id, sizeof(id), "%012x", i * 2654435761u);
		snprintf(want, sizeof(want), "src/2026-11/story-%s.txt", id);
		assert_int_equal(state_known_find(&path, ids, id), 0);
		assert_string_equal(path, want);
		free(path);
	}
	snprintf(id, sizeof(id), "%012x", 5 * 2654435761u); /* the first line wins, as a scan's would */
	assert_int_equal(state_known_find(&path, ids, id), 0);
	assert_non_null(strstr(path, "story-"));
	free(path);
	assert_int_equal(state_known_find(&path, ids, "fffffffffff0"), RL_ENOTFOUND);
	/* appended lines are caught up; a line without its newline yet is not read */
	assert_non_null(f = fopen(ids, "a"));
	fprintf(f, "fffffffffff0\tsrc/2026-12/new-fffffffffff0.txt\nfffffffffff1\tsrc/2026-12/half");
	fclose(f);
	assert_int_equal(state_known_find(&path, ids, "fffffffffff0"), 0);
	assert_string_equal(path, "src/2026-12/new-fffffffffff0.txt");
	free(path);
	assert_int_equal(state_known_find(&path, ids, "fffffffffff1"), RL_ENOTFOUND);
	/* every slot's value shifted by one byte: each hit is checked, the table rebuilt */
	{
		rl_hashfile *hf = NULL;
		uint64_t v;
		snprintf(id, sizeof(id), "%012x", 7 * 2654435761u);
		assert_int_equal(rl_hashfile_open(&hf, tab, 0), 0);
		for (unsigned i = 0; i < 20000; i++) {
			char k[13];
			uint64_t key = 0;
			snprintf(k, sizeof(k), "%012x", i * 2654435761u);
			key = strtoull(k, NULL, 16) | 1ull << 63;
			if (rl_hashfile_get(&v, hf, key) == 1)
				rl_hashfile_put(hf, key, v + 1);
		}
		rl_hashfile_close(hf);
		assert_int_equal(state_known_find(&path, ids, id), 0);
		assert_non_null(strstr(path, id));
		free(path);
	}
	/* the list rewritten whole (a state rebuild): a new inode, a new table */
	assert_non_null(f = fopen(ids, "w"));
	fprintf(f, "aaaaaaaaaaaa\tsrc/2026-11/only-aaaaaaaaaaaa.txt\n");
	fclose(f);
	{
		char tmp[4300];
		snprintf(tmp, sizeof(tmp), "%s.new", ids);
		assert_int_equal(tu_sh(NULL, "cp '%s' '%s' && mv '%s' '%s'", ids, tmp, tmp, ids), 0);
	}
	assert_int_equal(state_known_find(&path, ids, id), RL_ENOTFOUND);
	assert_int_equal(state_known_find(&path, ids, "aaaaaaaaaaaa"), 0);
	free(path);
	rl_error_clear();
	tu_rmtree(dir);
	free(dir);
}

/* The writer's update after a batch is fed from the batch's own record of
 * its commits (archive_revfeed), not read back: the records must be the
 * bytes a rebuild from git writes.  The batch has what a diff of trees
 * must tell apart: a rewrite with the same bytes (no change), a removal of
 * a file that is not there, two files of one story in one commit, a story
 * file of another source, a message naming an id, paths outside sources. */
static void test_batch_fed_index_is_the_rebuilt_one(void **state)
{
	char *dir = tu_tmpdir(), records[4200], *fed, *rebuilt;
	const char *id1 = "0123456789ab", *id2 = "aaaaaaaaaaaa", *id3 = "bbbbbbbbbbbb";
	char p1[128], p2[128], p1b[128], p1c[128];
	rl_archive *a = NULL;
	rl_archive_batch *b = NULL;
	rl_revindex *x = NULL;
	size_t fed_len = 0, rebuilt_len = 0, n = 0;
	git_oid *v = NULL, id;
	(void)state;
	snprintf(p1, sizeof(p1), "src/2026-11/een-%s.txt", id1);
	snprintf(p2, sizeof(p2), "src/2026-11/twee-%s.txt", id2);
	snprintf(p1b, sizeof(p1b), "src/2026-12/een-%s.txt", id1);
	snprintf(p1c, sizeof(p1c), "other/2026-11/een-%s.txt", id1);
	assert_int_equal(rl_archive_init(&a, dir), 0);
	{
		rl_archive_file_update u0[] = { { p1, "x1\n", 3 } };
		rl_archive_commit_info i0 = { "first\n", T0, 0, NULL, NULL };
		assert_int_equal(rl_archive_commit(&id, a, u0, 1, &i0), 0);
	}
	rl_revindex_free(x);
	assert_int_equal(rl_revindex_update(a), 0); /* the one-commit batch, fed */
	assert_null(a->revfeed);
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	{
		rl_archive_file_update u1[] = { { p1, "x1\n", 3 }, { p2, "y1\n", 3 },
						{ "src/INDEX", "i\n", 2 }, { ".captures/c/d", "c", 1 } };
		rl_archive_file_update u2[] = { { p1, "x1\n", 3 }, { p2, "y2\n", 3 },
						{ "src/2026-11/nope-cccccccccccc.txt", NULL, 0 } };
		rl_archive_file_update u3[] = { { p2, NULL, 0 }, { p1b, "x2\n", 3 }, { p1c, "z\n", 2 } };
		rl_archive_commit_info i1 = { "batch one\n\nnew 0123456789ab Een\n", T0 + 60, 0, NULL, NULL };
		rl_archive_commit_info i2 = { "batch two\n\nedited bbbbbbbbbbbb Drie\n", T0 + 120, 0, NULL, NULL };
		rl_archive_commit_info i3 = { "batch three\n\nmoved 0123456789ab Een\ngone aaaaaaaaaaaa Twee\n",
					      T0 + 180, 0, NULL, NULL };
		assert_int_equal(rl_archive_batch_add(&id, b, u1, 4, &i1), 0);
		assert_int_equal(rl_archive_batch_add(&id, b, u2, 3, &i2), 0);
		assert_int_equal(rl_archive_batch_add(&id, b, u3, 3, &i3), 0);
	}
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	assert_non_null(a->revfeed);
	assert_int_equal(rl_revindex_update(a), 0);
	assert_null(a->revfeed); /* used */
	snprintf(records, sizeof(records), "%s/revindex/records", rl_archive_state_dir(a));
	assert_non_null(fed = tu_read_file(records, &fed_len));
	assert_int_equal(rl_revindex_commits(&v, &n, a, id3), 0); /* named only */
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(rl_revindex_commits(&v, &n, a, id2), 0); /* new, changed, removed */
	assert_int_equal(n, 3);
	free(v);
	/* the same index rebuilt from git */
	assert_int_equal(tu_sh(NULL, "rm -r '%s/revindex'", rl_archive_state_dir(a)), 0);
	assert_int_equal(rl_revindex_open(&x, a), 0);
	assert_int_equal(rl_revindex_rebuilt(x), 1);
	rl_revindex_free(x);
	assert_non_null(rebuilt = tu_read_file(records, &rebuilt_len));
	assert_int_equal(fed_len, rebuilt_len);
	assert_memory_equal(fed, rebuilt, fed_len);
	free(fed);
	free(rebuilt);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashfile_insert_lookup_grow),
		cmocka_unit_test(test_lookup_matches_git_and_catches_up),
		cmocka_unit_test(test_rewritten_history_is_rebuilt),
		cmocka_unit_test(test_batch_fed_index_is_the_rebuilt_one),
		cmocka_unit_test(test_blobs_and_version_1_rebuilt),
		cmocka_unit_test(test_bad_files_are_rebuilt_never_trusted),
		cmocka_unit_test(test_known_ids_table),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
