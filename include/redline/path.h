/*
 * redline/path.h - safe file names inside the archive.
 *
 * Nothing from the input can produce "..", "/", ".git" or a control
 * character in a path: slugs are ASCII [a-z0-9-] and bounded.
 */
#ifndef REDLINE_PATH_H
#define REDLINE_PATH_H

#include <stddef.h>
#include <stdint.h>

#define RL_PATH_SLUG_MAX 60 /* bytes, without the NUL */

/** ASCII slug of a title: accents stripped (utf8proc), lower case, runs of
 *  anything else become one '-', trimmed to RL_PATH_SLUG_MAX at a '-' where
 *  possible; "story" when nothing is left.  `out` holds RL_PATH_SLUG_MAX + 1. */
void rl_path_slug(char out[RL_PATH_SLUG_MAX + 1], const char *title);

/** Source names become directory names: 1-64 chars of [a-z0-9._-], starting
 *  with [a-z0-9], not "." / "..", not ending in ".lock", not ".git".
 *  Returns 0 or RL_EINVAL with a message. */
int rl_path_source_name_check(const char *name);

/** 1 when `path` is a safe relative path inside the archive. */
int rl_path_is_safe(const char *path);

#endif
