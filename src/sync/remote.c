/*
 * remote.c - push and fetch through libgit2, and the push state.
 *
 * A push never blocks the archive's writers: it takes no writer lock, only
 * a lock of its own (<archive>/redline/push/<remote>.lock, flock, not
 * waited for), so that two pushes to one remote never overlap.  Its outcome
 * is recorded after it returns; a push killed half-way records nothing and
 * is simply tried again (the remote's ref only moves once the whole pack
 * has arrived).
 */
#include "redline/remote.h"
#include "redline/error.h"
#include "redline/config.h"
#include "redline/file.h"
#include "redline/merge.h"
#include "remote_internal.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_FIRST 30
#define BACKOFF_MAX 3600
#define STATE_MAX (64 * 1024)
#define ERROR_MAX 400

int rl_remote_check_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > RL_REMOTE_NAME_MAX || name[0] == '.' || name[0] == '-')
		goto bad;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			goto bad;
	}
	return 0;
bad:
	return rl_error_set(RL_EINVAL, "not a usable remote name: '%.80s'", name ? name : "");
}

static int check_refspec(const char *spec)
{
	const char *colon = strchr(spec, ':');
	const char *src = spec[0] == '+' ? spec + 1 : spec;

	if (colon == NULL || strncmp(src, "refs/", 5) != 0 || strncmp(colon + 1, "refs/", 5) != 0 ||
	    strchr(colon + 1, ':') || strchr(spec, '*'))
		return rl_error_set(RL_EINVAL,
				    "push refspec '%.200s' is not 'refs/...:refs/...' (one ref, no glob)",
				    spec);
	return 0;
}

int rl_remote_push_refspec(char **out, rl_archive *archive, const char *remote,
			   const rl_shard *shard)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	const char *worker = NULL;
	char key[128];
	int error, rc = 0;

	*out = NULL;
	if ((rc = rl_remote_check_name(remote)) < 0)
		return rc;
	if ((error = git_repository_config_snapshot(&cfg, rl_archive_repo(archive))) < 0)
		return rl_error_set_git(error, "cannot read the config");
	snprintf(key, sizeof(key), "remote.%s.push", remote);
	if ((error = git_config_multivar_iterator_new(&it, cfg, key, NULL)) < 0) {
		rc = rl_error_set_git(error, "cannot read '%s'", key);
		goto done;
	}
	if (git_config_next(&entry, it) == 0) {
		if ((rc = check_refspec(entry->value)) == 0 && (*out = strdup(entry->value)) == NULL)
			rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if (shard && shard->n > 0) {
		char name[32];
		rl_shard_branch_name(name, sizeof(name), shard);
		if (asprintf(out, "refs/heads/main:refs/heads/shards/%s", name) < 0)
			*out = NULL;
	} else if (git_config_get_string(&worker, cfg, "redline.worker") == 0) {
		if ((rc = rl_remote_check_name(worker)) < 0) {
			rc = rl_error_set(RL_EINVAL, "redline.worker '%.80s' is not usable in a ref name "
					  "(want [A-Za-z0-9._-])", worker);
			goto done;
		}
		if (asprintf(out, "refs/heads/main:refs/heads/shards/%s", worker) < 0)
			*out = NULL;
	} else {
		rc = rl_error_set(RL_ENOTFOUND,
				  "no push refspec for remote '%s': run with --shard K/N, or set "
				  "remote.%s.push or redline.worker",
				  remote, remote);
		goto done;
	}
	if (*out == NULL)
		rc = rl_error_set(RL_ENOMEM, "out of memory");
done:
	git_config_iterator_free(it);
	git_config_free(cfg);
	return rc;
}

/* ---- push state ------------------------------------------------------ */

static int state_path(char **out, rl_archive *archive, const char *remote, const char *ext)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/push", rl_archive_state_dir(archive));
	if (rl_file_mkdir_p(dir) < 0)
		return rl_error_last_code();
	if (asprintf(out, "%s/%s.%s", dir, remote, ext) < 0) {
		*out = NULL;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	return 0;
}

