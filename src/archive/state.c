/*
 * state.c - the change-detection cache of a source, and its rebuild from HEAD.
 *
 * Invariant: a loaded state always describes HEAD.  rl_state_load() checks
 * the recorded subtree id against HEAD's and rebuilds when they differ, so
 * a commit made by plain git, a lost file or a crash between commit and
 * save can never make redline miss or invent a change.
 */
#include "redline/state.h"
#include "redline/story.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/file.h"
#include "redline/timeutil.h"
#include "archive_internal.h"
#include "state_json_internal.h"
#include "state_known_internal.h"
#include "state_store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define STATE_VERSION RL_STATE_JSON_VERSION
#define STATE_FILE_MAX (64u * 1024 * 1024)
#define INDEX_FILE_MAX (8u * 1024 * 1024)

/* The path of a cache file; its directory is made by the writers
 * (known_list_append), not at every lookup. */
static int state_path(char *out, size_t size, rl_archive *archive, const char *source,
		      const char *ext)
{
	const char *dir = rl_archive_state_dir(archive);

	if (dir == NULL)
		return rl_error_last_code() ? rl_error_last_code() : RL_EIO;
	if ((size_t)snprintf(out, size, "%s/state/%s.%s", dir, source, ext) >= size)
		return rl_error_set(RL_EINVAL, "state path too long for source '%s'", source);
	return 0;
}

/* The archive's one list of known ids (state_known_list.c). */
static int known_list_path(char *out, size_t size, rl_archive *archive)
{
	const char *dir = rl_archive_state_dir(archive);

	if (dir == NULL)
		return rl_error_last_code() ? rl_error_last_code() : RL_EIO;
	if ((size_t)snprintf(out, size, "%s/known.ids", dir) >= size)
		return rl_error_set(RL_EINVAL, "state path too long");
	return 0;
}

/* Appends to the known list, making its directory when a first try found
 * none (removed under a running process, whose handle made it once). */
static int known_list_append(const char *list, const rl_state_known *known, size_t n, int only_new)
{
	int error = state_known_list_append(list, known, n, only_new);

	/* another failure (a full disk...) fails the same way again */
	if (error < 0 && rl_file_mkdir_parent(list) == 0) {
		rl_error_clear();
		error = state_known_list_append(list, known, n, only_new);
	}
	return error;
}

/*
 * A state is stored (state_store.c) as its JSON with, in front, the
 * XXH3-128 of everything after that beginning:
 *
 *   {"sum":"<32 hex>","version":2,"source":...}
 *
 * so that a record cut short by a crash, or blocks that never reached the
 * disk, can never pass for a state: they give another sum, and the state
 * is rebuilt from HEAD like any stale one.  Older versions wrote the same
 * text to redline/state/<source>.json, which is still read.
 */
#define SUM_HEAD "{\"sum\":\""
#define SUM_HEAD_LEN (sizeof(SUM_HEAD) - 1)
#define SUM_LEN (SUM_HEAD_LEN + 32 + 2) /* the head, the hex and "," */

static int sum_is_right(const char *text, size_t len)
{
	char hex[RL_HASH_HEX_SIZE];
	rl_hash128 want;

	if (len < SUM_LEN || memcmp(text, SUM_HEAD, SUM_HEAD_LEN) != 0 ||
	    text[SUM_LEN - 2] != '"' || text[SUM_LEN - 1] != ',')
		return 0;
	memcpy(hex, text + SUM_HEAD_LEN, 32);
	hex[32] = '\0';
	if (rl_hash128_parse(&want, hex) < 0) {
		rl_error_clear();
		return 0;
	}
	return rl_hash128_equal(want, rl_hash128_bytes(text + SUM_LEN, len - SUM_LEN));
}

