/*
 * warc.c - WARC/1.1 records as gzip members: writing, reading, digests.
 *
 * The reader is as strict as an evidence check needs: one member at a time
 * (inflate stops at the member's end), a bounded header and block, a
 * Content-Length that must match the block exactly, and the two CRLFs that
 * end every record.
 */
#include "redline/warc.h"
#include "redline/error.h"
#include "redline/deflater.h"
#include "redline/timeutil.h"
#include "warc_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <openssl/evp.h>
#include <zlib.h>

int rl_warc_new_id(char out[RL_WARC_ID_SIZE])
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return rl_error_set_errno(RL_EIO, "cannot read random bytes for a record id");
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, RL_WARC_ID_SIZE,
		 "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x>",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
	return 0;
}

static void base32(char *out, const unsigned char *in, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	size_t o = 0;
	unsigned buffer = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		buffer = (buffer << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = alphabet[(buffer >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = alphabet[(buffer << (5 - bits)) & 31];
	while (o % 8)
		out[o++] = '=';
	out[o] = '\0';
}

void rl_warc_digest(char out[RL_WARC_DIGEST_SIZE], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL);
	memcpy(out, "sha256:", 7);
	base32(out + 7, md, md_len);
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* The end of an HTTP header block (just past its blank line), or NULL. */
static const char *http_body(const char *block, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (block[i] == '\r' && block[i + 1] == '\n' && block[i + 2] == '\r' &&
		    block[i + 3] == '\n')
			return block + i + 4;
	return NULL;
}

static int put_field(rl_buf *h, const char *name, const char *value)
{
	int error;

	if (value == NULL)
		return 0;
	if (has_control(value))
		return rl_error_set(RL_EINVAL, "WARC %s has a control character", name);
	/* not rl_buf_printf(): ~2,300 instructions a field, 25 fields a page */
	if ((error = rl_buf_puts(h, name)) < 0 || (error = rl_buf_put(h, ": ", 2)) < 0 ||
	    (error = rl_buf_puts(h, value)) < 0)
		return error;
	return rl_buf_put(h, "\r\n", 2);
}

/* One gzip member, compressed whole (redline/deflater.h) or in stored
 * blocks. */
static int gzip_member(rl_buf *out, const rl_buf *plain, rl_deflater_kind kind)
{
	size_t bound = rl_deflater_bound(plain->len), n;
	int error;

	if ((error = rl_buf_grow(out, bound + 64)) < 0)
		return error;
	if ((error = rl_deflater_compress(&n, kind, out->ptr + out->len,
					  out->cap - out->len, plain->ptr, plain->len)) < 0)
		return error;
	out->len += n;
	out->ptr[out->len] = '\0';
	return 0;
}

int rl_warc_append(rl_buf *out, const rl_warc_fields *f, const void *block, size_t len)
{
	rl_buf rec = RL_BUF_INIT(RL_WARC_MAX_BLOCK + RL_WARC_MAX_HEADER);
	char when[RL_TIME_ISO_SIZE], bd[RL_WARC_DIGEST_SIZE], pd[RL_WARC_DIGEST_SIZE];
	const char *payload_digest = f->payload_digest;
	int error;

	if (f->type == NULL || f->record_id == NULL)
		return rl_error_set(RL_EINVAL, "a WARC record needs a type and an id");
	rl_time_format_iso8601(when, f->date);
	rl_warc_digest(bd, block, len);
	if (payload_digest == NULL && f->http) {
		const char *body = http_body(block, len);
		if (body) {
			rl_warc_digest(pd, body, len - (size_t)(body - (const char *)block));
			payload_digest = pd;
		}
	} else if (payload_digest == NULL && strcmp(f->type, "resource") == 0) {
		payload_digest = bd;
	}
	if ((error = rl_buf_puts(&rec, "WARC/1.1\r\n")) < 0 ||
	    (error = put_field(&rec, "WARC-Type", f->type)) < 0 ||
	    (error = put_field(&rec, "WARC-Record-ID", f->record_id)) < 0 ||
	    (error = put_field(&rec, "WARC-Date", when)) < 0 ||
	    (error = put_field(&rec, "WARC-Target-URI", f->target_uri)) < 0 ||
	    (error = put_field(&rec, "WARC-IP-Address", f->ip)) < 0 ||
	    (error = put_field(&rec, "WARC-Concurrent-To", f->concurrent_to)) < 0 ||
	    (error = put_field(&rec, "WARC-Refers-To", f->refers_to)) < 0 ||
	    (error = put_field(&rec, "WARC-Profile", f->profile)) < 0 ||
	    (error = put_field(&rec, "WARC-Block-Digest", bd)) < 0 ||
	    (error = put_field(&rec, "WARC-Payload-Digest", payload_digest)) < 0 ||
	    (error = put_field(&rec, "Content-Type", f->content_type)) < 0 ||
	    (error = rl_buf_printf(&rec, "Content-Length: %zu\r\n\r\n", len)) < 0 ||
	    (error = rl_buf_put(&rec, block, len)) < 0 ||
	    (error = rl_buf_puts(&rec, "\r\n\r\n")) < 0)
		goto done;
	/* Compressing bytes that came compressed gains nothing and cost ~8 ms
	 * a MB (libdeflate at level 1 on incompressible input): a server's
	 * gzip or brotli body goes into stored blocks, its headers with it. */
	error = gzip_member(out, &rec, f->payload_compressed ? RL_DEFLATER_GZIP_STORE : RL_DEFLATER_GZIP);
done:
	rl_buf_release(&rec);
	return error;
}

/* ---- reading ---------------------------------------------------------- */

void rl_warc_record_clear(rl_warc_record *r)
{
	free(r->header);
	free(r->block);
	memset(r, 0, sizeof(*r));
}

int warc_inflate(rl_buf *out, size_t *used, const char *data, size_t len, int window,
		 int keep_truncated)
{
	unsigned char chunk[16384];
	z_stream z;
	int zr, error = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, window) != Z_OK)
		return rl_error_set(RL_ENOMEM, "cannot start inflate");
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			error = rl_error_set(RL_EPARSE, "damaged compressed data (%s)",
					     z.msg ? z.msg : "truncated");
			goto done;
		}
		if ((error = rl_buf_put(out, chunk, sizeof(chunk) - z.avail_out)) < 0)
			goto done;
		if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
			if (!keep_truncated)
				error = rl_error_set(RL_EPARSE, "truncated compressed data");
			goto done;
		}
	} while (zr != Z_STREAM_END);
