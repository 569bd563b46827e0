/*
 * config.c - per-source settings in the archive's own git config.
 *
 * Sources are [source "NAME"] sections of <archive>/config, so plain
 * `git config -f <archive>/config source.NAME.url` reads them.  Only the
 * repository-local level is read for sources (a [source] in ~/.gitconfig
 * must not leak into every archive) and only it is written.  git lowercases
 * variable names, hence the lowercase-with-dashes keys.
 */
#include "config_internal.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/hash.h"
#include "redline/path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_EVERY 600
#define DEFAULT_TIMEOUT 30
#define INTERVAL_MAX (366 * 86400)

int rl_source_config_new(rl_source_config **out, const char *name)
{
	rl_source_config *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL || (c->name = rl_strdup(name)) == NULL) {
		free(c);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	c->format = RL_FORMAT_AUTO;
	c->every_seconds = DEFAULT_EVERY;
	c->timeout_seconds = DEFAULT_TIMEOUT;
	rl_http_config_init(&c->http);
	*out = c;
	return 0;
}

void rl_source_config_free(rl_source_config *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->url);
	free(c->select_item);
	free(c->select_title);
	free(c->select_link);
	free(c->select_body);
	rl_strvec_release(&c->ignore);
	rl_strvec_release(&c->headers);
	rl_strvec_release(&c->follow_hosts);
	free(c->user_agent);
	rl_http_config_release(&c->http);
	free(c->error);
	free(c);
}

int rl_config_parse_interval(int *seconds, const char *text)
{
	char *end;
	long long n, unit = 1;

	if (text == NULL || text[0] < '0' || text[0] > '9')
		goto bad;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno != 0)
		goto bad;
	switch (*end) {
	case '\0': break;
	case 's': unit = 1; end++; break;
	case 'm': unit = 60; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'd': unit = 86400; end++; break;
	default: goto bad;
	}
	if (*end != '\0' || n <= 0 || n > INTERVAL_MAX / unit)
		goto bad;
	*seconds = (int)(n * unit);
	return 0;
bad:
	return rl_error_set(RL_EINVAL,
			    "bad interval '%.40s': want a positive number with s, m, h or d "
			    "(e.g. 90s, 10m, 2h), at most 366d", text ? text : "(null)");
}

/* The shortest exact spelling: 600 -> "10m". */
static void format_interval(char out[24], int seconds)
{
	if (seconds % 86400 == 0)
		snprintf(out, 24, "%dd", seconds / 86400);
	else if (seconds % 3600 == 0)
		snprintf(out, 24, "%dh", seconds / 3600);
	else if (seconds % 60 == 0)
		snprintf(out, 24, "%dm", seconds / 60);
	else
		snprintf(out, 24, "%ds", seconds);
}

static int open_local(git_config **local, rl_archive *archive)
{
	git_config *cfg = NULL;
	int error;

	*local = NULL;
	if ((error = git_repository_config(&cfg, rl_archive_repo(archive))) < 0 ||
	    (error = git_config_open_level(local, cfg, GIT_CONFIG_LEVEL_LOCAL)) < 0) {
		git_config_free(cfg);
		return rl_error_set_git(error, "cannot read the config of '%s'",
					rl_archive_path(archive));
	}
	git_config_free(cfg);
	return 0;
}

/* "source.NAME." is the prefix of every key of a source; NAME is case-sensitive. */
static int key_of(char *out, size_t size, const char *name, const char *key)
{
	int n = snprintf(out, size, "source.%s.%s", name, key);
	return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

static int has_prefix(const char *entry, const char *name)
{
	size_t len = strlen(name);
	return strncmp(entry, "source.", 7) == 0 && strncmp(entry + 7, name, len) == 0 &&
	       entry[7 + len] == '.' && strchr(entry + 8 + len, '.') == NULL;
}

/* All entry names of source `name` in the local config (with repeats). */
static int section_keys(rl_strvec *keys, git_config *local, const char *name)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int error, rc = 0;

	if ((error = git_config_iterator_new(&it, local)) < 0)
		return rl_error_set_git(error, "cannot read the config");
	while ((error = git_config_next(&e, it)) == 0) {
		if (has_prefix(e->name, name) && (rc = rl_strvec_push(keys, e->name)) < 0)
			break;
	}
	git_config_iterator_free(it);
	if (rc == 0 && error != GIT_ITEROVER)
		rc = rl_error_set_git(error, "cannot read the config");
	return rc;
}

