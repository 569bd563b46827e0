/*
 * reltime.c - the built-in relative-time rules ("2 uur geleden", "5 minutes
 * ago", "vor 3 Stunden", "il y a 2 heures", "gisteren", ...).
 *
 * A page that says "2 hours ago" says "3 hours ago" an hour later: without
 * these rules every fetch would be a revision.  Two kinds of rule:
 *   - a number (or "an", "een", "einer", "une", "a few", ...) with a unit of
 *     seconds, minutes, hours or days and the "ago" word is removed anywhere
 *     in a line, with an optional "Updated"/"Bijgewerkt"-style label; weeks,
 *     months and years are facts ("de aanslag van 2 jaar geleden") and stay;
 *   - a bare word ("gisteren", "yesterday", "gestern", "hier", "just now",
 *     "zojuist", "à l'instant", ...) is news in a sentence, so it is removed
 *     only where it stands as a label: a whole line, glued to the start of a
 *     line ("gisterenANKARA"), or at the end of a line after a sentence end
 *     or glued to it ("...gevonden. Gisteren", "10.000gisteren").
 * Compiled by rl_normaliser_new() with UTF, UCP, CASELESS and MULTILINE; only
 * horizontal space (\h) is used, so no rule ever crosses a line.
 * docs/normalisation.md lists every rule with examples; keep them in step.
 * normalise_filter.c skips a rule where a word it needs is missing: a rule
 * changed here needs its entry there changed too (test_normalise_filter).
 */
#include "redline/normalise.h"

/* not inside a word or number: "meteen uur geleden" keeps its "meteen" */
#define NB "(?<![\\p{L}\\p{N}])"
/* not followed by a lower-case letter; an upper-case one is a glued dateline */
#define NA "(?!(?-i:\\p{Ll}))"
/* "Updated", "Bijgewerkt: ", ... in front of a label */
#define PFX "(?:(?:laatst\\h+bijgewerkt|bijgewerkt|ge[üu]pdatet?|geactualiseerd|gewijzigd" \
	"|gepubliceerd|geplaatst|laatste\\h+update|last\\h+updated|updated|update|posted|published" \
	"|edited|zuletzt\\h+aktualisiert|aktualisiert|ver[öo]ffentlicht|ge[äa]ndert" \
	"|mis\\h+[àa]\\h+jour|mise\\h+[àa]\\h+jour|publi[ée]|modifi[ée])\\h*:?\\h*)?"
/* a clock time after a day word: "gisteren 14:32", "yesterday at 5:30 pm", "hier à 18h30" */
#define CLOCK "(?:\\h*,?\\h*(?:om|at|um|[àa])?\\h*\\d{1,2}[:.h]\\d{2}" \
	"(?:\\h*(?:uur|uhr|[ap]\\.?m\\.?))?)?"
/* words that are a time label only when they stand alone */
#define BARE "(?:eergisteren|gisteren|vandaag|zojuist|zonet|net\\h+binnen" \
	"|yesterday|today|just\\h+now|moments?\\h+ago|a\\h+moment\\h+ago|seconds\\h+ago" \
	"|vorgestern|gestern|heute|gerade\\h+eben|soeben|vor\\h+kurzem" \
	"|avant-hier|hier|aujourd['’]hui|[àa]\\h+l['’]instant)"

static const char *const rules[] = {
	/* Dutch: "2 uur geleden", "10 min geleden", "1 minuut geleden", "een dag geleden" */
	NB PFX "(?:\\d+|een|één|enkele|een\\h+paar|paar)\\h*"
	"(?:seconden|seconde|sec|s|minuten|minuut|min|m|uren|uur|u|dagen|dag|d)\\.?"
	"\\h+geleden" NA,
	/* English: "2 hours ago", "5 mins ago", "an hour ago", "a few minutes ago", "3h ago" */
	NB PFX "(?:\\d+|an?|one|a\\h+few|few|several)\\h*"
	"(?:seconds|second|secs|sec|s|minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d)\\.?"
	"\\h+ago" NA,
	/* German: "vor 3 Stunden", "vor einer Stunde", "vor 5 Min.", "vor 2 Tagen" */
	NB PFX "vor\\h+(?:\\d+|einer|einem|wenigen|ein\\h+paar)\\h*"
	"(?:sekunden|sekunde|sek\\.?|minuten|minute|min\\.?|stunden|stunde|std\\.?|h|tagen|tag)" NA,
	/* French: "il y a 2 heures", "il y a 5 min", "il y a une heure", "il y a 3 jours" */
	NB PFX "il\\h+y\\h+a\\h+(?:\\d+|une?|quelques)\\h*"
	"(?:secondes|seconde|sec\\.?|s|minutes|minute|min\\.?|heures|heure|h|jours|jour|j)" NA,
	/* a bare word as a whole line: "Gisteren", "Updated yesterday", "hier à 18h30" */
	"^\\h*" PFX BARE CLOCK "\\h*$",
	/* glued to the start of a line, before an upper-case letter: "gisterenANKARA" */
	"^\\h*" PFX BARE CLOCK "(?<=(?-i:[\\p{Ll}\\p{N}.]))(?=(?-i:\\p{Lu}))",
	/* at the end of a line, after a sentence end or glued: "... gevonden. Gisteren" */
	"(?<=[.!?\"”’»)\\p{N}])\\h*" PFX BARE CLOCK "\\h*$",
};

const char *const *rl_normalise_reltime_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(*rules);
	return rules;
}
