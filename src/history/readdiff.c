/*
 * readdiff.c - readable diffs: sentences aligned first, then each matched
 * pair diffed word by word; INDEX files as stories added, removed, moved.
 *
 * Computing keeps every sentence (same ones too); renderers pick the
 * context they show.  The renderers never see git: rl_rdiff_history() is
 * the only part that reads the archive.
 */
#include "redline/readdiff.h"
#include "redline/edits.h"
#include "redline/history.h"
#include "redline/story.h"
#include "redline/error.h"
#include "history_internal.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_MAX (64u * 1024 * 1024)

static char *title_of(const char *text)
{
	rl_story_header h;
	char *out;

	memset(&h, 0, sizeof(h));
	if (rl_story_parse_header(&h, text ? text : "", text ? strlen(text) : 0) < 0)
		return NULL;
	out = rl_strdup(h.title ? h.title : "");
	rl_story_header_clear(&h);
	return out;
}

static int push_block(rl_rdiff *d, rl_align_op op, const char *old, const char *new,
		      size_t old_no, size_t new_no)
{
	rl_rdiff_block *b;
	int error = 0;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		rl_rdiff_block *v = realloc(d->v, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		d->v = v;
		d->cap = cap;
	}
	b = &d->v[d->n++];
	memset(b, 0, sizeof(*b));
	b->op = op;
	b->old_no = old_no;
	b->new_no = new_no;
	if ((old && (b->old = rl_strdup(old)) == NULL) || (new && (b->new = rl_strdup(new)) == NULL))
		return RL_ENOMEM;
	if (old && new && strcmp(old, new) != 0 &&
	    (error = rl_worddiff_compute(&b->words, old, new)) == 0)
		error = rl_worddiff_coalesce(&b->words);
	return error;
}

/* ---- INDEX ---------------------------------------------------------- */

struct ixline {
	char id[16];
	const char *title;
};

