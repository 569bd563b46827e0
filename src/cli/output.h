/*
 * output.h - printing helpers of the history commands: colours, times and
 * JSON documents on stdout.
 */
#ifndef REDLINE_CLI_OUTPUT_H
#define REDLINE_CLI_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cli.h"

#define OUT_RED "\033[31m"
#define OUT_GREEN "\033[32m"
#define OUT_YELLOW "\033[33m"
#define OUT_BOLD "\033[1m"
#define OUT_RESET "\033[m"

#define OUT_TIME_SIZE 21 /* "2026-11-28T10:00:00Z" and the NUL */

/** Reads --color's argument ("auto", "always", "never"; NULL: "always") into
 *  *color, with "auto" meaning cli->color.  -1 for anything else. */
int out_color_option(int *color, const char *arg, const struct cli *cli);

/** A duration with its unit, for people: "45s", "7m", "1h30m", "2d". */
void out_duration(char *out, size_t size, int64_t seconds);

/** Unix seconds as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void out_time_iso(char out[OUT_TIME_SIZE], int64_t when);

/** `s` when colouring, "" otherwise: printf("%sx%s", out_c(c, OUT_RED), out_c(c, OUT_RESET)). */
const char *out_c(int color, const char *s);

/** Prints `doc` (stolen: freed here) as one JSON document and a newline on
 *  stdout; CLI_OK, or CLI_ERROR with a message when it cannot. */
int out_json(json_t *doc);

/** A JSON string, or null for NULL (jansson refuses invalid UTF-8: such text
 *  is kept with its bad bytes replaced by U+FFFD). */
json_t *out_json_str(const char *s);

struct rl_edit_class;
/** Sets the kinds of edit of `c` in the JSON object `o` (kinds, summary,
 *  figures, sentence counts, notice, reverted_to); returns `o`. */
json_t *out_class_json(json_t *o, const struct rl_edit_class *c);

/** `url` fit to print: its userinfo ("user:password@") dropped, into `buf`
 *  (cut to fit); NULL stays NULL.  Returns `buf` or NULL. */
const char *out_url(char *buf, size_t size, const char *url);

#endif
