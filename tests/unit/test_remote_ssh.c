/* git's SSH settings as redline reads them for libgit2 (remote_ssh.c):
 * which settings lead where, and what libgit2 cannot follow is refused
 * with a message that says so, before any connection.  The pushes here go
 * to 127.0.0.1 on a port nothing listens on, so that where a push went
 * shows in libgit2's "failed to connect" message; t6030-ssh.sh does the
 * real thing against sshd. */
#include "testutil.h"
#include "redline/archive.h"
#include "redline/error.h"
#include "redline/remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPEC "refs/heads/main:refs/heads/shards/0-of-1"

struct world {
	char *dir;
	char home[600];
	rl_archive *a;
	rl_remote_opts ro;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char path[700];
	git_oid id;
	rl_archive_file_update u = { "a1/INDEX", "0123456789ab S\n", 15 };
	rl_archive_commit_info info = { "a1: 1 new\n", 1795856400, 0, NULL, NULL };

	w->dir = tu_tmpdir();
	snprintf(w->home, sizeof(w->home), "%s/home", w->dir);
	snprintf(path, sizeof(path), "%s/w.git", w->dir);
	assert_int_equal(rl_archive_init(&w->a, path), 0);
	assert_int_equal(rl_archive_commit(&id, w->a, &u, 1, &info), 0);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh'", w->home), 0);
	w->ro.home = w->home;
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	rl_archive_free(w->a);
	tu_rmtree(w->dir);
	free(w->dir);
	free(w);
	return 0;
}

static void set_url(struct world *w, const char *url)
{
	assert_int_equal(tu_sh(NULL, "git -C '%s/w.git' remote remove origin 2>/dev/null; "
			       "git -C '%s/w.git' remote add origin '%s'", w->dir, w->dir, url), 0);
}

static void set_config(struct world *w, const char *key, const char *value)
{
	git_config *cfg = NULL;
	assert_int_equal(git_repository_config(&cfg, rl_archive_repo(w->a)), 0);
	assert_int_equal(git_config_set_string(cfg, key, value), 0);
	git_config_free(cfg);
}

static void ssh_config(struct world *w, const char *text)
{
	char path[700];
	FILE *f;
	snprintf(path, sizeof(path), "%s/.ssh/config", w->home);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* The push fails (nothing listens), and its message contains `want`. */
static void push_fails_with(struct world *w, const char *want)
{
	int rc = rl_remote_push_once(w->a, "origin", SPEC, &w->ro);
	assert_true(rc < 0);
	if (strstr(rl_error_last(), want) == NULL)
		fail_msg("'%s' lacks '%s'", rl_error_last(), want);
}

/* A free port on 127.0.0.1: nothing listens there during the test. */
static int dead_port(void)
{
	char *out = NULL;
	int port;
	assert_int_equal(tu_sh(&out, "python3 -c 'import socket; s=socket.socket(); "
			       "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'"), 0);
	port = atoi(out);
	free(out);
	return port;
}

static void test_host_alias_leads_to_hostname_and_port(void **state)
{
	struct world *w = *state;
	char text[400];
	int port = dead_port();

	/* First match wins, as in ssh: the alias's HostName and Port, and the
	 * Host * defaults only where the alias says nothing. */
	snprintf(text, sizeof(text),
		 "# a comment\n\nHost other\n\tHostName 192.0.2.1\n"
		 "Host central  !nothing\n\tHostName=127.0.0.1\n  Port %d\n\tUser git\n"
		 "Host *\n\tPort 1\n\tUser nobody\n", port);
	ssh_config(w, text);
	set_url(w, "central:srv/news.git");
	/* libgit2: "failed to connect to 127.0.0.1: Connection refused" */
	push_fails_with(w, "127.0.0.1");
	/* The same through an ssh:// URL with its own port: the URL's port wins. */
	set_url(w, "ssh://central:1/srv/news.git");
	push_fails_with(w, "127.0.0.1");
}

static void test_ssh_command_is_read_not_run(void **state)
{
	static const struct {
		const char *command, *want;
	} cases[] = {
		{ "plink -batch", "core.sshCommand: 'plink -batch' is not ssh" },
		{ "ssh -i key; rm -rf /", "needs a shell" },
		{ "ssh -i 'unbalanced", "unbalanced quote" },
		{ "ssh -i", "-i without a value" },
		{ "ssh -J jump.example.org", "cannot push through a jump host" },
		{ "ssh -o ProxyCommand=nc\\ %h\\ %p", "ProxyCommand is set" },
		{ "ssh -p 0", "bad Port '0'" },
		{ "ssh -i %x/key", "cannot expand '%x'" },
	};
	struct world *w = *state;

	set_url(w, "git@127.0.0.1:news.git");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_config(w, "core.sshCommand", cases[i].command);
		push_fails_with(w, cases[i].want);
	}
	/* GIT_SSH_COMMAND goes first, as in git. */
	w->ro.ssh_command = "/usr/bin/putty";
	push_fails_with(w, "GIT_SSH_COMMAND: '/usr/bin/putty' is not ssh");
	w->ro.ssh_command = NULL;
	/* GIT_SSH only when neither is set. */
	set_config(w, "core.sshCommand", "");
	w->ro.ssh_program = "tortoiseplink";
	push_fails_with(w, "GIT_SSH: 'tortoiseplink' is not ssh");
	w->ro.ssh_program = NULL;
}

