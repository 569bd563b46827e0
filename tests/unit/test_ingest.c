/* The ingest pipeline against its documented behaviour (docs/design.md,
 * docs/archive-format.md, ingest.h): what makes a commit and what must not,
 * how a story keeps its identity and path, the guard, and safe paths.  The
 * archive is inspected with the real `git` binary. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1795856400 /* 2026-11-28T09:00:00Z */
#define HOUR 3600

struct arc {
	char *dir;
	rl_archive *a;
};

static void arc_open(struct arc *x)
{
	x->dir = tu_tmpdir();
	x->a = NULL;
	assert_int_equal(rl_archive_init(&x->a, x->dir), 0);
}

static void arc_close(struct arc *x)
{
	char *out = NULL;
	if (tu_sh(&out, "git -C '%s' fsck --strict 2>&1", x->dir) != 0)
		fail_msg("git fsck --strict: %s", out);
	free(out);
	rl_archive_free(x->a);
	tu_rmtree(x->dir);
	free(x->dir);
}

/* Runs rl_ingest; returns its status and leaves the result in *out. */
static int ingest_r(rl_ingest_result **out, struct arc *x, const char *data, int64_t when,
		    int force)
{
	rl_ingest_opts o = { 0 };
	o.time = when;
	o.no_hooks = 1;
	o.force = force;
	o.origin = "file:///test";
	*out = NULL;
	return rl_ingest(out, x->a, "src", data, strlen(data), &o);
}

static rl_ingest_result *ingest(struct arc *x, const char *data, int64_t when)
{
	rl_ingest_result *r = NULL;
	if (ingest_r(&r, x, data, when, 0) < 0)
		fail_msg("ingest: %s", rl_error_last());
	return r;
}

/* A shell command's output (a macro: tu_sh checks the format); must succeed. */
static char *sh_buf;
static char *sh_check(int status)
{
	char *out = sh_buf;
	sh_buf = NULL;
	if (status != 0)
		fail_msg("command failed (%d): %s", status, out ? out : "");
	return out;
}
#define SH(fmt, dir, arg) sh_check(tu_sh(&sh_buf, fmt, dir, arg))

static int commits(struct arc *x)
{
	char *out = NULL;
	int n = 0;
	if (tu_sh(&out, "git -C '%s' rev-list --count HEAD 2>/dev/null", x->dir) == 0)
		n = atoi(out);
	free(out);
	return n;
}

/* Every file under objects/ (loose objects, packs, indexes), listed. */
static char *objects(struct arc *x)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "cd '%s/objects' && find . -type f | sort", x->dir), 0);
	return out;
}

static const rl_change *change_of(const rl_ingest_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_changes; i++)
		if (strcmp(r->changes[i].id, id) == 0)
			return &r->changes[i];
	return NULL;
}

/* An RSS feed of stories first..last (guid tag:ex.nl,2026:N), in that order
 * or reversed; `extra` goes into every description. */
static char *feed_ex(int first, int last, int reversed, const char *title1, const char *utm,
		     const char *extra)
{
	size_t cap = 64 * 1024, n;
	char *s = malloc(cap);
	n = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
	for (int k = first; k <= last; k++) {
		int i = reversed ? last - (k - first) : k;
		n += (size_t)snprintf(
			s + n, cap - n,
			"<item><guid isPermaLink=\"false\">tag:ex.nl,2026:%d</guid>"
			"<link>https://ex.nl/nieuws/%d%s</link><title>%s %d</title>"
			"<description>Het verhaal nummer %d gaat over iets anders. %s</description></item>",
			i, i, utm ? utm : "", i == 1 && title1 ? title1 : "Verhaal", i, i,
			extra ? extra : "");
	}
	snprintf(s + n, cap - n, "</channel></rss>");
	return s;
}
static char *feed(int first, int last)
{
	return feed_ex(first, last, 0, NULL, NULL, NULL);
}

/* --- what makes no commit --------------------------------------------- */

