#!/bin/bash
# redline/ is a cache: deleting it loses nothing, and a commit made behind
# redline's back with plain git (clone, edit, push) is taken as the truth.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
P1="$EXAMPLES/anp-buitenland-1.txt"
P2="$EXAMPLES/anp-buitenland-2.txt"
rl init "$A" >/dev/null
rl -C "$A" ingest anp "$P1" --at 2026-11-28T09:00:00Z >/dev/null
states "$A" anp >/dev/null || fail "no state written"
[ ! -e "$A/redline/state" ] || fail "no file a source"
objs() { (cd "$A/objects" && find . -type f | sort); }

rm -rf "$A/redline"
objs >"$T/objs0"
expect_status 0 rl -C "$A" ingest anp "$P1" --at 2026-11-28T09:30:00Z
assert_contains "$T/out" "no change"
[ "$(commits "$A")" = 1 ] || fail "the same page after losing the cache made a commit"
objs | diff "$T/objs0" - >/dev/null || fail "the same page after losing the cache wrote objects"
states "$A" anp >/dev/null || fail "the state was not written again"
ok "cache deleted: the identical snapshot makes no commit and writes no object"

rm -rf "$A/redline"
expect_status 0 rl -C "$A" ingest anp "$P2" --at 2026-11-28T10:00:00Z
assert_contains "$T/out" "1 edited, 1 new, 1 gone from page"
[ "$(commits "$A")" = 2 ] || fail "expected exactly one more commit"
git -C "$A" diff --name-only HEAD~1 HEAD | sort >"$T/names"
[ "$(grep -c '\.txt$' "$T/names")" = 2 ] || { cat "$T/names"; fail "edited + new story files expected"; }
grep -qx anp/INDEX "$T/names" || fail "INDEX must change"
grep -q 'noord-koreaanse' "$T/names" || fail "the main story must be the edited one"
ok "cache deleted: a changed snapshot makes exactly the right commit"

# Behind redline's back: a human fixes a story in a clone and pushes.
f=$(git -C "$A" ls-tree -r --name-only HEAD | grep 'polen-wil-toetreden')
[ -n "$f" ] || fail "no file for the Polen story"
git clone -q "$A" "$T/clone"
sed -i 's/^Dat zei minister van Financiën Andrzej Domański tegen/Dat zei minister van Financiën Andrzej Domański dinsdag tegen/' "$T/clone/$f"
git -C "$T/clone" diff --quiet && fail "the clone edit did nothing"
git -C "$T/clone" -c user.name=Mens -c user.email=mens@example.nl commit -qam "handmatige correctie"
git -C "$T/clone" push -q origin HEAD:main
[ "$(commits "$A")" = 3 ] || fail "push did not land"
hand=$(git -C "$A" rev-parse HEAD)

# The page now says what the human wrote: nothing to commit.
sed 's/Dat zei minister van Financiën Andrzej Domański tegen/Dat zei minister van Financiën Andrzej Domański dinsdag tegen/' "$P2" >"$T/p3.txt"
cmp -s "$T/p3.txt" "$P2" && fail "test page 3 should differ"
expect_status 0 rl -C "$A" ingest anp "$T/p3.txt" --at 2026-11-28T11:00:00Z
assert_contains "$T/out" "no change"
[ "$(git -C "$A" rev-parse HEAD)" = "$hand" ] || { git -C "$A" log -1 -p | head -40; fail "spurious commit after a plain-git commit"; }
ok "a commit made with plain git is the truth: the page that matches it makes no commit"

# A real later edit of that story is found, against the human's version.
sed 's/dinsdag tegen persbureau/woensdag tegen persbureau/' "$T/p3.txt" >"$T/p4.txt"
expect_status 0 rl -C "$A" ingest anp "$T/p4.txt" --at 2026-11-28T12:00:00Z
assert_contains "$T/out" "1 edited, 0 new, 0 gone from page"
git -C "$A" diff --name-only HEAD~1 HEAD -- ':!.captures' >"$T/names"
[ "$(cat "$T/names")" = "$f" ] || { cat "$T/names"; fail "only the Polen story should change"; }
[ "$(git -C "$A" diff --name-only HEAD~1 HEAD -- .captures | wc -l)" = 1 ] || fail "the edit should add one capture"

git -C "$A" diff HEAD~1 HEAD -- "$f" >"$T/diff"
assert_contains "$T/diff" "-Dat zei minister van Financiën Andrzej Domański dinsdag tegen"
assert_contains "$T/diff" "+Dat zei minister van Financiën Andrzej Domański woensdag tegen"
ok "a real later edit is detected against the plain-git version"

# The page as it was before the human's fix: an edit back, nothing else.
expect_status 0 rl -C "$A" ingest anp "$P2" --at 2026-11-28T13:00:00Z
assert_contains "$T/out" "1 edited, 0 new, 0 gone from page"
# A stale state (about an older tree) is rebuilt: redline state written before
# the last commit, restored.
states "$A" anp >"$T/stale.json"
expect_status 0 rl -C "$A" ingest anp "$T/p4.txt" --at 2026-11-28T14:00:00Z
assert_contains "$T/out" "1 edited"
states "$A" anp --put "$T/stale.json"
expect_status 0 rl -C "$A" ingest anp "$T/p4.txt" --at 2026-11-28T15:00:00Z
assert_contains "$T/out" "no change"
ok "a stale state (older tree) is rebuilt from HEAD: no spurious change"

# A torn last record (a crash mid-append) and garbage after it: the state
# is rebuilt, the next save cuts the tail off, the records before it stay.
head -c 100 "$T/stale.json" >"$T/torn"
printf 'S 999999 anp\n' >>"$A/redline/states.log"
cat "$T/torn" >>"$A/redline/states.log"
expect_status 0 rl -C "$A" ingest anp "$P2" --at 2026-11-28T16:00:00Z
assert_contains "$T/out" "1 edited"
states "$A" anp >"$T/now.json" || fail "no state after a torn tail"
grep -q '"sum"' "$T/now.json" || fail "the new state is whole"
! grep -q 'S 999999' "$A/redline/states.log" || fail "the torn tail was not cut off"
expect_status 0 rl -C "$A" ingest anp "$P2" --at 2026-11-28T17:00:00Z
assert_contains "$T/out" "no change"
ok "a torn tail of the state store: rebuilt, cut off, then read"

# An older version's file per source is read, and goes once saved again.
states "$A" anp >"$T/cur.json"
rm -f "$A/redline/states.log"
mkdir -p "$A/redline/state"
cp "$T/cur.json" "$A/redline/state/anp.json"
expect_status 0 rl -C "$A" ingest anp "$P2" --at 2026-11-28T18:00:00Z
assert_contains "$T/out" "no change"
states "$A" anp >/dev/null && fail "the store has a state before a save"
expect_status 0 rl -C "$A" ingest anp "$T/p4.txt" --at 2026-11-28T19:00:00Z
assert_contains "$T/out" "1 edited"
[ ! -e "$A/redline/state/anp.json" ] || fail "the old state file stayed after a save"
states "$A" anp >/dev/null || fail "the state was not moved into the store"
ok "a state file of an older version is read, then replaced by the store's record"

git -C "$A" fsck --strict >/dev/null 2>&1 || fail "git fsck --strict"
done_testing
