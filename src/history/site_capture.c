/*
 * site_capture.c - the raw captures a story revision was read from, on the
 * static site.
 *
 * A revision's commit names its captures by "Capture:" trailers
 * (capture.h); each is exported once into the site as
 *
 *   _captures/<uuid>.warc.gz   the WARC file exactly as committed: what a
 *                              third party checks with any WARC reader
 *   _captures/<uuid>.txt       the response (or file) body it holds,
 *                              decoded, to read in the browser
 *
 * The folder starts with '_', which no source name can (path.h), so it
 * never meets a source's folder.  A capture's bytes never change (its name
 * is its record id), so an incremental build writes only the missing ones.
 *
 * The body is the captured page itself, scripts and all, so it must never
 * run in the site's origin: a page that did could rewrite the site's own
 * story pages in the reader's browser.  It is therefore published as
 * `.txt`: every static server and file:// give it text/plain, which
 * browsers never sniff into HTML (MIME Sniffing Standard: text/plain is
 * only told apart from binary), so the markup shows as text and nothing
 * in it is fetched or run.  An .html copy in a sandboxed <iframe> would
 * render it, but would still load its images and trackers from the
 * newsroom's servers, and opened on its own (a new tab) it would run in
 * the site's origin.
 */
#include "site_internal.h"
#include "redline/capture.h"
#include "redline/file.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SITE_CAPTURE_DIR "_captures"

/* What one commit's captures look like on a story page, made once per
 * build however many stories the commit touched. */
struct site_cap {
	char commit[GIT_OID_HEXSZ + 1];
	char *html;
};

struct site_caps {
	struct site_cap *v; /* sorted by commit */
	size_t n, cap;
};

static int exists(const struct site *s, const char *rel)
{
	char *path = NULL;
	struct stat st;
	int yes;

	if (asprintf(&path, "%s/%s", s->dir, rel) < 0)
		return 0;
	yes = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	free(path);
	return yes;
}

/* Exports capture `id` of `commit` (when missing, or on a full build) and
 * appends its links to `html`.  The archive may come from anyone's remote:
 * a trailer that names no capture id is no capture, one that names a file
 * the commit does not hold is said on the page, and an unreadable capture
 * is exported as it is, without a body; none of them stops the build. */
static int export_one(rl_buf *html, struct site *s, const git_oid *commit, const char *id)
{
	rl_buf warc = RL_BUF_INIT(RL_CAPTURE_MAX), body = RL_BUF_INIT(RL_CAPTURE_MAX);
	char path[RL_CAPTURE_PATH_SIZE], uuid[40], *source = NULL, *extractor = NULL, *target = NULL;
	char wrel[sizeof(SITE_CAPTURE_DIR) + 48], trel[sizeof(SITE_CAPTURE_DIR) + 48];
	int error, has_body = 0;

	if (rl_capture_path(path, id) < 0) {
		rl_error_clear();
		return 0;
	}
	/* ".captures/.../<36-char uuid>.warc.gz" (either layout) */
	snprintf(uuid, sizeof(uuid), "%.36s", strrchr(path, '/') + 1);
	snprintf(wrel, sizeof(wrel), SITE_CAPTURE_DIR "/%s.warc.gz", uuid);
	snprintf(trel, sizeof(trel), SITE_CAPTURE_DIR "/%s.txt", uuid);
	if ((error = rl_capture_read(&warc, s->archive, commit, id)) == RL_ENOTFOUND) {
		rl_error_clear();
		error = rl_buf_printf(html, "<p class=\"capture\">raw capture <code title=\"%s\">%.8s</code> "
					    "is missing from its commit</p>\n",
				      uuid, uuid);
		goto done;
	}
	if (error < 0)
		goto done;
	/* a revisit holds no body (RL_ENOTFOUND); a damaged capture none either */
	has_body = rl_capture_snapshot(&body, &source, &extractor, &target, warc.ptr, warc.len) == 0;
	rl_error_clear();
	if (s->stats->full || !exists(s, wrel)) {
		if ((error = site_write(s, wrel, &warc)) < 0)
			goto done;
		s->stats->captures++;
	}
	if (has_body && (s->stats->full || !exists(s, trel)) && (error = site_write(s, trel, &body)) < 0)
		goto done;
	rl_buf_printf(html, "<p class=\"capture\">raw capture <code title=\"%s\">%.8s</code>: "
			    "<a href=\"../%s\" download type=\"application/warc\">WARC</a>",
		      uuid, uuid, wrel);
	if (has_body)
		rl_buf_printf(html, " · <a href=\"../%s\" type=\"text/plain\">body as text</a>", trel);
	if (target) {
		rl_buf_puts(html, " · <span class=\"meta\">");
		rl_html_escape(html, target);
		rl_buf_puts(html, "</span>");
	}
	error = rl_buf_puts(html, "</p>\n");
done:
	free(source);
	free(extractor);
	free(target);
	rl_buf_release(&warc);
	rl_buf_release(&body);
	return error;
}

