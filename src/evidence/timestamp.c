/*
 * timestamp.c - RFC 3161 tokens over commit ids, kept in git notes.
 *
 * The imprint is the SHA-256 of the commit id's 40 hex characters, so that
 * anyone can check a token with openssl alone:
 *
 *   printf %s "$(git rev-parse C)" > id
 *   git notes --ref=timestamps show C | sed -n '/^-----BEGIN/,/^-----END/p' |
 *       grep -v -- ----- | base64 -d > reply.tsr
 *   openssl ts -verify -data id -in reply.tsr -CAfile tsa-ca.pem
 *
 * (The patterns are anchored: "END" occurs in one base64 token in a
 * hundred or so, and an unanchored /END/ cut those short.)
 *
 * A token over a commit vouches for its whole history too (each commit names
 * its parent).  Notes are written through a repository handle of their own:
 * while a batch is open, the archive's handle streams new objects into the
 * batch's pack, which exists only once the batch commits, and a note must
 * never point at an object that is not in the object store yet.
 */
#include "redline/evidence.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#define BEGIN_LINE "-----BEGIN TIMESTAMP REPLY-----\n"
#define END_LINE "-----END TIMESTAMP REPLY-----\n"

int rl_timestamp_config_load(rl_timestamp_config *out, rl_archive *archive)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = rl_config_get_string(&out->url, archive, "redline.tsaUrl")) < 0 ||
	    (error = rl_config_get_string(&out->ca_file, archive, "redline.tsaCAFile")) < 0)
		rl_timestamp_config_clear(out);
	return error;
}

void rl_timestamp_config_clear(rl_timestamp_config *c)
{
	free(c->url);
	free(c->ca_file);
	memset(c, 0, sizeof(*c));
}

static void imprint_of(unsigned char md[32], const git_oid *commit)
{
	char hex[GIT_OID_HEXSZ + 1];
	unsigned int len = 0;
	git_oid_tostr(hex, sizeof(hex), commit);
	EVP_Digest(hex, GIT_OID_HEXSZ, md, &len, EVP_sha256(), NULL);
}

static int openssl_error(const char *what)
{
	return rl_error_set(RL_ERROR, "%s", what);
}

static TS_REQ *make_request(const unsigned char md[32])
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *algo = X509_ALGOR_new();
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = BN_new();
	int ok = 0;

	if (!req || !mi || !algo || !bn || !TS_REQ_set_version(req, 1) ||
	    !X509_ALGOR_set0(algo, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, algo) || !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)md, 32) ||
	    !TS_REQ_set_msg_imprint(req, mi) || !BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    (nonce = BN_to_ASN1_INTEGER(bn, NULL)) == NULL || !TS_REQ_set_nonce(req, nonce) ||
	    !TS_REQ_set_cert_req(req, 1))
		goto done;
	ok = 1;
done:
	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	X509_ALGOR_free(algo);
	TS_MSG_IMPRINT_free(mi);
	if (!ok) {
		TS_REQ_free(req);
		return NULL;
	}
	return req;
}

static size_t on_reply(char *data, size_t size, size_t n, void *userdata)
{
	rl_buf *b = userdata;
	size_t len = size * n;
	if (len > b->max - b->len || rl_buf_put(b, data, len) < 0)
		return 0;
	return len;
}

static int post(rl_buf *reply, const char *url, const unsigned char *body, size_t len)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;
	int error = 0;

	if (e == NULL || (h = curl_slist_append(NULL, "Content-Type: application/timestamp-query")) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_reply);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, reply);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	if ((rc = curl_easy_perform(e)) != CURLE_OK) {
		error = rl_error_set(RL_EFETCH, "cannot reach the TSA '%s': %s", url,
				     *errbuf ? errbuf : curl_easy_strerror(rc));
		goto done;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		error = rl_error_set(RL_EFETCH, "the TSA '%s' answered HTTP %ld", url, status);
done:
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	return error;
}

