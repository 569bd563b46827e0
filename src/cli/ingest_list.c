/*
 * ingest_list.c - `redline ingest --list FILE|-`: many sources' snapshots,
 * named one a line, in one process and one bounded group commit.
 *
 *     # SOURCE <TAB> FILE [<TAB> TIME]
 *     anp	anp/2026-11-28T0900.html	2026-11-28T09:00:00Z
 *
 * Two passes.  The first reads the whole list and checks every line (its
 * fields, the source's name and that the archive knows it, the time and
 * its order within the source, the file: inside the base directory, a
 * regular readable file within the snapshot cap) and ingests nothing if
 * one line is bad, so that a typo on line 5,000 does not leave a backfill
 * half done.  The second reads it again and ingests line by line; a list
 * that is not a regular file (standard input, a pipe) is spooled to an
 * unlinked temporary file by the first pass, so memory does not grow with
 * the list.  What fails in the second pass (a file that changed, a page
 * the guard refuses) is reported with its line and skipped, as `ingest a
 * b c` skips a bad file; the rest is committed.
 */
#include "ingest_list.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/history.h"
#include "redline/path.h"
#include "redline/buf.h"
#include "redline/timeutil.h"

#include <errno.h>
#include <limits.h>
#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A source the list names: whether the archive knows it, and its last
 * time in the list (snapshots of a source go forward in time). */
struct list_source {
	char *name;
	int known;
	int refused;           /* its first line said it is unknown */
	int has_time;
	int64_t time;
	size_t line;
};

struct list_ctx {
	const struct ingest_list_args *args;
	rl_archive *archive;
	const char *label;     /* the list as messages name it */
	char *base;            /* the real path of the base directory */
	size_t base_len;
	rl_strvec configured;  /* sources with a [source] section */
	struct list_source *src;
	size_t n_src, cap_src;
	struct hsearch_data names; /* name -> index into src + 1 (glibc's table) */
	int have_names;
	size_t errors, shown;   /* bad lines, and those printed */
};

/* One line of the list, its fields pointing into the line. */
struct list_entry {
	const char *source, *file;
	int has_time;
	int64_t time;
	char *path;            /* the file's real path, the caller's */
};

enum read_status { READ_EOF, READ_LINE, READ_TOO_LONG, READ_NUL };

/* The next line into buf (NUL-terminated, without its newline): a line
 * longer than INGEST_LIST_LINE_MAX is read to its end and reported, never
 * held. */
static enum read_status read_line(FILE *in, char *buf, size_t *len)
{
	int c, nul = 0;
	size_t n = 0, over = 0;

	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (c == '\0')
			nul = 1;
		if (n < INGEST_LIST_LINE_MAX)
			buf[n++] = (char)c;
		else
			over = 1;
	}
	buf[n] = '\0';
	*len = n;
	if (c == EOF && n == 0 && !over)
		return READ_EOF;
	return over ? READ_TOO_LONG : nul ? READ_NUL : READ_LINE;
}

/* Whether the archive knows `name`: configured (redline add), or a
 * directory at the top of HEAD (ingested before). */
static int source_known(struct list_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->configured.n; i++)
		if (strcmp(ctx->configured.v[i], name) == 0)
			return 1;
	return rl_history_is_source(ctx->archive, name);
}

/* The entry of source `name`, added on first sight; NULL past the cap or
 * out of memory (`why` says which). */
static struct list_source *find_source(struct list_ctx *ctx, const char *name, char *why,
				       size_t why_size)
{
	struct list_source *s;
	ENTRY want = { (char *)name, NULL }, *found = NULL;

	if (!ctx->have_names) {
		/* sized for the cap once: a table that cannot grow must not fill */
		if (hcreate_r(INGEST_LIST_SOURCES_MAX * 4 / 3, &ctx->names) == 0)
			goto nomem;
		ctx->have_names = 1;
	}
	if (hsearch_r(want, FIND, &found, &ctx->names) && found)
		return &ctx->src[(uintptr_t)found->data - 1];
	if (ctx->n_src >= INGEST_LIST_SOURCES_MAX) {
		snprintf(why, why_size, "more than %u sources in one list",
			 INGEST_LIST_SOURCES_MAX);
		return NULL;
	}
	if (rl_array_grow(&ctx->src, &ctx->cap_src, ctx->n_src, sizeof(*ctx->src), 16) < 0)
		goto nomem;
	s = &ctx->src[ctx->n_src];
	memset(s, 0, sizeof(*s));
	if ((s->name = strdup(name)) == NULL)
		goto nomem;
	want.key = s->name;
	want.data = (void *)(uintptr_t)(ctx->n_src + 1);
	if (hsearch_r(want, ENTER, &found, &ctx->names) == 0) {
		free(s->name);
		goto nomem;
	}
	s->known = ctx->args->new_sources || source_known(ctx, name);
	ctx->n_src++;
	return s;
nomem:
	snprintf(why, why_size, "out of memory");
	return NULL;
}

