/*
 * remote_cred.c - credentials and host keys, the way git users set them up.
 *
 * SSH: the agent first, then the usual key files without a passphrase.
 * The host key is looked up with `ssh-keygen -F HOST -f ~/.ssh/known_hosts`
 * (which also matches hashed entries) and compared byte for byte: libgit2
 * 1.5 checks nothing itself.  HTTPS: libgit2 uses a user:password in the
 * URL by itself; otherwise we ask `git credential fill`, i.e. the helpers
 * the user configured for git.  Child processes get no shell: argv only.
 */
#include "remote_internal.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CHILD_OUTPUT_MAX (64 * 1024)
#define CHILD_TIMEOUT_MS 10000

static const char *const key_files[] = { "id_ed25519", "id_ecdsa", "id_rsa" };

/* Runs argv with `input` on stdin; its stdout (at most CHILD_OUTPUT_MAX)
 * into `out`.  Returns the exit status, or -1 when it could not run or
 * took longer than CHILD_TIMEOUT_MS (it is killed then). */
static int run_child(char **out, char *const argv[], const char *input)
{
	static char no_prompt[] = "GIT_TERMINAL_PROMPT=0";
	size_t n_env = 0;
	char **envp;
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 }, status = -1;
	posix_spawn_file_actions_t fa;
	size_t len = 0, in_len = input ? strlen(input) : 0, in_off = 0;
	char *buf = malloc(CHILD_OUTPUT_MAX + 1);
	pid_t pid = -1;
	int waited = 0;

	*out = NULL;
	/* Never a prompt on a terminal: a worker runs unattended. */
	while (environ[n_env])
		n_env++;
	if ((envp = calloc(n_env + 2, sizeof(*envp))) == NULL) {
		free(buf);
		return -1;
	}
	memcpy(envp, environ, n_env * sizeof(*envp));
	envp[n_env] = no_prompt;
	if (buf == NULL || pipe2(in, O_CLOEXEC) != 0 || pipe2(outp, O_CLOEXEC) != 0)
		goto done;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	if (pid < 0)
		goto done;
	if (in_len == 0) {
		close(in[1]);
		in[1] = -1;
	}
	for (;;) {
		struct pollfd p[2] = { { outp[0], POLLIN, 0 }, { in[1], POLLOUT, 0 } };
		int n = poll(p, in[1] >= 0 ? 2 : 1, 100);
		if (n < 0 && errno != EINTR)
			break;
		if ((waited += 100) > CHILD_TIMEOUT_MS) {
			kill(pid, SIGKILL);
			break;
		}
		if (in[1] >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(in[1], input + in_off, in_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 || in_off == in_len) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(outp[0], buf + len, CHILD_OUTPUT_MAX - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			if (len == CHILD_OUTPUT_MAX)
				break;
		}
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && waited <= CHILD_TIMEOUT_MS)
		status = WEXITSTATUS(status);
	else
		status = -1;
done:
	free(envp);
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (outp[0] >= 0)
		close(outp[0]);
	if (outp[1] >= 0)
		close(outp[1]);
	if (status >= 0) {
		buf[len] = '\0';
		*out = buf;
	} else {
		free(buf);
	}
	return status;
}

/* The value of "key=" in git credential's output (copied), or NULL. */
static char *credential_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1, *nl = strchr(v, '\n');
			return strndup(v, nl ? (size_t)(nl - v) : strlen(v));
		}
	}
	return NULL;
}

/* `git credential fill` for an http(s) URL: the user's helpers answer. */
static int from_helpers(git_credential **out, const char *url, const char *user)
{
	char *argv[] = { "git", "credential", "fill", NULL };
	char *input = NULL, *output = NULL, *name = NULL, *pass = NULL;
	int rc = -1;

	if (strchr(url, '\n') || (user && strchr(user, '\n')) ||
	    asprintf(&input, "url=%s\n%s%s%s\n", url, user ? "username=" : "", user ? user : "",
		     user ? "\n" : "") < 0)
		return -1;
	if (run_child(&output, argv, input) == 0 && (name = credential_field(output, "username")) &&
	    (pass = credential_field(output, "password")))
		rc = git_credential_userpass_plaintext_new(out, name, pass);
	free(input);
	free(output);
	free(name);
	if (pass) {
		memset(pass, 0, strlen(pass));
		free(pass);
	}
	return rc;
}

