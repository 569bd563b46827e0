/*
 * synth_archive.c - the commits `redline ingest` makes of a NewsEdits-sized
 * stream, written as a `git fast-import` stream, so that an archive of
 * 1 M stories is built in minutes instead of hours.
 *
 * The stream is bench/scale's model (22 sources, pages of PAGE stories,
 * NEW new stories a source an hour, EDITS edits in a story's life, texts
 * and edits of bench/ingest/gen.py: a figure changed, a sentence replaced
 * or added), with its own deterministic random numbers.  Everything that
 * decides what ingest writes is redline's own code, linked in:
 *   - each hour's page of each source is rendered as RSS; its XXH3-128 is
 *     the Snapshot-XXH3 and its capture is rl_capture_for_file()'s;
 *   - the stories that changed are extracted and normalised by
 *     rl_ingest_extract()/rl_ingest_prepare() (an RSS of those items only:
 *     an item's file depends on the item alone), their id, path and file
 *     come from rl_snapshot_id_for_key(), rl_story_path() and
 *     rl_snapshot_render(), an edit's description from rl_classify_edit();
 *   - the message is ingest_commit.c's render_message(): subject, item
 *     lines in page order then the stories gone, trailers.
 * What the generator knows without asking the archive: which stories are
 * new, edited or gone (it made the page), that no story moves (the page
 * is newest first), and that no edit is a revert (an edit that would give
 * an earlier text is made again).  bench/history/verify.sh checks the
 * result against `redline ingest --list` of the same RSS files: same
 * messages, trees and story files, capture names aside (their uuids are
 * random).
 *
 *   synth_archive --archive A --stories N [--sources 22] [--page 40]
 *                 [--new 2] [--edits 2.6] [--seed 1] [--rss DIR] [--files DIR]
 *                 [--no-captures] | git -C A fast-import --quiet
 *
 * --rss DIR also writes the RSS files and DIR/list.tsv for `ingest --list`;
 * --files DIR is the folder the Source-URL trailers name (default: the
 * --rss folder, else /tmp/synth).  Prints "stories versions commits" on
 * stderr at the end.
 */
#include "redline/archive.h"
#include "redline/buf.h"
#include "redline/capture.h"
#include "redline/classify.h"
#include "redline/config.h"
#include "redline/error.h"
#include "redline/hash.h"
#include "redline/ingest.h"
#include "redline/item.h"
#include "redline/snapshot.h"
#include "redline/story.h"
#include "redline/timeutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SENT 12
#define MAX_HIST 64
#define T0 1767225600 /* 2026-01-01T00:00:00Z, as bench/scale/gen.py */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rint_(int lo, int hi) { return lo + (int)(rnd() % (uint64_t)(hi - lo + 1)); }
static double rfloat(void) { return (double)(rnd() >> 11) / 9007199254740992.0; }

static const char *PLACES[] = { "Rotterdam", "Utrecht", "Brussels", "Lyon", "Leipzig",
				"Porto", "Gdansk", "Turin", "Bilbao", "Aarhus",
				"Graz", "Cork", "Tampere", "Brno", "Malmo" };
static const char *ORGS[] = { "the ministry of finance", "the city council",
			      "the central bank", "the port authority",
			      "the national statistics office", "the health agency",
			      "the transport union", "the energy regulator",
			      "the university hospital", "the court of audit",
			      "the water board", "the rail operator" };
static const char *ORGS_SHORT[] = { "Ministry Of Finance", "City Council", "Central Bank",
				    "Port Authority", "National Statistics Office",
				    "Health Agency", "Transport Union", "Energy Regulator",
				    "University Hospital", "Court Of Audit", "Water Board",
				    "Rail Operator" };
static const char *PEOPLE[] = { "Anna de Vries", "Marc Dubois", "Jonas Keller",
				"Sofia Marques", "Piotr Nowak", "Elena Rossi",
				"Lars Jensen", "Ines Garcia", "Tomas Horak",
				"Claire Martin", "Niamh Byrne", "Mikko Virtanen" };
