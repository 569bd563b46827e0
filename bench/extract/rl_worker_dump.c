/*
 * rl_worker_dump.c - prints everything a parse worker derives from pages
 * (items as extracted, as normalised, rendered story files and their names,
 * and the article reading of each page), for byte-for-byte comparisons of
 * two builds when extraction code is made faster without meaning to change
 * what it finds:
 *
 *   rl_worker_dump FILE...           > before.txt    (build A)
 *   rl_worker_dump FILE...           > after.txt     (build B), cmp them
 *   RL_DUMP_SEL=1 rl_worker_dump ... also with per-source selectors
 *
 * Each file is read three ways: as a source with default settings, with
 * ignore patterns (and selectors), and as plain text.
 */
#include "redline/error.h"
#include "redline/extract.h"
#include "redline/buf.h"
#include "redline/file.h"
#include "redline/config.h"
#include "redline/ingest.h"
#include "redline/snapshot.h"
#include "redline/story.h"
#include "redline/normalise.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s(const char *k, const char *v) { printf("%s=%s\n", k, v ? v : "(null)"); }

static void dump_items(const char *tag, rl_item_list *items)
{
	printf("## %s n=%zu\n", tag, items->n);
	for (size_t i = 0; i < items->n; i++) {
		rl_item *it = &items->v[i];
		printf("# item %zu page=%d keep=%u hl=%zu fs=%lld\n", i, it->page, it->keep, it->header_len, (long long)it->first_seen);
		s("guid", it->guid); s("link", it->link); s("title", it->title); s("body", it->body);
		s("key", it->key); s("url", it->url); s("id", it->id); s("path", it->path); s("text", it->text);
		printf("hash=%016llx%016llx\n", (unsigned long long)it->hash.high, (unsigned long long)it->hash.low);
	}
}

int main(int argc, char **argv)
{
	const char *base = "https://news.example.org/section/page.html";
	for (int a = 1; a < argc; a++) {
		rl_buf data = RL_BUF_INIT(RL_EXTRACT_MAX_INPUT);
		const char *sel = getenv("RL_DUMP_SEL");
		printf("=== %s\n", argv[a]);
		if (rl_file_read(&data, argv[a]) < 0) { printf("read error %s\n", rl_error_last()); rl_error_clear(); continue; }
		for (int mode = 0; mode < 3; mode++) {
			rl_source_config cfg; memset(&cfg, 0, sizeof(cfg));
			rl_ingest_opts opts; memset(&opts, 0, sizeof(opts));
			rl_item_list items = RL_ITEM_LIST_INIT;
			char *ign[] = { "Subscribe[a-z ]*", "\\d+ comments" };
			cfg.name = "src"; cfg.url = (char *)base;
			cfg.format = mode == 2 ? RL_FORMAT_TEXT : RL_FORMAT_AUTO;
			if (mode == 1) { cfg.ignore.v = ign; cfg.ignore.n = 2; }
			if (mode == 1 && sel) { cfg.select_item = "//article|//div[@class]"; cfg.select_title = ".//h2|.//h3"; cfg.select_link = ".//a/@href"; cfg.select_body = ".//p"; }
			opts.time = 1772431200; opts.source_url = base;
			int e = mode == 2 ? rl_extract_text(&items, data.ptr ? data.ptr : "", data.len, NULL) : rl_ingest_extract(&items, &cfg, data.ptr ? data.ptr : "", data.len, &opts);
			printf("## mode %d extract rc=%d %s\n", mode, e, e < 0 ? rl_error_last() : "");
			rl_error_clear();
			if (e == 0) {
				dump_items("extracted", &items);
				e = rl_ingest_prepare(&items, &cfg, &opts);
				printf("## prepare rc=%d %s\n", e, e < 0 ? rl_error_last() : ""); rl_error_clear();
				if (e == 0) {
					e = rl_snapshot_render_ahead(&items, cfg.name, opts.time, 0);
					printf("## render rc=%d\n", e); rl_error_clear();
					for (size_t i = 0; i < items.n; i++) {
						char *p = NULL; char id[13];
						if (items.v[i].key) rl_snapshot_id_for_key(id, items.v[i].key);
						else rl_snapshot_id_for_new(id, "src", opts.time, items.v[i].title, 0);
						if (rl_story_path(&p, "src", opts.time, items.v[i].title, id) == 0) items.v[i].path = p;
						rl_error_clear();
					}
					dump_items("prepared", &items);
				}
			}
			rl_item_list_release(&items);
		}
		{
			rl_item art; memset(&art, 0, sizeof(art));
			rl_extract_opts xo = { 0 }; xo.base_url = base;
			int e = rl_extract_article(&art, data.ptr ? data.ptr : "", data.len, &xo);
			printf("## article rc=%d %s\n", e, e < 0 ? rl_error_last() : ""); rl_error_clear();
			if (e == 0) { s("title", art.title); s("link", art.link); s("body", art.body); }
			rl_item_clear(&art);
		}
		rl_buf_release(&data);
	}
	return 0;
}
