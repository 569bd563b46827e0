/*
 * counters.c - the built-in counter rules: view, comment, share, like and
 * reader counts ("1.947 Kommentare", "184.825 Aufrufe", "12 comments",
 * "3 reacties", "1,2K views", "5 partages", "Comments (0)", "Number of
 * views (4099)") and live-ticker stamps ("Aktualisiert um 14:32 Uhr",
 * "Updated at 10:45", "Bijgewerkt om 14.32 uur", "Mis à jour à 14h32").
 *
 * A counter moves every time a page is fetched and says nothing about the
 * story; a headline that changes is news and no rule here touches it.  A
 * count is removed only where it stands as a label, never inside a
 * sentence ("the paper has 200.000 readers" stays):
 *   - the whole line is counters (and separators | · • /);
 *   - at the start of a line, before a separator or the end;
 *   - at the end of a line, glued to the text before it or after a
 *     separator or a sentence end ("... Bahn.1.947 Kommentare").
 * Compiled by rl_normaliser_new() like the relative-time rules (UTF, UCP,
 * CASELESS, MULTILINE); only horizontal space (\h) is used.  Switched off
 * per source with `counters = keep`.  docs/normalisation.md lists them.
 * normalise_filter.c skips a rule where a word it needs is missing: a rule
 * changed here needs its entry there changed too (test_normalise_filter).
 */
#include "redline/normalise.h"

/* 12 | 1.947 | 184,825 | 1 234 | 1,2K | 3.4k | 1.2M | 2 Mio. */
#define NUM "(?:\\d{1,3}(?:[.,\\x{2009}\\x{202F} ]\\d{3})+|\\d+(?:[.,]\\d+)?)" \
	"(?:\\h?(?:[kKmM]|mio\\.?|mln\\.?|tsd\\.?|k\\.))?"
/* what is counted, in nl, en, de and fr */
#define NOUN "(?:reacties|reactie|keer\\h+bekeken|weergaven|weergave|keer\\h+gedeeld|gedeeld" \
	"|lezers|bekeken|vind-ik-leuks|comments|comment|views|view|shares|share|likes|like" \
	"|reactions|replies|reply|readers|reads|retweets|kommentare|kommentar|aufrufe|ansichten" \
	"|leser|mal\\h+geteilt|geteilt|reaktionen|antworten|gef[äa]llt\\h+mir|commentaires" \
	"|commentaire|vues|vue|partages|partage|lectures|r[ée]actions|lecteurs|j['’]aime)"
/* "12 comments", "Kommentare (12)", "Views: 1,234", "Number of views (4099)" */
#define COUNTER "(?:" NUM "\\h*" NOUN "|(?:number\\h+of\\h+|aantal\\h+|anzahl\\h+(?:der\\h+)?" \
	"|nombre\\h+de\\h+)?" NOUN "\\h*(?::\\h*" NUM "|\\(\\h*" NUM "\\h*\\)))"
/* not inside a word or number */
#define NB "(?<![\\p{L}\\p{N}])"
#define NA "(?![\\p{L}\\p{N}])"
#define SEP "(?:\\h*[|·•/]\\h*|\\h+)"
/* a live ticker's stamp: label, maybe a date, a clock time */
#define STAMP_LABEL "(?:laatst\\h+bijgewerkt|bijgewerkt|laatste\\h+update|geactualiseerd" \
	"|last\\h+updated|updated|update|zuletzt\\h+aktualisiert|aktualisiert|stand" \
	"|mis\\h+[àa]\\h+jour|mise\\h+[àa]\\h+jour|actualis[ée])"
#define DATE "(?:\\d{1,2}[./-]\\d{1,2}[./-]\\d{2,4}|\\d{4}-\\d{2}-\\d{2}" \
	"|\\d{1,2}\\.?\\h+\\p{L}{3,10}\\.?\\h+\\d{4})"
#define CLOCK "\\d{1,2}[:.h]\\d{2}(?:\\h*(?:uur|uhr|h|[ap]\\.?m\\.?|[A-Z]{2,4}))?"

static const char *const rules[] = {
	/* a line of counters: "12 comments | 3.4K views", "1.947 Kommentare" */
	"^\\h*" COUNTER NA "(?:" SEP COUNTER NA ")*\\h*[|·•]?\\h*$",
	/* at the start of a line, before a separator: "184.825 Aufrufe | Politik" */
	"^\\h*" COUNTER NA "\\h*[|·•]",
	/* at the end of a line, glued or after a separator or sentence end */
	"(?:(?<=[\\p{L}.!?\"”’»)])|\\h*[|·•]\\h*|(?<=[.!?\"”’»)])\\h+)" COUNTER NA
	"(?:" SEP COUNTER NA ")*\\h*$",
	/* a ticker's stamp as a label: "Aktualisiert um 14:32 Uhr", "Updated 12.03.2026, 10:45" */
	"^\\h*" STAMP_LABEL "\\h*:?\\h*(?:(?:am|on|op|le)\\h+)?(?:" DATE "\\h*,?\\h*)?"
	"(?:(?:om|at|um|[àa])\\h+)?" CLOCK "\\h*$",
	"(?<=[.!?\"”’»)]|\\h[|·•])\\h*" STAMP_LABEL "\\h*:?\\h*(?:(?:am|on|op|le)\\h+)?"
	"(?:" DATE "\\h*,?\\h*)?(?:(?:om|at|um|[àa])\\h+)?" CLOCK "\\h*$",
};

const char *const *rl_normalise_counter_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(*rules);
	return rules;
}
