/*
 * xml_resolve.c - links made absolute as libxml2's xmlBuildURI() makes
 * them, with a short cut for the commonest ones (a scheme, or a plain
 * absolute path on a plain http(s) base) that gives the same bytes without
 * parsing both URIs; tests/unit/test_xml_resolve.c compares the two.
 */
#include "xml_internal.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <libxml/uri.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A byte RFC 3986 lets stand in a URI's path, query or fragment without
 * escaping (unreserved, sub-delims, ':', '@', '/', '?'); '%' left out. */
static int uri_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~!$&'()*+,;=:@/?", c) != NULL);
}

/* Length of "scheme://host[:port]" of a base xmlBuildURI() parses (http or
 * https, a plain host, a port without leading zero, then only plain bytes
 * and at most one '#'); 0 for any other base. */
static size_t plain_base_origin(const char *base)
{
	size_t i, origin, digits = 0;
	int hashes = 0;

	if (strncasecmp(base, "http://", 7) == 0)
		i = 7;
	else if (strncasecmp(base, "https://", 8) == 0)
		i = 8;
	else
		return 0;
	origin = i;
	while ((base[i] >= 'a' && base[i] <= 'z') || (base[i] >= 'A' && base[i] <= 'Z') ||
	       (base[i] >= '0' && base[i] <= '9') || base[i] == '.' || base[i] == '-')
		i++;
	if (i == origin)
		return 0;
	if (base[i] == ':') {
		while (base[i + 1 + digits] >= '0' && base[i + 1 + digits] <= '9')
			digits++;
		if (digits == 0 || digits > 5 || base[i + 1] == '0')
			return 0;
		i += 1 + digits;
	}
	origin = i;
	if (base[i] != '\0' && base[i] != '/' && base[i] != '?' && base[i] != '#')
		return 0;
	for (; base[i]; i++)
		if (base[i] == '#' ? ++hashes > 1 : !uri_plain((unsigned char)base[i]))
			return 0;
	return origin;
}

int rl_xml_resolve_fast(char **out, const char *href, size_t len, const char *base)
{
	size_t i = 0, origin;

	*out = NULL;
	/* "scheme:...": xmlBuildURI() gives it back as it is, parsed or not */
	if ((href[0] >= 'a' && href[0] <= 'z') || (href[0] >= 'A' && href[0] <= 'Z')) {
		for (i = 1; i < len && ((href[i] >= 'a' && href[i] <= 'z') ||
					(href[i] >= 'A' && href[i] <= 'Z') ||
					(href[i] >= '0' && href[i] <= '9') || href[i] == '+' ||
					href[i] == '-' || href[i] == '.');
		     i++)
			;
		if (i < len && href[i] == ':')
			return (*out = rl_strndup(href, len)) ? 1 : RL_ENOMEM;
		return 0;
	}
	/* "/a/b-c.html" on a plain base: its origin and the path as it is
	 * (only bytes xmlSaveUri() never escapes, no dot segment) */
	if (len < 2 || href[0] != '/' || href[1] == '/' || (origin = plain_base_origin(base)) == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)href[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '~' || c == '/' || (c == '.' && href[i - 1] != '/')))
			return 0;
	}
	if ((*out = malloc(origin + len + 1)) == NULL)
		return RL_ENOMEM;
	memcpy(*out, base, origin);
	memcpy(*out + origin, href, len);
	(*out)[origin + len] = '\0';
	return 1;
}

int rl_xml_resolve(char **out, const char *href, const char *base)
{
	static const char *const refused[] = { "javascript:", "mailto:", "data:", "vbscript:",
					       "tel:", "about:", NULL };
	size_t len;
	xmlChar *abs = NULL;
	char *trimmed;
	int error;

	*out = NULL;
	if (href == NULL)
		return 0;
	while (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r')
		href++;
	len = strlen(href);
	while (len > 0 && strchr(" \t\r\n", href[len - 1]))
		len--;
	if (len == 0 || href[0] == '#')
		return 0;
	for (const char *const *r = refused; *r; r++)
		if (strncasecmp(href, *r, strlen(*r)) == 0)
			return 0;
	if (base && *base && (error = rl_xml_resolve_fast(out, href, len, base)) != 0)
		return error < 0 ? error : 0;
	if ((trimmed = rl_strndup(href, len)) == NULL)
		return RL_ENOMEM;
	if (base && *base)
		abs = xmlBuildURI((const xmlChar *)trimmed, (const xmlChar *)base);
	if (abs) {
		free(trimmed);
		*out = rl_strdup((const char *)abs);
		xmlFree(abs);
		return *out ? 0 : RL_ENOMEM;
	}
	*out = trimmed;
	return 0;
}
