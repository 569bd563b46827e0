#!/bin/bash
# redline verify and trusted timestamps: a clean archive verifies; each
# batch gets an RFC 3161 token from a TSA (a local one, made by the test)
# in refs/notes/timestamps that plain openssl accepts; a forged timestamp,
# a tampered capture and a rewritten commit are each caught (exit 1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tsa.sh"
A="$T/archive"
rl init "$A" >/dev/null
git -C "$A" config redline.capture commits
start_tsa
git -C "$A" config redline.tsaUrl "$TSA_URL"
git -C "$A" config redline.tsaCAFile "$TSA_CA"

expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z --no-hooks
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --no-hooks
git -C "$A" notes --ref=timestamps show HEAD >"$T/note" || fail "the batch has no timestamp note"
git -C "$A" notes --ref=timestamps show HEAD~1 >/dev/null || fail "each batch gets a token"
assert_contains "$T/note" "BEGIN TIMESTAMP REPLY"
# The third party's check: openssl alone, over the commit id's 40 characters.
printf %s "$(git -C "$A" rev-parse HEAD)" >"$T/id"
sed -n '/^-----BEGIN/,/^-----END/p' "$T/note" | grep -v -- ----- | base64 -d >"$T/reply.tsr"
openssl ts -verify -data "$T/id" -in "$T/reply.tsr" -CAfile "$TSA_CA" >"$T/ossl" 2>&1 || { cat "$T/ossl"; fail "openssl refuses the token"; }
assert_contains "$T/ossl" "Verification: OK"
ok "each batch: an RFC 3161 token over the tip in refs/notes/timestamps that openssl ts -verify accepts"

# A group commit (two snapshots, one ref move) is one batch: one token, over
# its tip, which vouches for both commits.
G="$T/group"; rl init "$G" >/dev/null
git -C "$G" config redline.tsaUrl "$TSA_URL"
git -C "$G" config redline.tsaCAFile "$TSA_CA"
expect_status 0 rl -C "$G" ingest anp "$EXAMPLES/anp-buitenland-1.txt" "$EXAMPLES/anp-buitenland-2.txt" \
	--at 2026-11-28T09:00:00Z --at 2026-11-28T10:00:00Z --no-hooks
[ "$(commits "$G")" = 2 ] || fail "the batch should make two commits"
git -C "$G" notes --ref=timestamps show main >/dev/null || fail "the batch's tip has no token"
git -C "$G" notes --ref=timestamps show main~1 >/dev/null 2>&1 && fail "one token a batch, on its tip"
expect_status 0 rl -C "$G" verify
assert_contains "$T/out" "1 timestamps good"
ok "a group commit: one token over the batch's tip, verified"

expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "timestamped by the TSA at"
assert_contains "$T/out" "10 of 10 story files re-derived"
assert_contains "$T/out" "2 timestamps good: ok"
ok "a clean archive verifies: captures, re-derived stories, timestamps"

copy() { rm -rf "$T/c"; cp -r "$A" "$T/c"; }
# rewrite PATH FILE: HEAD again with PATH replaced by FILE, same message and parent.
rewrite() {
	blob=$(git -C "$T/c" hash-object -w "$2")
	GIT_INDEX_FILE="$T/idx" git -C "$T/c" read-tree HEAD
	GIT_INDEX_FILE="$T/idx" git -C "$T/c" update-index --cacheinfo "100644,$blob,$1"
	tree=$(GIT_INDEX_FILE="$T/idx" git -C "$T/c" write-tree)
	new=$(git -C "$T/c" log -1 --format=%B HEAD | GIT_AUTHOR_DATE="$(git -C "$T/c" log -1 --format=%ad HEAD)" \
		git -C "$T/c" commit-tree "$tree" -p HEAD~1)
	git -C "$T/c" update-ref refs/heads/main "$new"
}

copy
first=$(git -C "$T/c" rev-parse HEAD~1)
git -C "$T/c" notes --ref=timestamps add -f -C "$(git -C "$T/c" notes --ref=timestamps list "$first")" HEAD 2>/dev/null
expect_status 1 rl -C "$T/c" verify
assert_contains "$T/out" "timestamp: the timestamp token does not hold"
ok "a forged timestamp (another commit's token) is caught"

copy
id=$(git -C "$T/c" log -1 --format=%B | sed -n 's/^Capture: //p'); uuid=${id#<urn:uuid:}; uuid=${uuid%>}
path=$(git -C "$T/c" ls-tree -r --name-only HEAD -- .captures | grep -F "/$uuid.warc.gz")
git -C "$T/c" cat-file blob "HEAD:$path" >"$T/cap.warc.gz"
python3 "$REDLINE_SOURCE_DIR/tests/e2e/tools/tamper_warc.py" "$T/cap.warc.gz" "$T/bad.warc.gz" "10.000 militairen" "20.000 militairen"
rewrite "$path" "$T/bad.warc.gz"
expect_status 1 rl -C "$T/c" verify
assert_contains "$T/out" "block digest sha256:"
assert_contains "$T/out" "not in the history: the history was rewritten"
ok "a tampered capture is caught (its digests, and the timestamp left behind)"

copy
story=$(git -C "$T/c" diff --name-only HEAD~1 HEAD -- anp | grep -v INDEX | head -1)
git -C "$T/c" show "HEAD:$story" | sed '$s/\.$/, zei de minister./' >"$T/story"
rewrite "$story" "$T/story"
expect_status 1 rl -C "$T/c" verify
assert_contains "$T/out" "is not what its capture gives with the recorded extractor"
ok "a rewritten commit (a story changed after extraction) is caught"

git -C "$A" config --unset redline.tsaUrl
expect_status 0 rl -C "$A" verify HEAD~1..HEAD
assert_contains "$T/out" "1 commits"
ok "verify REV-RANGE"
done_testing
