/* Shard branches pushed to a central repository (libgit2's local
 * transport, the real thing minus the network) and merged into main by tree
 * union: disjoint sources merge, shared identical files merge, two shards
 * writing one source is an error that names it and writes nothing.  Every
 * repository is checked with the real `git fsck --strict`. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/merge.h"
#include "redline/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1795856400

struct world {
	char *dir;
	char central[512];
	rl_archive *c;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	w->dir = tu_tmpdir();
	snprintf(w->central, sizeof(w->central), "%s/central.git", w->dir);
	assert_int_equal(rl_archive_init(&w->c, w->central), 0);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	rl_archive_free(w->c);
	tu_rmtree(w->dir);
	free(w->dir);
	free(w);
	return 0;
}

static rl_archive *worker(struct world *w, const char *name)
{
	char path[600];
	rl_archive *a = NULL;
	snprintf(path, sizeof(path), "%s/%s.git", w->dir, name);
	assert_int_equal(rl_archive_init(&a, path), 0);
	assert_int_equal(tu_sh(NULL, "git -C '%s' remote add origin '%s'", path, w->central), 0);
	return a;
}

static void commit(rl_archive *a, const char *source, const char *text, int64_t t)
{
	char index[64], story[64], msg[64];
	rl_archive_file_update u[3];
	rl_archive_commit_info info = { msg, t, 0, NULL, NULL };
	git_oid id;

	snprintf(index, sizeof(index), "%s/INDEX", source);
	snprintf(story, sizeof(story), "%s/2026-11/s-0123456789ab.txt", source);
	snprintf(msg, sizeof(msg), "%s: 1 edited\n", source);
	u[0] = (rl_archive_file_update){ index, "0123456789ab S\n", 15 };
	u[1] = (rl_archive_file_update){ story, text, strlen(text) };
	u[2] = (rl_archive_file_update){ ".gitattributes", rl_archive_gitattributes(),
				 strlen(rl_archive_gitattributes()) };
	assert_int_equal(rl_archive_commit(&id, a, u, 3, &info), 0);
}

static void push(rl_archive *a, const char *branch)
{
	char spec[128];
	snprintf(spec, sizeof(spec), "refs/heads/main:refs/heads/shards/%s", branch);
	if (rl_remote_push(a, "origin", spec, NULL) < 0)
		fail_msg("push: %s", rl_error_last());
}

static const rl_merge_opts local_merge = { "refs/heads/shards/", NULL, "refs/heads/main", T0 + 99 };

/* The output of a shell command that must succeed (a macro: tu_sh checks the format). */
static char *sh_buf;
static char *sh_take(int status)
{
	char *out = sh_buf;
	sh_buf = NULL;
	assert_int_equal(status, 0);
	return out;
}
#define sh(fmt, ...) sh_take(tu_sh(&sh_buf, fmt, __VA_ARGS__))

static void assert_fsck_clean(const char *dir)
{
	char *out = NULL;
	if (tu_sh(&out, "git -C '%s' fsck --strict 2>&1", dir) != 0)
		fail_msg("git fsck --strict: %s", out);
	free(out);
}