void rl_push_state_free(rl_push_state *state)
{
	if (state == NULL)
		return;
	free(state->remote);
	free(state->dst_ref);
	free(state->last_error);
	free(state);
}

static int64_t get_time(json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static char *get_string(json_t *root, const char *key)
{
	const char *v = json_string_value(json_object_get(root, key));
	return v ? strdup(v) : NULL;
}

int rl_push_state_load(rl_push_state **out, rl_archive *archive, const char *remote)
{
	rl_push_state *s;
	rl_buf text;
	char *path = NULL;
	json_t *root = NULL;
	int rc;

	*out = NULL;
	if ((rc = rl_remote_check_name(remote)) < 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->remote = strdup(remote)) == NULL) {
		rl_push_state_free(s);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	if ((rc = state_path(&path, archive, remote, "json")) < 0) {
		rl_push_state_free(s);
		return rc;
	}
	rl_buf_init(&text, STATE_MAX);
	/* A cache: a missing or broken file is an empty state (push again). */
	if (rl_file_read(&text, path) == 0 && (root = json_loadb(text.ptr, text.len, 0, NULL))) {
		const char *pushed = json_string_value(json_object_get(root, "pushed"));
		s->dst_ref = get_string(root, "dst_ref");
		s->has_pushed = pushed && git_oid_fromstr(&s->pushed, pushed) == 0;
		pushed = json_string_value(json_object_get(root, "pushed_notes"));
		s->has_pushed_notes = pushed && git_oid_fromstr(&s->pushed_notes, pushed) == 0;
		s->last_try = get_time(root, "last_try");
		s->last_success = get_time(root, "last_success");
		s->next_try = get_time(root, "next_try");
		s->failures = (int)get_time(root, "failures");
		s->last_error = get_string(root, "last_error");
	}
	rl_error_clear();
	json_decref(root);
	rl_buf_release(&text);
	free(path);
	*out = s;
	return 0;
}

static int state_save(rl_archive *archive, const rl_push_state *s)
{
	json_t *root = json_object();
	char *path = NULL, *text = NULL;
	int rc;

	if (root == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	json_object_set_new(root, "remote", json_string(s->remote));
	if (s->dst_ref)
		json_object_set_new(root, "dst_ref", json_string(s->dst_ref));
	if (s->has_pushed)
		json_object_set_new(root, "pushed", json_string(git_oid_tostr_s(&s->pushed)));
	if (s->has_pushed_notes)
		json_object_set_new(root, "pushed_notes",
				    json_string(git_oid_tostr_s(&s->pushed_notes)));
	json_object_set_new(root, "last_try", json_integer(s->last_try));
	json_object_set_new(root, "last_success", json_integer(s->last_success));
	json_object_set_new(root, "next_try", json_integer(s->next_try));
	json_object_set_new(root, "failures", json_integer(s->failures));
	if (s->last_error)
		json_object_set_new(root, "last_error", json_string(s->last_error));
	if ((rc = state_path(&path, archive, s->remote, "json")) == 0) {
		if ((text = json_dumps(root, JSON_INDENT(2))) == NULL)
			rc = rl_error_set(RL_ENOMEM, "out of memory");
		else
			rc = rl_file_write_cache(path, text, strlen(text));
	}
	free(text);
	free(path);
	json_decref(root);
	return rc;
}

/* Failures in a row back off: 30 s, 60 s, 120 s ... at most an hour. */
static void record_failure(rl_push_state *s, int64_t now, const char *message)
{
	int64_t wait = BACKOFF_FIRST;

	for (int i = 0; i < s->failures && wait < BACKOFF_MAX; i++)
		wait *= 2;
	s->failures++;
	s->last_try = now;
	s->next_try = now + (wait < BACKOFF_MAX ? wait : BACKOFF_MAX);
	free(s->last_error);
	s->last_error = strndup(message, ERROR_MAX);
}

int rl_remote_push_failed(rl_archive *archive, const char *remote, int64_t now,
			  const char *message)
{
	rl_push_state *s = NULL;
	int rc = rl_push_state_load(&s, archive, remote);

	if (rc == 0) {
		record_failure(s, now, message);
		rc = state_save(archive, s);
	}
	rl_push_state_free(s);
	return rc;
}

static int main_tip(git_oid *out, rl_archive *archive)
{
	int error = git_reference_name_to_id(out, rl_archive_repo(archive), "refs/heads/main");
	if (error == GIT_ENOTFOUND)
		return rl_error_set(RL_ENOTFOUND, "nothing to push: the archive has no commit yet");
	return error < 0 ? rl_error_set_git(error, "cannot read refs/heads/main") : 0;
}

/* The timestamp notes' tip; 0 when there are none. */
static int notes_tip(git_oid *out, rl_archive *archive)
{
	return git_reference_name_to_id(out, rl_archive_repo(archive), RL_MERGE_NOTES_REF) == 0;
}

int rl_remote_push_due(int *due, rl_archive *archive, const char *remote, int64_t now)
{
	rl_push_state *s = NULL;
	git_oid tip, notes;
	int rc;

	*due = 0;
	if ((rc = rl_push_state_load(&s, archive, remote)) < 0)
		return rc;
	if (main_tip(&tip, archive) == 0)
		*due = (!s->has_pushed || !git_oid_equal(&tip, &s->pushed) ||
			/* a token stored after the last push (over its tip) */
			(notes_tip(&notes, archive) &&
			 (!s->has_pushed_notes || !git_oid_equal(&notes, &s->pushed_notes)))) &&
		       now >= s->next_try;
	rl_error_clear();
	rl_push_state_free(s);
	return 0;
}

int rl_push_state_ahead_behind(size_t *ahead, size_t *behind, rl_archive *archive,
			       const rl_push_state *state)
{
	git_oid tip;
	int error;

	*ahead = *behind = 0;
	if (main_tip(&tip, archive) < 0) {
		rl_error_clear();
		return 0;
	}
	if (!state->has_pushed) {
		/* Nothing pushed yet: the remote lacks all of main. */
		git_revwalk *walk = NULL;
		git_oid id;
		if ((error = git_revwalk_new(&walk, rl_archive_repo(archive))) < 0 ||
		    (error = git_revwalk_push(walk, &tip)) < 0) {
			git_revwalk_free(walk);
			return rl_error_set_git(error, "cannot count the commits of main");
		}
		while (git_revwalk_next(&id, walk) == 0)
			(*ahead)++;
		git_revwalk_free(walk);
		return 0;
	}
	error = git_graph_ahead_behind(ahead, behind, rl_archive_repo(archive), &tip, &state->pushed);
	return error < 0 ? rl_error_set_git(error, "cannot compare main with the last push") : 0;
}

/* ---- opening a remote -------------------------------------------------

 * libgit2 1.5 leaks pcre2 match data each time one of its config regexes
 * does not match (git_regexp_match returns before freeing it), and
 * git_remote_lookup() and git_remote_list() run such regexes over every
 * config entry (url.*.insteadOf, remote.*.url).  So we read the remote's
 * settings ourselves, with plain lookups and one pass over the entries,
 * and give libgit2 an in-memory remote bound to the repository. */

/* url.<base>.<suffix> ("insteadof" or "pushinsteadof"): the longest
 * matching prefix of `url` is replaced, as git does.  NULL in `*out` when
 * none matches. */
static int rewrite_url(char **out, git_config *cfg, const char *url, const char *suffix)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t best_len = 0, slen = strlen(suffix);
	char *best_base = NULL;
	int rc = 0;

	*out = NULL;
	if (git_config_iterator_new(&it, cfg) < 0)
		return 0;
	while (git_config_next(&e, it) == 0) {
		size_t nlen = strlen(e->name), vlen = strlen(e->value);
		if (strncmp(e->name, "url.", 4) != 0 || nlen <= 5 + slen ||
		    e->name[nlen - slen - 1] != '.' || strcasecmp(e->name + nlen - slen, suffix) != 0 ||
		    vlen <= best_len || strncmp(url, e->value, vlen) != 0)
			continue;
		free(best_base);
		best_base = strndup(e->name + 4, nlen - 5 - slen);
		best_len = vlen;
	}
	git_config_iterator_free(it);
	if (best_base && asprintf(out, "%s%s", best_base, url + best_len) < 0) {
		*out = NULL;
		rc = rl_error_set(RL_ENOMEM, "out of memory");
	}
	free(best_base);
	return rc;
}

/* `url` for messages: a password in its userinfo is left out (the user
 * name stays, it says which credential was used). */
static void url_for_messages(char *out, size_t size, const char *url)
{
	const char *auth = strstr(url, "://"), *end, *at, *colon;

	if (auth == NULL) {
		snprintf(out, size, "%s", url);
		return;
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL)
		snprintf(out, size, "%s", url);
	else
		snprintf(out, size, "%.*s%s", (int)(colon - url), url, at);
}

/* git's http.* settings that libgit2 can follow: the CAs to trust
 * (http.sslCAInfo, http.sslCAPath: a process-wide setting of libgit2's,
 * fine in a push child or a merge), http.sslVerify and http.proxy. */
static int apply_http_settings(rl_archive *archive, struct remote_cb *cb)
{
	rl_http_config http;
	int error, rc;

	rl_http_config_init(&http);
	if ((rc = rl_config_http_load(&http, archive)) < 0)
		return rc;
	cb->ssl_verify = http.ssl_verify != 0;
	if ((http.ssl_ca_info || http.ssl_ca_path) &&
	    (error = git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, http.ssl_ca_info,
				      http.ssl_ca_path)) < 0)
		rc = rl_error_set_git(error, "cannot use http.sslCAInfo '%.200s' / http.sslCAPath '%.200s'",
				      http.ssl_ca_info ? http.ssl_ca_info : "",
				      http.ssl_ca_path ? http.ssl_ca_path : "");
	if (rc == 0 && http.proxy && http.proxy[0])
		snprintf(cb->proxy, sizeof(cb->proxy), "%s", http.proxy);
	rl_http_config_release(&http);
	return rc;
}

