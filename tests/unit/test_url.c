/* URL canonicalisation: one story, one URL. */
#include "testutil.h"
#include "redline/error.h"
#include "redline/url.h"
#include "redline/normalise.h"

#include <stdlib.h>
#include <string.h>

static void expect(const char *url, const char *base, const char *want)
{
	char *out = NULL;
	int rc = rl_url_normalise(&out, url, base);
	if (rc < 0)
		fail_msg("'%s' failed: %s", url, rl_error_last());
	assert_string_equal(out, want);
	free(out);
}

static void expect_error(const char *url, const char *base, int code)
{
	char *out = (char *)1;
	assert_int_equal(rl_url_normalise(&out, url, base), code);
	assert_null(out);
	assert_true(rl_error_last()[0] != '\0');
}

/* RFC 3986, 5.4.1 and 5.4.2 */
static void test_rfc3986_resolution(void **state)
{
	static const char *const cases[][2] = {
		{ "g", "http://a/b/c/g" }, { "./g", "http://a/b/c/g" }, { "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" }, { "//g", "http://g/" }, { "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" }, { "#s", "http://a/b/c/d;p?q" }, { "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" }, { "..", "http://a/b/" }, { "../g", "http://a/b/g" },
		{ "../..", "http://a/" }, { "../../g", "http://a/g" }, { "../../../g", "http://a/g" },
		{ "/./g", "http://a/g" }, { "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." },
		{ "..g", "http://a/b/c/..g" }, { "./../g", "http://a/b/g" }, { "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" }, { "g/../h", "http://a/b/c/h" },
		{ "g;x=1/../y", "http://a/b/c/y" }, { "g?y/./x", "http://a/b/c/g?y/./x" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect(cases[i][0], "http://a/b/c/d;p?q", cases[i][1]);
}

static void test_scheme_relative_takes_base_scheme(void **state)
{
	expect("//cdn.example.nl/x", "https://nos.nl/", "https://cdn.example.nl/x");
}

static void test_scheme_and_host_lowercased_path_not(void **state)
{
	expect("HTTPS://NOS.NL/Nieuws/Artikel", NULL, "https://nos.nl/Nieuws/Artikel");
}

static void test_default_port_dropped_other_kept(void **state)
{
	expect("http://nos.nl:80/a", NULL, "http://nos.nl/a");
	expect("https://nos.nl:443/a", NULL, "https://nos.nl/a");
	expect("https://nos.nl:80/a", NULL, "https://nos.nl:80/a");
	expect("http://nos.nl:8080/a", NULL, "http://nos.nl:8080/a");
	expect("http://nos.nl:/a", NULL, "http://nos.nl/a");
}

static void test_fragment_dropped(void **state)
{
	expect("https://nos.nl/artikel/1#reacties", NULL, "https://nos.nl/artikel/1");
}

static void test_tracking_params_dropped_others_kept_in_order(void **state)
{
	expect("https://nos.nl/a?utm_source=tw&id=5&fbclid=X&UTM_Medium=m&b=2&gclid=1&xtor=RSS-1&a=1",
	       NULL, "https://nos.nl/a?id=5&b=2&a=1");
	expect("https://x.nl/a?dclid=1&gbraid=1&wbraid=1&msclkid=1&mc_cid=1&mc_eid=1&igshid=1&yclid=1"
	       "&_ga=1&_gl=1&ref_src=1&ocid=1&at_medium=1&at_campaign=1&ito=1&cmpid=1&smid=1", NULL,
	       "https://x.nl/a");
	/* a parameter that merely starts like one is kept */
	expect("https://x.nl/a?utm=1&gclid_x=2&idx=3", NULL, "https://x.nl/a?utm=1&gclid_x=2&idx=3");
}

static void test_empty_query_dropped(void **state)
{
	expect("https://nos.nl/a?", NULL, "https://nos.nl/a");
	expect("https://nos.nl/a?&&", NULL, "https://nos.nl/a");
	expect("https://nos.nl?utm_campaign=x", NULL, "https://nos.nl/");
}

static void test_escapes_made_canonical(void **state)
{
	expect("https://x.nl/%7euser/%2f%41?q=%e2%82%ac", NULL, "https://x.nl/~user/%2FA?q=%E2%82%AC");
	expect("https://x.nl/caf\xC3\xA9 bar?q=a b", NULL, "https://x.nl/caf%C3%A9%20bar?q=a%20b");
	expect("https://x.nl/100%", NULL, "https://x.nl/100%25");
}

static void test_whitespace_and_backslashes_cleaned(void **state)
{
	expect("  \thttps://x.nl/a\n/b\\c  ", NULL, "https://x.nl/a/b/c");
}

static void test_non_http_schemes_rejected(void **state)
{
	const char *bad[] = { "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
			      "file:///etc/passwd", "mailto:a@b.nl", "ftp://x.nl/", "g:h" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		expect_error(bad[i], "https://nos.nl/", RL_EINVAL);
}

static void test_relative_needs_http_base(void **state)
{
	expect_error("/a", NULL, RL_EINVAL);
	expect_error("//x.nl/a", NULL, RL_EINVAL);
	expect_error("/a", "file:///tmp/", RL_EINVAL);
	expect_error("/a", "/relative/base", RL_EINVAL);
}

static void test_bad_hosts_and_ports_rejected(void **state)
{
	const char *bad[] = { "http:///a", "http://x.nl:99999/", "http://x.nl:8a/", "http://[::1/",
			      "http://x<y.nl/", "https:a" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		expect_error(bad[i], NULL, RL_EINVAL);
	expect_error("http://x.nl/a\x01" "b", NULL, RL_EINVAL);
}

static void test_ipv6_and_userinfo(void **state)
{
	expect("http://[::1]:80/a", NULL, "http://[::1]/a");
	/* Credentials never reach a stored URL, resolved against a base or not. */
	expect("https://User@X.NL/", NULL, "https://x.nl/");
	expect("http://user:pw@x.nl:8080/a?b=c@d", NULL, "http://x.nl:8080/a?b=c@d");
	expect("/story", "http://user:pw@x.nl/list", "http://x.nl/story");
}

static void test_too_long(void **state)
{
	char *long_url = malloc(RL_URL_MAX + 100);
	strcpy(long_url, "https://x.nl/");
	memset(long_url + 13, 'a', RL_URL_MAX);
	long_url[RL_URL_MAX + 13] = '\0';
	expect_error(long_url, NULL, RL_ETOOBIG);
	expect_error("/a", long_url, RL_ETOOBIG);
	free(long_url);
}

/* Where libcurl (which fetches) and the old hand-written parser read a URL
 * differently, the canonical form is now what the fetcher connects to. */
static void test_read_as_curl_reads_it(void **state)
{
	/* IPv4 in other notations is the dotted address curl connects to */
	expect("http://0x7f.1/a", NULL, "http://127.0.0.1/a");
	expect("http://2130706433/", NULL, "http://127.0.0.1/");
	/* an escaped host is decoded (the old parser refused any '%' in a host) */
	expect("http://a%41.nl/x", NULL, "http://aa.nl/x");
	/* escaped dots are dot segments once decoded, as before */
	expect("http://x.nl/a/%2e%2e/b", NULL, "http://x.nl/b");
	/* a reference with an unsupported scheme is never resolved against the base */
	expect_error("ftp://x.nl/a", "https://nos.nl/", RL_EINVAL);
	expect_error("///a", "https://nos.nl/", RL_EINVAL);
}

static void test_idempotent(void **state)
{
	const char *urls[] = { "HTTP://X.nl:80/a/../b/%7e?utm_x=1&q=%20#f", "https://x.nl/caf\xC3\xA9?a=1&b" };
	for (size_t i = 0; i < sizeof(urls) / sizeof(*urls); i++) {
		char *once, *twice;
		assert_int_equal(rl_url_normalise(&once, urls[i], NULL), 0);
		assert_int_equal(rl_url_normalise(&twice, once, NULL), 0);
		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

/* Sites by the Public Suffix List: one registrable domain, one site. */
static void test_same_site_by_public_suffix_list(void **state)
{
	(void)state;
	assert_true(rl_url_same_site("https://a.example.co.uk/x", "https://b.example.co.uk/"));
	assert_true(rl_url_same_site("https://example.co.uk/x", "https://www.example.co.uk/"));
	assert_false(rl_url_same_site("https://a.github.io/x", "https://b.github.io/"));
	assert_true(rl_url_same_site("https://a.github.io/x", "https://a.github.io/y"));
	assert_false(rl_url_same_site("https://github.io/x", "https://a.github.io/"));
	assert_false(rl_url_same_site("https://example.co.uk/", "https://other.co.uk/"));
	/* a public suffix is its own site, never everybody's */
	assert_false(rl_url_same_site("https://co.uk/", "https://example.co.uk/"));
	assert_true(rl_url_same_site("https://news.example.com.au/", "https://example.com.au/"));
	assert_false(rl_url_same_site("https://a.blogspot.com/", "https://b.blogspot.com/"));
	assert_true(rl_url_same_site("https://WWW.Example.COM/", "https://cdn.example.com/"));
	assert_true(rl_url_same_site("http://user:pw@www.example.com:8080/", "https://example.com/"));
}

static void test_same_site_hostile_hosts(void **state)
{
	(void)state;
	/* IP literals are their own site, in every spelling curl reads */
	assert_true(rl_url_same_site("http://127.0.0.1:81/x", "http://127.0.0.1/"));
	assert_false(rl_url_same_site("http://127.0.0.2/", "http://127.0.0.1/"));
	assert_false(rl_url_same_site("http://10.0.0.1/", "http://20.0.0.1/"));
	assert_false(rl_url_same_site("http://1.0.0.1/", "http://2.0.0.1/"));
	assert_true(rl_url_same_site("http://0x7f.1/", "http://127.0.0.1/"));
	assert_true(rl_url_same_site("http://2130706433/", "http://127.0.0.1/"));
	assert_false(rl_url_same_site("http://[::1]/", "http://[::2]/"));
	assert_true(rl_url_same_site("http://[::1]:8080/", "http://[::1]/"));
	assert_false(rl_url_same_site("http://169.254.169.254/", "https://example.com/"));
	assert_false(rl_url_same_site("http://localhost/", "http://127.0.0.1/"));
	/* one trailing dot is the same name; empty labels are no name */
	assert_true(rl_url_same_site("https://www.example.com./", "https://example.com/"));
	assert_false(rl_url_same_site("https://example.com../", "https://example.com/"));
	assert_false(rl_url_same_site("https://a..example.com/", "https://example.com/"));
	assert_false(rl_url_same_site("https://.example.com/", "https://example.com/"));
	assert_false(rl_url_same_site("https://", "https://"));
	assert_false(rl_url_same_site("not a url", "not a url"));
	assert_false(rl_url_same_site(NULL, "https://example.com/"));
	/* Unicode and its A-label are one name; a suffix in either form holds */
	assert_true(rl_url_same_site("https://www.m\xc3\xbcnchen.de/", "https://xn--mnchen-3ya.de/"));
	assert_true(rl_url_same_site("https://a.xn--mnchen-3ya.de/", "https://b.m\xc3\xbcnchen.de/"));
	assert_false(rl_url_same_site("https://a.\xe5\x85\xac\xe5\x8f\xb8.cn/",
				      "https://b.\xe5\x85\xac\xe5\x8f\xb8.cn/"));
	assert_false(rl_url_same_site("https://a.xn--55qx5d.cn/", "https://b.xn--55qx5d.cn/"));
	assert_false(rl_url_same_site("https://ab\xff.com/", "https://ab\xff.com/"));
	/* a look-alike is another site */
	assert_false(rl_url_same_site("https://examp1e.com/", "https://example.com/"));
}

static void test_host_ascii(void **state)
{
	char h[256], small[8];

	(void)state;
	assert_int_equal(rl_url_host_ascii(h, sizeof(h), "https://u:p@WWW.M\xc3\xbcnchen.DE.:8/x"), 0);
	assert_string_equal(h, "www.xn--mnchen-3ya.de");
	assert_int_equal(rl_url_host_ascii(h, sizeof(h), "http://[fe80::1]:80/"), 0);
	assert_string_equal(h, "fe80::1");
	assert_int_equal(rl_url_host_ascii(h, sizeof(h), "http://0x7f.1/"), 0);
	assert_string_equal(h, "127.0.0.1");
	assert_int_equal(rl_url_host_ascii(h, sizeof(h), "http://a..b/"), RL_EINVAL);
	assert_int_equal(rl_url_host_ascii(h, sizeof(h), "http://xn--zz.com/"), 0);
	assert_int_equal(rl_url_host_ascii(small, sizeof(small), "http://example.com/"), RL_EINVAL);
	assert_int_equal(rl_url_host_ascii(h, sizeof(h), "/relative"), RL_EINVAL);
	rl_error_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3986_resolution),
		cmocka_unit_test(test_scheme_relative_takes_base_scheme),
		cmocka_unit_test(test_scheme_and_host_lowercased_path_not),
		cmocka_unit_test(test_default_port_dropped_other_kept),
		cmocka_unit_test(test_fragment_dropped),
		cmocka_unit_test(test_tracking_params_dropped_others_kept_in_order),
		cmocka_unit_test(test_empty_query_dropped),
		cmocka_unit_test(test_escapes_made_canonical),
		cmocka_unit_test(test_whitespace_and_backslashes_cleaned),
		cmocka_unit_test(test_non_http_schemes_rejected),
		cmocka_unit_test(test_relative_needs_http_base),
		cmocka_unit_test(test_bad_hosts_and_ports_rejected),
		cmocka_unit_test(test_ipv6_and_userinfo),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_read_as_curl_reads_it),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_same_site_by_public_suffix_list),
		cmocka_unit_test(test_same_site_hostile_hosts),
		cmocka_unit_test(test_host_ascii),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