static const char *TOPICS[][2] = { { "budget", "euros" }, { "housing plan", "homes" },
				   { "wage deal", "workers" },
				   { "flood defence", "metres of dike" },
				   { "vaccination drive", "doses" }, { "rail strike", "trains" },
				   { "tax reform", "households" },
				   { "school programme", "pupils" },
				   { "energy subsidy", "households" },
				   { "harbour expansion", "containers" },
				   { "bridge repair", "cars a day" },
				   { "emergency fund", "euros" } };
static const char *VERBS[] = { "announced", "confirmed", "revised",
			       "approved", "rejected", "postponed" };
static const char *ADJ[] = { "optimistic", "too low", "misleading",
			     "realistic", "outdated", "premature" };
static const char *DAYS[] = { "Monday", "Tuesday", "Wednesday",
			      "Thursday", "Friday", "Saturday" };
#define PICK(a) a[rnd() % (sizeof(a) / sizeof(a[0]))]

struct story {
	uint64_t uid;
	long born;
	int place, org, person, topic;
	char title[256];
	char *sent[MAX_SENT];
	int nsent;
	char id[13];
	char *path;       /* from its first version */
	char *ntitle;     /* the title as normalised (INDEX) */
	char *text;       /* its file now */
	int64_t first_seen;
	uint64_t hist[MAX_HIST]; /* hashes of its model texts: no edit reverts */
	int nhist;
	int edited;
};

struct source {
	char name[8];
	struct story **page; /* newest first */
	size_t n;
};

static char *sentence(const struct story *s)
{
	char b[512];
	const char *org = ORGS[s->org], *unit = TOPICS[s->topic][1];
	const char *topic = TOPICS[s->topic][0];
	int n1 = rint_(2, 950), n3 = rint_(2, 48), n4 = rint_(1, 40) * 50, n5 = rint_(3, 400);
	int n6 = rint_(50, 150), pa = rint_(1, 40), pb = rint_(0, 9);
	char n2[16];

	snprintf(n2, sizeof(n2), "%d,%03d", rint_(1, 99), rint_(0, 999));
	switch (rnd() % 10) {
	case 0: snprintf(b, sizeof(b), "%c%s %s a %s worth %d million %s on %s.", org[0] - 32,
			 org + 1, PICK(VERBS), topic, n1, unit, PICK(DAYS)); break;
	case 1: snprintf(b, sizeof(b), "The figure is %d.%d percent higher than last year, when "
			 "%s %s were counted.", pa, pb, n2, unit); break;
	case 2: snprintf(b, sizeof(b), "%s, who leads the talks in %s, said the plan would take "
			 "%d months.", PEOPLE[s->person], PLACES[s->place], n3); break;
	case 3: snprintf(b, sizeof(b), "About %d people attended the meeting in %s, according "
			 "to %s.", n4, PLACES[s->place], org); break;
	case 4: snprintf(b, sizeof(b), "Critics said the estimate of %d million was %s and asked "
			 "for an audit.", n1, PICK(ADJ)); break;
	case 5: snprintf(b, sizeof(b), "A spokesperson for %s declined to comment on the %d "
			 "pending cases.", org, n5); break;
	case 6: snprintf(b, sizeof(b), "The vote is expected on %s, with %d of %d members in "
			 "favour so far.", PICK(DAYS), n3, n6); break;
	case 7: snprintf(b, sizeof(b), "In %s, %s %s are affected, up from %d in the spring.",
			 PLACES[s->place], n2, unit, n4); break;
	case 8: snprintf(b, sizeof(b), "%s told reporters that %d.%d percent of the money had "
			 "already been spent.", PEOPLE[s->person], pa, pb); break;
	default: snprintf(b, sizeof(b), "The measure follows a report that found %d problems in "
			  "%d districts.", n5, n3); break;
	}
	return strdup(b);
}

static uint64_t model_hash(const struct story *s)
{
	rl_buf b = RL_BUF_INIT(1u << 20);
	uint64_t h;

	for (int i = 0; i < s->nsent; i++)
		rl_buf_printf(&b, "%s\n", s->sent[i]);
	h = rl_hash64_bytes(b.ptr ? b.ptr : "", b.len);
	rl_buf_release(&b);
	return h;
}

static struct story *story_new(uint64_t uid, long k)
{
	struct story *s = calloc(1, sizeof(*s));
	const char *topic, *place;

