/* The archive's store of source states (src/archive/state_store.c): the last
 * record of a source is its state; another process's appends and
 * compactions are seen; a torn tail is ignored and cut off by the next
 * append, the records before it kept; stale records are compacted away
 * once they are most of the file; names and sizes are checked; threads
 * may put at once. */
#include "testutil.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "../../src/archive/state_store_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct fx {
	char *dir;
	char path[4200];
	struct state_store *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->dir = tu_tmpdir();
	/* its folder is made by the first put */
	snprintf(f->path, sizeof(f->path), "%s/redline/states.log", f->dir);
	if (state_store_new(&f->st, f->path) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	state_store_free(f->st);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void put(struct state_store *st, const char *source, const char *text)
{
	struct iovec iov[2] = { { (void *)text, strlen(text) / 2 },
				{ (void *)(text + strlen(text) / 2), strlen(text) - strlen(text) / 2 } };

	if (state_store_put(st, source, iov, 2) < 0)
		fail_msg("put %s: %s", source, rl_error_last());
}

/* The text of `source`, or NULL. */
static char *get(struct state_store *st, const char *source)
{
	rl_buf b = RL_BUF_INIT(STATE_STORE_RECORD_MAX + 1);
	int rc = state_store_get(&b, st, source);

	if (rc == RL_ENOTFOUND) {
		rl_buf_release(&b);
		return NULL;
	}
	if (rc < 0)
		fail_msg("get %s: %s", source, rl_error_last());
	return b.ptr ? b.ptr : strdup("");
}

#define assert_text(st, source, want)                      \
	do {                                                   \
		char *got_ = get(st, source);                      \
		assert_non_null(got_);                             \
		assert_string_equal(got_, want);                   \
		free(got_);                                        \
	} while (0)

static void test_last_record_wins(void **state)
{
	struct fx *f = *state;
	size_t file, live;

	assert_null(get(f->st, "a"));
	put(f->st, "a", "{\"v\":1}");
	put(f->st, "b.x_y-2", "{\"v\":\"b\"}");
	put(f->st, "a", "{\"v\":22}");
	assert_text(f->st, "a", "{\"v\":22}");
	assert_text(f->st, "b.x_y-2", "{\"v\":\"b\"}");
	assert_null(get(f->st, "c"));
	state_store_sizes(&file, &live, f->st);
	assert_true(live < file);
	/* what it looks like on disk (docs/archive-format.md) */
	assert_string_equal(tu_sh_ok("head -c 14 '%s'", f->path), "S 7 a\n{\"v\":1}\n");
}

static void test_another_process_is_seen(void **state)
{
	struct fx *f = *state;
	struct state_store *other = NULL;

	put(f->st, "a", "{\"v\":1}");
	assert_int_equal(state_store_new(&other, f->path), 0);
	assert_text(other, "a", "{\"v\":1}");
	/* appended by the first: the second reads the new tail */
	put(f->st, "a", "{\"v\":2}");
	put(f->st, "b", "{\"v\":3}");
	assert_text(other, "a", "{\"v\":2}");
	assert_text(other, "b", "{\"v\":3}");
	/* replaced (a compaction's rename): read again from the start */
	tu_sh_ok("cd '%s/redline' && printf 'S 7 a\\n{\"v\":9}\\n' > new && mv new states.log", f->dir);
	assert_text(other, "a", "{\"v\":9}");
	assert_null(get(other, "b"));
	/* removed: nothing */
	tu_sh_ok("rm -rf '%s/redline'", f->dir);
	assert_null(get(other, "a"));
	/* and made again, folder and all, by a put */
	put(other, "c", "{}");
	assert_text(f->st, "c", "{}");
	state_store_free(other);
}

static void test_torn_tail_ignored_then_cut(void **state)
{
	struct fx *f = *state;
	struct stat sb;

	put(f->st, "a", "{\"v\":1}");
	put(f->st, "b", "{\"v\":2}");
	/* a crash mid-append: a head whose text never came whole, then
	 * garbage; and a head that is no head */
	tu_sh_ok("printf 'S 100 a\\n{\"v\":' >> '%s'", f->path);
	assert_text(f->st, "a", "{\"v\":1}");
	tu_sh_ok("printf 'garbage' >> '%s'", f->path);
	{
		struct state_store *fresh = NULL;
		assert_int_equal(state_store_new(&fresh, f->path), 0);
		assert_text(fresh, "a", "{\"v\":1}");
		assert_text(fresh, "b", "{\"v\":2}");
		/* the next append cuts the tail off first */
		put(fresh, "b", "{\"v\":3}");
		state_store_free(fresh);
	}
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal((size_t)sb.st_size, 3 * strlen("S 7 a\n{\"v\":1}\n"));
	assert_text(f->st, "a", "{\"v\":1}");
	assert_text(f->st, "b", "{\"v\":3}");
	/* heads that lie: a length past the end, a bad name, no length */
	tu_sh_ok("printf 'S 99999999999 a\\n' >> '%s'", f->path);
	assert_text(f->st, "b", "{\"v\":3}");
	tu_sh_ok("truncate -s %zu '%s' && printf 'S 2 ../x\\n{}\\n' >> '%s'",
		 (size_t)sb.st_size, f->path, f->path);
	assert_null(get(f->st, "../x"));
	assert_text(f->st, "a", "{\"v\":1}");
}

static void test_stale_records_compacted(void **state)
{
	struct fx *f = *state;
	struct state_store *reader = NULL;
	char *big = malloc(64 * 1024 + 1);
	struct stat before, after;
	size_t file, live;

	memset(big, 'x', 64 * 1024);
	big[64 * 1024] = '\0';
	put(f->st, "keep", "{\"keep\":1}");
	assert_int_equal(state_store_new(&reader, f->path), 0);
	assert_text(reader, "keep", "{\"keep\":1}");
	assert_int_equal(stat(f->path, &before), 0);
	/* 8 MiB of one source's states: over 4 MiB, mostly stale */
	for (int i = 0; i < 128; i++) {
		big[0] = (char)('a' + i % 26);
		put(f->st, "busy", big);
	}
	/* compacted at least once: 8 MiB were written */
	state_store_sizes(&file, &live, f->st);
	assert_true(file < (size_t)5 << 20);
	assert_true(live < file);
	assert_int_equal(stat(f->path, &after), 0);
	assert_true(before.st_ino != after.st_ino);
	assert_text(f->st, "keep", "{\"keep\":1}");
	assert_text(f->st, "busy", big);
	/* the reader had the old file: it reads the new one */
	assert_text(reader, "keep", "{\"keep\":1}");
	assert_text(reader, "busy", big);
	assert_string_equal(tu_sh_ok("ls '%s/redline'", f->dir), "states.log\n");
	state_store_free(reader);
	free(big);
}

static void test_bad_names_and_sizes_refused(void **state)
{
	struct fx *f = *state;
	struct iovec iov = { "{}", 2 };
	char long_name[80];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(state_store_put(f->st, "../x", &iov, 1), RL_EINVAL);
	assert_int_equal(state_store_put(f->st, "A", &iov, 1), RL_EINVAL);
	assert_int_equal(state_store_put(f->st, "", &iov, 1), RL_EINVAL);
	assert_int_equal(state_store_put(f->st, long_name, &iov, 1), RL_EINVAL);
	iov.iov_len = (size_t)STATE_STORE_RECORD_MAX + 1;
	assert_int_equal(state_store_put(f->st, "a", &iov, 1), RL_EINVAL);
	rl_error_clear();
	assert_null(get(f->st, "a"));
}

struct putter {
	struct state_store *st;
	int id;
};

static void *put_many(void *arg)
{
	struct putter *p = arg;
	char name[32], text[64];

	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "t%d-%d", p->id, i % 50);
		snprintf(text, sizeof(text), "{\"t\":%d,\"i\":%d}", p->id, i);
		put(p->st, name, text);
	}
	return NULL;
}

static void test_threads_put_at_once(void **state)
{
	struct fx *f = *state;
	pthread_t t[4];
	struct putter p[4];
	char name[32], want[64];

	for (int i = 0; i < 4; i++) {
		p[i] = (struct putter){ f->st, i };
		assert_int_equal(pthread_create(&t[i], NULL, put_many, &p[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int id = 0; id < 4; id++) {
		for (int k = 0; k < 50; k++) {
			snprintf(name, sizeof(name), "t%d-%d", id, k);
			snprintf(want, sizeof(want), "{\"t\":%d,\"i\":%d}", id, 150 + k);
			assert_text(f->st, name, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_last_record_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_another_process_is_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail_ignored_then_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_records_compacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_names_and_sizes_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_put_at_once, setup, teardown),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
