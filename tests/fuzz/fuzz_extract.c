/* Listing extraction: text, HTML, RSS/Atom and sniffing, as a snapshot is
 * read.  The first byte picks the format; the rest is the document. */
#include "fuzz.h"
#include "redline/extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const rl_format formats[] = { RL_FORMAT_AUTO, RL_FORMAT_TEXT, RL_FORMAT_HTML,
					     RL_FORMAT_RSS, RL_FORMAT_ATOM };
	rl_extract_opts opts = { 0 };
	rl_item_list items = { 0 };
	rl_format f;

	if (size < 1)
		return 0;
	f = formats[data[0] % 5];
	if (f == RL_FORMAT_AUTO)
		f = rl_extract_sniff((const char *)data + 1, size - 1);
	opts.base_url = "https://example.nl/news/";
	rl_extract(&items, (const char *)data + 1, size - 1, f, &opts);
	rl_item_list_release(&items);
	rl_error_clear();
	return 0;
}
