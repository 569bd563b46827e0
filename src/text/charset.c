/*
 * charset.c - bytes in some charset -> valid UTF-8.
 *
 * Invariant: whatever comes in, what goes out is well-formed UTF-8 (NUL
 * bytes allowed and counted in out_len).  The order follows the HTML
 * standard: a BOM wins (UTF-8, UTF-16, UTF-32), then the declared label,
 * then UTF-16/32 recognised by their NUL bytes, then "UTF-8 if it is
 * valid, else windows-1252".  windows-1252 is decoded by our own table
 * (glibc's CP1252 refuses 0x81, 0x8D, 0x8F, 0x90 and 0x9D, browsers do
 * not); every other label goes through iconv, one undecodable byte at a
 * time becoming U+FFFD so that bad input never stops the conversion.
 */
#include "redline/normalise.h"
#include "redline/charset.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REPLACEMENT "\xEF\xBF\xBD"
#define LABEL_MAX 40

/*
 * Length of the well-formed UTF-8 sequence at s (1-4), or 0 when it is not
 * one; *bad is then the length of the maximal subpart to replace (>= 1).
 * The ranges are Unicode's Table 3-7: no overlongs, no surrogates, nothing
 * past U+10FFFF.
 */
static size_t utf8_seq(const unsigned char *s, size_t left, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (i = 1; i < need; i++) {
		if (i >= left || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need;
}

size_t rl_charset_utf8_seq(const unsigned char *s, size_t n)
{
	size_t bad;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	return utf8_seq(s, n, &bad);
}

bool rl_charset_is_utf8(const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, n, bad;

	while (i < len) {
		uint64_t w;
		/* eight ASCII bytes at a time */
		if (len - i >= 8 && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0)) {
			i += 8;
			continue;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(s + i, len - i, &bad)) == 0)
			return false;
		i += n;
	}
	return true;
}

/* Without a declared charset: windows-1252 text practically never forms a
 * valid UTF-8 multi-byte sequence, so a few of them outweigh several runs of
 * invalid bytes: a UTF-8 page with stray bytes keeps its accents (the stray
 * bytes become U+FFFD), while an old page whose é is a lone 0xE9 is read as
 * windows-1252. */
static bool looks_like_utf8(const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, n, bad, valid = 0, invalid_runs = 0;
	int in_run = 0;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			in_run = 0;
			continue;
		}
		if ((n = utf8_seq(s + i, len - i, &bad)) > 0) {
			valid++;
			i += n;
			in_run = 0;
		} else {
			invalid_runs += !in_run;
			in_run = 1;
			i += bad ? bad : 1;
		}
	}
	return invalid_runs == 0 || (valid > 0 && valid * 4 >= invalid_runs);
}

static int repair_into(rl_buf *out, const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, start = 0, n, bad;
	int error;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_seq(s + i, len - i, &bad)) > 0) {
			i += n;
			continue;
		}
		if ((error = rl_buf_put(out, in + start, i - start)) < 0 ||
		    (error = rl_buf_puts(out, REPLACEMENT)) < 0)
			return error;
		i += bad;
		start = i;
	}
	return rl_buf_put(out, in + start, i - start);
}

int rl_charset_repair_utf8(char **out, size_t *out_len, const char *in, size_t len)
{
	rl_buf buf = RL_BUF_INIT(RL_CHARSET_MAX);
	int error;

	*out = NULL;
	if ((error = repair_into(&buf, in, len)) < 0 ||
	    (error = rl_buf_put(&buf, "", 0)) < 0) {
		rl_buf_release(&buf);
		return error;
	}
	if (out_len)
		*out_len = buf.len;
	*out = rl_buf_detach(&buf);
	return 0;
}

