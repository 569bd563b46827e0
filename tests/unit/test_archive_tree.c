/* The trees and commits a batch writes itself (src/archive/archive_tree.c,
 * archive_commit_buffer()) are git's: after every commit of a sequence of
 * additions, edits and removals the tree is the one `git write-tree` makes
 * of the same files, a foreign tree is rewritten as libgit2 would, commit
 * bytes are git_commit_create_buffer()'s.  A batch's objects never go
 * through git_odb_write() (whose freshen step probed the loose path and
 * rescanned objects/pack per object): no loose object appears and the pack
 * writer's counters say every object came straight to it.  An object an
 * older pack holds is written again, which git accepts. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "../../src/archive/archive_internal.h"
#include "../../src/archive/packwrite_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1795856400
#define MAX_FILES 32

#define sh tu_sh_ok

static rl_archive *new_archive(char **dir)
{
	rl_archive *a = NULL;
	*dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&a, *dir), 0);
	return a;
}

static void done_archive(rl_archive *a, char *dir)
{
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* The files the archive should hold, as the test keeps them. */
struct files {
	char path[MAX_FILES][64];
	char text[MAX_FILES][64];
	int n;
};

static void files_set(struct files *f, const char *path, const char *text)
{
	for (int i = 0; i < f->n; i++) {
		if (strcmp(f->path[i], path) == 0) {
			if (text)
				snprintf(f->text[i], sizeof(f->text[i]), "%.63s", text);
			else
				f->path[i][0] = '\0';
			return;
		}
	}
	if (text == NULL)
		return;
	assert_true(f->n < MAX_FILES);
	snprintf(f->path[f->n], sizeof(f->path[0]), "%.63s", path);
	snprintf(f->text[f->n++], sizeof(f->text[0]), "%.63s", text);
}

/* The tree git itself writes for the files (an index of them, written with
 * `git write-tree` in a scratch repository). */
static void git_tree_of(char hex[GIT_OID_HEXSZ + 1], const struct files *f, const char *dir)
{
	FILE *list;
	char path[4200];

	snprintf(path, sizeof(path), "%s/index-info", dir);
	list = fopen(path, "w");
	assert_non_null(list);
	for (int i = 0; i < f->n; i++) {
		git_oid id;
		if (f->path[i][0] == '\0')
			continue;
		assert_int_equal(git_odb_hash(&id, f->text[i], strlen(f->text[i]), GIT_OBJECT_BLOB), 0);
		fprintf(list, "100644 %s\t%s\n", git_oid_tostr_s(&id), f->path[i]);
	}
	fclose(list);
	snprintf(hex, GIT_OID_HEXSZ + 1, "%s", tu_git_write_tree(dir));
}

/* One commit of `n` updates ("path=text", or "path" alone: removed). */
static int commit(rl_archive_batch *b, struct files *f, int t, const char *const *spec, int n)
{
	rl_archive_file_update u[MAX_FILES];
	char path[MAX_FILES][64];
	rl_archive_commit_info info = { "step\n", T0 + t, 0, NULL, NULL };
	int rc;

	memset(u, 0, sizeof(u));
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(spec[i], '=');
		snprintf(path[i], sizeof(path[i]), "%.*s", (int)(eq ? eq - spec[i] : 63), spec[i]);
		u[i].path = path[i];
		u[i].data = eq ? eq + 1 : NULL;
		u[i].len = eq ? strlen(eq + 1) : 0;
	}
	if ((rc = rl_archive_batch_add(NULL, b, u, (size_t)n, &info)) == 0 && f)
		for (int i = 0; i < n; i++)
			files_set(f, path[i], u[i].data);
	return rc;
}

#define STEPS 7
/* Names that test git's order: "a-b" < "a.b" < "a/" (a folder) < "a0". */
static const char *const step_spec[STEPS][8] = {
	{ "a-b=1\n", "a.b=2\n", "a0=3\n", "a/b.txt=4\n", "a/b/c.txt=5\n", "a/b/d/e.txt=6\n",
	  "zz/INDEX=7\n" },
	{ "a/b/c.txt=5b\n", "a/b-c/x.txt=8\n", "foo.txt=9\n", "foo/bar.txt=10\n" },
	/* Emptying a/b/d removes it; removing what is not there (also under a
	 * file) changes nothing. */
	{ "a/b/d/e.txt", "nope/x.txt", "a.b/z" },
	{ "a-b", "a.b", "a0", "a/b.txt", "a/b/c.txt", "a/b-c/x.txt", "foo/bar.txt" },
	{ "foo.txt", "zz/INDEX" },
	{ "a/b/c.txt=back\n" },
	{ "a=file where a folder was\n" },
};
static const int step_n[STEPS] = { 7, 4, 3, 7, 2, 1, 1 };