static void test_unchanged_snapshot_writes_nothing(void **state)
{
	struct arc x;
	char *f = feed(1, 3), *before, *after;
	rl_ingest_result *r;
	(void)state;
	arc_open(&x);
	rl_ingest_result_free(ingest(&x, f, T0));
	assert_int_equal(commits(&x), 1);
	before = objects(&x);
	r = ingest(&x, f, T0 + HOUR);
	assert_int_equal(r->committed, 0);
	assert_int_equal(r->same_snapshot, 1);
	assert_int_equal(r->n_changes, 0);
	rl_ingest_result_free(r);
	after = objects(&x);
	assert_string_equal(before, after);
	assert_int_equal(commits(&x), 1);
	free(after);

	/* The same bytes again once the cache is gone: parsed, still nothing. */
	assert_int_equal(tu_sh(NULL, "rm -rf '%s/redline'", x.dir), 0);
	r = ingest(&x, f, T0 + 2 * HOUR);
	assert_int_equal(r->committed, 0);
	assert_int_equal(r->same_snapshot, 0);
	assert_int_equal(r->unchanged, 3);
	rl_ingest_result_free(r);
	after = objects(&x);
	assert_string_equal(before, after);
	assert_int_equal(commits(&x), 1);
	free(after);
	free(before);
	free(f);
	arc_close(&x);
}

static void test_relative_times_and_tracking_parameters_make_no_commit(void **state)
{
	struct arc x;
	char *a = feed_ex(1, 3, 0, NULL, "?utm_source=rss", "Bijgewerkt 5 minuten geleden"),
	     *b = feed_ex(1, 3, 0, NULL, "?utm_source=twitter&utm_medium=social#top",
			  "Bijgewerkt 2 uur geleden"),
	     *c = feed_ex(1, 3, 0, NULL, "?fbclid=XYZ", "Updated 3 hours ago"), *before, *after;
	rl_ingest_result *r;
	(void)state;
	arc_open(&x);
	rl_ingest_result_free(ingest(&x, a, T0));
	before = objects(&x);
	r = ingest(&x, b, T0 + HOUR);
	assert_int_equal(r->same_snapshot, 0); /* the bytes differ ... */
	assert_int_equal(r->committed, 0);     /* ... the news does not */
	rl_ingest_result_free(r);
	r = ingest(&x, c, T0 + 2 * HOUR);
	assert_int_equal(r->committed, 0);
	rl_ingest_result_free(r);
	after = objects(&x);
	assert_string_equal(before, after);
	assert_int_equal(commits(&x), 1);
	free(a), free(b), free(c), free(before), free(after);
	arc_close(&x);
}

/* --- identity ---------------------------------------------------------- */

static void test_keyed_story_back_keeps_path_and_first_seen(void **state)
{
	struct arc x;
	char *three = feed(1, 3), *two = feed(1, 2), *path, *seen0, *seen1, id[13];
	rl_ingest_result *r;
	const rl_change *c;
	(void)state;
	arc_open(&x);
	r = ingest(&x, three, T0);
	snprintf(id, sizeof(id), "%s", r->changes[2].id);
	path = strdup(r->changes[2].path);
	rl_ingest_result_free(r);
	seen0 = SH("git -C '%s' show 'HEAD:%s' | grep ^First-Seen:", x.dir, path);

	r = ingest(&x, two, T0 + HOUR);
	assert_int_equal(r->counts[RL_CHANGE_GONE], 1);
	assert_non_null(c = change_of(r, id));
	assert_int_equal(c->kind, RL_CHANGE_GONE);
	rl_ingest_result_free(r);

	r = ingest(&x, three, T0 + 30 * 24 * HOUR); /* a month later */
	assert_int_equal(r->committed, 1);
	assert_int_equal(r->counts[RL_CHANGE_BACK], 1);
	assert_int_equal(r->counts[RL_CHANGE_NEW], 0);
	assert_non_null(c = change_of(r, id));
	assert_int_equal(c->kind, RL_CHANGE_BACK);
	assert_string_equal(c->path, path);
	rl_ingest_result_free(r);
	seen1 = SH("git -C '%s' show 'HEAD:%s' | grep ^First-Seen:", x.dir, path);
	assert_string_equal(seen0, seen1);
	free(seen1);
	seen1 = SH("git -C '%s' log -1 --format=%%B | grep -c '^back %s '", x.dir, id);
	assert_string_equal(seen1, "1\n");
	free(seen1);
	seen1 = SH("git -C '%s' ls-tree -r --name-only HEAD | grep -c -e '%s'", x.dir, "-[0-9a-f]*\\.txt$");
	assert_string_equal(seen1, "3\n"); /* no second file for the returning story */
	free(seen1), free(seen0), free(path), free(three), free(two);
	arc_close(&x);
}

