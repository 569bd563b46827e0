/*
 * The archive-wide fetch state, redline/fetch.json (schedule_file.c): one
 * file for every source, older archives' per-source files read and merged
 * in, writers that keep each other's sources (two books loaded at once,
 * and processes writing at the same time), and a damaged or hostile file
 * read as empty, said so, kept aside and rebuilt.
 */
#include "testutil.h"
#include "fixtures.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T0 1800000000LL

static int exists(const struct fx_archive *fx, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", fx->state, name);
	return access(path, F_OK) == 0;
}

static rl_schedule_state *state_of(rl_archive *archive, const char *source)
{
	rl_schedule_state *s = NULL;
	assert_int_equal(rl_schedule_load(&s, archive, source), 0);
	assert_non_null(s);
	return s;
}

/* Records `source` as fetched at `when` with ETag `etag`. */
static void save_one(rl_archive *archive, const char *source, int64_t when, const char *etag)
{
	rl_schedule_state *s = state_of(archive, source);
	rl_schedule_succeed(s, when, 600, 200);
	free(s->etag);
	s->etag = strdup(etag);
	assert_int_equal(rl_schedule_save(s, archive), 0);
	rl_schedule_free(s);
}

static void one_file_holds_every_source(void **state)
{
	struct fx_archive *fx = *state;
	const char *names[] = { "anp", "nos", "bbc.world" };
	rl_schedule_state *s[3];
	rl_schedule_book *book = NULL;
	char etag[32];

	for (int i = 0; i < 3; i++) {
		s[i] = state_of(fx->archive, names[i]);
		rl_schedule_succeed(s[i], T0 + i, 600, 200);
		snprintf(etag, sizeof(etag), "\"e%d\"", i);
		s[i]->etag = strdup(etag);
	}
	rl_schedule_fail(s[2], T0 + 9, 600, 503, 0, "HTTP 503");
	assert_int_equal(rl_schedule_save_all(fx->archive, (const rl_schedule_state **)s, 3), 0);
	assert_true(exists(fx, "fetch.json"));
	assert_false(exists(fx, "fetch")); /* no directory, no file per source */
	assert_false(exists(fx, "fetch.json.damaged"));

	assert_int_equal(rl_schedule_book_load(&book, fx->archive), 0);
	assert_null(rl_schedule_book_damage(book));
	for (int i = 0; i < 3; i++) {
		rl_schedule_state *back = NULL;
		assert_int_equal(rl_schedule_book_get(&back, book, names[i]), 0);
		assert_string_equal(back->source, names[i]);
		assert_string_equal(back->etag, s[i]->etag);
		assert_int_equal(back->last_fetch, s[i]->last_fetch);
		assert_int_equal(back->next_due, s[i]->next_due);
		assert_int_equal(back->failures, s[i]->failures);
		rl_schedule_free(back);
		rl_schedule_free(s[i]);
	}
	{
		rl_schedule_state *never = NULL;
		assert_int_equal(rl_schedule_book_get(&never, book, "other"), 0);
		assert_int_equal(never->last_fetch, 0);
		assert_null(never->etag);
		rl_schedule_free(never);
	}
	rl_schedule_book_free(book);
}