int remote_credentials(git_credential **out, const char *url, const char *username_from_url,
		       unsigned int allowed_types, void *payload)
{
	struct remote_cb *cb = payload;
	const char *user = username_from_url ? username_from_url : "git";

	if (++cb->attempts > REMOTE_CRED_ATTEMPTS)
		return GIT_EUSER;
	if (allowed_types & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user);
	if (allowed_types & GIT_CREDENTIAL_SSH_KEY) {
		if (!cb->tried_agent) {
			cb->tried_agent = 1;
			return git_credential_ssh_key_from_agent(out, user);
		}
		while (cb->opts && cb->opts->home &&
		       cb->next_key < (int)(sizeof(key_files) / sizeof(key_files[0]))) {
			char priv[1024], pub[1100];
			struct stat st;
			snprintf(priv, sizeof(priv), "%s/.ssh/%s", cb->opts->home,
				 key_files[cb->next_key++]);
			snprintf(pub, sizeof(pub), "%s.pub", priv);
			if (stat(priv, &st) == 0)
				return git_credential_ssh_key_new(out, user, stat(pub, &st) == 0 ? pub : NULL,
								  priv, NULL);
		}
	}
	if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !cb->tried_helper) {
		cb->tried_helper = 1;
		if (from_helpers(out, url, username_from_url) == 0)
			return 0;
	}
	return GIT_PASSTHROUGH;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 `in` (len bytes, '=' padding allowed) into out (cap bytes). */
static size_t b64_decode(unsigned char *out, size_t cap, const char *in, size_t len)
{
	size_t n = 0;
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len && in[i] != '='; i++) {
		int v = b64_value(in[i]);
		if (v < 0)
			return 0;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return 0;
			out[n++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	return n;
}

/* 1 when a line of `ssh-keygen -F` output ("host type base64") holds `key`. */
static int line_has_key(const char *line, size_t len, const unsigned char *key, size_t key_len)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *end = line + len;
	unsigned char decoded[4096];
	size_t n;

	if (line[0] == '#' || sp1 == NULL || (sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1))) == NULL)
		return 0;
	sp2++;
	for (const char *p = sp2; p < end; p++)
		if (*p == ' ' || *p == '\r') {
			end = p;
			break;
		}
	n = b64_decode(decoded, sizeof(decoded), sp2, (size_t)(end - sp2));
	return n == key_len && memcmp(decoded, key, n) == 0;
}

int rl_remote_host_key_known(int *known, const char *home, const char *host,
			     const unsigned char *key, size_t len)
{
	char file[1024], *output = NULL;
	char *argv[] = { "ssh-keygen", "-F", (char *)host, "-f", file, NULL };
	int status;

	*known = 0;
	if (home == NULL || host == NULL || host[0] == '-' || strchr(host, '\n'))
		return 0;
	if (snprintf(file, sizeof(file), "%s/.ssh/known_hosts", home) >= (int)sizeof(file))
		return rl_error_set(RL_EINVAL, "home directory path too long");
	/* ssh-keygen -F exits 1 when the host is not listed (or no file). */
	if ((status = run_child(&output, argv, NULL)) < 0)
		return rl_error_set(RL_EIO, "cannot run ssh-keygen to check the host key of '%s'",
				    host);
	for (const char *p = output; status == 0 && p && *p && !*known;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		*known = line_has_key(p, n, key, len);
		p = nl ? nl + 1 : NULL;
	}
	free(output);
	return 0;
}

int remote_check_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	struct remote_cb *cb = payload;
	git_cert_hostkey *hk = (git_cert_hostkey *)cert;
	const char *home = cb->opts ? cb->opts->home : NULL;
	int known = 0;

	if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2)
		return valid ? 0 : GIT_ECERTIFICATE; /* TLS: libgit2's own verdict */
	if (!(hk->type & GIT_CERT_SSH_RAW) || home == NULL) {
		snprintf(cb->host_error, sizeof(cb->host_error),
			 "cannot check the host key of '%.200s' (no known_hosts)", host);
		return GIT_ECERTIFICATE;
	}
	if (rl_remote_host_key_known(&known, home, host, (const unsigned char *)hk->hostkey,
				     hk->hostkey_len) < 0) {
		snprintf(cb->host_error, sizeof(cb->host_error), "%s", rl_error_last());
		return GIT_ECERTIFICATE;
	}
	if (known)
		return 0;
	snprintf(cb->host_error, sizeof(cb->host_error),
		 "the host key of '%.200s' is not in %.800s/.ssh/known_hosts (add it with: "
		 "ssh-keyscan %.200s >> ~/.ssh/known_hosts)", host, home, host);
	return GIT_ECERTIFICATE;
}
