/*
 * options.h - the option parsing every command shares (cli-private).
 *
 * A command lists its options in a table of what each one sets; one loop
 * (cli_parse_options) runs getopt_long over it, answers -h/--help, reports
 * a bad option or argument in git's form ("redline: unknown option '-x'",
 * then the usage line, exit 2) and counts the operands.  The command keeps
 * only what is its own: the table, its usage line, its help text.
 */
#ifndef REDLINE_CLI_OPTIONS_H
#define REDLINE_CLI_OPTIONS_H

#include <getopt.h> /* optind: the first operand, once parsed */

#include "cli.h"

enum cli_opt_type {
	CLI_OPT_FLAG,   /* no argument: *(int *)to = 1 */
	CLI_OPT_STRING, /* *(const char **)to = the argument (argv's, not copied) */
	CLI_OPT_SIZE,   /* *(size_t *)to = a whole number from min to max */
	CLI_OPT_COLOR,  /* --color[=WHEN]: *(int *)to; "auto" is stdout's colour */
	CLI_OPT_KINDS,  /* kinds of edit, comma-separated: *(unsigned *)to */
	CLI_OPT_CALL,   /* parse(to, argument) < 0 is a usage error */
};

struct cli_opt {
	const char *name; /* the long name, without "--"; NULL ends the table */
	int letter;       /* the short option, or 0 */
	enum cli_opt_type type;
	void *to;
	long min, max;                           /* CLI_OPT_SIZE */
	int (*parse)(void *to, const char *arg); /* CLI_OPT_CALL */
	/* The usage error for a bad argument, followed by " '<argument>'";
	 * NULL: rl_error_last() (CLI_OPT_KINDS, CLI_OPT_CALL). */
	const char *bad;
};

#define CLI_FLAG(name, letter, to) { name, letter, CLI_OPT_FLAG, to, 0, 0, NULL, NULL }
#define CLI_STRING(name, letter, to) { name, letter, CLI_OPT_STRING, to, 0, 0, NULL, NULL }
#define CLI_SIZE(name, letter, to, min, max, bad) \
	{ name, letter, CLI_OPT_SIZE, to, min, max, NULL, bad }
#define CLI_COLOR(to) { "color", 0, CLI_OPT_COLOR, to, 0, 0, NULL, NULL }
#define CLI_KINDS(to) { "kind", 0, CLI_OPT_KINDS, to, 0, 0, NULL, NULL }
#define CLI_CALL(name, letter, to, parse, bad) \
	{ name, letter, CLI_OPT_CALL, to, 0, 0, parse, bad }
#define CLI_OPT_END { NULL, 0, CLI_OPT_FLAG, NULL, 0, 0, NULL, NULL }

/* Parsers for CLI_CALL that several commands use; each returns 0 or a
 * negative RL_E* with a message. */
/** rl_format: auto, text, html, rss, atom. */
int cli_opt_format(void *format, const char *arg);
/** int seconds: "30s", "10m", "1h", "1d". */
int cli_opt_interval(void *seconds, const char *arg);
/** char *: a copy of the argument, replacing (and freeing) the one before. */
int cli_opt_copy(void *field, const char *arg);
/** rl_shard: "K/N", shard K (0-based) of N. */
int cli_opt_shard(void *shard, const char *arg);
/** rl_strvec: the argument appended (an option given again adds one more). */
int cli_opt_append(void *vec, const char *arg);

/* What a command says about itself besides its options. */
struct cli_args {
	const char *usage;  /* the usage line (after "usage: ") */
	void (*help)(void); /* prints -h/--help's text on stdout */
	int min, max;       /* how many operands it takes; max < 0: any number */
	const char *missing; /* the usage error when there are fewer than min */
	const char *too_many; /* ... when there are more than max; NULL: "too many arguments" */
};

/** Parses the options of argv (which starts at the command's name) by
 *  `opts` (at most 32; -h/--help is always there), then checks the number
 *  of operands.  Returns 0 when the command goes on (optind at its first
 *  operand, `*status` untouched), or 1 when it returns `*status` at once:
 *  CLI_OK after printing the help, CLI_USAGE after a usage error. */
int cli_parse_options(int *status, int argc, char **argv, const struct cli_opt *opts,
		      const struct cli_args *args, const struct cli *cli);

#endif
