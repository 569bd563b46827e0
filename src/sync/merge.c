/*
 * merge.c - shard tips into main by a union of top-level tree entries.
 *
 * Only two objects are new in a merge: the top tree (its entries are the
 * subtrees the shards already wrote) and the commit.  They go through the
 * archive's handle, outside a batch, so its pack writer passes them on to
 * loose objects; the commit is made by rl_archive_commit_create(), so it is
 * signed exactly when the archive's other commits are (an unsigned merge
 * after signed ones fails `redline verify`).  The ref is moved last,
 * compare-and-swap.
 */
#include "redline/merge.h"
#include "redline/error.h"
#include "redline/path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A message lists at most this many entries of a tip by name. */
#define NAMES_IN_MESSAGE 8
#define MESSAGE_MAX 65536
/* Where captures live (RL_CAPTURE_DIR of capture.h, a layer this one does not see). */
#define CAPTURES_DIR ".captures"

struct tip {
	char *ref;        /* full ref name */
	const char *name; /* shown: the ref without its prefix up to "shards/" */
	git_oid id;
	size_t entries;   /* top-level entries this tip changed */
};

struct change {
	char *name;
	size_t tip;               /* index into the tips */
	int removed;
	git_oid id;
	git_filemode_t mode;
};

struct merge {
	rl_archive *archive;
	git_repository *repo;     /* the archive's (lent) */
	const rl_merge_opts *opts;
	struct tip *tips;
	size_t n_tips;
	struct change *changes;
	size_t n_changes, cap_changes;
	git_commit *main;         /* NULL before the first merge */
	git_tree *main_tree;
};

static int same_entry(const git_tree_entry *a, const git_tree_entry *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) &&
	       git_tree_entry_filemode(a) == git_tree_entry_filemode(b);
}

static int change_matches(const struct change *c, const git_tree_entry *e)
{
	if (c->removed || e == NULL)
		return c->removed && e == NULL;
	return git_oid_equal(&c->id, git_tree_entry_id(e)) && c->mode == git_tree_entry_filemode(e);
}

static struct change *find_change(struct merge *m, const char *name)
{
	for (size_t i = 0; i < m->n_changes; i++)
		if (strcmp(m->changes[i].name, name) == 0)
			return &m->changes[i];
	return NULL;
}

