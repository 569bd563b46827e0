#!/bin/bash
# The fetch log: every fetch of a source (changed, 304, unchanged, failed)
# is one line in redline/fetchlog/<source>.log, without a commit, and
# `status --history` says when each version was first and last seen.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
start_server 90
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
setpage /news '<html><body><article><h2><a href="/a/1">Storm hits coast</a></h2><p>Storm is news.</p></article></body></html>'
expect_status 0 rl -C "$A" add news "$B/news"
expect_status 0 rl -C "$A" run news
expect_status 0 rl -C "$A" run news
expect_status 0 rl -C "$A" run news
v1=$(git -C "$A" log -1 --format=%B | sed -n 's/^Snapshot-XXH3: //p')
[ "$(commits "$A")" = 1 ] || fail "unchanged fetches make no commit"
[ "$(wc -l <"$A/redline/fetchlog/news.log")" = 3 ] || { cat "$A/redline/fetchlog/news.log"; fail "three fetches, three lines"; }
expect_status 0 rl -C "$A" status --history news
grep -Eq "^20[0-9-]{8}T[0-9:]{8}Z  304 not-modified $v1 -$" "$T/out" || { cat "$T/out"; fail "a 304 line"; }
grep -Eq "^version $v1 first seen 20.*Z, last seen 20.*Z \(3 fetches\)$" "$T/out" || { cat "$T/out"; fail "the version summary"; }
ok "unchanged fetches are logged, not committed; status --history shows when the version was last seen"

setpage /news '<html><body><article><h2><a href="/a/1">Storm hits coast hard</a></h2><p>Storm is news.</p></article></body></html>'
expect_status 0 rl -C "$A" run news
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
expect_status 4 rl -C "$A" run news
assert_contains "$T/err" "1 of 1 sources failed"
expect_status 0 rl -C "$A" status --history news --json
jq -e 'length == 5 and .[3].outcome == "changed" and (.[3].commit | length) == 40 and .[4].outcome == "failed" and .[4].http_status == 0' "$T/out" >/dev/null ||
	{ cat "$T/out"; fail "the change and the failure are logged"; }
v2=$(git -C "$A" log -1 --format=%B | sed -n 's/^Snapshot-XXH3: //p')
jq -e --arg v "$v2" '.[4].version == $v' "$T/out" >/dev/null || fail "a failed fetch names the version the archive still holds"
ok "a change names its commit; a failure is logged too"
expect_status 0 rl -C "$A" status --history nosuch
assert_contains "$T/out" "no fetch of 'nosuch' logged yet"
expect_status 1 rl -C "$A" status --history ../etc
ok "unknown and unsafe source names"
done_testing
