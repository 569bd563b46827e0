/*
 * extract_text.c - items from plain text, like a news page copied as text.
 *
 * One line is one paragraph.  When the text holds wire datelines
 * ("KYIV (ANP) - "), the first line is the main story's headline and each
 * later dateline starts a wire item whose title is its first sentence.
 * Relative times ("2 uur geleden") standing alone or glued to a dateline
 * are dropped, as are section headings that sit right above a dateline.
 * Without datelines the text is one item, or one item a block when every
 * blank-line-separated block opens with a headline.  The input is made
 * valid UTF-8 first (NUL and bad bytes become U+FFFD).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "redline/extract.h"
#include "redline/error.h"
#include "xml_internal.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define TITLE_MAX 150
#define HEADING_MAX 80

/* A place in capitals (accents, hyphens, dots allowed), then an agency in
 * parentheses, then a dash; the place may be missing ("(ANP) - "). */
static const char dateline_re[] =
	"^(?:\\p{Lu}[\\p{Lu}\\p{M}'\\x{2019}.\\-]*(?:[ ]+[\\p{Lu}\\p{M}'\\x{2019}.\\-]+){0,5}[ ]*)?"
	"\\(\\p{L}[\\p{L}\\p{N}/&.\\- ]{0,29}\\)[ \\x{A0}]*[-\\x{2013}\\x{2014}][ \\x{A0}]+";

static const char reltime_re[] =
	"^(?:(?:\\d+|een|\\x{E9}\\x{E9}n)\\s+(?:seconden?|minuten?|minuut|uur|uren|dagen?|weken?|"
	"maanden?|jaar|jaren)\\s+geleden"
	"|(?:\\d+|an?|one)\\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|"
	"years?)\\s+ago"
	"|vor\\s+(?:\\d+|einer|einem|eine)\\s+(?:Sekunden?|Minuten?|Stunden?|Tag(?:en)?|Wochen?|"
	"Monat(?:en)?|Jahr(?:en)?)"
	"|il\\s+y\\s+a\\s+(?:\\d+|une?)\\s+(?:secondes?|minutes?|min|heures?|h|jours?|semaines?|"
	"mois|ans?))";

typedef struct line {
	const char *s;
	size_t n;
	int blank_before; /* a blank line separates it from the previous line */
} line;

typedef enum kind { K_TEXT, K_REL, K_DATELINE } kind;

typedef struct ctx {
	pcre2_code *dateline, *rel;
	pcre2_match_data *md;
	const char *text;
	size_t len;
} ctx;

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Next non-blank line from *pos; 0 at the end. */
static int next_line(const ctx *c, size_t *pos, line *out)
{
	int blank = 0;

	while (*pos < c->len) {
		const char *s = c->text + *pos, *nl = memchr(s, '\n', c->len - *pos);
		size_t n = nl ? (size_t)(nl - s) : c->len - *pos;
		*pos += n + (nl != NULL);
		while (n > 0 && is_ws(*s))
			s++, n--;
		while (n > 0 && is_ws(s[n - 1]))
			n--;
		if (n == 0) {
			blank = 1;
			continue;
		}
		out->s = s;
		out->n = n;
		out->blank_before = blank;
		return 1;
	}
	return 0;
}

static size_t match_len(const ctx *c, pcre2_code *re, const char *s, size_t n)
{
	if (pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK, c->md, NULL) < 0)
		return 0;
	return pcre2_get_ovector_pointer(c->md)[1];
}

/* Classifies a line; a relative time glued to a dateline is cut off `l`. */
static kind classify(const ctx *c, line *l)
{
	size_t k = match_len(c, c->rel, l->s, l->n);

	if (k > 0) {
		size_t j = k;
		while (j < l->n && is_ws(l->s[j]))
			j++;
		if (j == l->n)
			return K_REL;
		if (match_len(c, c->dateline, l->s + j, l->n - j) > 0) {
			l->s += j;
			l->n -= j;
			return K_DATELINE;
		}
		return K_TEXT;
	}
	return match_len(c, c->dateline, l->s, l->n) > 0 ? K_DATELINE : K_TEXT;
}

