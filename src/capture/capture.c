/*
 * capture.c - building, finding and decoding raw captures.
 *
 * A capture's path comes from its record id alone (.captures/YYYY-MM/DD/HH/
 * X/<uuid>.warc.gz for the time-ordered ids written now, .captures/<2 hex>/
 * <uuid>.warc.gz for the random ones written before), so the trailer is
 * enough to find it in any commit that holds it, and nothing of the
 * network reaches a path.
 */
#include "redline/capture.h"
#include "redline/charset.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/format.h"
#include "redline/hash.h"
#include "redline/timeutil.h"
#include "warc_internal.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>


#define FACTS_MAX 8192
#define DECODED_MAX (16u * 1024 * 1024)

int rl_capture_mode_get(rl_capture_mode *out, rl_archive *archive)
{
	char *value = NULL;
	int error = rl_config_get_string(&value, archive, "redline.capture");

	/* On unless switched off: every commit keeps the bytes it was made
	 * from, so the archive is evidence by default (docs/evidence.md).  An
	 * archive made for reading stories alone can say `off`. */
	*out = RL_CAPTURE_COMMITS;
	if (error < 0 || value == NULL)
		return error;
	if (strcmp(value, "all") == 0)
		*out = RL_CAPTURE_ALL;
	else if (strcmp(value, "off") == 0 || strcmp(value, "false") == 0)
		*out = RL_CAPTURE_OFF;
	else if (strcmp(value, "commits") == 0 || strcmp(value, "true") == 0)
		*out = RL_CAPTURE_COMMITS;
	else
		error = rl_error_set(RL_EINVAL,
				     "redline.capture is '%.40s': use commits, all or off", value);
	free(value);
	return error;
}

void rl_capture_free(rl_capture *c)
{
	if (c == NULL)
		return;
	rl_buf_release(&c->bytes);
	free(c->packed.bytes);
	free(c);
}

/* The Unix milliseconds of a version 7 uuid ("tttttttt-tttt-7..."): its
 * first 48 bits.  -1 for any other version (the version 4 ids of captures
 * written before time-ordered ids). */
static int64_t uuid_v7_ms(const char *u)
{
	int64_t ms = 0;

	if (u[14] != '7')
		return -1;
	for (int i = 0; i < 13; i++) {
		if (i == 8)
			continue; /* the hyphen */
		ms = ms * 16 + (u[i] <= '9' ? u[i] - '0' : u[i] - 'a' + 10);
	}
	return ms;
}

int rl_capture_path(char out[RL_CAPTURE_PATH_SIZE], const char *id)
{
	const char *u;
	size_t n;
	int64_t ms;
	struct tm tm;
	time_t secs;
	char hour[24];

	if (id == NULL || strncmp(id, "<urn:uuid:", 10) != 0)
		goto bad;
	u = id + 10;
	n = strspn(u, "0123456789abcdef-");
	if (n != 36 || strcmp(u + n, ">") != 0 || u[8] != '-' || u[13] != '-')
		goto bad;
	/* Two layouts, both found from the id alone (docs/archive-format.md,
	 * "Captures").  A time-ordered (v7) id goes to the folder of its UTC
	 * hour, split 16 ways by the id's first random hex digit (u[15]):
	 * a commit rewrites folders that stay small whatever the archive's
	 * size (months, days <= 31, hours <= 24, 16, and a sixteenth of the
	 * captures of one hour), not one of 256 that grow with the whole
	 * archive.  The 16 ways matter when many snapshots share an hour (a
	 * backfill of 200 feeds taken at the same times, or a watch of a
	 * thousand pages).  A random (v4) id, as written before, goes to the
	 * folder of its first two hex digits. */
	ms = uuid_v7_ms(u);
	secs = (time_t)(ms / 1000);
	if (ms >= 0 && gmtime_r(&secs, &tm) != NULL &&
	    strftime(hour, sizeof(hour), "%Y-%m/%d/%H", &tm) > 0)
		snprintf(out, RL_CAPTURE_PATH_SIZE, RL_CAPTURE_DIR "/%.16s/%c/%.36s.warc.gz", hour,
			 u[15], u);
	else
		snprintf(out, RL_CAPTURE_PATH_SIZE, RL_CAPTURE_DIR "/%.2s/%.36s.warc.gz", u, u);
	return 0;
bad:
	return rl_error_set(RL_EINVAL, "not a capture id: '%.80s' (want <urn:uuid:...>)",
			    id ? id : "");
}

