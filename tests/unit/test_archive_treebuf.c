/* Trees spliced from the last version built (src/archive/archive_treebuf.c)
 * are git's: over a random sequence of commits that add, edit and remove
 * files and folders at the root - names chosen to test git's order ("a-b" <
 * "a.b" < "a/" < "a0"), a name going from file to folder and back - and in
 * a folder large enough to be held, every commit's root is the tree `git
 * write-tree` makes of the same files, the splice is what built it (the
 * root and the large folder of the tip are held), and the pack with its
 * chains of spliced deltas passes `git fsck --strict` and `git verify-pack`
 * with no chain deeper than git's 50.  The held set lets the least
 * recently used trees go, never a pinned one (until it is unpinned). */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "../../src/archive/archive_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1795856400
#define NAMES 40
#define BIG 80 /* files big/f00.txt..: ~3 KB of tree, over HELD_MIN */
#define STEPS 240

#define sh tu_sh_ok

/* What each root name is: nothing, a file, or a folder with one file. */
enum kind { NONE, FILE_, FOLDER };
struct model {
	char name[NAMES][16];
	enum kind kind[NAMES];
	char text[NAMES][32];
	char big[BIG][32];         /* "" when absent */
};

static void model_init(struct model *m)
{
	static const char *const tricky[] = { "a", "a-b", "a.b", "a0", "a.", "b", ".captures" };
	size_t nt = sizeof(tricky) / sizeof(tricky[0]);

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < NAMES; i++) {
		if (i < nt)
			snprintf(m->name[i], sizeof(m->name[i]), "%s", tricky[i]);
		else
			snprintf(m->name[i], sizeof(m->name[i]), "s%02zu", i * 7 % 97);
	}
}

static void path_of(char *out, size_t cap, const struct model *m, size_t i, enum kind k)
{
	snprintf(out, cap, k == FOLDER ? "%s/x.txt" : "%s", m->name[i]);
}

/* The tree git writes for the model's files. */
static void git_tree_of(char hex[GIT_OID_HEXSZ + 1], const struct model *m, const char *dir)
{
	char path[4200], file[64];
	FILE *list;

	snprintf(path, sizeof(path), "%s/index-info", dir);
	list = fopen(path, "w");
	assert_non_null(list);
	for (size_t i = 0; i < NAMES; i++) {
		git_oid id;
		if (m->kind[i] == NONE)
			continue;
		assert_int_equal(git_odb_hash(&id, m->text[i], strlen(m->text[i]), GIT_OBJECT_BLOB), 0);
		path_of(file, sizeof(file), m, i, m->kind[i]);
		fprintf(list, "100644 %s\t%s\n", git_oid_tostr_s(&id), file);
	}
	for (size_t i = 0; i < BIG; i++) {
		git_oid id;
		if (m->big[i][0] == '\0')
			continue;
		assert_int_equal(git_odb_hash(&id, m->big[i], strlen(m->big[i]), GIT_OBJECT_BLOB), 0);
		fprintf(list, "100644 %s\tbig/f%02zu.txt\n", git_oid_tostr_s(&id), i);
	}
	fclose(list);
	snprintf(hex, GIT_OID_HEXSZ + 1, "%s", tu_git_write_tree(dir));
}

/* Change `j` of a commit: file `i` of the large folder written or removed. */
static void big_change(rl_archive_file_update *u, char *path, size_t cap, struct model *m, size_t i,
		       int step, int j, unsigned *seed)
{
	snprintf(path, cap, "big/f%02zu.txt", i);
	u->path = path;
	if (m->big[i][0] && rand_r(seed) % 3 == 0) {
		m->big[i][0] = '\0';
		return;
	}
	snprintf(m->big[i], sizeof(m->big[i]), "b%d.%d\n", step, j);
	u->data = m->big[i];
	u->len = strlen(m->big[i]);
}

/* Change `j` of a commit: root name `i` comes (a file or a folder), goes,
 * or changes. */
static void root_change(rl_archive_file_update *u, char *path, size_t cap, struct model *m,
			size_t i, int step, int j, unsigned *seed)
{
	u->path = path;
	if (m->kind[i] != NONE && rand_r(seed) % 3 == 0) {
		/* a folder goes with its only file */
		path_of(path, cap, m, i, m->kind[i]);
		m->kind[i] = NONE;
		return;
	}
	if (m->kind[i] == NONE)
		m->kind[i] = rand_r(seed) % 2 ? FOLDER : FILE_;
	snprintf(m->text[i], sizeof(m->text[i]), "v%d.%d\n", step, j);
	path_of(path, cap, m, i, m->kind[i]);
	u->data = m->text[i];
	u->len = strlen(m->text[i]);
}