static void test_hostile_ssh_config(void **state)
{
	static const struct {
		const char *config, *want;
	} cases[] = {
		{ "Host central\n\tProxyJump bastion\n", "ProxyJump is set" },
		{ "Host central\n\tPort 99999\n", "bad Port '99999'" },
		{ "Host central\n\tIdentityFile \"~/unbalanced\n", "unbalanced quote" },
		{ "Host central\n\tHostName\n", "'HostName' without a value" },
		/* A HostName that would smuggle a user or a path into the URL. */
		{ "Host central\n\tHostName evil@127.0.0.1\n", "unusable HostName" },
	};
	struct world *w = *state;
	char *big;

	set_url(w, "ssh://git@central/news.git");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ssh_config(w, cases[i].config);
		push_fails_with(w, cases[i].want);
	}
	/* Over 256 KiB: refused, not read. */
	big = malloc(300 * 1024 + 1);
	memset(big, '#', 300 * 1024);
	big[300 * 1024] = '\0';
	ssh_config(w, big);
	free(big);
	push_fails_with(w, "ssh config");
	/* ProxyJump none, Match blocks and Include are no error. */
	ssh_config(w, "Match host central exec \"false\"\n\tProxyJump bastion\n"
		      "Include ~/.ssh/other\nHost central\n\tProxyJump none\n\tHostName 127.0.0.1\n"
		      "\tPort 1\n");
	push_fails_with(w, "127.0.0.1");
}

/* An ssh URL whose host would be an option to ssh is refused. */
static void test_bad_ssh_urls(void **state)
{
	struct world *w = *state;

	set_url(w, "ssh://-oProxyCommand=x/news.git");
	push_fails_with(w, "not a usable ssh URL");
	set_url(w, "ssh://git@host:99999/news.git");
	push_fails_with(w, "not a usable ssh URL");
	set_url(w, "ssh://git@[::1/news.git");
	push_fails_with(w, "not a usable ssh URL");
	set_url(w, "git@-oProxyCommand=x:news.git");
	push_fails_with(w, "not a usable ssh URL");
	/* IPv6 in brackets is a host (nothing listens on ::1 port 1). */
	set_url(w, "ssh://git@[::1]:1/news.git");
	assert_true(rl_remote_push_once(w->a, "origin", SPEC, &w->ro) < 0);
	assert_null(strstr(rl_error_last(), "not a usable"));
	/* ... and an alias may lead to one. */
	ssh_config(w, "Host central\n\tHostName ::1\n\tPort 1\n");
	set_url(w, "central:news.git");
	assert_true(rl_remote_push_once(w->a, "origin", SPEC, &w->ro) < 0);
	assert_null(strstr(rl_error_last(), "not a usable"));
	assert_null(strstr(rl_error_last(), "unusable HostName"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_alias_leads_to_hostname_and_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssh_command_is_read_not_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_ssh_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ssh_urls, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
