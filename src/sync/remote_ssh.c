/*
 * remote_ssh.c - git's SSH settings, as far as libgit2 can follow them.
 *
 * git runs OpenSSH's `ssh`; libgit2 1.5 talks SSH itself (libssh2) and
 * reads none of ssh's configuration.  So that a worker pushes with the key
 * and to the host its user already set up for git, we read the settings
 * that say which key, which user, which host and port, and which
 * known_hosts: from the ssh command (GIT_SSH_COMMAND, core.sshCommand,
 * GIT_SSH: ssh's own -i -l -p -F -o options) and then from the ssh config
 * file (~/.ssh/config, or -F), first value wins as in ssh.  What cannot be
 * followed (a jump host, a proxy command, a program other than ssh) is an
 * error that says so, never silently ignored: a push that goes elsewhere
 * than the user meant is worse than one that fails.
 */
#include "remote_internal.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define SSH_CONFIG_MAX (256 * 1024)
#define SSH_WORDS_MAX 64
#define SSH_WORD_MAX 1024

void remote_ssh_release(struct ssh_settings *s)
{
	free(s->user);
	free(s->hostname);
	free(s->config_file);
	for (size_t i = 0; i < s->n_identity; i++)
		free(s->identity[i]);
	for (size_t i = 0; i < s->n_known_hosts; i++)
		free(s->known_hosts[i]);
	memset(s, 0, sizeof(*s));
	s->identities_only = -1;
}

/* ---- URLs ---------------------------------------------------------------- */

static const char *const ssh_schemes[] = { "ssh://", "ssh+git://", "git+ssh://" };

void remote_ssh_url_release(struct ssh_url *u)
{
	free(u->user);
	free(u->host);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

/* host or [host] (an IPv6 address, brackets dropped) from p up to `end`;
 * `*after` is what follows it. */
static char *take_host(const char *p, const char *end, const char **after)
{
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));
		if (close == NULL)
			return NULL;
		*after = close + 1;
		return strndup(p + 1, (size_t)(close - p - 1));
	}
	*after = p + strcspn(p, ":");
	if (*after > end)
		*after = end;
	return strndup(p, (size_t)(*after - p));
}

int remote_ssh_url_parse(struct ssh_url *u, const char *url)
{
	const char *p = NULL, *at, *end, *after = NULL;

	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < sizeof(ssh_schemes) / sizeof(ssh_schemes[0]); i++)
		if (strncmp(url, ssh_schemes[i], strlen(ssh_schemes[i])) == 0)
			p = url + strlen(ssh_schemes[i]);
	if (p) {
		/* ssh://[user@]host[:port]/path */
		end = p + strcspn(p, "/");
		if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) {
			if ((u->user = strndup(p, (size_t)(at - p))) == NULL)
				goto oom;
			p = at + 1;
		}
		if ((u->host = take_host(p, end, &after)) == NULL)
			goto bad;
		if (after < end) {
			char *stop;
			long port = after[0] == ':' ? strtol(after + 1, &stop, 10) : 0;
			if (after[0] != ':' || stop != end || port < 1 || port > 65535)
				goto bad;
			u->port = (int)port;
		}
		if ((u->path = strdup(*end ? end : "/")) == NULL)
			goto oom;
	} else {
		/* git's scp-like syntax: [user@]host:path or [user@][v6]:path, no
		 * "://", no '/' before the host's ':'. */
		const char *colon;
		if (strstr(url, "://"))
			return 0;
		p = url;
		at = strchr(url, '@');
		colon = strchr(url, ':');
		if (at && colon && at < colon)
			p = at + 1;
		else
			at = NULL;
		end = p + strlen(p);
		/* As git: a '/' before the host's ':' makes it a local path. */
		if (*p == '[' ? memchr(p, ']', (size_t)(end - p)) == NULL || memchr(url, '/', (size_t)(p - url))
			      : (colon == NULL || colon == p || memchr(url, '/', (size_t)(colon - url))))
			return 0;
		if (at && (u->user = strndup(url, (size_t)(at - url))) == NULL)
			goto oom;
		if ((u->host = take_host(p, end, &after)) == NULL)
			goto oom;
		if (*after != ':') {
			remote_ssh_url_release(u);
			return 0;
		}
		if ((u->path = strdup(after + 1)) == NULL)
			goto oom;
		u->scp_like = 1;
	}
	if (u->host[0] == '\0' || u->host[0] == '-' || strpbrk(u->host, " \t\n'\"\\[]/@"))
		goto bad;
	u->is_ssh = 1;
	return 0;
