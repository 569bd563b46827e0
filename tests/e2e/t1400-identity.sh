#!/bin/bash
# Identity over time: --at backfills set commit times and First-Seen; a
# story's path month is that of its first sighting and never changes, so
# plain `git log -- <path>` (no --follow) lists every revision of it.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
P1="$EXAMPLES/anp-buitenland-1.txt"
P2="$EXAMPLES/anp-buitenland-2.txt"
rl init "$A" >/dev/null
# A third page, a month later: the main story edited again (10.000 -> 12.000).
sed 's/10\.000/12.000/g' "$P2" >"$T/p3.txt"
cmp -s "$T/p3.txt" "$P2" && fail "test page 3 should differ"

T1=2026-10-31T23:30:00Z T2=2026-11-01T00:30:00Z T3=2026-12-02T08:00:00Z
expect_status 0 rl -C "$A" ingest anp "$P1" "$P2" "$T/p3.txt" --at $T1 --at $T2 --at $T3
[ "$(commits "$A")" = 3 ] || fail "three snapshots, three commits"
git -C "$A" log --reverse --format='%at %ct' >"$T/times"
printf '%s %s\n' "$(date -u -d $T1 +%s)" "$(date -u -d $T1 +%s)" "$(date -u -d $T2 +%s)" "$(date -u -d $T2 +%s)" \
	"$(date -u -d $T3 +%s)" "$(date -u -d $T3 +%s)" >"$T/want"
diff "$T/want" "$T/times" || fail "author/committer times must be the --at times"
git -C "$A" log --reverse --format=%B | grep '^Snapshot-Time:' >"$T/st"
printf 'Snapshot-Time: %s\n' $T1 $T2 $T3 | diff - "$T/st" || fail "Snapshot-Time trailers"
ok "--at once per file: commit times and Snapshot-Time trailers are the snapshot times"

main=$(git -C "$A" ls-tree -r --name-only HEAD | grep 'noord-koreaanse')
[ "$(echo "$main" | wc -l)" = 1 ] || fail "the main story must be one file: $main"
case "$main" in anp/2026-10/vs-schatten-aantal-noord-koreaanse-soldaten-*-[0-9a-f]*.txt) ;;
	*) fail "main story path should be in its first month 2026-10 with its first slug: $main" ;; esac
echo "$main" | grep -Eq -- '-[0-9a-f]{12}\.txt$' || fail "path must end in -<12 hex>.txt"
git -C "$A" show "HEAD:$main" >"$T/main"
assert_contains "$T/main" "First-Seen: $T1"
assert_contains "$T/main" "Title: VS schatten aantal Noord-Koreaanse soldaten in Rusland op 12.000"
grep -qx "Id: $(basename "$main" .txt | grep -Eo '[0-9a-f]{12}$')" "$T/main" || fail "Id header must match the path"
ok "the main story keeps its October path and First-Seen while its title changes twice"

kyiv=$(git -C "$A" ls-tree -r --name-only HEAD | grep 'zelensky\|oekraiense')
[ -n "$kyiv" ] || fail "no file for the Zelensky story"
case "$kyiv" in anp/2026-11/*) ;; *) fail "a story first seen in November belongs under 2026-11: $kyiv" ;; esac
git -C "$A" show "HEAD:$kyiv" | grep -qx "First-Seen: $T2" || fail "KYIV First-Seen must be $T2"
ok "a story first seen in the second snapshot has that month and time"

git -C "$A" log --format=%H -- "$main" >"$T/revs"
[ "$(wc -l <"$T/revs")" = 3 ] || { cat "$T/revs"; fail "git log -- <path> must list all 3 revisions"; }
git -C "$A" log --format=%H >"$T/all"
diff "$T/all" "$T/revs" || fail "each of the 3 commits touched the main story"
for r in $(cat "$T/revs"); do
	git -C "$A" show "$r:$main" | grep -qx "First-Seen: $T1" || fail "First-Seen changed in $r"
done
git -C "$A" log -p --format= -- "$main" | grep -c '^+Title:' | grep -qx 3 || fail "3 title revisions expected in git log -p"
ok "git log -- <path> lists every revision, without --follow; First-Seen never changes"

# No file ever moved: every path in any commit is in the last tree.
for r in $(cat "$T/all"); do git -C "$A" ls-tree -r --name-only "$r"; done | sort -u >"$T/ever"
git -C "$A" ls-tree -r --name-only HEAD | sort >"$T/now"
diff "$T/ever" "$T/now" || fail "a path disappeared from the tree (renamed?)"
git -C "$A" log --format= --name-status | grep -q '^[RD]' && fail "a rename or delete in history"
ok "no story file is ever renamed or deleted"

# Backfilling in the past after a later snapshot is still one commit at that time.
expect_status 0 rl -C "$A" ingest anp "$P1" --at 2026-12-03T08:00:00Z
[ "$(git -C "$A" log -1 --format=%at)" = "$(date -u -d 2026-12-03T08:00:00Z +%s)" ] || fail "time of 4th commit"
[ "$(git -C "$A" ls-tree -r --name-only HEAD | grep -c 'noord-koreaanse')" = 1 ] || fail "main story split in two"
ok "going back to the first page edits the same file again"

# The GENÈVE wire item (no URL) dropped off in November and is on this page
# again: it is `back`, in its October file, not a second new file.
assert_contains "$T/out" "1 back"
[ "$(git -C "$A" grep -l Wereldgezondheidsorganisatie HEAD -- "anp/*.txt" | wc -l)" = 1 ] ||
	{ git -C "$A" grep -l Wereldgezondheidsorganisatie HEAD -- anp; fail "a wire story that came back got a second file"; }
ok "a wire story that comes back is back, in its first file"
git -C "$A" fsck --strict >/dev/null 2>&1 || fail "git fsck --strict"
done_testing
