#!/bin/bash
# The fetch log: every fetch of a source (changed, 304, unchanged, failed)
# is one line in the day's file redline/fetchlog/day/YYYY-MM-DD.log, shared
# by all sources, without a commit, and `status --history` says when each
# version was first and last seen.  The per-source logs of archives made by
# earlier versions (redline/fetchlog/SOURCE.log) are still read, merged in
# time order, and never written again.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
start_server 90
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
setpage /news '<html><body><article><h2><a href="/a/1">Storm hits coast</a></h2><p>Storm is news.</p></article></body></html>'
setpage /sport '<html><body><article><h2><a href="/s/1">Match drawn</a></h2><p>Match is sport.</p></article></body></html>'
expect_status 0 rl -C "$A" add news "$B/news"
expect_status 0 rl -C "$A" add 2026-11-30 "$B/sport"
t0=1796025600 # 2026-11-30T08:00:00Z
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run
REDLINE_NOW=$((t0 + 3600)) expect_status 0 rl -C "$A" run
REDLINE_NOW=$((t0 + 7200)) expect_status 0 rl -C "$A" run news
v1=$(git -C "$A" log -1 --grep='^news: ' --format=%B | sed -n 's/^Snapshot-XXH3: //p')
[ "$(commits "$A")" = 2 ] || fail "unchanged fetches make no commit"
day="$A/redline/fetchlog/day/2026-11-30.log"
[ "$(grep -c ' news ' "$day")" = 3 ] || { cat "$day"; fail "three fetches of news, three lines"; }
[ "$(grep -c ' 2026-11-30 ' "$day")" = 2 ] || { cat "$day"; fail "two fetches of the source named like a day"; }
[ "$(wc -l <"$day")" = 5 ] || { cat "$day"; fail "one file for both sources"; }
[ "$(ls "$A/redline/fetchlog")" = day ] || { ls -R "$A/redline/fetchlog"; fail "no per-source log any more"; }
grep -Eq "^$(iso $((t0 + 3600))) news 304 not-modified $v1 -$" "$day" || { cat "$day"; fail "a 304 line"; }
expect_status 0 rl -C "$A" status --history news
grep -Eq "^$(iso $((t0 + 3600)))  304 not-modified $v1 -$" "$T/out" || { cat "$T/out"; fail "a 304 line"; }
grep -Eq "^version $v1 first seen $(iso $t0), last seen $(iso $((t0 + 7200))) \(3 fetches\)$" "$T/out" || { cat "$T/out"; fail "the version summary"; }
expect_status 0 rl -C "$A" status --history 2026-11-30 --json
jq -e 'length == 2' "$T/out" >/dev/null || { cat "$T/out"; fail "the other source's fetches only"; }
ok "unchanged fetches are logged in the day's file, not committed; status --history shows when the version was last seen"

# An archive made by an earlier version: news's own log, five fields a line.
legacy="$A/redline/fetchlog/news.log"
printf '%s 200 changed %s -\n%s 304 not-modified %s -\n' "$(iso $((t0 - 86400)))" "$v1" "$(iso $((t0 - 3600)))" "$v1" >"$legacy"
expect_status 0 rl -C "$A" status --history news --json
jq -e --arg t "$(iso $((t0 - 86400)))" 'length == 5 and .[0].time == $t and .[0].outcome == "changed" and .[1].http_status == 304' "$T/out" >/dev/null ||
	{ cat "$T/out"; fail "the old per-source log is read, first in time order"; }
expect_status 0 rl -C "$A" status --history news --since 2026-11-30T08:30:00Z --json
jq -e 'length == 2' "$T/out" >/dev/null || { cat "$T/out"; fail "--since bounds the fetches shown"; }
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "news: version $v1 last seen $(iso $((t0 + 7200))) (5 fetches logged)"
ok "the per-source logs of earlier versions are read and merged in time order; --since bounds the span"

# Damage: a line of the old layout in a day file, a NUL, a cut line.
printf '%s 200 changed %s -\n' "$(iso $t0)" "$v1" >>"$day"
printf '%s news 200 chan\0ged %s -\n' "$(iso $t0)" "$v1" >>"$day"
expect_status 0 rl -C "$A" status --history news
assert_contains "$T/err" "2 malformed lines"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "fetch log day files: 2 malformed lines"
ok "damaged lines are skipped and counted"

setpage /news '<html><body><article><h2><a href="/a/1">Storm hits coast hard</a></h2><p>Storm is news.</p></article></body></html>'
REDLINE_NOW=$((t0 + 10800)) expect_status 0 rl -C "$A" run news
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
REDLINE_NOW=$((t0 + 14400)) expect_status 4 rl -C "$A" run news
assert_contains "$T/err" "1 of 1 sources failed"
expect_status 0 rl -C "$A" status --history news --json
jq -e 'length == 7 and .[5].outcome == "changed" and (.[5].commit | length) == 40 and .[6].outcome == "failed" and .[6].http_status == 0' "$T/out" >/dev/null ||
	{ cat "$T/out"; fail "the change and the failure are logged"; }
v2=$(git -C "$A" log -1 --grep='^news: ' --format=%B | sed -n 's/^Snapshot-XXH3: //p')
jq -e --arg v "$v2" '.[6].version == $v' "$T/out" >/dev/null || fail "a failed fetch names the version the archive still holds"
cmp -s "$legacy" <(printf '%s 200 changed %s -\n%s 304 not-modified %s -\n' "$(iso $((t0 - 86400)))" "$v1" "$(iso $((t0 - 3600)))" "$v1") ||
	fail "the old log is never written"
ok "a change names its commit; a failure is logged too"
expect_status 0 rl -C "$A" status --history nosuch
assert_contains "$T/out" "no fetch of 'nosuch' logged yet"
expect_status 1 rl -C "$A" status --history ../etc
expect_status 2 rl -C "$A" status --since yesterday --history news
ok "unknown and unsafe source names, a bad --since"
done_testing
