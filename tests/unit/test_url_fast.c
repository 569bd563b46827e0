/* url_fast.c's short cut must give libcurl's way's bytes (url.c): for every
 * link of the shared corpus's pages against several bases, and for a grid
 * of URLs built from parts chosen to sit on each edge of the short cut
 * (hosts curl rewrites, ports, dot segments, escapes, tracking parameters,
 * "//" and "#" references), whatever the short cut takes must come out of
 * libcurl's way the same; what it leaves must be left untouched. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/url.h"
#include "../../src/text/url_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const bases[] = {
	"https://news.example.org/section/page.html",
	"http://127.0.0.1:8080/p0001.html",
	"https://Example.COM:443/a/b/?utm_source=x&id=2#top",
	"http://www.example.co.uk/",
	"http://example.org",
	"https://example.org/a/./b",
	"http://u:p@example.org/x",
};

struct tally {
	size_t fast, slow;
};

/* One comparison: a URL the short cut takes comes the same out of curl. */
static void check(struct tally *t, const char *url, const char *base)
{
	char *fast = NULL, *slow = NULL;
	int rc = url_normalise_fast(&fast, url, base);

	assert_true(rc == 0 || rc == 1);
	if (rc == 0) {
		assert_null(fast);
		t->slow++;
		return;
	}
	t->fast++;
	if (url_normalise_curl(&slow, url, base) != 0)
		fail_msg("'%s' (base '%s'): short cut '%s', curl: %s", url, base ? base : "-", fast,
			 rl_error_last());
	if (strcmp(fast, slow) != 0)
		fail_msg("'%s' (base '%s'): short cut '%s', curl '%s'", url, base ? base : "-", fast,
			 slow);
	free(fast);
	free(slow);
	rl_error_clear();
}

static void check_all_bases(struct tally *t, const char *url)
{
	check(t, url, NULL);
	for (size_t i = 0; i < sizeof(bases) / sizeof(*bases); i++)
		check(t, url, bases[i]);
}

static void link_each(void *ctx, const char *link)
{
	check_all_bases(ctx, link);
}

static void test_corpus_links(void **state)
{
	struct tally t = { 0, 0 };

	(void)state;
	/* the comparison ran, and on most links */
	assert_true(tu_corpus_links(link_each, &t) >= 10);
	assert_true(t.fast > 10000 && t.fast > t.slow);
}

/* Every scheme x host x path, with each query and a fragment, alone and as
 * a reference against each base. */
static void test_grid(void **state)
{
	static const char *const schemes[] = { "http://", "https://", "HTTP://", "//", "",
					       "ftp://", "javascript:", "http:", "http:///" };
	static const char *const hosts[] = {
		"example.com", "Example.COM", "127.0.0.1", "127.1", "0x7f.0.0.1", "1.2.3.4.5",
		"256.1.1.1", "01.2.3.4", "1.2.3.04", "10.0.0.255", "a..b", "a.b.", ".a.b", "_x.com",
		"-a.com", "a-.b_c.d", "xn--mnchen-3ya.de", "m\xc3\xbcnchen.de", "[::1]", "u:p@h.com",
		"@h.com", "h.com:", "h.com:80", "h.com:443", "h.com:0", "h.com:080", "h.com:65535",
		"h.com:65536", "h.com:8080", "h.com:1:2", "h.com:x", "h%41.com", "H.com.", "h!.com",
		"a.1b", "a.b1", "9", "0",
	};
	static const char *const paths[] = {
		"", "/", "/a/b", "/a/./b", "/a/../b", "/.well-known/x", "/a.", "/a./b", "/..",
		"/a/..", "/a/.", "/%7e", "/%2E%2E/x", "/a b", "/\xc3\xa4", "/a//b", "/a;b=c",
		"/a:b@c!$&'()*+,;=", "/~x_-.", "/a\\b", "/a\"b", "/a{b}", "/a|b", "/a^b", "/a`b",
		"/a<b>", "a/b", "./a", "../a", "a", "?x=1", "#f", "/a?b", "/A/B/C.HTML",
	};
	static const char *const queries[] = {
		"", "?", "?a=1", "?utm_source=x", "?a=1&&b=2&", "?a=/b/./c", "?a=%20", "?fbclid=1&x",
		"?a=b?c", "?=x", "?&", "?UTM_Medium=a&b", "?a=b=c&gclid", "?a+b=c;d", "?a=\xc3\xa4",
	};
	static const char *const fragments[] = { "", "#", "#f", "#a/b?c", "#%zz", "#a b" };
	const size_t nq = sizeof(queries) / sizeof(*queries), nf = sizeof(fragments) / sizeof(*fragments);
	struct tally t = { 0, 0 };
	size_t k = 0;

	(void)state;
	for (size_t s = 0; s < sizeof(schemes) / sizeof(*schemes); s++)
		for (size_t h = 0; h < sizeof(hosts) / sizeof(*hosts); h++)
			for (size_t p = 0; p < sizeof(paths) / sizeof(*paths); p++)
				for (size_t q = 0; q < nq; q += (s == 0 || s == 3) ? 1 : 4) {
					char url[512];
					const char *host = schemes[s][0] && schemes[s][strlen(schemes[s]) - 1] == '/'
								   ? hosts[h] : "";

					if (host[0] == '\0' && h > 0)
						continue; /* a reference: one host is enough */
					snprintf(url, sizeof(url), "%s%s%s%s%s", schemes[s], host, paths[p],
						 queries[q], fragments[k++ % nf]);
					check_all_bases(&t, url);
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
