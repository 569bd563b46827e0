/*
 * archive_internal.h - the archive handle, shared by archive.c (open/read),
 * archive_commit.c (the batch writer; its pack: packwrite.c) and
 * archive_lock.c (the flock).
 * Private to the module: nothing outside src/archive*.c includes it.
 */
#ifndef REDLINE_ARCHIVE_INTERNAL_H
#define REDLINE_ARCHIVE_INTERNAL_H

#include "redline/archive.h"
#include "redline/buf.h"
#include "object_id_internal.h"

struct rl_archive {
	git_repository *repo;
	git_odb *odb;                /* the repository's odb (we hold a reference) */
	struct archive_pw *pw;       /* owned by odb; dormant outside a batch */
	char *path;                  /* git dir, no trailing slash */
	char *state_dir;             /* <path>/redline */
	int state_dir_made;          /* made (or found) once: no mkdir per lookup (atomic) */
	int lock_fd;                 /* -1 unless we hold the writer lock */
	int git_initialised;         /* we called git_libgit2_init() */
	int swept;                   /* crash leftovers removed once by this handle */
	rl_archive_batch *batch;     /* the open batch, if any: HEAD reads its tip */
	struct sign_config *sign;    /* read once per batch (archive_sign.c) */
	struct archive_revfeed *revfeed; /* the last batch's commits, for the revision index */
	struct archive_treebuf *treebuf; /* the large trees last built (archive_treebuf.c) */
	struct state_store *states;  /* redline/states.log (state_store.c) */
};

/** Creates a commit object (no ref moved) on `tree` with `n_parents`
 *  parents: signed when commit.gpgSign is set, the way git signs
 *  (archive_sign.c); plain otherwise.  The bytes git_commit_create_buffer()
 *  makes. */
int archive_commit_create(git_oid *out, rl_archive *archive, const git_signature *sig,
			  const char *message, const git_oid *tree, size_t n_parents,
			  const git_oid *parents);

/** The bytes of a commit object, as git_commit_create_buffer() makes
 *  them (author and committer both `sig`, no encoding header). */
int archive_commit_buffer(rl_buf *out, const git_signature *sig, const char *message,
			  const git_oid *tree, size_t n_parents, const git_oid *parents);

/** Hashes an object (blob, commit...) and stores it (archive_store()); a
 *  blob's id as archive_object_id() gives it for ARCHIVE_OURS. */
int archive_write_object(git_oid *out, rl_archive *archive, const void *data, size_t len,
			 git_object_t type);

/** Stores object `id` (hashed by the caller): into the open batch's pack
 *  (a tree as a delta against `delta_base` when that is in it), with no
 *  look at the rest of the odb (archive_commit.c); with no batch open,
 *  through git_odb_write() (loose). */
int archive_store(rl_archive *archive, const git_oid *id, const void *data, size_t len,
		  git_object_t type, const git_oid *delta_base);

/** As archive_store() for a tree whose delta against `base` the caller
 *  made (`delta` NULL: none) and whose bytes it keeps (archive_treebuf.c). */
int archive_store_tree_delta(rl_archive *archive, const git_oid *id, const void *data, size_t len,
			     const git_oid *base, const unsigned char *delta, size_t delta_len);

/* One file of a commit: the blob it becomes, or its removal.  `changed`
 * is set by archive_tree_update() for a file two folders deep (a story
 * file's place): 1 when the commit's tree differs from its parent's there
 * (a new blob, or a file that was there removed), 0 when not; -1 marks a
 * removal that took a whole folder of the first two levels. */
struct archive_update {
	char *path;
	git_oid blob;
	int remove;
	int changed;
	/* Also set by archive_tree_update(): what the first component of the
	 * path is in the new root tree - `top` a tree or a blob, gone, or
	 * unchanged - so that the batch knows its root without reading it. */
	enum { ARCHIVE_TOP_SAME, ARCHIVE_TOP_TREE, ARCHIVE_TOP_BLOB, ARCHIVE_TOP_GONE } top_kind;
	git_oid top;
};

/* The commits of the last batch whose ref moved, as built: the revision
 * index (revindex.c) indexes them from their updates instead of reading
 * them back and diffing their trees.  Held until the index has them, or
 * the next batch starts. */
struct archive_revfeed {
	int has_base;
	git_oid base;               /* the first commit's parent */
	struct archive_fed_commit {
		git_oid id;
		char *message;
		struct archive_update *u; /* sorted by path, `changed` set */
		size_t n;
	} *c;
	size_t n;
};

/* The entries of a batch's root tree, kept as its commits are built
 * (archive_root.c). */
struct archive_root;

/** Entry `name` of root tree `tree` (NULL: none): its id and whether it is
 *  a tree; RL_ENOTFOUND (no message) when there is none.  `*root` (made on
 *  first use) is parsed from the tree only when it is not of that tree. */
int archive_root_find(git_oid *out, int *is_tree, struct archive_root **root, rl_archive *a,
		      const git_oid *tree, const char *name);

/** Moves `root` from tree `from` (NULL: none) to `to`, the tree a commit
 *  built from it with updates `u` (their `top_kind` set); a `root` of
 *  another tree is marked stale instead. */
void archive_root_advance(struct archive_root *root, const git_oid *from, const git_oid *to,
			  const struct archive_update *u, size_t n);

