/*
 * url.c - canonical URLs, so that one story has one identity.
 *
 * RFC 3986 reference resolution (5.2) plus the normalisations that do not
 * change what a server returns: lower-case scheme and host, no default
 * port, no dot segments, upper-case percent escapes with unreserved
 * characters decoded, no fragment; and one that does not change the story:
 * tracking parameters removed.  Only http and https come out: javascript:,
 * data:, mailto:, file: and friends are RL_EINVAL.
 * Invariant: every string here is at most RL_URL_MAX (+ escapes) long.
 */
#include "redline/normalise.h"
#include "redline/url.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* escapes may triple the length of non-ASCII bytes */
#define WORK_MAX (3 * RL_URL_MAX + 16)

struct url {
	char *scheme;    /* lower case, NULL when relative */
	char *authority; /* NULL when absent ("//" not given) */
	char *path;      /* never NULL, may be "" */
	char *query;     /* NULL when absent, without '?' */
};

static void url_release(struct url *u)
{
	free(u->scheme);
	free(u->authority);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
}

/* Parameters that identify a campaign or a click, never a story. */
static bool is_tracking_param(const char *name, size_t len)
{
	static const char *const names[] = {
		"fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid",
		"mc_cid", "mc_eid", "igshid", "yclid", "_ga", "_gl", "ref_src", "ocid",
		"at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3",
		"at_custom4", "xtor", "ito", "cmpid", "smid", "_hsenc", "_hsmi",
		"mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "wt.mc_id",
		"ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
		"sr_share", "guccounter", "guce_referrer", "guce_referrer_sig",
		"twclid", "ttclid", "li_fat_id", "s_kwcid", "ef_id",
	};

	if (len >= 4 && strncasecmp(name, "utm_", 4) == 0)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strlen(names[i]) == len && strncasecmp(name, names[i], len) == 0)
			return true;
	return false;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool is_unreserved(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * Copies a path or query with escapes made canonical: "%7e" -> "~",
 * "%2f" -> "%2F", bytes outside printable ASCII (and spaces) escaped,
 * a stray '%' escaped as "%25".
 */
static int put_escaped(rl_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	int error = 0;

	for (size_t i = 0; i < len && error == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int h = -1;
			if (i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0)
				h = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
			if (h >= 0 && is_unreserved(h)) {
				error = rl_buf_putc(out, (char)h);
				i += 2;
			} else if (h >= 0) {
				char e[3] = { '%', hex[h >> 4], hex[h & 15] };
				error = rl_buf_put(out, e, 3);
				i += 2;
			} else {
				error = rl_buf_puts(out, "%25");
			}
		} else if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' ||
			   c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}') {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			error = rl_buf_put(out, e, 3);
		} else {
			error = rl_buf_putc(out, (char)c);
		}
	}
	return error;
}

static char *escaped_copy(const char *s, size_t len)
{
	rl_buf b = RL_BUF_INIT(WORK_MAX);

	if (put_escaped(&b, s, len) < 0 || rl_buf_put(&b, "", 0) < 0) {
		rl_buf_release(&b);
		return NULL;
	}
	return rl_buf_detach(&b);
}

