/*
 * normalise.c - text normalisation, so that only news makes a diff.
 *
 * The rules of normalise.h run as passes over the whole text, each one
 * producing a new bounded buffer (RL_NORMALISE_MAX): repair (charset.c),
 * fold invisible characters and spaces, NFC (utf8proc), strip relative
 * times (rules in reltime.c), strip counters and ticker stamps (counters.c,
 * unless the source keeps them), strip the source's ignore patterns, tidy
 * whitespace.  Invariant between passes: valid UTF-8 without NUL.
 *
 * A normaliser is immutable after rl_normaliser_new(): match data is made
 * per call, so one normaliser may serve several threads (compiled patterns
 * and the match context are only read while matching, as PCRE2 allows; the
 * JIT uses its default stack, on the calling thread).  The built-in rules
 * are compiled once per process and shared by every normaliser.
 *
 * Cost: every field of every story passes twelve built-in patterns, which
 * nearly never match.  A built-in rule runs only where the cheap test of
 * normalise_filter.c says it may match, and a pass that matches nothing
 * copies nothing; one match data serves every pattern of a call.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "redline/normalise.h"
#include "redline/charset.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "normalise_internal.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Bounds backtracking of a hostile page against a careless pattern. */
#define MATCH_LIMIT 10000000u
#define DEPTH_LIMIT 100000u

struct rl_normaliser {
	pcre2_code **reltime;     /* the built-in rules: shared, never freed here */
	size_t n_reltime;
	pcre2_code **counters;    /* built-in too; used unless switched off */
	size_t n_counters;
	bool keep_counters;
	pcre2_code **ignore;
	size_t n_ignore;
	pcre2_match_context *mctx;
	bool unfiltered;          /* tests: every rule runs (normalise_internal.h) */
};

void rl_normaliser_free(rl_normaliser *nz)
{
	if (nz == NULL)
		return;
	for (size_t i = 0; i < nz->n_ignore; i++)
		pcre2_code_free(nz->ignore[i]);
	free(nz->ignore);
	pcre2_match_context_free(nz->mctx);
	free(nz);
}

static int compile(pcre2_code **out, const char *pattern, uint32_t options, const char *what)
{
	int errcode;
	PCRE2_SIZE offset;
	PCRE2_UCHAR msg[256];

	*out = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, options,
			     &errcode, &offset, NULL);
	if (*out == NULL) {
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return rl_error_set(RL_EINVAL, "bad %s '%s' at offset %zu: %s",
				    what, pattern, (size_t)offset, (const char *)msg);
	}
	/* JIT is only a speed-up: without it the interpreter gives the same matches */
	pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
	return 0;
}

/* The built-in relative-time rules are compiled (and JIT-compiled) once per
 * process: a `run` over a thousand sources makes a thousand normalisers.
 * Compiled patterns are read-only while matching, so sharing them is safe. */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static pcre2_code **builtin_rules;
static size_t builtin_count;
static pcre2_code **counter_rules;
static size_t counter_count;
static int builtin_error;
static char builtin_message[512];

