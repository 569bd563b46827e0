/*
 * redline/warc.h - WARC/1.1 records (ISO 28500), written and read back.
 *
 * Every record is one gzip member, so a file of records is a valid
 * .warc.gz that warcio, pywb or the Wayback Machine's tools read, and a
 * record can be cut out of it at its member boundary.  Both digests are
 * SHA-256, labelled "sha256:" and encoded in base32 (RFC 4648, upper case,
 * with padding), as WARC 1.1 section 5.8/5.9 allow ("algorithm:value").
 * The block digest covers the whole record block; the payload digest of an
 * application/http record covers the bytes after the HTTP header block as
 * they are stored (for a chunked response: with its chunk framing, as
 * warcio does), of a resource record the whole block.
 */
#ifndef REDLINE_WARC_H
#define REDLINE_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "redline/buf.h"

/** "<urn:uuid:8-4-4-4-12>" plus NUL. */
#define RL_WARC_ID_SIZE 48
/** "sha256:" + 56 base32 chars + NUL. */
#define RL_WARC_DIGEST_SIZE 72
/** The largest record block read back (a capture of a 16 MiB page and its headers). */
#define RL_WARC_MAX_BLOCK (20u * 1024 * 1024)
/** The largest WARC header block read back. */
#define RL_WARC_MAX_HEADER (64u * 1024)

/** The fields of one record to write; NULL/0 fields are left out. */
typedef struct rl_warc_fields {
	const char *type;           /* "request", "response", "resource", "revisit", "metadata" */
	const char *record_id;      /* "<urn:uuid:...>" */
	int64_t date;               /* WARC-Date, Unix seconds */
	const char *target_uri;
	const char *content_type;
	const char *ip;             /* WARC-IP-Address */
	const char *concurrent_to;  /* WARC-Concurrent-To */
	const char *refers_to;      /* WARC-Refers-To */
	const char *profile;        /* WARC-Profile (revisit) */
	const char *payload_digest; /* revisit: the digest of the payload it repeats */
	int http;                   /* the block is an HTTP message: payload after its header */
	int payload_compressed;     /* the payload came compressed (gzip, br...): the
	                               record's gzip member stores the block as it is
	                               rather than compress it a second time */
} rl_warc_fields;

/** A fresh "<urn:uuid:...>" (version 4, from getrandom). */
int rl_warc_new_id(char out[RL_WARC_ID_SIZE]);

/** "sha256:<base32>" of `data`. */
void rl_warc_digest(char out[RL_WARC_DIGEST_SIZE], const void *data, size_t len);

/** Appends one record (one gzip member) to `out`.  RL_EINVAL for a header
 *  value with a control character (no header injection). */
int rl_warc_append(rl_buf *out, const rl_warc_fields *fields, const void *block, size_t len);

/** One record read back.  Header values point into `header` (owned). */
typedef struct rl_warc_record {
	char *header;               /* the WARC header block, NUL-separated after parsing */
	char *block;                /* exactly `block_len` bytes (NUL-terminated too) */
	size_t block_len;
	const char *type, *record_id, *date, *target_uri, *content_type, *ip;
	const char *concurrent_to, *refers_to, *block_digest, *payload_digest;
	size_t offset, length;      /* the gzip member within the input */
} rl_warc_record;

/** Reads the record whose gzip member starts at `*offset` in `data` and
 *  moves `*offset` past it.  RL_ENOTFOUND at the end of the data;
 *  RL_EPARSE for a damaged member or record; RL_ETOOBIG past the caps. */
int rl_warc_read(rl_warc_record *out, const char *data, size_t len, size_t *offset);

/** Frees what rl_warc_read() allocated; the struct is reset. */
void rl_warc_record_clear(rl_warc_record *record);

/** The payload of a record: after the HTTP header block of an
 *  application/http record (RL_EPARSE if there is none), else the block. */
int rl_warc_payload(const char **payload, size_t *len, const rl_warc_record *record);

/** Checks WARC-Block-Digest and (except for revisit records) the
 *  WARC-Payload-Digest against the bytes; RL_EPARSE with a message naming
 *  the record and the digest that differs.  A missing digest is an error. */
int rl_warc_check(const rl_warc_record *record);

#endif
