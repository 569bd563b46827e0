/* fetchlog.c and appendset.c: one day file shared by all sources, appended
 * a line at a time through an append set; the readers merge the per-source
 * logs of older archives in time order, skip and count what is not a
 * fetch-log line, and keep to their caps. */
#include "testutil.h"
#include "redline/appendset.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/fetchlog.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T0 1796025600 /* 2026-11-30T08:00:00Z */
#define V1 "0689b10c912481749b06232e54906c68"
#define C1 "3a9fe3892d7b076de0453126e99c64d2c673f794"

struct fixture {
	char *dir;
	rl_archive *a;
	char state[4200];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&f->a, f->dir), 0);
	snprintf(f->state, sizeof(f->state), "%s", rl_archive_state_dir(f->a));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	rl_archive_free(f->a);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static rl_fetchlog_entry entry(int64_t time, long status, const char *outcome,
			       const char *version, const char *commit)
{
	rl_fetchlog_entry e;
	memset(&e, 0, sizeof(e));
	e.time = time;
	e.status = status;
	snprintf(e.outcome, sizeof(e.outcome), "%s", outcome);
	snprintf(e.version, sizeof(e.version), "%s", version);
	snprintf(e.commit, sizeof(e.commit), "%s", commit);
	return e;
}

static void append(rl_archive *a, const char *source, rl_fetchlog_entry e)
{
	rl_appendset *set = NULL;
	assert_int_equal(rl_appendset_new(&set), 0);
	if (rl_fetchlog_append(set, a, source, &e) < 0)
		fail_msg("append: %s", rl_error_last());
	assert_int_equal(rl_appendset_sync(set), 0);
	rl_appendset_free(set);
}

static void write_file(const char *path, const char *data, size_t len, const char *mode)
{
	FILE *fp = fopen(path, mode);
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static void day_path(char *out, size_t size, const struct fixture *f, const char *day)
{
	snprintf(out, size, "%s/fetchlog/day/%s.log", f->state, day);
}

/* One file a day for every source, the source on each line; a source's
 * read gives its own fetches only, oldest first. */
static void test_day_file_shared_by_sources(void **state)
{
	struct fixture *f = *state;
	rl_fetchlog_entry *v = NULL;
	size_t n = 0, bad = 9;
	char path[4300], *text;

	append(f->a, "news", entry(T0, 200, "changed", V1, C1));
	append(f->a, "2026-11-30", entry(T0 + 60, 304, "not-modified", V1, "-"));
	append(f->a, "news", entry(T0 + 3600, 0, "failed", V1, "-"));
	day_path(path, sizeof(path), f, "2026-11-30");
	text = tu_read_file(path, NULL);
	assert_non_null(text);
	assert_string_equal(text,
		"2026-11-30T08:00:00Z news 200 changed " V1 " " C1 "\n"
		"2026-11-30T08:01:00Z 2026-11-30 304 not-modified " V1 " -\n"
		"2026-11-30T09:00:00Z news 0 failed " V1 " -\n");
	free(text);
	assert_int_equal(rl_fetchlog_read(&v, &n, &bad, f->a, "news", 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(bad, 0);
	assert_int_equal(v[0].time, T0);
	assert_int_equal(v[0].status, 200);
	assert_string_equal(v[0].outcome, "changed");
	assert_string_equal(v[0].version, V1);
	assert_string_equal(v[0].commit, C1);
	assert_string_equal(v[1].outcome, "failed");
	free(v);
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "2026-11-30", 0), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].status, 304);
	free(v);
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "nosuch", 0), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "../etc", 0), RL_EINVAL);
	rl_error_clear();
}

/* An archive from before day files: the source's own log (five fields) is
 * read too, and merged with the day files in time order. */
static void test_old_per_source_log_merged(void **state)
{
	struct fixture *f = *state;
	rl_fetchlog_entry *v = NULL;
	size_t n = 0, bad = 0;
	char path[4300];
	const char *old = "2026-11-29T08:00:00Z 200 changed " V1 " " C1 "\n"
			  "2026-11-30T08:30:00Z 304 not-modified " V1 " -\n"
			  "2026-11-30T08:00:00Z news 200 changed " V1 " -\n"; /* a day line: bad here */

	append(f->a, "news", entry(T0, 200, "unchanged", V1, "-"));
	append(f->a, "news", entry(T0 + 3600, 304, "not-modified", V1, "-"));
	snprintf(path, sizeof(path), "%s/fetchlog/news.log", f->state);
	write_file(path, old, strlen(old), "w");
	assert_int_equal(rl_fetchlog_read(&v, &n, &bad, f->a, "news", 0), 0);
	assert_int_equal(n, 4);
	assert_int_equal(bad, 1);
	assert_int_equal(v[0].time, T0 - 86400);
	assert_int_equal(v[1].time, T0);
	assert_string_equal(v[1].outcome, "unchanged");
	assert_int_equal(v[2].time, T0 + 1800);
	assert_int_equal(v[3].time, T0 + 3600);
	free(v);
	/* --since: only from then on. */
	assert_int_equal(rl_fetchlog_read(&v, &n, &bad, f->a, "news", T0 + 1), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].time, T0 + 1800);
	free(v);
}

