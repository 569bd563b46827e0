/*
 * rl_extract_dump.c - prints what redline extracts from one page, as JSON
 * (one object per story: title, link, body), for bench/extract/run.sh and
 * for looking at a real page by hand.
 *
 *   rl_extract_dump FILE [BASE_URL]     format sniffed as `ingest` does
 */
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/buf.h"
#include "redline/file.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	rl_item_list items = RL_ITEM_LIST_INIT;
	rl_extract_opts opts = { 0 };
	json_t *arr = json_array();
	rl_buf data = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
	int rc = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: rl_extract_dump FILE [BASE_URL]\n");
		return 2;
	}
	opts.base_url = argc > 2 ? argv[2] : NULL;
	if (rl_file_read(&data, argv[1]) < 0 ||
	    rl_extract(&items, data.ptr ? data.ptr : "", data.len, RL_FORMAT_AUTO, &opts) < 0) {
		fprintf(stderr, "rl_extract_dump: %s\n", rl_error_last());
		goto done;
	}
	for (size_t i = 0; i < items.n; i++) {
		const rl_item *it = &items.v[i];
		json_array_append_new(arr, json_pack("{s:s?, s:s?, s:s?}", "title", it->title,
						     "link", it->link, "body", it->body));
	}
	json_dumpf(arr, stdout, JSON_INDENT(1));
	putchar('\n');
	rc = 0;
done:
	json_decref(arr);
	rl_item_list_release(&items);
	rl_buf_release(&data);
	return rc;
}
