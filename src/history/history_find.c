/*
 * history_find.c - which story a name means: a path, an id (prefix) or a
 * piece of its title, looked up in HEAD's tree.
 *
 * Titles come from each source's INDEX (the stories on the page) and, only
 * when needed, from the Title: header of the other files.  Matching is
 * case-insensitive by Unicode case folding; an exact title wins.
 */
#include "redline/history.h"
#include "redline/error.h"
#include "redline/revindex.h"
#include "redline/state.h"
#include "history_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* ---- finding a story ------------------------------------------------ */

struct story {
	char *path;
	const char *id;     /* inside path */
	char *source;
	char *title;        /* NULL until known */
	git_oid blob;       /* its blob at HEAD when the revision index gave it, else zero */
};

struct stories {
	struct story *v;
	size_t n, cap;
};

static void stories_release(struct stories *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].source);
		free(s->v[i].title);
	}
	free(s->v);
}

static int stories_add(struct stories *s, const char *source, const char *month,
		       const char *name)
{
	struct story *st;
	size_t len = strlen(name);

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct story *v = realloc(s->v, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	st = &s->v[s->n];
	memset(st, 0, sizeof(*st));
	if (asprintf(&st->path, "%s/%s/%s", source, month, name) < 0 ||
	    (st->source = rl_strdup(source)) == NULL) {
		free(st->path);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	st->id = st->path + strlen(st->path) - len + (size_t)(rl_story_id_in_name(name, len) - name);
	s->n++;
	return 0;
}

/* Titles of the stories on the page, from <source>/INDEX. */
static int index_titles(struct stories *s, size_t first, rl_archive *archive, git_tree *tree,
			const char *source)
{
	char path[4200], *index = NULL, *line, *save = NULL;
	const char *title;
	int error;

	if ((error = rl_story_index_path(path, sizeof(path), source)) < 0)
		return error;
	error = hist_read_text(&index, archive, tree, path);
	if (error == RL_ENOTFOUND)
		return 0;
	if (error < 0)
		return error;
	for (line = strtok_r(index, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if ((title = rl_story_index_line_title(line)) == NULL)
			continue;
		for (size_t i = first; i < s->n; i++) {
			if (s->v[i].title == NULL && strncmp(s->v[i].id, line, RL_STORY_ID_LEN) == 0) {
				if ((s->v[i].title = rl_strdup(title)) == NULL) {
					free(index);
					return RL_ENOMEM;
				}
			}
		}
	}
	free(index);
	return 0;
}

/* Every story file at HEAD: <source>/<month>/<slug>-<id>.txt. */
static int list_stories(struct stories *out, rl_archive *archive, git_tree *tree)
{
	git_repository *repo = rl_archive_repo(archive);
	int error = 0;

	for (size_t i = 0; i < git_tree_entrycount(tree) && !error; i++) {
		const git_tree_entry *src = git_tree_entry_byindex(tree, i);
		git_tree *stree = NULL;
		size_t first = out->n;

		if (git_tree_entry_type(src) != GIT_OBJECT_TREE || git_tree_entry_name(src)[0] == '.')
			continue; /* .captures/ holds raw captures, not stories */
		if ((error = git_tree_lookup(&stree, repo, git_tree_entry_id(src))) < 0)
			return rl_error_set_git(error, "cannot read '%s'", git_tree_entry_name(src));
		for (size_t j = 0; j < git_tree_entrycount(stree) && !error; j++) {
			const git_tree_entry *month = git_tree_entry_byindex(stree, j);
			git_tree *mtree = NULL;

			if (git_tree_entry_type(month) != GIT_OBJECT_TREE)
				continue;
			if ((error = git_tree_lookup(&mtree, repo, git_tree_entry_id(month))) < 0) {
				error = rl_error_set_git(error, "cannot read '%s'",
							 git_tree_entry_name(month));
				break;
			}
			for (size_t k = 0; k < git_tree_entrycount(mtree) && !error; k++) {
				const git_tree_entry *f = git_tree_entry_byindex(mtree, k);
				const char *name = git_tree_entry_name(f);
				if (git_tree_entry_type(f) == GIT_OBJECT_BLOB &&
				    rl_story_id_in_name(name, strlen(name)))
					error = stories_add(out, git_tree_entry_name(src),
							    git_tree_entry_name(month), name);
			}
			git_tree_free(mtree);
		}
		git_tree_free(stree);
		if (!error)
			error = index_titles(out, first, archive, tree, git_tree_entry_name(src));
	}
	return error;
}

/* Case-folded copy (NFC, Unicode case folding); ASCII lower case when the
 * text is not valid UTF-8. */
static char *fold(const char *s)
{
	utf8proc_uint8_t *out = NULL;
	char *copy;

	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
				 UTF8PROC_CASEFOLD) >= 0)
		return (char *)out;
	if ((copy = rl_strdup(s)) != NULL)
		for (char *p = copy; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return copy;
}

static int load_title(struct story *st, rl_archive *archive, git_tree *tree)
{
	rl_story_header h;
	char *text = NULL;
	int error;

	if (st->title)
		return 0;
	if ((error = git_oid_is_zero(&st->blob) ? hist_read_text(&text, archive, tree, st->path)
						: hist_read_blob(&text, archive, &st->blob, st->path)) < 0)
		return error == RL_ENOTFOUND ? rl_error_set(error, "cannot read '%s'", st->path)
					     : error;
	/* a file we cannot parse keeps no title rather than failing the search */
	if (rl_story_parse_header(&h, text, strlen(text)) == 0 && h.title != NULL) {
		st->title = h.title;
		h.title = NULL;
	} else {
		st->title = rl_strdup("");
	}
	error = st->title ? 0 : RL_ENOMEM;
	rl_story_header_clear(&h);
	free(text);
	return error;
}

static int is_hex_prefix(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n > RL_STORY_ID_LEN)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int take(rl_history_item *out, const struct story *st)
{
	out->path = rl_strdup(st->path);
	out->id = rl_strndup(st->id, RL_STORY_ID_LEN);
	out->source = rl_strdup(st->source);
	out->title = rl_strdup(st->title ? st->title : "");
	if (!out->path || !out->id || !out->source || !out->title) {
		rl_history_item_clear(out);
		return RL_ENOMEM;
	}
	return 0;
}

/* At most `max` bytes of `t`, cut at a word boundary, with "…" when cut. */
static void put_cut(rl_buf *out, const char *t, size_t max)
{
	size_t len = strlen(t), cut = max;

	if (len <= max) {
		rl_buf_puts(out, t);
		return;
	}
	while (cut > 0 && t[cut] != ' ')
		cut--;
	if (cut == 0) /* one long word: a character boundary */
		for (cut = max; cut > 0 && ((unsigned char)t[cut] & 0xc0) == 0x80; cut--)
			;
	while (cut > 0 && (t[cut - 1] == ' ' || t[cut - 1] == ','))
		cut--;
	rl_buf_put(out, t, cut);
	rl_buf_puts(out, "\u2026");
}

static int ambiguous(const char *spec, struct story **cand, size_t n)
{
	rl_buf msg = RL_BUF_INIT(4096);
	int error;

	rl_buf_printf(&msg, "'%s' matches %zu stories:", spec, n);
	for (size_t i = 0; i < n && i < RL_HISTORY_CANDIDATES; i++) {
		rl_buf_printf(&msg, "\n  %s/%.12s \"", cand[i]->source, cand[i]->id);
		put_cut(&msg, cand[i]->title ? cand[i]->title : "", 60);
		rl_buf_printf(&msg, "\"  (%s)", cand[i]->path);
	}
	if (n > RL_HISTORY_CANDIDATES)
		rl_buf_printf(&msg, "\n  and %zu more", n - RL_HISTORY_CANDIDATES);
	rl_buf_puts(&msg, "\npick one by SOURCE/ID or by its path");
	error = rl_error_set(RL_EAMBIGUOUS, "%s", msg.ptr ? msg.ptr : spec);
	rl_buf_release(&msg);
	return error;
}

/* Candidates whose id starts with `spec` (4 to 12 hex digits, any case). */
/* Candidates whose id starts with `spec`, a hex prefix, or "SOURCE/PREFIX"
 * for an id that two sources share. */
static int match_id_prefix(struct story **cand, size_t *n, struct stories *all, const char *spec)
{
	const char *slash = strchr(spec, '/'), *hex = spec;
	size_t src_len = 0;
	char *lower;

	*n = 0;
	if (slash && strchr(slash + 1, '/') == NULL && is_hex_prefix(slash + 1)) {
		hex = slash + 1;
		src_len = (size_t)(slash - spec);
	}
	if (!is_hex_prefix(hex))
		return 0;
	if ((lower = fold(hex)) == NULL)
		return RL_ENOMEM;
	for (size_t i = 0; i < all->n; i++)
		if (strncmp(all->v[i].id, lower, strlen(lower)) == 0 &&
		    (src_len == 0 ||
		     (strlen(all->v[i].source) == src_len && strncmp(all->v[i].source, spec, src_len) == 0)))
			cand[(*n)++] = &all->v[i];
	free(lower);
	if (src_len && *n == 0)
		return rl_error_set(RL_ENOTFOUND, "no story '%s' in source '%.*s'", hex, (int)src_len, spec);
	return 0;
}

/* Candidates whose title holds `spec` (case-folded); exact titles first,
 * and one exact title alone wins. */
static int match_title(struct story **cand, size_t *n, struct stories *all, rl_archive *archive,
		       git_tree *tree, const char *spec)
{
	char *want = fold(spec);
	size_t exact = 0;
	int error = 0;

	*n = 0;
	if (want == NULL)
		return RL_ENOMEM;
	for (size_t i = 0; i < all->n && error == 0; i++) {
		char *t;
		if ((error = load_title(&all->v[i], archive, tree)) < 0)
			break;
		if ((t = fold(all->v[i].title)) == NULL) {
			error = RL_ENOMEM;
			break;
		}
		if (strcmp(t, want) == 0) {
			memmove(cand + exact + 1, cand + exact, (*n - exact) * sizeof(*cand));
			cand[exact++] = &all->v[i];
			(*n)++;
		} else if (strstr(t, want)) {
			cand[(*n)++] = &all->v[i];
		}
		free(t);
	}
	if (exact >= 1)
		*n = exact;
	free(want);
	return error;
}

/* The story file at `path` ("<source>/<month>/<name>") in HEAD's tree, with
 * its title as the scan would give it; 0 and nothing added when there is
 * none.  With no `tree`, only what the revision index knows is added, and
 * its title is left to load_title() (the Title: of its file at HEAD, which
 * is what INDEX lists for a story on the page). */
static int add_at_path(struct stories *s, rl_archive *archive, git_tree *tree, const char *path)
{
	const char *first = strchr(path, '/'), *second = first ? strchr(first + 1, '/') : NULL;
	git_tree_entry *e = NULL;
	char *source = NULL, *month = NULL;
	const char *name;
	git_oid blob;
	size_t before = s->n;
	int error = 0, indexed;

	if (second == NULL || strchr(second + 1, '/') || path[0] == '.' || first == path ||
	    second == first + 1)
		return 0;
	name = second + 1;
	if (!rl_story_id_in_name(name, strlen(name)))
		return 0;
	/* the revision index names the file's blob at HEAD without reading the
	 * month's tree (~1,500 entries at the end of a delta chain); when it
	 * cannot, HEAD's tree decides */
	if ((indexed = hist_head_blob(&blob, archive, path)) < 0)
		return indexed;
	if (!indexed && (tree == NULL || git_tree_entry_bypath(&e, tree, path) < 0)) {
		rl_error_clear();
		return 0;
	}
	if (indexed || git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		if ((source = rl_strndup(path, (size_t)(first - path))) == NULL ||
		    (month = rl_strndup(first + 1, (size_t)(second - first - 1))) == NULL)
			error = RL_ENOMEM;
		else if ((error = stories_add(s, source, month, name)) == 0) {
			if (indexed)
				git_oid_cpy(&s->v[s->n - 1].blob, &blob);
			if (tree)
				error = index_titles(s, before, archive, tree, source);
		}
	}
	free(source);
	free(month);
	git_tree_entry_free(e);
	return error;
}

static int in_strvec(const rl_strvec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return 1;
	return 0;
}

/* The sources whose commits name story `id`, from the revision index
 * (their subjects are "<source>: ..."): a handful of lists to look in
 * instead of every source's.  None found leaves `out` empty: then every
 * source is asked. */
static int sources_of(rl_strvec *out, rl_archive *archive, const char *id)
{
	git_oid *commits = NULL;
	size_t n = 0;
	int error = 0;

	if (rl_revindex_commits(&commits, &n, archive, id) < 0) {
		rl_error_clear(); /* a cache: every source is asked instead */
		return 0;
	}
	for (size_t i = 0; i < n && error == 0; i++) {
		git_commit *c = NULL;
		const char *msg, *colon;

		if (git_commit_lookup(&c, rl_archive_repo(archive), &commits[i]) < 0) {
			rl_error_clear();
			continue;
		}
		msg = git_commit_message(c);
		if ((colon = strstr(msg, ": ")) != NULL && memchr(msg, '\n', (size_t)(colon - msg)) == NULL) {
			char *name = rl_strndup(msg, (size_t)(colon - msg));
			if (name == NULL)
				error = RL_ENOMEM;
			else if (!in_strvec(out, name))
				error = rl_strvec_push(out, name);
			free(name);
		}
		git_commit_free(c);
	}
	free(commits);
	return error;
}

/* A whole id ("<12 hex>" or "SOURCE/<12 hex>") through each source's list
 * of every id it had (state.h, a hash table on disk) instead of a listing
 * of every story: the cost grows with the number of sources, not of
 * stories.  Each hit is checked in HEAD's tree.  Nothing found (a cache
 * missing or behind a commit made by plain git) leaves the scan to decide. */
static int find_by_id(struct stories *s, rl_archive *archive, git_tree *tree, const char *spec)
{
	const char *slash = strchr(spec, '/'), *id = slash ? slash + 1 : spec;
	size_t src_len = slash ? (size_t)(slash - spec) : 0;
	int error = 0;

	rl_strvec sources = RL_STRVEC_INIT;

	if (strlen(id) != RL_STORY_ID_LEN || !rl_story_is_id(id) || (slash && src_len == 0))
		return 0;
	if (!slash && (error = sources_of(&sources, archive, id)) < 0)
		return error;
	for (size_t i = 0; i < git_tree_entrycount(tree) && error == 0; i++) {
		const git_tree_entry *src = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(src);
		char *path = NULL;

		if (git_tree_entry_type(src) != GIT_OBJECT_TREE || name[0] == '.' ||
		    (slash && (strlen(name) != src_len || strncmp(name, spec, src_len) != 0)) ||
		    (sources.n && !in_strvec(&sources, name)))
			continue;
		error = rl_state_lookup_known(&path, archive, name, id);
		if (error == RL_ENOTFOUND || error < 0) {
			/* not in this list, or a list we cannot read: the scan decides */
			rl_error_clear();
			error = 0;
			continue;
		}
		/* a list that names another story's file is not believed */
		if (strlen(path) > RL_STORY_ID_LEN + 4 &&
		    strncmp(path + strlen(path) - RL_STORY_ID_LEN - 4, id, RL_STORY_ID_LEN) == 0)
			error = add_at_path(s, archive, tree, path);
		free(path);
	}
	rl_strvec_release(&sources);
	return error;
}

int rl_history_resolve(rl_history_item *out, rl_archive *archive, const char *spec)
{
	struct stories all = { 0 };
	struct story **cand = NULL;
	git_tree *tree = NULL;
	size_t n = 0;
	int error, direct;

	memset(out, 0, sizeof(*out));
	if (spec == NULL || *spec == '\0')
		return rl_error_set(RL_EINVAL, "empty story name");
	/* a path the revision index knows: found without reading a tree */
	if ((error = add_at_path(&all, archive, NULL, spec)) < 0)
		goto done;
	if (all.n) {
		if ((cand = calloc(1, sizeof(*cand))) == NULL) {
			error = rl_error_set(RL_ENOMEM, "out of memory");
			goto done;
		}
		cand[n++] = &all.v[0];
		goto decide;
	}
	if ((error = hist_head_tree(&tree, archive)) < 0)
		goto done;
	/* a path or a whole id: found without listing every story at HEAD */
	if ((error = add_at_path(&all, archive, tree, spec)) < 0 ||
	    (all.n == 0 && (error = find_by_id(&all, archive, tree, spec)) < 0))
		goto done;
	direct = all.n > 0;
	if (!direct && (error = list_stories(&all, archive, tree)) < 0)
		goto done;
	if ((cand = calloc(all.n + 1, sizeof(*cand))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if (direct) { /* every story found directly is a candidate */
		for (; n < all.n; n++)
			cand[n] = &all.v[n];
		goto decide;
	}
	/* a path in the tree names its story exactly */
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.v[i].path, spec) == 0) {
			cand[0] = &all.v[i];
			n = 1;
			break;
		}
	if (n == 0 && (error = match_id_prefix(cand, &n, &all, spec)) < 0)
		goto done;
	if (n == 0 && (error = match_title(cand, &n, &all, archive, tree, spec)) < 0)
		goto done;
decide:
	if (n == 0)
		error = rl_error_set(RL_ENOTFOUND, "no story matches '%s'", spec);
	else if (n > 1) {
		for (size_t i = 0; i < n && i < RL_HISTORY_CANDIDATES; i++)
			load_title(cand[i], archive, tree);
		error = ambiguous(spec, cand, n);
	} else if ((error = load_title(cand[0], archive, tree)) == 0)
		error = take(out, cand[0]);
done:
	free(cand);
	stories_release(&all);
	git_tree_free(tree);
	return error;
}

void rl_history_item_clear(rl_history_item *item)
{
	if (item == NULL)
		return;
	free(item->path);
	free(item->id);
	free(item->source);
	free(item->title);
	memset(item, 0, sizeof(*item));
}

int rl_history_is_source(rl_archive *archive, const char *name)
{
	git_tree *tree = NULL;
	const git_tree_entry *e;
	int yes = 0;

	if (strchr(name, '/') || name[0] == '.' || hist_head_tree(&tree, archive) < 0) {
		rl_error_clear();
		return 0;
	}
	e = git_tree_entry_byname(tree, name);
	yes = e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
	git_tree_free(tree);
	return yes;
}

int rl_history_split_rev(char **item, char **rev, rl_archive *archive, const char *spec)
{
	const char *at;

	*item = *rev = NULL;
	/* the first '@' that leaves a valid revision: "x@HEAD@{1}" works too */
	for (at = strchr(spec, '@'); at; at = strchr(at + 1, '@')) {
		git_oid oid;
		if (at == spec || at[1] == '\0')
			continue;
		if (rl_archive_resolve(&oid, archive, at + 1) < 0) {
			rl_error_clear(); /* not a revision: part of the name */
		} else {
			*item = rl_strndup(spec, (size_t)(at - spec));
			*rev = rl_strdup(at + 1);
			goto done;
		}
	}
	*item = rl_strdup(spec);
done:
	if (*item == NULL || (at && *rev == NULL)) {
		free(*item);
		free(*rev);
		*item = *rev = NULL;
		return RL_ENOMEM;
	}
	return 0;
}

