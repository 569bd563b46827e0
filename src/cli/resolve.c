/*
 * resolve.c - a story named on the command line, with messages that say
 * what to do: an unknown source lists the sources, an unknown revision says
 * which part was not understood, an ambiguous name lists the candidates
 * (the library's message) with a way to pick.
 */
#include "cli.h"
#include "redline/edits.h"
#include "redline/error.h"
#include "redline/history.h"

#include <stdlib.h>
#include <string.h>

/* Could `s` be a source name ([a-z0-9._-], 1-64 characters)? */
static int source_like(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

int cli_resolve_item(rl_history_item *item, rl_archive *archive, const char *spec)
{
	rl_strvec sources = RL_STRVEC_INIT;
	rl_buf list = RL_BUF_INIT(64 * 1024);
	int error = rl_history_resolve(item, archive, spec);

	if (error != RL_ENOTFOUND || !source_like(spec) || strchr(spec, '@'))
		return error == 0 ? CLI_OK : cli_fail();
	if (rl_edits_list_sources(&sources, archive) == 0) {
		for (size_t i = 0; i < sources.n; i++)
			rl_buf_printf(&list, "%s%s", i ? ", " : "", sources.v[i]);
		cli_error("no source or story named '%s' (sources: %s)", spec,
			  list.ptr ? list.ptr : "none yet");
	} else {
		cli_fail();
	}
	rl_strvec_release(&sources);
	rl_buf_release(&list);
	return CLI_ERROR;
}

int cli_split_rev(char **name, char **rev, rl_archive *archive, const char *spec)
{
	rl_history_item probe = { 0 };
	const char *at = strrchr(spec, '@');

	if (rl_history_split_rev(name, rev, archive, spec) < 0)
		return cli_fail();
	if (*rev || at == NULL || at == spec || at[1] == '\0')
		return CLI_OK;
	/* "ITEM@nonsense": the story exists, the revision does not */
	if (rl_history_resolve(&probe, archive, spec) == RL_ENOTFOUND) {
		char *left = strndup(spec, (size_t)(at - spec));
		int known = left && rl_history_resolve(&probe, archive, left) != RL_ENOTFOUND;
		rl_history_item_clear(&probe);
		free(left);
		if (known) {
			free(*name);
			*name = NULL;
			return cli_error("unknown revision '%s' in '%s' (use a commit id, HEAD, HEAD~N, "
					 "or one that 'redline log %.*s' lists)",
					 at + 1, spec, (int)(at - spec), spec);
		}
	}
	rl_history_item_clear(&probe);
	rl_error_clear();
	return CLI_OK;
}