/* 0x80-0x9F of windows-1252; the five holes map to C1 controls, as in browsers. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

static int cp1252_into(rl_buf *out, const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	int error;

	if ((error = rl_buf_grow(out, len)) < 0)
		return error;
	for (size_t i = 0; i < len; i++) {
		unsigned cp = s[i] >= 0x80 && s[i] < 0xA0 ? cp1252_high[s[i] - 0x80] : s[i];
		char enc[3];
		size_t n;

		if (cp < 0x80) {
			enc[0] = (char)cp;
			n = 1;
		} else if (cp < 0x800) {
			enc[0] = (char)(0xC0 | (cp >> 6));
			enc[1] = (char)(0x80 | (cp & 0x3F));
			n = 2;
		} else {
			enc[0] = (char)(0xE0 | (cp >> 12));
			enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			enc[2] = (char)(0x80 | (cp & 0x3F));
			n = 3;
		}
		if ((error = rl_buf_put(out, enc, n)) < 0)
			return error;
	}
	return 0;
}

/* `unit`: bytes to skip past an undecodable sequence (2 keeps UTF-16 aligned). */
static int iconv_into(rl_buf *out, const char *in, size_t len, const char *label, size_t unit)
{
	iconv_t cd;
	char chunk[4096];
	char *src = (char *)in;
	size_t left = len;
	int error = 0;

	if ((cd = iconv_open("UTF-8", label)) == (iconv_t)-1)
		return rl_error_set(RL_EINVAL, "unknown charset '%s'", label);
	while (left > 0) {
		char *dst = chunk;
		size_t room = sizeof(chunk);
		size_t rc = iconv(cd, &src, &left, &dst, &room);
		int err = errno;

		if ((error = rl_buf_put(out, chunk, sizeof(chunk) - room)) < 0)
			goto done;
		if (rc != (size_t)-1 || err == E2BIG)
			continue;
		/* EILSEQ: one bad byte; EINVAL: a sequence cut off at the end */
		if ((error = rl_buf_puts(out, REPLACEMENT)) < 0)
			goto done;
		if (err == EINVAL || left <= unit) {
			left = 0;
		} else {
			src += unit;
			left -= unit;
		}
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* flush a stateful encoding's shift sequence */
	{
		char *dst = chunk;
		size_t room = sizeof(chunk);
		iconv(cd, NULL, NULL, &dst, &room);
		error = rl_buf_put(out, chunk, sizeof(chunk) - room);
	}
done:
	iconv_close(cd);
	return error;
}

enum family { FAM_UTF8, FAM_CP1252, FAM_UTF16LE, FAM_UTF16BE, FAM_UTF32LE, FAM_UTF32BE,
	      FAM_ICONV };

#define WIDE_SNIFF 1024

/* UTF-16 or UTF-32 without a BOM or a label: mostly-ASCII text in them has
 * NUL bytes at fixed positions (odd bytes of UTF-16LE, three of every four
 * of UTF-32LE...), which no 8-bit text has.  FAM_UTF8 when not. */
static enum family sniff_wide(const unsigned char *s, size_t len)
{
	size_t nul[4] = { 0, 0, 0, 0 }, n = len < WIDE_SNIFF ? len : WIDE_SNIFF;

	n -= n % 4;
	if (n < 8)
		return FAM_UTF8;
	for (size_t i = 0; i < n; i++)
		nul[i % 4] += s[i] == 0;
	n /= 4; /* per position */
	if (nul[1] * 10 >= n * 9 && nul[2] * 10 >= n * 9 && nul[3] * 10 >= n * 9 && nul[0] * 2 < n)
		return FAM_UTF32LE;
	if (nul[0] * 10 >= n * 9 && nul[1] * 10 >= n * 9 && nul[2] * 10 >= n * 9 && nul[3] * 2 < n)
		return FAM_UTF32BE;
	if ((nul[1] + nul[3]) * 10 >= n * 2 * 7 && (nul[0] + nul[2]) * 10 < n * 2)
		return FAM_UTF16LE;
	if ((nul[0] + nul[2]) * 10 >= n * 2 * 7 && (nul[1] + nul[3]) * 10 < n * 2)
		return FAM_UTF16BE;
	return FAM_UTF8;
}

/* Browser aliases first; anything else is handed to iconv as is. */
static enum family classify(const char *label)
{
	static const char *const latin1[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591", "iso-ir-100",
		"latin1", "latin-1", "l1", "cp819", "ibm819", "csisolatin1",
		"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "cp1252",
		"windows-1252", "x-cp1252",
	};
	static const char *const utf8[] = { "utf-8", "utf8", "unicode-1-1-utf-8" };

	for (size_t i = 0; i < sizeof(latin1) / sizeof(*latin1); i++)
		if (strcasecmp(label, latin1[i]) == 0)
			return FAM_CP1252;
	for (size_t i = 0; i < sizeof(utf8) / sizeof(*utf8); i++)
		if (strcasecmp(label, utf8[i]) == 0)
			return FAM_UTF8;
	/* a bare "utf-16" without BOM is little-endian on the web */
	if (strcasecmp(label, "utf-16") == 0 || strcasecmp(label, "utf-16le") == 0)
		return FAM_UTF16LE;
	if (strcasecmp(label, "utf-16be") == 0)
		return FAM_UTF16BE;
	return FAM_ICONV;
}

/* Labels come from HTTP headers and <meta>: refuse anything that is not a
 * plain name before iconv_open() sees it ("//TRANSLIT", paths, ...). */
static int clean_label(char *dst, const char *label)
{
	size_t n = 0;

	while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	for (; *label && *label != ' ' && *label != '\t' && *label != '"' && *label != '\''; label++) {
		unsigned char c = (unsigned char)*label;
		if (n == LABEL_MAX || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':'))
			return -1;
		dst[n++] = (char)c;
	}
	while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	dst[n] = '\0';
	return n == 0 || *label ? -1 : 0;
}