static int bad_value(const char *name, const char *key, const char *value, const char *why)
{
	return rl_error_set(RL_EINVAL, "bad value '%.200s' for 'source.%s.%s': %s", value, name,
			    key, why);
}

static int replace_str(char **field, const char *value)
{
	char *copy = strdup(value ? value : "");

	if (copy == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	free(*field);
	*field = copy;
	return 0;
}

/* source.NAME.sslCAInfo and the other http settings (config_http.c). */
static int apply_http_entry(rl_source_config *c, const char *key, const char *value)
{
	char section[96]; /* names are at most 64 characters */

	snprintf(section, sizeof(section), "source.%s", c->name);
	return config_http_apply(&c->http, section, key, value);
}

/* One `source.NAME.KEY = value` entry into the source's settings.  Unknown
 * keys are left alone (a newer redline may have written them). */
static int apply_entry(rl_source_config *c, const char *key, const char *value)
{
	int b, error;

	static const struct {
		const char *key;
		size_t offset;
	} strings[] = {
		{ "url", offsetof(rl_source_config, url) },
		{ "select-item", offsetof(rl_source_config, select_item) },
		{ "select-title", offsetof(rl_source_config, select_title) },
		{ "select-link", offsetof(rl_source_config, select_link) },
		{ "select-body", offsetof(rl_source_config, select_body) },
		{ "user-agent", offsetof(rl_source_config, user_agent) },
	};

	if ((error = apply_http_entry(c, key, value)) != 0)
		return error < 0 ? error : 0;
	if (value == NULL)
		value = "";
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strcmp(key, strings[i].key) == 0)
			return replace_str((char **)((char *)c + strings[i].offset), value);
	if (strcmp(key, "ignore") == 0)
		return rl_strvec_push(&c->ignore, value);
	if (strcmp(key, "header") == 0)
		return rl_strvec_push(&c->headers, value);
	if (strcmp(key, "follow-host") == 0)
		return rl_strvec_push(&c->follow_hosts, value);
	if (strcmp(key, "format") == 0)
		return rl_format_parse(&c->format, value) < 0
			? bad_value(c->name, key, value, "want auto, text, html, rss or atom") : 0;
	if (strcmp(key, "every") == 0)
		return rl_config_parse_interval(&c->every_seconds, value) < 0
			? bad_value(c->name, key, value, "want an interval such as 90s, 10m or 2h") : 0;
	if (strcmp(key, "timeout") == 0)
		return rl_config_parse_interval(&c->timeout_seconds, value) < 0
			? bad_value(c->name, key, value, "want an interval such as 30s or 2m") : 0;
	if (strcmp(key, "counters") == 0) {
		if (strcmp(value, "keep") != 0 && strcmp(value, "strip") != 0)
			return bad_value(c->name, key, value, "want keep or strip");
		c->keep_counters = strcmp(value, "keep") == 0;
		return 0;
	}
	if (strcmp(key, "follow") == 0) {
		if ((error = git_config_parse_bool(&b, value)) < 0)
			return bad_value(c->name, key, value, "want true or false");
		c->follow = b;
	}
	return 0;
}

/* Splits "source.NAME.KEY" (NAME may hold dots: KEY is after the last one). */
static int split_entry(const char *entry, const char **name, size_t *name_len, const char **key)
{
	const char *sub, *dot;

	if (strncmp(entry, "source.", 7) != 0)
		return 0;
	sub = entry + 7;
	if ((dot = strrchr(sub, '.')) == NULL || dot == sub)
		return 0;
	*name = sub;
	*name_len = (size_t)(dot - sub);
	*key = dot + 1;
	return 1;
}

