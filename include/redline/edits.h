/*
 * redline/edits.h - the revisions of one story and what kind of edit each
 * was (classify.h), including reverts, which need the history: a revision
 * whose text equals an earlier one (not the one right before it) is
 * "reverted to <rev>", and nothing else.
 *
 * A story's revisions are the commits that changed its file; the "from" of
 * a revision is the story's previous revision, never merely the parent
 * commit (often another source's snapshot).
 */
#ifndef REDLINE_EDITS_H
#define REDLINE_EDITS_H

#include <stddef.h>
#include <stdint.h>
#include <git2.h>

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/classify.h"

/** At most this many revisions of one story are read (newest first). */
#define RL_EDITS_MAX_REVISIONS 10000

typedef struct rl_revision {
	char commit[GIT_OID_HEXSZ + 1];
	char prev[GIT_OID_HEXSZ + 1]; /* the story's previous revision, "" for the first */
	int64_t time;                 /* committer time, Unix seconds */
	git_oid blob;                 /* the file's blob at this revision */
	int gone;                     /* the file was deleted by this commit */
	rl_edit_class cls;            /* filled by rl_edits_classify_all() */
	char *title;                  /* Title: at this revision ("" when none) */
} rl_revision;

typedef struct rl_revisions {
	rl_revision *v; /* newest first */
	size_t n;
	size_t cap;
} rl_revisions;

#define RL_REVISIONS_INIT { NULL, 0, 0 }

/** The commits that changed the file `path`, newest first, starting at
 *  `from_rev` (NULL: HEAD).  RL_ENOTFOUND when none did. */
int rl_edits_revisions(rl_revisions *out, rl_archive *archive, const char *path,
		       const char *from_rev);

/** Classifies every revision of `revs` against the one before it, marking
 *  reverts (a blob equal to an older revision than the previous one). */
int rl_edits_classify_all(rl_revisions *revs, rl_archive *archive);

/** Frees the revisions; `revs` is empty and reusable after it. */
void rl_revisions_release(rl_revisions *revs);

/** Classifies the edit from one story file's text to the next (NULL old:
 *  new story): title from the Title: header, bodies after the blank line. */
int rl_edits_classify_texts(rl_edit_class *out, const char *old_text, const char *new_text);

/** The kind of edit of the story's revision at or before `rev` (NULL: HEAD),
 *  against its previous revision; `commit` gets that revision's id. */
int rl_edits_classify_at(rl_edit_class *out, char commit[GIT_OID_HEXSZ + 1],
			 rl_archive *archive, const char *path, const char *rev);

/** One story changed by one commit, classified against the commit's parent. */
typedef struct rl_commit_edit {
	char id[16];
	char *path;
	rl_edit_class cls;
	git_oid old_blob, new_blob; /* zero when absent */
} rl_commit_edit;

typedef struct rl_commit_edits {
	rl_commit_edit *v;
	size_t n;
	size_t cap;
	unsigned kinds; /* the union of the stories' kinds */
} rl_commit_edits;

#define RL_COMMIT_EDITS_INIT { NULL, 0, 0, 0 }

/** The story files `commit` changed (under `source`/ only, when not NULL),
 *  each classified against the parent commit's version. */
int rl_edits_of_commit(rl_commit_edits *out, rl_archive *archive, const git_oid *commit,
		       const char *source);

/** The edit of story `id` in `edits`, or NULL. */
const rl_commit_edit *rl_commit_edits_find(const rl_commit_edits *edits, const char *id);

/** Frees the edits; `edits` is empty and reusable after it. */
void rl_commit_edits_release(rl_commit_edits *edits);

/** 1 when `commit` changed `path` (a file or a source's folder) against its
 *  first parent, 0 when not: one tree-entry comparison, no diff. */
int rl_edits_commit_changed(rl_archive *archive, const git_oid *commit, const char *path);

/** The sources of the archive: the directories at the top of HEAD's tree. */
int rl_edits_list_sources(rl_strvec *out, rl_archive *archive);

/** Reads the blob `oid` as a C string (at most RL_EDITS_STORY_MAX bytes). */
int rl_edits_read_blob(char **out, rl_archive *archive, const git_oid *oid);

#define RL_EDITS_STORY_MAX (16u * 1024 * 1024)

#endif
