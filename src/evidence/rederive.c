/*
 * rederive.c - a capture back into the snapshot and its stories.
 */
#include "evidence_internal.h"
#include "redline/capture.h"
#include "redline/error.h"
#include "redline/ingest.h"
#include "redline/normalise.h"
#include "redline/snapshot.h"
#include "redline/story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int evidence_config(rl_source_config **out, rl_archive *archive, const char *source)
{
	int error = rl_config_source_load(out, archive, source);
	if (error == RL_ENOTFOUND) {
		rl_error_clear();
		error = 0;
	}
	return error;
}

int evidence_trailer(char *out, size_t size, const char *message, const char *name)
{
	size_t nl = strlen(name);
	for (const char *line = message; line && *line;) {
		size_t len = strcspn(line, "\n");
		if (len > nl && strncmp(line, name, nl) == 0) {
			snprintf(out, size, "%.*s", (int)(len - nl), line + nl);
			return 1;
		}
		line += len;
		if (*line)
			line++;
	}
	return 0;
}

int evidence_story_content(rl_buf *out, const char *text)
{
	rl_story_header h;
	int error;

	memset(&h, 0, sizeof(h));
	rl_buf_clear(out);
	if ((error = rl_story_parse_header(&h, text, strlen(text))) == 0)
		error = rl_buf_printf(out, "%s\n\n%s", h.title ? h.title : "", rl_story_body(text));
	rl_story_header_clear(&h);
	return error;
}

int evidence_rederive(rl_strvec *contents, const rl_source_config *config, const char *source,
		      const char *data, size_t len, const char *base_url, const char *charset)
{
	rl_item_list items = RL_ITEM_LIST_INIT;
	rl_normaliser *normaliser = NULL;
	rl_ingest_opts opts = { 0 };
	rl_buf content = RL_BUF_INIT(RL_CAPTURE_MAX);
	int error;

	opts.source_url = base_url;
	opts.charset = charset;
	if ((error = rl_ingest_extract(&items, config, data, len, &opts)) < 0 ||
	    (error = rl_normaliser_new(&normaliser, (const char *const *)config->ignore.v,
				       config->ignore.n)) < 0 ||
	    (error = rl_snapshot_prepare(&items, normaliser, base_url ? base_url : config->url)) < 0)
		goto done;
	for (size_t i = 0; i < items.n; i++) {
		rl_buf_clear(&content);
		if ((error = rl_snapshot_render(&items.v[i], source, 0, NULL)) < 0 ||
		    (error = evidence_story_content(&content, items.v[i].text)) < 0 ||
		    (error = rl_strvec_push(contents, content.ptr ? content.ptr : "")) < 0)
			goto done;
	}
done:
	rl_buf_release(&content);
	rl_normaliser_free(normaliser);
	rl_item_list_release(&items);
	return error;
}

int rl_evidence_snapshot(rl_buf *out, char **target, char **extractor, char **charset,
			 rl_archive *archive, const git_oid *commit, const char *source)
{
	git_commit *c = NULL;
	rl_strvec ids = RL_STRVEC_INIT;
	rl_buf warc = RL_BUF_INIT(RL_CAPTURE_MAX);
	int error, found = 0;

	*target = *extractor = *charset = NULL;
	if ((error = git_commit_lookup(&c, rl_archive_repo(archive), commit)) < 0)
		return rl_error_set_git(error, "cannot read commit %s", git_oid_tostr_s(commit));
	if ((error = rl_capture_ids(&ids, git_commit_message(c))) < 0)
		goto done;
	for (size_t i = 0; i < ids.n && !found; i++) {
		char *src = NULL;
		if ((error = rl_capture_read(&warc, archive, commit, ids.v[i])) < 0 ||
		    (error = rl_capture_snapshot(out, &src, extractor, target, warc.ptr,
						 warc.len)) < 0)
			goto done;
		found = src && strcmp(src, source) == 0;
		free(src);
		if (found && (error = rl_capture_http_charset(charset, warc.ptr, warc.len)) < 0)
			goto done;
		if (!found) {
			free(*target);
			free(*extractor);
			*target = *extractor = NULL;
		}
	}
	if (!found)
		error = rl_error_set(RL_ENOTFOUND, "commit %.12s holds no capture of '%s'",
				     git_oid_tostr_s(commit), source);
done:
	rl_buf_release(&warc);
	rl_strvec_release(&ids);
	git_commit_free(c);
	return error;
}
