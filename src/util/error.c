/*
 * error.c - the per-thread last error message.
 *
 * A fixed buffer per thread: setting an error can never fail or allocate,
 * so it is safe on every error path, including out-of-memory ones.
 */
#include "redline/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>

#define RL_ERROR_MAX 1024

static _Thread_local char last_message[RL_ERROR_MAX];
static _Thread_local int last_code;

static void set_message(const char *fmt, va_list ap)
{
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
}

static void append(const char *suffix)
{
	size_t used = strlen(last_message);
	if (used < sizeof(last_message) - 1)
		snprintf(last_message + used, sizeof(last_message) - used, ": %s", suffix);
}

int rl_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

int rl_error_set_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	append(strerror(saved));
	last_code = code;
	return code;
}

int rl_error_set_git(int git_code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	int code = RL_EGIT;
	va_list ap;

	if (git_code == GIT_ENOTFOUND)
		code = RL_ENOTFOUND;
	else if (git_code == GIT_ELOCKED || git_code == GIT_EMODIFIED)
		code = RL_ELOCKED;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	append(e && e->message ? e->message : "unknown libgit2 error");
	last_code = code;
	return code;
}

const char *rl_error_last(void)
{
	return last_message;
}

int rl_error_last_code(void)
{
	return last_code;
}

void rl_error_clear(void)
{
	last_message[0] = '\0';
	last_code = RL_OK;
}

const char *rl_error_name(int code)
{
	switch (code) {
	case RL_OK: return "RL_OK";
	case RL_ERROR: return "RL_ERROR";
	case RL_ENOMEM: return "RL_ENOMEM";
	case RL_EINVAL: return "RL_EINVAL";
	case RL_ENOTFOUND: return "RL_ENOTFOUND";
	case RL_ETOOBIG: return "RL_ETOOBIG";
	case RL_EIO: return "RL_EIO";
	case RL_EPARSE: return "RL_EPARSE";
	case RL_ELOCKED: return "RL_ELOCKED";
	case RL_EGIT: return "RL_EGIT";
	case RL_EFETCH: return "RL_EFETCH";
	case RL_EAMBIGUOUS: return "RL_EAMBIGUOUS";
	case RL_EGUARD: return "RL_EGUARD";
	case RL_ETIMEOUT: return "RL_ETIMEOUT";
	case RL_EEXISTS: return "RL_EEXISTS";
	case RL_EUSAGE: return "RL_EUSAGE";
	default: return "RL_E?";
	}
}
