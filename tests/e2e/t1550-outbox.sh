#!/bin/bash
# No lost alert: every commit's payload is recorded in the outbox before its
# hooks run.  A failing hook, a failed state save, or a crash between the
# commit and the outbox leaves it pending; the next run delivers pending
# payloads first, in commit order, each with its commit id; `redline hooks`
# lists them and `redline hooks --retry` replays them.  Hook variables are
# never cut short.
. "$(dirname "$0")/lib.sh"
# A deep archive path: REDLINE_ARCHIVE used to be cut at 600 bytes.
D="$T/$(printf 'd%.0s' $(seq 150))/$(printf 'e%.0s' $(seq 150))/$(printf 'f%.0s' $(seq 150))"
A="$D/$(printf 'g%.0s' $(seq 200)).git"
mkdir -p "$D"
page() { printf '%s is news.\n\n' "$@" >"$T/page.txt"; }
ingest() { rl -C "$A" ingest src "$T/page.txt" --at "$1"; }
sethook() { # sethook EXIT: the hook logs the payload's commit, then exits EXIT
	printf '#!/bin/sh\nc=$(jq -r .commit)\necho "$c $REDLINE_COMMIT" >>"%s/delivered"\nprintf %%s "$REDLINE_ARCHIVE" >"%s/archive-var"\nexit %s\n' \
		"$T" "$T" "$1" >"$A/hooks/post-snapshot"
	chmod +x "$A/hooks/post-snapshot"
}
delivered() { cut -d' ' -f1 "$T/delivered" 2>/dev/null | tr '\n' ' '; }

rl init "$A" >/dev/null
sethook 1
page one two
expect_status 0 ingest 2026-11-28T09:00:00Z
assert_contains "$T/err" "exited with status 1"
c1=$(git --git-dir "$A" rev-parse HEAD)
rl -C "$A" hooks >"$T/pending"
[ "$(wc -l <"$T/pending")" = 1 ] && assert_contains "$T/pending" "${c1:0:12} src 2026-11-28T09:00:00Z"
ok "a failing hook leaves its payload pending"
[ "$(cat "$T/archive-var")" = "$(cd "$A" && pwd -P)" ] || fail "REDLINE_ARCHIVE was cut: $(wc -c <"$T/archive-var") bytes"
ok "hook variables are not cut short ($(wc -c <"$T/archive-var") bytes)"

sethook 0
page one two three
expect_status 0 ingest 2026-11-28T10:00:00Z
c2=$(git --git-dir "$A" rev-parse HEAD)
[ "$(delivered)" = "$c1 $c1 $c2 " ] || fail "pending first, then the new one: $(delivered)"
[ -z "$(rl -C "$A" hooks)" ] || fail "nothing pending once delivered"
ok "the next run delivers the pending payload first, then its own, in order"

# The state cannot be saved (a directory where the store goes): the commit
# stands, the alert still goes out.
rm -f "$A/redline/states.log"
mkdir -p "$A/redline/states.log/x"
page one two three four
expect_status 1 ingest 2026-11-28T11:00:00Z
c3=$(git --git-dir "$A" rev-parse HEAD)
[ "$c3" != "$c2" ] || fail "the commit landed"
grep -q "^$c3 $c3\$" "$T/delivered" || fail "a failed state save skipped the hooks"
rm -rf "$A/redline/states.log"
ok "a failed state save does not lose the alert"

# A crash between the ref move and the outbox: simulated by a commit the
# outbox never saw (its recovery point set back one commit).
page one two three four five
rl -C "$A" ingest src "$T/page.txt" --at 2026-11-28T12:00:00Z --no-hooks >/dev/null
c4=$(git --git-dir "$A" rev-parse HEAD)
git --git-dir "$A" rev-parse HEAD~1 >"$A/redline/outbox/recorded"
sethook 1
page one two three four five six
expect_status 0 ingest 2026-11-28T13:00:00Z
c5=$(git --git-dir "$A" rev-parse HEAD)
rl -C "$A" hooks >"$T/pending"
[ "$(wc -l <"$T/pending")" = 2 ] || { cat "$T/pending"; fail "the missed commit and the new one are pending"; }
head -n1 "$T/pending" | grep -q "${c4:0:12} src .*(rebuilt)" || fail "the missed commit comes first, rebuilt"
tail -n1 "$T/pending" | grep -q "${c5:0:12} src" || fail "then the new one"
ok "a commit the outbox missed is recovered from the history"

sethook 0
: >"$T/delivered"
expect_status 0 rl -C "$A" hooks --retry
assert_contains "$T/out" "2 delivered, 0 pending"
[ "$(delivered)" = "$c4 $c5 " ] || fail "replayed in order: $(delivered)"
ok "hooks --retry replays them in order"

# A crash after a batch's payloads were written but before the recovery
# point moved (it moves once a batch): the next writer rebuilds no second
# payload for a commit whose own is already there.
sethook 1
page one two three four five six seven
expect_status 0 ingest 2026-11-28T14:00:00Z
c6=$(git --git-dir "$A" rev-parse HEAD)
git --git-dir "$A" rev-parse HEAD~1 >"$A/redline/outbox/recorded"
page one two three four five six seven eight
expect_status 0 ingest 2026-11-28T15:00:00Z
c7=$(git --git-dir "$A" rev-parse HEAD)
rl -C "$A" hooks >"$T/pending"
[ "$(wc -l <"$T/pending")" = 2 ] || { cat "$T/pending"; fail "one entry each for the two commits"; }
grep -q "(rebuilt)" "$T/pending" && fail "a recorded payload was rebuilt: $(cat "$T/pending")"
head -n1 "$T/pending" | grep -q "${c6:0:12} src" || fail "the recorded commit first"
tail -n1 "$T/pending" | grep -q "${c7:0:12} src" || fail "then the new one"
[ "$(cat "$A/redline/outbox/recorded")" = "$c7" ] || fail "the recovery point is the last commit"
ok "a payload recorded before a crash is not rebuilt twice"

# No hook installed: the commits get no payload (no file written, fsynced
# and removed per commit) and the recovery point still moves; what is
# still pending waits for a hook; a hook installed later runs for it and
# for the commits after it, as git's would.
rm -f "$A/hooks/post-snapshot" "$A/hooks/post-commit"
: >"$T/delivered"
page one two three four five six seven eight nine
expect_status 0 ingest 2026-11-28T16:00:00Z
c8=$(git --git-dir "$A" rev-parse HEAD)
[ "$c8" != "$c7" ] || fail "the commit landed"
[ "$(cat "$A/redline/outbox/recorded")" = "$c8" ] || fail "the recovery point moved past the commit"
rl -C "$A" hooks >"$T/pending"
[ "$(wc -l <"$T/pending")" = 2 ] && ! grep -q "${c8:0:12}" "$T/pending" ||
	{ cat "$T/pending"; fail "the two pending entries wait, none for the new commit"; }
sethook 0
page one two three four five six seven eight nine ten
expect_status 0 ingest 2026-11-28T17:00:00Z
c9=$(git --git-dir "$A" rev-parse HEAD)
[ "$(delivered)" = "$c6 $c7 $c9 " ] || fail "the pending ones, then the new one: $(delivered)"
ok "without an installed hook no payload is written; a hook installed later gets what waited and what follows"
done_testing
