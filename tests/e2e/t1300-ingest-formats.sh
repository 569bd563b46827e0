#!/bin/bash
# Every snapshot format through `redline ingest`: RSS and Atom feeds written
# here (guid, tracking parameters, HTML entities), an HTML listing of
# <article>s with relative links, and real pages from the shared corpus.
# An identical feed makes one commit; one edited description one edited story.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null

rss() { # rss DESCRIPTION_OF_ITEM_2 UTM
	cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Voorbeeld</title><link>https://example.nl/</link>
<item><guid isPermaLink="false">tag:example.nl,2026:1</guid>
<link>https://example.nl/nieuws/1?utm_source=rss&amp;utm_medium=$2</link>
<title>Caf&eacute;s in Li&egrave;ge sluiten eerder</title>
<description>Het stadsbestuur van Li&egrave;ge&nbsp;wil minder overlast. De caf&eacute;s gaan om 1 uur dicht.</description></item>
<item><guid isPermaLink="false">tag:example.nl,2026:2</guid>
<link>https://example.nl/nieuws/2?utm_campaign=$2</link>
<title>Brug bij Arnhem weer open</title>
<description>$1</description></item>
</channel></rss>
EOF
}
rss 'De brug is na 3 weken&nbsp;werk weer open. Het verkeer rijdt weer.' a >"$T/rss1.xml"
rss 'De brug is na 3 weken&nbsp;werk weer open. Het verkeer rijdt weer.' b >"$T/rss1b.xml"
rss 'De brug is na 5 weken&nbsp;werk weer open. Het verkeer rijdt weer.' c >"$T/rss2.xml"

expect_status 0 rl -C "$A" ingest feed "$T/rss1.xml" --at 2026-11-28T09:00:00Z
assert_contains "$T/out" "0 edited, 2 new, 0 gone from page"
expect_status 0 rl -C "$A" ingest feed "$T/rss1.xml" --at 2026-11-28T09:10:00Z
assert_contains "$T/out" "no change"
expect_status 0 rl -C "$A" ingest feed "$T/rss1b.xml" --at 2026-11-28T09:20:00Z
assert_contains "$T/out" "no change"
[ "$(commits "$A")" = 1 ] || fail "an identical feed (and one with other utm_ values) must make one commit"
ok "RSS ingested twice identically, then with other tracking parameters: one commit"

f1=$(git -C "$A" ls-tree -r --name-only HEAD | grep "feed/.*/cafes-in-liege")
[ -n "$f1" ] || fail "no story file with the slug of 'Cafés in Liège'"
git -C "$A" show "HEAD:$f1" >"$T/story1"
assert_contains "$T/story1" "Title: Cafés in Liège sluiten eerder"
assert_contains "$T/story1" "URL: https://example.nl/nieuws/1"
assert_not_contains "$T/story1" "utm_"
assert_contains "$T/story1" "GUID: tag:example.nl,2026:1"
assert_contains "$T/story1" "Het stadsbestuur van Liège wil minder overlast."
assert_not_contains "$T/story1" "&"
grep -q "$(printf '\302\240')" "$T/story1" && fail "an NBSP reached the story file"
# one sentence per line
grep -qx "De cafés gaan om 1 uur dicht." "$T/story1" || fail "sentence not on its own line"
ok "entities decoded, NBSP folded, URL without utm_, GUID kept, one sentence per line"

expect_status 0 rl -C "$A" ingest feed "$T/rss2.xml" --at 2026-11-28T10:00:00Z
assert_contains "$T/out" "1 edited, 0 new, 0 gone from page"
[ "$(commits "$A")" = 2 ] || fail "an edited description makes one commit"
git -C "$A" diff --name-only HEAD~1 HEAD -- ':!.captures' >"$T/names"
[ "$(wc -l <"$T/names")" = 1 ] || { cat "$T/names"; fail "only the edited story file should change"; }
[ "$(git -C "$A" diff --name-only HEAD~1 HEAD -- .captures | wc -l)" = 1 ] || fail "the edit should add one capture"
git -C "$A" diff HEAD~1 HEAD >"$T/diff"
assert_contains "$T/diff" "+De brug is na 5 weken werk weer open."
assert_contains "$T/diff" "-De brug is na 3 weken werk weer open."
ok "an edited description: one story edited, its file alone changes"

atom() { # atom SUMMARY
	cat <<EOF
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title><id>urn:x</id><updated>2026-11-28T09:00:00Z</updated>
<entry><id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id><title>Eerste bericht</title>
<link rel="alternate" href="/a/1?utm_source=atom"/><updated>2026-11-28T09:00:00Z</updated>
<summary type="html">&lt;p&gt;Een &lt;b&gt;vette&lt;/b&gt; zin met &amp;eacute;&amp;nbsp;accent.&lt;/p&gt;</summary></entry>
<entry><id>urn:uuid:2</id><title>Tweede bericht</title><link href="https://example.org/a/2"/>
<updated>2026-11-28T09:00:00Z</updated><summary>$1</summary></entry>
</feed>
EOF
}
atom "Er zijn 12 gewonden." >"$T/atom1.xml"
atom "Er zijn 14 gewonden." >"$T/atom2.xml"
expect_status 0 rl -C "$A" ingest atom "$T/atom1.xml" --url https://example.org/feed --at 2026-11-28T09:00:00Z
assert_contains "$T/out" "0 edited, 2 new"
expect_status 0 rl -C "$A" ingest atom "$T/atom1.xml" --url https://example.org/feed --at 2026-11-28T09:30:00Z
assert_contains "$T/out" "no change"
expect_status 0 rl -C "$A" ingest atom "$T/atom2.xml" --url https://example.org/feed --at 2026-11-28T10:00:00Z
assert_contains "$T/out" "1 edited, 0 new, 0 gone from page"
assert_contains "$T/out" "figures: gewonden: 12 → 14"
git -C "$A" grep -h "^URL:" HEAD -- atom >"$T/urls"
grep -qx "URL: https://example.org/a/1" "$T/urls" || { cat "$T/urls"; fail "relative Atom link not resolved/cleaned"; }
git -C "$A" grep -q "Een vette zin met é accent." HEAD -- atom || fail "escaped HTML summary not decoded"
[ "$(git -C "$A" log --format=%h -- atom | wc -l)" = 2 ] || fail "atom: two commits expected"
ok "Atom: relative link resolved, escaped HTML decoded, identical feed no commit, edit detected"