/* A capture's id: a version 7 uuid (RFC 9562: 48 bits of Unix
 * milliseconds, then 74 random bits) whose time is the capture's own (the
 * fetch, or the time a file ingested was taken at), so that its path
 * (rl_capture_path) sorts with the archive's history, also when old
 * snapshots are ingested today (RFC 9562 6.1 lets the time source be
 * chosen).  A time outside 48 bits of milliseconds (before 1970) gets a
 * version 4 id: the old layout, still read. */
static int new_capture_id(char out[RL_WARC_ID_SIZE], int64_t time)
{
	char ms[16];
	int error;

	/* a random (v4) id, then its first 48 bits and its version made v7's */
	if ((error = rl_warc_new_id(out)) < 0 || time < 0 ||
	    time > (int64_t)((UINT64_C(1) << 48) / 1000 - 1))
		return error;
	snprintf(ms, sizeof(ms), "%012llx", (unsigned long long)time * 1000);
	memcpy(out + 10, ms, 8);
	memcpy(out + 10 + 9, ms + 8, 4);
	out[10 + 14] = '7';
	return 0;
}

void rl_capture_extractor_version(char *out, size_t size, const rl_source_config *cfg)
{
	rl_buf b = RL_BUF_INIT(1u << 20);
	uint64_t h;

	if (cfg) {
		rl_buf_printf(&b, "format=%s\n", rl_format_name(cfg->format));
		rl_buf_printf(&b, "item=%s\ntitle=%s\nlink=%s\nbody=%s\n",
			      cfg->select_item ? cfg->select_item : "",
			      cfg->select_title ? cfg->select_title : "",
			      cfg->select_link ? cfg->select_link : "",
			      cfg->select_body ? cfg->select_body : "");
		for (size_t i = 0; i < cfg->ignore.n; i++)
			rl_buf_printf(&b, "ignore=%s\n", cfg->ignore.v[i]);
	}
	h = rl_hash64_bytes(b.ptr ? b.ptr : "", b.len);
	snprintf(out, size, "redline/%s rules/%016llx", REDLINE_VERSION, (unsigned long long)h);
	rl_buf_release(&b);
}

