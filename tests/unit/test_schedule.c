/*
 * The schedule: backoff doubling and its cap, Retry-After, the follow-up
 * steps of a followed story, the state file's round trip, and a damaged
 * state file read as a fresh start (never a crash, never an error).
 */
#include "testutil.h"
#include "fixtures.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T0 1800000000LL

static rl_schedule_state *fresh(const char *source)
{
	rl_schedule_state *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->source = strdup(source);
	return s;
}

static void backoff_doubles_up_to_the_cap(void **state)
{
	rl_schedule_state *s = fresh("news");
	int64_t want = 600;

	for (int i = 1; i <= 12; i++) {
		assert_int_equal(rl_schedule_fail(s, T0, 600, 500, 0, "cannot fetch: HTTP 500"), 0);
		assert_int_equal(s->failures, i);
		assert_int_equal(s->next_due - T0, want);
		want = want * 2 > RL_SCHEDULE_MAX_BACKOFF ? RL_SCHEDULE_MAX_BACKOFF : want * 2;
	}
	assert_int_equal(s->next_due - T0, RL_SCHEDULE_MAX_BACKOFF);
	assert_string_equal(s->last_error, "cannot fetch: HTTP 500");
	assert_int_equal(s->last_status, 500);
	assert_int_equal(s->last_fetch, T0);
	rl_schedule_free(s);
}

static void retry_after_is_honoured_and_capped(void **state)
{
	rl_schedule_state *s = fresh("news");

	rl_schedule_fail(s, T0, 60, 503, 3600, "busy");
	assert_int_equal(s->next_due - T0, 3600);       /* longer than the backoff */
	rl_schedule_fail(s, T0, 60, 503, 10, "busy");
	assert_int_equal(s->next_due - T0, 120);        /* shorter: backoff wins */
	rl_schedule_fail(s, T0, 60, 503, 10L * 86400, "busy");
	assert_int_equal(s->next_due - T0, RL_SCHEDULE_MAX_BACKOFF);
	rl_schedule_free(s);
}

static void success_resets_and_jitters_within_a_tenth(void **state)
{
	rl_schedule_state *s = fresh("news");

	rl_schedule_fail(s, T0, 600, 0, 0, "timeout");
	rl_schedule_fail(s, T0, 600, 0, 0, "timeout");
	for (int64_t t = T0; t < T0 + 50; t++) {
		rl_schedule_succeed(s, t, 600, 200);
		assert_int_equal(s->failures, 0);
		assert_null(s->last_error);
		assert_int_equal(s->last_success, t);
		assert_true(s->next_due >= t + 600 && s->next_due < t + 660);
	}
	rl_schedule_free(s);
}

static void follow_schedule_steps(void **state)
{
	rl_schedule_follow f = { .first_seen = T0 };

	assert_int_equal(rl_schedule_follow_next_check(&f), 0); /* never checked: at once */
	f.last_checked = T0;
	assert_int_equal(rl_schedule_follow_next_check(&f), T0 + 15 * 60);
	f.last_checked = T0 + 6 * 3600 - 1;
	assert_int_equal(rl_schedule_follow_next_check(&f), f.last_checked + 15 * 60);
	f.last_checked = T0 + 6 * 3600;
	assert_int_equal(rl_schedule_follow_next_check(&f), f.last_checked + 3600);
	f.last_checked = T0 + 24 * 3600 - 1;
	assert_int_equal(rl_schedule_follow_next_check(&f), f.last_checked + 3600);
	f.last_checked = T0 + 24 * 3600;
	assert_int_equal(rl_schedule_follow_next_check(&f), f.last_checked + 86400);
	f.last_checked = T0 + 7 * 86400 - 1;
	assert_int_equal(rl_schedule_follow_next_check(&f), f.last_checked + 86400);
	f.last_checked = T0 + 7 * 86400;
	assert_int_equal(rl_schedule_follow_next_check(&f), -1); /* a week old: left alone */
	f.last_checked = T0;
	f.removed = 1;
	assert_int_equal(rl_schedule_follow_next_check(&f), -1); /* removed: never again */
}

static void prune_forgets_old_entries_off_the_page(void **state)
{
	rl_schedule_state *s = fresh("news");
	rl_schedule_follow *f;

	assert_int_equal(rl_schedule_follow_add(&f, s, "aaaaaaaaaaaa", "http://x/a", T0), 0);
	f->on_page = 1;
	assert_int_equal(rl_schedule_follow_add(&f, s, "bbbbbbbbbbbb", "http://x/b", T0), 0);
	assert_int_equal(rl_schedule_follow_add(&f, s, "cccccccccccc", "http://x/c", T0 + 86400), 0);
	assert_int_equal(rl_schedule_follow_prune(s, T0 + RL_SCHEDULE_FOLLOW_FORGET_AFTER + 1), 1);
	assert_int_equal(s->n_follow, 2);
	assert_non_null(rl_schedule_follow_find(s, "aaaaaaaaaaaa")); /* on the page */
	assert_null(rl_schedule_follow_find(s, "bbbbbbbbbbbb"));     /* old, off the page */
	assert_non_null(rl_schedule_follow_find(s, "cccccccccccc")); /* off, but recent */
	rl_schedule_free(s);
}

