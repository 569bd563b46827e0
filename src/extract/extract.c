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

#include <stdint.h>
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

/* Control bytes but \t, \n, \f, \r and ESC.  Eight bytes at a time: a
 * word with no byte below 0x20 (most of a page) has none to count. */
static size_t count_controls(const unsigned char *u, size_t n)
{
	const uint32_t counted = ~((1u << '\t') | (1u << '\n') | (1u << '\f') | (1u << '\r') |
				   (1u << 0x1b));
	size_t controls = 0, i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, u + i, 8);
		if (((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull) == 0)
			continue;
		for (size_t j = i; j < i + 8; j++)
			controls += u[j] < 0x20 && (counted >> u[j] & 1);
	}
	for (; i < n; i++)
		controls += u[i] < 0x20 && (counted >> u[i] & 1);
	return controls;
}

/* Magic numbers of files that are never a page or a feed. */
static const char *binary_kind(const unsigned char *u, size_t n)
{
	static const struct { const char *magic; size_t len; const char *kind; } magic[] = {
		{ "\x1f\x8b", 2, "gzip-compressed data" },
		{ "PK\x03\x04", 4, "a zip archive" },
		{ "PK\x05\x06", 4, "a zip archive" },
		{ "%PDF-", 5, "a PDF document" },
		{ "\x89PNG\r\n\x1a\n", 8, "a PNG image" },
		{ "\xff\xd8\xff", 3, "a JPEG image" },
		{ "GIF87a", 6, "a GIF image" },
		{ "GIF89a", 6, "a GIF image" },
		{ "\x7f" "ELF", 4, "an ELF executable" },
		{ "MZ", 2, "a Windows executable" },
		{ "BZh", 3, "bzip2-compressed data" },
		{ "\xfd" "7zXZ\x00", 6, "xz-compressed data" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed data" },
		{ "7z\xbc\xaf\x27\x1c", 6, "a 7-zip archive" },
	};
	size_t controls = 0, sample = n < SNIFF_WINDOW ? n : SNIFF_WINDOW;

	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (n >= magic[i].len && memcmp(u, magic[i].magic, magic[i].len) == 0)
			return magic[i].kind;
	if (n >= 12 && memcmp(u, "RIFF", 4) == 0 && memcmp(u + 8, "WEBP", 4) == 0)
		return "a WebP image";
	/* UTF-16/32 text is NUL-heavy by nature: its BOM says so, or, without
	 * one, the regular pattern of its NULs (rl_charset_detect_wide). */
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return NULL;
	if (rl_charset_detect_wide((const char *)u, n) != NULL)
		return NULL;
	controls = count_controls(u, sample);
	/* text has next to none; random bytes have one in nine */
	if (sample > 0 && controls * 50 > sample)
		return "binary data";
	return NULL;
}

static const char *format_title(rl_format f)
{
	switch (f) {
	case RL_FORMAT_TEXT: return "text";
	case RL_FORMAT_HTML: return "HTML";
	case RL_FORMAT_RSS: return "an RSS feed";
	case RL_FORMAT_ATOM: return "an Atom feed";
	default: return "a page";
	}
}

int rl_extract_refuse(const char *data, size_t len, rl_format format)
{
	const char *kind = data ? binary_kind((const unsigned char *)data, len) : NULL;
	rl_format seen;

	if (kind)
		return rl_error_set(RL_EPARSE, "snapshot is not a page or a feed: it is %s", kind);
	if (format == RL_FORMAT_AUTO || data == NULL || len == 0)
		return 0;
	seen = rl_extract_sniff(data, len);
	/* HTML read as text or as a feed, a feed read as text: the user named
	 * the wrong format, and the result would be markup or nothing.  (The
	 * HTML reader copes with anything, feeds included.) */
	if (seen == RL_FORMAT_HTML && format != RL_FORMAT_HTML)
		return rl_error_set(RL_EPARSE, "snapshot is not %s: it is HTML (use --format html)",
				    format_title(format));
	if ((seen == RL_FORMAT_RSS || seen == RL_FORMAT_ATOM) && format == RL_FORMAT_TEXT)
		return rl_error_set(RL_EPARSE, "snapshot is not %s: it is %s (use --format %s)",
				    format_title(format), format_title(seen), rl_format_name(seen));
	return 0;
}

int rl_extract(rl_item_list *out, const char *data, size_t len, rl_format format,
	       const rl_extract_opts *opts)
{
	int error;

	if ((error = rl_extract_check_size(len)) < 0 || (error = rl_extract_refuse(data, len, format)) < 0)
		return error;
	if (format == RL_FORMAT_AUTO)
		format = rl_extract_sniff(data, len);
	return rl_extract_refused(out, data, len, format, opts);
}

int rl_extract_refused(rl_item_list *out, const char *data, size_t len, rl_format format,
		       const rl_extract_opts *opts)
{
	int error;

	if ((error = rl_extract_check_size(len)) < 0)
		return error;
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