static int cmp_config_name(const void *a, const void *b)
{
	const rl_source_config *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

/* The sources met so far in one pass over the config, in the order met. */
/* The sources read so far, and an open-addressing table of their names
 * (slot: index + 1, 0 empty), kept under half full: an archive of 10,000
 * sources took 50 million name comparisons to load with a scan. */
struct source_list {
	rl_source_config **v;
	size_t n, cap;
	uint32_t *slot;
	size_t n_slots; /* a power of two */
};

static void source_list_release(struct source_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		rl_source_config_free(l->v[i]);
	free(l->v);
	free(l->slot);
	memset(l, 0, sizeof(*l));
}

static size_t name_slot(const struct source_list *l, const char *name, size_t len)
{
	return (size_t)rl_hash64_bytes(name, len) & (l->n_slots - 1);
}

/* Adds l->v[i] to the table, which has room. */
static void slot_put(struct source_list *l, size_t i)
{
	const char *name = l->v[i]->name;
	size_t k = name_slot(l, name, strlen(name));

	while (l->slot[k] != 0)
		k = (k + 1) & (l->n_slots - 1);
	l->slot[k] = (uint32_t)(i + 1);
}

/* Room for one more name: the table doubled and refilled at half full. */
static int slots_reserve(struct source_list *l)
{
	size_t want = l->n_slots ? l->n_slots : 64;
	uint32_t *slot;

	while (2 * (l->n + 1) > want)
		want *= 2;
	if (want == l->n_slots)
		return 0;
	if (l->n >= UINT32_MAX / 2 || (slot = calloc(want, sizeof(*slot))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	free(l->slot);
	l->slot = slot;
	l->n_slots = want;
	for (size_t i = 0; i < l->n; i++)
		slot_put(l, i);
	return 0;
}

static int same_name(const rl_source_config *c, const char *name, size_t len)
{
	return strlen(c->name) == len && strncmp(c->name, name, len) == 0;
}

/* The source an entry belongs to.  Entries of a section come together, so
 * the search runs only when the name changes; a new name gets a new source.
 * `*cur` is NULL (and 0 returned) for a section git accepts but redline
 * cannot use: its entries are skipped. */
static int source_for_entry(rl_source_config **cur, struct source_list *l, const char *name,
			    size_t len)
{
	char *copy;
	int rc;

	if (*cur && same_name(*cur, name, len))
		return 0;
	*cur = NULL;
	if (l->n_slots)
		for (size_t k = name_slot(l, name, len); l->slot[k] != 0; k = (k + 1) & (l->n_slots - 1))
			if (same_name(l->v[l->slot[k] - 1], name, len)) {
				*cur = l->v[l->slot[k] - 1];
				return 0;
			}
	if ((rc = slots_reserve(l)) < 0)
		return rc;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		rl_source_config **nv = realloc(l->v, cap * sizeof(*nv));
		if (nv == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		l->v = nv;
		l->cap = cap;
	}
	if ((copy = strndup(name, len)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((rc = rl_path_source_name_check(copy)) == 0 &&
	    (rc = rl_source_config_new(&l->v[l->n], copy)) == 0) {
		*cur = l->v[l->n];
		slot_put(l, l->n++);
	}
	free(copy);
	if (rc == RL_EINVAL) {
		rl_error_clear();
		rc = 0;
	}
	return rc;
}

/* A bad value is remembered on its source (the first one only), so that one
 * broken source never stops the others. */
static int apply_or_remember(rl_source_config *c, const char *key, const char *value)
{
	int rc = apply_entry(c, key, value);

	if (rc != RL_EINVAL)
		return rc;
	if (c->error == NULL && (c->error = strdup(rl_error_last())) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	rl_error_clear();
	return 0;
}

/* One pass over the archive's config: every source (only `only` if given). */
static int load_sources(rl_source_config ***out, size_t *n_out, rl_archive *archive,
			const char *only)
{
	git_config *local = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	struct source_list list = { 0 };
	rl_source_config *cur = NULL;
	int rc = 0, error;

	*out = NULL;
	*n_out = 0;
	if ((rc = open_local(&local, archive)) < 0)
		return rc;
	if ((error = git_config_iterator_new(&it, local)) < 0) {
		rc = rl_error_set_git(error, "cannot read the config");
		goto done;
	}
	while ((error = git_config_next(&e, it)) == 0) {
		const char *name, *key;
		size_t len;
		if (!split_entry(e->name, &name, &len, &key) ||
		    (only && (strlen(only) != len || strncmp(only, name, len) != 0)))
			continue;
		if ((rc = source_for_entry(&cur, &list, name, len)) < 0 ||
		    (cur && (rc = apply_or_remember(cur, key, e->value)) < 0))
			goto done;
	}
	if (error != GIT_ITEROVER) {
		rc = rl_error_set_git(error, "cannot read the config");
		goto done;
	}
	if (list.n > 1)
		qsort(list.v, list.n, sizeof(*list.v), cmp_config_name);
	*out = list.v;
	*n_out = list.n;
	free(list.slot);
	memset(&list, 0, sizeof(list));
done:
	source_list_release(&list);
	git_config_iterator_free(it);
	git_config_free(local);
	return rc;
}

int rl_config_source_load_all(rl_source_config ***out, size_t *n, rl_archive *archive)
{
	return load_sources(out, n, archive, NULL);
}

void rl_config_source_list_free(rl_source_config **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rl_source_config_free(list[i]);
	free(list);
}

int rl_config_source_load(rl_source_config **out, rl_archive *archive, const char *name)
{
	rl_source_config **list = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = rl_path_source_name_check(name)) < 0)
		return rc;
	if ((rc = load_sources(&list, &n, archive, name)) < 0)
		return rc;
	if (n == 1) {
		*out = list[0];
		free(list);
		if ((*out)->error) {
			rc = rl_error_set(RL_EINVAL, "%s", (*out)->error);
			rl_source_config_free(*out);
			*out = NULL;
			return rc;
		}
		return 0;
	}
	rl_config_source_list_free(list, n);
	/* Defaults even when the section is missing: ingest needs no `add`. */
	if ((rc = rl_source_config_new(out, name)) < 0)
		return rc;
	return rl_error_set(RL_ENOTFOUND, "no source '%s' in '%s' (add one with 'redline add')",
			    name, rl_archive_path(archive));
}

/* Deletes every value of every key of the section. */
static int delete_keys(git_config *local, const char *name, int *found)
{
	rl_strvec keys = RL_STRVEC_INIT;
	int rc, error;

	if ((rc = section_keys(&keys, local, name)) < 0)
		return rc;
	*found = keys.n > 0;
	for (size_t i = 0; i < keys.n; i++) {
		/* Repeated names come back once per value: the first call removes all. */
		if (i > 0 && strcmp(keys.v[i], keys.v[i - 1]) == 0)
			continue;
		error = git_config_delete_multivar(local, keys.v[i], ".*");
		if (error < 0 && error != GIT_ENOTFOUND) {
			rc = rl_error_set_git(error, "cannot remove '%s'", keys.v[i]);
			break;
		}
	}
	rl_strvec_release(&keys);
	return rc;
}

static int set_string(git_config *local, const char *name, const char *key, const char *value)
{
	char full[256];
	int error;

	if (value == NULL)
		return 0;
	key_of(full, sizeof(full), name, key);
	if ((error = git_config_set_string(local, full, value)) < 0)
		return rl_error_set_git(error, "cannot write '%s'", full);
	return 0;
}

/* libgit2 1.5's git_config_set_multivar() writes the value raw (only adding
 * quotes around leading/trailing space or ; and #), unlike
 * git_config_set_string(): a backslash, quote or newline would corrupt the
 * file.  So multivars are escaped here, as git's config syntax wants. */
static char *escape_multivar(const char *value)
{
	rl_buf out = RL_BUF_INIT(64 * 1024);

	for (const char *p = value; *p; p++) {
		int rc;
		switch (*p) {
		case '\\': rc = rl_buf_puts(&out, "\\\\"); break;
		case '"': rc = rl_buf_puts(&out, "\\\""); break;
		case '\n': rc = rl_buf_puts(&out, "\\n"); break;
		case '\t': rc = rl_buf_puts(&out, "\\t"); break;
		default: rc = rl_buf_putc(&out, *p); break;
		}
		if (rc < 0) {
			rl_buf_release(&out);
			return NULL;
		}
	}
	return rl_buf_detach(&out);
}

static int set_multi(git_config *local, const char *name, const char *key, const rl_strvec *v)
{
	char full[256];
	char *escaped;
	int error;

	key_of(full, sizeof(full), name, key);
	for (size_t i = 0; i < v->n; i++) {
		if (v->v[i] == NULL || v->v[i][0] == '\0')
			continue;
		if ((escaped = escape_multivar(v->v[i])) == NULL)
			return rl_error_set(RL_ETOOBIG, "value of '%s' is too long", full);
		/* "^$" matches no (non-empty) old value, so each call appends.
		 * (libgit2 1.5 leaks a little pcre2 memory per non-matching old
		 * value here; saves are rare, so we live with it.) */
		error = git_config_set_multivar(local, full, "^$", escaped);
		free(escaped);
		if (error < 0)
			return rl_error_set_git(error, "cannot write '%s'", full);
	}
	return 0;
}

/* Settings are single lines: a newline in a header would be an injected
 * request header, and git's config has no escape for most controls. */
static int check_value(const char *name, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return rl_error_set(RL_EINVAL,
					    "value of 'source.%s.%s' holds control character 0x%02x",
					    name, key, *p);
	return 0;
}

static int check_values(const rl_source_config *c)
{
	const char *keys[] = { "url", "select-item", "select-title", "select-link",
			       "select-body", "user-agent" };
	const char *values[] = { c->url, c->select_item, c->select_title, c->select_link,
				 c->select_body, c->user_agent };
	int rc;

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if ((rc = check_value(c->name, keys[i], values[i])) < 0)
			return rc;
	for (size_t i = 0; i < c->ignore.n; i++)
		if ((rc = check_value(c->name, "ignore", c->ignore.v[i])) < 0)
			return rc;
	for (size_t i = 0; i < c->headers.n; i++)
		if ((rc = check_value(c->name, "header", c->headers.v[i])) < 0)
			return rc;
	for (size_t i = 0; i < c->follow_hosts.n; i++)
		if ((rc = check_value(c->name, "follow-host", c->follow_hosts.v[i])) < 0)
			return rc;
	return 0;
}

int rl_config_source_save(rl_archive *archive, const rl_source_config *c)
{
	git_config *local = NULL;
	char every[24], timeout[24], full[256];
	int rc, error, found;

	if (c == NULL)
		return rl_error_set(RL_EINVAL, "no source config given");
	if ((rc = rl_path_source_name_check(c->name)) < 0)
		return rc;
	if (c->every_seconds <= 0 || c->every_seconds > INTERVAL_MAX ||
	    c->timeout_seconds <= 0 || c->timeout_seconds > INTERVAL_MAX)
		return rl_error_set(RL_EINVAL, "source '%s': interval out of range", c->name);
	if ((rc = check_values(c)) < 0)
		return rc;
	if ((rc = open_local(&local, archive)) < 0)
		return rc;
	if ((rc = delete_keys(local, c->name, &found)) < 0)
		goto done;
	format_interval(every, c->every_seconds);
	format_interval(timeout, c->timeout_seconds);
	if ((rc = set_string(local, c->name, "url", c->url)) < 0 ||
	    (rc = set_string(local, c->name, "format", rl_format_name(c->format))) < 0 ||
	    (rc = set_string(local, c->name, "select-item", c->select_item)) < 0 ||
	    (rc = set_string(local, c->name, "select-title", c->select_title)) < 0 ||
	    (rc = set_string(local, c->name, "select-link", c->select_link)) < 0 ||
	    (rc = set_string(local, c->name, "select-body", c->select_body)) < 0 ||
	    (rc = set_multi(local, c->name, "ignore", &c->ignore)) < 0 ||
	    (rc = set_multi(local, c->name, "header", &c->headers)) < 0 ||
	    (rc = set_multi(local, c->name, "follow-host", &c->follow_hosts)) < 0 ||
	    (rc = set_string(local, c->name, "every", every)) < 0 ||
	    (rc = set_string(local, c->name, "timeout", timeout)) < 0 ||
	    (rc = set_string(local, c->name, "user-agent", c->user_agent)) < 0 ||
	    (rc = set_string(local, c->name, "counters", c->keep_counters ? "keep" : NULL)) < 0 ||
	    (rc = config_http_save(local, c->name, &c->http)) < 0)
		goto done;
	key_of(full, sizeof(full), c->name, "follow");
	if ((error = git_config_set_bool(local, full, c->follow ? 1 : 0)) < 0)
		rc = rl_error_set_git(error, "cannot write '%s'", full);
done:
	git_config_free(local);
	return rc;
}

int rl_config_source_remove(rl_archive *archive, const char *name)
{
	git_config *local = NULL;
	int rc, found = 0;

	if ((rc = rl_path_source_name_check(name)) < 0)
		return rc;
	if ((rc = open_local(&local, archive)) < 0)
		return rc;
	rc = delete_keys(local, name, &found);
	git_config_free(local);
	if (rc == 0 && !found)
		rc = rl_error_set(RL_ENOTFOUND, "no source '%s' in '%s'", name,
				  rl_archive_path(archive));
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rl_config_source_list(rl_strvec *names, rl_archive *archive)
{
	git_config *local = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	rl_strvec found = RL_STRVEC_INIT;
	int rc, error;

	if ((rc = open_local(&local, archive)) < 0)
		return rc;
	if ((error = git_config_iterator_new(&it, local)) < 0) {
		rc = rl_error_set_git(error, "cannot read the config");
		goto done;
	}
	while ((error = git_config_next(&e, it)) == 0) {
		const char *sub, *dot;
		if (strncmp(e->name, "source.", 7) != 0)
			continue;
		sub = e->name + 7;
		/* Names may contain dots: the variable is after the last one. */
		if ((dot = strrchr(sub, '.')) == NULL || dot == sub)
			continue;
		if ((rc = rl_strvec_pushn(&found, sub, (size_t)(dot - sub))) < 0)
			goto done;
	}
	if (error != GIT_ITEROVER) {
		rc = rl_error_set_git(error, "cannot read the config");
		goto done;
	}
	if (found.n > 0)
		qsort(found.v, found.n, sizeof(*found.v), cmp_str);
	for (size_t i = 0; i < found.n; i++) {
		if (i > 0 && strcmp(found.v[i], found.v[i - 1]) == 0)
			continue;
		if ((rc = rl_strvec_push(names, found.v[i])) < 0)
			goto done;
	}
done:
	git_config_iterator_free(it);
	rl_strvec_release(&found);
	git_config_free(local);
	return rc;
}

int rl_config_get_string(char **out, rl_archive *archive, const char *key)
{
	git_config *cfg = NULL;
	git_buf value = GIT_BUF_INIT;
	int error, rc = 0;

	*out = NULL;
	if ((error = git_repository_config(&cfg, rl_archive_repo(archive))) < 0)
		return rl_error_set_git(error, "cannot read the config of '%s'",
					rl_archive_path(archive));
	error = git_config_get_string_buf(&value, cfg, key);
	if (error == 0) {
		if ((*out = rl_strdup(value.ptr)) == NULL)
			rc = RL_ENOMEM;
	} else if (error != GIT_ENOTFOUND) {
		rc = rl_error_set_git(error, "cannot read '%s'", key);
	}
	git_buf_dispose(&value);
	git_config_free(cfg);
	return rc;
}

int rl_config_set_string(rl_archive *archive, const char *key, const char *value)
{
	git_config *local = NULL;
	int rc, error;

	if (key == NULL || value == NULL)
		return rl_error_set(RL_EINVAL, "config key and value are required");
	if ((rc = open_local(&local, archive)) < 0)
		return rc;
	if ((error = git_config_set_string(local, key, value)) < 0)
		rc = rl_error_set_git(error, "cannot write '%s'", key);
	git_config_free(local);
	return rc;
}
