/*
 * fetch_text.c - the text side of fetching: result names and the charset
 * parameter of a Content-Type header.
 *
 * A charset comes from a hostile server and steers decoding later on, so
 * only a short, plausible name gets through; anything else is NULL and the
 * extractor sniffs the document instead.
 */
#include "fetch_internal.h"
#include "redline/fetch.h"
#include "redline/buf.h"
#include "redline/charset.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *result_names[] = {
	"ok", "dns", "connect", "tls", "timeout", "too_slow", "too_big",
	"http_error", "empty_body", "truncated", "redirect_refused",
	"too_many_redirects", "protocol_refused", "network", "proxy", "other",
	"address_refused",
};

const char *rl_fetch_result_name(rl_fetch_result result)
{
	if ((size_t)result >= sizeof(result_names) / sizeof(result_names[0]))
		return "unknown";
	return result_names[result];
}

char *rl_fetch_parse_charset(const char *content_type)
{
	return rl_charset_from_content_type(content_type);
}

/* Longest error-page title put into a message. */
#define TITLE_MAX 100

char *fetch_error_page_title(const char *body, size_t len)
{
	const char *start = NULL, *end = NULL;
	char out[TITLE_MAX + 1];
	size_t n = 0, i;
	int space = 0;

	/* Error pages put their title early; a page is not parsed for it. */
	if (len > 4096)
		len = 4096;
	for (i = 0; i + 7 <= len && start == NULL; i++)
		if (strncasecmp(body + i, "<title>", 7) == 0)
			start = body + i + 7;
	for (const char *p = start; p && p + 8 <= body + len && end == NULL; p++)
		if (strncasecmp(p, "</title>", 8) == 0)
			end = p;
	if (end == NULL)
		return NULL;
	/* "400 No required SSL certificate was sent": the status is shown already. */
	while (start < end && (isdigit((unsigned char)*start) || *start == ' '))
		start++;
	for (const char *p = start; p < end && n < TITLE_MAX; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == ' ' || c == 0x7f) {
			space = n > 0;
			continue;
		}
		if (c == '<' || c == '&' || c >= 0x80)
			return NULL; /* markup or anything but plain ASCII: not worth the risk */
		if (space && n < TITLE_MAX)
			out[n++] = ' ';
		space = 0;
		if (n < TITLE_MAX)
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return n ? rl_strdup(out) : NULL;
}

void fetch_seconds_text(char *out, size_t size, long ms)
{
	if (ms % 1000 == 0)
		snprintf(out, size, "%ld s", ms / 1000);
	else
		snprintf(out, size, "%.1f s", (double)ms / 1000.0);
}

void fetch_os_error_text(char *out, size_t size, long os_errno)
{
	snprintf(out, size, "%s", strerror((int)os_errno));
	for (size_t i = 0; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}