static int new_capture(rl_capture **out, int64_t time)
{
	rl_capture *c = calloc(1, sizeof(*c));
	int error;

	*out = NULL;
	if (c == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	rl_buf_init(&c->bytes, RL_CAPTURE_MAX);
	if ((error = new_capture_id(c->id, time)) < 0 ||
	    (error = rl_capture_path(c->path, c->id)) < 0) {
		rl_capture_free(c);
		return error;
	}
	*out = c;
	return 0;
}

static int append_facts(rl_capture *c, const char *uri, int64_t time,
			const rl_capture_facts *facts)
{
	rl_buf block = RL_BUF_INIT(FACTS_MAX);
	rl_warc_fields f = { 0 };
	char id[RL_WARC_ID_SIZE];
	int error;

	if ((error = rl_warc_new_id(id)) < 0)
		return error;
	if ((facts->source && (error = rl_buf_printf(&block, "source: %s\r\n", facts->source)) < 0) ||
	    (facts->extractor &&
	     (error = rl_buf_printf(&block, "extractor: %s\r\n", facts->extractor)) < 0) ||
	    (error = rl_buf_printf(&block, "decoded-length: %zu\r\n", facts->decoded_len)) < 0 ||
	    (facts->snapshot_xxh3 &&
	     (error = rl_buf_printf(&block, "snapshot-xxh3: %s\r\n", facts->snapshot_xxh3)) < 0) ||
	    (facts->outcome && (error = rl_buf_printf(&block, "outcome: %s\r\n", facts->outcome)) < 0) ||
	    (facts->incomplete && (error = rl_buf_puts(&block, "incomplete: yes\r\n")) < 0) ||
	    /* a URL never holds a line break (rl_url_normalise); never write one */
	    (facts->requested_uri && !strpbrk(facts->requested_uri, "\r\n") &&
	     (error = rl_buf_printf(&block, "requested-uri: %s\r\n", facts->requested_uri)) < 0) ||
	    (error = rl_buf_printf(&block, "software: redline/%s\r\n", REDLINE_VERSION)) < 0)
		goto done;
	f.type = "metadata";
	f.record_id = id;
	f.date = time;
	f.target_uri = uri;
	f.refers_to = c->id;
	f.content_type = "application/warc-fields";
	error = rl_warc_append(&c->bytes, &f, block.ptr, block.len);
done:
	rl_buf_release(&block);
	return error;
}

/* The value of HTTP header `name` in a header block, bounded copy. */
static int http_header(char *out, size_t size, const char *head, size_t len, const char *name)
{
	size_t n = strlen(name);
	const char *p = head, *end = head + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (ll > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			size_t vl = ll - n - 1;
			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			snprintf(out, size, "%.*s", (int)vl, v);
			return 1;
		}
		p += ll + 1;
	}
	return 0;
}

/* Whether a response's header block names a compressing content coding:
 * its body is compressed already.  A coding not known to compress
 * ("identity", "none", a typo) leaves the body to be compressed: a wrong
 * guess either way costs time or bytes, never data. */
static int body_content_coded(const char *head, size_t len)
{
	static const char *const compressing[] = { "gzip", "x-gzip", "deflate", "br", "zstd",
						   "compress", "x-compress" };
	char ce[64] = "";

	if (!http_header(ce, sizeof(ce), head ? head : "", head ? len : 0, "Content-Encoding"))
		return 0;
	for (size_t i = 0; i < sizeof(compressing) / sizeof(*compressing); i++)
		if (strcasecmp(ce, compressing[i]) == 0)
			return 1;
	return 0;
}

int rl_capture_new_http(rl_capture **out, const rl_capture_http *h, const rl_capture_facts *facts)
{
	rl_capture *c = NULL;
	rl_buf block = RL_BUF_INIT(RL_WARC_MAX_BLOCK);
	rl_warc_fields f = { 0 };
	char req_id[RL_WARC_ID_SIZE];
	int error;

	*out = NULL;
	if ((error = new_capture(&c, h->time)) < 0 || (error = rl_warc_new_id(req_id)) < 0)
		goto done;
	f.date = h->time;
	f.target_uri = h->target_uri;
	f.ip = h->ip && *h->ip ? h->ip : NULL;
	f.http = 1;
	if (h->request && h->request_len) {
		f.type = "request";
		f.record_id = req_id;
		f.concurrent_to = c->id;
		f.content_type = "application/http;msgtype=request";
		if ((error = rl_warc_append(&c->bytes, &f, h->request, h->request_len)) < 0)
			goto done;
	}
	if ((error = rl_buf_put(&block, h->response_head, h->response_head_len)) < 0 ||
	    (!h->revisit &&
	     (error = rl_buf_put(&block, h->response_body, h->response_body_len)) < 0))
		goto done;
	f.payload_compressed = !h->revisit && body_content_coded(h->response_head,
								    h->response_head_len);
	f.type = h->revisit ? "revisit" : "response";
	f.record_id = c->id;
	f.concurrent_to = h->request && h->request_len ? req_id : NULL;
	f.content_type = "application/http;msgtype=response";
	f.profile = h->revisit ? h->revisit_profile : NULL;
	f.payload_digest = h->revisit ? h->revisit_digest : NULL;
	if ((error = rl_warc_append(&c->bytes, &f, block.ptr ? block.ptr : "", block.len)) < 0 ||
	    (error = append_facts(c, h->target_uri, h->time, facts)) < 0)
		goto done;
	/* Kept until its commit is written, maybe with a thousand others:
	 * the gzip step left room for the uncompressed size. */
	rl_buf_shrink(&c->bytes);
	*out = c;
	c = NULL;
done:
	rl_buf_release(&block);
	rl_capture_free(c);
	return error;
}