static void compile_builtin(void)
{
	const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_CASELESS;
	const char *const *rules = rl_normalise_reltime_rules(&builtin_count);
	const char *const *counters = rl_normalise_counter_rules(&counter_count);

	if ((builtin_rules = calloc(builtin_count, sizeof(*builtin_rules))) == NULL ||
	    (counter_rules = calloc(counter_count, sizeof(*counter_rules))) == NULL) {
		builtin_error = rl_error_set(RL_ENOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < builtin_count; i++) {
		if ((builtin_error = compile(&builtin_rules[i], rules[i], options,
					     "relative-time rule")) < 0) {
			snprintf(builtin_message, sizeof(builtin_message), "%s", rl_error_last());
			return;
		}
	}
	for (size_t i = 0; i < counter_count; i++) {
		if ((builtin_error = compile(&counter_rules[i], counters[i], options,
					     "counter rule")) < 0) {
			snprintf(builtin_message, sizeof(builtin_message), "%s", rl_error_last());
			return;
		}
	}
}

void rl_normaliser_keep_counters(rl_normaliser *nz, bool keep)
{
	nz->keep_counters = keep;
}

void rl_normaliser_set_unfiltered(rl_normaliser *nz, bool unfiltered)
{
	nz->unfiltered = unfiltered;
}

int rl_normaliser_new(rl_normaliser **out, const char *const *ignore_patterns, size_t n)
{
	const uint32_t base = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE;
	rl_normaliser *nz;
	int error = 0;

	*out = NULL;
	pthread_once(&builtin_once, compile_builtin);
	if (builtin_error < 0)
		return rl_error_set(builtin_error, "%s", builtin_message);
	if ((nz = calloc(1, sizeof(*nz))) == NULL ||
	    (n && (nz->ignore = calloc(n, sizeof(*nz->ignore))) == NULL) ||
	    (nz->mctx = pcre2_match_context_create(NULL)) == NULL) {
		error = rl_error_set(RL_ENOMEM, "out of memory");
		goto done;
	}
	nz->reltime = builtin_rules;
	nz->n_reltime = builtin_count;
	nz->counters = counter_rules;
	nz->n_counters = counter_count;
	pcre2_set_match_limit(nz->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(nz->mctx, DEPTH_LIMIT);
	for (; nz->n_ignore < n; nz->n_ignore++) {
		if (ignore_patterns[nz->n_ignore] == NULL) {
			error = rl_error_set(RL_EINVAL, "ignore pattern %zu is missing", nz->n_ignore);
			goto done;
		}
		if ((error = compile(&nz->ignore[nz->n_ignore], ignore_patterns[nz->n_ignore],
				     base, "ignore pattern")) < 0)
			goto done;
	}
	*out = nz;
	nz = NULL;
done:
	rl_normaliser_free(nz);
	return error;
}

/* The text between the passes of one call: `cur` holds it (NUL-ended),
 * `spare` takes the next version; what the filters know of `cur` is
 * computed when first asked after a change. */
struct pass {
	rl_buf cur, spare;
	nf_text nf;
	bool nf_stale;
	uint32_t utf_check;       /* 0, or PCRE2_NO_UTF_CHECK when `cur` is known valid */
	pcre2_match_data *md;
};

enum rule_set { SET_RELTIME, SET_COUNTERS, SET_IGNORE };

static int pass_init(struct pass *p, const char *in, size_t len)
{
	memset(p, 0, sizeof(*p));
	rl_buf_init(&p->cur, RL_NORMALISE_MAX);
	rl_buf_init(&p->spare, RL_NORMALISE_MAX);
	p->nf_stale = true;
	/* One pair is all that is read; PCRE2 fills what fits. */
	if ((p->md = pcre2_match_data_create(1, NULL)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	if (in == NULL)
		return 0;
	if (len > RL_NORMALISE_MAX)
		return rl_error_set(RL_ETOOBIG, "text larger than %u bytes", RL_NORMALISE_MAX);
	return rl_buf_put(&p->cur, in, len) < 0 ? RL_ENOMEM : rl_buf_put(&p->cur, "", 0);
}

static void pass_release(struct pass *p)
{
	rl_buf_release(&p->cur);
	rl_buf_release(&p->spare);
	nf_text_release(&p->nf);
	pcre2_match_data_free(p->md);
}

static void pass_swap(struct pass *p)
{
	rl_buf tmp = p->cur;
	p->cur = p->spare;
	p->spare = tmp;
	rl_buf_clear(&p->spare);
	p->nf_stale = true;
}

static int match_error(int rc, const char *what)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	return rl_error_set(rc == PCRE2_ERROR_NOMEMORY ? RL_ENOMEM : RL_EINVAL, "cannot match %s: %s",
			    what, (const char *)msg);
}

/* Every match of `re` in the text becomes one space (rule 6 tidies up). */
static int strip_matches(struct pass *p, const rl_normaliser *nz, const pcre2_code *re,
			 const char *what)
{
	const char *in = p->cur.ptr ? p->cur.ptr : "";
	size_t len = p->cur.len;
	PCRE2_SIZE offset = 0, copied = 0, *ov = pcre2_get_ovector_pointer(p->md);
	uint32_t options = p->utf_check;
	bool changed = false;
	int rc, error = 0;

	while (offset <= len) {
		rc = pcre2_match(re, (PCRE2_SPTR)in, len, offset, options, p->md, nz->mctx);
		/* the whole subject was checked once: checking it again at every
		 * match would make many matches quadratic */
		options = PCRE2_NO_UTF_CHECK;
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)
			return match_error(rc, what);
		if (ov[1] <= ov[0]) {
			/* an empty match removes nothing: step over one character */
			offset = ov[0] + 1;
			while (offset < len && ((unsigned char)in[offset] & 0xC0) == 0x80)
				offset++;
			continue;
		}
		if ((error = rl_buf_put(&p->spare, in + copied, ov[0] - copied)) < 0 ||
		    (error = rl_buf_putc(&p->spare, ' ')) < 0)
			return error;
		copied = offset = ov[1];
		changed = true;
	}
	if (!changed)
		return 0; /* nothing removed: the text stays where it is */
	if ((error = rl_buf_put(&p->spare, in + copied, len - copied)) < 0 ||
	    (error = rl_buf_put(&p->spare, "", 0)) < 0)
		return error;
	pass_swap(p);
	return 0;
}

/* May built-in rule `i` of `set` match the text?  Asks normalise_filter.c. */
static int may_match(bool *out, struct pass *p, enum rule_set set, size_t i)
{
	int error;

	if (p->nf_stale) {
		if ((error = nf_text_set(&p->nf, p->cur.ptr ? p->cur.ptr : "", p->cur.len)) < 0)
			return error;
		p->nf_stale = false;
	}
	*out = set == SET_RELTIME ? nf_reltime_may_match(i, &p->nf) : nf_counter_may_match(i, &p->nf);
	return 0;
}

/* Runs the rules of `set` one after the other over the text. */
static int strip_set(struct pass *p, const rl_normaliser *nz, enum rule_set set)
{
	static const char *const whats[] = { "relative-time rule", "counter rule",
					     "ignore pattern" };
	pcre2_code *const *res = set == SET_RELTIME ? nz->reltime
				 : set == SET_COUNTERS ? nz->counters
						       : nz->ignore;
	size_t n = set == SET_RELTIME ? nz->n_reltime
		   : set == SET_COUNTERS ? (nz->keep_counters ? 0 : nz->n_counters)
					 : nz->n_ignore;
	int error;

	for (size_t i = 0; i < n; i++) {
		bool may = true;
		if (set != SET_IGNORE && !nz->unfiltered && (error = may_match(&may, p, set, i)) < 0)
			return error;
		if (may && (error = strip_matches(p, nz, res[i], whats[set])) < 0)
			return error;
	}
	return 0;
}

/* One rule set alone, for the public single-rule functions. */
static int strip_one_set(char **out, const rl_normaliser *nz, enum rule_set set, const char *in)
{
	struct pass p;
	int error;

	*out = NULL;
	if ((error = pass_init(&p, in, strlen(in))) < 0 || (error = strip_set(&p, nz, set)) < 0)
		goto done;
	*out = rl_buf_detach(&p.cur);
	if (*out == NULL && (*out = calloc(1, 1)) == NULL)
		error = rl_error_set(RL_ENOMEM, "out of memory");
done:
	pass_release(&p);
	return error;
}

int rl_normalise_strip_relative_times(char **out, const rl_normaliser *nz, const char *in)
{
	return strip_one_set(out, nz, SET_RELTIME, in);
}

int rl_normalise_strip_counters(char **out, const rl_normaliser *nz, const char *in)
{
	return strip_one_set(out, nz, SET_COUNTERS, in);
}

int rl_normalise_strip_ignored(char **out, const rl_normaliser *nz, const char *in)
{
	return strip_one_set(out, nz, SET_IGNORE, in);
}

/* Characters nobody sees: they only make invisible diffs. */
static bool is_invisible(utf8proc_int32_t c)
{
	return c == 0x00AD ||                   /* soft hyphen */
	       c == 0x180E ||                   /* Mongolian vowel separator */
	       (c >= 0x200B && c <= 0x200F) ||  /* ZWSP, ZWNJ, ZWJ, LRM, RLM */
	       (c >= 0x202A && c <= 0x202E) ||  /* bidi embeddings and overrides */
	       (c >= 0x2060 && c <= 0x2064) ||  /* word joiner, invisible operators */
	       (c >= 0x2066 && c <= 0x2069) ||  /* bidi isolates */
	       c == 0xFEFF;                     /* BOM, zero-width no-break space */
}

static bool is_space(utf8proc_int32_t c)
{
	return c == '\t' || c == '\v' || c == '\f' || c == 0x00A0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Rule 2 on repaired UTF-8: drops NUL, controls and invisibles, folds spaces
 * and line ends. */
static int fold(rl_buf *out, const char *in, size_t len)
{
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)in;
	utf8proc_ssize_t i = 0, n;
	utf8proc_int32_t c;
	int error = 0;

	while ((size_t)i < len && error == 0) {
		/* Printable ASCII runs are copied as they are, in one go. */
		utf8proc_ssize_t run = i;
		while ((size_t)run < len && s[run] >= 0x20 && s[run] < 0x7F)
			run++;
		if (run > i) {
			error = rl_buf_put(out, s + i, (size_t)(run - i));
			i = run;
			continue;
		}
		n = utf8proc_iterate(s + i, (utf8proc_ssize_t)len - i, &c);
		if (n <= 0) /* cannot happen after repair; be safe anyway */
			return rl_error_set(RL_EINVAL, "invalid utf-8 at byte %zu", (size_t)i);
		if (c == '\r') {
			if ((size_t)i + 1 < len && s[i + 1] == '\n')
				n++;
			error = rl_buf_putc(out, '\n');
		} else if (c == '\n' || c == 0x2028 || c == 0x2029 || c == 0x85) {
			error = rl_buf_putc(out, '\n');
		} else if (is_space(c)) {
			error = rl_buf_putc(out, ' ');
		} else if (c < 0x20 || (c >= 0x7F && c < 0xA0) || is_invisible(c)) {
			/* dropped */
		} else {
			error = rl_buf_put(out, s + i, (size_t)n);
		}
		i += n;
	}
	return error;
}

/* Text whose code points are all below U+0300 (ASCII, Latin-1, Latin
 * Extended A and B: lead bytes up to 0xCB) is already NFC: none of those
 * characters decomposes, and nothing can combine with them without a
 * combining mark, which starts at U+0300.  Most Dutch, German, French and
 * English news never needs utf8proc at all. */
static bool nfc_stable(const char *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0xCC)
			return false;
	return true;
}

/* Rule 3.  utf8proc allocates with malloc(); the result is copied into our
 * bounded buffer and freed here, so it never leaves this function. */
static int nfc(rl_buf *out, const char *in, size_t len)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;
	int error;

	if (len == 0)
		return rl_buf_put(out, "", 0);
	if (nfc_stable(in, len))
		return rl_buf_put(out, in, len);
	n = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &dst,
			 UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (n < 0)
		return rl_error_set(n == UTF8PROC_ERROR_NOMEM ? RL_ENOMEM : RL_EINVAL,
				    "cannot normalise to nfc: %s", utf8proc_errmsg(n));
	error = rl_buf_put(out, dst, (size_t)n);
	free(dst);
	return error;
}

