/*
 * output.c - colours, times and JSON for the history commands.
 *
 * JSON goes out in one piece (json_dumpf) so that a reader never sees half
 * a document; text that is not valid UTF-8 is repaired rather than dropped.
 */
#include "output.h"
#include "redline/buf.h"
#include "redline/classify.h"
#include "redline/figures.h"
#include "redline/url.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

int out_color_option(int *color, const char *arg, const struct cli *cli)
{
	if (arg == NULL || strcmp(arg, "always") == 0)
		*color = 1;
	else if (strcmp(arg, "never") == 0)
		*color = 0;
	else if (strcmp(arg, "auto") == 0)
		*color = cli->color;
	else
		return -1;
	return 0;
}

void out_time_iso(char out[OUT_TIME_SIZE], int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, OUT_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}

const char *out_c(int color, const char *s)
{
	return color ? s : "";
}

int out_json(json_t *doc)
{
	int error;

	if (doc == NULL)
		return cli_error("out of memory");
	error = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (error < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF)
		return cli_error("cannot write JSON to stdout");
	return CLI_OK;
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

json_t *out_json_str(const char *s)
{
	json_t *j;
	char *fixed, *o;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	if ((fixed = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (o = fixed; *s;) {
		size_t n = utf8_len((const unsigned char *)s);
		if (n == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			s++;
		} else {
			memcpy(o, s, n);
			o += n;
			s += n;
		}
	}
	*o = '\0';
	j = json_string(fixed);
	free(fixed);
	return j;
}

const char *out_url(char *buf, size_t size, const char *url)
{
	char *plain = NULL;

	if (url == NULL)
		return NULL;
	if (rl_url_strip_userinfo(&plain, url) < 0) {
		snprintf(buf, size, "(unprintable URL)");
		return buf;
	}
	snprintf(buf, size, "%s", plain);
	free(plain);
	return buf;
}

void out_duration(char *out, size_t size, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(out, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lldm", (long long)((s + 30) / 60));
	else if (s < 86400 && s % 3600 >= 60)
		snprintf(out, size, "%lldh%lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s < 86400)
		snprintf(out, size, "%lldh", (long long)(s / 3600));
	else
		snprintf(out, size, "%lldd", (long long)(s / 86400));
}

json_t *out_class_json(json_t *o, const struct rl_edit_class *c)
{
	json_t *kinds = json_array();
	rl_buf summary = RL_BUF_INIT(64 * 1024);

	for (unsigned i = 0; i < RL_EDIT_KINDS; i++)
		if (c->kinds & (1u << i))
			json_array_append_new(kinds, json_string(rl_edit_kind_name(1u << i)));
	json_object_set_new(o, "kinds", kinds);
	rl_edit_class_describe(&summary, c);
	json_object_set_new(o, "summary", out_json_str(summary.ptr ? summary.ptr : ""));
	rl_buf_release(&summary);
	json_object_set_new(o, "figures", rl_figures_json(&c->figures));
	json_object_set_new(o, "sentences_added", json_integer((json_int_t)c->added));
	json_object_set_new(o, "sentences_removed", json_integer((json_int_t)c->removed));
	json_object_set_new(o, "sentences_edited", json_integer((json_int_t)c->edited));
	json_object_set_new(o, "sentences_moved", json_integer((json_int_t)c->moved));
	json_object_set_new(o, "quotes_changed", json_integer((json_int_t)c->quotes));
	json_object_set_new(o, "notice", out_json_str(c->notice));
	json_object_set_new(o, "reverted_to", c->kinds & RL_EDIT_REVERT ? json_string(c->reverted_to)
								       : json_null());
	return o;
}
