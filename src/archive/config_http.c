/*
 * config_http.c - git's http.* settings: TLS, proxy, user agent, speed
 * limits, HTTP version.
 *
 * They are read the way git reads them, so a user who already taught git
 * their CA bundle or proxy (in ~/.gitconfig, /etc/gitconfig or the
 * archive's config) has taught redline too; a source may override each one
 * in its own section under the same name.  Names are matched without case,
 * as git does; paths get git's "~/" expansion.  Nothing here holds a
 * secret: a key passphrase is only ever named by a file.
 */
#include "config_internal.h"
#include "redline/error.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest value kept: a path, a proxy URL or a user agent. */
#define HTTP_VALUE_MAX 4096

enum kind { KIND_STRING, KIND_PATH, KIND_BOOL, KIND_LONG, KIND_VERSION };

static const struct http_key {
	const char *name; /* as git's documentation spells it */
	enum kind kind;
	size_t offset;
} http_keys[] = {
	{ "sslCAInfo", KIND_PATH, offsetof(rl_http_config, ssl_ca_info) },
	{ "sslCAPath", KIND_PATH, offsetof(rl_http_config, ssl_ca_path) },
	{ "sslVerify", KIND_BOOL, offsetof(rl_http_config, ssl_verify) },
	{ "sslCert", KIND_PATH, offsetof(rl_http_config, ssl_cert) },
	{ "sslKey", KIND_PATH, offsetof(rl_http_config, ssl_key) },
	{ "sslKeyPasswordFile", KIND_PATH, offsetof(rl_http_config, ssl_key_password_file) },
	{ "proxy", KIND_STRING, offsetof(rl_http_config, proxy) },
	{ "userAgent", KIND_STRING, offsetof(rl_http_config, user_agent) },
	{ "lowSpeedLimit", KIND_LONG, offsetof(rl_http_config, low_speed_limit) },
	{ "lowSpeedTime", KIND_LONG, offsetof(rl_http_config, low_speed_time) },
	{ "version", KIND_VERSION, offsetof(rl_http_config, version) },
};

#define N_HTTP_KEYS (sizeof(http_keys) / sizeof(http_keys[0]))

void rl_http_config_init(rl_http_config *h)
{
	memset(h, 0, sizeof(*h));
	h->ssl_verify = -1;
	h->low_speed_limit = -1;
	h->low_speed_time = -1;
	h->version = RL_HTTP_VERSION_UNSET;
}

void rl_http_config_release(rl_http_config *h)
{
	for (size_t i = 0; i < N_HTTP_KEYS; i++)
		if (http_keys[i].kind == KIND_STRING || http_keys[i].kind == KIND_PATH)
			free(*(char **)((char *)h + http_keys[i].offset));
	rl_http_config_init(h);
}

static const struct http_key *find_key(const char *key)
{
	for (size_t i = 0; i < N_HTTP_KEYS; i++)
		if (strcasecmp(key, http_keys[i].name) == 0)
			return &http_keys[i];
	return NULL;
}

static int bad(const char *section, const struct http_key *k, const char *value,
	       const char *why)
{
	return rl_error_set(RL_EINVAL, "bad value '%.200s' for '%s.%s': %s", value, section,
			    k->name, why);
}

static int set_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	free(*field);
	*field = copy;
	return 0;
}

/* git's pathname type: "~/" is the user's home; an empty value stays empty
 * (it clears a setting made at a wider level). */
static int set_path(char **field, const char *section, const struct http_key *k,
		    const char *value)
{
	git_buf buf = GIT_BUF_INIT;
	int rc;

	if (*value == '\0')
		return set_string(field, value);
	if (git_config_parse_path(&buf, value) < 0)
		return bad(section, k, value, "not a path git understands");
	rc = set_string(field, buf.ptr);
	git_buf_dispose(&buf);
	return rc;
}

static int set_long(long *field, const char *section, const struct http_key *k,
		    const char *value)
{
	int64_t n;

	/* git's integers take k, m and g suffixes; a negative limit means nothing. */
	if (git_config_parse_int64(&n, value) < 0 || n < 0 || n > 1000000000)
		return bad(section, k, value, "want a whole number, 0 or more");
	*field = (long)n;
	return 0;
}

static int set_version(rl_http_version *field, const char *section, const struct http_key *k,
		       const char *value)
{
	/* git accepts exactly these two spellings. */
	if (strcmp(value, "HTTP/1.1") == 0)
		*field = RL_HTTP_VERSION_1_1;
	else if (strcmp(value, "HTTP/2") == 0)
		*field = RL_HTTP_VERSION_2;
	else
		return bad(section, k, value, "want HTTP/1.1 or HTTP/2");
	return 0;
}