/* A text page: a headline and its story, then wire items (no URL, no GUID). */
static const char *const WIRE[] = {
	"AMSTERDAM (ANP) - De gemeenteraad heeft ingestemd met een nieuw plan voor de bouw van "
	"zesduizend woningen in Noord. De eerste huizen moeten in 2028 klaar zijn.",
	"ROTTERDAM (ANP) - In de haven is een grote partij cocaïne onderschept die verstopt zat "
	"tussen bananen uit Ecuador. De douane spreekt van een recordvangst dit jaar.",
	"UTRECHT (ANP) - Treinreizigers moesten urenlang wachten door een storing in de "
	"bovenleiding bij het centraal station. ProRail verwacht dat het probleem vanavond is opgelost.",
	"DEN HAAG (ANP) - Het kabinet trekt extra geld uit voor de jeugdzorg, zo blijkt uit "
	"stukken die naar de Tweede Kamer zijn gestuurd. Gemeenten krijgen tweehonderd miljoen.",
};

static char *page(const char *const *wire, size_t n)
{
	size_t cap = 16 * 1024, len;
	char *s = malloc(cap);
	len = (size_t)snprintf(s, cap, "Kabinet presenteert plannen voor het onderwijs\n"
				       "DEN HAAG (ANP) - Het kabinet wil meer leraren opleiden. "
				       "De minister noemt het een prioriteit.\nMeer uit Binnenland\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s\n", wire[i]);
	return s;
}

static void test_unkeyed_story_back_keeps_path(void **state)
{
	struct arc x;
	const char *without_last[] = { WIRE[0], WIRE[1] };
	char *full = page(WIRE, 3), *less = page(without_last, 2), *gone_id = NULL, *gone_path = NULL;
	rl_ingest_result *r;
	(void)state;
	arc_open(&x);
	rl_ingest_result_free(ingest(&x, full, T0));
	r = ingest(&x, less, T0 + HOUR);
	assert_int_equal(r->counts[RL_CHANGE_GONE], 1);
	for (size_t i = 0; i < r->n_changes; i++)
		if (r->changes[i].kind == RL_CHANGE_GONE) {
			gone_id = strdup(r->changes[i].id);
			gone_path = strdup(r->changes[i].path);
		}
	rl_ingest_result_free(r);
	assert_non_null(gone_id);
	r = ingest(&x, full, T0 + 2 * HOUR);
	assert_int_equal(r->counts[RL_CHANGE_NEW], 0);
	assert_int_equal(r->counts[RL_CHANGE_BACK], 1);
	assert_non_null(change_of(r, gone_id));
	assert_string_equal(change_of(r, gone_id)->path, gone_path);
	rl_ingest_result_free(r);
	free(gone_id), free(gone_path), free(full), free(less);
	arc_close(&x);
}

