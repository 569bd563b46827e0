/* storyrepo.c - see storyrepo.h. */
#include "testutil.h"
#include "storyrepo.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct storyrepo *sr_new(void)
{
	struct storyrepo *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->dir = tu_tmpdir();
	snprintf(r->archive, sizeof(r->archive), "%s/archive", r->dir);
	snprintf(r->wt, sizeof(r->wt), "%s/wt", r->dir);
	assert_int_equal(tu_sh(NULL, "git init -q --bare -b main '%s' && git init -q -b main '%s' && "
				     "git -C '%s' remote add origin '%s'",
			       r->archive, r->wt, r->wt, r->archive), 0);
	git_libgit2_init();
	return r;
}

void sr_put(struct storyrepo *r, const char *path, const char *text)
{
	char full[1024];
	FILE *fp;

	snprintf(full, sizeof(full), "%s/%s", r->wt, path);
	assert_int_equal(tu_sh(NULL, "mkdir -p \"$(dirname '%s')\"", full), 0);
	assert_non_null(fp = fopen(full, "w"));
	fputs(text, fp);
	fclose(fp);
}

void sr_rm(struct storyrepo *r, const char *path)
{
	assert_int_equal(tu_sh(NULL, "rm -f '%s/%s'", r->wt, path), 0);
}

void sr_commit(struct storyrepo *r, const char *when, const char *message)
{
	sr_put(r, ".msg", message);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && git add -A -- . ':!.msg' && "
			       "GIT_AUTHOR_DATE='%s' GIT_COMMITTER_DATE='%s' "
			       "git -c user.name=redline -c user.email=redline@localhost "
			       "commit -q --allow-empty -F .msg && git push -q origin HEAD:main 2>/dev/null",
			       r->wt, when, when),
			 0);
}

const char *sr_story(const char *title, const char *id, const char *source, const char *body)
{
	static char buf[16384];

	snprintf(buf, sizeof(buf),
		 "Title: %s\nURL: https://example.nl/%s\nSource: %s\n"
		 "First-Seen: 2026-11-28T09:00:00Z\nId: %s\n\n%s",
		 title, id, source, id, body);
	return buf;
}

void sr_open(struct storyrepo *r)
{
	rl_archive_free(r->a);
	r->a = NULL;
	assert_int_equal(rl_archive_open(&r->a, r->archive), 0);
}

const char *sr_rev(struct storyrepo *r, const char *rev)
{
	static char hex[64];
	char *out = NULL;

	assert_int_equal(tu_sh(&out, "git -C '%s' rev-parse '%s'", r->archive, rev), 0);
	snprintf(hex, sizeof(hex), "%.40s", out);
	free(out);
	return hex;
}

void sr_free(struct storyrepo *r)
{
	if (r == NULL)
		return;
	rl_archive_free(r->a);
	git_libgit2_shutdown();
	tu_rmtree(r->dir);
	free(r->dir);
	free(r);
}