static int add_change(struct merge *m, size_t tip, const char *name, const git_tree_entry *e)
{
	struct change *c;

	if (m->n_changes == m->cap_changes) {
		size_t cap = m->cap_changes ? m->cap_changes * 2 : 64;
		struct change *v = realloc(m->changes, cap * sizeof(*v));
		if (v == NULL)
			return rl_error_set(RL_ENOMEM, "out of memory");
		m->changes = v;
		m->cap_changes = cap;
	}
	c = &m->changes[m->n_changes];
	memset(c, 0, sizeof(*c));
	if ((c->name = strdup(name)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	c->tip = tip;
	c->removed = e == NULL;
	if (e) {
		git_oid_cpy(&c->id, git_tree_entry_id(e));
		c->mode = git_tree_entry_filemode(e);
	}
	m->n_changes++;
	m->tips[tip].entries++;
	return 0;
}

/* .captures/ is written by every shard, but each capture file has a name of
 * its own (a uuid): the merged folder is main's plus what each tip added.
 * A tip that changes or removes a capture is refused: captures are only
 * ever added. */
static int take_captures(struct merge *m, size_t t, const git_tree_entry *tip_e,
			 const git_tree_entry *base_e, const git_tree_entry *main_e)
{
	struct change *c = find_change(m, CAPTURES_DIR);
	git_tree *tip_tree = NULL, *base_tree = NULL, *cur = NULL;
	git_treebuilder *empty = NULL;
	git_tree_update *upd = NULL;
	git_diff *diff = NULL;
	git_oid cur_id, merged_id;
	size_t n = 0;
	int error;

	if (tip_e == NULL || git_tree_entry_filemode(tip_e) != GIT_FILEMODE_TREE)
		return rl_error_set(RL_EINVAL, "%s removes %s/; nothing merged (captures are only "
				    "ever added)", m->tips[t].name, CAPTURES_DIR);
	if (c)
		git_oid_cpy(&cur_id, &c->id);
	else if (main_e)
		git_oid_cpy(&cur_id, git_tree_entry_id(main_e));
	else if ((error = git_treebuilder_new(&empty, m->repo, NULL)) < 0 ||
		 (error = git_treebuilder_write(&cur_id, empty)) < 0)
		goto git_failed;
	if ((error = git_tree_lookup(&tip_tree, m->repo, git_tree_entry_id(tip_e))) < 0 ||
	    (base_e && git_tree_entry_filemode(base_e) == GIT_FILEMODE_TREE &&
	     (error = git_tree_lookup(&base_tree, m->repo, git_tree_entry_id(base_e))) < 0) ||
	    (error = git_tree_lookup(&cur, m->repo, &cur_id)) < 0 ||
	    (error = git_diff_tree_to_tree(&diff, m->repo, base_tree, tip_tree, NULL)) < 0)
		goto git_failed;
	if ((upd = calloc(git_diff_num_deltas(diff) + 1, sizeof(*upd))) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status != GIT_DELTA_ADDED || !rl_path_is_safe(d->new_file.path)) {
			error = rl_error_set(RL_EINVAL, "%s changes '%s/%.100s'; nothing merged "
					     "(captures are only ever added)", m->tips[t].name,
					     CAPTURES_DIR, d->new_file.path);
			goto done;
		}
		upd[n].action = GIT_TREE_UPDATE_UPSERT;
		upd[n].filemode = GIT_FILEMODE_BLOB;
		git_oid_cpy(&upd[n].id, &d->new_file.id);
		upd[n++].path = d->new_file.path;
	}
	if (n == 0) {
		error = 0;
		goto done;
	}
	if ((error = git_tree_create_updated(&merged_id, m->repo, cur, n, upd)) < 0)
		goto git_failed;
	if (c == NULL) {
		if ((error = add_change(m, t, CAPTURES_DIR, NULL)) < 0)
			goto done;
		c = &m->changes[m->n_changes - 1];
	}
	c->removed = 0;
	c->mode = GIT_FILEMODE_TREE;
	git_oid_cpy(&c->id, &merged_id);
	goto done;
git_failed:
	error = rl_error_set_git(error, "cannot merge the captures of %s", m->tips[t].name);
done:
	free(upd);
	git_diff_free(diff);
	git_tree_free(cur);
	git_tree_free(base_tree);
	git_tree_free(tip_tree);
	git_treebuilder_free(empty);
	return error;
}

/* One top-level entry that tip `t` changed since `base`. */
static int take_entry(struct merge *m, size_t t, const char *name, const git_tree_entry *tip_e,
		      const git_tree_entry *base_e)
{
	const git_tree_entry *main_e = m->main_tree ? git_tree_entry_byname(m->main_tree, name) : NULL;
	struct change *other = find_change(m, name);

	if (strcmp(name, CAPTURES_DIR) == 0)
		return take_captures(m, t, tip_e, base_e, main_e);
	/* A tip comes from a worker, maybe a broken or hostile one: only what
	 * redline itself writes at the top (directories and files with safe
	 * names) may reach main. */
	if (tip_e && (!rl_path_is_safe(name) ||
		      (git_tree_entry_filemode(tip_e) != GIT_FILEMODE_TREE &&
		       git_tree_entry_filemode(tip_e) != GIT_FILEMODE_BLOB)))
		return rl_error_set(RL_EINVAL, "%s has '%.100s' at the top of its tree, which is not "
				    "a directory or plain file with a safe name; nothing merged",
				    m->tips[t].name, name);
	if (other) {
		if (change_matches(other, tip_e))
			return 0; /* the same value from two tips: .gitattributes */
		return rl_error_set(RL_EEXISTS,
				    "source '%s' is written by two shards, %s and %s; nothing merged "
				    "(each source must belong to one shard)",
				    name, m->tips[other->tip].name, m->tips[t].name);
	}
	if (!same_entry(main_e, base_e) && !same_entry(main_e, tip_e))
		return rl_error_set(RL_EEXISTS,
				    "source '%s' is written by %s, but main has it from another shard "
				    "since their last merge; nothing merged (after changing N, start a "
				    "worker from main: see docs/sharding.md)",
				    name, m->tips[t].name);
	if (same_entry(main_e, tip_e))
		return 0;
	return add_change(m, t, name, tip_e);
}

/* The entries tip `t` changed against its merge base with main. */
static int collect_tip(struct merge *m, size_t t)
{
	git_commit *tip = NULL, *base = NULL;
	git_tree *tip_tree = NULL, *base_tree = NULL;
	git_oid base_id;
	int error, rc = 0;

	if ((error = git_commit_lookup(&tip, m->repo, &m->tips[t].id)) < 0 ||
	    (error = git_commit_tree(&tip_tree, tip)) < 0) {
		rc = rl_error_set_git(error, "cannot read the tip of %s", m->tips[t].name);
		goto done;
	}
	if (m->main) {
		error = git_merge_base(&base_id, m->repo, git_commit_id(m->main), &m->tips[t].id);
		if (error == 0 && ((error = git_commit_lookup(&base, m->repo, &base_id)) < 0 ||
				   (error = git_commit_tree(&base_tree, base)) < 0)) {
			rc = rl_error_set_git(error, "cannot read the merge base of %s",
					      m->tips[t].name);
			goto done;
		} else if (error < 0 && error != GIT_ENOTFOUND) {
			rc = rl_error_set_git(error, "cannot find the merge base of %s",
					      m->tips[t].name);
			goto done;
		}
	}
	/* Entries of the tip that differ from the base, then entries gone. */
	for (size_t i = 0; rc == 0 && i < git_tree_entrycount(tip_tree); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tip_tree, i);
		const char *name = git_tree_entry_name(e);
		const git_tree_entry *b = base_tree ? git_tree_entry_byname(base_tree, name) : NULL;
		if (!same_entry(e, b))
			rc = take_entry(m, t, name, e, b);
	}
	for (size_t i = 0; rc == 0 && base_tree && i < git_tree_entrycount(base_tree); i++) {
		const git_tree_entry *b = git_tree_entry_byindex(base_tree, i);
		const char *name = git_tree_entry_name(b);
		if (git_tree_entry_byname(tip_tree, name) == NULL)
			rc = take_entry(m, t, name, NULL, b);
	}
done:
	git_tree_free(base_tree);
	git_tree_free(tip_tree);
	git_commit_free(base);
	git_commit_free(tip);
	return rc;
}

