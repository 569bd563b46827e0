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
#include <stdint.h>
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

/* ,"key":"value" (no comma when `first`), `value` escaped the way
 * jansson's dump escapes it; nothing for a NULL or non-UTF-8 value, as
 * jansson would leave it out.  Written straight into the buffer, room
 * made once for the worst case (every byte a 6-byte escape). */
static int put_field(rl_buf *b, int *first, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *v = (const unsigned char *)value;
	size_t len, key_len, i;
	int ascii = 1, error;
	char *p;

	if (value == NULL)
		return 0;
	for (len = 0; v[len]; len++)
		ascii &= v[len] < 0x80;
	if (!ascii && !utf8_valid(v, len))
		return 0;
	key_len = strlen(key);
	if (len > (SIZE_MAX - key_len - 8) / 6)
		return rl_error_set(RL_ETOOBIG, "a state field of %zu bytes", len);
	if ((error = rl_buf_grow(b, key_len + 6 * len + 8)) < 0)
		return error;
	p = b->ptr + b->len;
	if (!*first)
		*p++ = ',';
	*first = 0;
	*p++ = '"';
	memcpy(p, key, key_len);
	p += key_len;
	memcpy(p, "\":\"", 3);
	p += 3;
	for (i = 0; i < len; i++) {
		unsigned char c = v[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
	}
	*p++ = '"';
	*p = '\0';
	b->len = (size_t)(p - b->ptr);
	return 0;
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
