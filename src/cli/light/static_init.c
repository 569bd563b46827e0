/*
 * static_init.c - what the light executable (main_light.c) needs when it
 * links libgit2 and its libraries statically (CMakeLists.txt,
 * REDLINE_LIGHT_STATIC).
 *
 * Why static: a `redline log STORY` spent about a third of its
 * instructions in the dynamic linker (loading 21 shared objects, ~5,800
 * symbol relocations of libgit2's libraries) before main(); linked
 * statically they cost nothing at start (docs/benchmarks.md).
 *
 * log, show and diff read the local archive only: they never talk to a
 * remote.  So libgit2's start-up of what only remotes use is skipped
 * here, which a static link allows by the linker's --wrap (the calls of
 * git_libgit2_init() to these two functions come to the __wrap_ ones):
 *   - its TLS stream (mbedTLS): the random generator's entropy set-up
 *     (HAVEGE) and the parse of the system's CA bundle, 1.4 M instructions;
 *   - its SSH transport (libssh2_init: OpenSSL's engines), 1.0 M.
 * A remote operation would fail (no TLS or SSH set up), never pass
 * unchecked; no such operation is reachable from this executable, which
 * hands every other command to redline-full.
 *
 * libgit2's HTTP "Negotiate" authentication (GSSAPI, Kerberos) is likewise
 * only reached by an HTTP remote; the system has its shared library but no
 * static one, and loading it would bring six shared objects back.  The
 * functions libgit2 references are defined here and fail (GSS_S_FAILURE).
 */
#include <stdint.h>

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_transport_ssh_global_init(void);

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_transport_ssh_global_init(void)
{
	return 0;
}

/* GSS_S_FAILURE (RFC 2744): "unspecified failure"; the minor status, the
 * first argument of every one of them, is set to 0. */
#define GSS_FAIL(name)                          \
	uint32_t name(uint32_t *minor);         \
	uint32_t name(uint32_t *minor)          \
	{                                       \
		if (minor)                      \
			*minor = 0;             \
		return 13u << 16;               \
	}

GSS_FAIL(gss_delete_sec_context)
GSS_FAIL(gss_display_status)
GSS_FAIL(gss_import_name)
GSS_FAIL(gss_indicate_mechs)
GSS_FAIL(gss_init_sec_context)
GSS_FAIL(gss_release_buffer)
GSS_FAIL(gss_release_name)
GSS_FAIL(gss_release_oid_set)

/* gss_OID GSS_C_NT_HOSTBASED_SERVICE: the name type libgit2 passes to
 * gss_import_name(), which fails above whatever it is given. */
extern void *GSS_C_NT_HOSTBASED_SERVICE;
void *GSS_C_NT_HOSTBASED_SERVICE;
