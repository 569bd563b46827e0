#!/bin/bash
# "When was this version last seen" after an unchanged fetch, in both
# capture modes.  Default (redline.capture = commits): a 200 whose body is
# the one the archive has leaves no capture anywhere (no commit, nothing in
# redline/warc/), only its fetch-log line, and `status --history` and
# `verify` name its time as the version's last sighting.  capture = all: the
# same fetch is also kept as a WARC revisit record (profile
# identical-payload-digest, the payload digest of the response the commit
# holds) in redline/warc/, which warcio reads, and the answer moves with it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/warcio.sh"
A="$T/archive"
rl init "$A" >/dev/null
start_server 90
curl -sf -X POST --data-binary '<html><body><article><h2>Storm hits coast</h2><p>Storm is news.</p></article></body></html>' \
	"$B/admin/set?path=/news" >/dev/null || fail "cannot set /news"
expect_status 0 rl -C "$A" add news "$B/news" --format html
t0=1796025600 # 2026-11-30T08:00:00Z
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run news
v1=$(git -C "$A" log -1 --format=%B | sed -n 's/^Snapshot-XXH3: //p')
# A full GET (no If-None-Match): 200, the same body.
REDLINE_NO_CONDITIONAL=1 REDLINE_NOW=$((t0 + 3600)) expect_status 0 rl -C "$A" run news
[ "$(commits "$A")" = 1 ] || fail "an unchanged 200 makes no commit"
[ ! -e "$A/redline/warc" ] || { ls -R "$A/redline/warc"; fail "capture = commits keeps no capture of a fetch that committed nothing"; }
[ "$(git -C "$A" ls-tree -r --name-only HEAD -- .captures | wc -l)" = 1 ] || fail "only the commit's capture is in git"
tail -1 "$A/redline/fetchlog/day/2026-11-30.log" | grep -Eq "^$(iso $((t0 + 3600))) news 200 unchanged $v1 -$" ||
	{ cat "$A/redline/fetchlog/day/2026-11-30.log"; fail "the unchanged 200 is a fetch-log line"; }
expect_status 0 rl -C "$A" status --history news
assert_contains "$T/out" "version $v1 first seen $(iso $t0), last seen $(iso $((t0 + 3600))) (2 fetches)"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "news: version $v1 last seen $(iso $((t0 + 3600))) (2 fetches logged)"
ok "capture = commits: an unchanged 200 is a fetch-log line only; status --history and verify say when the version was last seen"

git -C "$A" config redline.capture all
REDLINE_NO_CONDITIONAL=1 REDLINE_NOW=$((t0 + 7200)) expect_status 0 rl -C "$A" run news
[ "$(commits "$A")" = 1 ] || fail "still no commit"
zcat "$A"/redline/warc/*.warc.gz | tr -d '\r' >"$T/w.txt"
[ "$(grep -c '^WARC-Type: revisit' "$T/w.txt")" = 1 ] || { cat "$T/w.txt"; fail "one revisit record"; }
assert_contains "$T/w.txt" "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
assert_contains "$T/w.txt" "outcome: 200 same body"
expect_status 0 rl -C "$A" capture HEAD -o "$T/c.warc.gz"
digest=$(zcat "$T/c.warc.gz" | tr -d '\r' | awk '/^WARC-Type: response/{r=1} r && /^WARC-Payload-Digest:/{print $2; exit}')
[ -n "$digest" ] || fail "the commit's response record has a payload digest"
assert_contains "$T/w.txt" "WARC-Payload-Digest: $digest"
expect_status 0 rl -C "$A" status --history news
assert_contains "$T/out" "version $v1 first seen $(iso $t0), last seen $(iso $((t0 + 7200))) (3 fetches)"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "news: version $v1 last seen $(iso $((t0 + 7200))) (3 fetches logged)"
if have_warcio; then
	warc_check "$A"/redline/warc/*.warc.gz >"$T/check" || { cat "$T/check"; fail "warcio or the digests disagree"; }
	grep -q "^revisit .* block=ok" "$T/check" || { cat "$T/check"; fail "warcio reads the revisit record"; }
else
	skip "warcio check: node or npm missing"
fi
ok "capture = all: the same fetch is also a revisit record repeating the commit's payload digest"
done_testing
