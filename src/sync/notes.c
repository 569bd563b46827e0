/*
 * notes.c - git notes of several refs united into one notes ref.
 *
 * Workers keep the RFC 3161 tokens over their commits as notes (one blob a
 * commit, in refs/notes/timestamps) and push them beside their branch; the
 * merge takes them into the central repository's refs/notes/timestamps.
 * Each commit is annotated by the one archive that made it, so a union of
 * the notes is all it takes: a commit annotated on both sides with
 * different notes keeps the target's (counted in `conflicts`).
 *
 * The new notes tree is written flat (one entry a commit, named by its
 * hex id), which git and libgit2 both read whatever fanout the sources had.
 * Its commit has the target's tip and every source tip not yet in it as
 * parents, so a source already merged is not read again, and a push of
 * the result is a fast-forward of any of them.  Objects go through a
 * repository handle of their own (loose), as the timestamp notes do.
 */
#include "redline/merge.h"
#include "redline/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many notes in one notes tree (a token a batch: years of
 * cycles of a large worker fleet). */
#define NOTES_MAX (16u * 1024 * 1024)

struct note {
	git_oid annotated;
	git_oid blob;
	size_t rank; /* 0: the target's; then the sources' in order */
};

struct notes {
	git_repository *repo;
	struct note *v;
	size_t n, cap;
	git_oid parents[RL_MERGE_MAX_TIPS + 1];
	size_t n_parents;
};

static int push_note(struct notes *ns, const git_oid *annotated, const git_oid *blob, size_t rank)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 256;
		struct note *v;
		if (ns->n >= NOTES_MAX)
			return rl_error_set(RL_ETOOBIG, "more than %u notes to merge", NOTES_MAX);
		if ((v = realloc(ns->v, cap * sizeof(*v))) == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		ns->v = v;
		ns->cap = cap;
	}
	git_oid_cpy(&ns->v[ns->n].annotated, annotated);
	git_oid_cpy(&ns->v[ns->n].blob, blob);
	ns->v[ns->n++].rank = rank;
	return 0;
}

/* Every note of the notes commit `tip`, with `rank`. */
static int read_notes(struct notes *ns, const git_oid *tip, size_t rank, const char *ref)
{
	git_commit *commit = NULL;
	git_note_iterator *it = NULL;
	git_oid blob, annotated;
	int error, rc = 0;

	if ((error = git_commit_lookup(&commit, ns->repo, tip)) < 0 ||
	    (error = git_note_commit_iterator_new(&it, commit)) < 0) {
		rc = rl_error_set_git(error, "cannot read the notes of '%s'", ref);
		goto done;
	}
	while (rc == 0 && (error = git_note_next(&blob, &annotated, it)) == 0)
		rc = push_note(ns, &annotated, &blob, rank);
	if (rc == 0 && error != GIT_ITEROVER)
		rc = rl_error_set_git(error, "cannot read the notes of '%s'", ref);
done:
	git_note_iterator_free(it);
	git_commit_free(commit);
	return rc;
}

