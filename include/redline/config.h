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

/** HTTP versions of http.version. */
typedef enum rl_http_version {
	RL_HTTP_VERSION_UNSET = 0, /* libcurl's default: HTTP/2 over TLS when offered */
	RL_HTTP_VERSION_1_1,       /* "HTTP/1.1" */
	RL_HTTP_VERSION_2,         /* "HTTP/2" */
} rl_http_version;

/* git's http.* settings, as git names them (docs/fetching.md has the table).
 * Read from every level git reads (system, global, the archive's own) by
 * rl_config_http_load(), and per source from [source "NAME"] under the same
 * names, without "http." (source.anp.sslCAInfo).  Unset: strings NULL,
 * numbers -1 (version RL_HTTP_VERSION_UNSET).  Never holds a secret itself:
 * a key's passphrase stays in the file sslKeyPasswordFile names, and a
 * proxy's password inside `proxy` is shown masked wherever it is shown. */
typedef struct rl_http_config {
	char *ssl_ca_info;                /* http.sslCAInfo: a CA bundle (PEM) */
	char *ssl_ca_path;                /* http.sslCAPath: a c_rehash'ed directory */
	int ssl_verify;                   /* http.sslVerify: 0 turns verification off */
	char *ssl_cert;                   /* http.sslCert: client certificate (PEM) */
	char *ssl_key;                    /* http.sslKey: its private key (PEM) */
	char *ssl_key_password_file;      /* http.sslKeyPasswordFile (redline's own:
	                                     git prompts for it, cron cannot) */
	char *proxy;                      /* http.proxy; "" means none, not even
	                                     from the environment (as in git) */
	char *user_agent;                 /* http.userAgent */
	long low_speed_limit;             /* http.lowSpeedLimit, bytes/s */
	long low_speed_time;              /* http.lowSpeedTime, seconds */
	rl_http_version version;          /* http.version */
} rl_http_config;

/** Sets every field of `http` to unset (no allocation). */
void rl_http_config_init(rl_http_config *http);
/** Frees the strings and leaves `http` unset. */
void rl_http_config_release(rl_http_config *http);

/** Reads the http.* settings as git does: system, global (~/.gitconfig and
 *  $XDG_CONFIG_HOME/git/config) and the archive's own config, the last one
 *  set winning.  RL_EINVAL names the bad setting. */
int rl_config_http_load(rl_http_config *out, rl_archive *archive);

/** What applies to a source: each of its own settings, else the archive's.
 *  `out` borrows the strings of both: never release it. */
void rl_http_config_effective(rl_http_config *out, const rl_http_config *source,
			      const rl_http_config *archive);

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
	int every_seconds;    /* interval for watch; default 600 */
	int timeout_seconds;  /* default 30 */
	char *user_agent;     /* NULL: the archive's default */
	rl_http_config http;  /* this source's own http settings (source.NAME.sslCAInfo
	                         ...), over the archive's http.* */
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
/** Frees what rl_config_source_load_all() returned; NULL is fine. */
void rl_config_source_list_free(rl_source_config **list, size_t n);

/** Writes every setting of `config` (replacing the section's old values). */
int rl_config_source_save(rl_archive *archive, const rl_source_config *config);

/** Removes the [source "name"] section; RL_ENOTFOUND if there is none. */
int rl_config_source_remove(rl_archive *archive, const char *name);

/** Appends the names of all configured sources, sorted. */
int rl_config_source_list(rl_strvec *names, rl_archive *archive);

/** A source config with the defaults, named `name` (checked: RL_EINVAL). */
int rl_source_config_new(rl_source_config **out, const char *name);
/** Frees a source config; NULL is fine. */
void rl_source_config_free(rl_source_config *config);

/** Parses "90", "90s", "10m", "2h", "1d" into seconds; RL_EINVAL otherwise. */
int rl_config_parse_interval(int *seconds, const char *text);

/** A single archive-wide string setting such as "redline.contact"; `*out` NULL when unset. */
int rl_config_get_string(char **out, rl_archive *archive, const char *key);
/** Sets an archive-wide string setting such as "redline.contact". */
int rl_config_set_string(rl_archive *archive, const char *key, const char *value);

#endif
