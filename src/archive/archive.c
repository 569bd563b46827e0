/*
 * archive.c - creating, opening and reading an archive.
 *
 * An archive is a bare git repository that plain git reads: HEAD ->
 * refs/heads/main, a reflog for every ref update, and a diff driver
 * ("redline") whose wordRegex keeps figures like 10.000 one word.  The
 * handle carries the batch's pack writer (packwrite.c), a backend added to
 * the odb at open time; it is dormant except while a batch is open
 * (archive_commit.c).
 */
#include "archive_internal.h"
#include "state_store_internal.h"
#include "packwrite_internal.h"
#include "redline/error.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

/* Figures with thousands or decimal separators stay one word; runs of
 * letters (any non-ASCII byte counts as one) are words; every other
 * non-space character is a word of its own, as git's docs advise. */
static const char word_regex[] =
	"[0-9]+([.,:][0-9]+)*%?|[^[:space:][:punct:]0-9]+|[^[:space:]]";

static const char gitattributes[] =
	"# redline: story files and INDEX use the \"redline\" diff driver, whose\n"
	"# wordRegex keeps figures like 10.000 one word in `git diff --word-diff`.\n"
	"*.txt diff=redline\n"
	"INDEX diff=redline\n";

const char *rl_archive_gitattributes(void)
{
	return gitattributes;
}

const char *rl_archive_word_regex(void)
{
	return word_regex;
}

static char *strip_trailing_slashes(const char *path)
{
	char *copy = rl_strdup(path);
	size_t len;

	if (copy == NULL)
		return NULL;
	len = strlen(copy);
	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = '\0';
	return copy;
}

/* The handle around an opened repository; takes `repo` (freed on failure). */
static int wrap(rl_archive **out, git_repository *repo, const char *path)
{
	rl_archive *a = calloc(1, sizeof(*a));
	char *packdir = NULL, *states = NULL;
	int rc = 0, error;

	*out = NULL;
	if (a == NULL) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	a->repo = repo;
	a->lock_fd = -1;
	a->git_initialised = 1;
	if ((a->path = strip_trailing_slashes(path)) == NULL ||
	    asprintf(&a->state_dir, "%s/redline", a->path) < 0) {
		a->state_dir = NULL;
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if (asprintf(&states, "%s/states.log", a->state_dir) < 0) {
		states = NULL;
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = state_store_new(&a->states, states)) < 0)
		goto done;
	if ((error = git_repository_odb(&a->odb, repo)) < 0) {
		rc = rl_error_set_git(error, "cannot prepare the object store of '%s'", a->path);
		goto done;
	}
	if (asprintf(&packdir, "%s/objects/pack", a->path) < 0) {
		packdir = NULL;
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = archive_pw_new(&a->pw, packdir)) < 0)
		goto done;
	/* Highest priority: a batch's new objects go to its pack first. */
	if ((error = git_odb_add_backend(a->odb, &a->pw->parent, 999)) < 0) {
		a->pw->parent.free(&a->pw->parent);
		a->pw = NULL;
		rc = rl_error_set_git(error, "cannot prepare the object store of '%s'", a->path);
		goto done;
	}
done:
	free(states);
	free(packdir);
	if (rc < 0)
		rl_archive_free(a);
	else
		*out = a;
	return rc;
}

static int dir_state(const char *path, int *exists, int *empty)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	*exists = 0;
	*empty = 1;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return rl_error_set_errno(RL_EIO, "cannot create archive '%s'", path);
	}
	*exists = 1;
	if (!S_ISDIR(st.st_mode))
		return rl_error_set(RL_EEXISTS, "cannot create archive '%s': a file of that name exists",
				    path);
	if ((d = opendir(path)) == NULL)
		return rl_error_set_errno(RL_EIO, "cannot create archive '%s'", path);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			*empty = 0;
			break;
		}
	}
	closedir(d);
	return 0;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return rl_error_set_errno(RL_EIO, "cannot write '%s'", path);
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		return rl_error_set_errno(RL_EIO, "cannot write '%s'", path);
	return 0;
}

static int configure(git_repository *repo, const char *path)
{
	git_config *cfg = NULL, *local = NULL;
	char *file = NULL;
	int error, rc = 0;

	if ((error = git_repository_config(&cfg, repo)) < 0 ||
	    (error = git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL)) < 0 ||
	    (error = git_config_set_bool(local, "core.logAllRefUpdates", 1)) < 0 ||
	    /* Limits libgit2's packbuilder reads: a roll-up's delta window and
	     * delta cache stay bounded however large the packs are (git uses
	     * the same keys). */
	    (error = git_config_set_string(local, "pack.windowMemory", "64m")) < 0 ||
	    (error = git_config_set_string(local, "pack.deltaCacheSize", "32m")) < 0 ||
	    (error = git_config_set_string(local, "pack.bigFileThreshold", "16m")) < 0 ||
	    (error = git_config_set_string(local, "diff.redline.wordRegex", word_regex)) < 0) {
		rc = rl_error_set_git(error, "cannot configure archive '%s'", path);
		goto done;
	}
	if (asprintf(&file, "%s/info", path) < 0 ||
	    (mkdir(file, 0777) != 0 && errno != EEXIST)) {
		rc = rl_error_set_errno(RL_EIO, "cannot create '%s/info'", path);
		goto done;
	}
	free(file);
	if (asprintf(&file, "%s/info/attributes", path) < 0) {
		file = NULL;
		rc = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = write_file(file, gitattributes)) < 0)
		goto done;
	free(file);
	if (asprintf(&file, "%s/hooks", path) < 0 ||
	    (mkdir(file, 0777) != 0 && errno != EEXIST)) {
		rc = rl_error_set_errno(RL_EIO, "cannot create '%s/hooks'", path);
		goto done;
	}