static int64_t token_time(TS_RESP *resp)
{
	TS_TST_INFO *info = TS_RESP_get_tst_info(resp);
	const ASN1_GENERALIZEDTIME *t = info ? TS_TST_INFO_get_time(info) : NULL;
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

/* Checks `resp` with `ctx` (which it frees), adding the CA store if any. */
static int verify_reply(int64_t *gen_time, TS_VERIFY_CTX *ctx, TS_RESP *resp, const char *ca_file)
{
	X509_STORE *store = NULL;
	int error = 0;

	if (ca_file) {
		if ((store = X509_STORE_new()) == NULL ||
		    X509_STORE_load_file(store, ca_file) != 1) {
			X509_STORE_free(store);
			error = rl_error_set(RL_EINVAL, "cannot load the TSA CA file '%s'", ca_file);
			goto done;
		}
		TS_VERIFY_CTX_set_store(ctx, store); /* the context owns it now */
		TS_VERIFY_CTX_add_flags(ctx, TS_VFY_SIGNATURE);
	}
	if (TS_RESP_verify_response(ctx, resp) != 1) {
		unsigned long e = ERR_peek_last_error();
		char msg[256] = "";
		if (e)
			ERR_error_string_n(e, msg, sizeof(msg));
		ERR_clear_error();
		error = rl_error_set(RL_EPARSE, "the timestamp token does not hold%s%s",
				     *msg ? ": " : "", msg);
		goto done;
	}
	*gen_time = token_time(resp);
done:
	TS_VERIFY_CTX_free(ctx);
	return error;
}

static int encode_note(rl_buf *out, const char *url, int64_t when, const git_oid *commit,
		       const unsigned char *der, size_t len)
{
	char iso[RL_TIME_ISO_SIZE], hex[GIT_OID_HEXSZ + 1];
	int error;

	rl_time_format_iso8601(iso, when);
	git_oid_tostr(hex, sizeof(hex), commit);
	if ((error = rl_buf_printf(out, "RFC 3161 timestamp token\nTSA: %s\nTime: %s\n"
				   "Imprint: SHA-256 of the commit id \"%s\" (40 characters, no newline)\n\n"
				   BEGIN_LINE, url, iso, hex)) < 0)
		return error;
	for (size_t i = 0; i < len; i += 48) {
		unsigned char line[80];
		int n = EVP_EncodeBlock(line, der + i, (int)(len - i < 48 ? len - i : 48));
		if ((error = rl_buf_put(out, line, (size_t)n)) < 0 || (error = rl_buf_putc(out, '\n')) < 0)
			return error;
	}
	return rl_buf_puts(out, END_LINE);
}

static int decode_note(rl_buf *der, const char *note, size_t len)
{
	const char *b = memmem(note, len, BEGIN_LINE, strlen(BEGIN_LINE));
	const char *e = b ? memmem(b, len - (size_t)(b - note), END_LINE, strlen(END_LINE)) : NULL;
	EVP_ENCODE_CTX *ctx = NULL;
	int n = 0, m = 0, error = 0;

	if (b == NULL || e == NULL)
		return rl_error_set(RL_EPARSE, "the timestamp note holds no token");
	b += strlen(BEGIN_LINE);
	if ((error = rl_buf_grow(der, (size_t)(e - b))) < 0)
		return error;
	if ((ctx = EVP_ENCODE_CTX_new()) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	EVP_DecodeInit(ctx);
	if (EVP_DecodeUpdate(ctx, (unsigned char *)der->ptr, &n, (const unsigned char *)b,
			     (int)(e - b)) < 0 ||
	    EVP_DecodeFinal(ctx, (unsigned char *)der->ptr + n, &m) < 0)
		error = rl_error_set(RL_EPARSE, "the timestamp note's token is not valid base64");
	else
		der->len = (size_t)(n + m);
	EVP_ENCODE_CTX_free(ctx);
	return error;
}

static int store_note(rl_archive *archive, const git_oid *commit, const char *text)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_oid note;
	int error;

	if ((error = git_repository_open_bare(&repo, rl_archive_path(archive))) < 0 ||
	    (error = git_signature_now(&sig, "redline", "redline@localhost")) < 0 ||
	    (error = git_note_create(&note, repo, RL_TIMESTAMP_NOTES_REF, sig, sig, commit, text,
				     1)) < 0)
		error = rl_error_set_git(error, "cannot store the timestamp note");
	git_signature_free(sig);
	git_repository_free(repo);
	return error;
}

int rl_timestamp(int64_t *gen_time, rl_archive *archive, const git_oid *commit)
{
	rl_timestamp_config cfg;
	rl_buf reply = RL_BUF_INIT(RL_TIMESTAMP_REPLY_MAX), note = RL_BUF_INIT(1u << 20);
	unsigned char md[32], *der = NULL;
	const unsigned char *p;
	TS_REQ *req = NULL;
	TS_RESP *resp = NULL;
	int der_len, error;

	*gen_time = 0;
	if ((error = rl_timestamp_config_load(&cfg, archive)) < 0)
		return error;
	if (cfg.url == NULL) {
		error = rl_error_set(RL_ENOTFOUND, "no TSA configured (git config redline.tsaUrl URL)");
		goto done;
	}
	imprint_of(md, commit);
	if ((req = make_request(md)) == NULL || (der_len = i2d_TS_REQ(req, &der)) <= 0) {
		error = openssl_error("cannot build the timestamp request");
		goto done;
	}
	if ((error = post(&reply, cfg.url, der, (size_t)der_len)) < 0)
		goto done;
	p = (const unsigned char *)reply.ptr;
	if (reply.len == 0 || (resp = d2i_TS_RESP(NULL, &p, (long)reply.len)) == NULL) {
		error = rl_error_set(RL_EPARSE, "the TSA '%s' sent no timestamp reply", cfg.url);
		goto done;
	}
	if ((error = verify_reply(gen_time, TS_REQ_to_TS_VERIFY_CTX(req, NULL), resp,
				  cfg.ca_file)) < 0)
		goto done;
	if ((error = encode_note(&note, cfg.url, *gen_time, commit,
				 (const unsigned char *)reply.ptr, reply.len)) < 0)
		goto done;
	error = store_note(archive, commit, note.ptr);
done:
	ERR_clear_error();
	OPENSSL_free(der);
	TS_RESP_free(resp);
	TS_REQ_free(req);
	rl_buf_release(&reply);
	rl_buf_release(&note);
	rl_timestamp_config_clear(&cfg);
	return error;
}

int rl_timestamp_check(int64_t *gen_time, rl_archive *archive, const git_oid *commit,
		       const char *text, size_t len)
{
	rl_timestamp_config cfg;
	rl_buf der = RL_BUF_INIT(RL_TIMESTAMP_REPLY_MAX);
	TS_VERIFY_CTX *ctx = NULL;
	TS_RESP *resp = NULL;
	unsigned char *md = NULL;
	const unsigned char *p;
	int error;

	*gen_time = 0;
	if ((error = rl_timestamp_config_load(&cfg, archive)) < 0)
		return error;
	if ((error = decode_note(&der, text, len)) < 0)
		goto done;
	p = (const unsigned char *)der.ptr;
	if ((resp = d2i_TS_RESP(NULL, &p, (long)der.len)) == NULL) {
		error = rl_error_set(RL_EPARSE, "the timestamp note's token does not parse");
		goto done;
	}
	if ((ctx = TS_VERIFY_CTX_new()) == NULL || (md = OPENSSL_malloc(32)) == NULL) {
		TS_VERIFY_CTX_free(ctx);
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	imprint_of(md, commit);
	TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_IMPRINT);
	TS_VERIFY_CTX_set_imprint(ctx, md, 32); /* the context owns it now */
	error = verify_reply(gen_time, ctx, resp, cfg.ca_file);
done:
	ERR_clear_error();
	TS_RESP_free(resp);
	rl_buf_release(&der);
	rl_timestamp_config_clear(&cfg);
	return error;
}
