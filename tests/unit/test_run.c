/*
 * rl_run_cycle() many times in one process, as `watch` does: memory stays
 * flat (RSS sampled after warm-up and at the end, generous bound; under
 * ASan the leak checker at exit is the stronger test), every cycle is
 * recorded, and the archive has exactly one commit per change.
 */
#include "testutil.h"
#include "httpserver.h"
#include "redline/archive.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/fetch.h"
#include "redline/run.h"
#include "redline/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CYCLES 200
#define CHANGE_EVERY 20

static long rss_kib(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(fp);
	return kib;
}

static int under_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 1;
#endif
#endif
	return 0;
}

static void many_cycles_keep_memory_flat(void **state)
{
	tu_httpserver *server = tu_httpserver_start(NULL);
	char *dir = tu_tmpdir(), path[4096], *out = NULL;
	rl_archive *archive = NULL;
	rl_source_config *cfg = NULL;
	const char *names[] = { "news" };
	long early = -1, late = -1;
	size_t changed = 0;

	if (server == NULL) {
		tu_rmtree(dir);
		free(dir);
		tu_skip();
	}
	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(rl_archive_init(&archive, path), 0);
	assert_int_equal(rl_source_config_new(&cfg, "news"), 0);
	cfg->url = strdup(tu_httpserver_url(server, "/page"));
	assert_int_equal(rl_config_source_save(archive, cfg), 0);
	for (int i = 0; i < CYCLES; i++) {
		rl_run_opts opts = { 0 };
		rl_run_summary sum;
		if (i % CHANGE_EVERY == 0) {
			/* A new version of the page: one more story each time. */
			assert_int_equal(tu_sh(NULL, "curl -sf '%s/set?path=/page&body=%%3Carticle%%3E%%3Ch2%%3EStory+%d%%3C/h2%%3E%%3Cp%%3EText+%d.%%3C/p%%3E%%3C/article%%3E%%3Carticle%%3E%%3Ch2%%3EFixed%%3C/h2%%3E%%3Cp%%3EStays.%%3C/p%%3E%%3C/article%%3E' >/dev/null",
					   server->base_url, i, i), 0);
		}
		opts.names = names;
		opts.n_names = 1;
		opts.now = 1800000000LL + i * 60;
		assert_int_equal(rl_run_cycle(&sum, archive, &opts), 0);
		assert_int_equal(sum.sources, 1);
		assert_int_equal(sum.failed, 0);
		changed += sum.changed;
		if (i == 30)
			early = rss_kib();
	}
	late = rss_kib();
	assert_int_equal(changed, CYCLES / CHANGE_EVERY);
	assert_int_equal(tu_sh(&out, "git -C '%s' rev-list --count HEAD", path), 0);
	assert_int_equal(atoi(out), CYCLES / CHANGE_EVERY);
	fprintf(stderr, "test_run: VmRSS %ld kB after 30 cycles, %ld kB after %d\n", early, late,
		CYCLES);
	if (!under_asan() && early > 0)
		assert_true(late - early < 8 * 1024); /* a leak of 40 KB a cycle would show */
	free(out);
	rl_source_config_free(cfg);
	rl_archive_free(archive);
	tu_httpserver_stop(server);
	tu_rmtree(dir);
	free(dir);
}

/* More due sources than listings are fetched ahead of the commit (4 here,
 * 128 by default): a first cycle commits every one of them, in order, and
 * a cycle in which none changed (no commit, so nothing waits in line)
 * still gets to the last of them. */
static void more_sources_than_the_window(void **state)
{
	tu_httpserver *server = tu_httpserver_start(NULL);
	char *dir = tu_tmpdir(), path[4096], *out = NULL;
	rl_archive *archive = NULL;
	const size_t n = 30;

	(void)state;
	if (server == NULL) {
		tu_rmtree(dir);
		free(dir);
		tu_skip();
	}
	assert_int_equal(tu_sh(NULL, "curl -sf '%s/set?path=/page&body=%%3Carticle%%3E%%3Ch2%%3EStory%%3C/h2%%3E%%3Cp%%3EText.%%3C/p%%3E%%3C/article%%3E' >/dev/null",
			       server->base_url), 0);
	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(rl_archive_init(&archive, path), 0);
	for (size_t i = 0; i < n; i++) {
		rl_source_config *cfg = NULL;
		char name[32];
		snprintf(name, sizeof(name), "s%03zu", i);
		assert_int_equal(rl_source_config_new(&cfg, name), 0);
		cfg->url = strdup(tu_httpserver_url(server, "/page"));
		assert_int_equal(rl_config_source_save(archive, cfg), 0);
		rl_source_config_free(cfg);
	}
	for (int cycle = 0; cycle < 2; cycle++) {
		rl_run_opts opts = { 0 };
		rl_run_summary sum;
		opts.now = 1800000000LL + cycle * 86400;
		opts.parse_threads = 2;
		opts.fetch_ahead = 4;
		/* the batch commits inside the ingest of every 10th source, the last
		 * one too: nothing is left for the commit at the end of the cycle */
		opts.commit_every_commits = 10;
		assert_int_equal(rl_run_cycle(&sum, archive, &opts), 0);
		assert_int_equal(sum.sources, n);
		assert_int_equal(sum.failed, 0);
		assert_int_equal(sum.changed, cycle == 0 ? n : 0);
		assert_int_equal(sum.unchanged, cycle == 0 ? 0 : n);
		/* every source's fetch state recorded, also those whose commit a
		 * bound published (their validators make the next fetch a 304) */
		for (size_t i = 0; i < n; i++) {
			rl_schedule_state *fs = NULL;
			char name[32];
			snprintf(name, sizeof(name), "s%03zu", i);
			assert_int_equal(rl_schedule_load(&fs, archive, name), 0);
			assert_non_null(fs);
			if (fs->last_success != opts.now)
				fail_msg("source %s: fetch state not saved in cycle %d", name, cycle);
			rl_schedule_free(fs);
		}
	}
	/* one commit a source, in the order of the sources */
	assert_int_equal(tu_sh(&out, "git -C '%s' log --reverse --format=%%s | cut -d: -f1 | "
				     "sort -c && git -C '%s' rev-list --count HEAD", path, path), 0);
	assert_int_equal(atoi(out), (int)n);
	free(out);
	rl_archive_free(archive);
	tu_httpserver_stop(server);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(many_cycles_keep_memory_flat),
		cmocka_unit_test(more_sources_than_the_window),
	};
	int rc;

	rl_fetch_global_init();
	rc = tu_run_group_tests(tests, NULL, NULL);
	rl_fetch_global_cleanup();
	return rc;
}
