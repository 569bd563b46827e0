/*
 * redline/history.h - reading an archive's history: which story a name
 * means, the log of a source or a story, word diffs between two versions,
 * and a story as of any revision.
 *
 * Every function takes the archive (lent) and only reads; revisions are
 * resolved by rl_archive_resolve() (RL_ENOTFOUND unknown, RL_EAMBIGUOUS
 * ambiguous) and story files parsed by story.h.  A story is found at HEAD (its path never changes, see
 * docs/archive-format.md; through the revision index when it can say, else
 * HEAD's tree), then followed back through the commits the index holds.
 */
#ifndef REDLINE_HISTORY_H
#define REDLINE_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/figures.h"
#include "redline/story.h"
#include "redline/worddiff.h"

/** The largest story file read from the archive; more is RL_ETOOBIG. */
#define RL_HISTORY_STORY_MAX RL_WORDDIFF_MAX_BYTES

/** How many candidates an RL_EAMBIGUOUS message lists. */
#define RL_HISTORY_CANDIDATES 5

typedef struct rl_history_item {
	char *path;   /* <source>/<YYYY-MM>/<slug>-<id>.txt */
	char *id;     /* 12 lowercase hex characters */
	char *source;
	char *title;  /* from INDEX or the Title: header; "" when unknown */
} rl_history_item;

/** Finds the story `spec` names at HEAD: a path in the tree, a 12-hex id or
 *  a unique prefix of at least 4 hex characters, or a case-insensitive
 *  substring of its title (an exact title wins over substrings).  Titles
 *  come from the INDEX files and, for stories gone from the page, from the
 *  Title: header.  RL_ENOTFOUND "no story matches 'x'"; RL_EAMBIGUOUS
 *  "'x' matches 3 stories: ..." listing up to RL_HISTORY_CANDIDATES. */
int rl_history_resolve(rl_history_item *out, rl_archive *archive, const char *spec);

/** Frees an item's strings. */
void rl_history_item_clear(rl_history_item *item);

/** 1 when `name` is a source (a directory at the top of HEAD's tree), else 0. */
int rl_history_is_source(rl_archive *archive, const char *name);

/** Splits "ITEM@REV": when `spec` holds an '@' whose right side is a revision
 *  rl_archive_resolve() understands, *item gets the left side and *rev the right;
 *  otherwise *item is all of `spec` and *rev is NULL.  Caller frees both. */
int rl_history_split_rev(char **item, char **rev, rl_archive *archive, const char *spec);

/** One item line of a commit message: "<kind> <id> <title>". */
typedef struct rl_history_change {
	char *kind;  /* edited, new, gone, back, moved, removed */
	char *id;
	char *title;
} rl_history_change;

typedef struct rl_history_entry {
	char commit[GIT_OID_HEXSZ + 1];
	int64_t time;        /* committer time, Unix seconds */
	char *subject;       /* first line of the message */
	char *summary;       /* item logs: what changed in the item; else NULL */
	rl_history_change *changes;
	size_t n_changes;
} rl_history_entry;

typedef struct rl_history_log {
	rl_history_entry *v;
	size_t n;
	size_t cap;
} rl_history_log;

#define RL_HISTORY_LOG_INIT { NULL, 0, 0 }

typedef struct rl_history_log_options {
	const char *source;    /* only commits that changed <source>/; NULL: all */
	const char *item_path; /* only commits that changed this file or name its id */
	size_t max;            /* at most this many entries; 0: no limit */
	int no_edit_summary;   /* item log: an entry of a commit that changed the file gets
				* no summary (NULL), for a caller that describes the edit
				* itself (edits.h) or asks rl_history_log_summarize() */
} rl_history_log_options;

/** The commits from HEAD, newest first (by time), filtered by `opts` (NULL:
 *  all).  For an item log each entry has a summary ("new", "edited: 1
 *  sentence changed; figures 3000 → 10.000", "gone from page", ...).
 *  RL_ENOTFOUND "the archive has no snapshots yet" without commits. */
int rl_history_log_read(rl_history_log *out, rl_archive *archive,
			const rl_history_log_options *opts);

/** The summary rl_history_log_read() would have given entry `e` of the
 *  item log of `item_path` (read from the commit's trees), into e->summary
 *  when that is NULL. */
int rl_history_log_summarize(rl_history_entry *e, rl_archive *archive, const char *item_path);

/** Frees the entries; the log is empty and reusable after it. */
void rl_history_log_release(rl_history_log *log);

/** Parses the item lines of a commit message (after the subject, before the
 *  trailers); lines that are not item lines are skipped. */
int rl_history_parse_changes(rl_history_entry *entry, const char *message);

/** One line on what changed from one version of a story file to the next:
 *  "new", "edited: title changed; 2 sentences changed; figures 3000 →
 *  10.000", or for an unchanged file what `kind` (from the commit message,
 *  may be NULL) says: "gone from page", "back on page", "moved on page". */
int rl_history_summarize(char **out, const char *old_text, const char *new_text,
			 const char *kind);

typedef struct rl_history_diff {
	char *path;
	char from[GIT_OID_HEXSZ + 1]; /* "" when there is no older commit */
	char to[GIT_OID_HEXSZ + 1];
	char *old_text;               /* "" when the story was not there */
	char *new_text;
	rl_worddiff words;            /* of the whole files */
	rl_figure_changes figures;    /* of title and body */
} rl_history_diff;

/** Compares the story at `path` between two revisions.  No revision: its
 *  last change (the commit that last changed it, against its parent).  Only
 *  `rev_from`: that revision against HEAD.  Both: `rev_from` against
 *  `rev_to`.  RL_ENOTFOUND when a revision is unknown or the story is in
 *  neither. */
int rl_history_diff_compute(rl_history_diff *out, rl_archive *archive, const char *path,
			    const char *rev_from, const char *rev_to);

/** Frees a diff's texts and vectors and zeroes it; NULL is fine. */
void rl_history_diff_release(rl_history_diff *diff);

typedef struct rl_history_story {
	char *path;
	char commit[GIT_OID_HEXSZ + 1];
	char *text;               /* the whole file */
	rl_strvec header_names;   /* "Title", "URL", ... in file order */
	rl_strvec header_values;
	rl_strvec body;           /* the sentences, one a line, blank lines dropped */
} rl_history_story;

/** Parses a story file's text (headers, blank line, body) into `out`'s
 *  header and body vectors.  Lenient: the headers end at the first line
 *  that is not "Name: value", and the rest is body. */
int rl_history_parse_story(rl_history_story *out, const char *text);

/** The story at `path` as of `rev` (NULL: HEAD); RL_ENOTFOUND "'path' did not
 *  exist at 'rev'" when it was not there. */
int rl_history_show(rl_history_story *out, rl_archive *archive, const char *path,
		    const char *rev);

/** Frees a story's text and vectors and zeroes it; NULL is fine. */
void rl_history_story_release(rl_history_story *story);

#endif