static int state_new(rl_state **out, const char *source)
{
	rl_state *s = calloc(1, sizeof(*s));
	if (s == NULL || (s->source = strdup(source)) == NULL) {
		free(s);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void rl_state_item_clear(rl_state_item *item)
{
	free(item->path);
	free(item->key);
	free(item->title);
	memset(item, 0, sizeof(*item));
}

void rl_state_free(rl_state *state)
{
	if (state == NULL)
		return;
	for (size_t i = 0; i < state->n; i++)
		rl_state_item_clear(&state->items[i]);
	free(state->items);
	free(state->source);
	free(state);
}

int rl_state_push(rl_state *state, const rl_state_item *item)
{
	rl_state_item *dst;
	int error;

	if ((error = rl_array_grow(&state->items, &state->cap, state->n, sizeof(*dst), 32)) < 0)
		return error;
	dst = &state->items[state->n];
	memset(dst, 0, sizeof(*dst));
	memcpy(dst->id, item->id, RL_STATE_ID_SIZE);
	dst->id[RL_STATE_ID_SIZE - 1] = '\0';
	dst->first_seen = item->first_seen;
	dst->hash = item->hash;
	if ((item->path && !(dst->path = strdup(item->path))) ||
	    (item->key && !(dst->key = strdup(item->key))) ||
	    (item->title && !(dst->title = strdup(item->title)))) {
		rl_state_item_clear(dst);
		return rl_error_set(RL_ENOMEM, "out of memory");
	}
	state->n++;
	return 0;
}

rl_state_item *rl_state_find(const rl_state *state, const char *id)
{
	/* Pages hold tens to a few thousand stories: a scan is cheaper than a map. */
	for (size_t i = 0; i < state->n; i++)
		if (strcmp(state->items[i].id, id) == 0)
			return &state->items[i];
	return NULL;
}

int rl_state_source_tree(git_oid *out, rl_archive *archive, const char *source)
{
	int is_tree = 0, error;

	memset(out, 0, sizeof(*out));
	/* A lookup in the batch's root when one is open (archive_root.c). */
	if ((error = rl_archive_head_entry(out, &is_tree, archive, source)) == RL_ENOTFOUND ||
	    (error == 0 && !is_tree)) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	return error;
}

/* --- rebuild from HEAD ------------------------------------------------- */

struct walk_ctx {
	const char *source;
	rl_buf ids;                /* "id<TAB>path\n" lines */
	int error;
};

static int collect_story(const char *root, const git_tree_entry *entry, void *payload)
{
	struct walk_ctx *ctx = payload;
	const char *name = git_tree_entry_name(entry);
	const char *id = rl_story_id_in_name(name, strlen(name));

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || id == NULL)
		return 0;
	if ((ctx->error = rl_buf_printf(&ctx->ids, "%.*s\t%s/%s%s\n", RL_STORY_ID_LEN, id,
					ctx->source, root, name)) < 0)
		return -1;
	return 0;
}

static int load_story(rl_state_item *item, git_repository *repo, git_tree *tree,
		      const char *path)
{
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	rl_story_header h = { 0 };
	const char *text;
	size_t len;
	int error = 0, gerr;

	if ((gerr = git_tree_entry_bypath(&entry, tree, path)) < 0 ||
	    (gerr = git_blob_lookup(&blob, repo, git_tree_entry_id(entry))) < 0) {
		error = rl_error_set_git(gerr, "cannot read '%s'", path);
		goto done;
	}
	text = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	item->hash = rl_hash128_bytes(text, len);
	if ((item->path = strdup(path)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = rl_story_parse_header(&h, text, len)) < 0)
		goto done;
	if (!h.has_first_seen) {
		error = rl_error_set(RL_EPARSE, "'%s' has no valid First-Seen header", path);
		goto done;
	}
	item->first_seen = h.first_seen;
	item->title = h.title;
	h.title = NULL;
	/* the identity key: the GUID, else the URL */
	if (h.guid) {
		item->key = h.guid;
		h.guid = NULL;
	} else {
		item->key = h.url;
		h.url = NULL;
	}
done:
	rl_story_header_clear(&h);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	return error;
}


/* Every story file under the <source>/ tree `subtree`, as "id<TAB>path\n"
 * lines in ctx->ids. */
static int collect_ids(struct walk_ctx *ctx, git_repository *repo, const git_oid *subtree)
{
	git_tree *tree = NULL;
	int error = 0, gerr;

	if ((gerr = git_tree_lookup(&tree, repo, subtree)) < 0 ||
	    (gerr = git_tree_walk(tree, GIT_TREEWALK_PRE, collect_story, ctx)) < 0)
		error = ctx->error ? ctx->error
				   : rl_error_set_git(gerr, "cannot walk '%s'", ctx->source);
	git_tree_free(tree);
	return error;
}

/* The story an INDEX line names, loaded from its file (found through
 * `ids`) and pushed onto `s`.  Lines that are no INDEX line are skipped. */
static int load_index_line(rl_state *s, git_repository *repo, git_tree *tree, const rl_buf *ids,
			   const char *line, const char *index_path)
{
	rl_state_item item = { { 0 }, NULL, NULL, NULL, 0, { 0, 0 } };
	const char *path;
	char *p;
	int error;

	if (rl_story_index_line_title(line) == NULL)
		return 0;
	memcpy(item.id, line, RL_STORY_ID_LEN);
	if ((path = state_known_in_lines(ids->ptr ? ids->ptr : "", ids->len, item.id)) == NULL)
		return rl_error_set(RL_EPARSE, "%s lists '%s' but no story file has that id",
				    index_path, item.id);
	if ((p = strndup(path, strcspn(path, "\n"))) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	error = load_story(&item, repo, tree, p);
	free(p);
	if (error == 0)
		error = rl_state_push(s, &item);
	rl_state_item_clear(&item);
	return error;
}

/* The stories <source>/INDEX at `head` lists, in its order. */
static int load_index(rl_state *s, rl_archive *archive, git_tree *tree, const git_oid *head,
		      const rl_buf *ids)
{
	rl_buf index = RL_BUF_INIT(INDEX_FILE_MAX);
	char index_path[1024];
	int error;

	if ((error = rl_story_index_path(index_path, sizeof(index_path), s->source)) == 0)
		error = rl_archive_read(&index, archive, head, index_path);
	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		error = 0;
	}
	for (char *line = index.ptr; error == 0 && line && *line;) {
		char *eol = strchr(line, '\n');

		if (eol)
			*eol = '\0';
		error = load_index_line(s, rl_archive_repo(archive), tree, ids, line, index_path);
		line = eol ? eol + 1 : NULL;
	}
	rl_buf_release(&index);
	return error;
}

/* Appends the "id<TAB>path\n" lines of `ids` the known list lacks. */
static int record_tree_ids(rl_archive *archive, const char *source, rl_buf *ids)
{
	rl_state_known *known = NULL;
	char list[4096];
	size_t n = 0, cap = 0;
	int error;

	if ((error = known_list_path(list, sizeof(list), archive)) < 0)
		return error;
	for (char *line = ids->ptr; line && *line;) {
		char *eol = strchr(line, '\n');
		if (eol == NULL)
			break;
		*eol = '\0';
		line[RL_STORY_ID_LEN] = '\0';
		if ((error = rl_array_grow(&known, &cap, n, sizeof(*known), 256)) < 0)
			goto done;
		known[n].source = source;
		known[n].id = line;
		known[n++].path = line + RL_STORY_ID_LEN + 1;
		line = eol + 1;
	}
	if (n > 0)
		error = known_list_append(list, known, n, 1);
done:
	free(known);
	return error;
}

int rl_state_rebuild(rl_state **out, rl_archive *archive, const char *source)
{
	git_repository *repo = rl_archive_repo(archive);
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	rl_state *s = NULL;
	struct walk_ctx ctx = { source, RL_BUF_INIT(1u << 30), 0 };
	git_oid head;
	int error, gerr;

	*out = NULL;
	if ((error = state_new(&s, source)) < 0)
		goto done;
	s->rebuilt = 1;
	if ((error = rl_archive_head(&head, archive)) == RL_ENOTFOUND) {
		rl_error_clear();
		error = 0;
		goto save_ids;
	}
	if (error < 0)
		goto done;
	/* A new source (no subtree) needs no read of HEAD's root tree. */
	if ((error = rl_state_source_tree(&s->tree, archive, source)) < 0)
		goto done;
	if (git_oid_is_zero(&s->tree))
		goto save_ids;
	if ((gerr = git_commit_lookup(&commit, repo, &head)) < 0 ||
	    (gerr = git_commit_tree(&tree, commit)) < 0) {
		error = rl_error_set_git(gerr, "cannot read HEAD");
		goto done;
	}
	if ((error = collect_ids(&ctx, repo, &s->tree)) < 0 ||
	    (error = load_index(s, archive, tree, &head, &ctx.ids)) < 0)
		goto done;
save_ids:
	/* Every id of HEAD's tree into the archive's list, those it lacks (a
	 * crash between a ref move and the append, a list deleted): ids that
	 * left the tree since stay in it, as in the old lists per source. */
	if (!git_oid_is_zero(&s->tree) && (error = record_tree_ids(archive, source, &ctx.ids)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	rl_state_free(s);
	rl_buf_release(&ctx.ids);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}

/* --- the JSON cache ---------------------------------------------------- */

/* The known list's inode and length when the state was saved, as its
 * "known" field says ("<inode>:<length>"); 0 when it says nothing. */
static int parse_known(uint64_t *ino, uint64_t *len, json_t *root)
{
	const char *known = json_string_value(json_object_get(root, "known"));
	char *end;

	if (known == NULL)
		return 0;
	errno = 0;
	*ino = strtoull(known, &end, 10);
	if (end == known || *end != ':' || errno)
		return 0;
	*len = strtoull(end + 1, &end, 10);
	return *end == '\0' && errno == 0;
}

/* Whether the ids of a state of `source` are where lookups look: a list
 * of the source from an older version, or the archive's list, as long and
 * on the same inode as when the state was saved.  A list deleted or cut
 * short makes the state stale, and its rebuild records HEAD's ids again. */
static int known_ids_there(rl_archive *archive, const char *source, json_t *root)
{
	char path[4096];
	struct stat st;
	uint64_t ino, len;

	if (state_path(path, sizeof(path), archive, source, "ids") == 0 && access(path, R_OK) == 0)
		return 1;
	rl_error_clear();
	return parse_known(&ino, &len, root) && known_list_path(path, sizeof(path), archive) == 0 &&
	       stat(path, &st) == 0 && (uint64_t)st.st_ino == ino && (uint64_t)st.st_size >= len;
}

static int parse_state(rl_state *s, json_t *root)
{
	json_t *items, *v;
	const char *tree, *snapshot;
	size_t i;

	if (json_integer_value(json_object_get(root, "version")) != STATE_VERSION ||
	    (tree = json_string_value(json_object_get(root, "tree"))) == NULL ||
	    git_oid_fromstrn(&s->tree, tree, strlen(tree)) < 0 ||
	    !json_is_array(items = json_object_get(root, "items")))
		return RL_EPARSE;
	if ((snapshot = json_string_value(json_object_get(root, "snapshot"))) != NULL) {
		if (rl_hash128_parse(&s->snapshot, snapshot) < 0)
			return RL_EPARSE;
		s->has_snapshot = 1;
	}
	if (json_is_integer(json_object_get(root, "last_time"))) {
		s->last_time = json_integer_value(json_object_get(root, "last_time"));
		s->has_last_time = 1;
	}
	json_array_foreach(items, i, v) {
		rl_state_item item = { { 0 }, NULL, NULL, NULL, 0, { 0, 0 } };
		const char *id = json_string_value(json_object_get(v, "id"));
		const char *hash = json_string_value(json_object_get(v, "hash"));
		int error;

		if (id == NULL || strlen(id) != RL_STORY_ID_LEN || hash == NULL ||
		    rl_hash128_parse(&item.hash, hash) < 0 ||
		    json_string_value(json_object_get(v, "path")) == NULL)
			return RL_EPARSE;
		memcpy(item.id, id, RL_STORY_ID_LEN);
		item.path = (char *)json_string_value(json_object_get(v, "path"));
		item.key = (char *)json_string_value(json_object_get(v, "key"));
		item.title = (char *)json_string_value(json_object_get(v, "title"));
		item.first_seen = json_integer_value(json_object_get(v, "first_seen"));
		if ((error = rl_state_push(s, &item)) < 0)
			return error;
	}
	return 0;
}

int rl_state_load(rl_state **out, rl_archive *archive, const char *source)
{
	char path[4096];
	rl_buf text = RL_BUF_INIT(STATE_FILE_MAX);
	rl_state *s = NULL;
	json_t *root = NULL;
	git_oid head_tree;
	int error;

	*out = NULL;
	if ((error = state_path(path, sizeof(path), archive, source, "json")) < 0 ||
	    (error = rl_state_source_tree(&head_tree, archive, source)) < 0)
		return error;
	/* the archive's store, else the file of an older version */
	if ((error = state_store_get(&text, archive_state_store(archive), source)) == RL_ENOTFOUND)
		error = rl_file_read(&text, path);
	if (error < 0 || !sum_is_right(text.ptr, text.len) ||
	    (root = json_loadb(text.ptr, text.len, 0, NULL)) == NULL || state_new(&s, source) < 0 ||
	    parse_state(s, root) < 0 || !git_oid_equal(&s->tree, &head_tree) ||
	    (!git_oid_is_zero(&head_tree) && !known_ids_there(archive, source, root))) {
		/* Missing, unreadable, or about another tree: HEAD is the truth. */
		rl_state_free(s);
		s = NULL;
		rl_error_clear();
		error = rl_state_rebuild(&s, archive, source);
	}
	json_decref(root);
	rl_buf_release(&text);
	if (error == 0)
		*out = s;
	return error;
}

int rl_state_known_mark(char out[RL_STATE_MARK_SIZE], rl_archive *archive)
{
	char path[4096];
	struct stat st;

	/* the known list this state's ids are in (known_ids_there) */
	out[0] = '\0';
	if (known_list_path(path, sizeof(path), archive) == 0 && stat(path, &st) == 0)
		snprintf(out, RL_STATE_MARK_SIZE, "%" PRIu64 ":%" PRIu64, (uint64_t)st.st_ino,
			 (uint64_t)st.st_size);
	rl_error_clear();
	return out[0] ? 0 : RL_ENOTFOUND;
}

int rl_state_save_marked(const rl_state *state, rl_archive *archive, const char *mark)
{
	char path[4096], head[SUM_LEN + 1], hex[RL_HASH_HEX_SIZE];
	rl_buf text = RL_BUF_INIT(STATE_FILE_MAX);
	struct iovec iov[2];
	int error;

	if ((error = state_json_render(&text, state, mark && mark[0] ? mark : NULL)) < 0)
		goto done;
	/* "{...}" becomes {"sum":"<hex>",...} */
	rl_hash128_hex(hex, rl_hash128_bytes(text.ptr + 1, text.len - 1));
	snprintf(head, sizeof(head), "%s%s\",", SUM_HEAD, hex);
	iov[0] = (struct iovec){ head, SUM_LEN };
	iov[1] = (struct iovec){ text.ptr + 1, text.len - 1 };
	if ((error = state_store_put(archive_state_store(archive), state->source, iov, 2)) < 0)
		goto done;
	/* An older version's file of the source would only be read if the
	 * store lost its record: it goes (there is none, mostly). */
	if (state_path(path, sizeof(path), archive, state->source, "json") == 0)
		unlink(path);
	else
		rl_error_clear();
done:
	rl_buf_release(&text);
	return error;
}

int rl_state_save(const rl_state *state, rl_archive *archive)
{
	char mark[RL_STATE_MARK_SIZE];

	rl_state_known_mark(mark, archive);
	return rl_state_save_marked(state, archive, mark);
}

/* --- every id the source ever had -------------------------------------- */

int rl_state_lookup_known(char **path_out, rl_archive *archive, const char *source, const char *id)
{
	char list[4096];
	int error;

	*path_out = NULL;
	if ((error = known_list_path(list, sizeof(list), archive)) < 0)
		return error;
	/* the archive's list, then an older version's list of the source (a
	 * list that cannot be read is a cache: the other one may answer) */
	if ((error = state_known_list_find(path_out, list, source, id)) == 0)
		return 0;
	if (error != RL_ENOTFOUND)
		rl_error_clear();
	if ((error = state_path(list, sizeof(list), archive, source, "ids")) < 0)
		return error;
	return state_known_old_find(path_out, list, id);
}

int rl_state_recent_known(rl_strvec *ids, rl_strvec *paths, rl_archive *archive,
			  const char *source, size_t max)
{
	rl_strvec old_ids = RL_STRVEC_INIT, old_paths = RL_STRVEC_INIT;
	char list[4096];
	int error;

	if ((error = known_list_path(list, sizeof(list), archive)) < 0)
		return error;
	if ((error = state_known_list_recent(ids, paths, list, source, max)) < 0)
		rl_error_clear(); /* a cache: the older list may still answer */
	if (ids->n >= max)
		return 0;
	/* then the older list's tail: ids recorded before this version */
	if ((error = state_path(list, sizeof(list), archive, source, "ids")) == 0)
		error = state_known_old_recent(&old_ids, &old_paths, list, max);
	for (size_t i = 0; i < old_ids.n && ids->n < max && error == 0; i++) {
		int dup = 0;
		for (size_t j = 0; j < ids->n && !dup; j++)
			dup = strcmp(ids->v[j], old_ids.v[i]) == 0;
		if (!dup && (error = rl_strvec_push(ids, old_ids.v[i])) == 0)
			error = rl_strvec_push(paths, old_paths.v[i]);
	}
	rl_strvec_release(&old_ids);
	rl_strvec_release(&old_paths);
	return error;
}

int rl_state_append_known(rl_archive *archive, const rl_state_known *known, size_t n)
{
	char list[4096];
	int error;

	if (n == 0)
		return 0;
	if ((error = known_list_path(list, sizeof(list), archive)) < 0)
		return error;
	return known_list_append(list, known, n, 0);
}
