/*
 * options.c - one getopt_long loop for every command (options.h).
 *
 * The struct option array and the short-option string are built from the
 * command's table on each call, so that a table entry is the only place an
 * option is named.  A long-only option gets a value above any character
 * (CLI_LONG_ONLY + its index) to be found again.
 */
#include "options.h"
#include "output.h"
#include "redline/buf.h"
#include "redline/config.h"
#include "redline/edits.h"
#include "redline/error.h"
#include "redline/format.h"
#include "redline/shard.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define CLI_MAX_OPTS 32
#define CLI_LONG_ONLY 256

static int has_arg(const struct cli_opt *o)
{
	if (o->type == CLI_OPT_FLAG)
		return no_argument;
	return o->type == CLI_OPT_COLOR ? optional_argument : required_argument;
}

/* The table entry getopt_long's `c` stands for, or NULL. */
static const struct cli_opt *entry_of(const struct cli_opt *opts, size_t n, int c)
{
	if (c >= CLI_LONG_ONLY && (size_t)(c - CLI_LONG_ONLY) < n)
		return &opts[c - CLI_LONG_ONLY];
	for (size_t i = 0; c > 0 && i < n; i++)
		if (opts[i].letter == c)
			return &opts[i];
	return NULL;
}

/* Stores `arg` as `o` says; < 0 when it is no valid argument. */
static int take(const struct cli_opt *o, const char *arg, const struct cli *cli)
{
	char *end;
	long v;

	switch (o->type) {
	case CLI_OPT_FLAG:
		*(int *)o->to = 1;
		return 0;
	case CLI_OPT_STRING:
		*(const char **)o->to = arg;
		return 0;
	case CLI_OPT_SIZE:
		v = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v < o->min || v > o->max)
			return -1;
		*(size_t *)o->to = (size_t)v;
		return 0;
	case CLI_OPT_COLOR:
		return out_color_option(o->to, arg, cli);
	case CLI_OPT_KINDS:
		return rl_edit_kinds_parse(o->to, arg);
	case CLI_OPT_CALL:
		return o->parse(o->to, arg);
	}
	return -1;
}

static int bad_argument(const struct cli_opt *o, const char *arg, const char *usage)
{
	if (o->type == CLI_OPT_COLOR)
		return cli_usage_error(usage, "--color wants auto, always or never, not '%s'", arg);
	if (o->bad)
		return cli_usage_error(usage, "%s '%s'", o->bad, arg);
	if (o->type == CLI_OPT_SIZE)
		return cli_usage_error(usage, "bad --%s '%s'", o->name, arg);
	return cli_usage_error(usage, "%s", rl_error_last());
}

/* Parses as cli_parse_options() does; returns the command's status, or -1
 * when it goes on. */
static int parse(int argc, char **argv, const struct cli_opt *opts, const struct cli_args *args,
		 const struct cli *cli)
{
	struct option longopts[CLI_MAX_OPTS + 2];
	char letters[2 * CLI_MAX_OPTS + 2] = "h";
	size_t n = 0, k = 1;
	int c;

	for (; opts[n].name; n++) {
		if (n == CLI_MAX_OPTS)
			abort(); /* a table too long is a programming error */
		longopts[n] = (struct option){ opts[n].name, has_arg(&opts[n]), NULL,
					       opts[n].letter ? opts[n].letter
							      : CLI_LONG_ONLY + (int)n };
		if (opts[n].letter) {
			letters[k++] = (char)opts[n].letter;
			if (has_arg(&opts[n]) == required_argument)
				letters[k++] = ':';
		}
	}
	letters[k] = '\0';
	longopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };

	opterr = 0; /* our own messages, in git's form */
	while ((c = getopt_long(argc, argv, letters, longopts, NULL)) != -1) {
		const struct cli_opt *o = entry_of(opts, n, c);
		if (c == 'h') {
			args->help();
			return CLI_OK;
		}
		if (o == NULL)
			return cli_usage_error(args->usage, "unknown option '%s'", argv[optind - 1]);
		if (take(o, optarg, cli) < 0)
			return bad_argument(o, optarg, args->usage);
	}
	if (argc - optind < args->min)
		return cli_usage_error(args->usage, "%s", args->missing);
	if (args->max >= 0 && argc - optind > args->max)
		return cli_usage_error(args->usage, "%s",
				       args->too_many ? args->too_many : "too many arguments");
	return -1;
}

int cli_parse_options(int *status, int argc, char **argv, const struct cli_opt *opts,
		      const struct cli_args *args, const struct cli *cli)
{
	int rc = parse(argc, argv, opts, args, cli);

	if (rc < 0)
		return 0;
	*status = rc;
	return 1;
}

int cli_opt_format(void *format, const char *arg)
{
	return rl_format_parse(format, arg);
}

int cli_opt_interval(void *seconds, const char *arg)
{
	return rl_config_parse_interval(seconds, arg);
}

int cli_opt_copy(void *field, const char *arg)
{
	char *copy = rl_strdup(arg);

	if (copy == NULL)
		return RL_ENOMEM;
	free(*(char **)field);
	*(char **)field = copy;
	return 0;
}

int cli_opt_shard(void *shard, const char *arg)
{
	return rl_shard_parse(shard, arg);
}

int cli_opt_append(void *vec, const char *arg)
{
	return rl_strvec_push(vec, arg);
}