/* One random commit of 1-3 changes to distinct paths; the model follows.
 * The first commit fills most of the large folder. */
static void random_commit(rl_archive_batch *b, struct model *m, int step, unsigned *seed)
{
	rl_archive_file_update u[BIG];
	char paths[BIG][64];
	rl_archive_commit_info info = { "step\n", T0 + step, 0, NULL, NULL };
	size_t picked[3];
	int n = step == 0 ? BIG * 3 / 4 : 1 + (int)(rand_r(seed) % 3);

	memset(u, 0, sizeof(u));
	for (int j = 0; j < n; j++) {
		size_t i;
		int again;
		if (step == 0) {
			big_change(&u[j], paths[j], sizeof(paths[j]), m, (size_t)j, step, j, seed);
			continue;
		}
		do {
			i = (size_t)rand_r(seed) % (NAMES + BIG);
			again = 0;
			for (int k = 0; k < j; k++)
				again |= picked[k] == i;
		} while (again);
		picked[j] = i;
		if (i >= NAMES)
			big_change(&u[j], paths[j], sizeof(paths[j]), m, i - NAMES, step, j, seed);
		else
			root_change(&u[j], paths[j], sizeof(paths[j]), m, i, step, j, seed);
	}
	assert_int_equal(rl_archive_batch_add(NULL, b, u, (size_t)n, &info), 0);
}

