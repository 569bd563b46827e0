#!/bin/bash
# redline reextract on a corpus page (the Washington Post "National" feed of
# diffengine's test data, fetched from a local server): an extraction fix
# made after the capture (an ignore rule) is applied by reextract from the
# raw capture, as a commit marked as re-extraction (summary, trailers, no
# hooks), that changes exactly the one story the fix touches; a second
# reextract changes nothing; verify re-derives the result.
. "$(dirname "$0")/lib.sh"
CORPUS="${REDLINE_SHARED_DIR:-$REDLINE_SOURCE_DIR/../shared}/corpus/diffengine/test-data"
[ -f "$CORPUS/feed1.xml" ] || { echo "# SKIP: corpus not found at $CORPUS"; exit 0; }
A="$T/archive"
rl init "$A" >/dev/null
git -C "$A" config redline.capture commits
start_server 90 --root "$CORPUS"
expect_status 0 rl -C "$A" add wapo "$B/files/feed1.xml"
expect_status 0 rl -C "$A" run wapo
assert_contains "$T/out" "wapo: 0 edited, 20 new, 0 gone from page"
captured=$(git -C "$A" rev-parse HEAD)
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "20 of 20 story files re-derived"
ok "a corpus feed fetched with its capture; verify re-derives all 20 stories"

# The extraction fix, made after the capture.
git -C "$A" config --add source.wapo.ignore ' since 2013'
printf '#!/bin/sh\ntouch "%s/hook-ran"\n' "$T" >"$A/hooks/post-commit"; chmod +x "$A/hooks/post-commit"
cp "$A/hooks/post-commit" "$A/hooks/post-snapshot"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "wapo: extractor changed since"
expect_status 0 rl -C "$A" reextract wapo
assert_contains "$T/out" "wapo: re-extracted from ${captured:0:12}: 1 edited, 0 new, 0 gone"
git -C "$A" log -1 --format=%B >"$T/msg"
head -1 "$T/msg" | grep -qx "re-extraction of wapo: 1 edited, 0 new, 0 gone from page" || fail "the summary says re-extraction: $(head -1 "$T/msg")"
assert_contains "$T/msg" "Reextract-Of: $captured"
assert_contains "$T/msg" "Extractor: redline/"
git -C "$A" diff --name-only HEAD~1 HEAD >"$T/names"
[ "$(wc -l <"$T/names")" = 1 ] || { cat "$T/names"; fail "only the one story the fix touches may change"; }
grep -q "education-nominee" "$T/names" || { cat "$T/names"; fail "the DeVos story is the one"; }
git -C "$A" diff HEAD~1 HEAD | grep '^-' | grep -q 'since 2013' || fail "the diff removes ' since 2013'"
git -C "$A" diff HEAD~1 HEAD | grep '^[-+][^-+]' | grep -v 'since 2013\|current senators' && fail "nothing else changes"
[ ! -e "$T/hook-ran" ] || fail "a re-extraction runs no hooks"
ok "the fix is applied from the raw capture, marked as re-extraction, one story changed, no hooks"

expect_status 0 rl -C "$A" reextract
assert_contains "$T/out" "wapo: re-extracted from ${captured:0:12}: no difference"
[ "$(commits "$A")" = 2 ] || fail "a second reextract commits nothing"
expect_status 0 rl -C "$A" log wapo
assert_contains "$T/out" "re-extraction of wapo"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "1 of 1 story files re-derived"
expect_status 0 rl -C "$A" capture HEAD -o "$T/re.warc.gz"
expect_status 0 rl -C "$A" capture "$captured" -o "$T/orig.warc.gz"
cmp "$T/re.warc.gz" "$T/orig.warc.gz" || fail "capture of a re-extraction gives the capture it read"
ok "reextract again: no difference; log shows the re-extraction; verify re-derives it; capture follows Reextract-Of"

expect_status 1 rl -C "$A" reextract nosuch
assert_contains "$T/err" "no source named 'nosuch'"
ok "an unknown source"

# The outbox moved past the re-extraction: the next writer rebuilds no
# alert for it (a commit missing from the outbox would get one).
reextracted=$(git -C "$A" rev-parse HEAD)
printf '#!/bin/sh\necho "$REDLINE_COMMIT" >>"%s/hook-commits"\n' "$T" >"$A/hooks/post-snapshot"
printf 'Los\n\nEen los verhaal.\n' >"$T/extra.txt"
expect_status 0 rl -C "$A" ingest extra "$T/extra.txt"
grep -q "$reextracted" "$T/hook-commits" && fail "an alert was rebuilt for the re-extraction"
[ "$(cat "$T/hook-commits")" = "$(git -C "$A" rev-parse HEAD)" ] || fail "only the new commit alerts: $(cat "$T/hook-commits")"
ok "the next writer's hooks see only its own commit, not the re-extraction"
done_testing
