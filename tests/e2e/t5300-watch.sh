#!/bin/bash
# redline watch: SIGHUP reloads the sources (one added meanwhile is fetched
# at once, not after the nap), SIGTERM in the middle of a cycle stops it
# cleanly (exit 0, the archive passes git fsck --strict).
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 60
WATCH=
trap '[ -z "$WATCH" ] || kill $WATCH 2>/dev/null || true; cleanup' EXIT
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
wait_for() { # wait_for SECONDS CMD...: polls CMD every 0.1 s
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
requested() { grep -q "\"GET $1 HTTP/1.1\"" "$T/server.log"; }
has_commits() { [ "$(commits "$A")" -ge "$1" ]; }

rl init "$A" >/dev/null
setpage /one '<article><h2>One</h2><p>First page.</p></article>'
setpage /two '<article><h2>Two</h2><p>Second page.</p></article>'
rl -C "$A" add one "$B/one" >/dev/null
"$REDLINE" -C "$A" watch --max-sleep 30 >"$T/watch.out" 2>"$T/watch.err" &
WATCH=$!
wait_for 10 has_commits 1 || fail "watch did not fetch the first source"
wait_for 5 grep -q "watching" "$T/watch.err" || fail "watch says what it watches"
ok "watch fetches and commits"

rl -C "$A" add two "$B/two" >/dev/null
kill -HUP "$WATCH"
# The nap is 30 s: seeing the new source within 10 s means SIGHUP woke it.
wait_for 10 requested /two || { cat "$T/watch.err"; fail "a source added before SIGHUP was not fetched"; }
wait_for 10 has_commits 2 || fail "the new source was not committed"
assert_contains "$T/watch.err" "reloading sources"
kill -0 "$WATCH" || fail "watch must survive SIGHUP"
ok "SIGHUP reloads: a source added while watch runs is fetched at once"

# Mid-cycle: a source that trickles (one byte a second, logged by the
# server as soon as it starts answering) keeps the cycle busy; SIGTERM then.
rl -C "$A" add stuck "$B/slow-drip" --timeout 50 >/dev/null
kill -HUP "$WATCH"
wait_for 10 requested /slow-drip || fail "the trickling source was not requested"
kill -TERM "$WATCH"
set +e
timeout 10 tail --pid="$WATCH" -f /dev/null
kill -0 "$WATCH" 2>/dev/null && fail "watch did not stop within 10 s of SIGTERM"
wait "$WATCH"; rc=$?
set -e
WATCH=
[ "$rc" = 0 ] || { cat "$T/watch.err"; fail "watch exited $rc on SIGTERM"; }
assert_contains "$T/watch.err" "redline: stopped"
git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
rl -C "$A" status --json | jq -e '.[] | select(.source=="stuck") | .last_fetch == null' >/dev/null ||
	fail "an interrupted fetch is not recorded"
ok "SIGTERM mid-cycle: exit 0 within the bound, git fsck --strict clean, nothing half-recorded"
done_testing
