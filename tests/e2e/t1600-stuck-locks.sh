#!/bin/bash
# A crash cannot wedge the archive: a refs/heads/main.lock nobody can own is
# removed by the next writer, one a running git may hold is refused with the
# real reason (and `ingest` / `run` exit 1 with it, not 0), and leftovers of
# killed writers are swept (docs/reliability.md).
. "$(dirname "$0")/lib.sh"
A="$T/archive"
L="$A/refs/heads/main.lock"
page() { printf '%s is news.\n\n' "$@"; }

rl init "$A" >/dev/null
page "one" "two" >"$T/s0.txt"
page "one" "two" "three" >"$T/s1.txt"
page "one" "two" "three" "four" >"$T/s2.txt"
rl -C "$A" ingest src "$T/s0.txt" --at 2026-11-28T09:00:00Z >/dev/null

# The issue's reproducer: a fresh lock holding HEAD, as a running git would.
git --git-dir "$A" rev-parse HEAD >"$L"
expect_status 1 rl -C "$A" ingest src "$T/s1.txt" --at 2026-11-28T10:00:00Z
assert_contains "$T/err" "refs/heads/main.lock' exists"
assert_contains "$T/err" "a git command may be updating"
assert_not_contains "$T/err" "kept changing"
[ -e "$L" ] || fail "a lock a git may hold must stay"
[ "$(commits "$A")" = 1 ] || fail "nothing committed past a held lock"
ok "a young ref lock is refused with the real reason, exit 1"

# run: the commit cannot land, so run fails (exit 1) naming the source.
start_server 60
curl -sf -X POST --data-binary "$(cat "$T/s1.txt")" "$B/admin/set?path=/p/live" >/dev/null
rl -C "$A" add live "$B/p/live" >/dev/null
expect_status 1 rl -C "$A" run
assert_contains "$T/err" "cannot commit 'live'"
assert_contains "$T/err" "main.lock' exists"
ok "run exits 1 when a commit cannot land"

# Ten minutes on, no git holds a ref lock that long: a crashed git's, removed.
touch -d '11 minutes ago' "$L"
expect_status 0 rl -C "$A" ingest src "$T/s1.txt" --at 2026-11-28T10:00:00Z
[ ! -e "$L" ] || fail "the stale lock is gone"
[ "$(commits "$A")" = 2 ] || fail "committed after the stale lock"
ok "a ref lock over ten minutes old is removed and the commit lands"

# A redline killed holding the flock: its pid stays in redline/lock; a
# main.lock made after it took the flock is its own, removed at once.
sleep 30 &
victim=$!
EXTRA_PIDS="$victim"
echo "$victim" >"$A/redline/lock"
sleep 0.05
git --git-dir "$A" rev-parse HEAD >"$L"
touch "$A/objects/pack/pack_git2_XyZ123" "$A/objects/pack/pack-0000.idx.lock"
mkdir -p "$A/redline/state"
touch "$A/redline/state/src.json.tmp.$victim"
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
expect_status 0 rl -C "$A" ingest src "$T/s2.txt" --at 2026-11-28T11:00:00Z
[ ! -e "$L" ] || fail "the dead redline's lock is gone"
[ "$(commits "$A")" = 3 ] || fail "committed after the crash"
ok "a ref lock left by a killed redline is removed at once"
for f in objects/pack/pack_git2_XyZ123 objects/pack/pack-0000.idx.lock "redline/state/src.json.tmp.$victim"; do
	[ ! -e "$A/$f" ] || fail "$f was not swept"
done
ok "temporary packs, pack locks and dead temporaries are swept"
git --git-dir "$A" fsck --strict >/dev/null 2>&1 || fail "fsck"
ok "fsck --strict clean"
done_testing
