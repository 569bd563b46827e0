/* git's http.* settings: read from every level git reads (system, global,
 * the archive's own; the highest set wins), overridden per source under the
 * same names, written back so that the real `git config` reads them. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/config.h"
#include "redline/error.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:pcre2_match_data_create_8\nleak:libpcre2-8.so\n";
}

/* A home and a system directory of our own, so the tests never read the
 * machine's ~/.gitconfig or /etc/gitconfig, and can write them. */
static char *home, *sysdir;

static int setup(void **state)
{
	git_libgit2_init();
	home = tu_tmpdir();
	sysdir = tu_tmpdir();
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, home);
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, sysdir);
	return 0;
}

static int teardown(void **state)
{
	tu_rmtree(home);
	tu_rmtree(sysdir);
	free(home);
	free(sysdir);
	git_libgit2_shutdown();
	return 0;
}

static void git_config_in(const char *file, const char *args)
{
	assert_int_equal(tu_sh(NULL, "git config -f '%s' %s", file, args), 0);
}

static rl_archive *new_archive(char **dir)
{
	rl_archive *a = NULL;
	char path[4096];

	*dir = tu_tmpdir();
	assert_int_equal(rl_archive_init(&a, *dir), 0);
	/* Nothing left over from another test. */
	snprintf(path, sizeof(path), "%s/.gitconfig", home);
	remove(path);
	snprintf(path, sizeof(path), "%s/gitconfig", sysdir);
	remove(path);
	return a;
}

/* libgit2 keeps the repository's config levels as found at open: files
 * made afterwards are seen by the next open, as by the next `redline run`. */
static rl_archive *reopen(rl_archive *a, const char *dir)
{
	rl_archive_free(a);
	assert_int_equal(rl_archive_open(&a, dir), 0);
	return a;
}

static void drop_archive(rl_archive *a, char *dir)
{
	rl_archive_free(a);
	tu_rmtree(dir);
	free(dir);
}

static void test_unset_by_default(void **state)
{
	char *dir;
	rl_archive *a = new_archive(&dir);
	rl_http_config h;

	assert_int_equal(rl_config_http_load(&h, a), 0);
	assert_null(h.ssl_ca_info);
	assert_null(h.proxy);
	assert_int_equal(h.ssl_verify, -1);
	assert_int_equal(h.low_speed_limit, -1);
	assert_int_equal(h.version, RL_HTTP_VERSION_UNSET);
	rl_http_config_release(&h);
	drop_archive(a, dir);
}

/* system < global < the archive's own, setting by setting, as in git. */
static void test_levels_like_git(void **state)
{
	char *dir, file[4096];
	rl_archive *a = new_archive(&dir);
	rl_http_config h;

	snprintf(file, sizeof(file), "%s/gitconfig", sysdir);
	git_config_in(file, "http.sslCAInfo /etc/system-ca.pem");
	git_config_in(file, "http.userAgent system-agent");
	git_config_in(file, "http.lowSpeedTime 7");
	snprintf(file, sizeof(file), "%s/.gitconfig", home);
	git_config_in(file, "http.sslCAInfo '~/corp-ca.pem'");
	git_config_in(file, "http.proxy http://proxy.corp:3128");
	git_config_in(file, "http.sslverify false");
	snprintf(file, sizeof(file), "%s/config", dir);
	git_config_in(file, "http.proxy socks5h://127.0.0.1:1080");
	git_config_in(file, "http.version HTTP/1.1");
	git_config_in(file, "http.lowSpeedLimit 1k");

	a = reopen(a, dir);
	assert_int_equal(rl_config_http_load(&h, a), 0);
	/* The global one wins over the system one, "~/" is the home. */
	char want[4200];
	snprintf(want, sizeof(want), "%s/corp-ca.pem", home);
	assert_string_equal(h.ssl_ca_info, want);
	assert_string_equal(h.user_agent, "system-agent");
	assert_string_equal(h.proxy, "socks5h://127.0.0.1:1080");
	assert_int_equal(h.ssl_verify, 0);
	assert_int_equal(h.version, RL_HTTP_VERSION_1_1);
	assert_int_equal(h.low_speed_limit, 1024);
	assert_int_equal(h.low_speed_time, 7);
	rl_http_config_release(&h);
	drop_archive(a, dir);
}

static void test_bad_values_name_the_setting(void **state)
{
	char *dir, file[4096];
	rl_archive *a = new_archive(&dir);
	rl_http_config h;

	snprintf(file, sizeof(file), "%s/.gitconfig", home);
	git_config_in(file, "http.sslVerify maybe");
	a = reopen(a, dir);
	assert_int_equal(rl_config_http_load(&h, a), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "'http.sslVerify': want true or false"));
	assert_null(h.ssl_ca_info);

	git_config_in(file, "http.sslVerify true");
	git_config_in(file, "http.version HTTP/3");
	assert_int_equal(rl_config_http_load(&h, a), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "want HTTP/1.1 or HTTP/2"));
	git_config_in(file, "http.version HTTP/2");
	git_config_in(file, "http.lowSpeedTime -3");
	assert_int_equal(rl_config_http_load(&h, a), RL_EINVAL);
	assert_non_null(strstr(rl_error_last(), "'http.lowSpeedTime'"));
	drop_archive(a, dir);
}

