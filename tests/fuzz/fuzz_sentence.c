/* Sentence splitting and figure diffs of two texts (split at the first NUL). */
#include "fuzz.h"
#include "redline/figures.h"
#include "redline/sentence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	const char *second;
	rl_strvec v = RL_STRVEC_INIT;
	rl_figure_changes ch = { 0 };
	rl_buf line = RL_BUF_INIT(1 << 20);

	if (s == NULL)
		return 0;
	second = memchr(data, '\0', size) ? s + strlen(s) + 1 : "";
	rl_sentence_split(&v, s);
	rl_strvec_release(&v);
	if (rl_figures_diff(&ch, s, second) == 0)
		rl_figures_format(&line, &ch);
	rl_figure_changes_release(&ch);
	rl_buf_release(&line);
	free(s);
	rl_error_clear();
	return 0;
}
