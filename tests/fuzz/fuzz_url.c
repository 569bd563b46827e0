/* URLs from pages: canonical form against a base (the first line), and the
 * parts that decide where a request may go. */
#include "fuzz.h"
#include "redline/url.h"
#include "../../src/text/url_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *nl, *out = NULL, host[256];
	const char *base = "https://Example.nl:443/a/b/?utm_source=x";

	if (s == NULL)
		return 0;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		base = s;
	}
	/* The short cut (url_fast.c) says what libcurl's way says, or nothing. */
	if (url_normalise_fast(&out, nl ? nl + 1 : s, base) == 1) {
		char *slow = NULL;
		if (url_normalise_curl(&slow, nl ? nl + 1 : s, base) != 0 || strcmp(slow, out) != 0)
			abort();
		free(slow);
		free(out);
		out = NULL;
	}
	rl_error_clear();
	if (rl_url_normalise(&out, nl ? nl + 1 : s, base) == 0) {
		/* Canonical means stable, and never a password in it. */
		char *again = NULL;
		if (rl_url_normalise(&again, out, NULL) != 0 || strcmp(again, out) != 0)
			abort();
		free(again);
		free(out);
		out = NULL;
	}
	if (rl_url_strip_userinfo(&out, s) == 0)
		free(out);
	rl_url_host(host, sizeof(host), s);
	rl_url_same_site(s, base);
	rl_url_host_within(s, "example.nl");
	free(s);
	rl_error_clear();
	return 0;
}