/* Next line that is not a lone relative time. */
static int next_significant(const ctx *c, size_t *pos, line *l, kind *k)
{
	while (next_line(c, pos, l)) {
		if ((*k = classify(c, l)) != K_REL)
			return 1;
	}
	return 0;
}

static int ends_like_sentence(const line *l)
{
	static const char *const ends[] = { ".", "!", "?", ":", ";", ",", "\"", "'",
					    "\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB", NULL };
	for (const char *const *e = ends; *e; e++) {
		size_t k = strlen(*e);
		if (l->n >= k && memcmp(l->s + l->n - k, *e, k) == 0)
			return 1;
	}
	return 0;
}

static int headline_like(const line *l, size_t max)
{
	return l->n <= max && !ends_like_sentence(l);
}

static int is_heading(const line *l)
{
	size_t words = 1;

	if (!headline_like(l, HEADING_MAX))
		return 0;
	for (size_t i = 0; i < l->n; i++)
		words += l->s[i] == ' ';
	return words <= 8;
}

static int upper_or_quote(const char *s, size_t n)
{
	utf8proc_int32_t cp;

	if (n == 0)
		return 0;
	if (utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp) <= 0)
		return 0;
	return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU || cp == '"' || cp == '\'' ||
	       cp == 0x201C || cp == 0x2018 || cp == 0x201E || cp == 0xAB;
}

/* The first sentence of `s`, cut at a word boundary past TITLE_MAX bytes. */
static char *first_sentence(const char *s, size_t n)
{
	size_t end = n;

	for (size_t i = 0; i + 2 < n; i++) {
		if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' &&
		    upper_or_quote(s + i + 2, n - i - 2)) {
			end = i + 1;
			break;
		}
	}
	if (end > TITLE_MAX) {
		size_t cut = TITLE_MAX;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut == 0) /* one huge word: cut on a character boundary */
			for (cut = TITLE_MAX; cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80; cut--)
				;
		end = cut;
	}
	while (end > 0 && s[end - 1] == ' ')
		end--;
	return rl_strndup(s, end);
}

/* The item being built. */
typedef struct story {
	rl_item_list *out;
	size_t index;   /* in out->v */
	int open;
	int paras;      /* paragraphs so far */
	rl_buf body;
} story;

static int story_close(story *st)
{
	if (!st->open)
		return 0;
	st->open = 0;
	st->out->v[st->index].body = rl_buf_detach(&st->body);
	return st->out->v[st->index].body ? 0 : RL_ENOMEM;
}

static int story_open(story *st, char *title)
{
	rl_item *item;
	int error;

	if ((error = story_close(st)) < 0 || (error = rl_item_list_add(&item, st->out)) < 0) {
		free(title);
		return error;
	}
	item->title = title;
	st->index = st->out->n - 1;
	st->open = 1;
	st->paras = 0;
	rl_buf_clear(&st->body);
	return 0;
}

static int story_para(story *st, const line *l)
{
	rl_xml_para p;
	int error;

	rl_xml_para_init(&p, &st->body, 0);
	p.open = 0;
	if ((error = rl_xml_para_text(&p, l->s, l->n)) < 0)
		return error;
	st->paras++;
	return 0;
}

static int any_dateline(const ctx *c)
{
	size_t pos = 0;
	line l;
	kind k;

	while (next_significant(c, &pos, &l, &k))
		if (k == K_DATELINE)
			return 1;
	return 0;
}

