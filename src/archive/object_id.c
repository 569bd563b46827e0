/*
 * object_id.c - git object ids: libgit2's collision-detecting SHA-1 for
 * bytes someone else may have chosen, OpenSSL's for trees and plain text.
 *
 * Why two: git_odb_hash() runs SHA-1DC, portable C that also looks for the
 * disturbance vectors of known collision attacks; OpenSSL's SHA-1 uses the
 * CPU's SHA instructions.  On a first run of 1,000 pages SHA-1DC took 6 %
 * of all CPU for the story files alone (docs/benchmarks.md).
 *
 * What the detection is for: an attacker who serves two pages with the
 * same SHA-1 could make the archive keep the first under the second's id.
 * Every known collision attack needs blocks of near-random bytes, chosen
 * by the attacker, inside the hashed object.  So:
 * - captures (the bytes a server sent) and anything a caller marks
 *   ARCHIVE_FOREIGN keep SHA-1DC;
 * - a blob marked ARCHIVE_OURS (story files, INDEX files) gets the CPU's
 *   SHA-1 only when it is checked here to be valid UTF-8 whose only
 *   control character is the newline.  Story files are that by
 *   construction (a header, then normalised text), but the check does not
 *   trust the story code: a URL's host, for one, is not normalised.  No
 *   known attack builds colliding blocks under that constraint;
 * - a tree marked ARCHIVE_OURS holds names redline makes and fixed-length
 *   modes and ids (SHA-1 outputs, which nobody chooses).
 * `git fsck` runs SHA-1DC over every object and still checks the archive
 * as a whole.
 */
#include "object_id_internal.h"

#include "redline/charset.h"
#include "redline/error.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include <openssl/evp.h>

/* SHA-1 fetched from OpenSSL's provider once: EVP_sha1() makes every
 * EVP_DigestInit_ex() fetch it again, under a lock, a third of the cost
 * of hashing a story file.  Kept for the process; when the fetch failed,
 * libgit2 hashes everything. */
static EVP_MD *sha1;
static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;

static void fetch_sha1(void)
{
	sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

/* Text as the argument above needs it: valid UTF-8 whose only control
 * character is the newline. */
static bool is_plain_text(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7F)
			return false;
	return rl_charset_is_utf8((const char *)p, len);
}

int archive_object_id(git_oid *out, git_object_t type, const void *data, size_t len,
		      enum archive_origin origin)
{
	char hdr[40];
	int hl, ok, error;
	EVP_MD_CTX *ctx;

	pthread_once(&sha1_once, fetch_sha1);
	if (origin == ARCHIVE_FOREIGN || sha1 == NULL ||
	    (type == GIT_OBJECT_BLOB && !is_plain_text(data, len))) {
		if ((error = git_odb_hash(out, data, len, type)) < 0)
			return rl_error_set_git(error, "cannot hash an object");
		return 0;
	}
	/* "TYPE LEN\0", then the bytes: what git_odb_hash() hashes */
	hl = snprintf(hdr, sizeof(hdr), "%s %zu", git_object_type2string(type), len) + 1;
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL && EVP_DigestInit_ex(ctx, sha1, NULL) == 1 &&
	     EVP_DigestUpdate(ctx, hdr, (size_t)hl) == 1 &&
	     EVP_DigestUpdate(ctx, len ? data : "", len) == 1 &&
	     EVP_DigestFinal_ex(ctx, out->id, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : rl_error_set(RL_ENOMEM, "cannot hash an object");
}
