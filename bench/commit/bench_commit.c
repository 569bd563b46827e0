/*
 * bench_commit.c - does a commit cost follow the change, not the archive?
 *
 * Builds archives holding N story files (sources/<month>/<slug>-<id>.txt,
 * 10 sources, 1,000 stories a month, so N only adds months), then times
 * rl_archive_commit() for commits that each change 5 story files and one
 * INDEX, taking the writer lock around each as the pipeline does.  For
 * comparison, the same change made with `git add` + `git commit` in a
 * checkout of the N = 10,000 archive.
 *
 * The big tree is written directly: one mempack of our own on a second
 * handle, trees built bottom-up with treebuilders, one pack, the ref set.
 * At N = 1,000,000 the files share 1,000 distinct blob contents (the tree
 * shape, which is what a commit walks, is the real one).
 *
 *   bench_commit [N:COMMITS ...]    default: 10000:200 1000000:100
 *   BENCH_TREE_CACHE=BYTES bench_commit ...   libgit2 caching trees up to BYTES
 *
 * Prints ms per commit for each N, then the git comparison and the ratio;
 * beside it the per-story revision index (revindex.h): its first build over
 * the N-file archive and its catch-up after each commit, timed apart.
 */
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/revindex.h"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define SOURCES 10
#define PER_MONTH 1000
#define GIT_COMMITS 50

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time (user + sys) of this process in ms: on a loaded machine the wall
 * time mostly measures the scheduler. */
static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void die_git(const char *what)
{
	const git_error *e = git_error_last();
	fprintf(stderr, "bench_commit: %s: %s\n", what, e ? e->message : "?");
	exit(1);
}

#define CHECK(call) do { if ((call) < 0) die_git(#call); } while (0)

/* Month m (0-based) of source s: "YYYY-MM" going back from 2026-12. */
static void month_name(char out[16], int m)
{
	int y = 2026 - (m % 1200) / 12, mo = 12 - m % 12;
	snprintf(out, 16, "%04d-%02d", y, mo);
}

static void story_name(char *out, size_t size, int s, int m, int i)
{
	snprintf(out, size, "story-number-%d-%012x.txt", i, (unsigned)(s * 100000000 + m * 10000 + i));
}

static void story_text(char *out, size_t size, int variant, int rev)
{
	snprintf(out, size,
		 "Title: Verhaal %d\nSource: bench\n\n"
		 "Eerste zin van verhaal %d, revisie %d, met 10.000 woorden.\n"
		 "Tweede zin die de kern van het verhaal samenvat.\n", variant, variant, rev);
}

/* Builds the archive's first commit with `n` stories in one pack. */
static void build_archive(const char *path, long n)
{
	git_repository *repo;
	git_odb *odb;
	git_odb_backend *mem;
	git_oid blobs[PER_MONTH], root_id, commit_id;
	git_treebuilder *root_tb;
	git_buf pack = GIT_BUF_INIT;
	git_odb_writepack *wp;
	git_indexer_progress stats = { 0 };
	git_signature *sig;
	git_tree *root;
	rl_archive *a = NULL;
	int months = (int)(n / SOURCES / PER_MONTH);
	char text[512], name[96];

	if (months < 1)
		months = 1;
	if (rl_archive_init(&a, path) < 0) {
		fprintf(stderr, "bench_commit: %s\n", rl_error_last());
		exit(1);
	}
	rl_archive_free(a);

	CHECK(git_repository_open(&repo, path));
	CHECK(git_repository_odb(&odb, repo));
	CHECK(git_mempack_new(&mem));
	CHECK(git_odb_add_backend(odb, mem, 999));

	/* N = 10,000: every file its own content; larger: shared contents. */
	for (int i = 0; i < PER_MONTH; i++) {
		story_text(text, sizeof(text), i, 0);
		CHECK(git_blob_create_from_buffer(&blobs[i], repo, text, strlen(text)));
	}
	CHECK(git_treebuilder_new(&root_tb, repo, NULL));
	for (int s = 0; s < SOURCES; s++) {
		git_treebuilder *src_tb;
		git_oid id;
		CHECK(git_treebuilder_new(&src_tb, repo, NULL));
		for (int m = 0; m < months; m++) {
			git_treebuilder *month_tb;
			CHECK(git_treebuilder_new(&month_tb, repo, NULL));
			for (int i = 0; i < PER_MONTH; i++) {
				git_oid bid;
				story_name(name, sizeof(name), s, m, i);
				if (months == 1) { /* small archive: distinct contents */
					story_text(text, sizeof(text), s * PER_MONTH + i, 0);
					CHECK(git_blob_create_from_buffer(&bid, repo, text, strlen(text)));
				} else {
					bid = blobs[(i + m) % PER_MONTH];
				}
				CHECK(git_treebuilder_insert(NULL, month_tb, name, &bid, GIT_FILEMODE_BLOB));
			}
			CHECK(git_treebuilder_write(&id, month_tb));
			git_treebuilder_free(month_tb);
			month_name(name, m);
			CHECK(git_treebuilder_insert(NULL, src_tb, name, &id, GIT_FILEMODE_TREE));
		}
		snprintf(text, sizeof(text), "INDEX of source %d\n", s);
		CHECK(git_blob_create_from_buffer(&id, repo, text, strlen(text)));
		CHECK(git_treebuilder_insert(NULL, src_tb, "INDEX", &id, GIT_FILEMODE_BLOB));
		CHECK(git_treebuilder_write(&id, src_tb));
		git_treebuilder_free(src_tb);
		snprintf(name, sizeof(name), "src%d", s);
		CHECK(git_treebuilder_insert(NULL, root_tb, name, &id, GIT_FILEMODE_TREE));
	}
	CHECK(git_treebuilder_write(&root_id, root_tb));
	git_treebuilder_free(root_tb);
	CHECK(git_tree_lookup(&root, repo, &root_id));
	CHECK(git_signature_new(&sig, "redline", "redline@localhost", 1795856400, 0));
	CHECK(git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, "initial\n", root, 0, NULL));
	CHECK(git_mempack_dump(&pack, repo, mem));
	CHECK(git_odb_write_pack(&wp, odb, NULL, NULL));
	CHECK(wp->append(wp, pack.ptr, pack.size, &stats));
	CHECK(wp->commit(wp, &stats));
	wp->free(wp);
	git_buf_dispose(&pack);
	git_mempack_reset(mem);
	{
		git_reference *ref;
		CHECK(git_reference_create(&ref, repo, "refs/heads/main", &commit_id, 0, "bench: initial"));
		git_reference_free(ref);
	}
	git_signature_free(sig);
	git_tree_free(root);
	git_odb_free(odb);
	git_repository_free(repo);
}

