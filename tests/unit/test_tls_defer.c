/* src/cli/tls_defer.c: git_libgit2_init() without the CA bundle's parse,
 * and every later parse (a push's GIT_OPT_SET_SSL_CERT_LOCATIONS) reaching
 * mbedTLS's own function, which fails on a file that is not there. */
#include "testutil.h"
#include "../../src/cli/cli.h"

#include <git2.h>
#include <sys/stat.h>

#define BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static void test_init_skips_the_bundle_and_later_parses_are_real(void **state)
{
	struct stat st;

	(void)state;
	/* Debian's libgit2 parses its bundle at init only when the file exists */
	if (stat(BUNDLE, &st) != 0 || !(git_libgit2_features() & GIT_FEATURE_HTTPS))
		tu_skip();
	assert_true(cli_git_init_deferring_cas() >= 1);
	assert_int_equal(cli_git_cas_skipped(), 1);
	/* later parses go to mbedTLS: a missing file is an error, the bundle loads */
	assert_true(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, "/nonexistent/ca.pem", NULL) < 0);
	assert_int_equal(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, BUNDLE, NULL), 0);
	assert_int_equal(cli_git_cas_skipped(), 1);
	git_libgit2_shutdown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_skips_the_bundle_and_later_parses_are_real),
	};
	return tu_run_group_tests(tests, NULL, NULL);
}