static void test_trees_are_gits(void **state)
{
	char *dir, want[GIT_OID_HEXSZ + 1];
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	struct files f;
	git_oid tip;
	git_commit *c = NULL;

	(void)state;
	memset(&f, 0, sizeof(f));
	for (int s = 0; s < STEPS - 1; s++) {
		/* Steps 0-2 in one batch, the rest one batch each: parents in the
		 * pack being written and in older packs. */
		if (b == NULL)
			assert_int_equal(rl_archive_batch_new(&b, a), 0);
		assert_int_equal(commit(b, &f, s, step_spec[s], step_n[s]), 0);
		git_tree_of(want, &f, dir);
		assert_int_equal(rl_archive_batch_tip(&tip, b), 0);
		assert_int_equal(git_commit_lookup(&c, rl_archive_repo(a), &tip), 0);
		assert_string_equal(git_oid_tostr_s(git_commit_tree_id(c)), want);
		git_commit_free(c);
		if (s >= 2) {
			assert_int_equal(rl_archive_batch_commit(b), 0);
			rl_archive_batch_free(b);
			b = NULL;
		}
	}
	/* Step 4 removed every file: the root is git's empty tree. */
	assert_string_equal(sh("git -C '%s' rev-parse main~1^{tree}", dir),
			    "4b825dc642cb6eb9a060e54bf8d69288fbee4904\n");
	/* A file where a folder is: refused, nothing committed. */
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	assert_int_equal(commit(b, NULL, 9, step_spec[STEPS - 1], 1), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "cannot replace a folder"));
	assert_int_equal(rl_archive_batch_count(b), 0);
	rl_archive_batch_free(b);
	sh("git -C '%s' fsck --strict 2>&1", dir);
	sh("git -C '%s' ls-tree -r main | grep -q 'a/b/c.txt'", dir);
	done_archive(a, dir);
}

/* A file under a file, a name both a file and a folder in one commit:
 * refused, and the batch goes on. */
static void test_conflicts_refused(void **state)
{
	static const char *const first[] = { "d/f.txt=1\n" };
	static const char *const under_file[] = { "d/f.txt/g=2\n" };
	static const char *const both[] = { "e=3\n", "e/x=4\n" };
	static const char *const folder_as_file[] = { "d=5\n" };
	static const char *const fine[] = { "d/g.txt=6\n" };
	char *dir;
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;

	(void)state;
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	assert_int_equal(commit(b, NULL, 0, first, 1), 0);
	assert_int_equal(commit(b, NULL, 1, under_file, 1), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "is a file"));
	assert_int_equal(commit(b, NULL, 2, both, 2), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "both a file and a folder"));
	assert_int_equal(commit(b, NULL, 3, folder_as_file, 1), RL_EINVAL);
	assert_int_equal(commit(b, NULL, 4, fine, 1), 0);
	assert_int_equal(rl_archive_batch_count(b), 2);
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	assert_string_equal(sh("git -C '%s' ls-tree -r --name-only main", dir), "d/f.txt\nd/g.txt\n");
	sh("git -C '%s' fsck --strict 2>&1", dir);
	done_archive(a, dir);
}

/* A foreign root tree with a zero-padded mode (which git fsck warns about)
 * is rewritten as libgit2's git_tree_create_updated() rewrites it. */