static int parse_index(struct ixline **out, size_t *n, rl_strvec *lines, const char *text)
{
	int error;

	*out = NULL;
	*n = 0;
	if ((error = rl_classify_lines(lines, text)) < 0)
		return error;
	if ((*out = calloc(lines->n + 1, sizeof(**out))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	for (size_t i = 0; i < lines->n; i++) {
		const char *sp = strchr(lines->v[i], ' ');
		size_t idl = sp ? (size_t)(sp - lines->v[i]) : strlen(lines->v[i]);
		if (idl >= sizeof((*out)->id))
			idl = sizeof((*out)->id) - 1;
		memcpy((*out)[*n].id, lines->v[i], idl);
		(*out)[*n].title = sp ? sp + 1 : "";
		(*n)++;
	}
	return 0;
}

static int push_ix(rl_rdiff *d, const char *kind, const struct ixline *l, const char *old_title,
		   size_t old_pos, size_t new_pos)
{
	rl_index_change *c;

	if (d->n_ix == d->cap_ix) {
		size_t cap = d->cap_ix ? d->cap_ix * 2 : 32;
		rl_index_change *v = realloc(d->ix, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		d->ix = v;
		d->cap_ix = cap;
	}
	c = &d->ix[d->n_ix++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	memcpy(c->id, l->id, sizeof(c->id));
	c->old_pos = old_pos;
	c->new_pos = new_pos;
	if ((c->title = rl_strdup(l->title)) == NULL ||
	    (old_title && (c->old_title = rl_strdup(old_title)) == NULL))
		return RL_ENOMEM;
	return 0;
}

/* Stories added, removed, moved (off the longest run kept in order, as
 * align.c decides moves) and retitled. */
static int diff_index(rl_rdiff *d, const char *old_text, const char *new_text)
{
	rl_strvec lo = RL_STRVEC_INIT, ln = RL_STRVEC_INIT, ids_o = RL_STRVEC_INIT, ids_n = RL_STRVEC_INIT;
	struct ixline *o = NULL, *n = NULL;
	size_t no, nn;
	rl_alignment al = RL_ALIGNMENT_INIT;
	int error;

	if ((error = parse_index(&o, &no, &lo, old_text)) < 0 ||
	    (error = parse_index(&n, &nn, &ln, new_text)) < 0)
		goto done;
	for (size_t i = 0; i < no && !error; i++)
		error = rl_strvec_push(&ids_o, o[i].id);
	for (size_t j = 0; j < nn && !error; j++)
		error = rl_strvec_push(&ids_n, n[j].id);
	/* ids are identical or unrelated: only exact pairs can match */
	if (error || (error = rl_align_sentences_at(&al, (const char *const *)ids_o.v, no,
						    (const char *const *)ids_n.v, nn, 2.0)) < 0)
		goto done;
	for (size_t k = 0; k < al.n && !error; k++) {
		const rl_align_step *s = &al.v[k];
		if (s->op == RL_ALIGN_ADDED)
			error = push_ix(d, "added", &n[s->new], NULL, 0, s->new + 1);
		else if (s->op == RL_ALIGN_REMOVED)
			error = push_ix(d, "removed", &o[s->old], NULL, s->old + 1, 0);
		else if (s->op == RL_ALIGN_MOVED)
			error = push_ix(d, "moved", &n[s->new],
					strcmp(o[s->old].title, n[s->new].title) ? o[s->old].title : NULL,
					s->old + 1, s->new + 1);
		else if (strcmp(o[s->old].title, n[s->new].title) != 0)
			error = push_ix(d, "retitled", &n[s->new], o[s->old].title, s->old + 1, s->new + 1);
	}
done:
	rl_alignment_release(&al);
	rl_strvec_release(&lo);
	rl_strvec_release(&ln);
	rl_strvec_release(&ids_o);
	rl_strvec_release(&ids_n);
	free(o);
	free(n);
	return error;
}

/* ---- stories -------------------------------------------------------- */

int rl_rdiff_compute(rl_rdiff *out, const char *old_text, const char *new_text, int is_index)
{
	rl_strvec so = RL_STRVEC_INIT, sn = RL_STRVEC_INIT;
	rl_alignment al = RL_ALIGNMENT_INIT;
	int error;

	out->is_index = is_index;
	if (is_index)
		return diff_index(out, old_text, new_text);
	if ((out->old_title = title_of(old_text)) == NULL || (out->new_title = title_of(new_text)) == NULL)
		return RL_ENOMEM;
	if (strcmp(out->old_title, out->new_title) != 0 &&
	    ((error = rl_worddiff_compute(&out->title_words, out->old_title, out->new_title)) < 0 ||
	     (error = rl_worddiff_coalesce(&out->title_words)) < 0))
		return error;
	if ((error = rl_edits_classify_texts(&out->cls, old_text, new_text ? new_text : "")) < 0)
		return error;
	if ((error = rl_classify_lines(&so, old_text ? rl_story_body(old_text) : "")) < 0 ||
	    (error = rl_classify_lines(&sn, new_text ? rl_story_body(new_text) : "")) < 0 ||
	    (error = rl_align_sentences(&al, (const char *const *)so.v, so.n,
					(const char *const *)sn.v, sn.n)) < 0)
		goto done;
	for (size_t k = 0; k < al.n && !error; k++) {
		const rl_align_step *s = &al.v[k];
		int has_o = s->old != RL_ALIGN_NONE, has_n = s->new != RL_ALIGN_NONE;
		error = push_block(out, s->op, has_o ? so.v[s->old] : NULL, has_n ? sn.v[s->new] : NULL,
				   has_o ? s->old + 1 : 0, has_n ? s->new + 1 : 0);
	}
done:
	rl_strvec_release(&so);
	rl_strvec_release(&sn);
	rl_alignment_release(&al);
	return error;
}

void rl_rdiff_release(rl_rdiff *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].old);
		free(d->v[i].new);
		rl_worddiff_release(&d->v[i].words);
	}
	for (size_t i = 0; i < d->n_ix; i++) {
		free(d->ix[i].title);
		free(d->ix[i].old_title);
	}
	free(d->v);
	free(d->ix);
	free(d->path);
	free(d->old_title);
	free(d->new_title);
	rl_worddiff_release(&d->title_words);
	rl_edit_class_release(&d->cls);
	memset(d, 0, sizeof(*d));
}

/* ---- from the archive ----------------------------------------------- */

static int text_at(char **out, rl_archive *archive, const char *rev, const char *path)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int error;

	*out = NULL;
	if ((error = hist_commit(&c, archive, rev)) < 0)
		return error;
	if ((error = git_commit_tree(&tree, c)) < 0)
		error = rl_error_set_git(error, "cannot read commit %s", rev);
	else
		error = hist_read_text(out, archive, tree, path);
	git_tree_free(tree);
	git_commit_free(c);
	return error;
}