static void test_disjoint_shards_merge_into_one_tree(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a"), *b = worker(w, "b");
	rl_merge_result r;
	char *out;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	commit(b, "nos", "Title: S\n\nTwo.\n", T0 + 1);
	push(a, "0-of-2");
	push(b, "1-of-2");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), 0);
	assert_int_equal(r.merged, 1);
	assert_int_equal(r.tips, 2);
	out = sh("git -C '%s' ls-tree --name-only main", w->central);
	assert_string_equal(out, ".gitattributes\nanp\nnos\n");
	free(out);
	/* A first merge has the shard tips as its only parents. */
	out = sh("git -C '%s' rev-list --parents -n1 main | wc -w", w->central);
	assert_int_equal(atoi(out), 3);
	free(out);

	/* Next round: only shard a moved; the merge has main and a as parents
	 * and leaves nos exactly as it was. */
	commit(a, "anp", "Title: S\n\nOne, edited.\n", T0 + 10);
	push(a, "0-of-2");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), 0);
	assert_int_equal(r.merged, 1);
	assert_int_equal(r.tips, 1);
	out = sh("git -C '%s' show main:anp/2026-11/s-0123456789ab.txt", w->central);
	assert_non_null(strstr(out, "One, edited."));
	free(out);
	out = sh("git -C '%s' rev-list --parents -n1 main | wc -w", w->central);
	assert_int_equal(atoi(out), 3);
	free(out);
	/* git log -- <source>/ follows the shard's own commits through merges. */
	out = sh("git -C '%s' log --format=%%s main -- anp/", w->central);
	assert_string_equal(out, "anp: 1 edited\nanp: 1 edited\n");
	free(out);
	/* Every snapshot commit exactly once. */
	out = sh("git -C '%s' rev-list --no-merges main | sort | uniq -d | wc -l", w->central);
	assert_int_equal(atoi(out), 0);
	free(out);

	/* Nothing new: no commit. */
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), 0);
	assert_int_equal(r.merged, 0);
	assert_fsck_clean(w->central);
	rl_archive_free(a);
	rl_archive_free(b);
}

static void test_two_shards_one_source_is_refused(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a"), *b = worker(w, "b");
	rl_merge_result r;
	char *before, *after;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	commit(b, "anp", "Title: S\n\nOther.\n", T0 + 1);
	push(a, "0-of-2");
	push(b, "1-of-2");
	before = sh("git -C '%s' count-objects -v; git -C '%s' for-each-ref", w->central, w->central);
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), RL_EEXISTS);
	assert_non_null(strstr(rl_error_last(), "source 'anp'"));
	assert_non_null(strstr(rl_error_last(), "shards/0-of-2"));
	assert_non_null(strstr(rl_error_last(), "shards/1-of-2"));
	after = sh("git -C '%s' count-objects -v; git -C '%s' for-each-ref", w->central, w->central);
	assert_string_equal(before, after); /* no object, no ref */
	assert_int_equal(r.merged, 0);
	free(before);
	free(after);
	rl_archive_free(a);
	rl_archive_free(b);
}

/* A new shard that starts a source from scratch while main has it from
 * another shard (N changed, the worker not seeded from main) is refused. */
static void test_source_moved_without_history_is_refused(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a"), *c = worker(w, "c");
	rl_merge_result r;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	push(a, "0-of-2");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), 0);
	commit(c, "anp", "Title: S\n\nOne.\n\nMore.\n", T0 + 5);
	push(c, "2-of-3");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), RL_EEXISTS);
	assert_non_null(strstr(rl_error_last(), "source 'anp' is written by shards/2-of-3"));
	rl_archive_free(a);
	rl_archive_free(c);
}

/* A worker seeded from main (a clone) carries the history along: it may
 * take over a source, and the merge is clean. */
static void test_worker_seeded_from_main_takes_over(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a"), *c = NULL;
	rl_merge_result r;
	char path[600], *out;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	commit(a, "nos", "Title: S\n\nTwo.\n", T0 + 1);
	push(a, "0-of-1");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), 0);
	snprintf(path, sizeof(path), "%s/c.git", w->dir);
	assert_int_equal(tu_sh(NULL, "git clone -q --bare '%s' '%s' && git -C '%s' remote set-url origin '%s'",
			       w->central, path, path, w->central), 0);
	assert_int_equal(rl_archive_open(&c, path), 0);
	commit(c, "nos", "Title: S\n\nTwo, edited.\n", T0 + 5);
	push(c, "1-of-2");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), 0);
	assert_int_equal(r.merged, 1);
	out = sh("git -C '%s' show main:nos/2026-11/s-0123456789ab.txt", w->central);
	assert_non_null(strstr(out, "Two, edited."));
	free(out);
	assert_fsck_clean(w->central);
	rl_archive_free(a);
	rl_archive_free(c);
}

