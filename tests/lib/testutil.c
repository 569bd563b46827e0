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
