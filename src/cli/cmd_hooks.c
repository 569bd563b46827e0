/*
 * cmd_hooks.c - redline hooks [--retry]: the alerts still to be delivered.
 */
#include "cli.h"
#include "options.h"
#include "redline/buf.h"
#include "redline/error.h"
#include "redline/outbox.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* One line per pending payload: its entry, source, commit and time. */
static void print_pending(rl_archive *archive, const rl_strvec *names)
{
	rl_buf b = RL_BUF_INIT(64u * 1024 * 1024);

	for (size_t i = 0; i < names->n; i++) {
		json_t *root = NULL;
		if (rl_outbox_read(&b, archive, names->v[i]) == 0)
			root = json_loads(b.ptr, 0, NULL);
		rl_error_clear();
		printf("%s %-12.12s %s %s%s\n", names->v[i],
		       root ? json_string_value(json_object_get(root, "commit")) : "?",
		       root && json_string_value(json_object_get(root, "source"))
			       ? json_string_value(json_object_get(root, "source")) : "?",
		       root && json_string_value(json_object_get(root, "time"))
			       ? json_string_value(json_object_get(root, "time")) : "?",
		       root && json_is_true(json_object_get(root, "rebuilt")) ? " (rebuilt)" : "");
		json_decref(root);
	}
	rl_buf_release(&b);
}

static const char usage[] = "redline hooks [--retry]";

static void help(void)
{
	printf("usage: %s\n\nLists the hook payloads not yet delivered (a hook failed, or\n"
	       "redline stopped before running it), oldest first.\n\n"
	       "   --retry   run the hooks for them now, in order\n", usage);
}

static const struct cli_args args = { usage, help, 0, 0, NULL, NULL };

int cmd_hooks(int argc, char **argv, const struct cli *cli)
{
	rl_hook_result last[2] = { RL_HOOK_RESULT_INIT, RL_HOOK_RESULT_INIT };
	rl_strvec names = RL_STRVEC_INIT;
	rl_archive *archive = NULL;
	size_t delivered = 0, pending = 0;
	int retry = 0, status;
	const struct cli_opt opts[] = { CLI_FLAG("retry", 0, &retry), CLI_OPT_END };

	if (cli_parse_options(&status, argc, argv, opts, &args, cli))
		return status;
	if ((status = cli_open_archive(&archive, cli)) != CLI_OK)
		return status;
	if (retry) {
		if (rl_outbox_deliver(&delivered, &pending, last, archive, NULL) < 0) {
			status = cli_fail();
			goto done;
		}
		for (int i = 0; i < 2; i++) {
			rl_buf line = RL_BUF_INIT(4096);
			if (last[i].output && last[i].output_len)
				fwrite(last[i].output, 1, last[i].output_len, stdout);
			if (rl_hook_result_is_problem(&last[i]) &&
			    rl_hook_result_describe(&line, &last[i]) == 0)
				cli_warn("%s; its payload stays pending", line.ptr);
			rl_buf_release(&line);
		}
		printf("%zu delivered, %zu pending\n", delivered, pending);
		if (pending)
			status = CLI_ERROR;
		goto done;
	}
	if (rl_outbox_list(&names, archive) < 0) {
		status = cli_fail();
		goto done;
	}
	print_pending(archive, &names);
done:
	rl_hook_result_clear(&last[0]);
	rl_hook_result_clear(&last[1]);
	rl_strvec_release(&names);
	rl_archive_free(archive);
	return status;
}