static void test_shared_file_must_agree(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a"), *b = worker(w, "b");
	rl_archive_file_update u = { "README", "mine\n", 5 };
	rl_archive_commit_info info = { "readme\n", T0 + 3, 0, NULL, NULL };
	rl_merge_result r;
	git_oid id;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	commit(b, "nos", "Title: S\n\nTwo.\n", T0 + 1);
	assert_int_equal(rl_archive_commit(&id, b, &u, 1, &info), 0);
	u.data = "yours\n";
	u.len = 6;
	assert_int_equal(rl_archive_commit(&id, a, &u, 1, &info), 0);
	push(a, "0-of-2");
	push(b, "1-of-2");
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), RL_EEXISTS);
	assert_non_null(strstr(rl_error_last(), "'README'"));
	rl_archive_free(a);
	rl_archive_free(b);
}

/* A tip with a symlink or an unsafe name at the top is refused. */
static void test_hostile_tip_is_refused(void **state)
{
	struct world *w = *state;
	rl_merge_result r;

	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && b=$(printf x | git hash-object -w --stdin) && "
			       "t=$(printf '120000 blob %%s\\tlink\\n' $b | git mktree) && "
			       "c=$(git commit-tree -m bad $t) && git update-ref refs/heads/shards/evil $c",
			       w->central), 0);
	assert_int_equal(rl_merge_tips(&r, w->c, &local_merge), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "shards/evil has 'link'"));
	assert_int_equal(tu_sh(NULL, "git -C '%s' rev-parse -q --verify refs/heads/main", w->central), 1);
}

static void test_push_failure_backs_off_and_success_resets(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a");
	rl_remote_opts ro = { .now = T0 };
	rl_push_state *ps = NULL;
	size_t ahead, behind;
	int due;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	assert_int_equal(tu_sh(NULL, "git -C '%s/a.git' remote set-url origin '%s/nowhere.git'", w->dir,
			       w->dir), 0);
	assert_int_equal(rl_remote_push(a, "origin", "refs/heads/main:refs/heads/shards/0-of-1", &ro),
			 RL_EFETCH);
	assert_int_equal(rl_push_state_load(&ps, a, "origin"), 0);
	assert_int_equal(ps->failures, 1);
	assert_int_equal(ps->next_try, T0 + 30);
	assert_non_null(ps->last_error);
	rl_push_state_free(ps);
	assert_int_equal(rl_remote_push_due(&due, a, "origin", T0 + 29), 0);
	assert_false(due);
	assert_int_equal(rl_remote_push_due(&due, a, "origin", T0 + 30), 0);
	assert_true(due);
	ro.now = T0 + 30;
	assert_int_equal(rl_remote_push(a, "origin", "refs/heads/main:refs/heads/shards/0-of-1", &ro),
			 RL_EFETCH);
	assert_int_equal(rl_push_state_load(&ps, a, "origin"), 0);
	assert_int_equal(ps->failures, 2);
	assert_int_equal(ps->next_try, T0 + 30 + 60); /* doubled */
	assert_int_equal(rl_push_state_ahead_behind(&ahead, &behind, a, ps), 0);
	assert_int_equal(ahead, 1); /* nothing ever pushed: all of main */
	rl_push_state_free(ps);

	/* The server is back. */
	assert_int_equal(tu_sh(NULL, "git -C '%s/a.git' remote set-url origin '%s'", w->dir,
			       w->central), 0);
	ro.now = T0 + 100;
	assert_int_equal(rl_remote_push(a, "origin", "refs/heads/main:refs/heads/shards/0-of-1", &ro), 0);
	assert_int_equal(rl_push_state_load(&ps, a, "origin"), 0);
	assert_int_equal(ps->failures, 0);
	assert_int_equal(ps->next_try, 0);
	assert_null(ps->last_error);
	assert_int_equal(rl_push_state_ahead_behind(&ahead, &behind, a, ps), 0);
	assert_int_equal(ahead, 0);
	commit(a, "anp", "Title: S\n\nOne, two.\n", T0 + 200);
	commit(a, "anp", "Title: S\n\nOne, two, three.\n", T0 + 300);
	assert_int_equal(rl_push_state_ahead_behind(&ahead, &behind, a, ps), 0);
	assert_int_equal(ahead, 2);
	assert_int_equal(behind, 0);
	rl_push_state_free(ps);
	assert_int_equal(rl_remote_push_due(&due, a, "origin", T0 + 301), 0);
	assert_true(due);
	rl_archive_free(a);
}

