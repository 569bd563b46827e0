/*
 * site_pass.c - the one walk over the history that feeds every page and
 * feed of a site build, and its record in the site's directory.
 *
 * Each commit is compared with its parent once; each story file it changed
 * becomes a revision (struct pass_rev).  The revisions are kept in the
 * site's directory (.redline-pass) with the commit they reach, so that the
 * next build walks only the commits since: an incremental build costs what
 * changed, not the length of the history.  Nothing but HEAD is the truth:
 * the record is used only when its commit is the last build's and an
 * ancestor of HEAD, and is rewritten by every build.
 */
#include "site_internal.h"
#include "redline/file.h"
#include "redline/story.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one pass over the history ------------------------------------------ */

#define PASS_NAME ".redline-pass"
#define PASS_MAX (512u * 1024 * 1024)

static struct pass_rev *pass_push(struct pass *p)
{
	struct pass_rev *e;

	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		struct pass_rev *v = realloc(p->v, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		p->v = v;
		p->cap = cap;
	}
	e = &p->v[p->n];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Every revision of every story, from one walk that diffs each commit with
 * its parent once; every page and feed of the build reads from it, instead
 * of walking the history again per story or per source. */

static int on_pass_delta(const git_diff_delta *delta, float progress, void *payload)
{
	struct pass *p = payload;
	const char *path = delta->new_file.path ? delta->new_file.path : delta->old_file.path;
	const char *base = strrchr(path, '/');
	struct pass_rev *e;

	(void)progress;
	if (base == NULL || rl_story_id_in_name(base + 1, strlen(base + 1)) == NULL)
		return 0;
	if ((e = pass_push(p)) == NULL)
		return -1;
	if ((e->path = rl_strdup(path)) == NULL)
		return -1;
	e->seq = p->seq++;
	memcpy(e->r.commit, p->commit, sizeof(e->r.commit));
	e->r.time = p->time;
	e->r.gone = delta->status == GIT_DELTA_DELETED;
	if (!e->r.gone)
		git_oid_cpy(&e->r.blob, &delta->new_file.id);
	if (delta->status != GIT_DELTA_ADDED)
		git_oid_cpy(&e->old_blob, &delta->old_file.id);
	p->n++;
	return 0;
}

static int cmp_pass(const void *a, const void *b)
{
	const struct pass_rev *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* Appends the record's revisions (older than the walked ones) to `p`: 0;
 * 1 and nothing appended when there is no usable record of `since`. */
static int pass_load(struct pass *p, const char *dir, const git_oid *since)
{
	rl_buf b = RL_BUF_INIT(PASS_MAX);
	char want[GIT_OID_HEXSZ + 1];
	const char *q;
	size_t first = p->n;
	int error;

	/* no record (an older build, or removed): walk everything */
	if ((error = site_record_read(&b, dir, PASS_NAME)) != 0)
		return error;
	git_oid_tostr(want, sizeof(want), since);
	q = b.ptr ? b.ptr : "";
	if (strncmp(q, "redline-pass 1 ", 15) != 0 || strncmp(q + 15, want, GIT_OID_HEXSZ) != 0 ||
	    q[15 + GIT_OID_HEXSZ] != '\n') {
		rl_buf_release(&b);
		return 1; /* another build's record: walk everything */
	}
	q += 16 + GIT_OID_HEXSZ;
	while (*q) {
		const char *nl = strchr(q, '\n');
		struct pass_rev *e;
		long long when;
		int gone, used = 0;
		char c[GIT_OID_HEXSZ + 1], bl[GIT_OID_HEXSZ + 1], ol[GIT_OID_HEXSZ + 1];
		if (nl == NULL || (e = pass_push(p)) == NULL ||
		    sscanf(q, "%40s %lld %40s %40s %d %n", c, &when, bl, ol, &gone, &used) != 5 || used == 0 ||
		    q + used >= nl || git_oid_fromstr(&e->r.blob, bl) < 0 || git_oid_fromstr(&e->old_blob, ol) < 0 ||
		    strlen(c) != GIT_OID_HEXSZ || (e->path = rl_strndup(q + used, (size_t)(nl - q - used))) == NULL) {
			/* a damaged record: forget it, walk everything */
			for (size_t i = first; i < p->n; i++)
				free(p->v[i].path);
			p->n = first;
			rl_buf_release(&b);
			return 1;
		}
		memcpy(e->r.commit, c, sizeof(e->r.commit));
		e->r.time = (int64_t)when;
		e->r.gone = gone != 0;
		e->seq = p->seq++;
		p->n++;
		q = nl + 1;
	}
	rl_buf_release(&b);
	return 0;
}

int site_pass_run(struct pass *p, rl_archive *archive, const git_oid *since, const char *dir)
{
	git_revwalk *walk = NULL;
	git_oid oid, head;
	int error, first = 1, partial = 0;

	if ((error = hist_walk_head(&walk, archive)) < 0)
		return error;
	if ((error = rl_archive_resolve(&head, archive, "HEAD")) < 0)
		goto done;
	p->head_time = 0;
	/* only the commits after the last build, when it saw an ancestor */
	if (since && !git_oid_is_zero(since) && !git_oid_equal(since, &head) &&
	    git_graph_descendant_of(rl_archive_repo(archive), &head, since) == 1 &&
	    git_revwalk_hide(walk, since) == 0)
		partial = 1;
	rl_error_clear();
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;
		p->commits++;
		if ((error = hist_load_trees(&c, &tree, &ptree, archive, &oid)) == 0) {
			git_oid_tostr(p->commit, sizeof(p->commit), &oid);
			p->time = (int64_t)git_commit_time(c);
			if (first)
				p->head_time = p->time, first = 0;
			/* a merge of shard branches is no revision: the shard's own
			 * commit, reached through it, is (as edits.c counts them) */
			if (git_commit_parentcount(c) < 2 &&
			    ((error = git_diff_tree_to_tree(&diff, rl_archive_repo(archive), ptree, tree, NULL)) < 0 ||
			     (error = git_diff_foreach(diff, on_pass_delta, NULL, NULL, NULL, p)) < 0))
				error = rl_error_set_git(error, "cannot compare %s with its parent", p->commit);
		}
		git_diff_free(diff);
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(c);
		if (error < 0)
			break;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	if (error == 0 && partial && (error = pass_load(p, dir, since)) > 0) {
		/* no record after all: start again from the whole history */
		git_revwalk_free(walk);
		site_pass_release(p);
		return site_pass_run(p, archive, NULL, dir);
	}
	p->walked_all = !partial;
	if (error == 0 && p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), cmp_pass);
	if (error == 0 && (p->by_seq = calloc(p->n + 1, sizeof(*p->by_seq))) == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; error == 0 && i < p->n; i++) {
		p->by_seq[p->v[i].seq] = i;
		if (i + 1 < p->n && strcmp(p->v[i].path, p->v[i + 1].path) == 0)
			memcpy(p->v[i].r.prev, p->v[i + 1].r.commit, sizeof(p->v[i].r.prev));
	}
done:
	git_revwalk_free(walk);
	return error;
}

int site_pass_save(struct site *s, const git_oid *head)
{
	const struct pass *p = s->pass;
	rl_buf b = RL_BUF_INIT(PASS_MAX);
	char c[GIT_OID_HEXSZ + 1], bl[GIT_OID_HEXSZ + 1], ol[GIT_OID_HEXSZ + 1];
	int error;

	error = rl_buf_printf(&b, "redline-pass 1 %s\n", git_oid_tostr(c, sizeof(c), head));
	for (size_t k = 0; k < p->n && !error; k++) {
		const struct pass_rev *e = &p->v[p->by_seq[k]];
		error = rl_buf_printf(&b, "%s %lld %s %s %d %s\n", e->r.commit, (long long)e->r.time,
				      git_oid_tostr(bl, sizeof(bl), &e->r.blob),
				      git_oid_tostr(ol, sizeof(ol), &e->old_blob), e->r.gone, e->path);
	}
	if (error == 0)
		error = site_write(s, PASS_NAME, &b);
	rl_buf_release(&b);
	return error;
}

/* The revisions of `path`: entries [*first, *first + n). */
size_t site_pass_find(const struct pass *p, const char *path, size_t *first)
{
	size_t lo = 0, hi = p->n, n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(p->v[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo + n < p->n && strcmp(p->v[lo + n].path, path) == 0)
		n++;
	return n;
}

void site_pass_release(struct pass *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].path);
		rl_edit_class_release(&p->v[i].r.cls);
		free(p->v[i].r.title);
	}
	free(p->v);
	free(p->by_seq);
	memset(p, 0, sizeof(*p));
}