done:
	free(file);
	git_config_free(local);
	git_config_free(cfg);
	return rc;
}

/* libgit2 caches trees only up to 4 KiB by default; the top tree of an
 * archive with hundreds of sources is larger, sits at the end of a delta
 * chain, and is read for every story file a snapshot touches.  Cache trees
 * up to 2 MiB and commits of any size, but in a cache of at most 4 MiB:
 * what is hot is the tip's few trees, and a first run that reads back
 * every new root tree once (the state and the revision index do) filled a
 * 32 MiB cache with superseded ones, 38 MiB of the heap with their parsed
 * entries (libgit2's default, 256 MiB, would let a long `watch` grow that
 * far).  Pack files are read through mmap windows of 8 MiB, at most 32 MiB
 * of them mapped and 128 packs open at once.  A cycle reads parent trees
 * and old blobs through delta chains spread over the whole of an older
 * pack: with 32 MiB windows and 512 MiB mapped, every page it touched
 * stayed mapped, and the file-backed part of peak RSS grew with the
 * archive (58 MB of 77 MB of packs mapped in a 10 % run of 3,000 pages;
 * 30 MB now, no measurable CPU).  Not smaller: with 1 MiB windows
 * libgit2 1.5's indexer (roll-ups, fetches) failed on a pack of
 * bench/commit's ("unexpected data at the end of the pack"); and a limit
 * below two windows would unmap and map again on every read. */
static void set_library_options(void)
{
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)4 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)8 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)32 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_FILE_LIMIT, (size_t)128);
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)2 << 20);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_COMMIT, (size_t)1 << 20);
	/* git itself does not hash every object it reads; libgit2 does by
	 * default (SHA-1 with collision detection over each tree and blob
	 * read back: 8 % of an ingest's CPU, a third of the instructions of a
	 * `redline log STORY`).  `redline verify` turns it on for its walk
	 * (verify.c). */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

int rl_archive_init(rl_archive **out, const char *path)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;
	int exists, empty, rc, error;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return rl_error_set(RL_EINVAL, "no archive path given");
	if ((rc = dir_state(path, &exists, &empty)) < 0)
		return rc;
	if (exists && !empty) {
		git_libgit2_init();
		error = git_repository_open_ext(NULL, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
		git_libgit2_shutdown();
		if (error == 0)
			return rl_error_set(RL_EEXISTS,
					    "cannot create archive '%s': a git repository is already there",
					    path);
		return rl_error_set(RL_EEXISTS,
				    "cannot create archive '%s': directory exists and is not empty", path);
	}

	git_libgit2_init();
	set_library_options();
	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
		     GIT_REPOSITORY_INIT_NO_REINIT;
	opts.initial_head = "main";
	opts.description = "redline archive: every revision of every story\n";
	if ((error = git_repository_init_ext(&repo, path, &opts)) < 0) {
		rc = rl_error_set_git(error, "cannot create archive '%s'", path);
		if (error == GIT_EEXISTS)
			rc = rl_error_set(RL_EEXISTS,
					  "cannot create archive '%s': a git repository is already there",
					  path);
		git_libgit2_shutdown();
		return rc;
	}
	if ((rc = configure(repo, git_repository_path(repo))) < 0) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		return rc;
	}
	return wrap(out, repo, path);
}

int rl_archive_open(rl_archive **out, const char *path)
{
	git_repository *repo = NULL;
	int error;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return rl_error_set(RL_EINVAL, "no archive path given");
	git_libgit2_init();
	set_library_options();
	/* NO_SEARCH: never climb into a parent repository by accident. */
	error = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (error < 0 || !git_repository_is_bare(repo)) {
		git_repository_free(repo);
		git_libgit2_shutdown();
		if (error < 0 && error != GIT_ENOTFOUND)
			return rl_error_set_git(error, "cannot open archive '%s'", path);
		return rl_error_set(RL_ENOTFOUND,
				    "not a redline archive: '%s' (create one with 'redline init')",
				    path);
	}
	return wrap(out, repo, path);
}