/* Remotes are read as git reads them: pushurl before url, and
 * url.<base>.insteadOf / pushInsteadOf rewrite them (longest prefix). */
static void test_remote_urls_as_git_reads_them(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a");
	rl_strvec names = RL_STRVEC_INIT;

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	assert_int_equal(tu_sh(NULL, "cd '%s/a.git' && git remote set-url origin hub:nowhere.git && "
			       "git config url.'%s/'.insteadOf hub: && git config url.'%s/x/'.insteadOf hub:x",
			       w->dir, w->dir, w->dir), 0);
	/* hub:nowhere.git -> <dir>/nowhere.git: does not exist, the push fails. */
	assert_int_equal(rl_remote_push(a, "origin", "refs/heads/main:refs/heads/shards/0-of-1", NULL),
			 RL_EFETCH);
	/* pushInsteadOf rewrites url for pushes (before insteadOf)... */
	assert_int_equal(tu_sh(NULL, "cd '%s/a.git' && git remote set-url origin hub:central.git && "
			       "git config url.'%s/nowhere/'.pushInsteadOf hub:", w->dir, w->dir), 0);
	assert_int_equal(rl_remote_push(a, "origin", "refs/heads/main:refs/heads/shards/0-of-1", NULL),
			 RL_EFETCH);
	/* ...but a pushurl wins, and only insteadOf applies to it. */
	assert_int_equal(tu_sh(NULL, "cd '%s/a.git' && git config remote.origin.pushurl hub:central.git",
			       w->dir), 0);
	push(a, "0-of-1");
	assert_int_equal(tu_sh(NULL, "git -C '%s' rev-parse -q --verify refs/heads/shards/0-of-1 >/dev/null",
			       w->central), 0);
	assert_int_equal(tu_sh(NULL, "git -C '%s/a.git' remote add second /nowhere", w->dir), 0);
	assert_int_equal(rl_remote_list(&names, a), 0);
	assert_int_equal(names.n, 2);
	assert_string_equal(names.v[0], "origin");
	assert_string_equal(names.v[1], "second");
	rl_strvec_release(&names);
	assert_int_equal(rl_remote_push(a, "nosuch", "refs/heads/main:refs/heads/x", NULL), RL_ENOTFOUND);
	rl_archive_free(a);
}

static void test_push_refused_by_remote_is_a_failure(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a"), *b = worker(w, "b");

	commit(a, "anp", "Title: S\n\nOne.\n", T0);
	commit(b, "nos", "Title: S\n\nTwo.\n", T0);
	push(a, "0-of-1");
	/* Another archive pushing to the same branch is not a fast-forward. */
	assert_int_equal(rl_remote_push(b, "origin", "refs/heads/main:refs/heads/shards/0-of-1", NULL),
			 RL_EFETCH);
	rl_archive_free(a);
	rl_archive_free(b);
}

/* The answer for a key (0: hk, 1: other) looked up under host and port. */
struct host_case {
	const char *host;
	int port, key, want;
};

static void host_cases(const char *path, const struct host_case *c, size_t n, char *const keys[2],
		       const size_t lens[2])
{
	for (size_t i = 0; i < n; i++) {
		int known = 2;
		assert_int_equal(rl_remote_host_key_known(&known, path, c[i].host, c[i].port,
							  (unsigned char *)keys[c[i].key], lens[c[i].key]), 0);
		if (known != c[i].want)
			fail_msg("%s port %d key %d: %d, want %d", c[i].host, c[i].port, c[i].key, known,
				 c[i].want);
	}
}

/* SSH host keys against known_hosts, plain and hashed, with the real
 * ssh-keygen; the key is what a server sends (the raw blob). */