	s->uid = uid;
	s->born = k;
	s->place = (int)(rnd() % 15);
	s->org = (int)(rnd() % 12);
	s->person = (int)(rnd() % 12);
	s->topic = (int)(rnd() % 12);
	topic = TOPICS[s->topic][0];
	place = PLACES[s->place];
	switch (rnd() % 5) {
	case 0: snprintf(s->title, sizeof(s->title), "%s %s: %s %s %d million plan", place, topic,
			 ORGS_SHORT[s->org], PICK(VERBS), rint_(2, 950)); break;
	case 1: snprintf(s->title, sizeof(s->title), "%s defends %s as costs reach %d million",
			 PEOPLE[s->person], topic, rint_(2, 950)); break;
	case 2: snprintf(s->title, sizeof(s->title), "%d,%03d %s hit as %s stalls in %s",
			 rint_(1, 99), rint_(0, 999), TOPICS[s->topic][1], topic, place); break;
	case 3: snprintf(s->title, sizeof(s->title), "%s %s %s after %d complaints",
			 ORGS_SHORT[s->org], PICK(VERBS), topic, rint_(3, 400)); break;
	default: snprintf(s->title, sizeof(s->title), "Vote on %s %s set for %s", place, topic,
			  PICK(DAYS)); break;
	}
	s->nsent = rint_(4, 7);
	for (int i = 0; i < s->nsent; i++)
		s->sent[i] = sentence(s);
	s->hist[s->nhist++] = model_hash(s);
	return s;
}

static void story_free(struct story *s)
{
	for (int i = 0; i < s->nsent; i++)
		free(s->sent[i]);
	free(s->path);
	free(s->ntitle);
	free(s->text);
	free(s);
}

/* One edit (a figure, a sentence replaced or added), never a no-op and
 * never back to an earlier text (a revert is told apart by ingest). */
static void story_edit(struct story *s)
{
	for (;;) {
		int i = (int)(rnd() % (uint64_t)s->nsent);
		double r = rfloat();
		uint64_t h;
		int seen = 0;
		if (r < 0.6) {
			char *p = s->sent[i], *digits[32], b[600];
			int nd = 0;
			for (char *q = p; *q && nd < 32; q++)
				if (*q >= '0' && *q <= '9' && (q == p || q[-1] < '0' || q[-1] > '9'))
					digits[nd++] = q;
			if (nd == 0)
				continue;
			char *m = digits[rnd() % (uint64_t)nd], *e = m;
			while (*e >= '0' && *e <= '9')
				e++;
			snprintf(b, sizeof(b), "%.*s%lld%s", (int)(m - p), p,
				 strtoll(m, NULL, 10) + rint_(1, 9), e);
			free(s->sent[i]);
			s->sent[i] = strdup(b);
		} else if (r < 0.85 || s->nsent >= 9) {
			free(s->sent[i]);
			s->sent[i] = sentence(s);
		} else {
			s->sent[s->nsent++] = sentence(s);
		}
		h = model_hash(s);
		for (int j = 0; j < s->nhist; j++)
			seen |= s->hist[j] == h;
		if (seen)
			continue;
		if (s->nhist < MAX_HIST)
			s->hist[s->nhist++] = h;
		return;
	}
}

static void xml_escape(rl_buf *b, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "&<>");
		rl_buf_put(b, s, n);
		s += n;
		if (*s == '&') rl_buf_puts(b, "&amp;");
		else if (*s == '<') rl_buf_puts(b, "&lt;");
		else if (*s == '>') rl_buf_puts(b, "&gt;");
		if (*s)
			s++;
	}
}

static void rss_item(rl_buf *b, const char *src, const struct story *s)
{
	rl_buf_puts(b, "<item>\n<title>");
	xml_escape(b, s->title);
	rl_buf_printf(b, "</title>\n<link>https://%s.example.org/news/%llu</link>\n", src,
		      (unsigned long long)s->uid);
	rl_buf_printf(b, "<guid isPermaLink=\"false\">tag:%s.example.org,2026:%llu</guid>\n", src,
		      (unsigned long long)s->uid);
	rl_buf_puts(b, "<description>");
	for (int i = 0; i < s->nsent; i++) {
		if (i)
			rl_buf_putc(b, ' ');
		xml_escape(b, s->sent[i]);
	}
	rl_buf_puts(b, "</description>\n</item>\n");
}

