/* Bytes to UTF-8 under a declared charset (the first line), UTF-8 repair,
 * and the whole normalisation of the result. */
#include "fuzz.h"
#include "redline/charset.h"
#include "redline/normalise.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static rl_normaliser *norm;
	const uint8_t *nl = memchr(data, '\n', size < 40 ? size : 40);
	char *charset = nl ? fuzz_cstr(data, (size_t)(nl - data)) : NULL;
	const char *body = (const char *)(nl ? nl + 1 : data);
	size_t len = nl ? size - (size_t)(nl + 1 - data) : size;
	char *out = NULL, *text = NULL;
	size_t out_len = 0;

	if (norm == NULL && rl_normaliser_new(&norm, NULL, 0) < 0)
		abort();
	if (rl_charset_to_utf8(&out, &out_len, body, len, charset) == 0) {
		rl_normalise_text(&text, norm, out, out_len);
		free(text);
		text = NULL;
	}
	free(out);
	out = NULL;
	if (rl_charset_repair_utf8(&out, &out_len, body, len) == 0)
		free(out);
	free(charset);
	rl_error_clear();
	return 0;
}