static void test_foreign_tree_as_libgit2_rewrites_it(void **state)
{
	static const char *const add[] = { "new/file.txt=x\n" };
	char *dir, hex[GIT_OID_HEXSZ + 1];
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	git_repository *repo = rl_archive_repo(a);
	git_tree *base = NULL;
	git_tree_update up;
	git_oid blob, want, tip, base_id;
	git_commit *c = NULL;

	(void)state;
	/* old/ holds one file; the root names it with mode 040000. */
	snprintf(hex, sizeof(hex), "%.40s", sh("cd '%s' && b=$(echo old | git hash-object -w --stdin) && "
	   "s=$(printf '100644 blob %%s\\tf.txt\\n' $b | git mktree) && "
	   "{ printf '040000 old\\0'; perl -e 'print pack(\"H*\", shift)' $s; } > root.bin && "
	   "r=$(git hash-object -t tree -w --literally root.bin) && "
	   "c=$(echo base | git commit-tree $r) && git update-ref refs/heads/main $c && "
	   "echo x | git hash-object -w --stdin >/dev/null && echo $r",
	   dir));
	assert_int_equal(git_oid_fromstr(&base_id, hex), 0);
	assert_int_equal(git_tree_lookup(&base, repo, &base_id), 0);
	assert_int_equal(git_odb_hash(&blob, "x\n", 2, GIT_OBJECT_BLOB), 0);
	memset(&up, 0, sizeof(up));
	up.action = GIT_TREE_UPDATE_UPSERT;
	up.filemode = GIT_FILEMODE_BLOB;
	up.path = "new/file.txt";
	git_oid_cpy(&up.id, &blob);
	assert_int_equal(git_tree_create_updated(&want, repo, base, 1, &up), 0);
	git_tree_free(base);

	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	assert_int_equal(commit(b, NULL, 0, add, 1), 0);
	assert_int_equal(rl_archive_batch_tip(&tip, b), 0);
	assert_int_equal(git_commit_lookup(&c, repo, &tip), 0);
	assert_true(git_oid_equal(git_commit_tree_id(c), &want));
	git_commit_free(c);
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	/* The raw bytes: git's pretty-printer would pad the mode again. */
	assert_string_equal(sh("git -C '%s' cat-file tree main^{tree} | head -c 6", dir), "40000 ");
	assert_string_equal(sh("git -C '%s' cat-file tree main~1^{tree} | head -c 7", dir), "040000 ");
	done_archive(a, dir);
}

/* Every object of a batch comes straight to the pack writer: none through
 * git_odb_write() (which would probe and rescan per object), none loose,
 * each written once. */
static void test_batch_objects_skip_the_odb(void **state)
{
	char *dir, spec[3][64];
	rl_archive *a = new_archive(&dir);
	rl_archive_batch *b = NULL;
	uint64_t written;

	(void)state;
	assert_int_equal(rl_archive_batch_new(&b, a), 0);
	written = a->pw->written;
	for (int i = 0; i < 40; i++) {
		const char *s[3] = { spec[0], spec[1], spec[2] };
		snprintf(spec[0], sizeof(spec[0]), "s%02d/2026-11/story-%d.txt=text %d\n", i % 7, i, i);
		snprintf(spec[1], sizeof(spec[1]), "s%02d/INDEX=index %d\n", i % 7, i);
		/* The same text in every commit: written once. */
		snprintf(spec[2], sizeof(spec[2]), "s%02d/same.txt=same\n", i % 7);
		assert_int_equal(commit(b, NULL, i, s, 3), 0);
	}
	assert_int_equal(rl_archive_batch_commit(b), 0);
	rl_archive_batch_free(b);
	/* What is read right after (here the last commit's tree) comes from
	 * the writer, not from libgit2's mmap of the new pack. */
	assert_int_equal(a->pw->kept, 1);
	{
		rl_buf out = RL_BUF_INIT(1 << 20);
		assert_int_equal(rl_archive_read(&out, a, NULL, "s00/same.txt"), 0);
		rl_buf_release(&out);
	}
	assert_int_equal(atoi(sh("grep -c '%s/objects/pack/pack-.*\\.pack' /proc/%d/maps || true",
				 dir, (int)getpid())),
			 0);
	assert_int_equal(a->pw->odb_writes, 0);
	assert_int_equal(atoi(sh("find '%s'/objects -path '*/objects/[0-9a-f][0-9a-f]/*' | wc -l",
				 dir)),
			 0);
	assert_int_equal(atoi(sh("git -C '%s' count-objects -v | sed -n 's/^in-pack: //p'", dir)),
			 (int)(a->pw->written - written));
	assert_int_equal(atoi(sh("git -C '%s' rev-list --objects --all | wc -l", dir)),
			 (int)(a->pw->written - written));
	sh("git -C '%s' fsck --strict 2>&1", dir);
	done_archive(a, dir);
}

/* A blob and a root tree an older pack holds are written again into the
 * new pack: git reads and checks both packs, and a roll-up folds them. */
