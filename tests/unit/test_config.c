/* Source settings live in the archive's git config: what we write, the real
 * `git config` reads, and what git writes, we read. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/config.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libgit2 1.5 leaks pcre2 match data whenever a value regexp does not match
 * (git_regexp_match returns before freeing it), which every multivar append
 * does once per existing value.  Not ours to fix; src/config.c documents it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:pcre2_match_data_create_8\nleak:libpcre2-8.so\n";
}

static char *read_git_config(const char *dir, const char *args)
{
	char *out = NULL;
	tu_sh(&out, "git config -f '%s/config' %s", dir, args);
	return out;
}

static void assert_git_config(const char *dir, const char *args, const char *want)
{
	char *out = read_git_config(dir, args);
	assert_string_equal(out, want);
	free(out);
}

static rl_source_config *full_source(const char *name)
{
	rl_source_config *c = NULL;
	assert_int_equal(rl_source_config_new(&c, name), 0);
	c->url = strdup("https://example.nl/buitenland");
	c->format = RL_FORMAT_HTML;
	c->select_item = strdup("//article");
	c->select_title = strdup(".//h2");
	c->select_link = strdup(".//a/@href");
	c->select_body = strdup(".//p[@class=\"intro\"]");
	rl_strvec_push(&c->ignore, "Bijgewerkt om \\d+:\\d+");
	rl_strvec_push(&c->ignore, "\\d+ reacties");
	rl_strvec_push(&c->ignore, "  leading and \"quoted\" ; # not a comment  ");
	rl_strvec_push(&c->headers, "Cookie: consent=yes");
	c->follow = 1;
	c->every_seconds = 900;
	c->timeout_seconds = 45;
	c->user_agent = strdup("redline/0.1 (+mailto:desk@example.nl)");
	return c;
}

static void test_save_is_read_by_git_and_loads_back(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	rl_source_config *c = full_source("anp"), *back = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	if (rl_config_source_save(a, c) != 0)
		fail_msg("%s", rl_error_last());

	assert_git_config(dir, "source.anp.url", "https://example.nl/buitenland\n");
	assert_git_config(dir, "source.anp.format", "html\n");
	assert_git_config(dir, "source.anp.select-body", ".//p[@class=\"intro\"]\n");
	assert_git_config(dir, "--get-all source.anp.ignore",
			  "Bijgewerkt om \\d+:\\d+\n\\d+ reacties\n  leading and \"quoted\" ; # not a comment  \n");
	assert_git_config(dir, "--get-all source.anp.header", "Cookie: consent=yes\n");
	assert_git_config(dir, "--bool source.anp.follow", "true\n");
	assert_git_config(dir, "source.anp.every", "15m\n");
	assert_git_config(dir, "source.anp.timeout", "45s\n");
	assert_git_config(dir, "source.anp.user-agent", "redline/0.1 (+mailto:desk@example.nl)\n");

	assert_int_equal(rl_config_source_load(&back, a, "anp"), 0);
	assert_string_equal(back->name, "anp");
	assert_string_equal(back->url, c->url);
	assert_int_equal(back->format, RL_FORMAT_HTML);
	assert_string_equal(back->select_item, c->select_item);
	assert_string_equal(back->select_title, c->select_title);
	assert_string_equal(back->select_link, c->select_link);
	assert_string_equal(back->select_body, c->select_body);
	assert_int_equal(back->ignore.n, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(back->ignore.v[i], c->ignore.v[i]);
	assert_int_equal(back->headers.n, 1);
	assert_string_equal(back->headers.v[0], "Cookie: consent=yes");
	assert_int_equal(back->follow, 1);
	assert_int_equal(back->every_seconds, 900);
	assert_int_equal(back->timeout_seconds, 45);
	assert_string_equal(back->user_agent, c->user_agent);
	rl_source_config_free(back);

	/* Saving again replaces: fewer patterns, no duplicates left behind. */
	rl_strvec_release(&c->ignore);
	rl_strvec_push(&c->ignore, "only this");
	free(c->select_body);
	c->select_body = NULL;
	c->follow = 0;
	assert_int_equal(rl_config_source_save(a, c), 0);
	assert_git_config(dir, "--get-all source.anp.ignore", "only this\n");
	assert_git_config(dir, "--get-all source.anp.url", "https://example.nl/buitenland\n");
	char *out = read_git_config(dir, "source.anp.select-body");
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(rl_config_source_load(&back, a, "anp"), 0);
	assert_null(back->select_body);
	assert_int_equal(back->follow, 0);
	assert_int_equal(back->ignore.n, 1);
	rl_source_config_free(back);

	rl_source_config_free(c);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_missing_source_gives_defaults(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	rl_source_config *c = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_config_source_load(&c, a, "ingested"), RL_ENOTFOUND);
	assert_non_null(c);
	assert_string_equal(c->name, "ingested");
	assert_null(c->url);
	assert_int_equal(c->format, RL_FORMAT_AUTO);
	assert_int_equal(c->every_seconds, 600);
	assert_int_equal(c->timeout_seconds, 30);
	assert_int_equal(c->follow, 0);
	assert_int_equal(c->ignore.n, 0);
	rl_source_config_free(c);
	rl_source_config_free(NULL);

	/* A bad name is refused before anything is read or written. */
	assert_int_equal(rl_config_source_load(&c, a, "../x"), RL_EINVAL);
	assert_null(c);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* What a person writes with git is read the same way. */
