/*
 * remote_internal.h - what remote.c shares with remote_cred.c: the payload
 * of libgit2's transport callbacks.
 */
#ifndef REDLINE_REMOTE_INTERNAL_H
#define REDLINE_REMOTE_INTERNAL_H

#include "redline/remote.h"

/* libgit2 asks again after a refused credential: this bounds the asking. */
#define REMOTE_CRED_ATTEMPTS 6

struct remote_cb {
	const rl_remote_opts *opts;
	int attempts;          /* credential callbacks so far */
	int tried_agent;
	int next_key;          /* index into the key files tried */
	int tried_helper;
	char rejected[1024];   /* a ref the remote refused, with its reason */
	char host_error[3072]; /* why a host key was refused */
};

/* git_credential_acquire_cb */
int remote_credentials(git_credential **out, const char *url, const char *username_from_url,
		       unsigned int allowed_types, void *payload);

/* git_transport_certificate_check_cb: SSH host keys against known_hosts. */
int remote_check_certificate(git_cert *cert, int valid, const char *host, void *payload);

#endif
