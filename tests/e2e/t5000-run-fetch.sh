#!/bin/bash
# redline run against a real server on 127.0.0.1: a 200 commits, the same
# body or a 304 does not (and the server did see a conditional request),
# gzip and brotli bodies, redirects (never to file://), a windows-1252 page
# without a charset, the per-host connection cap, and what run prints.
. "$(dirname "$0")/lib.sh"
A="$T/archive"

# The server; /usr/bin/python3 has Debian's python3-brotli when a pyenv one may not.
PY=python3
/usr/bin/python3 -c 'import brotli' 2>/dev/null && PY=/usr/bin/python3
start_server 90
setpage() { # setpage PATH BODY: a runtime page on the server
	curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"
}
seen() { grep -c "\"GET $1 HTTP/1.1\" $2" "$T/server.log" || true; }
page() { # page TITLE...: a listing with one <article> per title
	printf '<html><body>'
	for t in "$@"; do printf '<article><h2><a href="/a/%s">%s</a></h2><p>%s is news. It matters.</p></article>' "${t// /-}" "$t" "$t"; done
	printf '</body></html>\n'
}

rl init "$A" >/dev/null
setpage /news "$(page "Storm hits coast" "Budget approved")"
expect_status 0 rl -C "$A" add news "$B/news"
expect_status 0 rl -C "$A" run
assert_contains "$T/out" "news: 0 edited, 2 new, 0 gone from page"
[ "$(commits "$A")" = 1 ] || fail "a 200 with new stories makes one commit"
git -C "$A" show HEAD:news/INDEX | grep -q "Storm hits coast" || fail "INDEX lists the story"
hash=$(git -C "$A" log -1 --format=%B | sed -n 's/^Snapshot-XXH3: //p')
curl -s "$B/news" >"$T/body"
[ "$hash" = "$(xxhsum -H2 "$T/body" | cut -d' ' -f1)" ] || fail "Snapshot-XXH3 '$hash' is not the XXH3-128 of the body fetched"
ok "200 with new stories: one commit, Snapshot-XXH3 of the bytes fetched"

expect_status 0 rl -C "$A" run news
[ "$(commits "$A")" = 1 ] || fail "an unchanged page must not commit"
[ "$(seen /news 304)" = 1 ] || { cat "$T/server.log"; fail "the server should have answered one conditional request with 304"; }
[ ! -s "$T/out" ] || fail "nothing to print for an unchanged page: $(cat "$T/out")"
rl -C "$A" status --json | jq -e '.[] | select(.source=="news") | .http_status == 304 and .errors == 0' >/dev/null ||
	fail "status should show the 304"
ok "ETag/Last-Modified: a conditional request, 304, no commit"

REDLINE_NO_CONDITIONAL=1 expect_status 0 rl -C "$A" run news
[ "$(seen /news 200)" = 3 ] || fail "an unconditional fetch should get a 200 (the curl above is one)"
[ "$(commits "$A")" = 1 ] || fail "the same body must not commit"
ok "the same body again: no commit"

setpage /news "$(page "Storm hits coast" "Budget approved" "Bridge reopens")"
expect_status 0 rl -C "$A" run news
assert_contains "$T/out" "news: 0 edited, 1 new, 0 gone from page"
[ "$(commits "$A")" = 2 ] || fail "a changed page makes one commit"
ok "a changed page after a 304: fetched in full, one commit"

# Encodings: gzip and br decode to the very text /plain-text serves.
rl -C "$A" add plain "$B/plain-text" >/dev/null
rl -C "$A" add gz "$B/gzip" >/dev/null
rl -C "$A" add br "$B/br" >/dev/null
expect_status 0 rl -C "$A" run plain gz br
for s in plain gz br; do assert_contains "$T/out" "$s: 0 edited, 1 new"; done
body_of() { git -C "$A" ls-tree -r --name-only HEAD -- "$1/" | grep '\.txt$' | xargs -I{} git -C "$A" show "HEAD:{}" | sed '1,/^$/d'; }
body_of plain >"$T/plain"
[ -s "$T/plain" ] || fail "plain story has no body"
body_of gz | cmp -s - "$T/plain" || fail "gzip body differs from the plain text"
body_of br | cmp -s - "$T/plain" || fail "brotli body differs from the plain text"
ok "gzip and br bodies decode to the same stories"

