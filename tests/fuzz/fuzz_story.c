/* Story files as read back from the archive: header, lines, body. */
#include "fuzz.h"
#include "redline/story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *paras = NULL;
	rl_story_header h;
	rl_strvec names = RL_STRVEC_INIT, values = RL_STRVEC_INIT, body = RL_STRVEC_INIT;
	rl_buf content = RL_BUF_INIT(1 << 24);

	if (s == NULL)
		return 0;
	memset(&h, 0, sizeof(h));
	if (rl_story_parse_header(&h, s, size) == 0)
		rl_story_header_clear(&h);
	rl_story_parse_lines(&names, &values, &body, s);
	rl_strvec_release(&names);
	rl_strvec_release(&values);
	rl_strvec_release(&body);
	rl_story_body(s);
	if (rl_story_body_paragraphs(&paras, s) == 0)
		free(paras);
	rl_story_content(&content, s);
	rl_buf_release(&content);
	rl_story_id_in_name(s, size);
	rl_story_is_id(s);
	free(s);
	rl_error_clear();
	return 0;
}
