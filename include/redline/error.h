/*
 * redline/error.h - error codes and the last error message.
 *
 * Every library function returns 0 or a negative RL_E* code and, on error,
 * leaves a message for rl_error_last().  The message is per thread, in git's
 * form (lowercase, no full stop, subject quoted): "cannot open 'x': ...".
 * The library never prints: the command line prints "redline: <message>".
 */
#ifndef REDLINE_ERROR_H
#define REDLINE_ERROR_H

#include <stddef.h>

enum rl_error_code {
	RL_OK = 0,
	RL_ERROR = -1,      /* generic failure */
	RL_ENOMEM = -2,     /* out of memory */
	RL_EINVAL = -3,     /* invalid argument or input */
	RL_ENOTFOUND = -4,  /* no such item, source, revision or file */
	RL_ETOOBIG = -5,    /* input over a documented cap */
	RL_EIO = -6,        /* operating system I/O failure */
	RL_EPARSE = -7,     /* input could not be parsed */
	RL_ELOCKED = -8,    /* another writer holds the archive */
	RL_EGIT = -9,       /* libgit2 failure */
	RL_EFETCH = -10,    /* network fetch failed */
	RL_EAMBIGUOUS = -11,/* a name matches more than one item */
	RL_EGUARD = -12,    /* snapshot refused by the mass-removal guard */
	RL_ETIMEOUT = -13,  /* a time limit ran out */
	RL_EEXISTS = -14,   /* already exists */
	RL_EUSAGE = -15,    /* command-line usage error (exit status 2) */
};

/** Sets the message for this thread and returns `code` (for `return rl_error_set(...)`). */
int rl_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Like rl_error_set(), appending ": <strerror(errno)>" for the current errno. */
int rl_error_set_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Like rl_error_set(), appending libgit2's last error message; returns RL_EGIT
 *  (or RL_ENOTFOUND / RL_ELOCKED for GIT_ENOTFOUND / GIT_ELOCKED). */
int rl_error_set_git(int git_code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** The last message set on this thread ("" when none).  Lent, valid until the next set. */
const char *rl_error_last(void);

/** The code that went with the last message (RL_OK when none). */
int rl_error_last_code(void);

/** Forgets the last error. */
void rl_error_clear(void);

/** A short name for a code, e.g. "RL_ENOTFOUND". */
const char *rl_error_name(int code);

#endif
