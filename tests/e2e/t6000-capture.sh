#!/bin/bash
# Raw captures: a file ingested becomes a WARC resource record, a fetch a
# request + response + metadata, stored in the commit (.captures/...) and
# named by its Capture trailer; `redline capture` gives the exact bytes back;
# warcio (an independent reader) parses them and the digests hold; with
# redline.capture = all, fetches that commit nothing are kept as revisits in
# redline/warc/; with off, nothing is kept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/warcio.sh"
A="$T/archive"
rl init "$A" >/dev/null
# No setting: captures are on by default (redline.capture = commits).

expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z --no-hooks
id=$(git -C "$A" log -1 --format=%B | sed -n 's/^Capture: //p')
[ -n "$id" ] || fail "the commit has no Capture trailer"
uuid=${id#<urn:uuid:}; uuid=${uuid%>}
path=".captures/2026-11/28/09/${uuid:15:1}/$uuid.warc.gz" # the UTC hour of its time-ordered id
git -C "$A" cat-file -e "HEAD:$path" || fail "the capture is not in the commit's tree at $path"
expect_status 0 rl -C "$A" capture HEAD -o "$T/c.warc.gz"
git -C "$A" cat-file blob "HEAD:$path" | cmp - "$T/c.warc.gz" || fail "capture must write the stored bytes exactly"
zcat "$T/c.warc.gz" | tr -d '\r' | sed -n '/^Content-Length/,$p' | sed '1,2d' | head -c "$(wc -c <"$EXAMPLES/anp-buitenland-1.txt")" |
	cmp - "$EXAMPLES/anp-buitenland-1.txt" || fail "the resource record holds the file"
ok "ingest from a file: a resource record in the commit, named by its trailer, written back exactly"

story=$(git -C "$A" ls-tree -r --name-only HEAD anp | grep -v INDEX | head -1)
sid=$(basename "$story" .txt); sid=${sid##*-}
expect_status 0 rl -C "$A" capture "$sid@HEAD"
cmp "$T/out" "$T/c.warc.gz" || fail "STORY@REV names the same capture"
expect_status 0 rl -C "$A" capture --list HEAD
assert_contains "$T/out" "$id $path"
expect_status 1 rl -C "$A" capture HEAD~5
ok "capture STORY@REV and --list"

PY=python3
start_server 90
curl -sf -X POST --data-binary '<html><body><article><h2><a href="/a/1">Storm hits coast</a></h2><p>Storm is news. It matters.</p></article></body></html>' "$B/admin/set?path=/news" >/dev/null
expect_status 0 rl -C "$A" add news "$B/news"
git -C "$A" config redline.capture all
expect_status 0 rl -C "$A" run news
expect_status 0 rl -C "$A" capture HEAD -o "$T/n.warc.gz"
zcat "$T/n.warc.gz" | tr -d '\r' >"$T/n.txt"
assert_contains "$T/n.txt" "WARC-Type: request"
assert_contains "$T/n.txt" "GET /news HTTP/1.1"
assert_contains "$T/n.txt" "WARC-Type: response"
grep -q "^HTTP/1.[01] 200" "$T/n.txt" || fail "the response record holds the status line"
assert_contains "$T/n.txt" "WARC-IP-Address: 127.0.0.1"
assert_contains "$T/n.txt" "source: news"
assert_contains "$T/n.txt" "extractor: redline/"
ok "a fetch: request, response and metadata records in the commit"

# A body that came gzip'd goes into its record's gzip member in stored
# blocks (compressing it again gains nothing); a plain one is compressed.
members() { # each gzip member of $1: its WARC-Type and its first deflate block's type
	python3 - "$1" <<'PY'
import sys, zlib
data = open(sys.argv[1], "rb").read()
at = 0
while at < len(data):
    assert data[at:at + 3] == b"\x1f\x8b\x08" and data[at + 3] == 0, "a plain gzip header"
    block_type = (data[at + 10] >> 1) & 3
    d = zlib.decompressobj(-15)
    text = d.decompress(data[at + 10:])
    kind = text.split(b"WARC-Type: ", 1)[1].split(b"\r", 1)[0].decode()
    print(kind, block_type)
    at = len(data) - len(d.unused_data) + 8
PY
}
expect_status 0 rl -C "$A" add gz "$B/gzip"
expect_status 0 rl -C "$A" run gz
expect_status 0 rl -C "$A" capture HEAD -o "$T/g.warc.gz"
zcat "$T/g.warc.gz" | tr -d '\r' | grep -qi "^Content-Encoding: gzip" || fail "the gzip'd response is captured as it came"
members "$T/g.warc.gz" >"$T/gm" || fail "the capture's gzip members read back"
assert_contains "$T/gm" "response 0"
members "$T/n.warc.gz" >"$T/nm" || fail "the capture's gzip members read back"
grep -q "^response [12]$" "$T/nm" || fail "a plain body is compressed (got: $(cat "$T/nm"))"
ok "a gzip'd body is stored in its record's member, a plain one compressed"

expect_status 0 rl -C "$A" run news
ls "$A"/redline/warc/*.warc.gz >/dev/null 2>&1 || fail "capture = all keeps the 304 in redline/warc/"
zcat "$A"/redline/warc/*.warc.gz | tr -d '\r' >"$T/w.txt"
assert_contains "$T/w.txt" "WARC-Type: revisit"
assert_contains "$T/w.txt" "server-not-modified"
ok "capture = all: a 304 is kept as a revisit record outside git"

if have_warcio; then
	warc_check "$T/c.warc.gz" "$T/n.warc.gz" "$T/g.warc.gz" "$A"/redline/warc/*.warc.gz >"$T/check" || { cat "$T/check"; fail "warcio or the digests disagree"; }
	assert_contains "$T/check" "resource"
	grep -q "^response .* block=ok payload=ok" "$T/check" || fail "the response record checks out in warcio"
	grep -q "^revisit .* block=ok" "$T/check" || fail "the revisit record checks out in warcio"
	ok "warcio reads every record and every digest holds"
else
	skip "warcio check: node or npm missing"
fi

git -C "$A" config redline.capture off
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --no-hooks
git -C "$A" log -1 --format=%B | grep -q '^Capture:' && fail "capture = off keeps nothing"
expect_status 0 rl -C "$A" verify
grep -Eq "^note [0-9a-f]{12} [1-9][0-9]* story files? with no capture to re-derive" "$T/out" || { cat "$T/out"; fail "verify notes the uncaptured commit"; }
grep -Eq ", [1-9][0-9]* without a capture, " "$T/out" || fail "the summary counts story files without a capture"
ok "capture = off: no trailer, no capture; verify says which story files it cannot re-derive"

# Captures are not story changes: plain git shows them as binary files (the
# gzip header always has NUL bytes), never as text; redline's readers skip them.
D="$T/d"; rl init "$D" >/dev/null
rl -C "$D" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z >/dev/null
rl -C "$D" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z >/dev/null
[ "$(git -C "$D" ls-tree -r --name-only HEAD -- .captures | wc -l)" = 2 ] || fail "default: one capture a commit"
git -C "$D" log -p >"$T/logp"
grep -q '^Binary files /dev/null and b/.captures/' "$T/logp" || fail "git log -p: a capture should show as a binary file"
grep -q '^+WARC/1.1' "$T/logp" && fail "git log -p shows a capture's text"
for cmd in "log" "log anp" "log --json" "diff Noord-Koreaanse" "show Noord-Koreaanse" "sources" "status"; do
	# shellcheck disable=SC2086
	rl -C "$D" $cmd >"$T/view" 2>&1 || fail "redline $cmd"
	assert_not_contains "$T/view" ".captures"
	assert_not_contains "$T/view" "warc"
done
rl -C "$D" feed >"$T/feed.xml" 2>&1 || fail "redline feed"
assert_not_contains "$T/feed.xml" ".captures"
rl -C "$D" site "$T/site" >"$T/site.out" 2>&1 || fail "redline site"
assert_contains "$T/site.out" "1 source page"
# the site links the captures (DIR/_captures/, redline-site(1)) but has no
# source or story pages for them
[ -z "$(find "$T/site" \( -iname '*captures*' -o -iname '*warc*' \) ! -path "$T/site/_captures" ! -path "$T/site/_captures/*")" ] ||
	fail "the site has pages for captures"
[ -z "$(find "$T/site/_captures" -type f ! -name '*.warc.gz' ! -name '*.txt')" ] || fail "_captures holds more than captures"
grep -rl '\.captures' "$T/site" && fail "the site mentions .captures"
ok "captures on by default; git log -p shows them as binary, redline log/diff/show/feed/site never as stories"
done_testing
