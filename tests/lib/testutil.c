#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *tu_tmpdir(void)
{
	char tmpl[] = "/tmp/redline-test-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	return strdup(dir);
}

void tu_rmtree(const char *path)
{
	if (path && strncmp(path, "/tmp/redline-test-", 18) == 0)
		tu_sh(NULL, "rm -rf '%s'", path);
}

int tu_sh(char **out, const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	FILE *p;
	size_t cap = 4096, len = 0, n;
	char *buf;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	status = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WEXITSTATUS(status);
}

static char *sh_ok_out;

const char *tu_sh_ok(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	free(sh_ok_out);
	sh_ok_out = NULL;
	if ((status = tu_sh(&sh_ok_out, "%s", cmd)) != 0)
		fail_msg("command failed (%d): %s\n%s", status, cmd, sh_ok_out ? sh_ok_out : "");
	return sh_ok_out ? sh_ok_out : "";
}

const char *tu_git_write_tree(const char *dir)
{
	const char *out = tu_sh_ok(
		"cd '%s' && rm -f scratch.idx && (test -d scratch || git init -q --bare scratch) && "
		"GIT_INDEX_FILE=$PWD/scratch.idx git -C scratch update-index --add --index-info "
		"< index-info && GIT_INDEX_FILE=$PWD/scratch.idx git -C scratch write-tree --missing-ok",
		dir);

	if (strlen(out) < 40)
		fail_msg("git write-tree gave '%s'", out);
	sh_ok_out[40] = '\0';
	return sh_ok_out;
}

char *tu_shared_path(const char *rel)
{
	const char *dir = getenv("REDLINE_SHARED_DIR");
	char *path;

	if (dir == NULL)
		dir = "../shared";
	if (asprintf(&path, "%s/%s", dir, rel) < 0)
		return NULL;
	if (access(path, R_OK) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

size_t tu_corpus_each(void (*fn)(void *ctx, const char *page), void *ctx)
{
	char *dir = tu_shared_path("corpus"), *list = NULL;
	size_t files = 0;

	if (dir == NULL)
		tu_skip();
	assert_int_equal(tu_sh(&list, "find %s -type f -size -2M | sort", dir), 0);
	for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len;
		char *page = tu_read_file(line, &len);

		assert_non_null(page);
		if (strlen(page) == len) /* text, not a binary file */
			fn(ctx, page);
		free(page);
		files++;
	}
	free(list);
	free(dir);
	return files;
}

struct links_each {
	void (*fn)(void *ctx, const char *link);
	void *ctx;
};

static void page_links(void *ctx, const char *page)
{
	const struct links_each *each = ctx;
	static const char *const attrs[] = { "href=", "src=", "action=", "HREF=" };

	for (size_t a = 0; a < sizeof(attrs) / sizeof(*attrs); a++)
		for (const char *p = page; (p = strstr(p, attrs[a])) != NULL;) {
			char q, link[2048];
			size_t n = 0;

			p += strlen(attrs[a]);
			q = *p;
			if (q != '"' && q != '\'')
				continue;
			for (p++; *p && *p != q && n + 1 < sizeof(link); p++) {
				if (strncmp(p, "&amp;", 5) == 0)
					p += 4;
				link[n++] = *p;
			}
			link[n] = '\0';
			each->fn(each->ctx, link);
		}
}

size_t tu_corpus_links(void (*fn)(void *ctx, const char *link), void *ctx)
{
	struct links_each each = { fn, ctx };

	return tu_corpus_each(page_links, &each);
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[size] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)size;
	return buf;
}

static int skipped;

int tu_skip_note(const char *file, int line)
{
	const char *all = getenv("REDLINE_REQUIRE_ALL");

	skipped++;
	fprintf(stderr, "SKIP: %s:%d cannot run here\n", file, line);
	return all != NULL && strcmp(all, "1") == 0;
}

int tu_exit(int failed)
{
	if (failed == 0 && skipped > 0) {
		fprintf(stderr, "%d test(s) skipped: exit %d (ctest: Skipped)\n", skipped,
			TU_EXIT_SKIPPED);
		return TU_EXIT_SKIPPED;
	}
	return failed;
}