/* For ssh: git's ssh settings (remote_ssh.c) into `cb`, and the URL they
 * lead to (HostName, Port, User) in `*url`. */
static int apply_ssh_settings(char **url, git_config *cfg, struct remote_cb *cb)
{
	struct ssh_url u;
	char *rewritten = NULL;
	int rc;

	if ((rc = remote_ssh_url_parse(&u, *url)) < 0 || !u.is_ssh)
		return rc;
	if ((rc = remote_ssh_settings(&cb->ssh, cfg, &u, cb->opts)) == 0 &&
	    (rc = remote_ssh_url(&rewritten, &u, &cb->ssh)) == 0) {
		cb->port = u.port ? u.port : cb->ssh.port ? cb->ssh.port : 22;
		if (rewritten) {
			free(*url);
			*url = rewritten;
		}
	}
	remote_ssh_url_release(&u);
	return rc;
}

static int open_remote(git_remote **out, rl_archive *archive, const char *remote, int for_push,
		       struct remote_cb *cb)
{
	git_config *cfg = NULL;
	git_remote_create_options co;
	const char *url = NULL;
	char key[128], *resolved = NULL;
	int error, rc = 0;

	*out = NULL;
	if ((error = git_repository_config_snapshot(&cfg, rl_archive_repo(archive))) < 0)
		return rl_error_set_git(error, "cannot read the config");
	/* As git: a push goes to pushurl if set (insteadOf applies to it),
	 * else to url, rewritten by pushInsteadOf before insteadOf. */
	snprintf(key, sizeof(key), "remote.%s.pushurl", remote);
	if (for_push && git_config_get_string(&url, cfg, key) == 0) {
		for_push = 0;
	} else {
		snprintf(key, sizeof(key), "remote.%s.url", remote);
		if (git_config_get_string(&url, cfg, key) < 0) {
			rc = rl_error_set(RL_ENOTFOUND, "no remote '%s' (add one with: git -C %s remote "
					  "add %s URL)", remote, rl_archive_path(archive), remote);
			goto done;
		}
	}
	git_error_clear();
	if ((for_push && (rc = rewrite_url(&resolved, cfg, url, "pushinsteadof")) < 0) ||
	    (!resolved && (rc = rewrite_url(&resolved, cfg, url, "insteadof")) < 0))
		goto done;
	if (resolved == NULL && (resolved = strdup(url)) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = apply_ssh_settings(&resolved, cfg, cb)) < 0 ||
	    (rc = apply_http_settings(archive, cb)) < 0)
		goto done;
	url_for_messages(cb->url, sizeof(cb->url), resolved);
	cb->url_password = strcmp(cb->url, resolved) != 0;
	git_remote_create_options_init(&co, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	co.repository = rl_archive_repo(archive);
	co.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	if ((error = git_remote_create_with_opts(out, resolved, &co)) < 0)
		rc = rl_error_set_git(error, "cannot use remote '%s' (%s)", remote, cb->url);
done:
	free(resolved);
	git_config_free(cfg);
	return rc;
}