static void old_per_source_files_are_read_then_merged_and_removed(void **state)
{
	struct fx_archive *fx = *state;
	char path[4200];
	rl_schedule_state *s;

	/* fetch.json knows "c" from an earlier cycle; an older redline then
	 * wrote c's file again, later: the newer one counts. */
	save_one(fx->archive, "c", T0 - 100, "\"c-old\"");
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/fetch'", fx->state), 0);
	snprintf(path, sizeof(path), "%s/fetch/a.json", fx->state);
	fx_write_text(path, "{\"version\":1,\"etag\":\"\\\"a1\\\"\",\"last_fetch\":1800000000,"
			 "\"next_due\":1800000600,\"failures\":0}");
	snprintf(path, sizeof(path), "%s/fetch/b.json", fx->state);
	fx_write_text(path, "{\"version\":1,\"last_modified\":\"Mon, 30 Nov 2026 09:00:00 GMT\","
			 "\"last_fetch\":1800000000,\"failures\":2}");
	snprintf(path, sizeof(path), "%s/fetch/c.json", fx->state);
	fx_write_text(path, "{\"version\":1,\"etag\":\"\\\"c-new\\\"\",\"last_fetch\":1800000001}");
	snprintf(path, sizeof(path), "%s/fetch/c.json.tmp.12345", fx->state);
	fx_write_text(path, "{"); /* a crashed writer's: not a source */

	s = state_of(fx->archive, "a");
	assert_string_equal(s->etag, "\"a1\"");
	rl_schedule_free(s);
	s = state_of(fx->archive, "c");
	assert_string_equal(s->etag, "\"c-new\"");
	rl_schedule_free(s);

	/* One source's save moves them all into fetch.json. */
	save_one(fx->archive, "a", T0 + 600, "\"a2\"");
	snprintf(path, sizeof(path), "%s/fetch/a.json", fx->state);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/fetch/b.json", fx->state);
	assert_int_equal(access(path, F_OK), -1);
	s = state_of(fx->archive, "a");
	assert_string_equal(s->etag, "\"a2\"");
	rl_schedule_free(s);
	s = state_of(fx->archive, "b");
	assert_string_equal(s->last_modified, "Mon, 30 Nov 2026 09:00:00 GMT");
	assert_int_equal(s->failures, 2);
	rl_schedule_free(s);
	s = state_of(fx->archive, "c");
	assert_string_equal(s->etag, "\"c-new\"");
	rl_schedule_free(s);
	/* A leftover temporary file is the sweep's; the directory goes after it. */
	assert_true(exists(fx, "fetch"));
	snprintf(path, sizeof(path), "%s/fetch/c.json.tmp.12345", fx->state);
	assert_int_equal(unlink(path), 0);
	save_one(fx->archive, "b", T0 + 700, "\"b2\"");
	assert_false(exists(fx, "fetch"));
}

static void writers_keep_each_others_sources(void **state)
{
	struct fx_archive *fx = *state;
	rl_schedule_book *one = NULL, *two = NULL;
	rl_schedule_state *a = NULL, *b = NULL, *s;
	enum { WRITERS = 4, ROUNDS = 20 };
	pid_t pids[WRITERS];

	save_one(fx->archive, "a", T0, "\"a0\"");
	save_one(fx->archive, "b", T0, "\"b0\"");
	/* Two cycles that started together, each finishing its own source. */
	assert_int_equal(rl_schedule_book_load(&one, fx->archive), 0);
	assert_int_equal(rl_schedule_book_load(&two, fx->archive), 0);
	assert_int_equal(rl_schedule_book_get(&a, one, "a"), 0);
	assert_int_equal(rl_schedule_book_get(&b, two, "b"), 0);
	rl_schedule_succeed(a, T0 + 60, 600, 200);
	rl_schedule_succeed(b, T0 + 61, 600, 304);
	assert_int_equal(rl_schedule_save(a, fx->archive), 0);
	assert_int_equal(rl_schedule_save(b, fx->archive), 0);
	s = state_of(fx->archive, "a");
	assert_int_equal(s->last_fetch, T0 + 60);
	rl_schedule_free(s);
	s = state_of(fx->archive, "b");
	assert_int_equal(s->last_fetch, T0 + 61);
	assert_int_equal(s->last_status, 304);
	rl_schedule_free(s);
	rl_schedule_free(a);
	rl_schedule_free(b);
	rl_schedule_book_free(one);
	rl_schedule_book_free(two);

	/* Processes writing at once, each its own source, round after round. */
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			rl_archive *archive = NULL;
			char path[4096], name[16];
			int bad = 0;

			snprintf(path, sizeof(path), "%s/a", fx->dir);
			snprintf(name, sizeof(name), "w%d", w);
			bad = rl_archive_open(&archive, path) < 0;
			for (int r = 1; !bad && r <= ROUNDS; r++) {
				rl_schedule_state *st = NULL;
				bad = rl_schedule_load(&st, archive, name) < 0;
				if (!bad) {
					st->last_fetch = r;
					bad = rl_schedule_save(st, archive) < 0;
				}
				rl_schedule_free(st);
			}
			rl_archive_free(archive);
			_exit(bad);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int status = 0;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int w = 0; w < WRITERS; w++) {
		char name[16];
		snprintf(name, sizeof(name), "w%d", w);
		s = state_of(fx->archive, name);
		assert_int_equal(s->last_fetch, ROUNDS);
		rl_schedule_free(s);
	}
	s = state_of(fx->archive, "a");
	assert_int_equal(s->last_fetch, T0 + 60);
	rl_schedule_free(s);
}

