/*
 * archive_sign.c - signed commits, configured as git users already do:
 *
 *   commit.gpgSign = true
 *   gpg.format     = openpgp (default) | ssh
 *   user.signingKey = <gpg key id>  |  <path of an SSH key, private or public>
 *   gpg.program / gpg.ssh.program   (default gpg / ssh-keygen)
 *
 * The signature is made exactly as git makes it (`gpg -bsau KEY` or
 * `ssh-keygen -Y sign -n git -f KEY` over the commit object's buffer) and
 * stored in the commit's gpgsig header, so `git verify-commit` and
 * `git log --show-signature` accept it without redline.  The commit buffer
 * goes to the signer through a temporary file (so a large message cannot
 * deadlock a pipe), the signature comes back on a pipe, bounded.
 */
#include "archive_internal.h"
#include "redline/buf.h"
#include "redline/error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIGNATURE_MAX (64 * 1024)
/* A commit object: its message is made by redline, a few KiB. */
#define COMMIT_MAX ((size_t)64 << 20)

typedef struct sign_config {
	int enabled;
	int ssh;
	char *key;
	char *program;
} sign_config;

static char *config_string(git_config *cfg, const char *name)
{
	git_buf b = GIT_BUF_INIT;
	char *s = NULL;

	if (git_config_get_string_buf(&b, cfg, name) == 0)
		s = strdup(b.ptr);
	git_buf_dispose(&b);
	return s;
}

static void sign_config_clear(sign_config *c)
{
	free(c->key);
	free(c->program);
}

static int load_sign_config(sign_config *out, rl_archive *a)
{
	git_config *cfg = NULL;
	char *format = NULL;
	int on = 0, error;

	memset(out, 0, sizeof(*out));
	/* The repository's own config, not a snapshot: a snapshot copies every
	 * entry, and an archive of 10,000 sources has 40,000 of them.  Its
	 * values are checked against the files' stamps at each get. */
	if ((error = git_repository_config(&cfg, a->repo)) < 0)
		return rl_error_set_git(error, "cannot read the config of '%s'", a->path);
	if (git_config_get_bool(&on, cfg, "commit.gpgsign") < 0 || !on)
		goto done;
	out->enabled = 1;
	format = config_string(cfg, "gpg.format");
	out->ssh = format && strcmp(format, "ssh") == 0;
	if (format && !out->ssh && strcmp(format, "openpgp") != 0) {
		error = rl_error_set(RL_EINVAL, "gpg.format is '%.40s': redline signs with openpgp "
				     "or ssh", format);
		goto done;
	}
	out->key = config_string(cfg, "user.signingkey");
	out->program = config_string(cfg, out->ssh ? "gpg.ssh.program" : "gpg.program");
	if (out->ssh && out->key == NULL)
		error = rl_error_set(RL_EINVAL, "commit.gpgSign with gpg.format = ssh needs "
				     "user.signingKey (the path of an SSH key)");
done:
	free(format);
	git_config_free(cfg);
	return error;
}

