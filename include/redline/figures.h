/*
 * redline/figures.h - which figures changed between two versions of a story.
 *
 * "op 3000" becoming "op 10.000" is the change a fact-checker looks for
 * first.  Figures are the number tokens of the word diff (3000, 10.000,
 * 10,000, 10 000, 1.200.000, 3,5, 3.5), each spelled with its unit (a
 * currency before it, up to two unit words after it: "€ 5 mln", "12%",
 * "3,5 km") and told with a few words of context: the word it counts
 * ("10.000 militairen") or else up to three words before it.  Within each
 * changed region, removed figures pair with added ones in order of
 * appearance.  A pair of equal value (10000 -> 10.000) is no change, and a
 * figure that only moved (removed here, the same value added there) is none
 * either.  Numbers that are not figures of the news are left out: dates
 * (29 november, 2026-11-29, 29.11.2026), years after "in"/"sinds"/... or
 * closing a clause, times of day (10:30, 9 uur), page furniture ("page 2",
 * "12 comments", "5 min read"), and numbers that are part of something else
 * (phone numbers, postcodes, ids, ages, addresses, "Windows 10", "the 2016
 * election").  A unit changed next to an unchanged number ("5 mln" ->
 * "5 mrd", "km" -> "mi") changes the figure: a figure is its number and
 * its unit.
 */
#ifndef REDLINE_FIGURES_H
#define REDLINE_FIGURES_H

#include <stddef.h>
#include "redline/buf.h"

typedef struct rl_figure_change {
	char *old;     /* with its unit ("€ 5 mln", "12%"); NULL: a figure only added */
	char *new;     /* likewise; NULL: a figure only removed */
	char *context; /* a few words saying what it counts ("militairen"), or NULL */
} rl_figure_change;

typedef struct rl_figure_changes {
	rl_figure_change *v;
	size_t n;
	size_t cap;
} rl_figure_changes;

#define RL_FIGURE_CHANGES_INIT { NULL, 0, 0 }

/** Finds the figures whose value changed from `old_text` to `new_text`
 *  (NULL reads as "") and appends them to `out`, in order of appearance. */
int rl_figures_diff(rl_figure_changes *out, const char *old_text, const char *new_text);

/** Frees the list; it is empty and reusable after it. */
void rl_figure_changes_release(rl_figure_changes *changes);

/** The value of a figure's number as a canonical string ("10.000", "10 000"
 *  and "10000" give "10000"; "3,5" and "3.5" give "3.5"; "12%" gives "12%";
 *  a unit around it is skipped: "€ 5 mln" gives "5"), into `out` of `size`
 *  bytes.  A
 *  separator followed by exactly three digits groups thousands, unless the
 *  figure starts with "0"; the last separator of two kinds is the decimal one. */
void rl_figure_value(char *out, size_t size, const char *figure);

/** Appends the changes as "militairen: 3000 → 10.000, ∅ → 12%": "context:
 *  old → new" pairs joined by ", ", with "∅" for a missing side; a pair
 *  that repeats an earlier one (headline and body) is said once, with the
 *  first one's context. */
int rl_figures_format(rl_buf *out, const rl_figure_changes *changes);

/* jansson's json_t, for those who include <jansson.h> to use the two below. */
struct json_t;

/** One figure change as the JSON object {"old": ..., "new": ..., "context":
 *  ...} (null for a missing side or no context) that hook payloads and
 *  `log`/`diff --json` print; NULL when out of memory. */
struct json_t *rl_figure_change_json(const rl_figure_change *change);

/** The changes as a JSON array of rl_figure_change_json() objects, in
 *  order (every change, repeats included); NULL when out of memory. */
struct json_t *rl_figures_json(const rl_figure_changes *changes);

#endif
