/*
 * fixtures.c - set-ups shared by several unit suites (fixtures.h).
 */
#include "testutil.h"
#include "fixtures.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "../../src/archive/archive_internal.h"
#include "../../src/archive/state_store_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fx_archive_setup(void **state)
{
	struct fx_archive *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	fx->dir = tu_tmpdir();
	snprintf(fx->path, sizeof(fx->path), "%s/a", fx->dir);
	if (rl_archive_init(&fx->archive, fx->path) < 0) {
		tu_rmtree(fx->dir);
		free(fx->dir);
		free(fx);
		return -1;
	}
	snprintf(fx->state, sizeof(fx->state), "%s", rl_archive_state_dir(fx->archive));
	*state = fx;
	return 0;
}

int fx_archive_teardown(void **state)
{
	struct fx_archive *fx = *state;

	rl_archive_free(fx->archive);
	tu_rmtree(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

void fx_write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

char *fx_feed(const char *word, int first, int last, int version)
{
	size_t cap = 64 * 1024, n;
	char *s = malloc(cap), lower[64];

	assert_non_null(s);
	snprintf(lower, sizeof(lower), "%s", word);
	lower[0] = (char)tolower((unsigned char)lower[0]);
	n = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>");
	for (int i = first; i <= last && n < cap; i++)
		n += (size_t)snprintf(s + n, cap - n,
				      "<item><guid isPermaLink=\"false\">tag:ex.nl,2026:%d</guid>"
				      "<link>https://ex.nl/nieuws/%d</link><title>%s %d</title>"
				      "<description>Versie %d van %s %d.</description></item>",
				      i, i, word, i, version, lower, i);
	assert_true(n < cap);
	snprintf(s + n, cap - n, "</channel></rss>");
	return s;
}

int fx_ingest(git_oid *commit, size_t *edited, rl_archive *archive, rl_ingest_batch *batch,
	      const char *source, const char *data, int64_t when, const struct rl_source_config *cfg)
{
	rl_ingest_opts o = { 0 };
	rl_ingest_result *r = NULL;
	int error;

	o.time = when;
	o.no_hooks = 1;
	o.origin = "file:///test";
	o.batch = batch;
	o.config = cfg;
	error = rl_ingest(&r, archive, source, data, strlen(data), &o);
	if (error == 0 && commit)
		git_oid_cpy(commit, &r->commit);
	if (error == 0 && edited)
		*edited = r->counts[RL_CHANGE_EDITED];
	rl_ingest_result_free(r);
	return error;
}

char *fx_stored_state(rl_archive *archive, const char *source)
{
	rl_buf text = RL_BUF_INIT(STATE_STORE_RECORD_MAX + 1);

	if (state_store_get(&text, archive_state_store(archive), source) < 0) {
		rl_buf_release(&text);
		rl_error_clear();
		return NULL;
	}
	return text.ptr ? text.ptr : strdup("");
}

void fx_store_state(rl_archive *archive, const char *source, const char *text, size_t len)
{
	struct iovec iov = { (void *)text, len };

	if (state_store_put(archive_state_store(archive), source, &iov, 1) < 0)
		fail_msg("cannot store a state of %s: %s", source, rl_error_last());
}
