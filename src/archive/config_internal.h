/*
 * config_internal.h - what config.c and config_http.c share (not public).
 */
#ifndef REDLINE_CONFIG_INTERNAL_H
#define REDLINE_CONFIG_INTERNAL_H

#include <git2.h>

#include "redline/config.h"

/** One http setting, `key` without "http." in any case as git reports it:
 *  1 when it was one (and is now set), 0 when `key` is not an http setting,
 *  RL_EINVAL for a bad value (the message names `section`.Key). */
int config_http_apply(rl_http_config *http, const char *section, const char *key,
		      const char *value);

/** Writes the settings of `http` that are set into [source "name"]. */
int config_http_save(git_config *local, const char *name, const rl_http_config *http);

#endif
