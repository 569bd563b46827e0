/* extract_feed.c - stub */
#include "redline/extract.h"
#include "redline/error.h"
int rl_extract_feed(rl_item_list *out, const char *data, size_t len, const rl_extract_opts *opts)
{ (void)out; (void)data; (void)len; (void)opts; return rl_error_set(RL_ERROR, "todo"); }