/* Damage of every kind is counted, never trusted, never a crash: garbage,
 * a NUL, the old layout in a day file, a bad source name, a status that is
 * not a number, an overlong line; a last line cut by a crash is dropped. */
static void test_damaged_lines_skipped_and_counted(void **state)
{
	struct fixture *f = *state;
	rl_fetchlog_entry *v = NULL;
	size_t n = 0, bad = 0;
	char path[4300], *big;
	static const char damage[] =
		"garbage\n"
		"2026-11-30T08:00:00Z news 200 chan\0ged " V1 " -\n"
		"2026-11-30T08:00:00Z 200 changed " V1 " -\n"
		"2026-11-30T08:00:00Z ../x 200 changed " V1 " -\n"
		"2026-11-30T08:00:00Z news 2x0 changed " V1 " -\n"
		"2026-11-30T08:00:00Z news 200 changed " V1 " - extra\n"
		"2026-11-30T08:00:00Z  news 200 changed " V1 " -\n"
		"2026-11-30 08:00 news 200 changed " V1 " -\n"
		"2026-11-30T08:00:00Z news 200 changed XYZ -\n";

	append(f->a, "news", entry(T0, 200, "changed", V1, "-"));
	day_path(path, sizeof(path), f, "2026-11-30");
	write_file(path, damage, sizeof(damage) - 1, "a");
	big = malloc(100000);
	memset(big, 'x', 100000);
	big[99999] = '\n';
	write_file(path, big, 100000, "a");
	free(big);
	append(f->a, "news", entry(T0 + 60, 304, "not-modified", V1, "-"));
	write_file(path, "2026-11-30T09:00:00Z news 200 chan", 34, "a");
	assert_int_equal(rl_fetchlog_read(&v, &n, &bad, f->a, "news", 0), 0);
	assert_int_equal(n, 2);
	assert_int_equal(bad, 10);
	assert_int_equal(v[1].status, 304);
	free(v);
}

/* Two processes appending to the same day file at once: every line lands
 * whole (O_APPEND, one write each). */
static void test_concurrent_appends_never_interleave(void **state)
{
	struct fixture *f = *state;
	rl_fetchlog_entry *v = NULL;
	size_t n = 0, bad = 0, counts[2] = { 0, 0 };
	const char *names[2] = { "alpha", "a-much-longer-source-name-to-vary-the-line-length" };
	pid_t pid[2];
	int status;

	for (int p = 0; p < 2; p++) {
		if ((pid[p] = fork()) == 0) {
			rl_appendset *set = NULL;
			int ok = rl_appendset_new(&set) == 0;
			for (int i = 0; ok && i < 3000; i++) {
				rl_fetchlog_entry e = entry(T0 + i, 200, "unchanged", V1, "-");
				ok = rl_fetchlog_append(set, f->a, names[p], &e) == 0;
			}
			ok = ok && rl_appendset_sync(set) == 0;
			rl_appendset_free(set);
			_exit(ok ? 0 : 1);
		}
		assert_true(pid[p] > 0);
	}
	for (int p = 0; p < 2; p++) {
		assert_int_equal(waitpid(pid[p], &status, 0), pid[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int p = 0; p < 2; p++) {
		assert_int_equal(rl_fetchlog_read(&v, &n, &bad, f->a, names[p], 0), 0);
		counts[p] = n;
		assert_int_equal(bad, 0);
		for (size_t i = 1; i < n; i++)
			assert_true(v[i - 1].time <= v[i].time);
		free(v);
	}
	assert_int_equal(counts[0], 3000);
	assert_int_equal(counts[1], 3000);
}

/* Caps: an old log over RL_FETCHLOG_READ_MAX or a day file over
 * RL_FETCHLOG_DAY_MAX is a clear RL_ETOOBIG (sparse files: nothing is
 * written); a day before --since is not even opened. */
static void test_caps_and_since_skip(void **state)
{
	struct fixture *f = *state;
	rl_fetchlog_entry *v = NULL;
	size_t n = 0;
	char path[4300];

	append(f->a, "news", entry(T0, 200, "changed", V1, "-"));
	snprintf(path, sizeof(path), "%s/fetchlog/news.log", f->state);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0644)), 0);
	assert_int_equal(truncate(path, RL_FETCHLOG_READ_MAX + 1), 0);
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "news", 0), RL_ETOOBIG);
	assert_non_null(strstr(rl_error_last(), "news.log"));
	rl_error_clear();
	assert_int_equal(unlink(path), 0);

	day_path(path, sizeof(path), f, "2026-11-29");
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0644)), 0);
	assert_int_equal(truncate(path, (off_t)RL_FETCHLOG_DAY_MAX + 1), 0);
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "news", 0), RL_ETOOBIG);
	rl_error_clear();
	/* The oversized day is before --since: never opened. */
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "news", T0 - 3600), 0);
	assert_int_equal(n, 1);
	free(v);
	unlink(path);
	/* Not a file where a day file should be: an error, not a crash. */
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(rl_fetchlog_read(&v, &n, NULL, f->a, "news", 0), RL_EINVAL);
	rl_error_clear();
	assert_int_equal(rmdir(path), 0);
}

