/*
 * redline/evidence.h - checking the archive as evidence, and improving it
 * without rewriting it.
 *
 *   rl_verify()     fsck through libgit2, captures against their digests and
 *                   against the commits made from them, story files re-derived
 *                   from their captures, signatures, timestamp tokens
 *   rl_timestamp()  an RFC 3161 token over a commit id, from a TSA, kept in
 *                   git notes (refs/notes/timestamps)
 *   rl_reextract()  today's extraction over the newest capture of a source,
 *                   committed as a re-extraction
 *
 * See docs/evidence.md for what a third party can check without redline.
 */
#ifndef REDLINE_EVIDENCE_H
#define REDLINE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/ingest.h"

/** Where timestamp tokens live. */
#define RL_TIMESTAMP_NOTES_REF "refs/notes/timestamps"
/** The largest TSA reply accepted. */
#define RL_TIMESTAMP_REPLY_MAX (64 * 1024)

typedef enum rl_verify_level {
	RL_VERIFY_OK,      /* a check passed */
	RL_VERIFY_NOTE,    /* worth knowing, not a failure (extractor changed since, unsigned) */
	RL_VERIFY_FAIL,    /* the archive does not hold up */
} rl_verify_level;

/** One line of a verification report. */
typedef void (*rl_verify_cb)(rl_verify_level level, const char *commit, const char *message,
			     void *userdata);

typedef struct rl_verify_summary {
	size_t commits, objects, captures, records, stories, rederived, extractor_changed;
	size_t signed_ok, unsigned_commits, timestamps;
	size_t articles;   /* captures of followed article pages (digests checked only) */
	size_t uncaptured; /* story files written by commits that hold no capture */
	size_t failures;
} rl_verify_summary;

/** Verifies the commits of `range` ("A..B", a revision meaning everything
 *  reachable from it, or NULL for HEAD), reporting each finding through `cb`.
 *  Returns 0 when the checks ran (failures are in `out->failures`), or an
 *  error when they could not run. */
int rl_verify(rl_verify_summary *out, rl_archive *archive, const char *range, rl_verify_cb cb,
	      void *userdata);

/** The archive's TSA settings: redline.tsaUrl (NULL: none) and
 *  redline.tsaCAFile (the CA that signs the TSA's certificate; NULL: the
 *  token's signature is not checked, only its imprint and nonce). */
typedef struct rl_timestamp_config {
	char *url;
	char *ca_file;
} rl_timestamp_config;

/** redline.tsaUrl and redline.tsaCAFile into `out` (NULL when unset). */
int rl_timestamp_config_load(rl_timestamp_config *out, rl_archive *archive);
/** Frees what `config` holds. */
void rl_timestamp_config_clear(rl_timestamp_config *config);

/** Asks the configured TSA for a token over `commit`'s id (the SHA-256 of
 *  its 40 hex characters), checks the reply (status, imprint, nonce and,
 *  with a CA file, the signature) and stores it as the commit's note in
 *  RL_TIMESTAMP_NOTES_REF.  `*gen_time` is the time the TSA vouches for.
 *  RL_ENOTFOUND when no TSA is configured. */
int rl_timestamp(int64_t *gen_time, rl_archive *archive, const git_oid *commit);

/** Checks a stored note for `commit`: imprint and, with a CA file, the
 *  signature.  `*gen_time` as above. */
int rl_timestamp_check(int64_t *gen_time, rl_archive *archive, const git_oid *commit,
		       const char *note, size_t len);

typedef struct rl_reextract_opts {
	const char *const *sources; /* NULL/0: every source with a capture */
	size_t n_sources;
	const char *since;          /* only captures in commits after this revision */
	int64_t time;               /* commit time of the re-extraction */
} rl_reextract_opts;

/** What happened to one source. */
typedef void (*rl_reextract_cb)(const char *source, const char *capture_commit,
				const rl_ingest_result *result, const char *message,
				void *userdata);

/** Reads each source's newest capture again (for a followed source, its
 *  newest listing capture with each article page's newest capture) with
 *  today's extraction and normalisation rules and commits the differences
 *  as a re-extraction
 *  (rl_ingest_opts.reextract_of: distinct summary, Reextract-Of trailer, no
 *  hooks).  A source whose newest snapshot has no capture is reported and
 *  skipped.  `*changed` counts the commits made. */
int rl_reextract(size_t *changed, rl_archive *archive, const rl_reextract_opts *opts,
		 rl_reextract_cb cb, void *userdata);

/** The raw snapshot of `source` held by the captures of `commit` (the one
 *  whose metadata names the source), its target URI, extractor version and
 *  the charset its HTTP headers declared (NULL: none). */
int rl_evidence_snapshot(rl_buf *out, char **target, char **extractor, char **charset,
			 rl_archive *archive, const git_oid *commit, const char *source);

#endif