static void damaged_file_is_said_kept_aside_and_rebuilt(void **state)
{
	static const char *const damaged[] = {
		"",
		"{",
		"\x01\xff not json",
		"[]",
		"{\"version\":2,\"sources\":{}}",
		"{\"version\":1,\"sources\":[1]}",
		"{\"version\":1}",
		"{\"version\":1,\"sources\":{\"a\":{}}} trailing",
		NULL, /* nested deeper than the parser goes: made below */
	};
	enum { DEPTH = 100000 };
	struct fx_archive *fx = *state;
	char path[4200], aside[4300], *deep = malloc(2 * DEPTH + 64);
	size_t len;

	assert_non_null(deep);
	len = (size_t)sprintf(deep, "{\"version\":1,\"sources\":{\"a\":");
	memset(deep + len, '[', DEPTH);
	memset(deep + len + DEPTH, ']', DEPTH);
	strcpy(deep + len + 2 * DEPTH, "}}");
	snprintf(path, sizeof(path), "%s/fetch.json", fx->state);
	snprintf(aside, sizeof(aside), "%s/fetch.json.damaged", fx->state);
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		const char *text = damaged[i] ? damaged[i] : deep;
		rl_schedule_book *book = NULL;
		rl_schedule_state *s = NULL;
		char *kept;

		fx_write_text(path, text);
		assert_int_equal(rl_schedule_book_load(&book, fx->archive), 0);
		assert_non_null(rl_schedule_book_damage(book));
		assert_non_null(strstr(rl_schedule_book_damage(book), "fetch.json"));
		assert_int_equal(rl_schedule_book_get(&s, book, "a"), 0);
		assert_int_equal(s->last_fetch, 0);
		rl_schedule_book_free(book);
		rl_schedule_succeed(s, T0, 600, 200);
		assert_int_equal(rl_schedule_save(s, fx->archive), 0);
		rl_schedule_free(s);

		kept = tu_read_file(aside, &len);
		assert_non_null(kept);
		assert_int_equal(len, strlen(text));
		free(kept);
		assert_int_equal(rl_schedule_book_load(&book, fx->archive), 0);
		assert_null(rl_schedule_book_damage(book));
		rl_schedule_book_free(book);
		s = state_of(fx->archive, "a");
		assert_int_equal(s->last_fetch, T0);
		rl_schedule_free(s);
	}
	free(deep);
	/* Hostile values in a well-formed file: a fresh or bounded state. */
	fx_write_text(path, "{\"version\":1,\"sources\":{\"a\":{\"failures\":2147483647,\"items\":-5,"
			 "\"etag\":{},\"follow\":[{\"id\":\"../../etc/x1\",\"url\":\"http://x\"},7]},"
			 "\"b\":[],\"c\":\"x\"}}");
	{
		rl_schedule_state *s = state_of(fx->archive, "a");
		assert_true(s->failures >= 0 && s->failures <= 1000);
		assert_int_equal(s->items, 0);
		assert_null(s->etag);
		assert_int_equal(s->n_follow, 0);
		rl_schedule_fail(s, T0, 600, 0, 0, "x");
		assert_true(s->next_due - T0 <= RL_SCHEDULE_MAX_BACKOFF);
		rl_schedule_free(s);
		s = state_of(fx->archive, "b");
		assert_int_equal(s->last_fetch, 0);
		rl_schedule_free(s);
	}
}

