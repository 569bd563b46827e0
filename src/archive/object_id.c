/*
 * object_id.c - git object ids: libgit2's collision-detecting SHA-1 for
 * bytes someone else chose, OpenSSL's for bytes redline composed.
 *
 * Why two: git_odb_hash() runs SHA-1DC, portable C that also looks for the
 * disturbance vectors of known collision attacks; OpenSSL's SHA-1 uses the
 * CPU's SHA instructions.  On a first run of 1,000 pages SHA-1DC took 6 %
 * of all CPU for the story files alone (docs/benchmarks.md).
 *
 * What the detection is for: an attacker who serves two pages with the
 * same SHA-1 could make the archive keep the first under the second's id.
 * A collision needs blocks of near-random bytes, chosen by the attacker,
 * in the hashed object.  Captures hold the bytes the server sent, so they
 * keep SHA-1DC (rl_archive_blob_pack).  Story files do not: every byte of
 * them is redline's header or text that went through normalisation (valid
 * UTF-8 in NFC, no controls, no invisibles, spaces folded); trees hold
 * names redline makes and fixed-length modes and ids.  Neither can carry
 * such blocks, so for them detection guards nothing, and `git fsck`, which
 * runs SHA-1DC over every object, still checks the archive as a whole.
 */
#include "object_id_internal.h"

#include "redline/error.h"

#include <pthread.h>
#include <stdio.h>

#include <openssl/evp.h>

/* SHA-1 fetched from OpenSSL's provider once: EVP_sha1() makes every
 * EVP_DigestInit_ex() fetch it again, under a lock, a third of the cost
 * of hashing a story file.  Kept for the process. */
static EVP_MD *sha1;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void fetch_sha1(void)
{
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

int archive_object_id(git_oid *out, git_object_t type, const void *data, size_t len,
		      enum archive_origin origin)
{
	char hdr[40];
	int hl, ok, error;
	EVP_MD_CTX *ctx;

	if (origin == ARCHIVE_FOREIGN) {
		if ((error = git_odb_hash(out, data, len, type)) < 0)
			return rl_error_set_git(error, "cannot hash an object");
		return 0;
	}
	/* "TYPE LEN\0", then the bytes: what git_odb_hash() hashes */
	hl = snprintf(hdr, sizeof(hdr), "%s %zu", git_object_type2string(type), len) + 1;
	pthread_once(&sha1_once, fetch_sha1);
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL && sha1 != NULL && EVP_DigestInit_ex(ctx, sha1, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, hdr, (size_t)hl) == 1 &&
	     EVP_DigestUpdate(ctx, len ? data : "", len) == 1 &&
	     EVP_DigestFinal_ex(ctx, out->id, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : rl_error_set(RL_ENOMEM, "cannot hash an object");
}