void rl_archive_free(rl_archive *archive)
{
	if (archive == NULL)
		return;
	rl_archive_unlock(archive);
	archive_sign_forget(archive);
	archive_revfeed_forget(archive);
	archive_treebuf_free(archive->treebuf);
	state_store_free(archive->states);
	git_odb_free(archive->odb);      /* frees the pack writer too */
	git_repository_free(archive->repo);
	free(archive->path);
	free(archive->state_dir);
	if (archive->git_initialised)
		git_libgit2_shutdown();
	free(archive);
}

git_repository *rl_archive_repo(const rl_archive *archive)
{
	return archive->repo;
}

const char *rl_archive_path(const rl_archive *archive)
{
	return archive->path;
}

struct state_store *archive_state_store(rl_archive *archive)
{
	return archive->states;
}

const char *rl_archive_state_dir(const rl_archive *archive)
{
	rl_archive *a = (rl_archive *)archive; /* the flag below is a memo, not state */

	/* Best effort: whoever writes into it reports a failure with its path.
	 * Once per handle: caches ask for it for every file (9,000 mkdirs in a
	 * cycle of 1,000 sources).  Callers may be on several threads. */
	if (__atomic_load_n(&a->state_dir_made, __ATOMIC_RELAXED))
		return archive->state_dir;
	if (mkdir(archive->state_dir, 0777) == 0 || errno == EEXIST)
		__atomic_store_n(&a->state_dir_made, 1, __ATOMIC_RELAXED);
	return archive->state_dir;
}

int rl_archive_head(git_oid *out, rl_archive *archive)
{
	int error;

	/* Inside a batch, what the pipeline builds on is the batch's last commit. */
	if (archive->batch && rl_archive_batch_tip(out, archive->batch) == 0)
		return 0;
	error = git_reference_name_to_id(out, archive->repo, "HEAD");

	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH)
		return rl_error_set(RL_ENOTFOUND, "archive '%s' has no commits yet", archive->path);
	if (error < 0)
		return rl_error_set_git(error, "cannot read HEAD of '%s'", archive->path);
	return 0;
}

int rl_archive_resolve(git_oid *out, rl_archive *archive, const char *rev)
{
	git_object *obj = NULL, *commit = NULL;
	int error;

	if (rev == NULL || rev[0] == '\0')
		return rl_error_set(RL_EINVAL, "empty revision");
	if ((error = git_revparse_single(&obj, archive->repo, rev)) < 0) {
		if (error == GIT_EAMBIGUOUS)
			return rl_error_set(RL_EAMBIGUOUS, "ambiguous revision '%s'", rev);
		if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC)
			return rl_error_set(RL_ENOTFOUND, "unknown revision '%s'", rev);
		return rl_error_set_git(error, "cannot resolve '%s'", rev);
	}
	if ((error = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT)) < 0) {
		git_object_free(obj);
		return rl_error_set(RL_ENOTFOUND, "revision '%s' is not a commit", rev);
	}
	git_oid_cpy(out, git_object_id(commit));
	git_object_free(commit);
	git_object_free(obj);
	return 0;
}

int rl_archive_read_tree(rl_buf *out, rl_archive *archive, git_tree *tree, const char *path)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int rc = 0, error;

	if (path == NULL || path[0] == '\0')
		return rl_error_set(RL_EINVAL, "empty path");
	if (tree == NULL)
		return rl_error_set(RL_ENOTFOUND, "'%s' does not exist", path);
	if ((error = git_tree_entry_bypath(&entry, tree, path)) < 0 ||
	    git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
		if (error < 0 && error != GIT_ENOTFOUND)
			rc = rl_error_set_git(error, "cannot read '%s'", path);
		else
			rc = rl_error_set(RL_ENOTFOUND, "'%s' does not exist", path);
		goto done;
	}
	if ((error = git_blob_lookup(&blob, archive->repo, git_tree_entry_id(entry))) < 0) {
		rc = rl_error_set_git(error, "cannot read '%s'", path);
		goto done;
	}
	rl_buf_clear(out);
	if ((rc = rl_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) < 0) {
		if (rc == RL_ETOOBIG)
			rl_error_set(rc, "'%s' is larger than %zu bytes", path, out->max);
		goto done;
	}
	/* rl_buf_put() of 0 bytes may leave ptr NULL: callers want a string. */
	if (out->ptr == NULL)
		rc = rl_buf_puts(out, "");
done:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return rc;
}

int rl_archive_read(rl_buf *out, rl_archive *archive, const git_oid *commit, const char *path)
{
	git_oid head;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int rc = 0, error;

	if (path == NULL || path[0] == '\0')
		return rl_error_set(RL_EINVAL, "empty path");
	if (commit == NULL) {
		if ((rc = rl_archive_head(&head, archive)) < 0)
			return rc;
		commit = &head;
	}
	if ((error = git_commit_lookup(&c, archive->repo, commit)) < 0 ||
	    (error = git_commit_tree(&tree, c)) < 0) {
		rc = rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(commit));
		goto done;
	}
	if ((rc = rl_archive_read_tree(out, archive, tree, path)) == RL_ENOTFOUND)
		rl_error_set(rc, "'%s' does not exist in %.12s", path, git_oid_tostr_s(commit));
done:
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}
