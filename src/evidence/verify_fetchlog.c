/*
 * verify_fetchlog.c - the fetch-log part of `redline verify`: every
 * source's fetches in one pass over the fetch log's files (each day file is
 * read once for all sources, not once per source), keeping only a tally a
 * source, so memory does not grow with the log.
 */
#include "evidence_internal.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/fetchlog.h"
#include "redline/timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What verify keeps of one source's fetch log while the files stream by. */
struct tally {
	const char *name;
	size_t fetches, bad;
	int64_t last_time;     /* of the last fetch that got an answer */
	char last_version[33]; /* "" when there is none */
};

struct scan {
	const evidence_fetchlog_check *c;
	struct tally *t;       /* sorted by name */
	size_t n;
	size_t bad_days;       /* malformed lines of the day files: no source to blame */
};

__attribute__((format(printf, 3, 4)))
static void say(const evidence_fetchlog_check *c, rl_verify_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	c->vsay(c->payload, level, fmt, ap);
	va_end(ap);
}

static int cmp_tally(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->name, ((const struct tally *)b)->name);
}

static int on_fetch(const char *source, const rl_fetchlog_entry *e, void *payload)
{
	struct scan *s = payload;
	struct tally key = { .name = source }, *t;
	git_oid id;

	t = source && s->n ? bsearch(&key, s->t, s->n, sizeof(*t), cmp_tally) : NULL;
	if (e == NULL) {
		if (t)
			t->bad++;
		else
			s->bad_days++;
		return 0;
	}
	if (t == NULL)
		return 0; /* a source removed since: no longer one of the archive's */
	t->fetches++;
	if (strcmp(e->outcome, "failed") != 0 && e->time >= t->last_time) {
		t->last_time = e->time;
		snprintf(t->last_version, sizeof(t->last_version), "%s", e->version);
	}
	if (strcmp(e->commit, "-") != 0 &&
	    (git_oid_fromstr(&id, e->commit) < 0 || !s->c->in_history(s->c->payload, &id)))
		say(s->c, RL_VERIFY_FAIL, "fetch log of '%s' names commit %.12s, which is not in "
		    "the history", source, e->commit);
	return 0;
}

void evidence_check_fetch_logs(const evidence_fetchlog_check *c)
{
	rl_strvec names = RL_STRVEC_INIT;
	struct scan s = { .c = c };
	char iso[RL_TIME_ISO_SIZE];

	if (rl_config_source_list(&names, c->archive) < 0 ||
	    (names.n && (s.t = calloc(names.n, sizeof(*s.t))) == NULL)) {
		rl_error_clear();
		goto done;
	}
	for (size_t i = 0; i < names.n; i++)
		s.t[i].name = names.v[i];
	s.n = names.n;
	if (s.n > 1)
		qsort(s.t, s.n, sizeof(*s.t), cmp_tally);
	if (rl_fetchlog_scan(c->archive, (const char *const *)names.v, names.n, on_fetch, &s) < 0) {
		say(c, RL_VERIFY_FAIL, "fetch log: %s", rl_error_last());
		rl_error_clear();
	}
	for (size_t i = 0; i < s.n; i++) {
		struct tally *t = &s.t[i];
		if (t->bad)
			say(c, RL_VERIFY_NOTE, "fetch log of '%s': %zu malformed lines", t->name, t->bad);
		if (t->last_version[0]) {
			rl_time_format_iso8601(iso, t->last_time);
			say(c, RL_VERIFY_OK, "%s: version %s last seen %s (%zu fetches logged)",
			    t->name, t->last_version, iso, t->fetches);
		}
	}
	if (s.bad_days)
		say(c, RL_VERIFY_NOTE, "fetch log day files: %zu malformed lines", s.bad_days);
done:
	free(s.t);
	rl_strvec_release(&names);
}