/* Rule 6: one space between words, no space at either end of a line, no
 * empty line, no trailing '\n'.  After rule 2 the only whitespace left is
 * ' ' and '\n'. */
static int tidy(rl_buf *out, const char *in, size_t len)
{
	size_t i = 0;
	char *o;
	int error;

	/* The result is never longer than `in`: written in place, no growing. */
	if ((error = rl_buf_grow(out, len)) < 0)
		return error;
	o = out->ptr + out->len;
	while (i < len) {
		size_t end = i, a, b;
		const char *nl = memchr(in + i, '\n', len - i);
		end = nl ? (size_t)(nl - in) : len;
		for (a = i; a < end && in[a] == ' '; a++)
			;
		for (b = end; b > a && in[b - 1] == ' '; b--)
			;
		if (a < b) {
			if (o > out->ptr)
				*o++ = '\n';
			for (size_t k = a; k < b; k++)
				if (in[k] != ' ' || in[k - 1] != ' ')
					*o++ = in[k];
		}
		i = end + 1;
	}
	*o = '\0';
	out->len = (size_t)(o - out->ptr);
	return 0;
}

/* Rules 1-3: the repaired, folded NFC text of `in` into p->cur. */
static int unicode_passes(struct pass *p, const char *in, size_t len)
{
	char *repaired = NULL;
	size_t rlen;
	int error;

	if (len > RL_NORMALISE_MAX)
		return rl_error_set(RL_ETOOBIG, "text larger than %u bytes", RL_NORMALISE_MAX);
	rl_buf_clear(&p->cur);
	rl_buf_clear(&p->spare);
	/* Valid UTF-8 (nearly every field) is its own repair: no copy. */
	if (rl_charset_is_utf8(in, len)) {
		rlen = len;
	} else if ((error = rl_charset_repair_utf8(&repaired, &rlen, in, len)) < 0) {
		goto done;
	}
	/* Folding never makes text longer: one allocation holds it. */
	if ((error = rl_buf_grow(&p->spare, rlen)) < 0 ||
	    (error = fold(&p->spare, repaired ? repaired : in, rlen)) < 0 ||
	    (error = rl_buf_put(&p->spare, "", 0)) < 0)
		goto done;
	if (nfc_stable(p->spare.ptr, p->spare.len)) {
		pass_swap(p); /* already NFC: no copy */
	} else if ((error = nfc(&p->cur, p->spare.ptr, p->spare.len)) == 0) {
		error = rl_buf_put(&p->cur, "", 0);
		rl_buf_clear(&p->spare);
		p->nf_stale = true;
	}
done:
	if (error == RL_ETOOBIG)
		rl_error_set(RL_ETOOBIG, "text larger than %u bytes", RL_NORMALISE_MAX);
	free(repaired);
	return error;
}

