/*
 * extract.c - guessing a snapshot's format and handing it to its extractor.
 *
 * Sniffing looks only at the first 64 KiB.  The size cap is checked here and
 * again by every extractor, so no entry point reads more than
 * RL_EXTRACT_MAX_INPUT bytes.  A failed extraction leaves `out` as it was.
 */
#include "redline/extract.h"
#include "redline/charset.h"
#include "redline/error.h"
#include "xml_internal.h"

#include <string.h>
#include <strings.h>

#define SNIFF_WINDOW (64u * 1024)

void rl_extract_rollback(rl_item_list *out, size_t n0)
{
	while (out->n > n0)
		rl_item_clear(&out->v[--out->n]);
}

int rl_extract_check_size(size_t len)
{
	if (len > RL_EXTRACT_MAX_INPUT)
		return rl_error_set(RL_ETOOBIG, "snapshot is %zu bytes, more than the limit of %u bytes",
				    len, (unsigned)RL_EXTRACT_MAX_INPUT);
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && strncasecmp(s, prefix, k) == 0;
}

/* Skips whitespace, comments, processing instructions and DOCTYPEs; tells
 * whether an XML declaration or an HTML doctype was seen on the way. */
static size_t skip_prolog(const char *s, size_t n, int *xml_decl, int *html_doctype)
{
	size_t i = 0;
	const char *end;

	for (;;) {
		while (i < n && is_space(s[i]))
			i++;
		if (starts(s + i, n - i, "<?xml"))
			*xml_decl = 1;
		if (starts(s + i, n - i, "<!--"))
			end = memmem(s + i + 4, n - i - 4, "-->", 3), i = end ? (size_t)(end - s) + 3 : n;
		else if (starts(s + i, n - i, "<?"))
			end = memchr(s + i, '>', n - i), i = end ? (size_t)(end - s) + 1 : n;
		else if (starts(s + i, n - i, "<!doctype")) {
			if (starts(s + i + 9, n - i - 9, " html"))
				*html_doctype = 1;
			end = memchr(s + i, '>', n - i);
			i = end ? (size_t)(end - s) + 1 : n;
		} else
			return i;
	}
}

/* Counts well-known HTML tags: a text page may contain a stray '<'. */
static int count_html_tags(const char *s, size_t n)
{
	static const char *const tags[] = { "p", "div", "br", "a", "span", "h1", "h2", "h3",
					    "ul", "li", "table", "td", "body", "head", "title",
					    "img", "article", "section", NULL };
	int count = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '<')
			continue;
		for (const char *const *t = tags; *t; t++) {
			size_t k = strlen(*t);
			if (i + 1 + k < n && strncasecmp(s + i + 1, *t, k) == 0 &&
			    (is_space(s[i + 1 + k]) || s[i + 1 + k] == '>' || s[i + 1 + k] == '/')) {
				count++;
				break;
			}
		}
	}
	return count;
}

/* UTF-16/32 (by BOM or by their NULs) seen as ASCII: the code unit's low
 * byte, enough to recognise markup; 0 when the text is not wide. */
static size_t narrow_view(char *out, size_t size, const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	const char *wide = NULL;
	size_t unit, low, n = 0;

	if (len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0)
		wide = "UTF-32LE", data += 4, len -= 4;
	else if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
		wide = "UTF-32BE", data += 4, len -= 4;
	else if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		wide = "UTF-16LE", data += 2, len -= 2;
	else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		wide = "UTF-16BE", data += 2, len -= 2;
	else
		wide = rl_charset_detect_wide(data, len);
	if (wide == NULL)
		return 0;
	unit = wide[4] == '3' ? 4 : 2;
	low = wide[6] == 'L' ? 0 : unit - 1;
	for (size_t i = 0; i + unit <= len && n < size; i += unit)
		out[n++] = data[i + low];
	return n;
}

rl_format rl_extract_sniff(const char *data, size_t len)
{
	int xml_decl = 0, html_doctype = 0;
	char narrow[SNIFF_WINDOW];
	size_t i;

	if (data == NULL)
		return RL_FORMAT_TEXT;
	if ((i = narrow_view(narrow, sizeof(narrow), data, len)) > 0)
		data = narrow, len = i;
	if (len > SNIFF_WINDOW)
		len = SNIFF_WINDOW;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		data += 3, len -= 3;
	i = skip_prolog(data, len, &xml_decl, &html_doctype);
	if (html_doctype || starts(data + i, len - i, "<html"))
		return RL_FORMAT_HTML;
	if (starts(data + i, len - i, "<rss") || starts(data + i, len - i, "<rdf:rdf"))
		return RL_FORMAT_RSS;
	if (starts(data + i, len - i, "<feed") || starts(data + i, len - i, "<atom:feed"))
		return RL_FORMAT_ATOM;
	if (xml_decl)
		return RL_FORMAT_RSS;
	if (count_html_tags(data + i, len - i) >= 3 || (i < len && data[i] == '<'))
		return RL_FORMAT_HTML;
	return RL_FORMAT_TEXT;
}

int rl_extract(rl_item_list *out, const char *data, size_t len, rl_format format,
	       const rl_extract_opts *opts)
{
	int error;

	if ((error = rl_extract_check_size(len)) < 0)
		return error;
	if (format == RL_FORMAT_AUTO)
		format = rl_extract_sniff(data, len);
	switch (format) {
	case RL_FORMAT_TEXT:
		return rl_extract_text(out, data, len, opts);
	case RL_FORMAT_HTML:
		return rl_extract_html(out, data, len, opts);
	case RL_FORMAT_RSS:
	case RL_FORMAT_ATOM:
		return rl_extract_feed(out, data, len, opts);
	default:
		return rl_error_set(RL_EINVAL, "unknown format %d", (int)format);
	}
}
