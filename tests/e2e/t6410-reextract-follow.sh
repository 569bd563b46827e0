#!/bin/bash
# redline reextract on a source that follows its article pages: an
# extraction fix made after the captures (an ignore rule that ate the rest
# of a paragraph, narrowed) is applied from the newest listing capture merged
# with the newest capture of each article page - one captured with the
# listing, one in a later due article's commit, both older than the listing
# re-read - as one re-extraction commit (summary, trailers, no hooks).  The
# story files it leaves are exactly those a run with the rule from the start
# commits (a second archive fed the same pages at the same times); a second
# reextract changes nothing; verify re-derives the re-extraction and catches
# a story edited in it.
. "$(dirname "$0")/lib.sh"
start_server 90
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
# The third story links off-site: it is not followed, its body is the listing's.
listing() { printf '<html><body><article><h2><a href="/a/1">%s</a></h2><p>Lead.</p></article><article><h2><a href="/a/2">Vote delayed</a></h2><p>Lead.</p></article><article><h2><a href="https://elsewhere.example/x">Storm warning</a></h2><p>Winds tonight. (video) Stay inside.</p></article></body></html>' "$1"; }
article() { printf '<html><head><title>%s</title></head><body><article><h1>%s</h1><p>%s</p></article></body></html>' "$1" "$1" "$2"; }
t0=$(date +%s)

# history ARCHIVE: the same fetches at the same times into ARCHIVE.
history() {
	setpage /list "$(listing "Dam breaks")"
	setpage /a/1 "$(article "Dam breaks" "The dam broke at noon. (video) Nobody was hurt.")"
	setpage /a/2 "$(article "Vote delayed" "The vote was delayed by a week. (video) Talks resume Monday.")"
	REDLINE_NOW=$t0 expect_status 0 rl -C "$1" run
	# 1,000 s on: the articles are due (15 min), the listing unchanged.
	setpage /a/2 "$(article "Vote delayed" "The vote was delayed by two weeks. (video) Talks resume Monday.")"
	REDLINE_NOW=$((t0 + 1000)) expect_status 0 rl -C "$1" run
	# 660 s more: the listing is due (10 min), the articles not.
	setpage /list "$(listing "Dam breaks, town flooded")"
	REDLINE_NOW=$((t0 + 1660)) expect_status 0 rl -C "$1" run
}

A="$T/archive"
rl init "$A" >/dev/null
# The rule at capture time: meant to drop "(video)", it drops the rest too.
rl -C "$A" add site "$B/list" --follow --ignore ' ?\(.*' >/dev/null
history "$A"
[ "$(commits "$A")" = 3 ] || { git -C "$A" log --format=%s; fail "three commits: listing+articles, a due article, the listing"; }
[ "$(git -C "$A" log -1 --format=%B | grep -c '^Capture:')" = 1 ] || fail "the last commit holds the listing's capture alone"
listing_commit=$(git -C "$A" rev-parse HEAD)
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
git -C "$A" show HEAD:site/ >/dev/null
git -C "$A" grep -q "by two weeks\.$" HEAD -- site/ || fail "the archive has the edited article, cut short by the rule"
git -C "$A" grep -q "Monday" HEAD -- site/ && fail "the rule ate the rest of the paragraph"
ok "a followed source: listing and articles captured over three commits; verify passes"

# The extraction fix, made after the captures.
git -C "$A" config --replace-all source.site.ignore '\(video\) ?'
printf '#!/bin/sh\ntouch "%s/hook-ran"\n' "$T" >"$A/hooks/post-commit"; chmod +x "$A/hooks/post-commit"
cp "$A/hooks/post-commit" "$A/hooks/post-snapshot"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "site: extractor changed since"
expect_status 0 rl -C "$A" reextract site
assert_contains "$T/out" "site: re-extracted from ${listing_commit:0:12}: 3 edited, 0 new, 0 gone"
git -C "$A" log -1 --format=%B >"$T/msg"
head -1 "$T/msg" | grep -qx "re-extraction of site: 3 edited, 0 new, 0 gone from page" || fail "the summary says re-extraction: $(head -1 "$T/msg")"
assert_contains "$T/msg" "Reextract-Of: $listing_commit"
assert_contains "$T/msg" "Extractor: redline/"
[ ! -e "$T/hook-ran" ] || fail "a re-extraction runs no hooks"
git -C "$A" diff HEAD~1 HEAD -- site/ | grep '^[-+][^-+]' | sort >"$T/diff"
printf '%s\n' '+Nobody was hurt.' '+Talks resume Monday.' '+Stay inside.' | sort >"$T/want"
diff "$T/want" "$T/diff" || fail "the bodies get their text back from the article captures (and the listing's), nothing else changes"
ok "the fix is applied from the listing and both article captures, marked as re-extraction, no hooks"

# What a run with the rule from the start commits: the same story files.
C="$T/control"
rl init "$C" >/dev/null
rl -C "$C" add site "$B/list" --follow >/dev/null
git -C "$C" config --add source.site.ignore '\(video\) ?'
history "$C"
git -C "$A" ls-tree -r HEAD site/ >"$T/a.tree"
git -C "$C" ls-tree -r HEAD site/ >"$T/c.tree"
diff "$T/a.tree" "$T/c.tree" || fail "reextract leaves exactly the story files run commits with today's rules"
ok "the re-extracted stories are byte for byte those a run with the fix commits"

expect_status 0 rl -C "$A" reextract
assert_contains "$T/out" "site: re-extracted from ${listing_commit:0:12}: no difference"
[ "$(commits "$A")" = 4 ] || fail "a second reextract commits nothing"
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
assert_contains "$T/out" "3 of 3 story files re-derived"
ok "reextract again: no difference; verify re-derives the re-extraction from the pages it read"

# A story of the re-extraction edited afterwards (same message): caught.
X="$T/tampered"; cp -r "$A" "$X"
f=$(git -C "$X" ls-tree -r --name-only HEAD site/ | grep 'vote-delayed')
git -C "$X" show "HEAD:$f" | sed "s/two weeks/three weeks/" >"$T/story"
rewrite_head "$X" "$f" "$T/story"
expect_status 1 rl -C "$X" verify
assert_contains "$T/out" "is not what the captured listing and article pages give"
ok "a story of a followed re-extraction edited afterwards is caught by verify"
done_testing