/* Per source, under the same names; what redline writes, git reads; a bad
 * value breaks that source only. */
static void test_source_overrides_round_trip(void **state)
{
	char *dir, file[4096], *out = NULL;
	rl_archive *a = new_archive(&dir);
	rl_source_config *c = NULL, **all = NULL;
	size_t n = 0;

	snprintf(file, sizeof(file), "%s/config", dir);
	git_config_in(file, "source.intra.url https://intra.example/");
	git_config_in(file, "source.intra.sslCAInfo /srv/ca.pem");
	git_config_in(file, "source.intra.sslcert /srv/client.pem");
	git_config_in(file, "source.intra.SSLKEY /srv/client.key");
	git_config_in(file, "source.intra.sslKeyPasswordFile /srv/pass");
	git_config_in(file, "source.intra.proxy ''");
	git_config_in(file, "source.intra.version HTTP/2");
	git_config_in(file, "source.intra.sslVerify true");
	git_config_in(file, "source.broken.url https://b.example/");
	git_config_in(file, "source.broken.version HTTP/3");

	assert_int_equal(rl_config_source_load(&c, a, "intra"), 0);
	assert_string_equal(c->http.ssl_ca_info, "/srv/ca.pem");
	assert_string_equal(c->http.ssl_cert, "/srv/client.pem");
	assert_string_equal(c->http.ssl_key, "/srv/client.key");
	assert_string_equal(c->http.ssl_key_password_file, "/srv/pass");
	assert_string_equal(c->http.proxy, ""); /* no proxy for this one */
	assert_int_equal(c->http.version, RL_HTTP_VERSION_2);
	assert_int_equal(c->http.ssl_verify, 1);
	assert_null(c->http.ssl_ca_path);

	/* Saving (as `redline add` does) keeps them, spelled as git spells them. */
	assert_int_equal(rl_config_source_save(a, c), 0);
	rl_source_config_free(c);
	assert_int_equal(tu_sh(&out, "git config -f '%s' --get-regexp '^source\\.intra\\.(ssl|proxy|version)' | sort", file), 0);
	assert_string_equal(out, "source.intra.proxy \n"
				 "source.intra.sslcainfo /srv/ca.pem\n"
				 "source.intra.sslcert /srv/client.pem\n"
				 "source.intra.sslkey /srv/client.key\n"
				 "source.intra.sslkeypasswordfile /srv/pass\n"
				 "source.intra.sslverify true\n"
				 "source.intra.version HTTP/2\n");
	free(out);

	assert_int_equal(rl_config_source_load_all(&all, &n, a), 0);
	assert_int_equal(n, 2);
	assert_string_equal(all[0]->name, "broken");
	assert_non_null(all[0]->error);
	assert_non_null(strstr(all[0]->error, "'source.broken.version': want HTTP/1.1 or HTTP/2"));
	assert_null(all[1]->error);
	assert_string_equal(all[1]->http.ssl_ca_info, "/srv/ca.pem");
	rl_config_source_list_free(all, n);
	drop_archive(a, dir);
}

/* Setting by setting: the source's own value, even an empty one, else the
 * archive's. */
static void test_effective_settings(void **state)
{
	rl_http_config source, archive, h;

	rl_http_config_init(&source);
	rl_http_config_init(&archive);
	archive.ssl_ca_info = strdup("/etc/corp-ca.pem");
	archive.proxy = strdup("http://proxy.corp:3128");
	archive.ssl_verify = 0;
	archive.low_speed_time = 9;
	source.proxy = strdup("");
	source.ssl_verify = 1;
	source.version = RL_HTTP_VERSION_1_1;

	rl_http_config_effective(&h, &source, &archive);
	assert_string_equal(h.ssl_ca_info, "/etc/corp-ca.pem");
	assert_string_equal(h.proxy, "");
	assert_int_equal(h.ssl_verify, 1);
	assert_int_equal(h.low_speed_time, 9);
	assert_int_equal(h.low_speed_limit, -1);
	assert_int_equal(h.version, RL_HTTP_VERSION_1_1);
	assert_null(h.ssl_cert);
	rl_http_config_release(&source);
	rl_http_config_release(&archive);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unset_by_default),
		cmocka_unit_test(test_levels_like_git),
		cmocka_unit_test(test_bad_values_name_the_setting),
		cmocka_unit_test(test_source_overrides_round_trip),
		cmocka_unit_test(test_effective_settings),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