/* The 6 updates of commit number c: 5 stories and one source's INDEX. */
static void make_updates(rl_archive_file_update u[6], char paths[6][160], char texts[6][512], long n,
			 int c)
{
	int months = (int)(n / SOURCES / PER_MONTH);
	int s = c % SOURCES;

	if (months < 1)
		months = 1;
	for (int k = 0; k < 5; k++) {
		unsigned r = (unsigned)(c * 7919 + k * 104729);
		int m = (int)(r % (unsigned)months), i = (int)((r / 7) % PER_MONTH);
		char month[16], name[96];
		month_name(month, m);
		story_name(name, sizeof(name), s, m, i);
		snprintf(paths[k], 160, "src%d/%s/%s", s, month, name);
		story_text(texts[k], 512, i, c + 1);
	}
	snprintf(paths[5], 160, "src%d/INDEX", s);
	snprintf(texts[5], 512, "INDEX of source %d after commit %d\n", s, c);
	for (int k = 0; k < 6; k++) {
		u[k].path = paths[k];
		u[k].data = texts[k];
		u[k].len = strlen(texts[k]);
	}
}

struct timing {
	double commit_ms, commit_cpu; /* per commit: rl_archive_commit with the lock */
	double index_ms, index_cpu;   /* per commit: the revision index's catch-up */
	double build_ms;              /* the index's first build over the archive */
};

/* Times `commits` commits into the archive at `path`; the revision index's
 * catch-up after each one (what ingest's save_caches adds) is timed apart. */
static void time_redline(struct timing *t, const char *path, long n, int commits)
{
	rl_archive *a = NULL;
	rl_archive_file_update u[6];
	char paths[6][160], texts[6][512];
	double t0, c0, spent = 0, spent_cpu = 0;

	if (rl_archive_open(&a, path) < 0) {
		fprintf(stderr, "bench_commit: %s\n", rl_error_last());
		exit(1);
	}
	t->build_ms = now_ms();
	if (rl_revindex_update(a) < 0) {
		fprintf(stderr, "bench_commit: %s\n", rl_error_last());
		exit(1);
	}
	t->build_ms = now_ms() - t->build_ms;
	/* a marker for `perf record -p` to attach to the commit loop alone */
	fprintf(stderr, "# timing %ld: pid %ld\n", n, (long)getpid());
	t0 = now_ms();
	c0 = cpu_ms();
	for (int c = 0; c < commits; c++) {
		rl_archive_commit_info info = { "bench: 5 edited\n", 1795856400 + c, 0, NULL, NULL };
		double t1, c1;
		make_updates(u, paths, texts, n, c);
		if (rl_archive_lock(a, 1000) < 0 || rl_archive_commit(NULL, a, u, 6, &info) < 0) {
			fprintf(stderr, "bench_commit: %s\n", rl_error_last());
			exit(1);
		}
		t1 = now_ms();
		c1 = cpu_ms();
		if (rl_revindex_update(a) < 0) {
			fprintf(stderr, "bench_commit: %s\n", rl_error_last());
			exit(1);
		}
		spent += now_ms() - t1;
		spent_cpu += cpu_ms() - c1;
		rl_archive_unlock(a);
	}
	t->commit_ms = (now_ms() - t0 - spent) / commits;
	t->commit_cpu = (cpu_ms() - c0 - spent_cpu) / commits;
	t->index_ms = spent / commits;
	t->index_cpu = spent_cpu / commits;
	rl_archive_free(a);
}