static void test_unkeyed_story_edited_headline_and_body_keeps_file(void **state)
{
	struct arc x;
	const char *edited[] = {
		WIRE[0],
		"ROTTERDAM (ANP) - In de haven is een zeer grote partij cocaïne onderschept die "
		"verstopt zat tussen bananen uit Colombia. De douane spreekt van de grootste vangst dit jaar.",
		WIRE[2],
	};
	char *a = page(WIRE, 3), *b = page(edited, 3), *files;
	rl_ingest_result *r;
	char id[13], *path;
	(void)state;
	arc_open(&x);
	r = ingest(&x, a, T0);
	assert_int_equal(r->counts[RL_CHANGE_NEW], 4);
	snprintf(id, sizeof(id), "%s", r->changes[2].id);
	path = strdup(r->changes[2].path);
	assert_non_null(strstr(r->changes[2].title, "cocaïne"));
	rl_ingest_result_free(r);
	r = ingest(&x, b, T0 + HOUR);
	assert_int_equal(r->committed, 1);
	assert_int_equal(r->n_changes, 1);
	assert_int_equal(r->changes[0].kind, RL_CHANGE_EDITED);
	assert_string_equal(r->changes[0].id, id);
	assert_string_equal(r->changes[0].path, path);
	assert_non_null(strstr(r->changes[0].title, "zeer grote")); /* the headline changed too */
	rl_ingest_result_free(r);
	files = SH("git -C '%s' diff --name-only HEAD~1 HEAD | sort | tr '\\n' ' '%s", x.dir, "");
	{
		char want[512];
		snprintf(want, sizeof(want), "%s src/INDEX ", path);
		assert_string_equal(files, want);
	}
	free(files), free(path), free(a), free(b);
	arc_close(&x);
}

static void test_two_different_wire_stories_never_merge(void **state)
{
	struct arc x;
	const char *swapped[] = { WIRE[0], WIRE[3], WIRE[2] }; /* WIRE[1] replaced */
	char *a = page(WIRE, 3), *b = page(swapped, 3), old_id[13];
	rl_ingest_result *r;
	(void)state;
	arc_open(&x);
	r = ingest(&x, a, T0);
	snprintf(old_id, sizeof(old_id), "%s", r->changes[2].id);
	rl_ingest_result_free(r);
	r = ingest(&x, b, T0 + HOUR);
	assert_int_equal(r->counts[RL_CHANGE_EDITED], 0);
	assert_int_equal(r->counts[RL_CHANGE_NEW], 1);
	assert_int_equal(r->counts[RL_CHANGE_GONE], 1);
	assert_int_equal(change_of(r, old_id)->kind, RL_CHANGE_GONE);
	rl_ingest_result_free(r);
	free(a), free(b);
	arc_close(&x);
}

static void test_keyed_story_keeps_path_when_its_title_changes(void **state)
{
	struct arc x;
	char *a = feed(1, 3), *b = feed_ex(1, 3, 0, "Geheel nieuwe kop over iets", NULL, NULL), *n;
	rl_ingest_result *r;
	char id[13], *path;
	(void)state;
	arc_open(&x);
	r = ingest(&x, a, T0);
	snprintf(id, sizeof(id), "%s", r->changes[0].id);
	path = strdup(r->changes[0].path);
	assert_non_null(strstr(path, "verhaal-1"));
	rl_ingest_result_free(r);
	r = ingest(&x, b, T0 + 40 * 24 * HOUR); /* another month */
	assert_int_equal(r->n_changes, 1);
	assert_int_equal(r->changes[0].kind, RL_CHANGE_EDITED);
	assert_string_equal(r->changes[0].path, path);
	rl_ingest_result_free(r);
	n = SH("git -C '%s' show 'HEAD:%s' | head -1", x.dir, path);
	assert_string_equal(n, "Title: Geheel nieuwe kop over iets 1\n");
	free(n);
	n = SH("git -C '%s' log --format=%%h -- '%s' | wc -l", x.dir, path);
	assert_int_equal(atoi(n), 2);
	free(n), free(path), free(a), free(b);
	arc_close(&x);
}