static void test_host_key_known(void **state)
{
	static const struct host_case plain[] = {
		{ "git.example.test", 22, 0, 1 },
		{ "git.example.test", 0, 0, 1 },     /* port 0 is 22 */
		{ "git.example.test", 22, 1, -1 },   /* another key: changed, or someone in between */
		{ "evil.example.test", 22, 0, 0 },   /* another host: not listed */
		{ "git.example.test", 2222, 1, 1 },  /* another port is another entry, */
		{ "git.example.test", 2222, 0, -1 }, /* "[host]:port", as OpenSSH files it */
		{ "git.example.test", 2200, 0, 0 },
		{ "-f/etc/passwd", 22, 0, 0 },       /* an option to ssh-keygen is never looked up */
	};
	static const struct host_case none[] = { { "git.example.test", 22, 0, 0 } };
	static const struct host_case hashed[] = {
		{ "git.example.test", 22, 0, 1 },
		{ "git.example.test", 2222, 1, 1 },
		{ "git.example.test", 22, 1, -1 },
	};
	struct world *w = *state;
	char path[700], *keys[2];
	size_t lens[2];

	if (tu_sh(NULL, "command -v ssh-keygen >/dev/null") != 0)
		skip();
	assert_int_equal(tu_sh(NULL, "cd '%s' && mkdir -p home/.ssh && "
			       "ssh-keygen -q -t ed25519 -N '' -f hk && ssh-keygen -q -t ed25519 -N '' -f other && "
			       "cut -d' ' -f2 hk.pub | base64 -d >hk.raw && cut -d' ' -f2 other.pub | base64 -d >other.raw",
			       w->dir), 0);
	snprintf(path, sizeof(path), "%s/hk.raw", w->dir);
	keys[0] = tu_read_file(path, &lens[0]);
	snprintf(path, sizeof(path), "%s/other.raw", w->dir);
	keys[1] = tu_read_file(path, &lens[1]);
	snprintf(path, sizeof(path), "%s/home/.ssh/known_hosts", w->dir);

	/* No known_hosts at all: unknown, not an error. */
	host_cases(path, none, 1, keys, lens);
	assert_int_equal(tu_sh(NULL, "cd '%s' && printf 'git.example.test %%s\\n' \"$(cut -d' ' -f1,2 hk.pub)\" "
			       ">home/.ssh/known_hosts && "
			       "printf '[git.example.test]:2222 %%s\\n' \"$(cut -d' ' -f1,2 other.pub)\" "
			       ">>home/.ssh/known_hosts", w->dir), 0);
	host_cases(path, plain, sizeof(plain) / sizeof(plain[0]), keys, lens);
	/* Hashed entries (HashKnownHosts yes) are found too. */
	assert_int_equal(tu_sh(NULL, "ssh-keygen -q -H -f '%s/home/.ssh/known_hosts' >/dev/null 2>&1 && "
			       "! grep -q example '%s/home/.ssh/known_hosts'", w->dir, w->dir), 0);
	host_cases(path, hashed, sizeof(hashed) / sizeof(hashed[0]), keys, lens);
	free(keys[0]);
	free(keys[1]);
}

static void test_refspec_and_names(void **state)
{
	struct world *w = *state;
	rl_archive *a = worker(w, "a");
	rl_shard s = { 1, 4 };
	char *spec = NULL;

	assert_int_equal(rl_remote_push_refspec(&spec, a, "origin", &s), 0);
	assert_string_equal(spec, "refs/heads/main:refs/heads/shards/1-of-4");
	free(spec);
	assert_int_equal(rl_remote_push_refspec(&spec, a, "origin", NULL), RL_ENOTFOUND);
	assert_int_equal(tu_sh(NULL, "git -C '%s/a.git' config redline.worker host-7", w->dir), 0);
	assert_int_equal(rl_remote_push_refspec(&spec, a, "origin", NULL), 0);
	assert_string_equal(spec, "refs/heads/main:refs/heads/shards/host-7");
	free(spec);
	assert_int_equal(tu_sh(NULL, "git -C '%s/a.git' config remote.origin.push refs/heads/main:refs/heads/w/x",
			       w->dir), 0);
	assert_int_equal(rl_remote_push_refspec(&spec, a, "origin", &s), 0);
	assert_string_equal(spec, "refs/heads/main:refs/heads/w/x");
	free(spec);
	assert_int_equal(tu_sh(NULL, "git -C '%s/a.git' config remote.origin.push 'refs/heads/*:refs/heads/*'",
			       w->dir), 0);
	assert_int_equal(rl_remote_push_refspec(&spec, a, "origin", &s), RL_EINVAL);
	assert_int_equal(rl_remote_check_name("../x"), RL_EINVAL);
	assert_int_equal(rl_remote_check_name("-x"), RL_EINVAL);
	assert_int_equal(rl_remote_check_name("origin"), 0);
	rl_archive_free(a);
}