/* 1 when `file`, read as written, leaves the base directory: an absolute
 * path elsewhere, or a ".." climbing above it (said before asking whether
 * such a file exists). */
static int leaves_base(const struct list_ctx *ctx, const char *file)
{
	long depth = 0;

	if (file[0] == '/')
		return !(ctx->base_len == 1 || (strncmp(file, ctx->base, ctx->base_len) == 0 &&
						file[ctx->base_len] == '/'));
	for (const char *p = file; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (--depth < 0)
				return 1;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			depth++;
		}
		p += n + (p[n] == '/');
	}
	return 0;
}

/* The real path of `file` into e->path, when it is a regular, readable
 * file inside the base directory no bigger than a snapshot may be. */
static int check_file(struct list_ctx *ctx, struct list_entry *e, char *why, size_t why_size)
{
	char *joined = NULL, *real = NULL;
	struct stat st;
	int error = -1;

	if (strcmp(e->file, "-") == 0) {
		snprintf(why, why_size, "'-' (standard input) cannot be a snapshot of a list");
		return -1;
	}
	if (leaves_base(ctx, e->file))
		goto outside;
	if (asprintf(&joined, "%s%s%s", e->file[0] == '/' ? "" : ctx->base,
		     e->file[0] == '/' ? "" : "/", e->file) < 0) {
		joined = NULL;
		snprintf(why, why_size, "out of memory");
		goto done;
	}
	if ((real = realpath(joined, NULL)) == NULL) {
		snprintf(why, why_size, errno == ENOENT || errno == ENOTDIR ? "no such file '%s'"
					: "cannot open '%s': %s", e->file, strerror(errno));
		goto done;
	}
	/* Inside the base: a "../" or a symbolic link out of it is refused. */
	if (!(ctx->base_len == 1 ||
	      (strncmp(real, ctx->base, ctx->base_len) == 0 && real[ctx->base_len] == '/'))) {
outside:
		snprintf(why, why_size, "'%s' is outside %s (FILE must be inside the list's "
			 "directory, or --base DIR)", e->file, ctx->base);
		goto done;
	}
	if (stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, why_size, "'%s' is not a regular file", e->file);
		goto done;
	}
	if (st.st_size > (off_t)RL_EXTRACT_MAX_INPUT) {
		snprintf(why, why_size, "'%s' is %lld bytes, over the %u MiB of a snapshot",
			 e->file, (long long)st.st_size, RL_EXTRACT_MAX_INPUT >> 20);
		goto done;
	}
	if (access(real, R_OK) < 0) {
		snprintf(why, why_size, "cannot read '%s': %s", e->file, strerror(errno));
		goto done;
	}
	e->path = real;
	real = NULL;
	error = 0;
done:
	free(joined);
	free(real);
	return error;
}

/* Parses and checks one line: 1 for a line to ingest (e->path is then the
 * caller's), 0 for a blank line or a comment, -1 with `why` for a bad one. */
