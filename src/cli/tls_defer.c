/*
 * tls_defer.c - start-up without parsing the system's CA bundle.
 *
 * Debian's libgit2 1.5 is built on mbedTLS, and its git_libgit2_init()
 * parses the whole CA bundle it was built with (GIT_DEFAULT_CERT_LOCATION,
 * /etc/ssl/certs/ca-certificates.crt: ~140 certificates, base64 and
 * ASN.1) at every process start, whether or not anything ever talks TLS
 * through libgit2: about half of the instructions of a `redline log STORY`
 * (docs/benchmarks.md).  Only push, merge and status's remote check talk
 * TLS through libgit2 (run and watch push in a child that executes
 * `redline push`, which parses the bundle itself); libcurl
 * has its own TLS (OpenSSL) and never reaches this.
 *
 * The executable defines mbedtls_x509_crt_parse_file() itself, so the
 * dynamic linker binds libgit2's call to this one (an executable's symbols
 * come first in the global scope).  While cli_git_init_deferring_cas()
 * runs git_libgit2_init(), a parse is skipped and libgit2 is left with an
 * empty chain of trusted CAs: a TLS connection through libgit2 would then
 * fail its certificate check (closed, never open).  At any other time the
 * call goes to mbedTLS's own function unchanged.  A libgit2 built on
 * OpenSSL never calls this, and nothing changes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "cli.h"

#include <dlfcn.h>
#include <git2.h>
#include <stddef.h>

#if defined(__has_include)
#if __has_include(<mbedtls/x509_crt.h>)
#include <mbedtls/x509_crt.h>
#define RL_HAVE_MBEDTLS 1
#endif
#endif

#ifdef RL_HAVE_MBEDTLS
static int deferring;
static int skipped;

int mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path)
{
	static int (*real)(mbedtls_x509_crt *, const char *);

	if (deferring) {
		skipped++;
		return 0; /* an empty chain: nothing trusted */
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
	if (real == NULL)
		return -1; /* MBEDTLS_ERR_ERROR_GENERIC_ERROR: no mbedTLS loaded */
	return real(chain, path);
}
#endif

int cli_git_init_deferring_cas(void)
{
	int n;

#ifdef RL_HAVE_MBEDTLS
	deferring = 1;
	n = git_libgit2_init();
	deferring = 0;
#else
	n = git_libgit2_init();
#endif
	return n;
}

int cli_git_cas_skipped(void)
{
#ifdef RL_HAVE_MBEDTLS
	return skipped;
#else
	return 0;
#endif
}
