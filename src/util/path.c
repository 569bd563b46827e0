/*
 * path.c - safe file names inside the archive.
 *
 * Titles come from the network, so a slug is built from scratch out of ASCII
 * [a-z0-9] runs joined by '-': nothing in a title can survive into a path as
 * '/', '.', a control character or non-ASCII.  rl_path_is_safe() is the last
 * gate before anything is written into a tree; the archive calls it on every
 * path it commits.
 */
#include "redline/path.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <utf8proc.h>

/* Only the start of a huge title can reach the slug: bound the work. */
#define SLUG_INPUT_MAX 1024
#define PATH_MAX_LEN 1024
#define COMPONENT_MAX 255
#define SOURCE_NAME_MAX 64

/* Letters that have no decomposition but an obvious ASCII spelling. */
static const char *ascii_for(utf8proc_int32_t c)
{
	switch (c) {
	case 0x00F8: case 0x00D8: return "o";  /* ø */
	case 0x00E6: case 0x00C6: return "ae"; /* æ */
	case 0x0153: case 0x0152: return "oe"; /* œ */
	case 0x0142: case 0x0141: return "l";  /* ł */
	case 0x0111: case 0x0110: return "d";  /* đ */
	case 0x00F0: case 0x00D0: return "d";  /* ð */
	case 0x00FE: case 0x00DE: return "th"; /* þ */
	case 0x0131: return "i";               /* dotless i */
	case 0x00DF: return "ss";              /* ß (casefold makes it ss too) */
	default: return NULL;
	}
}

/* Appends the ASCII form of `c` to the slug being built; 0 when it is a separator. */
static int slug_char(char *out, size_t *len, size_t cap, utf8proc_int32_t c)
{
	const char *alt;

	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
		if (*len < cap)
			out[(*len)++] = (char)c;
		return 1;
	}
	if (c >= 'A' && c <= 'Z') {
		if (*len < cap)
			out[(*len)++] = (char)(c - 'A' + 'a');
		return 1;
	}
	if ((alt = ascii_for(c)) != NULL) {
		for (; *alt; alt++)
			if (*len < cap)
				out[(*len)++] = *alt;
		return 1;
	}
	return 0;
}

void rl_path_slug(char out[RL_PATH_SLUG_MAX + 1], const char *title)
{
	/* Room for a little more than the maximum, so a cut can go back to a '-'. */
	char work[RL_PATH_SLUG_MAX * 2 + 8];
	size_t len = 0, in_len, cap = sizeof(work) - 1;
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t mapped_len;
	char input[SLUG_INPUT_MAX + 1];
	int pending_dash = 0;

	if (title == NULL)
		title = "";
	in_len = strnlen(title, SLUG_INPUT_MAX);
	/* Cut at a character boundary, never inside a UTF-8 sequence. */
	while (in_len > 0 && in_len < strlen(title) &&
	       ((unsigned char)title[in_len] & 0xC0) == 0x80)
		in_len--;
	memcpy(input, title, in_len);
	input[in_len] = '\0';

	/* ASCII (most titles) is only lower-cased by the mapping, which
	 * slug_char() does itself: the loop below without utf8proc_map(),
	 * ~20,000 instructions a title. */
	mapped_len = -1;
	for (size_t i = 0; i < in_len; i++)
		if ((unsigned char)input[i] >= 0x80) {
			mapped_len = utf8proc_map((const utf8proc_uint8_t *)input, 0, &mapped,
						  UTF8PROC_NULLTERM | UTF8PROC_STABLE |
							  UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
							  UTF8PROC_CASEFOLD);
			break;
		}
	if (mapped_len >= 0) {
		utf8proc_ssize_t pos = 0;
		while (pos < mapped_len && len < cap) {
			utf8proc_int32_t c;
			utf8proc_ssize_t step = utf8proc_iterate(mapped + pos, mapped_len - pos, &c);
			if (step <= 0)
				break;
			pos += step;
			size_t before = len;
			if (pending_dash && len > 0 && len < cap)
				work[len++] = '-';
			if (slug_char(work, &len, cap, c))
				pending_dash = 0;
			else {
				len = before;
				pending_dash = 1;
			}
		}
	} else {
		/* ASCII, or not valid UTF-8: the ASCII letters and digits only. */
		for (size_t i = 0; i < in_len && len < cap; i++) {
			size_t before = len;
			unsigned char c = (unsigned char)input[i];
			if (pending_dash && len > 0 && len < cap)
				work[len++] = '-';
			if (c < 0x80 && slug_char(work, &len, cap, c))
				pending_dash = 0;
			else {
				len = before;
				pending_dash = 1;
			}
		}
	}
	free(mapped);

	while (len > 0 && work[len - 1] == '-')
		len--;
	if (len > RL_PATH_SLUG_MAX) {
		/* Prefer a cut at a word boundary unless it throws away too much. */
		size_t cut = RL_PATH_SLUG_MAX;
		if (work[cut] != '-') {
			size_t i = cut;
			while (i > RL_PATH_SLUG_MAX / 2 && work[i] != '-')
				i--;
			if (work[i] == '-')
				cut = i;
		}
		len = cut;
		while (len > 0 && work[len - 1] == '-')
			len--;
	}
	if (len == 0) {
		strcpy(out, "story");
		return;
	}
	memcpy(out, work, len);
	out[len] = '\0';
}

int rl_path_source_name_check(const char *name)
{
	size_t len;

	if (name == NULL || name[0] == '\0')
		return rl_error_set(RL_EINVAL, "source name is empty");
	len = strnlen(name, SOURCE_NAME_MAX + 1);
	if (len > SOURCE_NAME_MAX)
		return rl_error_set(RL_EINVAL, "source name '%.64s...' is longer than %d characters",
				    name, SOURCE_NAME_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '_' || c == '-';
		if (!ok) {
			/* Do not echo control bytes to a terminal. */
			if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
				return rl_error_set(RL_EINVAL,
						    "bad source name: byte 0x%02x is not allowed "
						    "(use a-z, 0-9, '.', '_', '-')", (unsigned char)c);
			return rl_error_set(RL_EINVAL,
					    "bad source name '%s': '%c' is not allowed "
					    "(use a-z, 0-9, '.', '_', '-')", name, c);
		}
	}
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return rl_error_set(RL_EINVAL,
				    "bad source name '%s': must start with a letter or digit", name);
	if (len >= 5 && strcmp(name + len - 5, ".lock") == 0)
		return rl_error_set(RL_EINVAL, "bad source name '%s': must not end in '.lock'", name);
	return 0;
}

int rl_path_is_safe(const char *path)
{
	const char *p, *comp;
	size_t len;

	if (path == NULL || path[0] == '\0' || path[0] == '/')
		return 0;
	len = strnlen(path, PATH_MAX_LEN + 1);
	if (len > PATH_MAX_LEN)
		return 0;
	for (p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f || c == '\\')
			return 0;
	}
	comp = path;
	for (;;) {
		const char *end = strchr(comp, '/');
		size_t n = end ? (size_t)(end - comp) : strlen(comp);
		if (n == 0 || n > COMPONENT_MAX)
			return 0;
		if ((n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
			return 0;
		if (n == 4 && strncasecmp(comp, ".git", 4) == 0)
			return 0;
		if (end == NULL)
			break;
		comp = end + 1;
	}
	return 1;
}
