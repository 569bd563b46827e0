/*
 * print_ingest.c - what `redline ingest`, `run` and `watch` print for an
 * ingested snapshot: its changes as the commit message says them, and its
 * hooks' output.
 */
#include "cli.h"
#include "redline/buf.h"
#include "redline/figures.h"
#include "redline/ingest.h"

#include <stdio.h>

/* One line per change, as in the commit message. */
void cli_print_ingest_result(const char *source, const char *file, const rl_ingest_result *r)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (!r->committed) {
		printf("%s: no change (%zu stor%s%s)\n", source, r->n_items, r->n_items == 1 ? "y" : "ies",
		       r->same_snapshot ? ", identical snapshot" : "");
		return;
	}
	git_oid_tostr(hex, 8, &r->commit);
	printf("%s: %zu edited, %zu new, %zu gone from page", source, r->counts[RL_CHANGE_EDITED],
	       r->counts[RL_CHANGE_NEW], r->counts[RL_CHANGE_GONE]);
	if (r->counts[RL_CHANGE_BACK])
		printf(", %zu back", r->counts[RL_CHANGE_BACK]);
	if (r->counts[RL_CHANGE_MOVED])
		printf(", %zu moved", r->counts[RL_CHANGE_MOVED]);
	printf(" [%s]\n", hex);
	for (size_t i = 0; i < r->n_changes; i++) {
		const rl_change *c = &r->changes[i];
		printf("  %-7s %s %s\n", rl_change_kind_name(c->kind), c->id, c->title ? c->title : "");
		if (c->edit.figures.n) {
			rl_buf line = RL_BUF_INIT(64 * 1024);
			if (rl_figures_format(&line, &c->edit.figures) == 0)
				printf("          figures: %s\n", line.ptr);
			rl_buf_release(&line);
		}
		if (c->edit.kinds & RL_EDIT_REVERT)
			printf("          reverted to %.12s\n", c->edit.reverted_to);
	}
	(void)file;
}

void cli_print_hooks(const rl_hook_result *hooks)
{
	for (int i = 0; i < 2; i++) {
		const rl_hook_result *h = &hooks[i];
		rl_buf line = RL_BUF_INIT(4096);

		fflush(stdout);
		if (h->output && h->output_len)
			fwrite(h->output, 1, h->output_len, stdout);
		fflush(stdout);
		if (rl_hook_result_is_problem(h) && rl_hook_result_describe(&line, h) == 0)
			cli_warn("%s; the commit stands", line.ptr);
		rl_buf_release(&line);
	}
}
