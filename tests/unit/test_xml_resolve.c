/* xml_safe.c's short cut for links must give xmlBuildURI()'s bytes: for
 * every link of the shared corpus's pages against several bases, and for a
 * grid of links and bases built to sit on each edge of the short cut
 * (schemes, "//" and dot segments, escapes, ports, user info, odd bytes in
 * the base).  Whatever it takes must come out of libxml2 the same. */
#include "testutil.h"
#include "redline/error.h"
#include "../../src/extract/xml_internal.h"

#include <libxml/uri.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const bases[] = {
	"https://news.example.org/section/page.html",
	"http://127.0.0.1:8080/p0001.html",
	"HTTPS://Example.COM:443/a/b/?utm_source=x&id=2#top",
	"http://www.example.co.uk/",
	"http://example.org",
	"http://example.org?q=1",
	"http://example.org#f",
	"https://example.org/a/./b",
	"http://u:p@example.org/x",
	"http://h.com:0/x",
	"http://h.com:080/x",
	"http://h.com:99999/x",
	"http://h.com:/x",
	"http://[::1]:8080/x",
	"http://h.com/a b",
	"http://h.com/a%20b",
	"http://h.com/a#b#c",
	"http://h.com/a{b}",
	"http://h.com/a?b#c?d/e",
	"http:///x",
	"ftp://h.com/x",
	"h.com/x",
	"/x/y",
};

struct tally {
	size_t fast, slow;
};

static void check(struct tally *t, const char *href, const char *base)
{
	size_t len = strlen(href);
	char *fast = NULL;
	xmlChar *abs;
	const char *want;
	int rc;

	if (len == 0)
		return;
	rc = rl_xml_resolve_fast(&fast, href, len, base);
	assert_true(rc == 0 || rc == 1);
	if (rc == 0) {
		assert_null(fast);
		t->slow++;
		return;
	}
	t->fast++;
	abs = xmlBuildURI((const xmlChar *)href, (const xmlChar *)base);
	want = abs ? (const char *)abs : href; /* rl_xml_resolve() keeps the link */
	if (strcmp(fast, want) != 0)
		fail_msg("'%s' (base '%s'): short cut '%s', libxml2 '%s'", href, base, fast, want);
	xmlFree(abs);
	free(fast);
}

static void check_all_bases(struct tally *t, const char *href)
{
	for (size_t i = 0; i < sizeof(bases) / sizeof(*bases); i++)
		check(t, href, bases[i]);
}

/* A link trimmed as rl_xml_resolve() trims it. */
static void link_each(void *ctx, const char *link)
{
	size_t n = strlen(link);
	char copy[2048];

	while (*link && strchr(" \t\r\n", *link))
		link++, n--;
	while (n > 0 && strchr(" \t\r\n", link[n - 1]))
		n--;
	memcpy(copy, link, n);
	copy[n] = '\0';
	check_all_bases(ctx, copy);
}

static void test_corpus_links(void **state)
{
	struct tally t = { 0, 0 };

	(void)state;
	/* the comparison ran, and on most links */
	assert_true(tu_corpus_links(link_each, &t) >= 10);
	assert_true(t.fast > 5000);
}

/* Every prefix x path x tail, against every base. */
static void test_grid(void **state)
{
	static const char *const prefixes[] = {
		"", "http://h.com", "https://H.com:8080", "HTTP:", "mailto:x@y", "a+b.c-d:x", "1a:x",
		"a_b:x", "//h.com", "///x", "javascript:", "x y:z", ":x", "urn:a:b", "tel:+1",
	};
	static const char *const paths[] = {
		"", "/", "/a", "/a/b", "/a/b-c_d~e.html", "/a/./b", "/a/../b", "/.", "/..", "/.x",
		"/a.", "/a./b", "/a//b", "/a;b", "/a:b", "/a@b", "/a!b", "/a$b", "/a&b", "/a=b",
		"/a+b", "/a,b", "/a'b", "/a(b)", "/a*b", "/%41", "/a b", "/\xc3\xa4", "/a\\b",
		"/a\"b", "/a{b}", "/a|b", "/a^b", "/a`b", "/a<b>", "a/b", "./a", "../a", "a",
		"/A/B/C.HTML", "/a\tb",
	};
	static const char *const tails[] = { "", "?", "?a=1", "#", "#f", "?a=b#c", "%", "?a b" };
	struct tally t = { 0, 0 };

	(void)state;
	for (size_t p = 0; p < sizeof(prefixes) / sizeof(*prefixes); p++)
		for (size_t a = 0; a < sizeof(paths) / sizeof(*paths); a++)
			for (size_t q = 0; q < sizeof(tails) / sizeof(*tails); q++) {
				char href[256];
				snprintf(href, sizeof(href), "%s%s%s", prefixes[p], paths[a], tails[q]);
				check_all_bases(&t, href);
			}
	assert_true(t.fast > 1000 && t.slow > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_corpus_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