static const char *short_name(const char *ref)
{
	const char *s = strstr(ref, "shards/");
	if (s)
		return s;
	if (strncmp(ref, "refs/heads/", 11) == 0)
		return ref + 11;
	return strncmp(ref, "refs/", 5) == 0 ? ref + 5 : ref;
}

/* The tips under the prefix that main does not contain yet, sorted by ref. */
static int collect_tips(struct merge *m)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char glob[1100];
	int error, rc = 0;

	if (snprintf(glob, sizeof(glob), "%s*", m->opts->tips_prefix) >= (int)sizeof(glob))
		return rl_error_set(RL_EINVAL, "ref prefix too long");
	if ((error = git_reference_iterator_glob_new(&it, m->repo, glob)) < 0)
		return rl_error_set_git(error, "cannot list the refs '%s'", glob);
	while ((error = git_reference_next(&ref, it)) == 0) {
		git_object *peeled = NULL;
		struct tip *tip;
		int contained = 0;

		if ((error = git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT)) < 0) {
			rc = rl_error_set_git(error, "'%s' is not a commit", git_reference_name(ref));
			git_reference_free(ref);
			break;
		}
		if (m->main) {
			const git_oid *main_id = git_commit_id(m->main);
			contained = git_oid_equal(main_id, git_object_id(peeled)) ||
				    git_graph_descendant_of(m->repo, main_id, git_object_id(peeled)) == 1;
		}
		if (!contained && m->n_tips < RL_MERGE_MAX_TIPS) {
			tip = &m->tips[m->n_tips];
			memset(tip, 0, sizeof(*tip));
			if ((tip->ref = strdup(git_reference_name(ref))) == NULL) {
				rc = rl_error_set(RL_ENOMEM, "out of memory");
			} else {
				tip->name = short_name(tip->ref);
				git_oid_cpy(&tip->id, git_object_id(peeled));
				m->n_tips++;
			}
		}
		git_object_free(peeled);
		git_reference_free(ref);
		if (rc < 0)
			break;
	}
	git_reference_iterator_free(it);
	if (rc == 0 && error < 0 && error != GIT_ITEROVER)
		rc = rl_error_set_git(error, "cannot list the refs '%s'", glob);
	return rc;
}