static void save_load_round_trip(void **state)
{
	struct fx_archive *fx = *state;
	rl_schedule_state *s = NULL, *back = NULL;
	rl_schedule_follow *f;

	assert_int_equal(rl_schedule_load(&s, fx->archive, "news"), 0);
	assert_int_equal(s->last_fetch, 0); /* no file yet: fresh */
	s->etag = strdup("W/\"abc\"");
	s->last_modified = strdup("Sat, 28 Nov 2026 10:00:00 GMT");
	s->has_body_hash = 1;
	s->body_hash.high = 0x0123456789abcdefULL;
	s->body_hash.low = 0xfedcba9876543210ULL;
	s->items = 42;
	s->last_change = T0 - 5;
	rl_schedule_fail(s, T0, 600, 503, 0, "cannot fetch 'http://x/': HTTP 503");
	assert_int_equal(rl_schedule_follow_add(&f, s, "0123456789ab", "https://x/a/1", T0 - 60), 0);
	f->etag = strdup("\"e1\"");
	f->last_checked = T0;
	f->on_page = 1;
	assert_int_equal(rl_schedule_follow_add(&f, s, "ba9876543210", "https://x/a/2", T0 - 90), 0);
	f->removed = 1;
	f->status = strdup("removed (HTTP 404, 2027-01-15T08:00:00Z)");
	assert_int_equal(rl_schedule_save(s, fx->archive), 0);

	assert_int_equal(rl_schedule_load(&back, fx->archive, "news"), 0);
	assert_string_equal(back->source, "news");
	assert_string_equal(back->etag, s->etag);
	assert_string_equal(back->last_modified, s->last_modified);
	assert_true(back->has_body_hash && rl_hash128_equal(back->body_hash, s->body_hash));
	assert_int_equal(back->items, 42);
	assert_int_equal(back->last_change, T0 - 5);
	assert_int_equal(back->last_fetch, T0);
	assert_int_equal(back->next_due, s->next_due);
	assert_int_equal(back->last_status, 503);
	assert_int_equal(back->failures, 1);
	assert_string_equal(back->last_error, s->last_error);
	assert_int_equal(back->n_follow, 2);
	assert_string_equal(back->follow[0].id, "0123456789ab");
	assert_string_equal(back->follow[0].url, "https://x/a/1");
	assert_string_equal(back->follow[0].etag, "\"e1\"");
	assert_int_equal(back->follow[0].first_seen, T0 - 60);
	assert_int_equal(back->follow[0].last_checked, T0);
	assert_true(back->follow[0].on_page && !back->follow[0].removed);
	assert_true(back->follow[1].removed && !back->follow[1].on_page);
	assert_string_equal(back->follow[1].status, "removed (HTTP 404, 2027-01-15T08:00:00Z)");
	rl_schedule_free(back);

	assert_int_equal(rl_schedule_remove(fx->archive, "news"), 0);
	assert_int_equal(rl_schedule_remove(fx->archive, "news"), 0); /* absent is fine */
	assert_int_equal(rl_schedule_load(&back, fx->archive, "news"), 0);
	assert_int_equal(back->last_fetch, 0);
	rl_schedule_free(back);
	rl_schedule_free(s);
}

static void damaged_file_is_a_fresh_start(void **state)
{
	static const char *const damaged[] = {
		"",
		"{",
		"not json at all \x01\xff",
		"[1,2,3]",
		"42",
		"{\"version\":2,\"failures\":3}",
		"{\"version\":1,\"failures\":2147483647,\"items\":-5,\"next_due\":\"x\","
		"\"follow\":[{\"id\":\"../../etc/x1\",\"url\":\"http://x\"},{\"id\":12},7,"
		"{\"id\":\"0123456789ab\"},{\"id\":\"0123456789ab\",\"url\":\"http://x/\","
		"\"etag\":5,\"status\":[]}],\"etag\":{}}",
	};
	struct fx_archive *fx = *state;
	char path[4200];

	/* An older archive's file of the source (redline/fetch/NAME.json): the
	 * save merges it into fetch.json and removes it. */
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		rl_schedule_state *s = NULL;

		snprintf(path, sizeof(path), "%s/fetch", fx->state);
		assert_int_equal(tu_sh(NULL, "mkdir -p '%s'", path), 0);
		snprintf(path, sizeof(path), "%s/fetch/news.json", fx->state);
		fx_write_text(path, damaged[i]);
		assert_int_equal(rl_schedule_load(&s, fx->archive, "news"), 0);
		assert_non_null(s);
		assert_true(s->failures >= 0 && s->failures <= 1000);
		assert_null(s->etag);
		for (size_t k = 0; k < s->n_follow; k++) {
			assert_string_equal(s->follow[k].id, "0123456789ab");
			assert_null(s->follow[k].etag);
			assert_null(s->follow[k].status);
		}
		/* Backoff from a damaged count stays bounded. */
		rl_schedule_fail(s, T0, 600, 0, 0, "x");
		assert_true(s->next_due - T0 <= RL_SCHEDULE_MAX_BACKOFF);
		assert_int_equal(rl_schedule_save(s, fx->archive), 0);
		assert_int_equal(access(path, F_OK), -1);
		rl_schedule_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_doubles_up_to_the_cap),
		cmocka_unit_test(retry_after_is_honoured_and_capped),
		cmocka_unit_test(success_resets_and_jitters_within_a_tenth),
		cmocka_unit_test(follow_schedule_steps),
		cmocka_unit_test(prune_forgets_old_entries_off_the_page),
		fx_archive_test(save_load_round_trip),
		fx_archive_test(damaged_file_is_a_fresh_start),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
