/* The text of a state cache (src/archive/state_json.c) is written without
 * jansson, byte for byte what json_dumps(JSON_COMPACT) made of the tree
 * rl_state_save() used to build: the same for plain states, for every
 * escape (quotes, backslashes, each control byte, DEL, non-ASCII UTF-8),
 * for optional fields absent, and for strings that are not UTF-8, which
 * jansson leaves out of the object (json_string() refuses them).  Tens of
 * thousands of random strings, valid and invalid UTF-8, are compared too. */
#include "testutil.h"
#include "redline/buf.h"
#include "redline/state.h"
#include "../../src/archive/state_json_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The tree rl_state_save() built with jansson, dumped as it dumped it. */
static char *jansson_text(const rl_state *state, const char *known)
{
	char tree[GIT_OID_HEXSZ + 1], hex[RL_HASH_HEX_SIZE], *text;
	json_t *root = json_object(), *items = json_array();

	git_oid_tostr(tree, sizeof(tree), &state->tree);
	json_object_set_new(root, "version", json_integer(RL_STATE_JSON_VERSION));
	json_object_set_new(root, "source", json_string(state->source));
	json_object_set_new(root, "tree", json_string(tree));
	if (state->has_snapshot) {
		rl_hash128_hex(hex, state->snapshot);
		json_object_set_new(root, "snapshot", json_string(hex));
	}
	if (state->has_last_time)
		json_object_set_new(root, "last_time", json_integer(state->last_time));
	if (known)
		json_object_set_new(root, "known", json_string(known));
	for (size_t i = 0; i < state->n; i++) {
		const rl_state_item *it = &state->items[i];
		json_t *o = json_object();
		json_array_append_new(items, o);
		rl_hash128_hex(hex, it->hash);
		json_object_set_new(o, "id", json_string(it->id));
		json_object_set_new(o, "hash", json_string(hex));
		json_object_set_new(o, "path", json_string(it->path));
		if (it->key)
			json_object_set_new(o, "key", json_string(it->key));
		if (it->title)
			json_object_set_new(o, "title", json_string(it->title));
		json_object_set_new(o, "first_seen", json_integer(it->first_seen));
	}
	json_object_set(root, "items", items);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(items);
	json_decref(root);
	assert_non_null(text);
	return text;
}

static void assert_same(const rl_state *state, const char *known)
{
	rl_buf b = RL_BUF_INIT(1u << 26);
	char *want = jansson_text(state, known);

	assert_int_equal(state_json_render(&b, state, known), 0);
	assert_string_equal(b.ptr, want);
	assert_int_equal(b.len, strlen(want));
	free(want);
	rl_buf_release(&b);
}

static rl_state *new_state(const char *source)
{
	rl_state *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_non_null(s->source = strdup(source));
	return s;
}

static void push(rl_state *s, const char *id, const char *path, const char *key, const char *title,
		 int64_t first_seen)
{
	rl_state_item it;
	memset(&it, 0, sizeof(it));
	snprintf(it.id, sizeof(it.id), "%s", id);
	it.path = (char *)path;
	it.key = (char *)key;
	it.title = (char *)title;
	it.first_seen = first_seen;
	it.hash.low = 0x0123456789abcdefull * (s->n + 1);
	it.hash.high = 0xfedcba9876543210ull ^ s->n;
	assert_int_equal(rl_state_push(s, &it), 0);
}

static void test_plain_states(void **unused)
{
	rl_state *s = new_state("nos");
	(void)unused;

	assert_same(s, NULL); /* no items, no tree, nothing optional */
	git_oid_fromstr(&s->tree, "3b5b62135da980b7c334944ee6afaa351c18763b");
	s->has_snapshot = 1;
	s->snapshot.low = 42;
	s->snapshot.high = 7;
	s->has_last_time = 1;
	s->last_time = 1796064385;
	push(s, "c60c4bdf1061", "nos/2026-11/a-c60c4bdf1061.txt", "http://x/a?b=1&c=/2",
	     "Central Bank rejected budget", 1796064385);
	push(s, "07e159af4b57", "nos/2026-11/b-07e159af4b57.txt", NULL, NULL, -1);
	push(s, "5fb251d42f43", "nos/2026-11/c-5fb251d42f43.txt", "guid:1", "", 0);
	assert_same(s, "11657406:164998");
	assert_same(s, NULL);
	s->last_time = INT64_MIN;
	s->items[0].first_seen = INT64_MAX;
	assert_same(s, NULL);
	rl_state_free(s);
}

static void test_escapes_and_utf8(void **unused)
{
	rl_state *s = new_state("bron");
	char all[160];
	size_t n = 0;
	(void)unused;

	for (int c = 1; c < 0x80; c++)
		all[n++] = (char)c;
	all[n] = '\0';
	push(s, "aaaaaaaaaaaa", "bron/x/a-aaaaaaaaaaaa.txt", all, "quote \" slash \\ / tab\t", 1);
	push(s, "bbbbbbbbbbbb", "bron/x/b-bbbbbbbbbbbb.txt", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	     "\xe2\x80\xa8 line separator, \xef\xbf\xbf, \xf4\x8f\xbf\xbf", 2);
	/* not UTF-8: jansson leaves each such field out */
	push(s, "cccccccccccc", "bron/x/c-cccccccccccc.txt", "lone \x80 continuation",
	     "overlong \xc0\xaf", 3);
	push(s, "dddddddddddd", "bron/x/\xed\xa0\x80-surrogate.txt", "\xf4\x90\x80\x80 too high",
	     "cut \xe2\x82", 4);
	push(s, "eeeeeeeeeeee", "bron/x/e.txt", "\xe0\x80\x80 overlong 3", "\xf0\x80\x80\x80", 5);
	push(s, "ffffffffffff", "bron/x/f.txt", "\xf5\x80\x80\x80", "\xff", 6);
	assert_same(s, NULL);
	free(s->source);
	s->source = strdup("not \xfe utf-8");
	assert_same(s, NULL);
	rl_state_free(s);
}

/* A small deterministic generator: no libc rand() state shared with others. */
static uint32_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (uint32_t)(*x >> 11);
}

static void test_random_strings(void **unused)
{
	static const unsigned char pick[] = { 0x01, 0x09, 0x0a, 0x1f, 0x20, '"', '\\', '/', 'a', 0x7f,
					      0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef,
					      0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x8f, 0x90 };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	(void)unused;

	for (int round = 0; round < 400; round++) {
		rl_state *s = new_state("r");
		for (int i = 0; i < 50; i++) {
			char key[16], title[16];
			size_t kl = next(&x) % 15, tl = next(&x) % 15;
			for (size_t k = 0; k < kl; k++)
				key[k] = (char)(next(&x) % 2 ? pick[next(&x) % sizeof(pick)]
							   : 1 + next(&x) % 255);
			for (size_t k = 0; k < tl; k++)
				title[k] = (char)pick[next(&x) % sizeof(pick)];
			key[kl] = title[tl] = '\0';
			push(s, "0123456789ab", "r/m/f.txt", key, title, (int64_t)next(&x) - (1 << 30));
		}
		assert_same(s, "1:2");
		rl_state_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_states),
		cmocka_unit_test(test_escapes_and_utf8),
		cmocka_unit_test(test_random_strings),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