static void test_reads_what_git_wrote(void **state)
{
	char *dir = tu_tmpdir();
	rl_archive *a = NULL;
	rl_source_config *c = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(tu_sh(NULL,
		"git config -f '%s/config' source.nos.url https://nos.nl/feed && "
		"git config -f '%s/config' source.nos.Format rss && "
		"git config -f '%s/config' source.nos.follow yes && "
		"git config -f '%s/config' source.nos.every 2h && "
		"git config -f '%s/config' --add source.nos.ignore 'a' && "
		"git config -f '%s/config' --add source.nos.ignore 'b'",
		dir, dir, dir, dir, dir, dir), 0);
	assert_int_equal(rl_config_source_load(&c, a, "nos"), 0);
	assert_string_equal(c->url, "https://nos.nl/feed");
	assert_int_equal(c->format, RL_FORMAT_RSS);
	assert_int_equal(c->follow, 1);
	assert_int_equal(c->every_seconds, 7200);
	assert_int_equal(c->ignore.n, 2);
	rl_source_config_free(c);

	/* A bad value is an error that names the key. */
	assert_int_equal(tu_sh(NULL, "git config -f '%s/config' source.nos.every soon", dir), 0);
	assert_int_equal(rl_config_source_load(&c, a, "nos"), RL_EINVAL);
	assert_null(c);
	assert_non_null(strstr(rl_error_last(), "source.nos.every"));
	assert_non_null(strstr(rl_error_last(), "soon"));
	assert_int_equal(tu_sh(NULL, "git config -f '%s/config' source.nos.every 10m && "
				     "git config -f '%s/config' source.nos.format pdf", dir, dir), 0);
	assert_int_equal(rl_config_source_load(&c, a, "nos"), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "source.nos.format"));
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

/* Sections of one source split across the file (a person's edits) make
 * one source; 300 sources, each section written twice in two rounds, come
 * back once each, sorted, with both rounds' values. */