static void remove_forgets_one_source(void **state)
{
	struct fx_archive *fx = *state;
	rl_schedule_state *s;
	char path[4200];

	save_one(fx->archive, "a", T0, "\"a\"");
	save_one(fx->archive, "b", T0, "\"b\"");
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/fetch'", fx->state), 0);
	snprintf(path, sizeof(path), "%s/fetch/a.json", fx->state);
	fx_write_text(path, "{\"version\":1,\"etag\":\"old\",\"last_fetch\":1900000000}");
	assert_int_equal(rl_schedule_remove(fx->archive, "a"), 0);
	assert_int_equal(access(path, F_OK), -1);
	s = state_of(fx->archive, "a");
	assert_null(s->etag);
	assert_int_equal(s->last_fetch, 0);
	rl_schedule_free(s);
	s = state_of(fx->archive, "b");
	assert_string_equal(s->etag, "\"b\"");
	rl_schedule_free(s);
	assert_int_equal(rl_schedule_remove(fx->archive, "a"), 0); /* absent is fine */
}

/* A cycle over source "a": the book loaded, `between` (may be NULL) run
 * after the load, "a" fetched at `when` (0: not changed), and the book
 * saved with sources a, b and c configured. */
static void cycle_of_a(struct fx_archive *fx, int64_t when, void (*between)(struct fx_archive *))
{
	static const char *configured[] = { "a", "b", "c" };
	rl_schedule_book *book = NULL;
	rl_schedule_state *a = NULL;

	assert_int_equal(rl_schedule_book_load(&book, fx->archive), 0);
	if (between)
		between(fx);
	assert_int_equal(rl_schedule_book_get(&a, book, "a"), 0);
	if (when)
		rl_schedule_succeed(a, when, 600, 304);
	assert_int_equal(rl_schedule_book_save(book, fx->archive, (const rl_schedule_state **)&a, 1,
					       configured, 3), 0);
	rl_schedule_book_free(book);
	rl_schedule_free(a);
}

static void other_writer_saves_b(struct fx_archive *fx)
{
	save_one(fx->archive, "b", T0 + 5, "\"b0\"");
}

/* A cycle's save of the book it loaded: a file nobody wrote since is not
 * read again, one another writer replaced is (its sources kept), sources
 * no longer configured are dropped, and nothing is written when no entry
 * changed. */
static void book_save_rereads_only_a_changed_file_and_prunes(void **state)
{
	struct fx_archive *fx = *state;
	rl_schedule_state *s;
	char path[4200];
	struct stat before, after;

	snprintf(path, sizeof(path), "%s/fetch.json", fx->state);
	save_one(fx->archive, "a", T0, "\"a0\"");
	save_one(fx->archive, "gone", T0, "\"g0\"");
	/* another writer replaces the file after the cycle read it */
	cycle_of_a(fx, T0 + 60, other_writer_saves_b);
	s = state_of(fx->archive, "a");
	assert_int_equal(s->last_fetch, T0 + 60);
	rl_schedule_free(s);
	s = state_of(fx->archive, "b"); /* the other writer's, kept */
	assert_int_equal(s->last_fetch, T0 + 5);
	rl_schedule_free(s);
	s = state_of(fx->archive, "gone"); /* no longer configured: dropped */
	assert_int_equal(s->last_fetch, 0);
	assert_null(s->etag);
	rl_schedule_free(s);

	/* the file as read: the book is written back, not the file read again
	 * (a change made behind the lock's back in the same second, size and
	 * inode cannot be told from it, so only the outcome is checked) */
	cycle_of_a(fx, T0 + 120, NULL);
	s = state_of(fx->archive, "a");
	assert_int_equal(s->last_fetch, T0 + 120);
	rl_schedule_free(s);
	s = state_of(fx->archive, "b");
	assert_int_equal(s->last_fetch, T0 + 5);
	rl_schedule_free(s);

	/* nothing changed: the file is not replaced */
	assert_int_equal(stat(path, &before), 0);
	cycle_of_a(fx, 0, NULL);
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_ino == after.st_ino);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		fx_archive_test(one_file_holds_every_source),
		fx_archive_test(old_per_source_files_are_read_then_merged_and_removed),
		fx_archive_test(writers_keep_each_others_sources),
		fx_archive_test(damaged_file_is_said_kept_aside_and_rebuilt),
		fx_archive_test(remove_forgets_one_source),
		fx_archive_test(book_save_rereads_only_a_changed_file_and_prunes),
	};
	return tu_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
