/*
 * evidence_internal.h - what verify.c and reextract.c share.
 */
#ifndef REDLINE_EVIDENCE_INTERNAL_H
#define REDLINE_EVIDENCE_INTERNAL_H

#include "redline/buf.h"
#include "redline/config.h"
#include "redline/evidence.h"

/** The trailer of a re-extraction commit naming the extractor it used. */
#define EVIDENCE_EXTRACTOR_TRAILER "Extractor: "
#define EVIDENCE_REEXTRACT_TRAILER "Reextract-Of: "

/** What re-derivation compares of a story file: its title and its body
 *  (the other headers carry identity and dates, not what the page said). */
int evidence_story_content(rl_buf *out, const char *text);

/** The story contents (evidence_story_content) that
 *  today's extraction of `data` gives for `source`, one per story. */
int evidence_rederive(rl_strvec *contents, const rl_source_config *config, const char *source,
		      const char *data, size_t len, const char *base_url);

/** The value of the first "Name: value" trailer line of `message`, copied
 *  into `out` (bounded); 0 when absent. */
int evidence_trailer(char *out, size_t size, const char *message, const char *name);

/** The source's settings, defaults when it has no [source] section. */
int evidence_config(rl_source_config **out, rl_archive *archive, const char *source);

#endif
