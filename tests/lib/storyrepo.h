/*
 * storyrepo.h - a bare archive written with the real git, commit by commit,
 * in the documented story-file format (docs/archive-format.md), for the
 * suites of the reading modules (edits, readdiff, feed, site).
 */
#ifndef REDLINE_STORYREPO_H
#define REDLINE_STORYREPO_H

#include "redline/archive.h"

struct storyrepo {
	char *dir;
	char archive[512]; /* the bare archive */
	char wt[512];      /* a work tree that pushes into it */
	rl_archive *a;     /* opened by sr_open() */
};

/** A fresh empty archive and work tree (libgit2 initialised). */
struct storyrepo *sr_new(void);
/** Writes `text` to `path` in the work tree. */
void sr_put(struct storyrepo *r, const char *path, const char *text);
/** Removes `path` from the work tree. */
void sr_rm(struct storyrepo *r, const char *path);
/** Commits everything at `when` (ISO 8601) and pushes it to the archive. */
void sr_commit(struct storyrepo *r, const char *when, const char *message);
/** A story file's text (static buffer: use before the next call). */
const char *sr_story(const char *title, const char *id, const char *source, const char *body);
/** Opens the archive (again) into r->a. */
void sr_open(struct storyrepo *r);
/** The commit id of revision `rev` of the archive (40 hex, static buffer). */
const char *sr_rev(struct storyrepo *r, const char *rev);
void sr_free(struct storyrepo *r);

#endif