static int parse_line(struct list_entry *e, struct list_ctx *ctx, char *line, size_t len,
		      size_t lineno, char *why, size_t why_size)
{
	char *field[4] = { line, NULL, NULL, NULL };
	size_t n = 1;
	struct list_source *s;

	memset(e, 0, sizeof(*e));
	if (len > 0 && line[len - 1] == '\r') /* a list written on Windows */
		line[--len] = '\0';
	if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
		return 0;
	for (char *p = line; (p = strchr(p, '\t')) != NULL && n < 4;) {
		*p++ = '\0';
		field[n++] = p;
	}
	if (n == 1) {
		snprintf(why, why_size, "no TAB: a line is SOURCE<TAB>FILE[<TAB>TIME]");
		return -1;
	}
	if (n == 4) {
		snprintf(why, why_size, "more than 3 fields: a line is SOURCE<TAB>FILE[<TAB>TIME]");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (*field[i] == '\0') {
			snprintf(why, why_size, "empty %s", i == 0 ? "SOURCE" : i == 1 ? "FILE" : "TIME");
			return -1;
		}
	}
	e->source = field[0];
	e->file = field[1];
	if (rl_path_source_name_check(e->source) < 0) {
		snprintf(why, why_size, "bad source name '%s': %s", e->source, rl_error_last());
		rl_error_clear();
		return -1;
	}
	if ((s = find_source(ctx, e->source, why, why_size)) == NULL)
		return -1;
	if (!s->known) {
		/* Said once; its other lines count as bad but are not listed. */
		if (s->refused++)
			why[0] = '\0';
		else
			snprintf(why, why_size, "unknown source '%s': not in the archive and not "
				 "added (redline add); --new-sources accepts new ones (its other "
				 "lines are not listed)", e->source);
		return -1;
	}
	if (n == 3) {
		if (rl_time_parse_iso8601(&e->time, field[2]) < 0) {
			rl_error_clear();
			snprintf(why, why_size, "bad TIME '%s' (ISO 8601: 2026-11-28T09:00:00Z)",
				 field[2]);
			return -1;
		}
		e->has_time = 1;
		if (s->has_time && e->time < s->time) {
			snprintf(why, why_size, "TIME '%s' is before line %zu's, of the same source "
				 "'%s': a source's snapshots go in time order", field[2], s->line,
				 e->source);
			return -1;
		}
		s->has_time = 1;
		s->time = e->time;
		s->line = lineno;
	}
	return check_file(ctx, e, why, why_size) < 0 ? -1 : 1;
}

