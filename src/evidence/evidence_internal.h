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

/** One captured page of a commit, decoded (rl_capture_snapshot): lent. */
typedef struct evidence_page {
	const char *target;   /* WARC-Target-URI: the URL fetched (after redirects) */
	const char *data;
	size_t len;
	int listing;          /* the source's listing (its hash is a Snapshot-XXH3) */
} evidence_page;

/** Stories derived again, by story id (12 hex): `contents` as
 *  evidence_story_content gives them; `from_article` "1" when the body came
 *  from a captured article page, "" when it is the listing's. */
typedef struct evidence_story_set {
	rl_strvec ids, contents, from_article;
} evidence_story_set;

#define EVIDENCE_STORY_SET_INIT { RL_STRVEC_INIT, RL_STRVEC_INIT, RL_STRVEC_INIT }

void evidence_story_set_release(evidence_story_set *set);

/** A followed source's stories from the listing among `pages` merged with
 *  the article pages among them, as run_follow.c merges them. */
int evidence_rederive_follow(evidence_story_set *out, const rl_source_config *config,
			     const char *source, const evidence_page *pages, size_t n_pages);

/** The story content a due article page gives a story whose header (title)
 *  stays the archive's; RL_ENOTFOUND when the page gives no text. */
int evidence_rederive_article(rl_buf *out, const rl_source_config *config, const char *title,
			      const evidence_page *page);

/** The value of the first "Name: value" trailer line of `message`, copied
 *  into `out` (bounded); 0 when absent. */
int evidence_trailer(char *out, size_t size, const char *message, const char *name);

/** The source's settings, defaults when it has no [source] section. */
int evidence_config(rl_source_config **out, rl_archive *archive, const char *source);

#endif