int rl_capture_new_resource(rl_capture **out, const char *uri, int64_t time,
			    const char *content_type, const char *data, size_t len,
			    const rl_capture_facts *facts)
{
	rl_capture *c = NULL;
	rl_warc_fields f = { 0 };
	int error;

	*out = NULL;
	if ((error = new_capture(&c, time)) < 0)
		goto done;
	f.type = "resource";
	f.record_id = c->id;
	f.date = time;
	f.target_uri = uri;
	f.content_type = content_type ? content_type : "application/octet-stream";
	if ((error = rl_warc_append(&c->bytes, &f, data, len)) < 0 ||
	    (error = append_facts(c, uri, time, facts)) < 0)
		goto done;
	/* Kept until its commit is written, maybe with a thousand others:
	 * the gzip step left room for the uncompressed size. */
	rl_buf_shrink(&c->bytes);
	*out = c;
	c = NULL;
done:
	rl_capture_free(c);
	return error;
}

static const char *format_mime(rl_format format)
{
	switch (format) {
	case RL_FORMAT_TEXT: return "text/plain";
	case RL_FORMAT_HTML: return "text/html";
	case RL_FORMAT_RSS: return "application/rss+xml";
	case RL_FORMAT_ATOM: return "application/atom+xml";
	default: return "application/octet-stream";
	}
}

int rl_capture_for_file(rl_capture **out, rl_archive *archive, const char *source,
			const rl_source_config *config, rl_format format, const char *uri,
			int64_t time, const char *data, size_t len)
{
	rl_source_config *owned = NULL;
	rl_capture_facts facts = { 0 };
	rl_capture_mode mode;
	char extractor[96], xxh[RL_HASH_HEX_SIZE];
	int error;

	*out = NULL;
	if ((error = rl_capture_mode_get(&mode, archive)) < 0 || mode == RL_CAPTURE_OFF)
		return error;
	if (config == NULL) {
		error = rl_config_source_load(&owned, archive, source);
		if (error < 0 && error != RL_ENOTFOUND)
			return error;
		rl_error_clear();
		config = owned;
	}
	rl_capture_extractor_version(extractor, sizeof(extractor), config);
	rl_hash128_hex(xxh, rl_hash128_bytes(data, len));
	facts.source = source;
	facts.extractor = extractor;
	facts.decoded_len = len;
	facts.snapshot_xxh3 = xxh;
	facts.outcome = "read from a file";
	if (format == RL_FORMAT_AUTO && config)
		format = config->format;
	error = rl_capture_new_resource(out, uri, time, format_mime(format), data, len, &facts);
	rl_source_config_free(owned);
	return error;
}

