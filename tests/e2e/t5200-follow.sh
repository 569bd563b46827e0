#!/bin/bash
# Sources with --follow: the article page of each story is fetched at once,
# its main text becomes the story's body, and it is checked again on a
# schedule (every 15 minutes in the first 6 hours).  An article edited
# between two checks is exactly one commit editing that story; an article
# that answers 404 marks its story removed, keeping its last text.
# REDLINE_NOW (test-only) moves the clock instead of waiting.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 60
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1${3:-}" >/dev/null || fail "cannot set $1"; }
fetches() { grep -c "\"GET $1 HTTP/1.1\" ${2:-}" "$T/server.log" || true; }
listing() {
	printf '<html><body>'
	for t in "$@"; do printf '<article><h2><a href="/a/%s">%s</a></h2><p>Lead of %s.</p></article>' "${t// /-}" "$t" "$t"; done
	printf '</body></html>\n'
}
article() { # article TITLE TEXT...
	printf '<html><head><title>%s</title></head><body><nav>Home | World</nav><article><h1>%s</h1>' "$1" "$1"
	shift
	for p in "$@"; do printf '<p>%s</p>' "$p"; done
	printf '</article><footer>Copyright</footer></body></html>\n'
}
file_of() { git -C "$A" ls-tree -r --name-only HEAD -- "$1/" | grep -- "-$2.txt$"; }
id_of() { git -C "$A" show "HEAD:$1/INDEX" | grep -F "$2" | cut -d' ' -f1; }

rl init "$A" >/dev/null
mkdir -p "$T/hookout"
printf '#!/bin/sh\ncat >"%s/hookout/$(date +%%s%%N).json"\n' "$T" >"$A/hooks/post-snapshot"
chmod +x "$A/hooks/post-snapshot"
setpage /list "$(listing "Dam breaks" "Vote delayed")"
setpage /a/Dam-breaks "$(article "Dam breaks" "The dam broke at noon. Nobody was hurt." "Engineers are on site.")"
setpage /a/Vote-delayed "$(article "Vote delayed" "The vote was delayed by a week.")"
rl -C "$A" add site "$B/list" --follow >/dev/null
t0=$(date +%s)
REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run
assert_contains "$T/out" "site: 0 edited, 2 new"
[ "$(fetches /a/Dam-breaks 200)" = 1 ] && [ "$(fetches /a/Vote-delayed 200)" = 1 ] || fail "new stories' articles are fetched at once"
dam=$(id_of site "Dam breaks")
git -C "$A" show "HEAD:$(file_of site "$dam")" >"$T/dam"
assert_contains "$T/dam" "The dam broke at noon."
assert_contains "$T/dam" "Engineers are on site."
assert_not_contains "$T/dam" "Lead of Dam breaks"
assert_not_contains "$T/dam" "Copyright"
ok "new stories: articles fetched at once; the article's text is the story body"

setpage /a/Dam-breaks "$(article "Dam breaks" "The dam broke at noon. Two people were hurt." "Engineers are on site.")"
REDLINE_NOW=$((t0 + 300)) expect_status 0 rl -C "$A" run
[ "$(fetches /a/Dam-breaks)" = 1 ] || fail "an article checked 5 minutes ago is not due"
[ "$(commits "$A")" = 1 ] || fail "nothing due, nothing committed"
ok "an article is not re-checked before 15 minutes"

REDLINE_NOW=$((t0 + 16 * 60)) expect_status 0 rl -C "$A" run
[ "$(fetches /a/Dam-breaks 200)" = 2 ] || fail "due after 15 minutes"
[ "$(fetches /a/Vote-delayed 304)" = 1 ] || fail "the unchanged article is checked conditionally (304)"
[ "$(fetches /list 304)" -ge 1 ] || fail "the listing itself is unchanged (304)"
[ "$(commits "$A")" = 2 ] || fail "exactly one commit for the edited article"
git -C "$A" show --name-only --format= HEAD -- ':!.captures' >"$T/files"
[ "$(wc -l <"$T/files")" = 1 ] && grep -q -- "-$dam.txt" "$T/files" || { cat "$T/files"; fail "the commit must touch only the edited story"; }
[ "$(git -C "$A" show --name-only --format= HEAD -- .captures | wc -l)" = 1 ] || fail "the edit keeps the article's capture"
git -C "$A" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "site: 1 edited, 0 new, 0 gone from page"
assert_contains "$T/msg" "edited $dam Dam breaks"
curl -s "$B/a/Dam-breaks" >"$T/article"
grep -qx "Snapshot-XXH3: $(xxhsum -H2 "$T/article" | cut -d' ' -f1)" "$T/msg" ||
	{ cat "$T/msg"; fail "Snapshot-XXH3 of an article edit is the XXH3-128 of the article page"; }