oom:
	remote_ssh_url_release(u);
	return rl_error_set(RL_ENOMEM, "out of memory");
bad:
	remote_ssh_url_release(u);
	return rl_error_set(RL_EINVAL, "not a usable ssh URL (host or port): '%.200s'", url);
}

/* ---- words, as a shell would split a simple command ----------------------- */

static int split_words(char *words[SSH_WORDS_MAX], size_t *n, const char *text, const char *what,
		       int shell)
{
	char word[SSH_WORD_MAX];
	size_t len = 0;
	int in_word = 0;

	*n = 0;
	for (const char *p = text;; p++) {
		char c = *p;
		if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				if (*n == SSH_WORDS_MAX)
					return rl_error_set(RL_EINVAL, "%s: too many words", what);
				word[len] = '\0';
				if ((words[(*n)++] = strdup(word)) == NULL)
					return rl_error_set(RL_ENOMEM, "out of memory");
				len = 0;
				in_word = 0;
			}
			if (c == '\0')
				return 0;
			continue;
		}
		/* A command line that needs a shell is not one we can read. */
		if (shell && strchr(";|&<>()$`", c))
			return rl_error_set(RL_EINVAL,
					    "%s: '%.200s' needs a shell; redline (libgit2) runs no ssh "
					    "program and reads only plain ssh options from it (docs/sharding.md)",
					    what, text);
		in_word = 1;
		if (c == '\'' || c == '"') {
			const char *close = strchr(p + 1, c);
			if (close == NULL)
				return rl_error_set(RL_EINVAL, "%s: unbalanced quote in '%.200s'", what, text);
			for (p++; p < close; p++) {
				if (c == '"' && *p == '\\' && p + 1 < close)
					p++;
				if (len + 1 >= sizeof(word))
					return rl_error_set(RL_EINVAL, "%s: a word is too long", what);
				word[len++] = *p;
			}
			continue;
		}
		if (c == '\\' && p[1])
			c = *++p;
		if (len + 1 >= sizeof(word))
			return rl_error_set(RL_EINVAL, "%s: a word is too long", what);
		word[len++] = c;
	}
}

static void free_words(char *words[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(words[i]);
}

/* ---- settings -------------------------------------------------------------- */

struct expand_ctx {
	const char *home;
	const char *host; /* the host as written in the URL (%h before HostName) */
	const char *user; /* the remote user, or NULL */
};

/* ssh's ~ and %-tokens in a path: ~/ and %d the home, %h the host, %r the
 * remote user, %% a percent sign.  Other tokens are an error. */
static int expand_path(char **out, const char *value, const struct expand_ctx *x)
{
	rl_buf b;
	int rc = 0;

	*out = NULL;
	rl_buf_init(&b, SSH_WORD_MAX * 4);
	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		if (x->home == NULL)
			return rl_error_set(RL_EINVAL, "'%.200s' names a home directory, but HOME is unset",
					    value);
		rc = rl_buf_puts(&b, x->home);
		value++;
	}
	for (const char *p = value; rc == 0 && *p; p++) {
		const char *add = NULL;
		if (*p != '%') {
			rc = rl_buf_put(&b, p, 1);
			continue;
		}
		switch (*++p) {
		case 'd': add = x->home; break;
		case 'h': add = x->host; break;
		case 'r': add = x->user; break;
		case '%': add = "%"; break;
		default: break;
		}
		if (add == NULL) {
			rl_buf_release(&b);
			return rl_error_set(RL_EINVAL, "cannot expand '%%%c' in '%.200s' (redline knows %%d %%h "
					    "%%r %%%%)", *p ? *p : ' ', value);
		}
		rc = rl_buf_puts(&b, add);
	}
	if (rc == 0 && (*out = rl_buf_detach(&b)) == NULL)
		rc = rl_error_set(RL_ENOMEM, "out of memory");
	rl_buf_release(&b);
	return rc;
}