int rl_capture_ids(rl_strvec *ids, const char *message)
{
	const size_t tl = strlen(RL_CAPTURE_TRAILER);
	int error;

	for (const char *line = message; line && *line;) {
		size_t len = strcspn(line, "\n");
		if (len > tl && strncmp(line, RL_CAPTURE_TRAILER, tl) == 0 &&
		    (error = rl_strvec_pushn(ids, line + tl, len - tl)) < 0)
			return error;
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

int rl_capture_read(rl_buf *out, rl_archive *archive, const git_oid *commit, const char *id)
{
	char path[RL_CAPTURE_PATH_SIZE];
	int error;

	if ((error = rl_capture_path(path, id)) < 0)
		return error;
	rl_buf_clear(out);
	if ((error = rl_archive_read(out, archive, commit, path)) == RL_ENOTFOUND)
		return rl_error_set(RL_ENOTFOUND, "capture %s is not in the commit (no '%s')", id,
				    path);
	return error;
}

/* ---- decoding a capture back into the snapshot ------------------------- */

static int dechunk(rl_buf *out, const char *p, size_t len)
{
	const char *end = p + len;
	int error;

	for (;;) {
		char *stop;
		unsigned long long n;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return rl_error_set(RL_EPARSE, "capture: broken chunked body");
		n = strtoull(p, &stop, 16);
		if (stop == p || n > (unsigned long long)(end - eol - 1))
			return rl_error_set(RL_EPARSE, "capture: broken chunked body");
		if (n == 0)
			return 0;
		if ((error = rl_buf_put(out, eol + 1, (size_t)n)) < 0)
			return error;
		p = eol + 1 + n;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
			p += 2;
		else if (end - p >= 1 && p[0] == '\n')
			p += 1;
	}
}

/* gzip or zlib (windowBits 15+32 detects both), else raw deflate; a body
 * cut short keeps what there is, as curl would. */
static int inflate_all(rl_buf *out, const char *data, size_t len, int window)
{
	return warc_inflate(out, NULL, data, len, window, 1);
}

static int decode_http(rl_buf *out, const rl_warc_record *r)
{
	rl_buf unchunked = RL_BUF_INIT(RL_WARC_MAX_BLOCK);
	const char *body;
	size_t blen;
	char te[64] = "", ce[64] = "";
	int error;

	if ((error = rl_warc_payload(&body, &blen, r)) < 0)
		return error;
	http_header(te, sizeof(te), r->block, (size_t)(body - r->block), "Transfer-Encoding");
	http_header(ce, sizeof(ce), r->block, (size_t)(body - r->block), "Content-Encoding");
	if (strcasecmp(te, "chunked") == 0) {
		if ((error = dechunk(&unchunked, body, blen)) < 0)
			goto done;
		body = unchunked.ptr ? unchunked.ptr : "";
		blen = unchunked.len;
	}
	if (strcasecmp(ce, "gzip") == 0 || strcasecmp(ce, "x-gzip") == 0) {
		error = inflate_all(out, body, blen, 15 + 32);
	} else if (strcasecmp(ce, "deflate") == 0) {
		if ((error = inflate_all(out, body, blen, 15 + 32)) < 0) {
			rl_error_clear();
			rl_buf_clear(out);
			error = inflate_all(out, body, blen, -15);
		}
	} else if (ce[0] == '\0' || strcasecmp(ce, "identity") == 0 || strcasecmp(ce, "none") == 0) {
		/* "none": not a registered coding, but sent, and read as identity by curl */
		error = rl_buf_put(out, body, blen);
	} else {
		error = rl_error_set(RL_EPARSE, "capture: content coding '%s' cannot be decoded", ce);
	}
done:
	rl_buf_release(&unchunked);
	return error;
}

static int fact(char **out, const rl_warc_record *r, const char *name)
{
	char value[512];
	if (*out == NULL && http_header(value, sizeof(value), r->block, r->block_len, name) &&
	    (*out = rl_strdup(value)) == NULL)
		return RL_ENOMEM;
	return 0;
}

int rl_capture_snapshot(rl_buf *out, char **source, char **extractor, char **target,
			const char *warc, size_t len)
{
	rl_warc_record r;
	size_t off = 0;
	int error, found = 0;

	*source = *extractor = *target = NULL;
	rl_buf_clear(out);
	while ((error = rl_warc_read(&r, warc, len, &off)) == 0) {
		if (!found && strcmp(r.type, "response") == 0) {
			error = decode_http(out, &r);
			found = 1;
		} else if (!found && strcmp(r.type, "resource") == 0) {
			error = rl_buf_put(out, r.block, r.block_len);
			found = 1;
		} else if (strcmp(r.type, "metadata") == 0) {
			if ((error = fact(source, &r, "source")) == 0)
				error = fact(extractor, &r, "extractor");
		}
		if (error == 0 && found && *target == NULL && r.target_uri &&
		    (*target = rl_strdup(r.target_uri)) == NULL)
			error = RL_ENOMEM;
		rl_warc_record_clear(&r);
		if (error < 0)
			goto fail;
	}
	if (error != RL_ENOTFOUND)
		goto fail;
	if (!found)
		return rl_error_set(RL_ENOTFOUND, "the capture holds no response or resource body");
	if (out->ptr == NULL)
		error = rl_buf_put(out, "", 0);
	return error == RL_ENOTFOUND ? 0 : error;
fail:
	free(*source);
	free(*extractor);
	free(*target);
	*source = *extractor = *target = NULL;
	return error < 0 ? error : RL_EPARSE;
}

int rl_capture_fact(char **out, const char *warc, size_t len, const char *name)
{
	rl_warc_record r;
	size_t off = 0;
	int error;

	*out = NULL;
	while ((error = rl_warc_read(&r, warc, len, &off)) == 0) {
		if (strcmp(r.type, "metadata") == 0)
			error = fact(out, &r, name);
		rl_warc_record_clear(&r);
		if (error < 0 || *out)
			break;
	}
	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		error = 0;
	}
	if (error < 0) {
		free(*out);
		*out = NULL;
	}
	return error;
}

int rl_capture_http_charset(char **out, const char *warc, size_t len)
{
	rl_warc_record r;
	size_t off = 0;
	int error;

	*out = NULL;
	while ((error = rl_warc_read(&r, warc, len, &off)) == 0) {
		int response = strcmp(r.type, "response") == 0;
		char ctype[256];
		const char *body;
		size_t blen;
		if (response && rl_warc_payload(&body, &blen, &r) == 0 &&
		    http_header(ctype, sizeof(ctype), r.block, (size_t)(body - r.block),
				"Content-Type"))
			*out = rl_charset_from_content_type(ctype);
		rl_warc_record_clear(&r);
		if (response)
			return 0;
	}
	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		error = 0;
	}
	return error;
}