done:
	if (used)
		*used = z.total_in;
	inflateEnd(&z);
	return error;
}

static const char *field(char *header, const char *name)
{
	size_t n = strlen(name);
	for (char *line = header; *line; line += strlen(line) + 1) {
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			return v;
		}
	}
	return NULL;
}

int rl_warc_read(rl_warc_record *out, const char *data, size_t len, size_t *offset)
{
	rl_buf plain = RL_BUF_INIT(RL_WARC_MAX_BLOCK + RL_WARC_MAX_HEADER + 8);
	const char *end, *cl;
	size_t used = 0, hlen, blen;
	char *p, *stop;
	int error;

	memset(out, 0, sizeof(*out));
	if (*offset >= len)
		return RL_ENOTFOUND;
	if ((error = warc_inflate(&plain, &used, data + *offset, len - *offset, 15 + 16, 0)) < 0)
		goto done;
	if (plain.len < 10 || strncmp(plain.ptr, "WARC/1.", 7) != 0) {
		error = rl_error_set(RL_EPARSE, "not a WARC record at offset %zu", *offset);
		goto done;
	}
	if ((end = http_body(plain.ptr, plain.len)) == NULL ||
	    (hlen = (size_t)(end - plain.ptr)) > RL_WARC_MAX_HEADER) {
		error = rl_error_set(RL_EPARSE, "WARC record at offset %zu has no header end",
				     *offset);
		goto done;
	}
	if ((out->header = malloc(hlen + 1)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	/* One NUL-terminated line after another, the version line skipped. */
	memcpy(out->header, plain.ptr, hlen);
	out->header[hlen] = '\0';
	p = strstr(out->header, "\r\n") + 2;
	memmove(out->header, p, strlen(p) + 1);
	for (p = out->header; (stop = strstr(p, "\r\n")) != NULL; p = stop + 1) {
		stop[0] = '\0';
		memmove(stop + 1, stop + 2, strlen(stop + 2) + 1);
	}
	if ((cl = field(out->header, "Content-Length")) == NULL ||
	    sscanf(cl, "%zu", &blen) != 1 || blen > plain.len - hlen || blen > RL_WARC_MAX_BLOCK ||
	    plain.len - hlen - blen != 4 || memcmp(end + blen, "\r\n\r\n", 4) != 0) {
		error = rl_error_set(RL_EPARSE,
				     "WARC record at offset %zu: Content-Length does not match its block",
				     *offset);
		goto done;
	}
	if ((out->block = malloc(blen + 1)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(out->block, end, blen);
	out->block[blen] = '\0';
	out->block_len = blen;
	out->type = field(out->header, "WARC-Type");
	out->record_id = field(out->header, "WARC-Record-ID");
	out->date = field(out->header, "WARC-Date");
	out->target_uri = field(out->header, "WARC-Target-URI");
	out->content_type = field(out->header, "Content-Type");
	out->ip = field(out->header, "WARC-IP-Address");
	out->concurrent_to = field(out->header, "WARC-Concurrent-To");
	out->refers_to = field(out->header, "WARC-Refers-To");
	out->block_digest = field(out->header, "WARC-Block-Digest");
	out->payload_digest = field(out->header, "WARC-Payload-Digest");
	if (out->type == NULL || out->record_id == NULL || out->date == NULL) {
		error = rl_error_set(RL_EPARSE, "WARC record at offset %zu lacks a mandatory field",
				     *offset);
		goto done;
	}
	out->offset = *offset;
	out->length = used;
	*offset += used;
done:
	rl_buf_release(&plain);
	if (error < 0)
		rl_warc_record_clear(out);
	return error;
}

int rl_warc_payload(const char **payload, size_t *len, const rl_warc_record *r)
{
	if (r->content_type && strncmp(r->content_type, "application/http", 16) == 0) {
		const char *body = http_body(r->block, r->block_len);
		if (body == NULL)
			return rl_error_set(RL_EPARSE, "record %s: no end of the HTTP header",
					    r->record_id);
		*payload = body;
		*len = r->block_len - (size_t)(body - r->block);
		return 0;
	}
	*payload = r->block;
	*len = r->block_len;
	return 0;
}

int rl_warc_check(const rl_warc_record *r)
{
	char d[RL_WARC_DIGEST_SIZE];
	const char *payload;
	size_t plen;
	int error;

	if (r->block_digest == NULL)
		return rl_error_set(RL_EPARSE, "record %s has no WARC-Block-Digest", r->record_id);
	rl_warc_digest(d, r->block, r->block_len);
	if (strcmp(d, r->block_digest) != 0)
		return rl_error_set(RL_EPARSE, "record %s: block digest %s, but the bytes give %s",
				    r->record_id, r->block_digest, d);
	if (strcmp(r->type, "revisit") == 0 || strcmp(r->type, "metadata") == 0 ||
	    strcmp(r->type, "request") == 0)
		return 0;
	if (r->payload_digest == NULL)
		return rl_error_set(RL_EPARSE, "record %s has no WARC-Payload-Digest", r->record_id);
	if ((error = rl_warc_payload(&payload, &plen, r)) < 0)
		return error;
	rl_warc_digest(d, payload, plen);
	if (strcmp(d, r->payload_digest) != 0)
		return rl_error_set(RL_EPARSE, "record %s: payload digest %s, but the bytes give %s",
				    r->record_id, r->payload_digest, d);
	return 0;
}
