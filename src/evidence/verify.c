/*
 * verify.c - does the archive hold up as evidence?
 *
 * Per commit of the range, oldest first:
 *   objects    the commit, its trees and every blob it adds are read back
 *              through libgit2, which checks each object's hash on read
 *              (strict hash verification is libgit2's default): a fsck of
 *              what the range added;
 *   signature  a signed commit is handed to `git verify-commit`; an unsigned
 *              commit after a signed one is a failure (history rewritten);
 *   captures   every record of every capture against its digests; the
 *              capture holds the record its trailer names; its decoded bytes
 *              hash to the commit's Snapshot-XXH3;
 *   stories    with the extractor version the capture records, today's
 *              extraction of the capture gives every story file the commit
 *              wrote for that source ("extractor changed since" otherwise).
 * Then every timestamp note (on a commit still in the history, imprint and
 * signature), and the fetch log (its commits are in the history).
 */
#include "evidence_internal.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/hash.h"
#include "redline/story.h"
#include "redline/timeutil.h"
#include "redline/warc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define STORY_MAX (16u * 1024 * 1024)

/* A decoded page of a followed source, kept until the commit's captures
 * have all been read: its stories are derived from all of them at once. */
struct fpage {
	char *source, *target, *extractor;
	rl_buf data;
	int listing;          /* the commit's listing (evidence_is_listing) */
	long status;          /* its HTTP status */
	char *requested;      /* the URL asked for, when it redirected */
	char *charset;        /* its Content-Type's charset */
};

struct verify {
	struct fpage *fpages;
	size_t n_fpages;
	rl_archive *archive;
	git_repository *repo;
	rl_verify_cb cb;
	void *userdata;
	rl_verify_summary *s;
	git_oid head;
	int have_head;
	int seen_signed;
	char hex[GIT_OID_HEXSZ + 1];
};

static void vsay(void *payload, rl_verify_level level, const char *fmt, va_list ap)
{
	struct verify *v = payload;
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (level == RL_VERIFY_FAIL)
		v->s->failures++;
	v->cb(level, v->hex[0] ? v->hex : NULL, msg, v->userdata);
}

__attribute__((format(printf, 3, 4)))
static void say(struct verify *v, rl_verify_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(v, level, fmt, ap);
	va_end(ap);
}

/* ---- objects ------------------------------------------------------------ */

static int check_objects(struct verify *v, git_commit *c, git_diff **diff_out)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	git_odb *odb = NULL;
	int error;

	*diff_out = NULL;
	if ((error = git_commit_tree(&tree, c)) < 0 ||
	    (git_commit_parentcount(c) > 0 &&
	     ((error = git_commit_parent(&parent, c, 0)) < 0 ||
	      (error = git_commit_tree(&ptree, parent)) < 0)) ||
	    (error = git_diff_tree_to_tree(&diff, v->repo, ptree, tree, NULL)) < 0 ||
	    (error = git_repository_odb(&odb, v->repo)) < 0) {
		say(v, RL_VERIFY_FAIL, "cannot read the commit's trees: %s",
		    git_error_last() ? git_error_last()->message : "damaged");
		goto done;
	}
	v->s->objects += 2;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		git_odb_object *obj = NULL;
		if (d->status == GIT_DELTA_DELETED)
			continue;
		if (git_odb_read(&obj, odb, &d->new_file.id) < 0) {
			say(v, RL_VERIFY_FAIL, "object %s (%s) is missing or damaged: %s",
			    git_oid_tostr_s(&d->new_file.id), d->new_file.path,
			    git_error_last() ? git_error_last()->message : "unreadable");
			continue;
		}
		v->s->objects++;
		git_odb_object_free(obj);
	}
	*diff_out = diff;
	diff = NULL;
	error = 0;
done:
	git_odb_free(odb);
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	return error;
}

/* ---- signatures --------------------------------------------------------- */