static void rss_head(rl_buf *b, const char *src, int64_t t)
{
	static const char *wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	rl_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n");
	rl_buf_printf(b, "<title>%s news</title>\n<link>https://%s.example.org/</link>\n", src, src);
	rl_buf_printf(b, "<description>Latest news from %s</description>\n", src);
	rl_buf_printf(b, "<lastBuildDate>%s, %02d %s %04d %02d:%02d:%02d +0000</lastBuildDate>\n",
		      wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		      tm.tm_min, tm.tm_sec);
}

static void fi_data(FILE *out, const void *p, size_t len)
{
	fprintf(out, "data %zu\n", len);
	fwrite(p, 1, len, out);
	fputc('\n', out);
}

static void fi_file(FILE *out, const char *path, const void *p, size_t len)
{
	fprintf(out, "M 100644 inline %s\n", path);
	fi_data(out, p, len);
}

static void die(const char *what)
{
	fprintf(stderr, "synth_archive: %s: %s\n", what, rl_error_last());
	exit(1);
}

int main(int argc, char **argv)
{
	const char *archive_path = NULL, *rss_dir = NULL, *files_dir = NULL;
	long stories_max = 10000, nsrc = 22, page = 40, nnew = 2, seed = 1;
	double edits = 2.6;
	int captures = 1, first = 1;
	rl_archive *archive = NULL;
	FILE *out = stdout, *list = NULL;
	static char obuf[1 << 20];
	long stories = 0, versions = 0, commits = 0;
	rl_buf rss = RL_BUF_INIT(64u << 20), mini = RL_BUF_INIT(64u << 20);
	rl_buf msg = RL_BUF_INIT(4u << 20), index = RL_BUF_INIT(8u << 20);
	rl_ingest_opts opts;
	rl_source_config *cfg = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--no-captures")) { captures = 0; continue; }
		if (!v) { fprintf(stderr, "synth_archive: %s needs a value\n", a); return 2; }
		i++;
		if (!strcmp(a, "--archive")) archive_path = v;
		else if (!strcmp(a, "--stories")) stories_max = atol(v);
		else if (!strcmp(a, "--sources")) nsrc = atol(v);
		else if (!strcmp(a, "--page")) page = atol(v);
		else if (!strcmp(a, "--new")) nnew = atol(v);
		else if (!strcmp(a, "--edits")) edits = atof(v);
		else if (!strcmp(a, "--seed")) seed = atol(v);
		else if (!strcmp(a, "--rss")) rss_dir = v;
		else if (!strcmp(a, "--files")) files_dir = v;
		else { fprintf(stderr, "synth_archive: unknown option %s\n", a); return 2; }
	}
	if (!archive_path || nsrc < 1 || nsrc > 100 || nnew < 1 || page < nnew) {
		fprintf(stderr, "usage: synth_archive --archive A --stories N [...] (see the file)\n");
		return 2;
	}
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));
	if (rl_archive_open(&archive, archive_path) < 0)
		die(archive_path);
	if (rl_source_config_new(&cfg, "s00") < 0)
		die("config");
	if (!files_dir)
		files_dir = rss_dir ? rss_dir : "/tmp/synth";
	char files_abs[4096];
	if (rss_dir) {
		mkdir(rss_dir, 0777);
		if (!realpath(rss_dir, files_abs))
			die(rss_dir);
		files_dir = files_abs;
		char p[4200];
		snprintf(p, sizeof(p), "%s/list.tsv", rss_dir);
		if (!(list = fopen(p, "w")))
			die(p);
	}
	rng_state = (uint64_t)seed * 0x2545f4914f6cdd1dull;
	struct source *src = calloc((size_t)nsrc, sizeof(*src));
	for (long s = 0; s < nsrc; s++) {
		snprintf(src[s].name, sizeof(src[s].name), "s%02ld", s);
		src[s].page = calloc((size_t)(page + nnew + 8), sizeof(struct story *));
		if (rss_dir) {
			char p[4200];
			snprintf(p, sizeof(p), "%s/%s", rss_dir, src[s].name);
			mkdir(p, 0777);
		}
	}
	/* the extractor version of a capture's metadata: rl_capture_for_file()
	 * hashes the settings rl_config_source_load() gives (the defaults for
	 * a source without a [source] section, whatever its name) */
	char extractor[96];
	rl_source_config *loaded = NULL;
	if (rl_config_source_load(&loaded, archive, "s00") < 0 && loaded == NULL)
		die("config");
	rl_error_clear();
	rl_capture_extractor_version(extractor, sizeof(extractor), loaded);
	rl_source_config_free(loaded);
	long life = page / nnew;
	double p_edit = edits / (double)life < 1 ? edits / (double)life : 1;

	for (long k = 0; stories < stories_max; k++) {
		int64_t t = T0 + (int64_t)k * 3600;
		char when[RL_TIME_ISO_SIZE];
		rl_time_format_iso8601(when, t);
		for (long si = 0; si < nsrc; si++) {
			struct source *S = &src[si];
			struct story *gone[64];
			size_t ngone = 0, nedit = 0;
			char file[4200], uri[4300], hex[RL_HASH_HEX_SIZE];

			/* the page: stories older than `life` drop off, the
			 * others may be edited, NEW new ones on top */
			size_t w = 0;
			for (size_t i = 0; i < S->n; i++) {
				if (S->page[i]->born < k - life && ngone < 64)
					gone[ngone++] = S->page[i];
				else
					S->page[w++] = S->page[i];
			}
			S->n = w;
			for (size_t i = 0; i < S->n; i++) {
				S->page[i]->edited = rfloat() < p_edit;
				if (S->page[i]->edited) {
					story_edit(S->page[i]);
					nedit++;
				}
			}
			memmove(S->page + nnew, S->page, S->n * sizeof(*S->page));
			for (long j = 0; j < nnew; j++) {
				/* newest first: uid k*new+j, the larger on top */
				S->page[nnew - 1 - j] = story_new((uint64_t)(k * nnew + j), k);
			}
			S->n += (size_t)nnew;

			rl_buf_clear(&rss);
			rl_buf_clear(&mini);
			rss_head(&rss, S->name, t);
			rss_head(&mini, S->name, t);
			for (size_t i = 0; i < S->n; i++) {
				struct story *st = S->page[i];
				rss_item(&rss, S->name, st);
				if (st->born == k || st->edited)
					rss_item(&mini, S->name, st);
			}
			rl_buf_puts(&rss, "</channel>\n</rss>\n");
			rl_buf_puts(&mini, "</channel>\n</rss>\n");
			snprintf(file, sizeof(file), "%s/%s/snap_%07ld.xml", files_dir, S->name, k);
			snprintf(uri, sizeof(uri), "file://%s", file);
			if (rss_dir) {
				FILE *f = fopen(file, "w");
				if (!f || fwrite(rss.ptr, 1, rss.len, f) != rss.len || fclose(f))
					die(file);
				fprintf(list, "%s\t%s/snap_%07ld.xml\t%s\n", S->name, S->name, k, when);
			}

			/* the changed stories as ingest extracts and renders them */
			rl_item_list items = RL_ITEM_LIST_INIT;
			memset(&opts, 0, sizeof(opts));
			opts.format = RL_FORMAT_RSS;
			opts.time = t;
			if (rl_ingest_extract(&items, cfg, mini.ptr, mini.len, &opts) < 0 ||
			    rl_ingest_prepare(&items, cfg, &opts) < 0)
				die("extract");
			size_t it_i = 0;
			rl_buf_clear(&msg);
			rl_buf_printf(&msg, "%s: %zu edited, %ld new, %zu gone from page\n\n", S->name,
				      nedit, nnew, ngone);
			for (size_t i = 0; i < S->n; i++) {
				struct story *st = S->page[i];
				if (!(st->born == k || st->edited))
					continue;
				if (it_i >= items.n)
					die("fewer items than changed stories");
				rl_item *it = &items.v[it_i++];
				char id[13];
				rl_snapshot_id_for_key(id, it->key);
				if (st->born == k) {
					memcpy(st->id, id, sizeof(id));
					st->first_seen = t;
					if (rl_story_path(&st->path, S->name, t, it->title, id) < 0)
						die("path");
					st->ntitle = strdup(it->title);
				} else if (strcmp(st->id, id) != 0) {
					die("an edited story's id changed");
				}
				free(it->id);
				it->id = strdup(st->id);
				if (rl_snapshot_render(it, S->name, st->first_seen, NULL) < 0)
					die("render");
				rl_buf_printf(&msg, "%s %s %s\n", st->born == k ? "new" : "edited",
					      st->id, it->title ? it->title : "");
				if (st->born != k) {
					/* ingest_figures() */
					rl_story_header ho, hn;
					rl_edit_class ec;
					memset(&ho, 0, sizeof(ho));
					memset(&hn, 0, sizeof(hn));
					memset(&ec, 0, sizeof(ec));
					if (rl_story_parse_header(&ho, st->text, strlen(st->text)) < 0 ||
					    rl_story_parse_header(&hn, it->text, strlen(it->text)) < 0 ||
					    rl_classify_edit(&ec, ho.title ? ho.title : "",
							     rl_story_body(st->text),
							     hn.title ? hn.title : "",
							     rl_story_body(it->text)) < 0)
						die("classify");
					if (ec.kinds) {
						rl_buf_puts(&msg, "    ");
						rl_edit_class_describe(&msg, &ec);
						rl_buf_putc(&msg, '\n');
					}
					rl_edit_class_release(&ec);
					rl_story_header_clear(&ho);
					rl_story_header_clear(&hn);
					if (strcmp(st->text, it->text) == 0)
						die("an edit that changed nothing");
					free(st->ntitle);
					st->ntitle = strdup(it->title);
				}
				free(st->text);
				st->text = strdup(it->text);
			}
			if (it_i != items.n)
				die("more items than changed stories");
			rl_item_list_release(&items);
			for (size_t g = 0; g < ngone; g++)
				rl_buf_printf(&msg, "gone %s %s\n", gone[g]->id, gone[g]->ntitle);
			rl_hash128_hex(hex, rl_hash128_bytes(rss.ptr, rss.len));
			rl_buf_printf(&msg, "\nSource-URL: %s\nSnapshot-Time: %s\nSnapshot-XXH3: %s\n",
				      uri, when, hex);
			/* rl_capture_for_file() for a source without a [source]
			 * section, without reading the config each time */
			rl_capture *cap = NULL;
			rl_capture_facts facts = { 0 };
			facts.source = S->name;
			facts.extractor = extractor;
			facts.decoded_len = rss.len;
			facts.snapshot_xxh3 = hex;
			facts.outcome = "read from a file";
			if (captures && rl_capture_new_resource(&cap, uri, t, "application/rss+xml",
								rss.ptr, rss.len, &facts) < 0)
				die("capture");
			if (cap)
				rl_buf_printf(&msg, RL_CAPTURE_TRAILER "%s\n", cap->id);

			fprintf(out, "commit refs/heads/main\n");
			fprintf(out, "author redline <redline@localhost> %lld +0000\n", (long long)t);
			fprintf(out, "committer redline <redline@localhost> %lld +0000\n", (long long)t);
			fi_data(out, msg.ptr, msg.len);
			if (first) {
				const char *ga = rl_archive_gitattributes();
				fi_file(out, ".gitattributes", ga, strlen(ga));
				first = 0;
			}
			for (size_t i = 0; i < S->n; i++) {
				struct story *st = S->page[i];
				if (st->born == k || st->edited) {
					fi_file(out, st->path, st->text, strlen(st->text));
					versions++;
				}
			}
			rl_buf_clear(&index);
			for (size_t i = 0; i < S->n; i++)
				rl_story_index_line_render(&index, S->page[i]->id, S->page[i]->ntitle);
			char ipath[128];
			rl_story_index_path(ipath, sizeof(ipath), S->name);
			fi_file(out, ipath, index.ptr ? index.ptr : "", index.len);
			if (cap)
				fi_file(out, cap->path, cap->bytes.ptr, cap->bytes.len);
			fputc('\n', out);
			rl_capture_free(cap);
			for (size_t g = 0; g < ngone; g++)
				story_free(gone[g]);
			stories += nnew;
			commits++;
		}
	}
	if (fflush(out) != 0)
		die("stdout");
	if (list)
		fclose(list);
	fprintf(stderr, "%ld %ld %ld\n", stories, versions, commits);
	rl_archive_free(archive);
	return 0;
}
