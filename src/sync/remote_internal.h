/*
 * remote_internal.h - what remote.c shares with remote_cred.c (the payload
 * of libgit2's transport callbacks) and remote_ssh.c (git's SSH settings).
 */
#ifndef REDLINE_REMOTE_INTERNAL_H
#define REDLINE_REMOTE_INTERNAL_H

#include "redline/remote.h"

/* libgit2 asks again after a refused credential: this bounds the asking. */
#define REMOTE_CRED_ATTEMPTS 8
#define SSH_IDENTITIES_MAX 8
#define SSH_KNOWN_HOSTS_MAX 4

/* An ssh URL, ssh://[user@]host[:port]/path or git's [user@]host:path. */
struct ssh_url {
	int is_ssh;
	int scp_like;
	char *user;  /* NULL: none in the URL */
	char *host;
	int port;    /* 0: none in the URL */
	char *path;
};

/* What git's ssh settings say for one host (remote_ssh.c): from
 * GIT_SSH_COMMAND / core.sshCommand / GIT_SSH, then the ssh config file. */
struct ssh_settings {
	char *user;                  /* User, -l */
	char *hostname;              /* HostName */
	int port;                    /* Port, -p; 0: unset */
	char *identity[SSH_IDENTITIES_MAX]; /* IdentityFile, -i: expanded paths */
	size_t n_identity;
	int identities_only;         /* IdentitiesOnly: -1 unset */
	char *known_hosts[SSH_KNOWN_HOSTS_MAX]; /* UserKnownHostsFile */
	size_t n_known_hosts;
	char *config_file;           /* -F */
};

struct remote_cb {
	const rl_remote_opts *opts;
	int attempts;          /* credential callbacks so far */
	int tried_agent;
	int next_key;          /* index into the key files tried */
	int tried_helper;
	int ssh_tried;         /* ssh keys were asked for */
	int url_password;      /* the URL carries a password */
	char offered[160];     /* the last credential offered: where it came from */
	char user[128];        /* and for whom */
	int ssl_verify;        /* http.sslVerify: 0 accepts any certificate */
	int port;              /* the ssh port, for known_hosts' [host]:port */
	struct ssh_settings ssh;
	char url[1024];        /* the URL connected to, without a password */
	char proxy[1024];      /* http.proxy, "" for none */
	char rejected[1024];   /* a ref the remote refused, with its reason */
	char host_error[3072]; /* why a host key or certificate was refused */
};

/* git_credential_acquire_cb */
int remote_credentials(git_credential **out, const char *url, const char *username_from_url,
		       unsigned int allowed_types, void *payload);

/* git_transport_certificate_check_cb: SSH host keys against known_hosts;
 * TLS certificates as libgit2 checked them (CAs from http.sslCAInfo). */
int remote_check_certificate(git_cert *cert, int valid, const char *host, void *payload);

/* Parses an ssh URL; is_ssh stays 0 for any other URL (not an error). */
int remote_ssh_url_parse(struct ssh_url *u, const char *url);
void remote_ssh_url_release(struct ssh_url *u);

/* git's ssh settings for `url`'s host; RL_EINVAL for what libgit2 cannot
 * follow (a program other than ssh, a jump host, a proxy command). */
int remote_ssh_settings(struct ssh_settings *s, git_config *cfg, const struct ssh_url *url,
			const rl_remote_opts *opts);
void remote_ssh_release(struct ssh_settings *s);

/* The URL to connect to once HostName, Port and User are applied; NULL in
 * `*out` when they change nothing. */
int remote_ssh_url(char **out, const struct ssh_url *u, const struct ssh_settings *s);

#endif