static char *title_of(const char *text)
{
	rl_story_header h;
	char *out;

	memset(&h, 0, sizeof(h));
	if (rl_story_parse_header(&h, text ? text : "", text ? strlen(text) : 0) < 0)
		rl_error_clear();
	out = rl_strdup(h.title ? h.title : "");
	rl_story_header_clear(&h);
	return out;
}

int site_pass_classify(struct site *s, size_t i, rl_rdiff *d)
{
	struct pass *p = s->pass;
	struct pass_rev *e = &p->v[i];
	char *ot = NULL, *nt = NULL;
	int error = 0;

	if (e->classified)
		return 0;
	/* a revert: the text of a revision older than the one before */
	for (size_t j = i + 2; !e->r.gone && j < p->n && strcmp(p->v[j].path, e->path) == 0; j++)
		if (!p->v[j].r.gone && git_oid_equal(&p->v[j].r.blob, &e->r.blob)) {
			e->r.cls.kinds = RL_EDIT_REVERT;
			memcpy(e->r.cls.reverted_to, p->v[j].r.commit, sizeof(e->r.cls.reverted_to));
			break;
		}
	if ((!git_oid_is_zero(&e->old_blob) && (error = rl_edits_read_blob(&ot, s->archive, &e->old_blob)) < 0) ||
	    (!e->r.gone && (error = rl_edits_read_blob(&nt, s->archive, &e->r.blob)) < 0))
		goto done;
	if (e->r.cls.kinds != RL_EDIT_REVERT) {
		if (d) {
			/* the diff classified the same two texts already */
			e->r.cls = d->cls;
			memset(&d->cls, 0, sizeof(d->cls));
		} else if ((error = rl_edits_classify_texts(&e->r.cls, ot, nt ? nt : "")) < 0) {
			goto done;
		}
	}
	if ((e->r.title = title_of(nt ? nt : ot)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	e->classified = 1;
done:
	free(ot);
	free(nt);
	return error;
}

int site_feed(rl_buf *out, struct site *s, const rl_feed_opts *opts, const size_t *idx, size_t n)
{
	rl_feed_entry *v = calloc(n + 1, sizeof(*v));
	int error = 0;

	if (v == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t k = 0; k < n && !error; k++) {
		struct pass_rev *e = &s->pass->v[idx[k]];
		if ((error = site_pass_classify(s, idx[k], NULL)) < 0)
			break;
		v[k] = (rl_feed_entry){ e->r.commit, e->r.time, e->path, &e->r.cls, e->old_blob, e->r.blob };
	}
	if (error == 0)
		error = rl_feed_write_entries(out, s->archive, opts, s->pass->head_time, v, n);
	free(v);
	return error;
}