static int yes_no(const char *value)
{
	return strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0;
}

/* One keyword with its value(s), from the command line (-o) or the config
 * file.  First value wins, as in ssh; IdentityFile adds up. */
static int apply(struct ssh_settings *s, const char *key, char *const values[], size_t n,
		 const struct expand_ctx *x, const char *where)
{
	const char *v = n ? values[0] : "";

	if (n == 0)
		return rl_error_set(RL_EINVAL, "%s: '%s' without a value", where, key);
	if (strcasecmp(key, "User") == 0) {
		if (s->user == NULL && (s->user = strdup(v)) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
	} else if (strcasecmp(key, "HostName") == 0) {
		if (s->hostname == NULL && expand_path(&s->hostname, v, x) < 0)
			return rl_error_last_code();
	} else if (strcasecmp(key, "Port") == 0) {
		char *end;
		long port = strtol(v, &end, 10);
		if (*end || port < 1 || port > 65535)
			return rl_error_set(RL_EINVAL, "%s: bad Port '%.40s'", where, v);
		if (s->port == 0)
			s->port = (int)port;
	} else if (strcasecmp(key, "IdentityFile") == 0) {
		if (s->n_identity < SSH_IDENTITIES_MAX &&
		    expand_path(&s->identity[s->n_identity++], v, x) < 0)
			return rl_error_last_code();
	} else if (strcasecmp(key, "IdentitiesOnly") == 0) {
		if (s->identities_only < 0)
			s->identities_only = yes_no(v);
	} else if (strcasecmp(key, "UserKnownHostsFile") == 0) {
		if (s->n_known_hosts == 0)
			for (size_t i = 0; i < n && i < SSH_KNOWN_HOSTS_MAX; i++)
				if (expand_path(&s->known_hosts[s->n_known_hosts++], values[i], x) < 0)
					return rl_error_last_code();
	} else if ((strcasecmp(key, "ProxyJump") == 0 || strcasecmp(key, "ProxyCommand") == 0) &&
		   strcasecmp(v, "none") != 0) {
		return rl_error_set(RL_EINVAL, "%s: %s is set, but libgit2 connects directly: redline "
				    "cannot push through a jump host or a proxy command", where, key);
	}
	/* Anything else (Ciphers, ServerAliveInterval, ...) does not change
	 * where we connect or which key we offer. */
	return 0;
}

/* "-o Key=Value" or "-o 'Key Value'". */
static int apply_option(struct ssh_settings *s, const char *opt, const struct expand_ctx *x,
			const char *where)
{
	char key[64], *values[SSH_WORDS_MAX];
	size_t klen = strcspn(opt, "= \t"), n = 0;
	const char *rest = opt + klen;
	int rc;

	if (klen == 0 || klen >= sizeof(key))
		return rl_error_set(RL_EINVAL, "%s: bad option '-o %.200s'", where, opt);
	memcpy(key, opt, klen);
	key[klen] = '\0';
	rest += strspn(rest, " \t");
	if (*rest == '=')
		rest++;
	if ((rc = split_words(values, &n, rest, where, 0)) == 0)
		rc = apply(s, key, values, n, x, where);
	free_words(values, n);
	return rc;
}

/* The ssh command git would run: its options, in ssh's own syntax. */
static int parse_command(struct ssh_settings *s, const char *cmd, const char *where,
			 const struct expand_ctx *x)
{
	static const char with_arg[] = "bceilmopBDEFIJLOQRSwW";
	char *words[SSH_WORDS_MAX];
	size_t n = 0;
	const char *prog;
	int rc;

	if ((rc = split_words(words, &n, cmd, where, 1)) < 0)
		goto done;
	if (n == 0)
		goto done;
	prog = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
	if (strcmp(prog, "ssh") != 0) {
		rc = rl_error_set(RL_EINVAL, "%s: '%.200s' is not ssh; libgit2 runs no ssh program, so "
				  "redline reads only ssh's own options (-i -l -p -F -o)", where, cmd);
		goto done;
	}
	for (size_t i = 1; i < n && rc == 0; i++) {
		const char *w = words[i], *arg;
		if (w[0] != '-')
			break; /* a host: git adds its own */
		for (const char *f = w + 1; *f && rc == 0; f++) {
			if (strchr(with_arg, *f) == NULL)
				continue; /* a flag: -v, -T, -4 ... */
			if (f[1] == '\0' && i + 1 >= n) {
				rc = rl_error_set(RL_EINVAL, "%s: -%c without a value", where, *f);
				break;
			}
			arg = f[1] ? f + 1 : words[++i];
			if (*f == 'i')
				rc = apply(s, "IdentityFile", (char *const[]){ (char *)arg }, 1, x, where);
			else if (*f == 'l')
				rc = apply(s, "User", (char *const[]){ (char *)arg }, 1, x, where);
			else if (*f == 'p')
				rc = apply(s, "Port", (char *const[]){ (char *)arg }, 1, x, where);
			else if (*f == 'o')
				rc = apply_option(s, arg, x, where);
			else if (*f == 'J')
				rc = apply(s, "ProxyJump", (char *const[]){ (char *)arg }, 1, x, where);
			else if (*f == 'F' && s->config_file == NULL)
				rc = expand_path(&s->config_file, arg, x);
			break; /* the rest of the word was the argument */
		}
	}
done:
	free_words(words, n);
	return rc;
}

/* 1 when `host` matches a Host line's patterns: one positive, no negated. */
static int host_matches(char *const patterns[], size_t n, const char *host)
{
	int match = 0;

	for (size_t i = 0; i < n; i++) {
		const char *p = patterns[i];
		int neg = p[0] == '!';
		if (fnmatch(p + neg, host, FNM_CASEFOLD) == 0) {
			if (neg)
				return 0;
			match = 1;
		}
	}
	return match;
}

/* The ssh config file: the sections whose Host matches `host`.  "Match all"
 * applies; other Match blocks are skipped (their conditions need ssh);
 * Include is not followed. */
static int parse_config(struct ssh_settings *s, const char *path, const char *host,
			const struct expand_ctx *x)
{
	rl_buf text;
	int rc = 0, active = 1;
	char where[1200];

	rl_buf_init(&text, SSH_CONFIG_MAX);
	if (rl_file_read(&text, path) < 0) {
		rl_buf_release(&text);
		if (access(path, F_OK) != 0) {
			rl_error_clear();
			return 0;
		}
		return rl_error_set(rl_error_last_code(), "ssh config: %s", rl_error_last());
	}
	for (char *line = text.ptr, *next; rc == 0 && line && line < text.ptr + text.len; line = next) {
		char *words[SSH_WORDS_MAX], *key, *eq;
		size_t n = 0;
		next = memchr(line, '\n', (size_t)(text.ptr + text.len - line));
		if (next)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line == '\0' || *line == '#' || *line == '\r')
			continue;
		line[strcspn(line, "\r")] = '\0';
		/* "Key=Value" is "Key Value". */
		key = line;
		line += strcspn(line, " \t=");
		eq = line;
		line += strspn(line, " \t");
		if (*line == '=')
			line++;
		*eq = '\0';
		snprintf(where, sizeof(where), "%.900s: %.200s", path, key);
		if ((rc = split_words(words, &n, line, where, 0)) < 0)
			break;
		if (strcasecmp(key, "Host") == 0)
			active = host_matches(words, n, host);
		else if (strcasecmp(key, "Match") == 0)
			active = n == 1 && strcasecmp(words[0], "all") == 0;
		else if (active && strcasecmp(key, "Include") != 0)
			rc = apply(s, key, words, n, x, where);
		free_words(words, n);
	}
	rl_buf_release(&text);
	return rc;
}