static void test_reordering_only_is_moved(void **state)
{
	struct arc x;
	char *a = feed(1, 4), *b = feed_ex(1, 4, 1, NULL, NULL, NULL), *n;
	rl_ingest_result *r;
	(void)state;
	arc_open(&x);
	rl_ingest_result_free(ingest(&x, a, T0));
	r = ingest(&x, b, T0 + HOUR);
	assert_int_equal(r->committed, 1);
	assert_int_equal(r->counts[RL_CHANGE_EDITED] + r->counts[RL_CHANGE_NEW] +
				 r->counts[RL_CHANGE_GONE] + r->counts[RL_CHANGE_BACK], 0);
	assert_true(r->counts[RL_CHANGE_MOVED] >= 1);
	assert_true(r->counts[RL_CHANGE_MOVED] <= 3); /* 4 reversed: one can stay */
	rl_ingest_result_free(r);
	n = SH("git -C '%s' diff --name-only HEAD~1 HEAD%s", x.dir, "");
	assert_string_equal(n, "src/INDEX\n");
	free(n);
	n = SH("git -C '%s' log -1 --format=%%B | grep -c '^moved [0-9a-f]\\{12\\} Verhaal'%s", x.dir, "");
	assert_true(atoi(n) >= 1);
	free(n);
	n = SH("git -C '%s' log -1 --format=%%s%s", x.dir, "");
	assert_non_null(strstr(n, "moved"));
	free(n);
	n = SH("git -C '%s' show HEAD:src/INDEX | cut -c14- | tr '\\n' '|'%s", x.dir, "");
	assert_string_equal(n, "Verhaal 4|Verhaal 3|Verhaal 2|Verhaal 1|");
	free(n), free(a), free(b);
	arc_close(&x);
}

/* --- the guard --------------------------------------------------------- */

static void test_guard_refuses_losing_most_stories_and_force_overrides(void **state)
{
	struct arc x;
	char *four = feed(1, 4), *one = feed(1, 1), *half = feed(1, 2), *before, *after;
	rl_ingest_result *r = NULL;
	(void)state;
	arc_open(&x);
	rl_ingest_result_free(ingest(&x, four, T0));
	before = objects(&x);
	assert_int_equal(ingest_r(&r, &x, one, T0 + HOUR, 0), RL_EGUARD);
	assert_non_null(strstr(rl_error_last(), "--force"));
	assert_int_equal(r->committed, 0);
	rl_ingest_result_free(r);
	after = objects(&x);
	assert_string_equal(before, after);
	free(after);
	assert_int_equal(commits(&x), 1);

	/* exactly half is not "more than half" */
	assert_int_equal(ingest_r(&r, &x, half, T0 + 2 * HOUR, 0), 0);
	assert_int_equal(r->counts[RL_CHANGE_GONE], 2);
	rl_ingest_result_free(r);
	rl_ingest_result_free(ingest(&x, four, T0 + 3 * HOUR));

	assert_int_equal(ingest_r(&r, &x, one, T0 + 4 * HOUR, 1), 0);
	assert_int_equal(r->committed, 1);
	assert_int_equal(r->counts[RL_CHANGE_GONE], 3);
	rl_ingest_result_free(r);
	free(before), free(four), free(one), free(half);
	arc_close(&x);
}

static void test_guard_refuses_a_snapshot_without_stories(void **state)
{
	struct arc x;
	char *two = feed(1, 2), *before, *after;
	const char *empty = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel></channel></rss>";
	rl_ingest_result *r = NULL;
	(void)state;
	arc_open(&x);
	rl_ingest_result_free(ingest(&x, two, T0));
	before = objects(&x);
	assert_int_equal(ingest_r(&r, &x, empty, T0 + HOUR, 0), RL_EGUARD);
	assert_non_null(strstr(rl_error_last(), "no stories"));
	rl_ingest_result_free(r);
	after = objects(&x);
	assert_string_equal(before, after);
	assert_int_equal(commits(&x), 1);
	/* and the archive still knows both stories */
	r = ingest(&x, two, T0 + 2 * HOUR);
	assert_int_equal(r->committed, 0);
	rl_ingest_result_free(r);
	free(before), free(after), free(two);
	arc_close(&x);
}

