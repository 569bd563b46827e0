/*
 * cli_common.c - what every command uses to report and to open the
 * archive: shared by the full command line (main.c) and by the light one
 * of log/show/diff (light/main_light.c).
 */
#include "cli.h"
#include "redline/error.h"

#include <stdarg.h>
#include <stdio.h>

int cli_fail(void)
{
	int code = rl_error_last_code();
	const char *msg = rl_error_last();

	fprintf(stderr, "redline: %s\n", *msg ? msg : "unknown error");
	return code == RL_EUSAGE ? CLI_USAGE : CLI_ERROR;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("redline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_ERROR;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	fputs("redline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	return CLI_USAGE;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_open_archive(rl_archive **out, const struct cli *cli)
{
	if (rl_archive_open(out, cli->archive_dir) < 0)
		return cli_fail();
	return CLI_OK;
}