/* Notes of shard refs into refs/notes/timestamps: a union, the target's
 * note kept for a commit annotated on both sides (counted), a fanout tree
 * written by git read like a flat one, and a source already merged read
 * no more (nothing written the second time).  Checked with git. */
static void test_notes_union(void **state)
{
	struct world *w = *state;
	rl_notes_merge_result r;
	char *c1, *c2, *out;

	commit(w->c, "a", "one\n", T0);
	c1 = sh("git -C '%s' rev-parse main", w->central);
	commit(w->c, "a", "two\n", T0 + 1);
	c2 = sh("git -C '%s' rev-parse main", w->central);
	c1[strcspn(c1, "\n")] = c2[strcspn(c2, "\n")] = '\0';
	free(sh("git -C '%s' notes --ref=shards/a add -m from-a %s", w->central, c1));
	free(sh("git -C '%s' notes --ref=shards/b add -m from-b %s", w->central, c2));
	free(sh("git -C '%s' notes --ref=timestamps add -m central %s", w->central, c2));
	/* shard c's notes tree with fanout (xx/<38 hex>), as git writes it
	 * past a few hundred notes */
	out = sh("cd '%s' && o=$(echo x | git hash-object -w --stdin) &&"
		 " n=$(echo n | git hash-object -w --stdin) &&"
		 " sub=$(printf '100644 blob %%s\\t%%s\\n' $n ${o#??} | git mktree) &&"
		 " top=$(printf '040000 tree %%s\\t%%s\\n' $sub ${o%%${o#??}} | git mktree) &&"
		 " git update-ref refs/notes/shards/c $(git commit-tree $top -m fanout) &&"
		 " git notes --ref=shards/c list | wc -l", w->central);
	assert_int_equal(atoi(out), 1);
	free(out);

	assert_int_equal(rl_merge_notes(&r, w->c, "refs/notes/timestamps", "refs/notes/shards/", NULL),
			 0);
	assert_true(r.merged);
	assert_int_equal(r.sources, 3);
	assert_int_equal(r.added, 2);
	assert_int_equal(r.conflicts, 1);
	out = sh("git -C '%s' notes --ref=timestamps show %s", w->central, c1);
	assert_string_equal(out, "from-a\n");
	free(out);
	out = sh("git -C '%s' notes --ref=timestamps show %s", w->central, c2);
	assert_string_equal(out, "central\n");
	free(out);
	out = sh("git -C '%s' notes --ref=timestamps list | wc -l", w->central);
	assert_int_equal(atoi(out), 3);
	free(out);
	free(sh("git -C '%s' merge-base --is-ancestor refs/notes/shards/c refs/notes/timestamps",
		w->central));
	assert_fsck_clean(w->central);

	assert_int_equal(rl_merge_notes(&r, w->c, "refs/notes/timestamps", "refs/notes/shards/", NULL),
			 0);
	assert_false(r.merged);
	assert_int_equal(r.sources, 0);
	free(c1);
	free(c2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disjoint_shards_merge_into_one_tree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_shards_one_source_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_moved_without_history_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worker_seeded_from_main_takes_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_file_must_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_tip_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_failure_backs_off_and_success_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remote_urls_as_git_reads_them, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_refused_by_remote_is_a_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_key_known, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refspec_and_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notes_union, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