/* The links of every capture of commit `hex`, exporting them. */
static int commit_captures(char **out, struct site *s, const char *hex)
{
	rl_buf html = RL_BUF_INIT(1024 * 1024);
	rl_strvec ids = RL_STRVEC_INIT;
	git_commit *c = NULL;
	git_oid oid;
	int error;

	*out = NULL;
	if ((error = git_oid_fromstr(&oid, hex)) < 0 ||
	    (error = git_commit_lookup(&c, rl_archive_repo(s->archive), &oid)) < 0) {
		error = rl_error_set_git(error, "cannot read commit %s", hex);
		goto done;
	}
	if ((error = rl_capture_ids(&ids, git_commit_message(c))) < 0)
		goto done;
	if (ids.n == 0) {
		/* a re-extraction holds none: it names the commit that does */
		const char *of = strstr(git_commit_message(c), "\nReextract-Of: ");
		git_commit *orig = NULL;
		if (of && git_oid_fromstrn(&oid, of + 15, GIT_OID_HEXSZ) == 0 &&
		    git_commit_lookup(&orig, rl_archive_repo(s->archive), &oid) == 0) {
			git_commit_free(c);
			c = orig;
			if ((error = rl_capture_ids(&ids, git_commit_message(c))) < 0)
				goto done;
		}
		rl_error_clear();
	}
	for (size_t i = 0; i < ids.n && !error; i++)
		error = export_one(&html, s, &oid, ids.v[i]);
	if (error == 0 && (*out = rl_strndup(html.ptr ? html.ptr : "", html.len)) == NULL)
		error = RL_ENOMEM;
done:
	git_commit_free(c);
	rl_strvec_release(&ids);
	rl_buf_release(&html);
	return error;
}

int site_capture_links(rl_buf *out, struct site *s, const char *commit)
{
	struct site_caps *caps = s->caps;
	size_t lo = 0, hi;
	char *html = NULL;
	int error;

	if (caps == NULL && (caps = s->caps = calloc(1, sizeof(*caps))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (hi = caps->n; lo < hi;) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(caps->v[mid].commit, commit);
		if (c == 0)
			return rl_buf_puts(out, caps->v[mid].html);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((error = commit_captures(&html, s, commit)) < 0)
		return error;
	if ((error = rl_array_grow(&caps->v, &caps->cap, caps->n, sizeof(*caps->v), 64)) < 0) {
		free(html);
		return error;
	}
	memmove(&caps->v[lo + 1], &caps->v[lo], (caps->n - lo) * sizeof(*caps->v));
	snprintf(caps->v[lo].commit, sizeof(caps->v[lo].commit), "%s", commit);
	caps->v[lo].html = html;
	caps->n++;
	return rl_buf_puts(out, html);
}

void site_capture_release(struct site *s)
{
	if (s->caps == NULL)
		return;
	for (size_t i = 0; i < s->caps->n; i++)
		free(s->caps->v[i].html);
	free(s->caps->v);
	free(s->caps);
	s->caps = NULL;
}