git -C "$A" diff HEAD~1 HEAD >"$T/diff"
assert_contains "$T/diff" "+Two people were hurt."
assert_contains "$T/diff" "-Nobody was hurt."
ok "an article edited between two checks: exactly one commit editing that story"

vote=$(id_of site "Vote delayed")
vfile=$(file_of site "$vote")
setpage /a/Vote-delayed "gone" "&status=404"
rm -f "$T"/hookout/*
REDLINE_NOW=$((t0 + 32 * 60)) expect_status 0 rl -C "$A" run
[ "$(commits "$A")" = 3 ] || fail "the removal is one commit"
git -C "$A" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "site: 0 edited, 0 new, 0 gone from page, 1 removed"
assert_contains "$T/msg" "removed $vote Vote delayed"
git -C "$A" show "HEAD:$vfile" >"$T/vote"
when=$(date -u -d "@$((t0 + 32 * 60))" +%Y-%m-%dT%H:%M:%SZ)
assert_contains "$T/vote" "Status: removed (HTTP 404, $when)"
assert_contains "$T/vote" "The vote was delayed by a week."
git -C "$A" show "HEAD:site/INDEX" | grep -q "^$vote " || fail "a removed story stays in INDEX while it is on the page"
cat "$T"/hookout/*.json >"$T/payload"
jq -e --arg id "$vote" '.items[] | select(.id == $id) | .change == "removed"' "$T/payload" >/dev/null ||
	{ cat "$T/payload"; fail "hook payload should say removed"; }
jq -e '.counts.removed == 1' "$T/payload" >/dev/null || fail "hook payload counts one removal"
ok "an article answering 404: removed, last text kept, Status header, hook says removed"

REDLINE_NOW=$((t0 + 50 * 60)) expect_status 0 rl -C "$A" run
[ "$(fetches /a/Vote-delayed)" = 3 ] || fail "a removed article is not fetched again"
ok "a removed article is not fetched again"

# The listing changes: a new story; the removed one keeps its Status, the
# edited one keeps its article text (not the listing's lead).
setpage /list "$(listing "Dam breaks" "Vote delayed" "Storm warning")"
setpage /a/Storm-warning "$(article "Storm warning" "A storm is coming tonight.")"
REDLINE_NOW=$((t0 + 51 * 60)) expect_status 0 rl -C "$A" run site
assert_contains "$T/out" "site: 0 edited, 1 new, 0 gone from page"
git -C "$A" show --name-only --format= HEAD | grep -q -- "-$vote.txt" && fail "the removed story must not change"
git -C "$A" show --name-only --format= HEAD | grep -q -- "-$dam.txt" && fail "the followed story must keep its article text"
git -C "$A" show "HEAD:$vfile" | grep -q "^Status: removed" || fail "Status header lost"
ok "a changed listing: only the new story changes; removed and followed stories stay"

# A feed with follow: the same, through RSS.
rss() {
	printf '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
	for t in "$@"; do printf '<item><title>%s</title><link>%s/f/%s</link><guid> %s/f/%s </guid><description>Summary of %s.</description></item>' "$t" "$B" "${t// /-}" "$B" "${t// /-}" "$t"; done
	printf '</channel></rss>\n'
}
setpage /feed.xml "$(rss "Port reopens" "Strike ends")" "&type=application/rss%2Bxml"
setpage /f/Port-reopens "$(article "Port reopens" "The port reopened on Monday.")"
setpage /f/Strike-ends "$(article "Strike ends" "The strike ended after ten days.")"
rl -C "$A" add feed "$B/feed.xml" --follow >/dev/null
REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run feed
assert_contains "$T/out" "feed: 0 edited, 2 new"
port=$(id_of feed "Port reopens")
git -C "$A" show "HEAD:$(file_of feed "$port")" | grep -q "The port reopened on Monday." || fail "feed story body is the article"
setpage /f/Port-reopens "$(article "Port reopens" "The port reopened on Tuesday.")"
REDLINE_NOW=$((t0 + 20 * 60)) expect_status 0 rl -C "$A" run feed
git -C "$A" log -1 --format=%s >"$T/subj"
assert_contains "$T/subj" "feed: 1 edited, 0 new, 0 gone from page"
[ "$(git -C "$A" show --name-only --format= HEAD -- ':!.captures' | wc -l)" = 1 ] || fail "one story file changed"
git -C "$A" show "HEAD:$(file_of feed "$port")" | grep -q "on Tuesday." || fail "feed story edited"
ok "a feed with follow: article edit is one commit on that story"

git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
ok "git fsck --strict"
done_testing
