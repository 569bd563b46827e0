#!/bin/bash
# Captures of a source that follows its article pages: the commit that adds
# the stories holds the listing's capture and one per article page, each
# named by a Capture trailer; an article edited later is one commit with
# that article's capture; verify checks every capture's digests.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 60
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
listing='<html><body><article><h2><a href="/a/1">Dam breaks</a></h2><p>Lead.</p></article><article><h2><a href="/a/2">Vote delayed</a></h2><p>Lead.</p></article></body></html>'
article() { printf '<html><head><title>%s</title></head><body><article><h1>%s</h1><p>%s</p></article></body></html>' "$1" "$1" "$2"; }
rl init "$A" >/dev/null
git -C "$A" config redline.capture commits
setpage /list "$listing"
setpage /a/1 "$(article "Dam breaks" "The dam broke at noon. Nobody was hurt.")"
setpage /a/2 "$(article "Vote delayed" "The vote was delayed by a week.")"
rl -C "$A" add site "$B/list" --follow >/dev/null
t0=$(date +%s)
REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run
[ "$(git -C "$A" log -1 --format=%B | grep -c '^Capture:')" = 3 ] || fail "the listing and both articles are captured"
expect_status 0 rl -C "$A" capture HEAD -o "$T/all.warc.gz"
zcat "$T/all.warc.gz" | tr -d '\r' >"$T/all.txt"
for p in /list /a/1 /a/2; do grep -q "^GET $p HTTP/1.1" "$T/all.txt" || fail "no request record for $p"; done
ok "follow: the listing's and each article's exchange are in the commit"

setpage /a/1 "$(article "Dam breaks" "The dam broke at noon. Two people were hurt.")"
REDLINE_NOW=$((t0 + 1000)) expect_status 0 rl -C "$A" run
git -C "$A" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "1 edited"
[ "$(grep -c '^Capture:' "$T/msg")" = 1 ] || fail "the edited article's commit holds its capture"
expect_status 0 rl -C "$A" capture HEAD
zcat "$T/out" | grep -q "Two people were hurt" || fail "the capture holds the edited article"
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
assert_not_contains "$T/out" "not re-derived"
assert_contains "$T/out" "3 of 3 story files re-derived"
expect_status 0 rl -C "$A" reextract site
assert_contains "$T/out" "site: re-extracted from "
assert_contains "$T/out" ": no difference"
ok "an edited article: one commit with its capture; verify re-derives the listing+article stories; reextract finds nothing to change"

# The edited article's story rewritten after extraction (same message, same
# capture): verify re-derives it from the captured article page and fails.
X="$T/tampered"; cp -r "$A" "$X"
f=$(git -C "$X" show --name-only --format= HEAD -- site/ | grep "\.txt$")
git -C "$X" show "HEAD:$f" | sed "s/Two people were hurt/Three people were hurt/" >"$T/story"
rewrite_head "$X" "$f" "$T/story"
expect_status 1 rl -C "$X" verify
assert_contains "$T/out" "is not what the captured listing and article pages give"
ok "a followed story edited after extraction is caught by verify"