/* RFC 3986, appendix B, on a string without surrounding space. */
static int parse(struct url *u, const char *s)
{
	size_t n = strcspn(s, ":/?#"), i;

	memset(u, 0, sizeof(*u));
	if (s[n] == ':' && n > 0 && isalpha((unsigned char)s[0])) {
		for (i = 1; i < n; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.')
				break;
		if (i == n) {
			if ((u->scheme = rl_strndup(s, n)) == NULL)
				goto nomem;
			for (i = 0; i < n; i++)
				u->scheme[i] = (char)tolower((unsigned char)u->scheme[i]);
			s += n + 1;
		}
	}
	if (s[0] == '/' && s[1] == '/') {
		n = strcspn(s + 2, "/?#");
		if ((u->authority = rl_strndup(s + 2, n)) == NULL)
			goto nomem;
		s += 2 + n;
	}
	n = strcspn(s, "?#");
	if ((u->path = escaped_copy(s, n)) == NULL)
		goto nomem;
	s += n;
	if (*s == '?') {
		n = strcspn(s + 1, "#");
		if ((u->query = rl_strndup(s + 1, n)) == NULL)
			goto nomem;
	}
	return 0;
nomem:
	url_release(u);
	return rl_error_set(RL_ENOMEM, "out of memory");
}

/* RFC 3986, 5.2.4, in place: the output never outgrows the input, and
 * `out` never passes `in`, so rewriting a byte of the input is safe. */
static void remove_dot_segments(char *path)
{
	char *in = path, *out = path;

	while (*in) {
		if (strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (strcmp(in, "/.") == 0) {
			in += 1;
			*in = '/';
		} else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			if (in[3] == '/') {
				in += 3;
			} else {
				in += 2;
				*in = '/';
			}
			while (out > path && *--out != '/')
				;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0) {
			in += strlen(in);
		} else {
			do
				*out++ = *in++;
			while (*in && *in != '/');
		}
	}
	*out = '\0';
}

/* RFC 3986, 5.2.2 (strict: a reference with a scheme is absolute).  `r` is
 * consumed: its strings move into `t`. */
static int resolve(struct url *t, struct url *r, const struct url *b)
{
	rl_buf merged = RL_BUF_INIT(WORK_MAX);
	int error = 0;

	memset(t, 0, sizeof(*t));
	if (r->scheme || r->authority) {
		*t = *r;
		memset(r, 0, sizeof(*r));
		if (t->scheme == NULL && (t->scheme = rl_strdup(b->scheme)) == NULL)
			error = RL_ENOMEM;
		goto done;
	}
	if ((t->scheme = rl_strdup(b->scheme)) == NULL ||
	    (b->authority && (t->authority = rl_strdup(b->authority)) == NULL)) {
		error = RL_ENOMEM;
		goto done;
	}
	if (r->path[0] == '\0') {
		if ((t->path = rl_strdup(b->path)) == NULL) {
			error = RL_ENOMEM;
			goto done;
		}
		if (r->query) {
			t->query = r->query;
			r->query = NULL;
		} else if (b->query && (t->query = rl_strdup(b->query)) == NULL) {
			error = RL_ENOMEM;
		}
		goto done;
	}
	if (r->path[0] == '/') {
		t->path = r->path;
		r->path = NULL;
	} else {
		const char *slash = strrchr(b->path, '/');
		if (b->authority && b->path[0] == '\0')
			error = rl_buf_putc(&merged, '/');
		else if (slash)
			error = rl_buf_put(&merged, b->path, (size_t)(slash - b->path) + 1);
		if (error == 0)
			error = rl_buf_puts(&merged, r->path);
		if (error < 0)
			goto done;
		t->path = rl_buf_detach(&merged);
	}
	t->query = r->query;
	r->query = NULL;
done:
	rl_buf_release(&merged);
	if (error == RL_ENOMEM)
		rl_error_set(RL_ENOMEM, "out of memory");
	if (error == 0)
		remove_dot_segments(t->path);
	return error;
}

/* host[:port] with the host lowercased and a default port dropped; the
 * userinfo is dropped too: a story's URL is stored, shown and handed to
 * hooks, and credentials belong in the config, never in the history. */
static int put_authority(rl_buf *out, const char *auth, const char *scheme, const char *url)
{
	const char *at = strrchr(auth, '@'), *host = at ? at + 1 : auth, *colon, *p;
	size_t hostlen;
	unsigned long port = 0;
	int error = 0;

	if (host[0] == '[') {
		const char *close = strchr(host, ']');
		if (close == NULL)
			return rl_error_set(RL_EINVAL, "bad ipv6 host in url '%s'", url);
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] != '\0' && close[1] != ':')
			return rl_error_set(RL_EINVAL, "bad host in url '%s'", url);
	} else {
		colon = strchr(host, ':');
	}
	hostlen = colon ? (size_t)(colon - host) : strlen(host);
	if (hostlen == 0)
		return rl_error_set(RL_EINVAL, "no host in url '%s'", url);
	for (size_t i = 0; i < hostlen; i++) {
		unsigned char c = (unsigned char)host[i];
		if (c <= 0x20 || c == 0x7F || strchr("<>\"{}|\\^`%/?#@", c))
			return rl_error_set(RL_EINVAL, "bad host in url '%s'", url);
	}
	if (colon) {
		for (p = colon + 1; *p; p++) {
			if (!isdigit((unsigned char)*p) || port > 65535)
				return rl_error_set(RL_EINVAL, "bad port in url '%s'", url);
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port > 65535 || (colon[1] && port == 0))
			return rl_error_set(RL_EINVAL, "bad port in url '%s'", url);
	}
	for (size_t i = 0; i < hostlen && error == 0; i++)
		error = rl_buf_putc(out, (char)tolower((unsigned char)host[i]));
	if (error == 0 && port != 0 &&
	    !(port == 80 && strcmp(scheme, "http") == 0) &&
	    !(port == 443 && strcmp(scheme, "https") == 0))
		error = rl_buf_printf(out, ":%lu", port);
	return error;
}