cat >"$T/list1.html" <<'EOF'
<!DOCTYPE html><html><head><title>Lijst</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h2><a href="/artikel/een?utm_source=home">Eerste artikel over het weer</a></h2><p>Morgen wordt het 12 graden.</p></article>
<article><h2><a href="../artikel/twee">Tweede artikel over de trein</a></h2><p>De trein rijdt niet.</p></article>
<article><h2><a href="drie#reacties">Derde artikel over de markt</a></h2><p>De markt is druk.</p></article>
</body></html>
EOF
sed 's/12 graden/14 graden/' "$T/list1.html" >"$T/list2.html"
expect_status 0 rl -C "$A" ingest list "$T/list1.html" --url https://example.com/nieuws/index.html --at 2026-11-28T09:00:00Z
assert_contains "$T/out" "0 edited, 3 new"
git -C "$A" grep -h "^URL:" HEAD -- list | sort >"$T/urls"
printf 'URL: https://example.com/artikel/een\nURL: https://example.com/artikel/twee\nURL: https://example.com/nieuws/drie\n' >"$T/want"
diff "$T/want" "$T/urls" || fail "relative links of <article>s not resolved to canonical URLs"
expect_status 0 rl -C "$A" ingest list "$T/list2.html" --url https://example.com/nieuws/index.html --at 2026-11-28T10:00:00Z
assert_contains "$T/out" "1 edited, 0 new, 0 gone from page"
ok "HTML listing of <article>s: relative links resolved, one edit detected"

if [ -z "${REDLINE_SHARED_DIR:-}" ] || [ ! -d "$REDLINE_SHARED_DIR/corpus" ]; then
	skip "corpus not available (REDLINE_SHARED_DIR unset or without corpus/)"
	done_testing
fi

FEED="$REDLINE_SHARED_DIR/corpus/diffengine/test-data/feed1.xml"
if [ -f "$FEED" ]; then
	expect_status 0 rl -C "$A" ingest wapo "$FEED" --at 2026-11-28T09:00:00Z
	assert_contains "$T/out" "0 edited, 20 new, 0 gone from page"
	[ "$(git -C "$A" show HEAD:wapo/INDEX | wc -l)" = 20 ] || fail "INDEX should list 20 stories"
	[ "$(git -C "$A" ls-tree -r --name-only HEAD -- wapo | grep -c '\.txt$')" = 20 ] || fail "20 story files"
	expect_status 0 rl -C "$A" ingest wapo "$FEED" --at 2026-11-28T09:10:00Z
	assert_contains "$T/out" "no change"
	ok "corpus RSS feed1.xml: 20 stories in INDEX, again no change"
else
	skip "$FEED not found"
fi

V="$REDLINE_SHARED_DIR/corpus/web-monitoring-diff/web_monitoring_diff/tests/fixtures/versions"
OLD="$V/775a8b04-9bac-4d0d-8db0-a8e133c4a964"
NEW="$V/9d4de183-a186-456c-bffb-55d82989877d"
if [ -f "$OLD" ] && [ -f "$NEW" ]; then
	expect_status 0 rl -C "$A" add energy https://www.energy.gov/news \
		--select-item "//div[contains(concat(' ',@class,' '),' energy-listing-item ')]" \
		--select-title ".//a[@class='title-link']" --select-link ".//a[@class='title-link']/@href"
	expect_status 0 rl -C "$A" ingest energy "$OLD" --at 2026-11-28T09:00:00Z
	assert_contains "$T/out" "0 edited, 24 new, 0 gone from page"
	expect_status 0 rl -C "$A" ingest energy "$NEW" --at 2026-11-28T10:00:00Z
	assert_contains "$T/out" "0 edited, 2 new, 2 gone from page"
	grep -E '^  gone ' "$T/out" >"$T/gone"
	grep -E '^  new ' "$T/out" >"$T/new"
	assert_contains "$T/gone" "Secretary Perry Announces Conditional Commitment to Support Continued Construction of Vogtle"
	assert_contains "$T/gone" "Secretary Perry Urges FERC to Take Swift Action to Address Threats to Grid Resiliency"
	assert_contains "$T/new" "Proposes Expedited Approval for Small-Scale Natural Gas Exports"
	git -C "$A" show HEAD:energy/INDEX >"$T/index"
	assert_not_contains "$T/index" "Vogtle"
	assert_contains "$T/index" "Small-Scale Natural Gas Exports"
	git -C "$A" grep -q "^URL: https://www.energy.gov/articles/secretary-perry-urges-ferc" HEAD -- energy ||
		fail "the gone story's file must stay, with its absolute URL"
	ok "energy.gov listing with selectors: removed items gone, added items new"
else
	skip "energy.gov fixtures not found under $V"
fi
git -C "$A" fsck --strict >/dev/null 2>&1 || fail "git fsck --strict"
done_testing