int config_http_apply(rl_http_config *h, const char *section, const char *key,
		      const char *value)
{
	const struct http_key *k = find_key(key);
	void *field;
	int b;

	if (k == NULL)
		return 0;
	field = (char *)h + k->offset;
	if (value == NULL)
		value = k->kind == KIND_BOOL ? "true" : ""; /* "[http] sslVerify" alone is true */
	if (strlen(value) > HTTP_VALUE_MAX)
		return bad(section, k, value, "too long");
	switch (k->kind) {
	case KIND_STRING:
		return set_string(field, value) < 0 ? RL_ENOMEM : 1;
	case KIND_PATH:
		return set_path(field, section, k, value) < 0 ? rl_error_last_code() : 1;
	case KIND_BOOL:
		if (git_config_parse_bool(&b, value) < 0)
			return bad(section, k, value, "want true or false");
		*(int *)field = b;
		return 1;
	case KIND_LONG:
		return set_long(field, section, k, value) < 0 ? RL_EINVAL : 1;
	case KIND_VERSION:
		return set_version(field, section, k, value) < 0 ? RL_EINVAL : 1;
	}
	return 0;
}

int rl_config_http_load(rl_http_config *out, rl_archive *archive)
{
	git_config *cfg = NULL, *snap = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int error, rc = 0;

	rl_http_config_init(out);
	/* The repository's config object holds every level git reads, lowest
	 * first: system, XDG, global, local.  A snapshot reads them once. */
	if ((error = git_repository_config(&cfg, rl_archive_repo(archive))) < 0 ||
	    (error = git_config_snapshot(&snap, cfg)) < 0 ||
	    (error = git_config_iterator_new(&it, snap)) < 0) {
		rc = rl_error_set_git(error, "cannot read the config of '%s'",
				      rl_archive_path(archive));
		goto done;
	}
	/* Not git_config_iterator_glob_new(): libgit2 1.5 leaks pcre2 match
	 * data on every entry its regexp does not match, every cycle. */
	while ((error = git_config_next(&e, it)) == 0) {
		/* "http.<url>.key" is git's per-URL form, not read (see docs). */
		if (strncmp(e->name, "http.", 5) != 0 || strchr(e->name + 5, '.') != NULL)
			continue;
		/* The iterator goes from the lowest level to the highest: the
		 * last value seen wins, as in git. */
		if ((rc = config_http_apply(out, "http", e->name + 5, e->value)) < 0)
			goto done;
		rc = 0;
	}
	if (error != GIT_ITEROVER)
		rc = rl_error_set_git(error, "cannot read the config of '%s'",
				      rl_archive_path(archive));
done:
	if (rc < 0)
		rl_http_config_release(out);
	git_config_iterator_free(it);
	git_config_free(snap);
	git_config_free(cfg);
	return rc;
}

static int save_one(git_config *local, const char *name, const struct http_key *k,
		    const rl_http_config *h)
{
	const void *field = (const char *)h + k->offset;
	char full[512];
	const char *s = NULL;
	int error = 0, n;

	n = snprintf(full, sizeof(full), "source.%s.%s", name, k->name);
	if (n < 0 || (size_t)n >= sizeof(full))
		return rl_error_set(RL_EINVAL, "source name '%s' is too long", name);
	switch (k->kind) {
	case KIND_STRING:
	case KIND_PATH:
		if ((s = *(char *const *)field) != NULL)
			error = git_config_set_string(local, full, s);
		break;
	case KIND_BOOL:
		if (*(const int *)field >= 0)
			error = git_config_set_bool(local, full, *(const int *)field);
		break;
	case KIND_LONG:
		if (*(const long *)field >= 0)
			error = git_config_set_int64(local, full, *(const long *)field);
		break;
	case KIND_VERSION:
		if (*(const rl_http_version *)field == RL_HTTP_VERSION_1_1)
			error = git_config_set_string(local, full, "HTTP/1.1");
		else if (*(const rl_http_version *)field == RL_HTTP_VERSION_2)
			error = git_config_set_string(local, full, "HTTP/2");
		break;
	}
	return error < 0 ? rl_error_set_git(error, "cannot write '%s'", full) : 0;
}

int config_http_save(git_config *local, const char *name, const rl_http_config *h)
{
	int rc;

	for (size_t i = 0; i < N_HTTP_KEYS; i++)
		if ((rc = save_one(local, name, &http_keys[i], h)) < 0)
			return rc;
	return 0;
}

/* The source's value when it has one, else the archive's. */
#define PICK(field, unset) (source->field != (unset) ? source->field : archive->field)

void rl_http_config_effective(rl_http_config *out, const rl_http_config *source,
			      const rl_http_config *archive)
{
	out->ssl_ca_info = PICK(ssl_ca_info, NULL);
	out->ssl_ca_path = PICK(ssl_ca_path, NULL);
	out->ssl_verify = PICK(ssl_verify, -1);
	out->ssl_cert = PICK(ssl_cert, NULL);
	out->ssl_key = PICK(ssl_key, NULL);
	out->ssl_key_password_file = PICK(ssl_key_password_file, NULL);
	out->proxy = PICK(proxy, NULL);
	out->user_agent = PICK(user_agent, NULL);
	out->low_speed_limit = PICK(low_speed_limit, -1);
	out->low_speed_time = PICK(low_speed_time, -1);
	out->version = PICK(version, RL_HTTP_VERSION_UNSET);
}
