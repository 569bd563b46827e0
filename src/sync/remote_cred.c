/*
 * remote_cred.c - credentials, host keys and certificates, the way git
 * users set them up (docs/sharding.md has the table).
 *
 * SSH: the agent first (when its socket is there), then the IdentityFile
 * keys of git's ssh settings (remote_ssh.c) or ssh's default key files;
 * a key with a passphrase is skipped, never prompted for.  Host keys:
 * libgit2 1.5 (libssh2) checks ~/.ssh/known_hosts itself and passes its
 * verdict; when that is "no", ssh-keygen -F looks in the known_hosts files
 * under OpenSSH's "[host]:port" name and tells an unknown host from a
 * changed key.  HTTPS: libgit2 uses a user:password in the URL by itself;
 * otherwise we ask `git credential fill`, i.e. the helpers the user
 * configured for git.  TLS certificates: libgit2's verdict (its CAs come
 * from http.sslCAInfo), unless http.sslVerify is false.  Every refusal
 * leaves a message in the payload that says what was offered, never a
 * secret.  Child processes get no shell: argv only.
 */
#include "remote_internal.h"
#include "redline/error.h"

#include <arpa/inet.h>
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

/* Notes what is offered, so that a refusal can say it (never the secret). */
static void offer(struct remote_cb *cb, const char *user, const char *what)
{
	size_t len = strlen(cb->offered);

	snprintf(cb->user, sizeof(cb->user), "%s", user);
	if (strstr(cb->offered, what))
		return;
	snprintf(cb->offered + len, sizeof(cb->offered) - len, "%s%s", len ? ", " : "", what);
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
static int from_helpers(git_credential **out, const char *url, const char *user,
			struct remote_cb *cb)
{
	char *argv[] = { "git", "credential", "fill", NULL };
	char *input = NULL, *output = NULL, *name = NULL, *pass = NULL;
	int rc = -1;

	if (strchr(url, '\n') || (user && strchr(user, '\n')) ||
	    asprintf(&input, "url=%s\n%s%s%s\n", url, user ? "username=" : "", user ? user : "",
		     user ? "\n" : "") < 0)
		return -1;
	if (run_child(&output, argv, input) == 0 && (name = credential_field(output, "username")) &&
	    (pass = credential_field(output, "password"))) {
		offer(cb, name, "from git's credential helpers");
		rc = git_credential_userpass_plaintext_new(out, name, pass);
	}
	free(input);
	free(output);
	free(name);
	if (pass) {
		memset(pass, 0, strlen(pass));
		free(pass);
	}
	return rc;
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

/* 1 when the agent named by SSH_AUTH_SOCK (as the command line passed it)
 * is a socket: libgit2 gives up the whole connection when the agent cannot
 * be reached, instead of going on to the key files. */
static int agent_reachable(const struct remote_cb *cb)
{
	struct stat st;
	const char *sock = cb->opts ? cb->opts->ssh_auth_sock : NULL;
	return sock && sock[0] && stat(sock, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* 1 when a private key file needs a passphrase (OpenSSH's own format, or
 * PEM).  libssh2 would fail on it without trying the next key; workers
 * have nobody to type it, so such a key belongs in the agent. */
static int key_needs_passphrase(const char *path)
{
	static const char begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	unsigned char raw[128];
	char text[4096], b64[200];
	size_t n = 0, len;
	FILE *f = fopen(path, "re");

	if (f == NULL)
		return 0;
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	if (strstr(text, "ENCRYPTED"))
		return 1; /* PEM: "Proc-Type: 4,ENCRYPTED" or "BEGIN ENCRYPTED PRIVATE KEY" */
	if (strncmp(text, begin, sizeof(begin) - 1) != 0)
		return 0;
	/* "openssh-key-v1\0", then the cipher's name as a length-prefixed string. */
	for (const char *p = text + sizeof(begin) - 1; *p && n < 160; p++) /* 120 bytes */
		if (b64_value(*p) >= 0)
			b64[n++] = *p;
	n -= n % 4;
	len = b64_decode(raw, sizeof(raw), b64, n);
	if (len < 19 || memcmp(raw, "openssh-key-v1", 15) != 0)
		return 0;
	return !(raw[15] == 0 && raw[16] == 0 && raw[17] == 0 && raw[18] == 4 && len >= 23 &&
		 memcmp(raw + 19, "none", 4) == 0);
}

/* ssh: the agent (unless IdentitiesOnly), then the IdentityFile keys of
 * git's ssh settings, else ssh's default key files; a key file without
 * its .pub is fine (libssh2 derives it). */
static int ssh_key(git_credential **out, struct remote_cb *cb, const char *user)
{
	const struct ssh_settings *s = &cb->ssh;
	const char *home = cb->opts ? cb->opts->home : NULL;
	size_t n_files = s->n_identity ? s->n_identity : home ? sizeof(key_files) / sizeof(key_files[0]) : 0;

	cb->ssh_tried = 1;
	if (!cb->tried_agent) {
		cb->tried_agent = 1;
		if (s->identities_only != 1 && agent_reachable(cb)) {
			offer(cb, user, "keys of the ssh-agent");
			return git_credential_ssh_key_from_agent(out, user);
		}
	}
	while (cb->next_key < (int)n_files) {
		char priv[1024], pub[1100];
		struct stat st;
		int i = cb->next_key++;
		if (s->n_identity)
			snprintf(priv, sizeof(priv), "%s", s->identity[i]);
		else
			snprintf(priv, sizeof(priv), "%s/.ssh/%s", home, key_files[i]);
		if (stat(priv, &st) != 0)
			continue;
		snprintf(pub, sizeof(pub), "%s.pub", priv);
		if (key_needs_passphrase(priv)) {
			char note[1100];
			snprintf(note, sizeof(note), "%s skipped: it has a passphrase (put it in the ssh-agent)",
				 priv);
			offer(cb, user, note);
			continue;
		}
		offer(cb, user, priv);
		return git_credential_ssh_key_new(out, user, stat(pub, &st) == 0 ? pub : NULL, priv, NULL);
	}
	return GIT_PASSTHROUGH;
}

int remote_credentials(git_credential **out, const char *url, const char *username_from_url,
		       unsigned int allowed_types, void *payload)
{
	struct remote_cb *cb = payload;
	const char *user = username_from_url ? username_from_url : cb->ssh.user ? cb->ssh.user : "git";

	if (++cb->attempts > REMOTE_CRED_ATTEMPTS)
		return GIT_EUSER;
	if (allowed_types & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user);
	if ((allowed_types & GIT_CREDENTIAL_SSH_KEY) && ssh_key(out, cb, user) != GIT_PASSTHROUGH)
		return 0;
	if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && cb->url_password && !cb->offered[0])
		offer(cb, username_from_url ? username_from_url : "", "the password in the URL");
	/* Helpers answer for http(s), as in git; never for an ssh password. */
	if ((allowed_types & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !cb->tried_helper &&
	    strncmp(cb->url, "http", 4) == 0) {
		cb->tried_helper = 1;
		/* The URL without its password: the helpers answer for that user. */
		if (from_helpers(out, cb->url[0] ? cb->url : url, username_from_url, cb) == 0)
			return 0;
	}
	return GIT_PASSTHROUGH;
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

int rl_remote_host_key_known(int *known, const char *file, const char *host, int port,
			     const unsigned char *key, size_t len)
{
	char name[300], *output = NULL;
	char *argv[] = { "ssh-keygen", "-F", name, "-f", (char *)file, NULL };
	int status, listed = 0;

	*known = 0;
	if (file == NULL || host == NULL || host[0] == '-' || strpbrk(host, "\n[]") ||
	    strlen(host) > 255)
		return 0;
	/* OpenSSH files a server on another port than 22 as "[host]:port". */
	if (port > 0 && port != 22)
		snprintf(name, sizeof(name), "[%s]:%d", host, port);
	else
		snprintf(name, sizeof(name), "%s", host);
	/* ssh-keygen -F exits 1 when the host is not listed (or no file). */
	if ((status = run_child(&output, argv, NULL)) < 0)
		return rl_error_set(RL_EIO, "cannot run ssh-keygen to check the host key of '%s'",
				    name);
	for (const char *p = output; status == 0 && p && *p && *known != 1;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && p[0] != '#') {
			listed = 1;
			*known = line_has_key(p, n, key, len);
		}
		p = nl ? nl + 1 : NULL;
	}
	if (*known != 1 && listed)
		*known = -1;
	free(output);
	return 0;
}

/* An SSH host key: libgit2 (libssh2) already looked in ~/.ssh/known_hosts
 * (`valid`); else the UserKnownHostsFile of git's ssh settings (or
 * ~/.ssh/known_hosts) and the system's file are asked through ssh-keygen,
 * which also says whether the host is listed with another key. */
static int check_host_key(struct remote_cb *cb, git_cert_hostkey *hk, int valid, const char *host)
{
	const char *home = cb->opts ? cb->opts->home : NULL;
	char files[SSH_KNOWN_HOSTS_MAX + 2][1024], name[300];
	size_t n = 0;
	int known = 0, changed = -1;

	if (valid)
		return 0;
	for (size_t i = 0; i < cb->ssh.n_known_hosts; i++)
		snprintf(files[n++], sizeof(files[0]), "%s", cb->ssh.known_hosts[i]);
	if (n == 0 && home)
		snprintf(files[n++], sizeof(files[0]), "%s/.ssh/known_hosts", home);
	snprintf(files[n++], sizeof(files[0]), "/etc/ssh/ssh_known_hosts");
	if (cb->port > 0 && cb->port != 22)
		snprintf(name, sizeof(name), "[%.200s]:%d", host, cb->port);
	else
		snprintf(name, sizeof(name), "%.200s", host);
	if (!(hk->type & GIT_CERT_SSH_RAW)) {
		snprintf(cb->host_error, sizeof(cb->host_error),
			 "cannot check the host key of '%s' (libgit2 gave no key)", name);
		return GIT_ECERTIFICATE;
	}
	for (size_t i = 0; i < n; i++) {
		if (rl_remote_host_key_known(&known, files[i], host, cb->port,
					     (const unsigned char *)hk->hostkey, hk->hostkey_len) < 0) {
			snprintf(cb->host_error, sizeof(cb->host_error), "%s", rl_error_last());
			return GIT_ECERTIFICATE;
		}
		if (known == 1)
			return 0;
		if (known == -1 && changed < 0)
			changed = (int)i;
	}
	if (changed >= 0)
		snprintf(cb->host_error, sizeof(cb->host_error),
			 "the host key of '%s' is NOT the one in %.800s: refusing to connect (someone "
			 "may be in between; if the server's key really changed: ssh-keygen -R '%s')",
			 name, files[changed], name);
	else
		snprintf(cb->host_error, sizeof(cb->host_error),
			 "the host key of '%s' is unknown: it is not in %.800s (check it, then add it "
			 "with: ssh-keyscan -p %d %.200s >> ~/.ssh/known_hosts)",
			 name, files[0], cb->port > 0 ? cb->port : 22, host);
	return GIT_ECERTIFICATE;
}

/* 1 for an IPv4 or IPv6 address literal. */
static int is_ip_address(const char *host)
{
	unsigned char addr[16];
	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1 ||
	       host[0] == '[';
}

int remote_check_certificate(git_cert *cert, int valid, const char *host, void *payload)
{
	struct remote_cb *cb = payload;

	if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2)
		return check_host_key(cb, (git_cert_hostkey *)cert, valid, host);
	/* TLS: libgit2 verified the chain and the name against the system's
	 * CAs, or http.sslCAInfo / sslCAPath; http.sslVerify=false takes any. */
	if (valid || !cb->ssl_verify)
		return 0;
	snprintf(cb->host_error, sizeof(cb->host_error),
		 "the TLS certificate of '%.200s' is not trusted (not signed by a CA of the system "
		 "or of http.sslCAInfo / http.sslCAPath, or not for that name)%s", host,
		 is_ip_address(host) ? "; libgit2 (mbedTLS) never matches an IP address in a "
				       "certificate: use the server's host name in the URL" : "");
	return GIT_ECERTIFICATE;
}
