/*
 * redline/format.h - the kinds of snapshot redline understands.
 */
#ifndef REDLINE_FORMAT_H
#define REDLINE_FORMAT_H

typedef enum rl_format {
	RL_FORMAT_AUTO = 0, /* sniff from the content */
	RL_FORMAT_TEXT,     /* plain text, like a copied news page */
	RL_FORMAT_HTML,
	RL_FORMAT_RSS,
	RL_FORMAT_ATOM,
} rl_format;

/** Parses "auto", "text", "html", "rss" or "atom"; RL_EINVAL otherwise. */
int rl_format_parse(rl_format *out, const char *name);

/** The name of a format, as rl_format_parse() reads it. */
const char *rl_format_name(rl_format format);

#endif
