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
 * per call, so one normaliser may serve several threads.  The built-in
 * rules are compiled once per process and shared by every normaliser.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "redline/normalise.h"
#include "redline/charset.h"
#include "redline/buf.h"
#include "redline/error.h"

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

/* Every match of `re` in `in` becomes one space (rule 6 tidies up). */
static int strip_matches(rl_buf *out, const rl_normaliser *nz, const pcre2_code *re,
			 const char *in, size_t len, const char *what)
{
	pcre2_match_data *md;
	PCRE2_SIZE offset = 0, copied = 0, *ov;
	uint32_t options = 0;
	int rc, error = 0;

	if ((md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL)
		return rl_error_set(RL_ENOMEM, "out of memory");
	while (offset <= len) {
		rc = pcre2_match(re, (PCRE2_SPTR)in, len, offset, options, md, nz->mctx);
		/* the whole subject was checked once: checking it again at every
		 * match would make many matches quadratic */
		options = PCRE2_NO_UTF_CHECK;
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof(msg));
			error = rl_error_set(rc == PCRE2_ERROR_NOMEMORY ? RL_ENOMEM : RL_EINVAL,
					     "cannot match %s: %s", what, (const char *)msg);
			goto done;
		}
		ov = pcre2_get_ovector_pointer(md);
		if (ov[1] <= ov[0]) {
			/* an empty match removes nothing: step over one character */
			offset = ov[0] + 1;
			while (offset < len && ((unsigned char)in[offset] & 0xC0) == 0x80)
				offset++;
			continue;
		}
		if ((error = rl_buf_put(out, in + copied, ov[0] - copied)) < 0 ||
		    (error = rl_buf_putc(out, ' ')) < 0)
			goto done;
		copied = offset = ov[1];
	}
	error = rl_buf_put(out, in + copied, len - copied);
done:
	pcre2_match_data_free(md);
	return error;
}

/* Runs `n` patterns one after the other over `in`. */
static int strip_all(char **out, const rl_normaliser *nz, pcre2_code *const *res, size_t n,
		     const char *in, const char *what)
{
	rl_buf a = RL_BUF_INIT(RL_NORMALISE_MAX), b = RL_BUF_INIT(RL_NORMALISE_MAX);
	int error;

	*out = NULL;
	if ((error = rl_buf_puts(&a, in)) < 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		rl_buf tmp;
		rl_buf_clear(&b);
		if ((error = strip_matches(&b, nz, res[i], a.ptr, a.len, what)) < 0 ||
		    (error = rl_buf_put(&b, "", 0)) < 0)
			goto done;
		tmp = a, a = b, b = tmp;
	}
	*out = rl_buf_detach(&a);
done:
	rl_buf_release(&a);
	rl_buf_release(&b);
	return error;
}

int rl_normalise_strip_relative_times(char **out, const rl_normaliser *nz, const char *in)
{
	return strip_all(out, nz, nz->reltime, nz->n_reltime, in, "relative-time rule");
}

int rl_normalise_strip_counters(char **out, const rl_normaliser *nz, const char *in)
{
	return strip_all(out, nz, nz->counters, nz->keep_counters ? 0 : nz->n_counters, in,
			 "counter rule");
}

int rl_normalise_strip_ignored(char **out, const rl_normaliser *nz, const char *in)
{
	return strip_all(out, nz, nz->ignore, nz->n_ignore, in, "ignore pattern");
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
	int error = 0;

	while (i < len && error == 0) {
		size_t end = i, a, b;
		while (end < len && in[end] != '\n')
			end++;
		for (a = i; a < end && in[a] == ' '; a++)
			;
		for (b = end; b > a && in[b - 1] == ' '; b--)
			;
		if (a < b) {
			if (out->len > 0)
				error = rl_buf_putc(out, '\n');
			for (size_t k = a; k < b && error == 0; k++)
				if (in[k] != ' ' || in[k - 1] != ' ')
					error = rl_buf_putc(out, in[k]);
		}
		i = end + 1;
	}
	if (error == 0)
		error = rl_buf_put(out, "", 0);
	return error;
}

/* Rules 1-3 into `out`. */
static int unicode_passes(rl_buf *out, const char *in, size_t len)
{
	rl_buf tmp = RL_BUF_INIT(RL_NORMALISE_MAX);
	char *repaired = NULL;
	size_t rlen;
	int error;

	if (len > RL_NORMALISE_MAX)
		return rl_error_set(RL_ETOOBIG, "text larger than %u bytes", RL_NORMALISE_MAX);
	if ((error = rl_charset_repair_utf8(&repaired, &rlen, in, len)) < 0 ||
	    (error = fold(&tmp, repaired, rlen)) < 0 ||
	    (error = rl_buf_put(&tmp, "", 0)) < 0 ||
	    (error = nfc(out, tmp.ptr, tmp.len)) < 0)
		goto done;
done:
	if (error == RL_ETOOBIG)
		rl_error_set(RL_ETOOBIG, "text larger than %u bytes", RL_NORMALISE_MAX);
	free(repaired);
	rl_buf_release(&tmp);
	return error;
}

int rl_normalise_unicode(char **out, const char *in, size_t len)
{
	rl_buf a = RL_BUF_INIT(RL_NORMALISE_MAX), b = RL_BUF_INIT(RL_NORMALISE_MAX);
	int error;

	*out = NULL;
	if ((error = unicode_passes(&a, in, len)) < 0 ||
	    (error = tidy(&b, a.ptr, a.len)) < 0)
		goto done;
	*out = rl_buf_detach(&b);
done:
	rl_buf_release(&a);
	rl_buf_release(&b);
	return error;
}

int rl_normalise_text(char **out, const rl_normaliser *nz, const char *in, size_t len)
{
	rl_buf a = RL_BUF_INIT(RL_NORMALISE_MAX), b = RL_BUF_INIT(RL_NORMALISE_MAX);
	char *noreltime = NULL, *nocounters = NULL, *noignored = NULL;
	int error;

	*out = NULL;
	if ((error = unicode_passes(&a, in, len)) < 0 ||
	    (error = rl_normalise_strip_relative_times(&noreltime, nz, a.ptr)) < 0 ||
	    (error = rl_normalise_strip_counters(&nocounters, nz, noreltime)) < 0 ||
	    (error = rl_normalise_strip_ignored(&noignored, nz, nocounters)) < 0 ||
	    (error = tidy(&b, noignored, strlen(noignored))) < 0)
		goto done;
	*out = rl_buf_detach(&b);
done:
	free(noreltime);
	free(nocounters);
	free(noignored);
	rl_buf_release(&a);
	rl_buf_release(&b);
	return error;
}