static void bad_line(struct list_ctx *ctx, size_t lineno, const char *fmt, ...)
{
	va_list ap;

	if (++ctx->errors > INGEST_LIST_ERRORS_SHOWN)
		return;
	ctx->shown++;
	fprintf(stderr, "redline: %s:%zu: ", ctx->label, lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* One pass over the list.  Checking: every line, spooling it when `spool`;
 * `*n_entries` counts the snapshots.  Ingesting (`opts` set): each line
 * in turn, `*failed` counting those that did not go in. */
static int list_pass(struct list_ctx *ctx, FILE *in, FILE *spool, size_t *n_entries,
		     rl_ingest_opts *opts, int *committed, size_t *failed)
{
	char *line = malloc(INGEST_LIST_LINE_MAX + 1), why[PATH_MAX + 512];
	size_t len, lineno = 0;
	enum read_status rs;

	if (line == NULL)
		return cli_error("out of memory");
	for (size_t i = 0; i < ctx->n_src; i++)
		ctx->src[i].has_time = 0;
	while ((rs = read_line(in, line, &len)) != READ_EOF) {
		struct list_entry e;
		char where[64];
		int ok;

		if (++lineno > INGEST_LIST_LINES_MAX) {
			bad_line(ctx, lineno, "more than %u lines: split the list",
				 INGEST_LIST_LINES_MAX);
			break;
		}
		if (rs == READ_TOO_LONG) {
			bad_line(ctx, lineno, "line longer than %d bytes", INGEST_LIST_LINE_MAX);
			continue;
		}
		if (rs == READ_NUL) {
			bad_line(ctx, lineno, "NUL byte in the line");
			continue;
		}
		if (spool && (fwrite(line, 1, len, spool) != len || putc('\n', spool) == EOF)) {
			free(line);
			return cli_error("cannot spool the list: %s", strerror(errno));
		}
		if ((ok = parse_line(&e, ctx, line, len, lineno, why, sizeof(why))) < 0) {
			if (opts) {
				fprintf(stderr, "redline: %s:%zu: %s\n", ctx->label, lineno, why);
				++*n_entries;
				++*failed;
			} else {
				if (why[0])
					bad_line(ctx, lineno, "%s", why);
				else
					ctx->errors++;
			}
			continue;
		}
		if (ok == 0)
			continue;
		++*n_entries;
		if (opts) {
			opts->time = e.has_time ? e.time : (int64_t)time(NULL);
			snprintf(where, sizeof(where), "%s:%zu", ctx->label, lineno);
			if (cli_ingest_file(committed, ctx->archive, e.source, e.path, opts, where) !=
			    CLI_OK)
				++*failed;
		}
		free(e.path);
	}
	free(line);
	if (ferror(in))
		return cli_error("cannot read '%s': %s", ctx->label, strerror(errno));
	return CLI_OK;
}

/* The real path of the directory FILE paths are relative to. */
static int find_base(struct list_ctx *ctx)
{
	const char *dir = ctx->args->base;
	char *copy = NULL, *slash;
	struct stat st;

	if (dir == NULL && strcmp(ctx->args->list, "-") != 0) {
		if ((copy = strdup(ctx->args->list)) == NULL)
			return cli_error("out of memory");
		slash = strrchr(copy, '/');
		if (slash == copy)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		dir = slash ? copy : ".";
	}
	ctx->base = realpath(dir ? dir : ".", NULL);
	if (ctx->base == NULL || stat(ctx->base, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int status = cli_usage_error("redline ingest --list FILE|- [--base DIR]",
					     "'%s' is not a directory", dir ? dir : ".");
		free(copy);
		return status;
	}
	ctx->base_len = strlen(ctx->base);
	free(copy);
	return CLI_OK;
}

int cli_ingest_list(int *committed, rl_archive *archive, const struct ingest_list_args *args,
		    rl_ingest_opts *opts)
{
	struct list_ctx ctx = { 0 };
	FILE *in = NULL, *spool = NULL;
	size_t n_entries = 0, failed = 0;
	struct stat st;
	int status;

	ctx.args = args;
	ctx.archive = archive;
	ctx.label = strcmp(args->list, "-") == 0 ? "<stdin>" : args->list;
	if ((status = find_base(&ctx)) != CLI_OK)
		goto done;
	if (rl_config_source_list(&ctx.configured, archive) < 0) {
		status = cli_fail();
		goto done;
	}
	in = strcmp(args->list, "-") == 0 ? stdin : fopen(args->list, "r");
	if (in == NULL) {
		status = cli_error("cannot open '%s': %s", args->list, strerror(errno));
		goto done;
	}
	/* Read twice: what cannot be rewound is kept in a temporary file. */
	if (fstat(fileno(in), &st) < 0 || !S_ISREG(st.st_mode)) {
		if ((spool = tmpfile()) == NULL) {
			status = cli_error("cannot spool '%s': %s", ctx.label, strerror(errno));
			goto done;
		}
	}
	if ((status = list_pass(&ctx, in, spool, &n_entries, NULL, NULL, NULL)) != CLI_OK)
		goto done;
	if (ctx.errors) {
		if (ctx.errors > ctx.shown)
			fprintf(stderr, "redline: %s: %zu more bad lines not shown\n", ctx.label,
				ctx.errors - ctx.shown);
		fprintf(stderr, "redline: nothing ingested: %zu bad line%s in '%s'\n", ctx.errors,
			ctx.errors == 1 ? "" : "s", ctx.label);
		status = CLI_USAGE;
		goto done;
	}
	if (n_entries == 0) {
		cli_warn("'%s' lists no snapshots", ctx.label);
		goto done;
	}
	if (spool ? fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0
		  : fseek(in, 0, SEEK_SET) != 0) {
		status = cli_error("cannot read '%s' again: %s", ctx.label, strerror(errno));
		goto done;
	}
	n_entries = 0;
	status = list_pass(&ctx, spool ? spool : in, NULL, &n_entries, opts, committed, &failed);
	if (status == CLI_OK && failed) {
		fprintf(stderr, "redline: %s: %zu of %zu snapshot%s failed; the others are "
			"ingested\n", ctx.label, failed, n_entries, n_entries == 1 ? "" : "s");
		status = CLI_ERROR;
	}
done:
	if (spool)
		fclose(spool);
	if (in && in != stdin)
		fclose(in);
	for (size_t i = 0; i < ctx.n_src; i++)
		free(ctx.src[i].name);
	free(ctx.src);
	if (ctx.have_names)
		hdestroy_r(&ctx.names);
	rl_strvec_release(&ctx.configured);
	free(ctx.base);
	return status;
}