/** Marks `root` stale (NULL is fine): the next lookup parses its tree. */
void archive_root_forget(struct archive_root *root);

/** Frees it; NULL is fine. */
void archive_root_free(struct archive_root *root);

/* The large trees of the last commits built, as bytes and entry offsets
 * (archive_treebuf.c): the next version of each is spliced from it. */
struct archive_treebuf;
struct archive_held;
struct pw_tree_entry;

/* One edit of a splice, at entry `pos` of a held tree: a new entry before
 * it (`insert`), or entry `pos` replaced - removed when `len` is 0.  Its
 * bytes are `len` bytes at `off` of the caller's scratch buffer.  Edits
 * are sorted by `pos`, an insert before the replacement of the same pos. */
struct archive_tree_edit {
	size_t pos;
	int insert;
	size_t off, len;
};

/** The held tree `id` (NULL: not held; `t` NULL is fine), marked used. */
struct archive_held *archive_treebuf_held(struct archive_treebuf *t, const git_oid *id);

/** Holds a copy of tree `id`, `data`, in `*t` (made on first use) if it
 *  is worth it: the root (`is_root`) or a large tree.  Tree bytes redline
 *  would not write (out of git's order, a mode with a leading zero) are
 *  not held, which is no error. */
int archive_treebuf_load(struct archive_treebuf **t, const git_oid *id, int is_root,
			 const unsigned char *data, size_t len);

/** Pins (`pin` 1) or unpins (0) a held tree: a pinned one is never let go
 *  to make room, so its bytes stay put while it is built on. */
void archive_treebuf_pin(struct archive_held *h, int pin);

/** Entry `i` of a held tree (0; -1 never happens to a held tree). */
int archive_treebuf_entry(struct pw_tree_entry *e, const struct archive_held *h, size_t i);

/** The index of entry `name` (a folder or not: `is_dir`) of a held tree,
 *  *found set; when it has none, the index it would be inserted at. */
size_t archive_treebuf_find(int *found, const struct archive_held *h, const char *name,
			    size_t len, int is_dir);

/** Held tree `h` with edits `ed` applied: `tree` gets its bytes (valid
 *  until the next splice or load), `delta` a delta from `h` (malloc'd;
 *  NULL when not worth it).  `h` is unchanged until advance(). */
int archive_treebuf_splice(const unsigned char **tree, size_t *tree_len, unsigned char **delta,
			   size_t *delta_len, struct archive_treebuf *t, const struct archive_held *h,
			   const struct archive_tree_edit *ed, size_t n_ed, const unsigned char *scratch);

/** The tree of the last splice, stored as `id`, is held in place of `h`. */
void archive_treebuf_advance(struct archive_treebuf *t, struct archive_held *h, const git_oid *id);

/** Frees it; NULL is fine. */
void archive_treebuf_free(struct archive_treebuf *t);

/** The archive's store of source states (state_store_internal.h). */
struct state_store *archive_state_store(rl_archive *archive);

/** Frees the archive's revfeed (NULL is fine). */
void archive_revfeed_forget(rl_archive *archive);

/** Stores the trees of `base` (NULL: an empty tree) with `updates`
 *  (sorted by path, each path once) applied, and sets their `changed`;
 *  `out` gets the root tree's id (archive_tree.c). */
int archive_tree_update(git_oid *out, rl_archive *archive, const git_oid *base,
			struct archive_update *updates, size_t n);

/** Gives the repository the identity of its reflog entries, as libgit2
 *  would find it (user.name and user.email; "unknown" without them): with
 *  none given, each ref move copied the whole config to find it. */
int archive_reflog_ident(rl_archive *archive);

/** Forgets the signing settings read for the batch that ends: the next
 *  batch reads the config again. */
void archive_sign_forget(rl_archive *archive);

/* Removes what a crashed writer can leave (archive_sweep.c): libgit2's
 * temporary packs and pack index locks, and the caches' "*.tmp.PID" files
 * of dead processes.  Called by rl_archive_lock() with the flock held. */
void archive_sweep(rl_archive *a);

/** Streams `pb` into a new pack in <gitdir>/objects/pack (fsynced), refreshes
 *  the odb; `name` gets the pack's hash (its file is pack-<name>.pack). */
int archive_write_pack(char name[GIT_OID_HEXSZ + 1], rl_archive *a, git_packbuilder *pb);

/** Writes packs `names` ("pack-<hash>" in `dir`, n >= 1) as one new pack
 *  by concatenating their entries (archive_concat.c), fsynced and renamed
 *  into place; the old packs are left for the caller to remove.  `name`
 *  gets the new pack's hash.  1 when these packs cannot be concatenated (an
 *  index or pack format other than version 2, an object in two of them):
 *  nothing was written, another way must roll them.  Offsets above
 *  `off32_limit` (git's: 0x7fffffff) go to the index's 64-bit table. */
int archive_pack_concat(char name[GIT_OID_HEXSZ + 1], const char *dir, const char *const *names, size_t n,
			uint64_t off32_limit);

/** The jittered sleep before retry `attempt` of a ref move, in ms (5-25 ms
 *  and growing), from a seed drawn once per process. */
unsigned archive_retry_delay_ms(int attempt);

#endif
