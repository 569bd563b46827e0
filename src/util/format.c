/*
 * format.c - names of snapshot formats.
 */
#include "redline/format.h"
#include "redline/error.h"

#include <string.h>

static const char *const names[] = {
	[RL_FORMAT_AUTO] = "auto",
	[RL_FORMAT_TEXT] = "text",
	[RL_FORMAT_HTML] = "html",
	[RL_FORMAT_RSS] = "rss",
	[RL_FORMAT_ATOM] = "atom",
};

int rl_format_parse(rl_format *out, const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (rl_format)i;
			return 0;
		}
	}
	return rl_error_set(RL_EINVAL, "unknown format '%s' (auto, text, html, rss or atom)", name);
}

const char *rl_format_name(rl_format format)
{
	if ((unsigned)format < sizeof(names) / sizeof(names[0]))
		return names[format];
	return "unknown";
}