static void test_spliced_roots_are_gits(void **state)
{
	char *dir = tu_tmpdir(), want[GIT_OID_HEXSZ + 1];
	rl_archive *a = NULL;
	rl_archive_batch *b = NULL;
	struct model m;
	unsigned seed = 20261201;
	int spliced = 0, big_held = 0;

	(void)state;
	model_init(&m);
	assert_int_equal(rl_archive_init(&a, dir), 0);
	for (int s = 0; s < STEPS; s++) {
		git_oid tip;
		git_commit *c = NULL;
		/* Batches of 80: parents in the pack being written (chains past
		 * git's depth of 50) and in older packs (no delta base there). */
		if (b == NULL)
			assert_int_equal(rl_archive_batch_new(&b, a), 0);
		random_commit(b, &m, s, &seed);
		git_tree_of(want, &m, dir);
		assert_int_equal(rl_archive_batch_tip(&tip, b), 0);
		assert_int_equal(git_commit_lookup(&c, rl_archive_repo(a), &tip), 0);
		assert_string_equal(git_oid_tostr_s(git_commit_tree_id(c)), want);
		/* the next commit splices this root, and the large folder */
		assert_non_null(archive_treebuf_held(a->treebuf, git_commit_tree_id(c)));
		spliced++;
		{
			git_tree *root = NULL;
			const git_tree_entry *big;
			assert_int_equal(git_commit_tree(&root, c), 0);
			if ((big = git_tree_entry_byname(root, "big")) != NULL && s > 0) {
				assert_non_null(archive_treebuf_held(a->treebuf, git_tree_entry_id(big)));
				big_held++;
			}
			git_tree_free(root);
		}
		git_commit_free(c);
		if (s % 80 == 79) {
			assert_int_equal(rl_archive_batch_commit(b), 0);
			rl_archive_batch_free(b);
			b = NULL;
		}
	}
	assert_int_equal(spliced, STEPS);
	assert_true(big_held > STEPS / 2);
	sh("git -C '%s' fsck --strict 2>&1", dir);
	/* verify-pack -v: "id type size size-in-pack offset [depth base]" */
	sh("cd '%s/objects/pack' && for p in *.idx; do git verify-pack -v $p; done | "
	   "awk 'NF == 7 && $6 > 50 { bad = 1 } NF == 7 && $2 == \"tree\" { d++ } "
	   "END { if (bad || d < %d) exit 1 }'",
	   dir, STEPS / 2);
	assert_int_equal(atoi(sh("git -C '%s' rev-list --count main", dir)), STEPS);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Trees the splice would not write (out of git's order, a zero-padded
 * mode) are not held; a tree of ours is, each entry found where git's order
 * puts it. */
static void test_foreign_tree_not_held(void **state)
{
	struct archive_treebuf *t = NULL;
	struct archive_held *h;
	git_oid id;
	int found;
	/* "b" before "a": not git's order */
	static const unsigned char unsorted[] = "100644 b\0aaaaaaaaaaaaaaaaaaaa"
						"100644 a\0aaaaaaaaaaaaaaaaaaaa";
	static const unsigned char padded[] = "040000 a\0aaaaaaaaaaaaaaaaaaaa";
	static const unsigned char ours[] = "100644 a-b\0aaaaaaaaaaaaaaaaaaaa"
					    "40000 a\0aaaaaaaaaaaaaaaaaaaa"
					    "100644 a0\0aaaaaaaaaaaaaaaaaaaa";

	(void)state;
	assert_int_equal(git_odb_hash(&id, unsorted, sizeof(unsorted) - 1, GIT_OBJECT_TREE), 0);
	assert_int_equal(archive_treebuf_load(&t, &id, 1, unsorted, sizeof(unsorted) - 1), 0);
	assert_null(archive_treebuf_held(t, &id));
	assert_int_equal(git_odb_hash(&id, padded, sizeof(padded) - 1, GIT_OBJECT_TREE), 0);
	assert_int_equal(archive_treebuf_load(&t, &id, 1, padded, sizeof(padded) - 1), 0);
	assert_null(archive_treebuf_held(t, &id));
	/* a small tree is held only as a root */
	assert_int_equal(git_odb_hash(&id, ours, sizeof(ours) - 1, GIT_OBJECT_TREE), 0);
	assert_int_equal(archive_treebuf_load(&t, &id, 0, ours, sizeof(ours) - 1), 0);
	assert_null(archive_treebuf_held(t, &id));
	assert_int_equal(archive_treebuf_load(&t, &id, 1, ours, sizeof(ours) - 1), 0);
	assert_non_null(h = archive_treebuf_held(t, &id));
	assert_int_equal(archive_treebuf_find(&found, h, "a", 1, 1), 1);
	assert_true(found);
	assert_int_equal(archive_treebuf_find(&found, h, "a", 1, 0), 0);
	assert_false(found);
	assert_int_equal(archive_treebuf_find(&found, h, "a.b", 3, 0), 1);
	assert_false(found);
	assert_int_equal(archive_treebuf_find(&found, h, "a0", 2, 0), 2);
	assert_true(found);
	assert_int_equal(archive_treebuf_find(&found, h, "b", 1, 1), 3);
	assert_false(found);
	archive_treebuf_free(t);
}

/* More trees than the set holds: the least recently used go, a pinned one
 * stays (its bytes are being built on), and an unpinned one can go again. */
static void test_held_set_lets_lru_go_not_pinned(void **state)
{
	struct archive_treebuf *t = NULL;
	struct archive_held *first;
	unsigned char tree[64];
	git_oid id[200];
	size_t held = 0;

	(void)state;
	for (int i = 0; i < 200; i++) {
		int len = snprintf((char *)tree, sizeof(tree), "100644 f%03d", i) + 1;
		memset(tree + len, 'a', GIT_OID_RAWSZ);
		len += GIT_OID_RAWSZ;
		assert_int_equal(git_odb_hash(&id[i], tree, (size_t)len, GIT_OBJECT_TREE), 0);
		assert_int_equal(archive_treebuf_load(&t, &id[i], 1, tree, (size_t)len), 0);
		assert_non_null(archive_treebuf_held(t, &id[i]));
		/* the first, pinned, is the least recently used of all */
		if (i == 0)
			archive_treebuf_pin(archive_treebuf_held(t, &id[0]), 1);
	}
	assert_non_null(first = archive_treebuf_held(t, &id[0]));
	for (int i = 1; i < 200; i++)
		held += archive_treebuf_held(t, &id[i]) != NULL;
	assert_true(held > 0 && held < 199);
	assert_null(archive_treebuf_held(t, &id[1]));
	assert_non_null(archive_treebuf_held(t, &id[199]));
	/* unpinned, it goes like any other once enough newer trees come */
	archive_treebuf_pin(first, 0);
	for (int i = 0; i < 200; i++) {
		int len = snprintf((char *)tree, sizeof(tree), "100644 g%03d", i) + 1;
		git_oid more;
		memset(tree + len, 'b', GIT_OID_RAWSZ);
		len += GIT_OID_RAWSZ;
		assert_int_equal(git_odb_hash(&more, tree, (size_t)len, GIT_OBJECT_TREE), 0);
		assert_int_equal(archive_treebuf_load(&t, &more, 1, tree, (size_t)len), 0);
	}
	assert_null(archive_treebuf_held(t, &id[0]));
	assert_null(archive_treebuf_held(t, &id[199]));
	archive_treebuf_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spliced_roots_are_gits),
		cmocka_unit_test(test_foreign_tree_not_held),
		cmocka_unit_test(test_held_set_lets_lru_go_not_pinned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