/* ---- transport -------------------------------------------------------- */

static int on_push_update(const char *refname, const char *status, void *payload)
{
	struct remote_cb *cb = payload;
	if (status && cb->rejected[0] == '\0')
		snprintf(cb->rejected, sizeof(cb->rejected), "the remote refused '%s': %s", refname,
			 status);
	return 0;
}

static void callbacks_init(git_remote_callbacks *cbs, struct remote_cb *cb,
			   const rl_remote_opts *opts)
{
	memset(cb, 0, sizeof(*cb));
	cb->opts = opts;
	git_remote_init_callbacks(cbs, GIT_REMOTE_CALLBACKS_VERSION);
	cbs->credentials = remote_credentials;
	cbs->certificate_check = remote_check_certificate;
	cbs->push_update_reference = on_push_update;
	cbs->payload = cb;
}

/* libgit2's message, or ours when a callback refused or a credential was
 * turned down (clearer: what was offered, for whom; never a password). */
static int transport_error(int error, const struct remote_cb *cb, const char *what,
			   const char *remote)
{
	const git_error *e = git_error_last();
	int auth = error == GIT_EAUTH || (e && e->message && strstr(e->message, "uthenticat"));
	char msg[1024];

	if (cb->host_error[0])
		return rl_error_set(RL_EFETCH, "cannot %s '%s': %s", what, remote, cb->host_error);
	if (cb->rejected[0])
		return rl_error_set(RL_EFETCH, "cannot %s '%s': %s", what, remote, cb->rejected);
	if (auth && cb->offered[0])
		return rl_error_set(RL_EFETCH, "cannot %s '%s': %s refused the credentials of '%s' (%s)",
				    what, remote, cb->url, cb->user, cb->offered);
	if (auth)
		return rl_error_set(RL_EFETCH, "cannot %s '%s': %s wants credentials and none were found "
				    "(%s)", what, remote, cb->url,
				    cb->ssh_tried ? "no ssh-agent key and no key file (docs/sharding.md)"
						  : "none in the URL, no git credential helper answered");
	rl_error_set_git(error, "cannot %s '%s'", what, remote);
	snprintf(msg, sizeof(msg), "%s", rl_error_last()); /* not its own source */
	return rl_error_set(RL_EFETCH, "%s", msg);
}