static void test_object_of_an_older_pack_written_again(void **state)
{
	static const char *const one[] = { "a/x.txt=same\n" };
	static const char *const two[] = { "b/y.txt=same\n" };
	static const char *const three[] = { "b/y.txt" };
	char *dir, blob[GIT_OID_HEXSZ + 1], first_root[GIT_OID_HEXSZ + 1];
	rl_archive *a = new_archive(&dir);
	const char *const *steps[3] = { one, two, three };
	int objects = 0, rolled = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		rl_archive_batch *b = NULL;
		assert_int_equal(rl_archive_batch_new(&b, a), 0);
		assert_int_equal(commit(b, NULL, i, steps[i], 1), 0);
		assert_int_equal(rl_archive_batch_commit(b), 0);
		rl_archive_batch_free(b);
	}
	/* one: blob, a/, root, commit; two: blob again, b/, root, commit;
	 * three: the root of one again, commit. */
	objects = atoi(sh("git -C '%s' count-objects -v | sed -n 's/^in-pack: //p'", dir));
	assert_int_equal(objects, 4 + 4 + 2);
	assert_int_equal(atoi(sh("git -C '%s' count-objects -v | sed -n 's/^packs: //p'", dir)), 3);
	snprintf(blob, sizeof(blob), "%.40s", sh("echo same | git hash-object --stdin"));
	assert_int_equal(atoi(sh("cd '%s'/objects/pack && for p in *.pack; do git verify-pack -v $p; "
				 "done | grep -c '^%s '",
				 dir, blob)),
			 2);
	snprintf(first_root, sizeof(first_root), "%.40s", sh("git -C '%s' rev-parse main~2^{tree}", dir));
	assert_int_equal(strncmp(sh("git -C '%s' rev-parse main^{tree}", dir), first_root, 40), 0);
	sh("git -C '%s' fsck --strict 2>&1", dir);
	/* A roll-up folds them (and the writer lets go of the last pack, which
	 * the roll-up removes): 10 objects written, 8 distinct. */
	assert_int_equal(a->pw->kept, 1);
	assert_int_equal(rl_archive_maintain(&rolled, a, 1), 0);
	assert_int_equal(rolled, 3);
	assert_int_equal(a->pw->kept, 0);
	assert_int_equal(atoi(sh("git -C '%s' count-objects -v | sed -n 's/^in-pack: //p'", dir)), 8);
	sh("git -C '%s' fsck --strict 2>&1 && git -C '%s' cat-file -p main:a/x.txt", dir, dir);
	done_archive(a, dir);
}

/* The commit's bytes are git_commit_create_buffer()'s, whatever the time
 * zone, a time past 2^32 (stored as libgit2 stores it), and 0-2 parents. */
static void test_commit_bytes_are_libgit2s(void **state)
{
	static const int offsets[] = { 0, 90, -330, 765, -720 };
	static const int64_t times[] = { T0, 0, 4294967296LL + 5 };
	char *dir;
	rl_archive *a = new_archive(&dir);
	git_repository *repo = rl_archive_repo(a);
	rl_archive_file_update u = { "f.txt", "x\n", 2 };
	rl_archive_commit_info info = { "first\n\nbody\n", T0, 60, "A Name", "a@example.org" };
	git_oid ids[2];
	git_commit *parents[2] = { NULL, NULL };
	git_tree *tree = NULL;
	rl_buf mine = RL_BUF_INIT(1 << 20);

	(void)state;
	assert_int_equal(rl_archive_commit(&ids[0], a, &u, 1, &info), 0);
	u.data = "y\n";
	assert_int_equal(rl_archive_commit(&ids[1], a, &u, 1, &info), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(git_commit_lookup(&parents[i], repo, &ids[i]), 0);
	assert_int_equal(git_commit_tree(&tree, parents[1]), 0);
	for (size_t t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
		for (size_t o = 0; o < sizeof(offsets) / sizeof(offsets[0]); o++) {
			for (size_t np = 0; np <= 2; np++) {
				git_signature *sig = NULL;
				git_buf want = GIT_BUF_INIT;
				assert_int_equal(git_signature_new(&sig, " Some One ", "s@example.org",
								   (git_time_t)times[t], offsets[o]),
						 0);
				assert_int_equal(git_commit_create_buffer(&want, repo, sig, sig, NULL,
									  "msg\n", tree, np,
									  (const git_commit **)parents),
						 0);
				assert_int_equal(archive_commit_buffer(&mine, sig, "msg\n",
								       git_tree_id(tree), np, ids),
						 0);
				assert_int_equal(mine.len, want.size);
				assert_memory_equal(mine.ptr, want.ptr, want.size);
				git_buf_dispose(&want);
				git_signature_free(sig);
			}
		}
	}
	rl_buf_release(&mine);
	git_tree_free(tree);
	git_commit_free(parents[0]);
	git_commit_free(parents[1]);
	done_archive(a, dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trees_are_gits),
		cmocka_unit_test(test_conflicts_refused),
		cmocka_unit_test(test_foreign_tree_as_libgit2_rewrites_it),
		cmocka_unit_test(test_batch_objects_skip_the_odb),
		cmocka_unit_test(test_object_of_an_older_pack_written_again),
		cmocka_unit_test(test_commit_bytes_are_libgit2s),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
