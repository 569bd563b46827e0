/*
 * redline/capture.h - raw captures: what the server sent, kept as WARC.
 *
 * A capture is a small WARC file (request, response and metadata records,
 * or resource and metadata for a file ingested) stored as a blob in the
 * very commit it produced, at .captures/YYYY-MM/DD/HH/X/<uuid>.warc.gz (the
 * UTC hour of its time-ordered, version 7 id, X its first random hex
 * digit; captures written before with
 * a version 4 id stay at .captures/<2 hex>/<uuid>.warc.gz), and named
 * by a "Capture: <urn:uuid:...>" trailer of that commit (the id of its
 * response or resource record).  The commit id, a signature of the commit
 * and a timestamp over it therefore cover the bytes too, and a clone or a
 * push carries them.  See docs/evidence.md.
 */
#ifndef REDLINE_CAPTURE_H
#define REDLINE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/appendset.h"
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/config.h"
#include "redline/warc.h"

/** Where captures live in a commit's tree. */
#define RL_CAPTURE_DIR ".captures"
/** The trailer that names a capture. */
#define RL_CAPTURE_TRAILER "Capture: "
/** ".captures/YYYY-MM/DD/HH/X/<36-char uuid>.warc.gz" plus NUL. */
#define RL_CAPTURE_PATH_SIZE 80
/** The largest capture file read back. */
#define RL_CAPTURE_MAX (48u * 1024 * 1024)

typedef enum rl_capture_mode {
	RL_CAPTURE_OFF = 0,     /* none */
	RL_CAPTURE_COMMITS,     /* the fetches and files that produced a commit (default) */
	RL_CAPTURE_ALL,         /* every fetch: the others go to redline/warc/ */
} rl_capture_mode;

/** The archive's `redline.capture` setting: commits (default), all, off. */
int rl_capture_mode_get(rl_capture_mode *out, rl_archive *archive);

/** One capture, ready to be committed. */
typedef struct rl_capture {
	char id[RL_WARC_ID_SIZE];          /* the response / resource record: the trailer */
	char path[RL_CAPTURE_PATH_SIZE];   /* where it goes in the tree */
	rl_buf bytes;                      /* the .warc.gz */
	rl_item_packed packed;             /* `bytes` packed as a blob ahead
	                                      (rl_archive_blob_pack); zeroed: not */
} rl_capture;

/** redline's own facts, written as the metadata record. */
typedef struct rl_capture_facts {
	const char *source;
	const char *extractor;     /* rl_capture_extractor_version() */
	size_t decoded_len;        /* the body after content decoding */
	const char *snapshot_xxh3; /* XXH3-128 of the decoded body (Snapshot-XXH3) */
	const char *outcome;       /* "200", "304 not modified", "200 same body", ... */
	int incomplete;            /* the raw exchange hit a cap */
	const char *requested_uri; /* the URL asked for, when redirects led elsewhere
	                              (WARC-Target-URI is the final one); NULL: none */
} rl_capture_facts;

/** One HTTP exchange as exchanged. */
typedef struct rl_capture_http {
	const char *target_uri;
	int64_t time;
	const char *ip;                 /* "" or NULL: unknown */
	const char *request;            /* request line + headers; NULL: none */
	size_t request_len;
	const char *response_head;      /* status line + headers */
	size_t response_head_len;
	const char *response_body;      /* before content decoding */
	size_t response_body_len;
	int revisit;                    /* a 304, or the same body as last time */
	const char *revisit_profile;    /* WARC-Profile URI of the revisit */
	const char *revisit_digest;     /* the payload digest the revisit repeats */
} rl_capture_http;

/** Builds request (when known) + response or revisit + metadata records. */
int rl_capture_new_http(rl_capture **out, const rl_capture_http *http,
			const rl_capture_facts *facts);

/** Builds resource + metadata records for a snapshot read from a file. */
int rl_capture_new_resource(rl_capture **out, const char *uri, int64_t time,
			    const char *content_type, const char *data, size_t len,
			    const rl_capture_facts *facts);

/** Frees a capture; NULL is fine. */
void rl_capture_free(rl_capture *capture);

/** The capture of a snapshot read from a file (resource + metadata), as
 *  `ingest` records it: `*out` is NULL when redline.capture is off.
 *  `config` NULL loads the source's settings (for the extractor version). */
int rl_capture_for_file(rl_capture **out, rl_archive *archive, const char *source,
			const rl_source_config *config, rl_format format, const char *uri,
			int64_t time, const char *data, size_t len);

/** "redline/<version> rules/<16 hex>": the code's version and an XXH3-64 of
 *  the source's settings that change what is extracted (format, selectors,
 *  ignore patterns).  Equal strings promise the same story files. */
void rl_capture_extractor_version(char *out, size_t size, const rl_source_config *config);

/** The tree path of a capture id, either layout (by the id's version);
 *  RL_EINVAL for anything but "<urn:uuid:...>". */
int rl_capture_path(char out[RL_CAPTURE_PATH_SIZE], const char *id);

/** The capture ids named by the Capture trailers of a commit message. */
int rl_capture_ids(rl_strvec *ids, const char *message);

/** The capture file `id` as stored in `commit`'s tree (exact bytes). */
int rl_capture_read(rl_buf *out, rl_archive *archive, const git_oid *commit, const char *id);

/** The snapshot a capture holds, as the pipeline saw it: the payload of its
 *  response (chunk framing and gzip/deflate content coding removed) or
 *  resource record; `*source`, `*extractor`, `*target` (malloc'd, may be
 *  NULL) from its records.  RL_ENOTFOUND for a capture with no body (a
 *  revisit). */
int rl_capture_snapshot(rl_buf *out, char **source, char **extractor, char **target,
			const char *warc, size_t len);

/** The value of field `name` of a capture's metadata record (malloc'd), or
 *  NULL when it has none. */
int rl_capture_fact(char **out, const char *warc, size_t len, const char *name);

/** The charset its response's Content-Type header declares, as a fetch
 *  reads it (rl_charset_from_content_type): `*out` NULL when none, or for a
 *  resource.  Re-extraction decodes the page as the fetch did. */
int rl_capture_http_charset(char **out, const char *warc, size_t len);

/** The HTTP status of a capture's response record (`*status` 0 for a
 *  resource: a file).  RL_ENOTFOUND when it holds neither. */
int rl_capture_http_status(long *status, const char *warc, size_t len);

/** Appends a capture that made no commit (capture = all) to
 *  <gitdir>/redline/warc/YYYY-MM-DD.warc.gz in one write through `set`;
 *  the caller syncs the set (a cycle does at its end). */
int rl_capture_append_local(rl_appendset *set, rl_archive *archive, const rl_capture *capture,
			    int64_t time);

#endif