struct seen {
	char order[8][32];
	size_t n, bad_unknown, bad_news;
};

static int on_fetch(const char *source, const rl_fetchlog_entry *e, void *payload)
{
	struct seen *s = payload;
	if (e == NULL) {
		if (source && strcmp(source, "news") == 0)
			s->bad_news++;
		else if (source == NULL)
			s->bad_unknown++;
		return 0;
	}
	if (s->n < 8)
		snprintf(s->order[s->n], sizeof(s->order[0]), "%s@%lld", source,
			 (long long)(e->time - T0));
	s->n++;
	return 0;
}

/* The scan reads the old per-source logs, then each day file once, oldest
 * day first, and names the source of every line. */
static void test_scan_reads_each_file_once(void **state)
{
	struct fixture *f = *state;
	const char *sources[] = { "news", "sport" };
	struct seen s;
	char path[4300];
	const char *old = "2026-11-29T08:00:00Z 200 changed " V1 " -\nbroken\n";

	append(f->a, "sport", entry(T0 + 86400, 200, "changed", V1, "-"));
	append(f->a, "news", entry(T0, 304, "not-modified", V1, "-"));
	append(f->a, "gone", entry(T0 + 1, 304, "not-modified", V1, "-"));
	snprintf(path, sizeof(path), "%s/fetchlog/news.log", f->state);
	write_file(path, old, strlen(old), "w");
	day_path(path, sizeof(path), f, "2026-11-30");
	write_file(path, "junk\n", 5, "a");
	memset(&s, 0, sizeof(s));
	assert_int_equal(rl_fetchlog_scan(f->a, sources, 2, on_fetch, &s), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.order[0], "news@-86400");
	assert_string_equal(s.order[1], "news@0");
	assert_string_equal(s.order[2], "gone@1");
	assert_string_equal(s.order[3], "sport@86400");
	assert_int_equal(s.bad_news, 1);
	assert_int_equal(s.bad_unknown, 1);
}

/* A day file that cannot be opened fails its appends (the caller only
 * loses log lines) without retrying the open each time, and does not stop
 * the set syncing the others. */
static void test_appendset_open_failure(void **state)
{
	struct fixture *f = *state;
	rl_appendset *set = NULL;
	char blocker[4300], path[4400], good[4300];

	snprintf(blocker, sizeof(blocker), "%s/not-a-dir", f->dir);
	write_file(blocker, "x", 1, "w");
	snprintf(path, sizeof(path), "%s/x.log", blocker);
	snprintf(good, sizeof(good), "%s/deep/er/good.log", f->dir);
	assert_int_equal(rl_appendset_new(&set), 0);
	assert_int_equal(rl_appendset_write(set, path, "a\n", 2), RL_EIO);
	assert_non_null(strstr(rl_error_last(), "x.log"));
	rl_error_clear();
	assert_int_equal(rl_appendset_write(set, path, "a\n", 2), RL_EIO);
	rl_error_clear();
	for (int i = 0; i < RL_APPENDSET_MAX_FILES + 3; i++) {
		char other[4400];
		snprintf(other, sizeof(other), "%s/many/%d.log", f->dir, i);
		assert_int_equal(rl_appendset_write(set, other, "b\n", 2), 0);
	}
	assert_int_equal(rl_appendset_write(set, good, "one\n", 4), 0);
	assert_int_equal(rl_appendset_write(set, good, "two\n", 4), 0);
	assert_int_equal(rl_appendset_sync(set), 0);
	rl_appendset_free(set);
	{
		char *text = tu_read_file(good, NULL);
		assert_non_null(text);
		assert_string_equal(text, "one\ntwo\n");
		free(text);
	}
	rl_appendset_free(NULL);
}

static void test_append_refuses_bad_input(void **state)
{
	struct fixture *f = *state;
	rl_appendset *set = NULL;
	rl_fetchlog_entry e = entry(T0, 200, "changed", V1, "-");

	assert_int_equal(rl_appendset_new(&set), 0);
	assert_int_equal(rl_fetchlog_append(set, f->a, "a b", &e), RL_EINVAL);
	rl_error_clear();
	snprintf(e.outcome, sizeof(e.outcome), "has space");
	assert_int_equal(rl_fetchlog_append(set, f->a, "news", &e), RL_EINVAL);
	rl_error_clear();
	rl_appendset_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_day_file_shared_by_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_per_source_log_merged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_lines_skipped_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_appends_never_interleave, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_caps_and_since_skip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_reads_each_file_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_appendset_open_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_refuses_bad_input, setup, teardown),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