/* The same changes with git add + git commit in a checkout. */
static double time_git(const char *archive, const char *checkout, long n, int commits)
{
	char cmd[8192];
	rl_archive_file_update u[6];
	char paths[6][160], texts[6][512];
	double total = 0;

	snprintf(cmd, sizeof(cmd), "git clone -q '%s' '%s' && git -C '%s' config user.name bench && "
		 "git -C '%s' config user.email bench@localhost", archive, checkout, checkout, checkout);
	if (system(cmd) != 0)
		return -1;
	for (int c = 0; c < commits; c++) {
		make_updates(u, paths, texts, n, c);
		for (int k = 0; k < 6; k++) {
			char file[1024];
			FILE *f;
			snprintf(file, sizeof(file), "%s/%s", checkout, paths[k]);
			if ((f = fopen(file, "w")) == NULL)
				return -1;
			fputs(texts[k], f);
			fclose(f);
		}
		/* Timed: what a shell script would run for this change. */
		snprintf(cmd, sizeof(cmd), "cd '%s' && git add '%s' '%s' '%s' '%s' '%s' '%s' && "
			 "git commit -q -m 'bench: 5 edited'", checkout, paths[0], paths[1], paths[2],
			 paths[3], paths[4], paths[5]);
		double t0 = now_ms();
		if (system(cmd) != 0)
			return -1;
		total += now_ms() - t0;
	}
	return total / commits;
}

int main(int argc, char **argv)
{
	const char *defaults[] = { "10000:200", "1000000:100" };
	const char **specs = argc > 1 ? (const char **)argv + 1 : defaults;
	int nspecs = argc > 1 ? argc - 1 : 2;
	char tmpl[] = "/tmp/redline-bench-XXXXXX";
	char *dir = mkdtemp(tmpl), path[256], checkout[256];
	double redline_10k = -1;

	if (dir == NULL)
		return 1;
	git_libgit2_init();
	/* An experiment: libgit2 caches no tree over 4 KiB, so each commit
	 * reads its month folders again; BENCH_TREE_CACHE=BYTES raises that. */
	if (getenv("BENCH_TREE_CACHE") && *getenv("BENCH_TREE_CACHE"))
		git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
				 (size_t)atol(getenv("BENCH_TREE_CACHE")));
	printf("%-10s %-8s %-8s %-11s %-11s %-6s %-13s %-13s %-10s\n", "files", "commits", "build s",
	       "ms/commit", "CPU ms", "packs", "revindex ms", "revindex CPU", "rvx build s");
	for (int i = 0; i < nspecs; i++) {
		long n = atol(specs[i]);
		const char *colon = strchr(specs[i], ':');
		int commits = colon ? atoi(colon + 1) : 200;
		double t0 = now_ms(), build_s;
		struct timing t;
		char cmd[512], packs[32] = "?";
		FILE *p;

		snprintf(path, sizeof(path), "%s/a%ld.git", dir, n);
		build_archive(path, n);
		build_s = (now_ms() - t0) / 1e3;
		time_redline(&t, path, n, commits);
		snprintf(cmd, sizeof(cmd), "ls '%s'/objects/pack/*.pack | wc -l", path);
		if ((p = popen(cmd, "r")) != NULL) {
			if (fgets(packs, sizeof(packs), p) == NULL)
				strcpy(packs, "?");
			packs[strcspn(packs, "\n")] = '\0';
			pclose(p);
		}
		printf("%-10ld %-8d %-8.1f %-11.2f %-11.2f %-6s %-13.2f %-13.2f %-10.1f\n", n, commits, build_s,
		       t.commit_ms, t.commit_cpu, packs, t.index_ms, t.index_cpu, t.build_ms / 1e3);
		fflush(stdout);
		if (n == 10000)
			redline_10k = t.commit_ms;
	}
	if (redline_10k > 0) {
		/* A fresh 10,000-file archive, so git starts from the same state. */
		snprintf(path, sizeof(path), "%s/git10000.git", dir);
		snprintf(checkout, sizeof(checkout), "%s/git10000", dir);
		build_archive(path, 10000);
		double git_ms = time_git(path, checkout, 10000, GIT_COMMITS);
		printf("\ngit add + git commit, 10000 files, %d commits: %.3f ms/commit\n", GIT_COMMITS,
		       git_ms);
		printf("redline at 10000 files: %.3f ms/commit; git/redline = %.1fx\n", redline_10k,
		       git_ms / redline_10k);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	git_libgit2_shutdown();
	return 0;
}