int rl_capture_http_status(long *status, const char *warc, size_t len)
{
	rl_warc_record r;
	size_t off = 0;
	int error;

	*status = 0;
	while ((error = rl_warc_read(&r, warc, len, &off)) == 0) {
		int response = strcmp(r.type, "response") == 0, found = response;
		if (response) {
			/* "HTTP/1.1 404 Not Found": the digits after the first space */
			const char *sp = memchr(r.block, ' ', r.block_len < 16 ? r.block_len : 16);
			if (sp == NULL || (size_t)(sp - r.block) + 4 > r.block_len ||
			    !isdigit((unsigned char)sp[1]) || !isdigit((unsigned char)sp[2]) ||
			    !isdigit((unsigned char)sp[3]))
				error = rl_error_set(RL_EPARSE, "capture: no HTTP status line");
			else
				*status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
		}
		found |= strcmp(r.type, "resource") == 0;
		rl_warc_record_clear(&r);
		if (error < 0 || found)
			return error;
	}
	return error == RL_ENOTFOUND
		? rl_error_set(RL_ENOTFOUND, "the capture holds no response or resource record")
		: error;
}

int rl_capture_append_local(rl_appendset *set, rl_archive *archive, const rl_capture *c,
			    int64_t time)
{
	char path[4200], day[RL_TIME_ISO_SIZE];

	rl_time_format_iso8601(day, time);
	snprintf(path, sizeof(path), "%s/warc/%.10s.warc.gz", rl_archive_state_dir(archive), day);
	/* One write: appends never interleave.  Not synced here: the cycle
	 * syncs the files of its append set once, at its end. */
	return rl_appendset_write(set, path, c->bytes.ptr, c->bytes.len);
}