int remote_ssh_settings(struct ssh_settings *s, git_config *cfg, const struct ssh_url *url,
			const rl_remote_opts *opts)
{
	struct expand_ctx x = { opts ? opts->home : NULL, url->host, url->user };
	const char *cmd = NULL, *where = NULL;
	char path[4096];
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->identities_only = -1;
	/* git's order: GIT_SSH_COMMAND, core.sshCommand, GIT_SSH. */
	if (opts && opts->ssh_command && opts->ssh_command[0]) {
		cmd = opts->ssh_command;
		where = "GIT_SSH_COMMAND";
	} else if (git_config_get_string(&cmd, cfg, "core.sshcommand") == 0 && cmd[0]) {
		where = "core.sshCommand";
	} else if (opts && opts->ssh_program && opts->ssh_program[0]) {
		cmd = opts->ssh_program;
		where = "GIT_SSH";
	}
	git_error_clear();
	/* GIT_SSH is a program, not a command line: its name alone. */
	if (where && strcmp(where, "GIT_SSH") == 0) {
		const char *prog = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;
		if (strcmp(prog, "ssh") != 0)
			return rl_error_set(RL_EINVAL, "GIT_SSH: '%.200s' is not ssh; libgit2 runs no ssh "
					    "program", cmd);
	} else if (where && (rc = parse_command(s, cmd, where, &x)) < 0) {
		goto fail;
	}
	if (s->config_file)
		snprintf(path, sizeof(path), "%s", s->config_file);
	else if (x.home)
		snprintf(path, sizeof(path), "%s/.ssh/config", x.home);
	else
		path[0] = '\0';
	if (path[0] && strcasecmp(path, "none") != 0 && (rc = parse_config(s, path, url->host, &x)) < 0)
		goto fail;
	return 0;
fail:
	remote_ssh_release(s);
	return rc;
}

