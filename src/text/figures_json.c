/*
 * figures_json.c - the JSON form of a list of changed figures, one builder
 * for every place that prints it (hook payloads, log/diff --json), so that
 * they cannot drift apart.
 */
#include "redline/figures.h"
#include "redline/charset.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A JSON string of `s` (null for NULL); invalid UTF-8, which jansson
 * refuses, is repaired (U+FFFD) rather than dropped. */
static json_t *string_or_null(const char *s)
{
	json_t *j;
	char *fixed = NULL;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	if (rl_charset_repair_utf8(&fixed, NULL, s, strlen(s)) < 0)
		return NULL;
	j = json_string(fixed);
	free(fixed);
	return j;
}

json_t *rl_figure_change_json(const rl_figure_change *change)
{
	json_t *o = json_object();

	if (o == NULL || json_object_set_new(o, "old", string_or_null(change->old)) < 0 ||
	    json_object_set_new(o, "new", string_or_null(change->new)) < 0 ||
	    json_object_set_new(o, "context", string_or_null(change->context)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *rl_figures_json(const rl_figure_changes *changes)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < changes->n; i++)
		if (json_array_append_new(a, rl_figure_change_json(&changes->v[i])) < 0) {
			json_decref(a);
			a = NULL;
		}
	return a;
}