static int by_commit_then_rank(const void *a, const void *b)
{
	const struct note *x = a, *y = b;
	int c = git_oid_cmp(&x->annotated, &y->annotated);
	return c ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

/* A source whose tip the target already holds brings nothing. */
static int take_source(struct notes *ns, const git_oid *target, int has_target, const char *ref,
		       size_t *sources)
{
	git_oid tip;
	int error = git_reference_name_to_id(&tip, ns->repo, ref);

	if (error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return rl_error_set_git(error, "cannot read '%s'", ref);
	if (has_target && (git_oid_equal(&tip, target) ||
			   git_graph_descendant_of(ns->repo, target, &tip) == 1))
		return 0;
	for (size_t i = 0; i < ns->n_parents; i++)
		if (git_oid_equal(&ns->parents[i], &tip))
			return 0;
	if (ns->n_parents > RL_MERGE_MAX_TIPS)
		return 0; /* the rest next time */
	git_oid_cpy(&ns->parents[ns->n_parents++], &tip);
	(*sources)++;
	return read_notes(ns, &tip, ns->n_parents, ref);
}

/* The sorted notes, the target's first for each commit, as a flat tree. */
static int write_tree(git_oid *out, struct notes *ns, size_t *added, size_t *conflicts)
{
	git_treebuilder *tb = NULL;
	char name[GIT_OID_HEXSZ + 1];
	int error, rc = 0;

	qsort(ns->v, ns->n, sizeof(*ns->v), by_commit_then_rank);
	if ((error = git_treebuilder_new(&tb, ns->repo, NULL)) < 0)
		return rl_error_set_git(error, "cannot build the notes tree");
	for (size_t i = 0; i < ns->n; i++) {
		const struct note *n = &ns->v[i];
		if (i > 0 && git_oid_equal(&ns->v[i - 1].annotated, &n->annotated)) {
			/* the same commit annotated twice: the first (the target's) stays */
			size_t first = i - 1;
			while (first > 0 && git_oid_equal(&ns->v[first - 1].annotated, &n->annotated))
				first--;
			*conflicts += !git_oid_equal(&ns->v[first].blob, &n->blob);
			continue;
		}
		*added += n->rank > 0;
		git_oid_tostr(name, sizeof(name), &n->annotated);
		if ((error = git_treebuilder_insert(NULL, tb, name, &n->blob, GIT_FILEMODE_BLOB)) < 0) {
			rc = rl_error_set_git(error, "cannot build the notes tree");
			goto done;
		}
	}
	if ((error = git_treebuilder_write(out, tb)) < 0)
		rc = rl_error_set_git(error, "cannot write the notes tree");
done:
	git_treebuilder_free(tb);
	return rc;
}

static int commit_notes(git_oid *out, struct notes *ns, const git_oid *tree_id, size_t sources)
{
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[RL_MERGE_MAX_TIPS + 1];
	git_commit *owned[RL_MERGE_MAX_TIPS + 1];
	char message[128];
	size_t n = 0;
	int error, rc = 0;

	snprintf(message, sizeof(message), "Notes of %zu ref%s merged by redline\n", sources,
		 sources == 1 ? "" : "s");
	if ((error = git_tree_lookup(&tree, ns->repo, tree_id)) < 0 ||
	    (error = git_signature_now(&sig, "redline", "redline@localhost")) < 0) {
		rc = rl_error_set_git(error, "cannot commit the merged notes");
		goto done;
	}
	for (; n < ns->n_parents; n++) {
		if ((error = git_commit_lookup(&owned[n], ns->repo, &ns->parents[n])) < 0) {
			rc = rl_error_set_git(error, "cannot commit the merged notes");
			goto done;
		}
		parents[n] = owned[n];
	}
	if ((error = git_commit_create(out, ns->repo, NULL, sig, sig, NULL, message, tree, n,
				       parents)) < 0)
		rc = rl_error_set_git(error, "cannot commit the merged notes");
done:
	while (n > 0)
		git_commit_free(owned[--n]);
	git_signature_free(sig);
	git_tree_free(tree);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The refs under `prefix`, sorted (so that the rank of a source is stable). */
static int list_refs(rl_strvec *out, git_repository *repo, const char *prefix)
{
	git_reference_iterator *it = NULL;
	const char *name;
	char glob[512];
	int error, rc = 0;

	snprintf(glob, sizeof(glob), "%s*", prefix);
	if ((error = git_reference_iterator_glob_new(&it, repo, glob)) < 0)
		return rl_error_set_git(error, "cannot list '%s'", glob);
	while (rc == 0 && git_reference_next_name(&name, it) == 0)
		rc = rl_strvec_push(out, name);
	git_reference_iterator_free(it);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_name);
	return rc;
}

int rl_merge_notes(rl_notes_merge_result *out, rl_archive *archive, const char *target_ref,
		   const char *sources_prefix, const char *extra_ref)
{
	struct notes ns;
	rl_strvec refs = RL_STRVEC_INIT;
	git_reference *moved = NULL;
	git_oid target, tree_id;
	int has_target, error, rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&ns, 0, sizeof(ns));
	if ((error = git_repository_open_bare(&ns.repo, rl_archive_path(archive))) < 0)
		return rl_error_set_git(error, "cannot open '%s'", rl_archive_path(archive));
	error = git_reference_name_to_id(&target, ns.repo, target_ref);
	if (error < 0 && error != GIT_ENOTFOUND) {
		rc = rl_error_set_git(error, "cannot read '%s'", target_ref);
		goto done;
	}
	if ((has_target = error == 0))
		git_oid_cpy(&ns.parents[ns.n_parents++], &target);
	if ((rc = list_refs(&refs, ns.repo, sources_prefix)) < 0 ||
	    (extra_ref && (rc = rl_strvec_push(&refs, extra_ref)) < 0))
		goto done;
	for (size_t i = 0; rc == 0 && i < refs.n; i++)
		rc = take_source(&ns, &target, has_target, refs.v[i], &out->sources);
	if (rc < 0 || out->sources == 0)
		goto done;
	if (has_target && (rc = read_notes(&ns, &target, 0, target_ref)) < 0)
		goto done;
	if ((rc = write_tree(&tree_id, &ns, &out->added, &out->conflicts)) < 0 ||
	    (rc = commit_notes(&out->commit, &ns, &tree_id, out->sources)) < 0)
		goto done;
	/* compare-and-swap: a note stored meanwhile is not lost, the merge fails */
	error = has_target ? git_reference_create_matching(&moved, ns.repo, target_ref, &out->commit,
							   1, &target, "redline merge: notes")
			   : git_reference_create(&moved, ns.repo, target_ref, &out->commit, 0,
						  "redline merge: notes");
	if (error < 0)
		rc = rl_error_set_git(error, "cannot move '%s'", target_ref);
	else
		out->merged = 1;
done:
	git_reference_free(moved);
	rl_strvec_release(&refs);
	free(ns.v);
	git_repository_free(ns.repo);
	return rc;
}