int rl_charset_to_utf8(char **out, size_t *out_len, const char *in, size_t len, const char *charset)
{
	const unsigned char *s = (const unsigned char *)in;
	rl_buf buf = RL_BUF_INIT(RL_CHARSET_MAX);
	char label[LABEL_MAX + 1];
	enum family fam;
	int error;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
		fam = FAM_UTF8;
		in += 3, len -= 3;
	} else if (len >= 4 && s[0] == 0xFF && s[1] == 0xFE && s[2] == 0 && s[3] == 0) {
		fam = FAM_UTF32LE;
		in += 4, len -= 4;
	} else if (len >= 4 && s[0] == 0 && s[1] == 0 && s[2] == 0xFE && s[3] == 0xFF) {
		fam = FAM_UTF32BE;
		in += 4, len -= 4;
	} else if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
		fam = FAM_UTF16LE;
		in += 2, len -= 2;
	} else if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
		fam = FAM_UTF16BE;
		in += 2, len -= 2;
	} else if (charset != NULL) {
		if (clean_label(label, charset) < 0)
			return rl_error_set(RL_EINVAL, "unknown charset '%.*s'", LABEL_MAX, charset);
		fam = classify(label);
	} else if ((fam = sniff_wide(s, len)) == FAM_UTF8) {
		fam = looks_like_utf8(in, len) ? FAM_UTF8 : FAM_CP1252;
	}

	switch (fam) {
	case FAM_UTF8:
		error = repair_into(&buf, in, len);
		break;
	case FAM_CP1252:
		error = cp1252_into(&buf, in, len);
		break;
	case FAM_UTF16LE:
		error = iconv_into(&buf, in, len, "UTF-16LE", 2);
		break;
	case FAM_UTF16BE:
		error = iconv_into(&buf, in, len, "UTF-16BE", 2);
		break;
	case FAM_UTF32LE:
		error = iconv_into(&buf, in, len, "UTF-32LE", 4);
		break;
	case FAM_UTF32BE:
		error = iconv_into(&buf, in, len, "UTF-32BE", 4);
		break;
	default:
		error = iconv_into(&buf, in, len, label, 1);
		break;
	}
	if (!error)
		error = rl_buf_put(&buf, "", 0);
	if (error < 0) {
		if (error == RL_ETOOBIG)
			rl_error_set(RL_ETOOBIG, "text larger than %u bytes after conversion to utf-8",
				     RL_CHARSET_MAX);
		rl_buf_release(&buf);
		return error;
	}
	if (out_len)
		*out_len = buf.len;
	*out = rl_buf_detach(&buf);
	return 0;
}

const char *rl_charset_detect_wide(const char *in, size_t len)
{
	static const char *const names[] = { [FAM_UTF16LE] = "UTF-16LE", [FAM_UTF16BE] = "UTF-16BE",
					     [FAM_UTF32LE] = "UTF-32LE", [FAM_UTF32BE] = "UTF-32BE" };
	enum family fam = sniff_wide((const unsigned char *)in, len);

	return fam == FAM_UTF8 ? NULL : names[fam];
}

/* A charset comes from a hostile server and steers decoding: only a short,
 * plausible name gets through (also read back from captures, evidence). */
char *rl_charset_from_content_type(const char *content_type)
{
	const char *p, *v;
	char out[RL_CHARSET_NAME_MAX + 1];
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
		if (n == RL_CHARSET_NAME_MAX)
			return NULL;
		out[n++] = (char)tolower(c);
	}
	if (n == 0)
		return NULL;
	out[n] = '\0';
	return rl_strdup(out);
}