static void test_hostile_titles_give_safe_paths(void **state)
{
	static const char *const titles[] = {
		"../../../etc/passwd", ".git", "..", "a/b\\\\c", "\x1b[31mrood\x01",
		"CON", "-rf --no-preserve-root", "&lt;script&gt;alert(1)&lt;/script&gt;",
		"\xe2\x80\xae\xe2\x80\x8b", "🙂🙂🙂",
	};
	struct arc x;
	size_t cap = 16 * 1024, n;
	char *s = malloc(cap), *out = NULL;
	rl_ingest_result *r;
	(void)state;
	n = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "<item><link>https://ex.nl/%zu</link><title>%s</title>"
				      "<description>Tekst %zu.</description></item>", i, titles[i], i);
	snprintf(s + n, cap - n, "</channel></rss>");
	arc_open(&x);
	r = ingest(&x, s, T0);
	assert_int_equal(r->counts[RL_CHANGE_NEW], sizeof(titles) / sizeof(*titles));
	for (size_t i = 0; i < r->n_changes; i++)
		assert_int_equal(rl_path_is_safe(r->changes[i].path), 1);
	rl_ingest_result_free(r);
	/* every path in the tree has the documented shape */
	assert_int_equal(tu_sh(&out, "git -C '%s' ls-tree -r --name-only HEAD | "
				     "grep -Ev '^(\\.gitattributes|src/INDEX|src/[0-9]{4}-[0-9]{2}/[a-z0-9-]{1,60}-[0-9a-f]{12}\\.txt)$'",
			       x.dir), 1);
	free(out);
	free(s);
	arc_close(&x);
}

/* ingest.h: rl_change.url is the story's URL; a keyed feed story that drops
 * off keeps it (its key is a GUID, not a URL), and docs/hooks.md gives gone
 * items the hash of their unchanged file as old_hash. */
static void test_gone_change_has_url_and_old_hash(void **state)
{
	struct arc x;
	char *three = feed(1, 3), *two = feed(1, 2);
	rl_ingest_result *r;
	const rl_change *c = NULL;
	rl_hash128 h3;
	(void)state;
	arc_open(&x);
	r = ingest(&x, three, T0);
	h3 = r->changes[2].new_hash;
	rl_ingest_result_free(r);
	r = ingest(&x, two, T0 + HOUR);
	for (size_t i = 0; i < r->n_changes; i++)
		if (r->changes[i].kind == RL_CHANGE_GONE)
			c = &r->changes[i];
	assert_non_null(c);
	assert_non_null(c->url);
	assert_string_equal(c->url, "https://ex.nl/nieuws/3");
	assert_int_equal(c->has_old, 1);
	assert_true(rl_hash128_equal(c->old_hash, h3));
	rl_ingest_result_free(r);
	free(three), free(two);
	arc_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged_snapshot_writes_nothing),
		cmocka_unit_test(test_relative_times_and_tracking_parameters_make_no_commit),
		cmocka_unit_test(test_keyed_story_back_keeps_path_and_first_seen),
		cmocka_unit_test(test_unkeyed_story_back_keeps_path),
		cmocka_unit_test(test_unkeyed_story_edited_headline_and_body_keeps_file),
		cmocka_unit_test(test_two_different_wire_stories_never_merge),
		cmocka_unit_test(test_keyed_story_keeps_path_when_its_title_changes),
		cmocka_unit_test(test_reordering_only_is_moved),
		cmocka_unit_test(test_guard_refuses_losing_most_stories_and_force_overrides),
		cmocka_unit_test(test_guard_refuses_a_snapshot_without_stories),
		cmocka_unit_test(test_hostile_titles_give_safe_paths),
		cmocka_unit_test(test_gone_change_has_url_and_old_hash),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