static void test_split_sections_make_one_source(void **state)
{
	char *dir = tu_tmpdir(), path[4096];
	rl_archive *a = NULL;
	rl_source_config **list = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	assert_int_equal(rl_archive_init(&a, dir), 0);
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_non_null(f = fopen(path, "a"));
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 300; i++) {
			int k = round ? 299 - i : i;
			if (round == 0)
				fprintf(f, "[source \"s%03d\"]\n\turl = https://example.org/%d\n", k, k);
			else
				fprintf(f, "[source \"s%03d\"]\n\tevery = %dm\n", k, k + 1);
		}
	fclose(f);
	assert_int_equal(rl_config_source_load_all(&list, &n, a), 0);
	assert_int_equal(n, 300);
	for (size_t i = 0; i < n; i++) {
		char name[32], url[64];
		snprintf(name, sizeof(name), "s%03zu", i);
		snprintf(url, sizeof(url), "https://example.org/%zu", i);
		assert_string_equal(list[i]->name, name);
		assert_string_equal(list[i]->url, url);
		assert_int_equal(list[i]->every_seconds, 60 * (i + 1));
	}
	rl_config_source_list_free(list, n);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_list_and_remove(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL;
	rl_strvec names = RL_STRVEC_INIT;
	const char *order[] = { "zeit.de", "anp", "nos", "anp.sport" };

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_config_source_list(&names, a), 0);
	assert_int_equal(names.n, 0);
	for (int i = 0; i < 4; i++) {
		rl_source_config *c = full_source(order[i]);
		assert_int_equal(rl_config_source_save(a, c), 0);
		rl_source_config_free(c);
	}
	assert_int_equal(rl_config_source_list(&names, a), 0);
	assert_int_equal(names.n, 4);
	assert_string_equal(names.v[0], "anp");
	assert_string_equal(names.v[1], "anp.sport");
	assert_string_equal(names.v[2], "nos");
	assert_string_equal(names.v[3], "zeit.de");
	rl_strvec_release(&names);

	/* Removing "anp" leaves "anp.sport" (a name with a dot) alone. */
	assert_int_equal(rl_config_source_remove(a, "anp"), 0);
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' --get-regexp '^source\\.anp\\.[^.]*$'", dir), 1);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' source.anp.sport.url", dir), 0);
	assert_string_equal(out, "https://example.nl/buitenland\n");
	free(out);
	assert_int_equal(rl_config_source_remove(a, "anp"), RL_ENOTFOUND);
	assert_int_equal(rl_config_source_remove(a, "never"), RL_ENOTFOUND);
	assert_int_equal(rl_config_source_remove(a, "../../x"), RL_EINVAL);

	assert_int_equal(rl_config_source_list(&names, a), 0);
	assert_int_equal(names.n, 3);
	assert_string_equal(names.v[0], "anp.sport");
	rl_strvec_release(&names);

	/* The rest of the config survives. */
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' diff.redline.wordregex", dir), 0);
	free(out);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_save_refuses_bad_names_and_intervals(void **state)
{
	char *dir = tu_tmpdir(), *out = NULL;
	rl_archive *a = NULL;
	rl_source_config *c = full_source("a\"]\n[core]\nbare = false");

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_config_source_save(a, c), RL_EINVAL);
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' core.bare", dir), 0);
	assert_string_equal(out, "true\n");
	free(out);
	rl_source_config_free(c);

	/* A header with a line break would inject a request header: refused. */
	c = full_source("ok");
	rl_strvec_push(&c->headers, "X-A: 1\r\nX-Evil: 1");
	assert_int_equal(rl_config_source_save(a, c), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "source.ok.header"));
	rl_source_config_free(c);

	c = full_source("ok");
	c->every_seconds = 0;
	assert_int_equal(rl_config_source_save(a, c), RL_EINVAL);
	assert_int_equal(tu_sh(NULL, "git config -f '%s/config' --get-regexp '^source\\.'", dir), 1);
	rl_source_config_free(c);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_parse_interval(void **state)
{
	int s = -1;
	struct { const char *text; int want; } good[] = {
		{ "90", 90 }, { "90s", 90 }, { "10m", 600 }, { "2h", 7200 }, { "1d", 86400 },
		{ "366d", 366 * 86400 },
	};
	const char *bad[] = { "", "0", "0m", "-5", "m", "10x", "10 m", " 10", "10m5", "1.5h",
			      "367d", "99999999999999999999", "9999999h", NULL };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		assert_int_equal(rl_config_parse_interval(&s, good[i].text), 0);
		assert_int_equal(s, good[i].want);
	}
	for (int i = 0; bad[i]; i++) {
		s = -1;
		assert_int_equal(rl_config_parse_interval(&s, bad[i]), RL_EINVAL);
		assert_int_equal(s, -1);
	}
	assert_int_equal(rl_config_parse_interval(&s, NULL), RL_EINVAL);
}

static void test_archive_wide_strings(void **state)
{
	char *dir = tu_tmpdir(), *value = NULL, *out = NULL;
	rl_archive *a = NULL;

	assert_int_equal(rl_archive_init(&a, dir), 0);
	assert_int_equal(rl_config_get_string(&value, a, "redline.contact"), 0);
	assert_null(value);
	assert_int_equal(rl_config_set_string(a, "redline.contact", "desk@example.nl"), 0);
	assert_int_equal(tu_sh(&out, "git config -f '%s/config' redline.contact", dir), 0);
	assert_string_equal(out, "desk@example.nl\n");
	free(out);
	assert_int_equal(rl_config_get_string(&value, a, "redline.contact"), 0);
	assert_string_equal(value, "desk@example.nl");
	free(value);
	assert_int_equal(rl_config_set_string(a, "not a key", "x"), RL_EGIT);
	assert_int_equal(rl_config_set_string(a, NULL, "x"), RL_EINVAL);
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_save_is_read_by_git_and_loads_back),
		cmocka_unit_test(test_missing_source_gives_defaults),
		cmocka_unit_test(test_reads_what_git_wrote),
		cmocka_unit_test(test_split_sections_make_one_source),
		cmocka_unit_test(test_list_and_remove),
		cmocka_unit_test(test_save_refuses_bad_names_and_intervals),
		cmocka_unit_test(test_parse_interval),
		cmocka_unit_test(test_archive_wide_strings),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
