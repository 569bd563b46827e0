/*
 * redline/config.h - per-source settings, kept in the archive's git config.
 *
 *   [source "anp"]
 *       url = https://example.nl/buitenland
 *       format = html
 *       select-item = //article
 *       ignore = Bijgewerkt om \d+:\d+
 *       ignore = \d+ reacties
 *
 * so that `git config -f <archive>/config source.anp.url` reads them.
 */
#ifndef REDLINE_CONFIG_H
#define REDLINE_CONFIG_H

#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/format.h"

typedef struct rl_source_config {
	char *name;
	char *url;            /* NULL for sources fed only by `ingest` */
	rl_format format;     /* RL_FORMAT_AUTO by default */
	char *select_item;    /* XPath selectors, NULL when unset */
	char *select_title;
	char *select_link;
	char *select_body;
	rl_strvec ignore;     /* PCRE2 patterns, may repeat */
	rl_strvec headers;    /* extra request headers "Name: value", may repeat */
	int follow;           /* fetch each item's article page */
	int keep_counters;    /* counters = keep: view/comment counts and ticker
	                         stamps stay in the text (normalise.h rule 4b) */
	int every_seconds;    /* interval for watch; default 600 */
	int timeout_seconds;  /* default 30 */
	char *user_agent;     /* NULL: the archive's default */
	char *error;          /* from rl_config_source_load_all(): why a setting of
	                         this source is unusable; NULL when all are fine */
} rl_source_config;

/** Loads source `name`; RL_ENOTFOUND when no [source "name"] section exists
 *  (with `*out` set to defaults all the same, so ingest works without `add`). */
int rl_config_source_load(rl_source_config **out, rl_archive *archive, const char *name);

/** Loads every source in one pass over the config (sorted by name); free
 *  with rl_config_source_list_free().  Sections whose name redline cannot
 *  use are skipped; a source with a bad value is returned with `error` set,
 *  so that one broken source never stops the others. */
int rl_config_source_load_all(rl_source_config ***out, size_t *n, rl_archive *archive);
void rl_config_source_list_free(rl_source_config **list, size_t n);

/** Writes every setting of `config` (replacing the section's old values). */
int rl_config_source_save(rl_archive *archive, const rl_source_config *config);

/** Removes the [source "name"] section; RL_ENOTFOUND if there is none. */
int rl_config_source_remove(rl_archive *archive, const char *name);

/** Appends the names of all configured sources, sorted. */
int rl_config_source_list(rl_strvec *names, rl_archive *archive);

int rl_source_config_new(rl_source_config **out, const char *name);
void rl_source_config_free(rl_source_config *config);

/** Parses "90", "90s", "10m", "2h", "1d" into seconds; RL_EINVAL otherwise. */
int rl_config_parse_interval(int *seconds, const char *text);

/** A single archive-wide string setting such as "redline.contact"; `*out` NULL when unset. */
int rl_config_get_string(char **out, rl_archive *archive, const char *key);
int rl_config_set_string(rl_archive *archive, const char *key, const char *value);

#endif