/* Rule 6 over p->cur, the result detached into `*out`. */
static int tidy_out(char **out, struct pass *p)
{
	int error;

	rl_buf_clear(&p->spare);
	if ((error = tidy(&p->spare, p->cur.ptr ? p->cur.ptr : "", p->cur.len)) < 0)
		return error;
	*out = rl_buf_detach(&p->spare);
	return 0;
}

int rl_normalise_unicode(char **out, const char *in, size_t len)
{
	struct pass p;
	int error;

	*out = NULL;
	if ((error = pass_init(&p, NULL, 0)) < 0 || (error = unicode_passes(&p, in, len)) < 0)
		goto done;
	error = tidy_out(out, &p);
done:
	pass_release(&p);
	return error;
}

int rl_normalise_text(char **out, const rl_normaliser *nz, const char *in, size_t len)
{
	struct pass p;
	int error;

	*out = NULL;
	if ((error = pass_init(&p, NULL, 0)) < 0 || (error = unicode_passes(&p, in, len)) < 0)
		goto done;
	/* Repaired above, and every pass keeps it valid UTF-8 (matches are cut
	 * at character boundaries): PCRE2 need not check it again. */
	p.utf_check = PCRE2_NO_UTF_CHECK;
	if ((error = strip_set(&p, nz, SET_RELTIME)) < 0 ||
	    (error = strip_set(&p, nz, SET_COUNTERS)) < 0 ||
	    (error = strip_set(&p, nz, SET_IGNORE)) < 0)
		goto done;
	error = tidy_out(out, &p);
done:
	pass_release(&p);
	return error;
}