# capture = all: the fetches that commit nothing, article pages included,
# are kept outside git (a 304 as a revisit).
git -C "$A" config redline.capture all
before=$(commits "$A")
REDLINE_NOW=$((t0 + 2000)) expect_status 0 rl -C "$A" run
[ "$(commits "$A")" = "$before" ] || fail "nothing changed"
zcat "$A"/redline/warc/*.warc.gz | tr -d '\r' >"$T/w.txt"
for p in /list /a/1 /a/2; do
	grep -qx "WARC-Target-URI: $B$p" "$T/w.txt" || { cat "$T/w.txt"; fail "capture = all keeps the fetch of $p"; }
done
[ "$(grep -c '^WARC-Type: revisit' "$T/w.txt")" = 3 ] || fail "three 304s, three revisit records"
git -C "$A" config redline.capture commits
ok "capture = all: the listing's and the articles' unchanged fetches are kept as revisits"

# An article gone (404) in the same cycle as a listing change: the commit
# holds the 404's capture; the story keeps its text, marked removed, and
# verify does not read the error page as the article.
curl -sf -X POST --data-binary '<html><body><article><h1>Not found</h1><p>This page does not exist any more, sorry.</p></article></body></html>' \
	"$B/admin/set?path=/a/2&status=404" >/dev/null || fail "cannot set /a/2"
setpage /list "${listing/Dam breaks/Dam breaks, town flooded}"
REDLINE_NOW=$((t0 + 3000)) expect_status 0 rl -C "$A" run
git -C "$A" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "1 removed"
[ "$(grep -c '^Capture:' "$T/msg")" = 2 ] || fail "the listing's and the 404's captures"
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
curl -sf -X POST --data-binary '<html><body><article><h1>Not found</h1><p>This page does not exist any more, sorry.</p></article></body></html>' \
	"$B/admin/set?path=/a/1&status=404" >/dev/null || fail "cannot set /a/1"
REDLINE_NOW=$((t0 + 4000)) expect_status 0 rl -C "$A" run
git -C "$A" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "1 removed"
[ "$(grep -c '^Capture:' "$T/msg")" = 1 ] || fail "the due article's 404, captured alone"
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
before=$(commits "$A")
expect_status 0 rl -C "$A" reextract site
assert_contains "$T/out" ": no difference"
[ "$(commits "$A")" = "$before" ] || fail "removed stories stay as they are"
ok "an article gone (404) with a listing change, and one due alone: verify re-derives both commits; reextract keeps them"

# A listing reached through a redirect (its capture's URL is not the
# source's), captured alone (no article due): still the listing, not a due
# article; a story of that commit edited afterwards is still caught.  One
# article link redirects too: its capture names the link it was asked for.
R="$T/redirected"
rl init "$R" >/dev/null
listing=${listing/\/a\/2/\/go?to=\/a\/2}
setpage /list "$listing"
setpage /a/1 "$(article "Dam breaks" "The dam broke at noon. Nobody was hurt.")"
setpage /a/2 "$(article "Vote delayed" "The vote was delayed by a week.")"
rl -C "$R" add site "$B/go?to=/list" --follow >/dev/null
REDLINE_NOW=$t0 expect_status 0 rl -C "$R" run
expect_status 0 rl -C "$R" capture HEAD
zcat "$T/out" | tr -d '\r' | grep -qx "requested-uri: $B/go?to=/a/2" || fail "the redirected article's capture names its link"
expect_status 0 rl -C "$R" verify
assert_not_contains "$T/out" "FAIL"
assert_contains "$T/out" "2 of 2 story files re-derived"
setpage /list "${listing/Vote delayed/Vote delayed again}"
REDLINE_NOW=$((t0 + 660)) expect_status 0 rl -C "$R" run
git -C "$R" log -1 --format=%B >"$T/msg"
[ "$(grep -c '^Capture:' "$T/msg")" = 1 ] || fail "the listing's capture alone"
assert_contains "$T/msg" "Source-URL: $B/list"
expect_status 0 rl -C "$R" capture HEAD
zcat "$T/out" | tr -d '\r' | grep -qx "WARC-Target-URI: $B/list" || fail "the capture names the URL after the redirect"
expect_status 0 rl -C "$R" verify
assert_not_contains "$T/out" "FAIL"
assert_contains "$T/out" "3 of 3 story files re-derived"
f=$(git -C "$R" show --name-only --format= HEAD -- site/ | grep "\.txt$")
git -C "$R" show "HEAD:$f" | sed "s/^Title: Vote delayed again/Title: Vote cancelled/" >"$T/story"
rewrite_head "$R" "$f" "$T/story"
expect_status 1 rl -C "$R" verify
assert_contains "$T/out" "is not what the captured listing and article pages give"
ok "a redirected article link and a redirected listing captured alone: verify passes, and catches an edit"
done_testing
