#!/bin/bash
# The fetch state of every source in one file, redline/fetch.json, written
# once a cycle: a cycle records every source it fetched; an archive of an
# older version, with one redline/fetch/NAME.json per source, keeps its
# validators (the next requests are conditional and answered 304) and is
# moved into fetch.json; two `run`s at once on one archive keep each
# other's sources; a damaged fetch.json is said, kept aside and rebuilt.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 120
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
page() { printf '<html><body><article><h2><a href="/a/%s">%s</a></h2><p>%s is news here. It matters.</p></article></body></html>\n' "$1" "$1" "$1"; }
seen() { grep -c "\"GET $1 HTTP/1.1\" $2" "$T/server.log" || true; }
# sources_in FILE: the source names of fetch.json, sorted, one a line
sources_in() { jq -r '.sources | keys[]' "$1" | sort; }

rl init "$A" >/dev/null
NAMES=$(for i in $(seq -w 1 12); do echo "s$i"; done)
for s in $NAMES; do
	setpage "/$s" "$(page "Story of $s")"
	rl -C "$A" add "$s" "$B/$s" >/dev/null
done

expect_status 0 rl -C "$A" run
[ -f "$A/redline/fetch.json" ] || fail "no redline/fetch.json"
[ ! -e "$A/redline/fetch" ] || fail "a cycle made redline/fetch/"
[ "$(sources_in "$A/redline/fetch.json")" = "$NAMES" ] || fail "fetch.json lacks sources: $(sources_in "$A/redline/fetch.json")"
jq -e '[.sources[] | select(.etag and .last_status == 200 and .next_due > 0)] | length == 12' \
	"$A/redline/fetch.json" >/dev/null || fail "every source's validators and schedule"
ok "a cycle records every source in fetch.json"

# An older archive: the same state, one file per source with "version":1.
mkdir "$A/redline/fetch"
for s in $NAMES; do
	jq -c --arg s "$s" '.sources[$s] + {version: 1}' "$A/redline/fetch.json" >"$A/redline/fetch/$s.json"
done
rm "$A/redline/fetch.json"
rl -C "$A" status --json | jq -e 'map(select(.http_status == 200)) | length == 12' >/dev/null ||
	fail "status reads the per-source files"
expect_status 0 rl -C "$A" run $NAMES
for s in $NAMES; do [ "$(seen "/$s" 304)" = 1 ] || fail "/$s was not asked conditionally (no 304)"; done
[ ! -e "$A/redline/fetch" ] || fail "the per-source files were not removed: $(ls "$A/redline/fetch")"
[ "$(sources_in "$A/redline/fetch.json")" = "$NAMES" ] || fail "fetch.json after the move"
jq -e '[.sources[] | select(.last_status == 304 and .etag)] | length == 12' "$A/redline/fetch.json" >/dev/null ||
	fail "the 304s recorded, validators kept"
ok "an older archive's fetch/NAME.json: validators honoured (12 x 304), moved into fetch.json"

# Two runs at once, each on half of the sources, over a few rounds: each
# writes fetch.json under its lock after reading it again.
FIRST=$(echo "$NAMES" | head -n6); SECOND=$(echo "$NAMES" | tail -n6)
for round in 1 2 3; do
	for s in $NAMES; do setpage "/$s" "$(page "Story $round of $s")"; done
	rl -C "$A" run $FIRST >"$T/one.out" 2>"$T/one.err" &
	one=$!
	rl -C "$A" run $SECOND >"$T/two.out" 2>"$T/two.err" &
	two=$!
	wait $one || { cat "$T/one.err" >&2; fail "round $round: the first run failed"; }
	wait $two || { cat "$T/two.err" >&2; fail "round $round: the second run failed"; }
	for s in $NAMES; do
		[ "$(seen "/$s" 200)" = $((round + 1)) ] || fail "round $round: /$s fetched $(seen "/$s" 200) times"
	done
	# every source's state is this round's: a 200 with its new body recorded
	jq -e '[.sources[] | select(.last_status == 200)] | length == 12' "$A/redline/fetch.json" >/dev/null ||
		{ jq -c '.sources | map_values(.last_status)' "$A/redline/fetch.json" >&2; fail "round $round: a run lost the other's sources"; }
done
expect_status 0 rl -C "$A" run $NAMES
for s in $NAMES; do [ "$(seen "/$s" 304)" = 2 ] || fail "/$s: its validators were lost (no second 304)"; done
ok "two runs at once keep each other's sources (3 rounds, then 12 x 304)"

printf '{"version":1,"sources":{"s01":' >"$A/redline/fetch.json"
expect_status 0 rl -C "$A" status
assert_contains "$T/err" "warning: cannot parse '$A/redline/fetch.json'"
expect_status 0 rl -C "$A" run $NAMES
assert_contains "$T/err" "warning: fetch state: cannot parse"
assert_contains "$T/err" "kept as fetch.json.damaged"
[ "$(cat "$A/redline/fetch.json.damaged")" = '{"version":1,"sources":{"s01":' ] || fail "the damaged file was not kept aside"
[ "$(sources_in "$A/redline/fetch.json")" = "$NAMES" ] || fail "fetch.json not rebuilt"
expect_status 0 rl -C "$A" run $NAMES
[ ! -s "$T/err" ] || fail "a rebuilt fetch.json still warns: $(cat "$T/err")"
for s in $NAMES; do [ "$(seen "/$s" 304)" = 3 ] || fail "/$s: not conditional after the rebuild"; done
ok "a damaged fetch.json: a warning, kept as fetch.json.damaged, rebuilt by the cycle"
done_testing