static int extract_wire(story *st, const ctx *c)
{
	size_t pos = 0, ahead;
	line l, next;
	kind k, nk;
	int error, headline = 0;

	while (next_significant(c, &pos, &l, &k)) {
		if (k == K_DATELINE) {
			if (st->open && headline && st->paras == 0) {
				if ((error = story_para(st, &l)) < 0)
					return error;
				continue;
			}
			size_t d = match_len(c, c->dateline, l.s, l.n);
			char *title = first_sentence(l.s + d, l.n - d);
			if (title == NULL)
				return RL_ENOMEM;
			if ((error = story_open(st, title)) < 0 || (error = story_para(st, &l)) < 0)
				return error;
			headline = 0;
			continue;
		}
		ahead = pos;
		if (st->open && is_heading(&l) && next_significant(c, &ahead, &next, &nk) &&
		    nk == K_DATELINE) {
			if ((error = story_close(st)) < 0)
				return error;
			continue;
		}
		if (!st->open) {
			char *title = rl_strndup(l.s, l.n);
			if (title == NULL || (error = story_open(st, title)) < 0)
				return title ? error : RL_ENOMEM;
			headline = 1;
			continue;
		}
		if ((error = story_para(st, &l)) < 0)
			return error;
	}
	return story_close(st);
}

/* Whether every blank-line-separated block has a headline and a body. */
static int blocks_with_headlines(const ctx *c)
{
	size_t pos = 0, blocks = 0, lines = 0;
	line l;
	kind k;

	while (next_significant(c, &pos, &l, &k)) {
		if (blocks == 0 || l.blank_before) {
			if (blocks > 0 && lines < 2)
				return 0;
			if (!headline_like(&l, TITLE_MAX))
				return 0;
			blocks++;
			lines = 0;
		}
		lines++;
	}
	return blocks >= 2 && lines >= 2;
}

static int extract_plain(story *st, const ctx *c)
{
	int per_block = blocks_with_headlines(c), error;
	size_t pos = 0;
	line l;
	kind k;

	while (next_significant(c, &pos, &l, &k)) {
		if (!st->open || (per_block && l.blank_before)) {
			char *title = rl_strndup(l.s, l.n);
			if (title == NULL || (error = story_open(st, title)) < 0)
				return title ? error : RL_ENOMEM;
			continue;
		}
		if ((error = story_para(st, &l)) < 0)
			return error;
	}
	return story_close(st);
}

int rl_extract_text(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts)
{
	rl_buf clean = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT * 3);
	story st = { out, 0, 0, 0, RL_BUF_INIT(RL_EXTRACT_MAX_INPUT * 3) };
	size_t n0 = out->n;
	PCRE2_SIZE erroff;
	int error, errcode;
	ctx c = { 0 };

	(void)opts;
	if ((error = rl_extract_check_size(len)) < 0)
		return error;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		data += 3, len -= 3;
	if ((error = rl_utf8_sanitize(&clean, data, len)) < 0)
		goto done;
	c.text = clean.ptr ? clean.ptr : "";
	c.len = clean.len;
	c.dateline = pcre2_compile((PCRE2_SPTR)dateline_re, PCRE2_ZERO_TERMINATED,
				   PCRE2_UTF | PCRE2_UCP, &errcode, &erroff, NULL);
	c.rel = pcre2_compile((PCRE2_SPTR)reltime_re, PCRE2_ZERO_TERMINATED,
			      PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &errcode, &erroff, NULL);
	c.md = pcre2_match_data_create(4, NULL);
	if (c.dateline == NULL || c.rel == NULL || c.md == NULL) {
		error = rl_error_set(RL_ENOMEM, "cannot prepare the text patterns");
		goto done;
	}
	error = any_dateline(&c) ? extract_wire(&st, &c) : extract_plain(&st, &c);
done:
	if (error < 0) {
		if (st.open)
			st.out->v[st.index].body = NULL;
		rl_extract_rollback(out, n0);
	}
	rl_buf_release(&st.body);
	rl_buf_release(&clean);
	pcre2_match_data_free(c.md);
	pcre2_code_free(c.dateline);
	pcre2_code_free(c.rel);
	return error;
}