rl -C "$A" add hop "$B/redirect/3" >/dev/null
rl -C "$A" add tofile "$B/to-file" >/dev/null
before=$(git -C "$A" rev-parse HEAD)
expect_status 3 rl -C "$A" run hop tofile
assert_contains "$T/out" "hop: 0 edited, 1 new"
git -C "$A" log -1 --format=%B -- hop >"$T/msg"
assert_contains "$T/msg" "Source-URL: $B/page"
assert_contains "$T/err" "tofile: cannot fetch '$B/to-file': redirect to 'file:///etc/passwd' refused"
assert_contains "$T/err" "1 of 2 sources failed"
git -C "$A" ls-tree -r --name-only HEAD | grep -q '^tofile/' && fail "a refused redirect wrote to the archive"
git -C "$A" grep -q "root:" HEAD && fail "/etc/passwd reached the archive"
[ "$(git -C "$A" rev-list --count "$before"..HEAD)" = 1 ] || fail "one commit (hop) expected"
ok "a redirect chain is followed; a redirect to file:// is refused"

rl -C "$A" add win "$B/cp1252" >/dev/null
expect_status 0 rl -C "$A" run win
f=$(git -C "$A" ls-tree -r --name-only HEAD -- win/ | grep '\.txt$')
git -C "$A" show "HEAD:$f" >"$T/win"
assert_contains "$T/win" "“Quoted” café € 5 – dash"
ok "windows-1252 without a charset header: é, “ ”, € and – decoded"

# Politeness: six sources on one host never get more than 2 connections at once.
for i in 1 2 3 4 5 6; do rl -C "$A" add "count$i" "$B/count/cap/$i" >/dev/null; done
expect_status 0 rl -C "$A" run count1 count2 count3 count4 count5 count6
curl -s "$B/stats/cap" >"$T/stats"
jq -e '.requests == 6' "$T/stats" >/dev/null || fail "six requests expected: $(cat "$T/stats")"
jq -e '.max_concurrent <= 2 and .max_concurrent >= 1' "$T/stats" >/dev/null ||
	fail "per-host cap of 2 broken: $(cat "$T/stats")"
ok "per-host cap: at most 2 concurrent requests ($(jq .max_concurrent "$T/stats") seen)"

# Output: not a terminal -> results and errors only; -v -> a line per request;
# a terminal -> a progress line and a summary.
setpage /news "$(page "Storm hits coast" "Budget approved" "Bridge reopens" "Mayor resigns")"
expect_status 3 rl -C "$A" run news tofile
assert_contains "$T/out" "news: 0 edited, 1 new"
assert_not_contains "$T/out" "sources:"
grep -q $'\r' "$T/err" && fail "no progress display when stderr is not a terminal"
[ "$(grep -vc '^redline: ' "$T/err")" = 0 ] || fail "stderr should hold only errors: $(cat "$T/err")"
expect_status 0 rl -C "$A" -v run news hop
assert_contains "$T/err" "news: GET $B/news -> 304"
assert_contains "$T/err" "hop: GET $B/redirect/3 -> 304"
script -qec "$REDLINE -C $A run news tofile" /dev/null >"$T/tty" </dev/null || true
assert_contains "$T/tty" "sources done"
assert_contains "$T/tty" "2 sources: 0 changed, 1 unchanged, 1 failed"
ok "output: quiet off a terminal, -v a line per request, progress on a terminal"

git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
ok "git fsck --strict"
done_testing
