/*
 * evidence_internal.h - what verify.c and reextract.c share.
 */
#ifndef REDLINE_EVIDENCE_INTERNAL_H
#define REDLINE_EVIDENCE_INTERNAL_H

#include <stdarg.h>

#include "redline/buf.h"
#include "redline/config.h"
#include "redline/evidence.h"
#include "redline/hash.h"
#include "redline/item.h"

/** The trailer of a re-extraction commit naming the extractor it used. */
#define EVIDENCE_EXTRACTOR_TRAILER "Extractor: "
#define EVIDENCE_REEXTRACT_TRAILER "Reextract-Of: "

/** What re-derivation compares of a story file: its title and its body
 *  (the other headers carry identity and dates, not what the page said). */
int evidence_story_content(rl_buf *out, const char *text);

/** The story contents (evidence_story_content) that
 *  today's extraction of `data` gives for `source`, one per story. */
int evidence_rederive(rl_strvec *contents, const rl_source_config *config, const char *source,
		      const char *data, size_t len, const char *base_url, const char *charset);

/** One captured page of a commit, decoded (rl_capture_snapshot): lent. */
typedef struct evidence_page {
	const char *target;   /* WARC-Target-URI: the URL fetched (after redirects) */
	const char *requested; /* the URL asked for, when it redirected; NULL */
	const char *charset;  /* its Content-Type's charset, as the fetch read it; NULL */
	const char *data;
	size_t len;
	int listing;          /* the source's listing (its hash is a Snapshot-XXH3) */
	long status;          /* HTTP status; an article page counts only with 2xx
	                         (0: not HTTP) - a 404's error page is no article */
} evidence_page;

/** Stories derived again, by story id (12 hex): `contents` as
 *  evidence_story_content gives them; `from_article` "1" when the body came
 *  from a captured article page, "" when it is the listing's. */
typedef struct evidence_story_set {
	rl_strvec ids, contents, from_article;
} evidence_story_set;

#define EVIDENCE_STORY_SET_INIT { RL_STRVEC_INIT, RL_STRVEC_INIT, RL_STRVEC_INIT }

void evidence_story_set_release(evidence_story_set *set);

/** The raw items of the listing among `pages` with each item's article page
 *  merged in (its body; its title when the listing has none), as
 *  run_follow.c merges them, before normalisation.  `*from_article[i]` is 1
 *  when item i's body came from a captured article page (malloc'd). */
int evidence_follow_items(rl_item_list *items, unsigned char **from_article,
			  const rl_source_config *config, const char *source,
			  const evidence_page *pages, size_t n_pages);

/** The story id run_follow.c gives an item it follows; 0 when it would not
 *  follow it (no http link, or one off the source's site and follow-hosts). */
int evidence_followed_id(char id[13], const rl_item *it, const char *listing_url,
			 const rl_source_config *config);

/** A followed source's stories from the listing among `pages` merged with
 *  the article pages among them, as run_follow.c merges them. */
int evidence_rederive_follow(evidence_story_set *out, const rl_source_config *config,
			     const char *source, const evidence_page *pages, size_t n_pages);

/** The story content a due article page gives a story whose header (title)
 *  stays the archive's; RL_ENOTFOUND when the page gives no text. */
int evidence_rederive_article(rl_buf *out, const rl_source_config *config, const char *title,
			      const evidence_page *page);

/** 1 when a capture of a followed source's commit (decoded to XXH3 `hex`,
 *  fetched from `target`) is the listing the commit was read from: its hash
 *  is a Snapshot-XXH3 of the commit and its URL the commit's Source-URL (a
 *  due article's commit names the source's URL, not the article's), so a
 *  listing reached through a redirect is still told from an article. */
int evidence_is_listing(const char *message, const char *target, const char *hex);

/** The pages a re-extraction of a followed source reads, as of `head`: the
 *  newest listing capture and, per article URL, the newest capture of that
 *  article page (in that commit or an older one, due articles' commits
 *  included).  Owned copies. */
typedef struct evidence_pageset {
	evidence_page *v;
	size_t n;
	git_oid listing_commit;  /* the commit the listing capture is in */
	rl_hash128 listing_hash; /* its Snapshot-XXH3 */
	char *extractor;         /* the listing capture's extractor version */
} evidence_pageset;

/** Fills `out` (1), or 0 when the source's newest snapshot has no capture
 *  or its listing's commit is `since` or older (`why` says which). */
int evidence_follow_pages(evidence_pageset *out, const char **why, rl_archive *archive,
			  const git_oid *head, const git_oid *since, const char *source);

void evidence_pageset_release(evidence_pageset *set);

/** 1 when `c` changed <source>/ against its first parent. */
int evidence_touches(git_commit *c, const char *source);

/** The value of the first "Name: value" trailer line of `message`, copied
 *  into `out` (bounded); 0 when absent. */
int evidence_trailer(char *out, size_t size, const char *message, const char *name);

/** The source's settings, defaults when it has no [source] section. */
int evidence_config(rl_source_config **out, rl_archive *archive, const char *source);

/** What the fetch-log part of verify needs from verify.c: whether a commit
 *  is in the history verified, and where its findings go. */
typedef struct evidence_fetchlog_check {
	rl_archive *archive;
	int (*in_history)(void *payload, const git_oid *id);
	void (*vsay)(void *payload, rl_verify_level level, const char *fmt, va_list ap);
	void *payload;
} evidence_fetchlog_check;

/** Checks every source's fetch log in one pass over its files
 *  (verify_fetchlog.c): commits named are in the history; reports each
 *  source's last sighting and the malformed lines. */
void evidence_check_fetch_logs(const evidence_fetchlog_check *c);

#endif