/* Runs argv with `in` on stdin; its stdout (bounded) into `out`. */
static int run_signer(git_buf *out, char *const argv[], int in)
{
	char chunk[4096];
	size_t len = 0;
	char *buf = NULL;
	int pipefd[2], status = 0, error = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return rl_error_set_errno(RL_EIO, "cannot start '%s'", argv[0]);
	if ((pid = fork()) < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return rl_error_set_errno(RL_EIO, "cannot start '%s'", argv[0]);
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(in, 0);
		dup2(pipefd[1], 1);
		if (null >= 0)
			dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	if ((buf = malloc(SIGNATURE_MAX + 1)) == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(pipefd[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf && len + (size_t)n <= SIGNATURE_MAX) {
			memcpy(buf + len, chunk, (size_t)n);
			len += (size_t)n;
		} else if (!error) {
			error = rl_error_set(RL_ETOOBIG, "'%s' wrote more than %d bytes", argv[0],
					     SIGNATURE_MAX);
		}
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!error && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		error = rl_error_set(RL_ERROR, "'%s' could not sign the commit (exit %d): check "
				     "user.signingKey", argv[0],
				     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (!error && len == 0)
		error = rl_error_set(RL_ERROR, "'%s' gave no signature", argv[0]);
	if (!error) {
		buf[len] = '\0';
		error = git_buf_set(out, buf, len) < 0 ? rl_error_set(RL_ENOMEM, "out of memory") : 0;
	}
	free(buf);
	return error;
}

static int sign_buffer(git_buf *sig, const sign_config *c, const rl_buf *content)
{
	char tmpl[] = "/tmp/redline-commit-XXXXXX";
	int fd, error;

	if ((fd = mkstemp(tmpl)) < 0)
		return rl_error_set_errno(RL_EIO, "cannot make a temporary file to sign");
	unlink(tmpl);
	if (write(fd, content->ptr, content->len) != (ssize_t)content->len ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return rl_error_set_errno(RL_EIO, "cannot write the commit to sign");
	}
	if (c->ssh) {
		char *argv[] = { c->program ? c->program : "ssh-keygen", "-Y", "sign", "-n", "git",
				 "-f", c->key, NULL };
		error = run_signer(sig, argv, fd);
	} else if (c->key) {
		char *argv[] = { c->program ? c->program : "gpg", "--status-fd=2", "-bsau", c->key,
				 NULL };
		error = run_signer(sig, argv, fd);
	} else {
		char *argv[] = { c->program ? c->program : "gpg", "--status-fd=2", "-bsa", NULL };
		error = run_signer(sig, argv, fd);
	}
	close(fd);
	return error;
}

int archive_reflog_ident(rl_archive *a)
{
	git_config *cfg = NULL;
	git_signature *who = NULL;
	char *name = NULL, *email = NULL;
	int error;

	if ((error = git_repository_config(&cfg, a->repo)) < 0)
		return rl_error_set_git(error, "cannot read the config of '%s'", a->path);
	name = config_string(cfg, "user.name");
	email = config_string(cfg, "user.email");
	/* libgit2's own fallback when user.name or user.email is missing or
	 * unusable: "unknown" */
	if (name == NULL || email == NULL || git_signature_now(&who, name, email) < 0)
		error = git_repository_set_ident(a->repo, "unknown", "unknown");
	else
		error = git_repository_set_ident(a->repo, name, email);
	git_signature_free(who);
	free(name);
	free(email);
	git_config_free(cfg);
	return error < 0 ? rl_error_set_git(error, "cannot set the reflog's identity") : 0;
}

void archive_sign_forget(rl_archive *a)
{
	if (a->sign) {
		sign_config_clear(a->sign);
		free(a->sign);
		a->sign = NULL;
	}
}

/* The settings, read once per batch: a config snapshot per commit was a
 * fifth of the CPU of a first run of 300 pages.  Outside a batch (a
 * merge's commit) they are read for this commit alone into `own`. */
static int sign_settings(const sign_config **out, sign_config *own, rl_archive *a)
{
	sign_config *c;
	int error;

	if (a->sign) {
		*out = a->sign;
		return 0;
	}
	if (a->batch == NULL) {
		*out = own;
		return load_sign_config(own, a);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if ((error = load_sign_config(c, a)) < 0) {
		sign_config_clear(c);
		free(c);
		return error;
	}
	a->sign = c;
	*out = c;
	return 0;
}

/* The bytes of git_commit_create_buffer() (libgit2 1.5's commit.c and
 * git_signature__writebuf(), the same as git's): the time as an unsigned
 * 32-bit number, the offset as +hhmm. */
static int put_signature(rl_buf *b, const char *header, const git_signature *sig)
{
	int offset = sig->when.offset < 0 ? -sig->when.offset : sig->when.offset;
	char sign = sig->when.offset < 0 || sig->when.sign == '-' ? '-' : '+';

	return rl_buf_printf(b, "%s%s <%s> %u %c%02d%02d\n", header, sig->name, sig->email,
			     (unsigned)sig->when.time, sign, offset / 60, offset % 60);
}

int archive_commit_buffer(rl_buf *out, const git_signature *sig, const char *message,
			  const git_oid *tree, size_t n_parents, const git_oid *parents)
{
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	rl_buf_clear(out);
	git_oid_tostr(hex, sizeof(hex), tree);
	if ((rc = rl_buf_printf(out, "tree %s\n", hex)) < 0)
		return rc;
	for (size_t i = 0; i < n_parents; i++) {
		git_oid_tostr(hex, sizeof(hex), &parents[i]);
		if ((rc = rl_buf_printf(out, "parent %s\n", hex)) < 0)
			return rc;
	}
	if ((rc = put_signature(out, "author ", sig)) < 0 ||
	    (rc = put_signature(out, "committer ", sig)) < 0 || (rc = rl_buf_putc(out, '\n')) < 0)
		return rc;
	return rl_buf_puts(out, message);
}

int archive_commit_create(git_oid *out, rl_archive *a, const git_signature *sig,
			  const char *message, const git_oid *tree, size_t n_parents,
			  const git_oid *parents)
{
	sign_config own;
	const sign_config *c = NULL;
	rl_buf content = RL_BUF_INIT(COMMIT_MAX);
	git_buf signature = GIT_BUF_INIT;
	int error;

	memset(&own, 0, sizeof(own));
	if ((error = sign_settings(&c, &own, a)) < 0)
		goto done;
	if ((error = archive_commit_buffer(&content, sig, message, tree, n_parents, parents)) < 0) {
		if (error == RL_ETOOBIG)
			error = rl_error_set(error, "a commit larger than %zu bytes", COMMIT_MAX);
		else
			error = rl_error_set(error, "out of memory");
		goto done;
	}
	if (!c->enabled) {
		error = archive_write_object(out, a, content.ptr, content.len, GIT_OBJECT_COMMIT);
		goto done;
	}
	if ((error = sign_buffer(&signature, c, &content)) < 0)
		goto done;
	if ((error = git_commit_create_with_signature(out, a->repo, content.ptr, signature.ptr,
						      NULL)) < 0)
		error = rl_error_set_git(error, "cannot store the signed commit");
done:
	rl_buf_release(&content);
	git_buf_dispose(&signature);
	sign_config_clear(&own);
	return error;
}

int rl_archive_commit_create(git_oid *out, rl_archive *archive, const git_signature *sig,
			     const char *message, const git_tree *tree, size_t n_parents,
			     const git_commit **parents)
{
	git_oid *ids = NULL;
	int rc;

	if (n_parents > 0 && (ids = calloc(n_parents, sizeof(*ids))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < n_parents; i++)
		git_oid_cpy(&ids[i], git_commit_id(parents[i]));
	rc = archive_commit_create(out, archive, sig, message, git_tree_id(tree), n_parents, ids);
	free(ids);
	return rc;
}
