/*
 * rl_worker_bench.c - the work of a parse worker of `run` on pages, without
 * the network, the capture or any output: rl_ingest_extract(),
 * rl_ingest_prepare() and rl_snapshot_render_ahead() (without packing), as
 * src/watch/run.c's parse_work() calls them, for callgrind and perf:
 *
 *   valgrind --tool=callgrind rl_worker_bench [-r REPEAT] [-p] FILE...
 *
 * -p: as a first run's worker does, also pack the story files
 * (rl_snapshot_render_ahead(..., 1)) and gzip the page as a capture's
 * response record is (rl_deflater_compress(RL_DEFLATER_GZIP)).
 *
 * Prints the number of pages and items it went through, so that two builds
 * can be seen to have done the same work.
 */
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/buf.h"
#include "redline/file.h"
#include "redline/config.h"
#include "redline/ingest.h"
#include "redline/snapshot.h"
#include "redline/deflater.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *base = "https://news.example.org/section/page.html";
	size_t pages = 0, items_n = 0;
	int repeat = 1, a = 1, pack = 0;

	if (argc > a + 1 && strcmp(argv[a], "-r") == 0) {
		repeat = atoi(argv[a + 1]);
		a += 2;
	}
	if (argc > a && strcmp(argv[a], "-p") == 0) {
		pack = 1;
		a++;
	}
	for (int r = 0; r < repeat; r++)
		for (int i = a; i < argc; i++) {
			rl_buf data = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
			rl_source_config cfg;
			rl_ingest_opts opts;
			rl_item_list items = RL_ITEM_LIST_INIT;

			if (rl_file_read(&data, argv[i]) < 0) {
				fprintf(stderr, "%s: %s\n", argv[i], rl_error_last());
				return 1;
			}
			memset(&cfg, 0, sizeof(cfg));
			memset(&opts, 0, sizeof(opts));
			cfg.name = "src";
			cfg.url = (char *)base;
			opts.time = 1772431200;
			opts.source_url = base;
			if (pack) {
				size_t cap = rl_deflater_bound(data.len), n;
				void *z = malloc(cap);
				if (z == NULL || rl_deflater_compress(&n, RL_DEFLATER_GZIP, z, cap,
								      data.ptr, data.len) < 0)
					return 1;
				free(z);
			}
			if (rl_ingest_extract(&items, &cfg, data.ptr ? data.ptr : "", data.len, &opts) == 0 &&
			    rl_ingest_prepare(&items, &cfg, &opts) == 0 &&
			    rl_snapshot_render_ahead(&items, cfg.name, opts.time, pack) == 0)
				items_n += items.n;
			rl_error_clear();
			rl_item_list_release(&items);
			rl_buf_release(&data);
			pages++;
		}
	printf("%zu pages, %zu items\n", pages, items_n);
	return 0;
}