static int commit_hex(char out[GIT_OID_HEXSZ + 1], rl_archive *archive, const char *rev)
{
	git_oid oid;
	int error = rl_archive_resolve(&oid, archive, rev);

	if (error == 0)
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, &oid);
	return error;
}

static int ends_with_index(const char *path)
{
	size_t len = strlen(path);
	return len >= 5 && strcmp(path + len - 5, "INDEX") == 0 && (len == 5 || path[len - 6] == '/');
}

int rl_rdiff_history(rl_rdiff *out, rl_archive *archive, const char *path,
		     const char *rev_from, const char *rev_to)
{
	rl_revisions revs = RL_REVISIONS_INIT;
	char *old_text = NULL, *new_text = NULL;
	int error, revert = -1;

	memset(out, 0, sizeof(*out));
	if (rev_from == NULL) {
		if ((error = rl_edits_revisions(&revs, archive, path, NULL)) < 0)
			goto done;
		memcpy(out->to, revs.v[0].commit, sizeof(out->to));
		memcpy(out->from, revs.v[0].prev, sizeof(out->from));
		for (size_t j = 2; j < revs.n && !revs.v[0].gone; j++)
			if (!revs.v[j].gone && git_oid_equal(&revs.v[j].blob, &revs.v[0].blob)) {
				revert = (int)j;
				break;
			}
	} else if ((error = commit_hex(out->from, archive, rev_from)) < 0 ||
		   (error = commit_hex(out->to, archive, rev_to ? rev_to : "HEAD")) < 0) {
		goto done;
	}
	/* the story's last two revisions: their blobs are the texts (a gone
	 * one's is zero: absent); between revisions, the files at them */
	if (rev_from == NULL) {
		if ((revs.n > 1 && (error = hist_read_blob(&old_text, archive, &revs.v[1].blob, path)) < 0 &&
		     error != RL_ENOTFOUND) ||
		    ((error = hist_read_blob(&new_text, archive, &revs.v[0].blob, path)) < 0 &&
		     error != RL_ENOTFOUND))
			goto done;
	} else if ((out->from[0] && (error = text_at(&old_text, archive, out->from, path)) < 0 &&
		    error != RL_ENOTFOUND) ||
		   ((error = text_at(&new_text, archive, out->to, path)) < 0 && error != RL_ENOTFOUND)) {
		goto done;
	}
	if (old_text == NULL && new_text == NULL) {
		error = rl_error_set(RL_ENOTFOUND, "'%s' is in neither '%s' nor '%s'", path,
				     rev_from ? rev_from : "the previous revision", rev_to ? rev_to : "HEAD");
		goto done;
	}
	if ((out->path = rl_strdup(path)) == NULL) {
		error = RL_ENOMEM;
		goto done;
	}
	if ((error = rl_rdiff_compute(out, old_text, new_text, ends_with_index(path))) < 0)
		goto done;
	if (revert >= 0) {
		/* the text of an older revision again: that is all it is */
		rl_edit_class_release(&out->cls);
		out->cls.kinds = RL_EDIT_REVERT;
		memcpy(out->cls.reverted_to, revs.v[revert].commit, sizeof(out->cls.reverted_to));
	}
done:
	if (error < 0)
		rl_rdiff_release(out);
	rl_revisions_release(&revs);
	free(old_text);
	free(new_text);
	return error;
}
