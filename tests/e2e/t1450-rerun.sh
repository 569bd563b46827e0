#!/bin/bash
# Re-running an ingest adds nothing: snapshots already in the history (same
# source, time and bytes) are no-ops, in any order.  A snapshot older than
# the source's last one that is not in the history is refused with the
# reason; commit times never go backwards.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
for i in 0 1 2; do
	printf 'Story one %s.\n\nStory two is here.\n\nStory %s stands alone.\n' "$i" "$i" >"$T/s$i.txt"
done
printf 'Something else entirely.\n\nAnd more of it.\n' >"$T/other.txt"
at="--at 2026-11-28T09:00:00Z --at 2026-11-28T10:00:00Z --at 2026-11-28T11:00:00Z"

rl init "$A" >/dev/null
# shellcheck disable=SC2086
expect_status 0 rl -C "$A" ingest src "$T/s0.txt" "$T/s1.txt" "$T/s2.txt" $at
[ "$(commits "$A")" = 3 ] || fail "three snapshots, three commits"
head=$(git -C "$A" rev-parse HEAD)
# shellcheck disable=SC2086
expect_status 0 rl -C "$A" ingest src "$T/s0.txt" "$T/s1.txt" "$T/s2.txt" $at
[ "$(git -C "$A" rev-parse HEAD)" = "$head" ] || fail "the re-run added $(($(commits "$A") - 3)) commits"
ok "re-running the same ingest is a no-op"

rm -rf "$A/redline/state"
expect_status 0 rl -C "$A" ingest src "$T/s1.txt" --at 2026-11-28T10:00:00Z
[ "$(git -C "$A" rev-parse HEAD)" = "$head" ] || fail "a snapshot in the history, without caches"
ok "a snapshot already in the history is a no-op without the caches too"

expect_status 1 rl -C "$A" ingest src "$T/other.txt" --at 2026-11-28T09:30:00Z
assert_contains "$T/err" "snapshot of 'src' at 2026-11-28T09:30:00Z is older than its last one (2026-11-28T11:00:00Z)"
expect_status 1 rl -C "$A" ingest src "$T/s1.txt" --at 2026-11-28T09:30:00Z
[ "$(git -C "$A" rev-parse HEAD)" = "$head" ] || fail "nothing recorded out of order"
ok "an older snapshot not in the history is refused with the reason"

expect_status 0 rl -C "$A" ingest src "$T/other.txt" --at 2026-11-28T12:00:00Z
expect_status 0 rl -C "$A" ingest other "$T/other.txt" --at 2026-11-28T08:00:00Z
ok "newer snapshots and other sources are unaffected"
git -C "$A" log --format=%B -- src/ | sed -n 's/^Snapshot-Time: //p' >"$T/times"
[ "$(wc -l <"$T/times")" = 4 ] || fail "four snapshots of src in the history"
sort -c -r "$T/times" || fail "the times of src go backwards"
ok "the source's history stays in time order"
done_testing