/* The callbacks, then the remote (which fills the settings into `cb`),
 * then the proxy those settings name. */
static int transport_open(git_remote **r, git_remote_callbacks *cbs, git_proxy_options *proxy,
			  struct remote_cb *cb, rl_archive *archive, const char *remote,
			  int for_push, const rl_remote_opts *opts)
{
	int rc;

	callbacks_init(cbs, cb, opts);
	if ((rc = open_remote(r, archive, remote, for_push, cb)) < 0)
		return rc;
	/* Proxy credentials come from http.proxy's own user:password, as in
	 * git; the remote's helpers are not asked for them. */
	if (cb->proxy[0]) {
		proxy->type = GIT_PROXY_SPECIFIED;
		proxy->url = cb->proxy;
		proxy->certificate_check = remote_check_certificate;
		proxy->payload = cb;
	}
	return 0;
}

/* Pushes `refspec` and, when not NULL, `notes_spec` in one go. */
static int push_spec(rl_archive *archive, const char *remote, const char *refspec,
		     const char *notes_spec, const rl_remote_opts *opts)
{
	git_remote *r = NULL;
	git_push_options po;
	struct remote_cb cb;
	char *spec[2] = { strdup(refspec), notes_spec ? strdup(notes_spec) : NULL };
	git_strarray specs = { spec, notes_spec ? 2 : 1 };
	int error, rc = 0;

	if (spec[0] == NULL || (notes_spec && spec[1] == NULL)) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	if ((rc = transport_open(&r, &po.callbacks, &po.proxy_opts, &cb, archive, remote, 1,
				 opts)) < 0)
		goto done;
	if ((error = git_remote_push(r, &specs, &po)) < 0 || cb.rejected[0])
		rc = transport_error(error, &cb, "push to", remote);
done:
	remote_ssh_release(&cb.ssh);
	git_remote_free(r);
	free(spec[0]);
	free(spec[1]);
	return rc;
}

