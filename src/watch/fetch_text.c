/*
 * fetch_text.c - the text side of fetching: result names and the charset
 * parameter of a Content-Type header.
 *
 * A charset comes from a hostile server and steers decoding later on, so
 * only a short, plausible name gets through; anything else is NULL and the
 * extractor sniffs the document instead.
 */
#include "redline/fetch.h"
#include "redline/buf.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const char *result_names[] = {
	"ok", "dns", "connect", "tls", "timeout", "too_slow", "too_big",
	"http_error", "empty_body", "truncated", "redirect_refused",
	"too_many_redirects", "protocol_refused", "network", "other", "address_refused",
};

const char *rl_fetch_result_name(rl_fetch_result result)
{
	if ((size_t)result >= sizeof(result_names) / sizeof(result_names[0]))
		return "unknown";
	return result_names[result];
}

char *rl_fetch_parse_charset(const char *content_type)
{
	const char *p, *v;
	char out[RL_FETCH_MAX_CHARSET + 1];
	size_t n = 0;
	char quote = 0;

	if (content_type == NULL || (p = strchr(content_type, ';')) == NULL)
		return NULL;
	while (p && *p) {
		p++;
		p += strspn(p, " \t");
		if (strncasecmp(p, "charset", 7) == 0) {
			v = p + 7;
			v += strspn(v, " \t");
			if (*v == '=')
				break;
		}
		p = strchr(p, ';');
	}
	if (p == NULL || *p == '\0')
		return NULL;
	v = strchr(p, '=') + 1;
	v += strspn(v, " \t");
	if (*v == '"' || *v == '\'')
		quote = *v++;
	for (; *v && *v != quote && *v != ';' && *v != ' ' && *v != '\t'; v++) {
		unsigned char c = (unsigned char)*v;
		if (!(isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':'))
			return NULL;
		if (n == RL_FETCH_MAX_CHARSET)
			return NULL;
		out[n++] = (char)tolower(c);
	}
	if (n == 0)
		return NULL;
	out[n] = '\0';
	return rl_strdup(out);
}