static int build_tree(git_oid *out, struct merge *m)
{
	git_treebuilder *bld = NULL;
	int error, rc = 0;

	if ((error = git_treebuilder_new(&bld, m->repo, m->main_tree)) < 0)
		return rl_error_set_git(error, "cannot build the merged tree");
	for (size_t i = 0; i < m->n_changes && error == 0; i++) {
		const struct change *c = &m->changes[i];
		if (c->removed)
			error = git_treebuilder_remove(bld, c->name);
		else
			error = git_treebuilder_insert(NULL, bld, c->name, &c->id, c->mode);
	}
	if (error == 0)
		error = git_treebuilder_write(out, bld);
	if (error < 0)
		rc = rl_error_set_git(error, "cannot build the merged tree");
	git_treebuilder_free(bld);
	return rc;
}

/* "merge 2 shards: shards/0-of-4, shards/1-of-4", then one line per tip. */
static int build_message(char **out, const struct merge *m)
{
	char *msg = malloc(MESSAGE_MAX);
	size_t len = 0;

	if ((*out = msg) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
#define ADD(...)                                                                        \
	do {                                                                            \
		int w_ = snprintf(msg + len, MESSAGE_MAX - len, __VA_ARGS__);           \
		if (w_ > 0)                                                             \
			len = len + (size_t)w_ < MESSAGE_MAX ? len + (size_t)w_ : MESSAGE_MAX - 1; \
	} while (0)
	ADD("merge %zu shard%s:", m->n_tips, m->n_tips == 1 ? "" : "s");
	for (size_t t = 0; t < m->n_tips && t < NAMES_IN_MESSAGE; t++)
		ADD("%s %s", t ? "," : "", m->tips[t].name);
	if (m->n_tips > NAMES_IN_MESSAGE)
		ADD(", ...");
	ADD("\n\n");
	for (size_t t = 0; t < m->n_tips; t++) {
		size_t shown = 0;
		ADD("%s %s:", m->tips[t].name, git_oid_tostr_s(&m->tips[t].id));
		for (size_t i = 0; i < m->n_changes; i++) {
			if (m->changes[i].tip != t)
				continue;
			if (shown++ == NAMES_IN_MESSAGE) {
				ADD(" +%zu more", m->tips[t].entries - NAMES_IN_MESSAGE);
				break;
			}
			ADD(" %s%s", m->changes[i].removed ? "-" : "", m->changes[i].name);
		}
		if (m->tips[t].entries == 0)
			ADD(" (no change)");
		ADD("\n");
	}
#undef ADD
	return 0;
}

static int write_commit(git_oid *out, struct merge *m, const git_oid *tree_id)
{
	const git_commit **parents = calloc(m->n_tips + 1, sizeof(*parents));
	git_commit **owned = calloc(m->n_tips + 1, sizeof(*owned));
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	char *message = NULL;
	char reflog[128];
	size_t n = 0;
	int error = 0, rc = 0;
	int64_t when = m->opts->time ? m->opts->time : (int64_t)time(NULL);

	if (parents == NULL || owned == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if (m->main)
		parents[n++] = m->main;
	for (size_t t = 0; t < m->n_tips; t++) {
		if ((error = git_commit_lookup(&owned[t], m->repo, &m->tips[t].id)) < 0) {
			rc = rl_error_set_git(error, "cannot read the tip of %s", m->tips[t].name);
			goto done;
		}
		parents[n++] = owned[t];
	}
	if ((rc = build_message(&message, m)) < 0)
		goto done;
	if ((error = git_tree_lookup(&tree, m->repo, tree_id)) < 0 ||
	    (error = git_signature_new(&sig, "redline", "redline@localhost", (git_time_t)when, 0)) < 0) {
		rc = rl_error_set_git(error, "cannot write the merge commit");
		goto done;
	}
	if ((rc = rl_archive_commit_create(out, m->archive, sig, message, tree, n, parents)) < 0)
		goto done;
	snprintf(reflog, sizeof(reflog), "redline merge: %zu shard%s", m->n_tips,
		 m->n_tips == 1 ? "" : "s");
	/* The ref moves last, and only from the main we merged into. */
	if (m->main && strcmp(m->opts->target_ref, m->opts->base_ref) == 0)
		error = git_reference_create_matching(&ref, m->repo, m->opts->target_ref, out, 1,
						      git_commit_id(m->main), reflog);
	else if (m->main || strcmp(m->opts->target_ref, m->opts->base_ref) != 0)
		error = git_reference_create(&ref, m->repo, m->opts->target_ref, out, 1, reflog);
	else
		error = git_reference_create(&ref, m->repo, m->opts->target_ref, out, 0, reflog);
	if (error == GIT_EMODIFIED || error == GIT_EEXISTS || error == GIT_ELOCKED)
		rc = rl_error_set(RL_ELOCKED, "'%s' moved during the merge; nothing merged (run "
				  "it again; run one merge at a time)", m->opts->target_ref);
	else if (error < 0)
		rc = rl_error_set_git(error, "cannot move '%s'", m->opts->target_ref);
done:
	for (size_t t = 0; owned && t < m->n_tips; t++)
		git_commit_free(owned[t]);
	free(owned);
	free(parents);
	free(message);
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	return rc;
}

static int load_main(struct merge *m)
{
	git_reference *ref = NULL;
	git_object *peeled = NULL;
	int error = git_reference_lookup(&ref, m->repo, m->opts->base_ref);

	if (error == GIT_ENOTFOUND)
		return 0;
	if (error == 0 && (error = git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT)) == 0 &&
	    (error = git_commit_lookup(&m->main, m->repo, git_object_id(peeled))) == 0)
		error = git_commit_tree(&m->main_tree, m->main);
	git_object_free(peeled);
	git_reference_free(ref);
	return error < 0 ? rl_error_set_git(error, "cannot read '%s'", m->opts->base_ref) : 0;
}

int rl_merge_tips(rl_merge_result *out, rl_archive *archive, const rl_merge_opts *opts)
{
	struct merge m;
	rl_merge_opts o = *opts;
	git_oid tree_id;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if (o.base_ref == NULL)
		o.base_ref = o.target_ref;
	if (o.tips_prefix == NULL || o.target_ref == NULL)
		return rl_error_set(RL_EINVAL, "merge: no tips prefix or target ref");
	m.opts = &o;
	m.archive = archive;
	m.repo = rl_archive_repo(archive);
	if ((m.tips = calloc(RL_MERGE_MAX_TIPS, sizeof(*m.tips))) == NULL) {
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = load_main(&m)) < 0 || (rc = collect_tips(&m)) < 0)
		goto done;
	if (m.n_tips == 0)
		goto done; /* up to date */
	for (size_t t = 0; t < m.n_tips && rc == 0; t++)
		rc = collect_tip(&m, t);
	if (rc < 0 || (rc = build_tree(&tree_id, &m)) < 0 ||
	    (rc = write_commit(&out->commit, &m, &tree_id)) < 0)
		goto done;
	out->merged = 1;
	out->tips = m.n_tips;
	out->entries = m.n_changes;
done:
	for (size_t i = 0; i < m.n_changes; i++)
		free(m.changes[i].name);
	free(m.changes);
	for (size_t t = 0; m.tips && t < m.n_tips; t++)
		free(m.tips[t].ref);
	free(m.tips);
	git_tree_free(m.main_tree);
	git_commit_free(m.main);
	return rc;
}