/* `git verify-commit`, the third party's own check, with our archive. */
static int git_verify_commit(struct verify *v)
{
	char gitdir[4200];
	pid_t pid;
	int status = 0;

	snprintf(gitdir, sizeof(gitdir), "--git-dir=%s", rl_archive_path(v->archive));
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = { "git", gitdir, "verify-commit", v->hex, NULL };
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execvp("git", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void check_signature(struct verify *v, const git_oid *id)
{
	git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
	int error = git_commit_extract_signature(&sig, &data, v->repo, (git_oid *)id, NULL);

	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		v->s->unsigned_commits++;
		if (v->seen_signed)
			say(v, RL_VERIFY_FAIL, "unsigned commit after signed ones: the history was "
			    "rewritten, or signing was turned off");
	} else if (error < 0) {
		say(v, RL_VERIFY_FAIL, "cannot read the commit's signature");
	} else {
		int rc = git_verify_commit(v);
		v->seen_signed = 1;
		if (rc == 0)
			v->s->signed_ok++;
		else if (rc == 127)
			say(v, RL_VERIFY_NOTE, "signed, but git is not installed to check it");
		else
			say(v, RL_VERIFY_FAIL, "bad signature (git verify-commit refuses it; is "
			    "gpg.ssh.allowedSignersFile or the keyring set?)");
	}
	git_buf_dispose(&sig);
	git_buf_dispose(&data);
}

/* ---- captures and stories ----------------------------------------------- */

static int has_snapshot_hash(const char *message, const char *hex)
{
	const char *tag = "Snapshot-XXH3: ";
	for (const char *p = strstr(message, tag); p; p = strstr(p + 1, tag))
		if (strncmp(p + strlen(tag), hex, RL_HASH_HEX_SIZE - 1) == 0)
			return 1;
	return 0;
}

static int in_contents(const rl_strvec *contents, const char *s)
{
	for (size_t i = 0; i < contents->n; i++)
		if (strcmp(contents->v[i], s) == 0)
			return 1;
	return 0;
}

/* Every story file this commit wrote under <source>/ must be re-derived. */
static void check_stories(struct verify *v, git_diff *diff, const char *source,
			  const rl_strvec *contents)
{
	rl_buf text = RL_BUF_INIT(STORY_MAX), content = RL_BUF_INIT(STORY_MAX);
	size_t sl = strlen(source);
	git_oid commit;

	git_oid_fromstr(&commit, v->hex);
	for (size_t i = 0; diff && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path, *base = strrchr(path, '/');
		if (d->status == GIT_DELTA_DELETED || strncmp(path, source, sl) != 0 ||
		    path[sl] != '/' || base == NULL ||
		    !rl_story_id_in_name(base + 1, strlen(base + 1)))
			continue;
		v->s->stories++;
		rl_buf_clear(&content);
		if (rl_archive_read(&text, v->archive, &commit, path) < 0 ||
		    evidence_story_content(&content, text.ptr) < 0) {
			say(v, RL_VERIFY_FAIL, "cannot read '%s': %s", path, rl_error_last());
			rl_error_clear();
			continue;
		}
		if (in_contents(contents, content.ptr ? content.ptr : ""))
			v->s->rederived++;
		else
			say(v, RL_VERIFY_FAIL, "'%s' is not what its capture gives with the "
			    "recorded extractor: changed after extraction", path);
	}
	rl_buf_release(&text);
	rl_buf_release(&content);
}

/* 1 when the capture was extracted with today's extractor; else noted. */
static int same_extractor(struct verify *v, const rl_source_config *cfg, const char *source,
			  const char *recorded)
{
	char today[96];

	rl_capture_extractor_version(today, sizeof(today), cfg);
	if (recorded && strcmp(recorded, today) == 0)
		return 1;
	v->s->extractor_changed++;
	say(v, RL_VERIFY_NOTE, "%s: extractor changed since (captured with '%s', today '%s'): "
	    "story files not re-derived; 'redline reextract' applies today's", source,
	    recorded ? recorded : "unknown", today);
	return 0;
}

static void check_rederive(struct verify *v, git_diff *diff, const char *source,
			   const char *recorded, const char *data, size_t len, const char *target,
			   const char *charset)
{
	rl_source_config *cfg = NULL;
	rl_strvec contents = RL_STRVEC_INIT;

	if (evidence_config(&cfg, v->archive, source) < 0) {
		say(v, RL_VERIFY_FAIL, "cannot load the settings of '%s': %s", source,
		    rl_error_last());
		return;
	}
	if (!same_extractor(v, cfg, source, recorded)) {
		/* noted */
	} else if (evidence_rederive(&contents, cfg, source, data, len, target, charset) < 0) {
		say(v, RL_VERIFY_FAIL, "%s: the capture cannot be extracted again: %s", source,
		    rl_error_last());
	} else {
		check_stories(v, diff, source, &contents);
	}
	rl_strvec_release(&contents);
	rl_source_config_free(cfg);
}

static int follows(struct verify *v, const char *source)
{
	rl_source_config *cfg = NULL;
	int yes = evidence_config(&cfg, v->archive, source) == 0 && cfg->follow;
	rl_source_config_free(cfg);
	rl_error_clear();
	return yes;
}

/* Checks one capture file: its records, its bytes against the commit, the
 * story files re-derived from it. */
static int check_capture(struct verify *v, const git_oid *commit, const char *id,
			 const char *message, git_diff *diff, const char *reextract_extractor)
{
	rl_buf warc = RL_BUF_INIT(RL_CAPTURE_MAX), snap = RL_BUF_INIT(RL_CAPTURE_MAX);
	rl_warc_record r;
	char *source = NULL, *extractor = NULL, *target = NULL, *charset = NULL;
	char hex[RL_HASH_HEX_SIZE];
	size_t off = 0;
	int error, named = 0, bad = 0;

	v->s->captures++;
	if (rl_capture_read(&warc, v->archive, commit, id) < 0) {
		say(v, RL_VERIFY_FAIL, "%s", rl_error_last());
		rl_error_clear();
		goto done;
	}
	while ((error = rl_warc_read(&r, warc.ptr, warc.len, &off)) == 0) {
		v->s->records++;
		if (rl_warc_check(&r) < 0) {
			say(v, RL_VERIFY_FAIL, "capture %s: %s", id, rl_error_last());
			bad = 1;
		}
		named |= strcmp(r.record_id, id) == 0;
		rl_warc_record_clear(&r);
	}
	if (error != RL_ENOTFOUND) {
		say(v, RL_VERIFY_FAIL, "capture %s is damaged: %s", id, rl_error_last());
		goto done;
	}
	if (!named)
		say(v, RL_VERIFY_FAIL, "capture %s does not hold the record its trailer names", id);
	if (bad || !named)
		goto done;
	if (rl_capture_snapshot(&snap, &source, &extractor, &target, warc.ptr, warc.len) < 0) {
		say(v, RL_VERIFY_NOTE, "capture %s: %s", id, rl_error_last());
		goto done;
	}
	if (source == NULL) {
		say(v, RL_VERIFY_FAIL, "capture %s names no source", id);
		goto done;
	}
	rl_hash128_hex(hex, rl_hash128_bytes(snap.ptr, snap.len));
	if (rl_capture_http_charset(&charset, warc.ptr, warc.len) < 0)
		rl_error_clear(); /* then decoded as a document without one */
	if (follows(v, source)) {
		/* Listing and article pages: derived together once all are read. */
		struct fpage *p = realloc(v->fpages, (v->n_fpages + 1) * sizeof(*p));
		if (p == NULL) {
			say(v, RL_VERIFY_FAIL, "out of memory");
			goto done;
		}
		v->fpages = p;
		p = &p[v->n_fpages++];
		memset(p, 0, sizeof(*p));
		p->source = source;
		p->target = target;
		p->extractor = reextract_extractor ? strdup(reextract_extractor) : extractor;
		if (reextract_extractor)
			free(extractor);
		p->data = snap;
		p->charset = charset;
		charset = NULL;
		p->listing = evidence_is_listing(message, target, hex);
		if (rl_capture_http_status(&p->status, warc.ptr, warc.len) < 0 ||
		    rl_capture_fact(&p->requested, warc.ptr, warc.len, "requested-uri") < 0)
			rl_error_clear();
		source = target = extractor = NULL;
		snap = (rl_buf)RL_BUF_INIT(RL_CAPTURE_MAX);
		goto done;
	}
	if (!has_snapshot_hash(message, hex)) {
		{
			say(v, RL_VERIFY_FAIL, "capture %s decodes to XXH3 %s, which no Snapshot-XXH3 "
			    "of the commit names", id, hex);
		}
		goto done;
	}
	check_rederive(v, diff, source, reextract_extractor ? reextract_extractor : extractor,
		       snap.ptr, snap.len, target, charset);
done:
	rl_error_clear();
	free(source);
	free(extractor);
	free(target);
	free(charset);
	rl_buf_release(&warc);
	rl_buf_release(&snap);
	return 0;
}

/* "title\n\nbody": the title's length. */
static size_t title_len(const char *content)
{
	const char *sep = strstr(content, "\n\n");
	return sep ? (size_t)(sep - content) : strlen(content);
}

static int same_title(const char *a, const char *b)
{
	size_t n = title_len(a);
	return n == title_len(b) && strncmp(a, b, n) == 0;
}

static int same_body(const char *a, const char *b)
{
	return strcmp(a + title_len(a), b + title_len(b)) == 0;
}

/* One story file of a followed source against the captures of its commit. */
static int follow_story_ok(const rl_source_config *cfg,
			   const evidence_story_set *set, const evidence_page *pages, size_t n,
			   int have_listing, const char *id, const char *content, const char *parent)
{
	rl_buf want = RL_BUF_INIT(STORY_MAX);
	int ok = 0;

	if (have_listing) {
		for (size_t k = 0; k < set->ids.n && !ok; k++) {
			if (strcmp(set->ids.v[k], id) != 0)
				continue;
			ok = strcmp(set->contents.v[k], content) == 0 ||
			     /* its article was not read in this commit: the body is the
			      * archive's (and the header too, for a removed story) */
			     (!set->from_article.v[k][0] && parent &&
			      (strcmp(parent, content) == 0 ||
			       (same_title(set->contents.v[k], content) && same_body(parent, content))));
		}
	} else {
		/* A due article of an unchanged listing: the header stays the
		 * archive's; an article gone (404) gives no text and keeps it all. */
		char *title = parent ? strndup(parent, title_len(parent)) : NULL;
		for (size_t k = 0; k < n && !ok && title; k++) {
			int rc = evidence_rederive_article(&want, cfg, title, &pages[k]);
			ok = rc == 0 ? strcmp(want.ptr, content) == 0
				     : rc == RL_ENOTFOUND && strcmp(parent, content) == 0;
		}
		free(title);
		rl_error_clear();
	}
	rl_buf_release(&want);
	return ok;
}

/* The story files a commit wrote for a followed source against `pages`. */
static void check_follow_pages(struct verify *v, git_commit *c, git_diff *diff, const char *source,
			       const rl_source_config *cfg, const evidence_page *pages, size_t n,
			       const char *recorded)
{
	evidence_story_set set = EVIDENCE_STORY_SET_INIT;
	rl_buf text = RL_BUF_INIT(STORY_MAX), content = RL_BUF_INIT(STORY_MAX),
	       ptext = RL_BUF_INIT(STORY_MAX), pcontent = RL_BUF_INIT(STORY_MAX);
	size_t sl = strlen(source);
	int have_listing = 0;

	for (size_t i = 0; i < n; i++)
		have_listing |= pages[i].listing;
	if (!same_extractor(v, cfg, source, recorded))
		goto done;
	if (have_listing && evidence_rederive_follow(&set, cfg, source, pages, n) < 0) {
		say(v, RL_VERIFY_FAIL, "%s: the captures cannot be extracted again: %s", source,
		    rl_error_last());
		goto done;
	}
	v->s->articles += n - (size_t)have_listing;
	for (size_t i = 0; diff && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path, *base = strrchr(path, '/'), *id;
		int have_parent;
		if (d->status == GIT_DELTA_DELETED || strncmp(path, source, sl) != 0 ||
		    path[sl] != '/' || base == NULL ||
		    (id = rl_story_id_in_name(base + 1, strlen(base + 1))) == NULL)
			continue;
		v->s->stories++;
		have_parent = git_commit_parentcount(c) > 0 &&
			      rl_archive_read(&ptext, v->archive, git_commit_parent_id(c, 0), path) == 0 &&
			      evidence_story_content(&pcontent, ptext.ptr) == 0;
		rl_error_clear();
		if (rl_archive_read(&text, v->archive, git_commit_id(c), path) < 0 ||
		    evidence_story_content(&content, text.ptr) < 0) {
			say(v, RL_VERIFY_FAIL, "cannot read '%s': %s", path, rl_error_last());
			rl_error_clear();
			continue;
		}
		char sid[13];
		snprintf(sid, sizeof(sid), "%.12s", id);
		if (follow_story_ok(cfg, &set, pages, n, have_listing, sid,
				    content.ptr ? content.ptr : "", have_parent ? pcontent.ptr : NULL))
			v->s->rederived++;
		else
			say(v, RL_VERIFY_FAIL, "'%s' is not what the captured listing and article "
			    "pages give with the recorded extractor: changed after extraction", path);
		rl_buf_clear(&ptext);
		rl_buf_clear(&pcontent);
	}
done:
	rl_buf_release(&text);
	rl_buf_release(&content);
	rl_buf_release(&ptext);
	rl_buf_release(&pcontent);
	evidence_story_set_release(&set);
}

/* The story files a commit wrote for a followed source, derived again from
 * the listing and article pages captured in it. */
static void check_follow(struct verify *v, git_commit *c, git_diff *diff, const char *source)
{
	rl_source_config *cfg = NULL;
	evidence_page *pages = NULL;
	const char *recorded = NULL;
	size_t n = 0;

	if (evidence_config(&cfg, v->archive, source) < 0) {
		say(v, RL_VERIFY_FAIL, "cannot load the settings of '%s': %s", source, rl_error_last());
		goto done;
	}
	if ((pages = calloc(v->n_fpages + 1, sizeof(*pages))) == NULL)
		goto done;
	for (size_t i = 0; i < v->n_fpages; i++) {
		struct fpage *f = &v->fpages[i];
		if (strcmp(f->source, source) != 0)
			continue;
		pages[n].target = f->target;
		pages[n].data = f->data.ptr ? f->data.ptr : "";
		pages[n].len = f->data.len;
		pages[n].listing = f->listing;
		pages[n].status = f->status;
		pages[n].requested = f->requested;
		pages[n].charset = f->charset;
		if (f->listing || recorded == NULL)
			recorded = f->extractor;
		n++;
	}
	check_follow_pages(v, c, diff, source, cfg, pages, n, recorded);
done:
	free(pages);
	rl_source_config_free(cfg);
}

/* A re-extraction of a followed source: its stories come from the pages
 * reextract read, the newest listing and article captures as of its parent
 * (follow_pages.c), whose listing must be the one Reextract-Of names. */
static void check_follow_reextract(struct verify *v, git_commit *c, git_diff *diff,
				   const char *source, const git_oid *listing_commit,
				   const char *extractor)
{
	rl_source_config *cfg = NULL;
	evidence_pageset pages;
	const char *why = NULL;
	int rc;

	memset(&pages, 0, sizeof(pages));
	if (evidence_config(&cfg, v->archive, source) < 0) {
		say(v, RL_VERIFY_FAIL, "cannot load the settings of '%s': %s", source, rl_error_last());
		goto done;
	}
	rc = git_commit_parentcount(c) == 0 ? 0
		: evidence_follow_pages(&pages, &why, v->archive, git_commit_parent_id(c, 0), NULL,
					source);
	if (rc <= 0) {
		say(v, RL_VERIFY_FAIL, "%s: the captures this re-extraction read are not in its "
		    "history: %s", source, rc < 0 ? rl_error_last() : why ? why : "no parent");
	} else if (!git_oid_equal(&pages.listing_commit, listing_commit)) {
		say(v, RL_VERIFY_FAIL, "%s: Reextract-Of names %.12s, but the newest listing "
		    "capture before it is in %.12s", source, git_oid_tostr_s(listing_commit),
		    git_oid_tostr_s(&pages.listing_commit));
	} else {
		check_follow_pages(v, c, diff, source, cfg, pages.v, pages.n, extractor);
	}
done:
	rl_error_clear();
	evidence_pageset_release(&pages);
	rl_source_config_free(cfg);
}

static void forget_fpages(struct verify *v);

/* Every followed source among the commit's captures, then forget them. */
static void check_follows(struct verify *v, git_commit *c, git_diff *diff)
{
	for (size_t i = 0; i < v->n_fpages; i++) {
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= strcmp(v->fpages[k].source, v->fpages[i].source) == 0;
		if (!seen)
			check_follow(v, c, diff, v->fpages[i].source);
	}
	forget_fpages(v);
}

static void forget_fpages(struct verify *v)
{
	for (size_t i = 0; i < v->n_fpages; i++) {
		free(v->fpages[i].source);
		free(v->fpages[i].target);
		free(v->fpages[i].requested);
		free(v->fpages[i].charset);
		free(v->fpages[i].extractor);
		rl_buf_release(&v->fpages[i].data);
	}
	free(v->fpages);
	v->fpages = NULL;
	v->n_fpages = 0;
}

/* Story files a commit with no capture wrote: nothing to re-derive them
 * from (captures off, or made before them), which the report must say
 * rather than pass over - a commit rewritten without its captures looks
 * the same. */
static void note_uncaptured(struct verify *v, git_commit *c, git_diff *diff)
{
	size_t n = 0;

	if (git_commit_parentcount(c) > 1)
		return; /* a merge of shards: their own commits hold the captures */
	for (size_t i = 0; diff && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path, *base = strrchr(path, '/');
		if (d->status != GIT_DELTA_DELETED && path[0] != '.' && base &&
		    rl_story_id_in_name(base + 1, strlen(base + 1)))
			n++;
	}
	if (n == 0)
		return;
	v->s->uncaptured += n;
	say(v, RL_VERIFY_NOTE, "%zu story file%s with no capture to re-derive %s from "
	    "(redline.capture was off, or the commit predates captures)", n, n == 1 ? "" : "s",
	    n == 1 ? "it" : "them");
}

static void check_commit(struct verify *v, const git_oid *id)
{
	git_commit *c = NULL;
	git_diff *diff = NULL;
	rl_strvec ids = RL_STRVEC_INIT;
	char of[GIT_OID_HEXSZ + 8], extractor[128];
	const char *message;
	git_oid capture_commit;

	git_oid_tostr(v->hex, sizeof(v->hex), id);
	v->s->commits++;
	if (git_commit_lookup(&c, v->repo, id) < 0) {
		say(v, RL_VERIFY_FAIL, "commit is missing or damaged: %s",
		    git_error_last() ? git_error_last()->message : "unreadable");
		return;
	}
	message = git_commit_message(c);
	if (check_objects(v, c, &diff) < 0)
		goto done;
	check_signature(v, id);
	git_oid_cpy(&capture_commit, id);
	if (evidence_trailer(of, sizeof(of), message, EVIDENCE_REEXTRACT_TRAILER)) {
		/* A re-extraction: its stories come from the capture of the commit it names. */
		git_commit *orig = NULL;
		if (git_oid_fromstrp(&capture_commit, of) < 0 ||
		    git_commit_lookup(&orig, v->repo, &capture_commit) < 0) {
			say(v, RL_VERIFY_FAIL, "Reextract-Of names %s, which is not a commit", of);
			goto done;
		}
		if (!evidence_trailer(extractor, sizeof(extractor), message,
				      EVIDENCE_EXTRACTOR_TRAILER))
			strcpy(extractor, "unknown");
		rl_capture_ids(&ids, git_commit_message(orig));
		for (size_t i = 0; i < ids.n; i++)
			check_capture(v, &capture_commit, ids.v[i], git_commit_message(orig), diff,
				      extractor);
		if (v->n_fpages) {
			/* A followed source: the listing named, with the articles it read. */
			char *source = strdup(v->fpages[0].source);
			forget_fpages(v);
			if (source)
				check_follow_reextract(v, c, diff, source, &capture_commit, extractor);
			free(source);
		}
		git_commit_free(orig);
		goto done;
	}
	if (rl_capture_ids(&ids, message) < 0)
		goto done;
	if (ids.n == 0)
		note_uncaptured(v, c, diff);
	for (size_t i = 0; i < ids.n; i++)
		check_capture(v, id, ids.v[i], message, diff, NULL);
	check_follows(v, c, diff);
done:
	rl_strvec_release(&ids);
	git_diff_free(diff);
	git_commit_free(c);
}

/* ---- timestamps and the fetch log ---------------------------------------- */

static int in_history(struct verify *v, const git_oid *id)
{
	return v->have_head &&
	       (git_oid_equal(&v->head, id) || git_graph_descendant_of(v->repo, &v->head, id) == 1);
}

static int check_note(const git_oid *blob_id, const git_oid *commit, void *payload)
{
	struct verify *v = payload;
	git_blob *blob = NULL;
	int64_t when = 0;
	char iso[RL_TIME_ISO_SIZE];

	git_oid_tostr(v->hex, sizeof(v->hex), commit);
	if (!in_history(v, commit)) {
		say(v, RL_VERIFY_FAIL, "a timestamp vouches for this commit, which is not in the "
		    "history: the history was rewritten");
		return 0;
	}
	if (git_blob_lookup(&blob, v->repo, blob_id) < 0) {
		say(v, RL_VERIFY_FAIL, "the timestamp note is missing or damaged");
		return 0;
	}
	if (rl_timestamp_check(&when, v->archive, commit, git_blob_rawcontent(blob),
			       (size_t)git_blob_rawsize(blob)) < 0) {
		say(v, RL_VERIFY_FAIL, "timestamp: %s", rl_error_last());
		rl_error_clear();
	} else {
		rl_time_format_iso8601(iso, when);
		v->s->timestamps++;
		say(v, RL_VERIFY_OK, "timestamped by the TSA at %s (this commit and its history)", iso);
	}
	git_blob_free(blob);
	return 0;
}

static int history_has(void *payload, const git_oid *id)
{
	return in_history(payload, id);
}

static void check_fetch_logs(struct verify *v)
{
	evidence_fetchlog_check c = { v->archive, history_has, vsay, v };

	v->hex[0] = '\0';
	evidence_check_fetch_logs(&c);
}

int rl_verify(rl_verify_summary *out, rl_archive *archive, const char *range, rl_verify_cb cb,
	      void *userdata)
{
	struct verify v;
	git_revwalk *walk = NULL;
	git_oid id;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	v.archive = archive;
	v.repo = rl_archive_repo(archive);
	v.cb = cb;
	v.userdata = userdata;
	v.s = out;
	v.have_head = rl_archive_head(&v.head, archive) == 0;
	rl_error_clear();
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	if ((error = git_revwalk_new(&walk, v.repo)) < 0)
		return rl_error_set_git(error, "cannot walk the history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (range && strstr(range, ".."))
		error = git_revwalk_push_range(walk, range);
	else if (range)
		error = rl_archive_resolve(&id, archive, range) < 0 ? RL_ENOTFOUND
			: git_revwalk_push(walk, &id);
	else if (v.have_head)
		error = git_revwalk_push(walk, &v.head);
	if (error == RL_ENOTFOUND)
		goto done;
	if (error < 0) {
		error = rl_error_set_git(error, "bad revision range '%s'", range ? range : "HEAD");
		goto done;
	}
	while ((error = git_revwalk_next(&id, walk)) == 0)
		check_commit(&v, &id);
	if (error != GIT_ITEROVER) {
		error = rl_error_set_git(error, "cannot walk the history");
		goto done;
	}
	error = git_note_foreach(v.repo, RL_TIMESTAMP_NOTES_REF, check_note, &v);
	if (error == GIT_ENOTFOUND)
		git_error_clear();
	check_fetch_logs(&v);
	error = 0;
done:
	git_revwalk_free(walk);
	return error;
}
