#!/bin/bash
# The demo of the README: two snapshots of the seed page an hour apart.
# Exactly one story edited (3000 -> 10.000), no change from relative times,
# the new and gone wire items in INDEX, and a clean git fsck --strict.
. "$(dirname "$0")/lib.sh"
A="$T/archive"

expect_status 0 rl init "$A"
ok "init"
[ "$(git -C "$A" rev-parse --is-bare-repository)" = true ] || fail "archive is not bare"
[ "$(git -C "$A" symbolic-ref HEAD)" = refs/heads/main ] || fail "HEAD is not main"

expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z
assert_contains "$T/out" "0 edited, 8 new, 0 gone from page"
[ "$(commits "$A")" = 1 ] || fail "first snapshot should make one commit"
ok "first snapshot: 8 new stories"

expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z
assert_contains "$T/out" "1 edited, 1 new, 1 gone from page"
# headline and body changed the figure: said once, with the headline's context
grep -qx " *figures: soldaten in Rusland: 3000 → 10.000" "$T/out" || { cat "$T/out"; fail "expected exactly 'figures: soldaten in Rusland: 3000 → 10.000'"; }
[ "$(commits "$A")" = 2 ] || fail "second snapshot should make one commit"
ok "second snapshot: 1 edited with 3000 → 10.000, 1 new, 1 gone"

# The edited story is one file whose diff is exactly the edit.
git -C "$A" show --stat --format= HEAD >"$T/stat"
[ "$(grep -c '\.txt' "$T/stat")" = 2 ] || { cat "$T/stat"; fail "expected 2 story files touched (edited + new)"; }
f=$(git -C "$A" ls-tree -r --name-only HEAD | grep 'noord-koreaanse')
[ "$(echo "$f" | wc -l)" = 1 ] || fail "the main story must be one file, got: $f"
git -C "$A" log --format=%H -- "$f" | wc -l | grep -qx 2 || fail "main story should have 2 revisions"
git -C "$A" diff HEAD~1 HEAD -- "$f" >"$T/diff"
assert_contains "$T/diff" "-Title: VS schatten aantal Noord-Koreaanse soldaten in Rusland op 3000"
assert_contains "$T/diff" "+Title: VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000"
assert_contains "$T/diff" "+Vorige week dachten de Verenigde Staten nog dat het om 3000 soldaten ging."
assert_not_contains "$T/diff" "geleden"
ok "the main story is one file; its diff is the edit"

# Relative times never reach the archive.
git -C "$A" grep -q "uur geleden" HEAD && fail "a relative time reached the archive"
ok "no relative time in any story"

# INDEX: KYIV new, GENÈVE gone, in page order.
git -C "$A" show HEAD:anp/INDEX >"$T/index"
[ "$(wc -l <"$T/index")" = 8 ] || fail "INDEX should list 8 stories"
assert_contains "$T/index" "Zelensky"
assert_not_contains "$T/index" "Wereldgezondheidsorganisatie"
head -1 "$T/index" | grep -q "Noord-Koreaanse soldaten in Rusland op 10.000" || fail "main story first in INDEX"
git -C "$A" ls-tree -r --name-only HEAD | xargs -I{} git -C "$A" show HEAD:{} | grep -q Wereldgezondheidsorganisatie ||
	fail "the gone story's file must stay in the archive"
ok "INDEX shows the new and the gone wire item; the gone story's file stays"

# The same page again, and the page with only its relative times changed: no commit.
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:05:00Z
assert_contains "$T/out" "no change"
sed 's/\([0-9]*\) uur geleden/\1 uur geleden/; s/2 uur geleden/3 uur geleden/g; s/10 uur geleden/11 uur geleden/' \
	"$EXAMPLES/anp-buitenland-2.txt" >"$T/later.txt"
cmp -s "$T/later.txt" "$EXAMPLES/anp-buitenland-2.txt" && fail "test input should differ"
expect_status 0 rl -C "$A" ingest anp "$T/later.txt" --at 2026-11-28T11:00:00Z
assert_contains "$T/out" "no change"
[ "$(commits "$A")" = 2 ] || fail "unchanged snapshots must not commit"
ok "identical page and relative-time-only change make no commit"

# Commit message and trailers.
git -C "$A" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "anp: 1 edited, 1 new, 1 gone from page"
assert_contains "$T/msg" "Snapshot-Time: 2026-11-28T10:00:00Z"
grep -Eq '^Snapshot-XXH3: [0-9a-f]{32}$' "$T/msg" || fail "no Snapshot-XXH3 trailer"
[ "$(git -C "$A" log -1 --format=%at)" = "$(date -u -d 2026-11-28T10:00:00Z +%s)" ] || fail "author time"
ok "commit message, trailers and times"

git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
git clone -q "$A" "$T/clone" && [ -f "$T/clone/anp/INDEX" ] || fail "git clone"
ok "git fsck --strict clean; git clone works"
done_testing
