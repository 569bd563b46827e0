/* Article extraction: the main text of a followed page. */
#include "fuzz.h"
#include "redline/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rl_extract_opts opts = { 0 };
	rl_item item = { 0 };

	opts.base_url = "https://example.nl/a/1";
	rl_extract_article(&item, (const char *)data, size, &opts);
	rl_item_clear(&item);
	rl_error_clear();
	return 0;
}