int remote_ssh_url(char **out, const struct ssh_url *u, const struct ssh_settings *s)
{
	const char *user = u->user ? u->user : s->user;
	const char *host = s->hostname ? s->hostname : u->host;
	int port = u->port ? u->port : s->port;
	int n;

	*out = NULL;
	if (s->hostname == NULL && (u->user || s->user == NULL) && (u->port || s->port == 0))
		return 0; /* nothing to change */
	int v6 = strchr(host, ':') != NULL;

	if (strpbrk(host, "/@ \t\n[]'\"\\") || host[0] == '-' || (user && strpbrk(user, "/@:\n")))
		return rl_error_set(RL_EINVAL, "ssh config: unusable HostName '%.200s' or User", host);
	if (u->scp_like && (port == 0 || port == 22))
		n = asprintf(out, "%s%s%s%s%s:%s", user ? user : "", user ? "@" : "", v6 ? "[" : "", host,
			     v6 ? "]" : "", u->path);
	else
		/* ssh:// carries a port; a relative scp-like path becomes /~/path,
		 * which libgit2 sends as ~/path (git's receive-pack expands it). */
		n = asprintf(out, "ssh://%s%s%s%s%s:%d%s%s", user ? user : "", user ? "@" : "",
			     v6 ? "[" : "", host, v6 ? "]" : "", port ? port : 22,
			     u->path[0] == '/' ? "" : "/~/", u->path);
	if (n < 0) {
		*out = NULL;
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	return 0;
}
