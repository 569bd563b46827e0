/*
 * state_json.c - the text of a state cache (state.c), written directly.
 *
 * rl_state_save() built a jansson tree of every item and dumped it: at the
 * end of a first cycle of 1,000 sources that was a fifth of the
 * instructions of the cycle's thread.  This writes the same bytes as
 * json_dumps(JSON_COMPACT) of that tree (tests/unit/test_state_json.c
 * compares the two): keys in insertion order, strings escaped as jansson
 * escapes them ('"', '\\', \b \f \n \r \t, other bytes below 0x20 as
 * \u00XX with upper-case hex, everything else as it is), integers in
 * decimal, and - as json_string() refuses a string that is not UTF-8 and
 * json_object_set_new() then sets nothing - a field whose text is not
 * valid UTF-8 left out.
 */
#include "state_json_internal.h"
#include "redline/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* jansson's utf8_check_string(): strict UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char u = s[i];
		uint32_t v;
		size_t n;

		if (u < 0x80) {
			i++;
			continue;
		}
		if (u >= 0xC2 && u <= 0xDF)
			n = 2, v = u & 0x1Fu;
		else if (u >= 0xE0 && u <= 0xEF)
			n = 3, v = u & 0x0Fu;
		else if (u >= 0xF0 && u <= 0xF4)
			n = 4, v = u & 0x07u;
		else
			return 0;
		if (n > len - i)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return 0;
			v = (v << 6) | (s[i + k] & 0x3Fu);
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) ||
		    (n == 4 && v < 0x10000))
			return 0;
		i += n;
	}
	return 1;
}

/* `s` (valid UTF-8) as a JSON string, the way jansson's dump escapes it. */
static int put_string(rl_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start = 0;
	int error;

	if ((error = rl_buf_putc(b, '"')) < 0)
		return error;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[6] = { '\\', 0, 0, 0, 0, 0 };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		if ((error = rl_buf_put(b, s + start, i - start)) < 0 ||
		    (error = rl_buf_put(b, esc, n)) < 0)
			return error;
		start = i + 1;
	}
	if ((error = rl_buf_put(b, s + start, len - start)) < 0)
		return error;
	return rl_buf_putc(b, '"');
}

/* ,"key":"value" (no comma when `first`); nothing for a NULL or non-UTF-8
 * value, as jansson would leave it out. */
static int put_field(rl_buf *b, int *first, const char *key, const char *value)
{
	size_t len;
	int error;

	if (value == NULL || !utf8_valid((const unsigned char *)value, len = strlen(value)))
		return 0;
	if ((!*first && (error = rl_buf_putc(b, ',')) < 0) || (error = rl_buf_putc(b, '"')) < 0 ||
	    (error = rl_buf_puts(b, key)) < 0 || (error = rl_buf_put(b, "\":", 2)) < 0)
		return error;
	*first = 0;
	return put_string(b, value, len);
}

static int put_integer(rl_buf *b, int *first, const char *key, int64_t value)
{
	char num[32];
	int n = snprintf(num, sizeof(num), "%" PRId64, value), error;

	if ((!*first && (error = rl_buf_putc(b, ',')) < 0) || (error = rl_buf_putc(b, '"')) < 0 ||
	    (error = rl_buf_puts(b, key)) < 0 || (error = rl_buf_put(b, "\":", 2)) < 0)
		return error;
	*first = 0;
	return rl_buf_put(b, num, (size_t)n);
}

int state_json_render(rl_buf *out, const rl_state *state, const char *known)
{
	char tree[GIT_OID_HEXSZ + 1], hex[RL_HASH_HEX_SIZE];
	int first = 1, error;

	git_oid_tostr(tree, sizeof(tree), &state->tree);
	if ((error = rl_buf_putc(out, '{')) < 0 ||
	    (error = put_integer(out, &first, "version", RL_STATE_JSON_VERSION)) < 0 ||
	    (error = put_field(out, &first, "source", state->source)) < 0 ||
	    (error = put_field(out, &first, "tree", tree)) < 0)
		return error;
	if (state->has_snapshot) {
		rl_hash128_hex(hex, state->snapshot);
		if ((error = put_field(out, &first, "snapshot", hex)) < 0)
			return error;
	}
	if ((state->has_last_time &&
	     (error = put_integer(out, &first, "last_time", state->last_time)) < 0) ||
	    (error = put_field(out, &first, "known", known)) < 0 ||
	    (error = rl_buf_puts(out, first ? "\"items\":[" : ",\"items\":[")) < 0)
		return error;
	for (size_t i = 0; i < state->n; i++) {
		const rl_state_item *it = &state->items[i];
		int f = 1;

		rl_hash128_hex(hex, it->hash);
		if ((i > 0 && (error = rl_buf_putc(out, ',')) < 0) ||
		    (error = rl_buf_putc(out, '{')) < 0 ||
		    (error = put_field(out, &f, "id", it->id)) < 0 ||
		    (error = put_field(out, &f, "hash", hex)) < 0 ||
		    (error = put_field(out, &f, "path", it->path)) < 0 ||
		    (error = put_field(out, &f, "key", it->key)) < 0 ||
		    (error = put_field(out, &f, "title", it->title)) < 0 ||
		    (error = put_integer(out, &f, "first_seen", it->first_seen)) < 0 ||
		    (error = rl_buf_putc(out, '}')) < 0)
			return error;
	}
	return rl_buf_put(out, "]}", 2);
}
