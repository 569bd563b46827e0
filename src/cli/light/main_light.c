/*
 * main_light.c - `redline`: log, show and diff run here; every other
 * command (and --help, and anything not understood) is handed to the full
 * command line, redline-full beside this executable, by exec with the same
 * arguments.
 *
 * Why: the full executable links libcurl and libxml2, and through them ~35
 * more shared libraries (GnuTLS, Kerberos, LDAP, ICU, libstdc++ ...) that
 * the dynamic linker loads and relocates at every start, used or not: 2/3
 * of the instructions of a `redline log STORY` went there, and half of its
 * CPU time (docs/benchmarks.md).  Story history never fetches or parses
 * HTML; this executable links only what it uses (--as-needed: libgit2,
 * jansson, utf8proc, xxhash, zlib, libcrypto), so those commands start in
 * less than half the time.  A command handed on pays one extra exec of this
 * small executable.
 */
#include "../cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cli *cli);
} light[] = {
	{ "log", cmd_log },
	{ "show", cmd_show },
	{ "diff", cmd_diff },
};

#define FULL_NAME "redline-full"

/* Runs redline-full from this executable's folder with our arguments;
 * returns only when it cannot be run. */
static int run_full(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + sizeof(FULL_NAME) + 1];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *slash;

	if (len > 0) {
		self[len] = '\0';
	} else if (strchr(argv[0], '/') && strlen(argv[0]) < sizeof(self)) {
		strcpy(self, argv[0]); /* no /proc: where we were called from */
	} else {
		execvp(FULL_NAME, argv); /* on the PATH, beside us */
		fprintf(stderr, "redline: cannot run %s: %s\n", FULL_NAME, strerror(errno));
		return 127;
	}
	slash = strrchr(self, '/');
	snprintf(path, sizeof(path), "%.*s%s", slash ? (int)(slash - self + 1) : 0, self, FULL_NAME);
	execv(path, argv);
	fprintf(stderr, "redline: cannot run %s: %s\n", path, strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	struct cli cli = { ".", 0, 0 };
	const char *no_color = getenv("NO_COLOR");
	int i, status;

	/* the global options main.c knows; anything else is main.c's to answer */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-C") == 0 && i + 1 < argc)
			cli.archive_dir = argv[++i];
		else if (strcmp(argv[i], "-v") == 0)
			cli.verbose++;
		else if (strcmp(argv[i], "--version") == 0)
			return printf("redline %s\n", REDLINE_VERSION) < 0; /* as main.c */
		else
			return run_full(argv);
	}
	for (size_t c = 0; i < argc && c < sizeof(light) / sizeof(light[0]); c++) {
		if (strcmp(argv[i], light[c].name) != 0)
			continue;
		/* as main.c does for these commands, less libxml2's init: they
		 * never parse HTML */
		cli.color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
#ifdef RL_LIGHT_STATIC
		git_libgit2_init(); /* without TLS and SSH (static_init.c) */
#else
		cli_git_init_deferring_cas();
#endif
		optind = 0; /* each command parses its own options (options.c: getopt_long) */
		status = light[c].fn(argc - i, argv + i, &cli);
		git_libgit2_shutdown();
		return status;
	}
	return run_full(argv);
}