/* The query without tracking and empty parameters; no '?' when none is left. */
static int put_query(rl_buf *out, const char *query)
{
	bool first = true;
	int error = 0;

	while (error == 0) {
		size_t len = strcspn(query, "&"), name = strcspn(query, "=&");
		if (len > 0 && !is_tracking_param(query, name)) {
			if ((error = rl_buf_putc(out, first ? '?' : '&')) == 0)
				error = put_escaped(out, query, len);
			first = false;
		}
		if (query[len] == '\0')
			break;
		query += len + 1;
	}
	return error;
}

/* WHATWG-style cleanup: no surrounding space or controls, no tabs or line
 * breaks inside, '\' is '/' before the query (as for http in browsers). */
static char *clean_input(const char *s)
{
	size_t len = strlen(s), n = 0;
	bool in_path = true;
	char *c;

	while (len > 0 && (unsigned char)s[len - 1] <= 0x20)
		len--;
	while (len > 0 && (unsigned char)*s <= 0x20)
		s++, len--;
	if ((c = malloc(len + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
			continue;
		if (s[i] == '?' || s[i] == '#')
			in_path = false;
		c[n++] = in_path && s[i] == '\\' ? '/' : s[i];
	}
	c[n] = '\0';
	return c;
}

static int parse_clean(struct url *u, const char *s, const char *what)
{
	char *c;
	int error;

	if (strlen(s) > RL_URL_MAX)
		return rl_error_set(RL_ETOOBIG, "%s longer than %u bytes", what, RL_URL_MAX);
	if ((c = clean_input(s)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (const char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F) {
			free(c);
			return rl_error_set(RL_EINVAL, "control character in %s", what);
		}
	error = parse(u, c);
	free(c);
	return error;
}

static bool is_http(const char *scheme)
{
	return scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
}

int rl_url_normalise(char **out, const char *url, const char *base)
{
	struct url r = { 0 }, b = { 0 }, t = { 0 };
	rl_buf buf = RL_BUF_INIT(WORK_MAX);
	int error;

	*out = NULL;
	if ((error = parse_clean(&r, url, "url")) < 0)
		goto done;
	if (r.scheme) {
		if (!is_http(r.scheme)) {
			error = rl_error_set(RL_EINVAL, "not an http(s) url: '%.200s'", url);
			goto done;
		}
		error = resolve(&t, &r, &r);
	} else {
		if (base == NULL) {
			error = rl_error_set(RL_EINVAL, "relative url '%.200s' without a base", url);
			goto done;
		}
		if ((error = parse_clean(&b, base, "base url")) < 0)
			goto done;
		if (!is_http(b.scheme) || b.authority == NULL) {
			error = rl_error_set(RL_EINVAL, "base is not an http(s) url: '%.200s'", base);
			goto done;
		}
		error = resolve(&t, &r, &b);
	}
	if (error < 0)
		goto done;
	if (t.authority == NULL) {
		error = rl_error_set(RL_EINVAL, "no host in url '%.200s'", url);
		goto done;
	}
	if ((error = rl_buf_printf(&buf, "%s://", t.scheme)) < 0 ||
	    (error = put_authority(&buf, t.authority, t.scheme, url)) < 0 ||
	    (error = rl_buf_puts(&buf, t.path[0] ? t.path : "/")) < 0 ||
	    (t.query && (error = put_query(&buf, t.query)) < 0))
		goto done;
	*out = rl_buf_detach(&buf);
done:
	if (error == RL_ETOOBIG && *out == NULL && buf.len)
		rl_error_set(RL_ETOOBIG, "canonical url longer than %u bytes", WORK_MAX);
	rl_buf_release(&buf);
	url_release(&r);
	url_release(&b);
	url_release(&t);
	return error;
}