int rl_remote_push_once(rl_archive *archive, const char *remote, const char *refspec,
			const rl_remote_opts *opts)
{
	int rc;
	if ((rc = rl_remote_check_name(remote)) < 0 || (rc = check_refspec(refspec)) < 0)
		return rc;
	return push_spec(archive, remote, refspec, NULL, opts);
}

/* Where the timestamp notes go beside the branch `dst`: main's beside
 * main, a shard's to refs/notes/shards/NAME (workers never race on one
 * notes ref); a branch of another name takes none (0). */
static int notes_dst(char *out, size_t size, const char *dst)
{
	static const char shards[] = "refs/heads/shards/";

	if (strcmp(dst, "refs/heads/main") == 0)
		snprintf(out, size, "%s", RL_MERGE_NOTES_REF);
	else if (strncmp(dst, shards, sizeof(shards) - 1) == 0 && dst[sizeof(shards) - 1])
		snprintf(out, size, "%s%s", RL_MERGE_SHARD_NOTES_PREFIX, dst + sizeof(shards) - 1);
	else
		return 0;
	return 1;
}

int rl_remote_push(rl_archive *archive, const char *remote, const char *refspec,
		   const rl_remote_opts *opts)
{
	rl_push_state *s = NULL;
	char *lock_path = NULL, *src = NULL, notes_spec[600], dst[256];
	const char *colon;
	int64_t now = opts && opts->now ? opts->now : (int64_t)time(NULL);
	git_oid tip, notes;
	int fd = -1, rc, has_notes;

	if ((rc = rl_remote_check_name(remote)) < 0 || (rc = check_refspec(refspec)) < 0)
		return rc;
	if ((rc = state_path(&lock_path, archive, remote, "lock")) < 0)
		return rc;
	if ((fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0) {
		rc = rl_error_set_errno(RL_EIO, "cannot open '%s'", lock_path);
		goto done;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		rc = rl_error_set(RL_ELOCKED, "a push to '%s' is already running", remote);
		goto done;
	}
	colon = strchr(refspec, ':');
	src = strndup(refspec + (refspec[0] == '+'), (size_t)(colon - refspec - (refspec[0] == '+')));
	if (src == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	/* What is pushed is the tip as of now; later commits go next time. */
	if ((rc = git_reference_name_to_id(&tip, rl_archive_repo(archive), src)) < 0) {
		rc = rl_error_set_git(rc, "nothing to push: cannot read '%s'", src);
		goto done;
	}
	if ((rc = rl_push_state_load(&s, archive, remote)) < 0)
		goto done;
	s->last_try = now;
	/* The timestamp notes go with the branch (docs/sharding.md), read
	 * after `tip`: a token over a commit never arrives before it. */
	has_notes = notes_tip(&notes, archive);
	if (has_notes && !notes_dst(dst, sizeof(dst), colon + 1))
		has_notes = -1; /* none pushed, but seen: not due again for them */
	if (has_notes > 0)
		snprintf(notes_spec, sizeof(notes_spec), "%s:%s", RL_MERGE_NOTES_REF, dst);
	/* `tip` was read first: a commit landing meanwhile is pushed too and
	 * only makes the next push a no-op. */
	rc = push_spec(archive, remote, refspec, has_notes > 0 ? notes_spec : NULL, opts);
	if (rc == 0) {
		if ((s->has_pushed_notes = has_notes != 0))
			git_oid_cpy(&s->pushed_notes, &notes);
		free(s->dst_ref);
		free(s->last_error);
		s->last_error = NULL;
		s->dst_ref = strdup(colon + 1);
		git_oid_cpy(&s->pushed, &tip);
		s->has_pushed = 1;
		s->last_success = now;
		s->failures = 0;
		s->next_try = 0;
	} else {
		char msg[ERROR_MAX + 1];
		snprintf(msg, sizeof(msg), "%s", rl_error_last());
		record_failure(s, now, msg);
	}
	if (state_save(archive, s) < 0 && rc == 0)
		rc = rl_error_last_code();
	else if (rc < 0 && s->last_error)
		rc = rl_error_set(rc, "%s", s->last_error); /* a copy: state_save may have cleared it */
done:
	if (fd >= 0)
		close(fd); /* drops the flock */
	rl_push_state_free(s);
	free(src);
	free(lock_path);
	return rc;
}

int rl_remote_fetch(rl_archive *archive, const char *remote, const char *const *refspecs,
		    size_t n, const rl_remote_opts *opts)
{
	git_remote *r = NULL;
	git_fetch_options fo;
	struct remote_cb cb;
	git_strarray specs = { (char **)refspecs, n };
	int error, rc = 0;

	if ((rc = rl_remote_check_name(remote)) < 0)
		return rc;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	if ((rc = transport_open(&r, &fo.callbacks, &fo.proxy_opts, &cb, archive, remote, 0,
				 opts)) < 0)
		goto done;
	/* A shard branch deleted on the remote (after N changed) goes here too. */
	fo.prune = GIT_FETCH_PRUNE;
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	if ((error = git_remote_fetch(r, &specs, &fo, "redline merge: fetch")) < 0)
		rc = transport_error(error, &cb, "fetch from", remote);
done:
	remote_ssh_release(&cb.ssh);
	git_remote_free(r);
	return rc;
}

int rl_remote_list(rl_strvec *out, rl_archive *archive)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *e;
	int error, rc = 0;

	/* remote.<name>.url entries, in one pass without a regex (see open_remote). */
	if ((error = git_repository_config_snapshot(&cfg, rl_archive_repo(archive))) < 0 ||
	    (error = git_config_iterator_new(&it, cfg)) < 0) {
		git_config_free(cfg);
		return rl_error_set_git(error, "cannot list the remotes");
	}
	while (rc == 0 && git_config_next(&e, it) == 0) {
		size_t len = strlen(e->name);
		int seen = 0;
		if (strncmp(e->name, "remote.", 7) != 0 || len <= 11 ||
		    strcmp(e->name + len - 4, ".url") != 0)
			continue;
		for (size_t i = 0; i < out->n; i++)
			seen |= strlen(out->v[i]) == len - 11 && strncmp(out->v[i], e->name + 7, len - 11) == 0;
		if (!seen)
			rc = rl_strvec_pushn(out, e->name + 7, len - 11);
	}
	git_config_iterator_free(it);
	git_config_free(cfg);
	return rc;
}
