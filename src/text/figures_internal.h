/*
 * figures_internal.h - what figures.c (which figures changed) and
 * figures_units.c (what each figure is: its unit and a few words of
 * context) share.
 */
#ifndef REDLINE_FIGURES_INTERNAL_H
#define REDLINE_FIGURES_INTERNAL_H

#include <stddef.h>

/** The longest figure spelled with its unit, and the longest context. */
#define FIG_SPELLED_MAX 96
#define FIG_CONTEXT_MAX 96

/** Reads the number token text[pos, pos+len) in its sentence: `spelled` gets
 *  the figure with its unit as written ("€ 5 mln", "12%", "3,5 km", spaces
 *  folded), `context` a few words saying what it counts ("militairen",
 *  "soldaten in Rusland"; "" when there is none). */
void fig_describe(char spelled[FIG_SPELLED_MAX], char context[FIG_CONTEXT_MAX], const char *text,
		  size_t pos, size_t len);

/** The unit of a spelled figure in one spelling for synonyms ("mln" for
 *  "miljoen" and "million", "%" for "procent"), into `out`. */
void fig_unit_canon(char *out, size_t size, const char *spelled);

/** 1 when the token text[pos, pos+len) is the unit of a number next to it
 *  (a currency before it, one of the unit words after it: "€", "mln",
 *  "euro" in "€ 5 mln euro"), with that number's place in `*num_pos` and
 *  `*num_len`: a unit changed alone ("5 mln" -> "5 mrd") changes the figure. */
int fig_unit_owner(size_t *num_pos, size_t *num_len, const char *text, size_t pos, size_t len);

/** 1 when the number token text[pos, pos+len) is part of something else
 *  than a figure: an identifier (phone, postcode, ISBN, "#4", a hex id), an
 *  age, a street address, a name ("Windows 10"), a year used as an
 *  adjective ("the 2016 election"), a count of the page ("(16)"). */
int fig_is_code(const char *text, size_t pos, size_t len);

/** 1 when `w` (ASCII lower case) is a little word ("de", "the", "zur"):
 *  never a context alone, and after a year it says the number is one. */
int fig_is_little(const char *w);

#endif
