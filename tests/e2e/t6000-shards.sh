#!/bin/bash
# Many workers, one archive: 4 workers on disjoint shards of 12 sources
# fetch changing pages from the loopback HTTP server, push to a central bare
# repository served by a real `git daemon` on 127.0.0.1, and `redline merge`
# (run in the central repository, interleaved with the pushes) unites their
# branches into main.  On the way: the git server stopped for a while and
# restarted, a push killed half-way (server stalled) and retried, a stalled
# server that must not hold up a worker.  At the end main holds every
# snapshot every worker committed, exactly once, and `git fsck --strict` is
# clean on the server and in a fresh clone.
. "$(dirname "$0")/lib.sh"
[ -x "$(git --exec-path)/git-daemon" ] || { echo "skip: no git daemon"; exit 0; }
mkdir -p "$T/www"
start_server 280 --root "$T/www"
C="$T/central.git"
DAEMON=""
PORT=$(free_port)
start_daemon() {
	# The daemon itself, not the `git` wrapper (which would run it as a
	# child that SIGSTOP does not reach).
	"$(git --exec-path)/git-daemon" --reuseaddr --listen=127.0.0.1 --port="$PORT" --base-path="$T" --export-all \
		--enable=receive-pack --informative-errors "$T" 2>>"$T/daemon.log" &
	DAEMON=$!
	EXTRA_PIDS="$EXTRA_PIDS $DAEMON"
	for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$PORT/central.git" >/dev/null 2>&1 && return 0; sleep 0.1; done
	fail "git daemon did not start"
}
stop_daemon() { kill "$DAEMON"; wait "$DAEMON" 2>/dev/null || true; }
SOURCES="s01 s02 s03 s04 s05 s06 s07 s08 s09 s10 s11 s12"
page() { # page NAME VERSION: two stories, the second edited each version
	printf '%s' "<article><h2>$1 lead story</h2><p>Lead text of $1.</p></article><article><h2>$1 second</h2><p>Version $2 of the text. It changes.</p></article>" >"$T/www/$1.html"
}
NOW=1796000000
# round N: pages at version N, then every worker runs one cycle (in parallel)
# at the test clock $NOW (an hour on per round: every source is due).
round() {
	for s in $SOURCES; do page "$s" "$1"; done
	pids=""
	for k in 0 1 2 3; do
		REDLINE_NOW=$NOW "$REDLINE" -C "$T/w$k.git" run >>"$T/w$k.out" 2>>"$T/w$k.err" &
		pids="$pids $!"
	done
	for p in $pids; do wait "$p" || fail "a worker failed in round $1 (see $T/w*.err)"; done
}

git init -q --bare -b main "$C"
for s in $SOURCES; do printf '[source "%s"]\n\turl = %s/files/%s.html\n' "$s" "$B" "$s"; done >"$T/sources.conf"
start_daemon
for k in 0 1 2 3; do
	rl init "$T/w$k.git" >/dev/null
	git -C "$T/w$k.git" remote add origin "git://127.0.0.1:$PORT/central.git"
	git -C "$T/w$k.git" config redline.shard "$k/4"
	git -C "$T/w$k.git" config redline.pushRemote origin
	# One list of sources for all workers, included by each (docs/sharding.md).
	git -C "$T/w$k.git" config include.path "$T/sources.conf"
done

NOW=$((NOW + 3600)); round 1
for k in 0 1 2 3; do
	git -C "$C" rev-parse -q --verify "refs/heads/shards/$k-of-4" >/dev/null || fail "shard $k did not push"
done
# Disjoint: each source in exactly one worker's archive.
for s in $SOURCES; do
	n=0
	for k in 0 1 2 3; do git -C "$T/w$k.git" cat-file -e "main:$s/INDEX" 2>/dev/null && n=$((n + 1)); done
	[ "$n" = 1 ] || fail "source $s is in $n worker archives"
done
rl -C "$C" merge >"$T/out" || fail "merge"
assert_contains "$T/out" "merged 4 shards"
# Every shard writes .captures/ (one file per commit, a uuid each): main has
# the union, and each capture its commit's trailer names is in main's tree.
want=0
for k in 0 1 2 3; do
	want=$((want + $(git -C "$C" ls-tree -r --name-only "shards/$k-of-4" -- .captures | wc -l)))
done
got=$(git -C "$C" ls-tree -r --name-only main -- .captures | wc -l)
[ "$want" -gt 0 ] && [ "$got" = "$want" ] || fail "main has $got captures, the shards $want"
ok "4 workers on disjoint shards push over git://; merge unites them (and their $got captures)"

# Pushes and merges interleaved: merges run while the workers commit and push.
NOW=$((NOW + 3600)); round 2 &
R2=$!
for _ in 1 2 3 4 5; do rl -C "$C" merge >/dev/null || fail "merge during pushes"; sleep 0.1; done
wait "$R2" || fail "round 2"
rl -C "$C" merge >/dev/null
git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "fsck after interleaved merges"; }
ok "merges interleaved with pushes"

# The git server goes away: cycles still fetch and commit; pushes fail,
# are recorded with backoff, and status shows how far behind the remote is.
stop_daemon
before=$(git -C "$T/w0.git" rev-list --count main)
NOW=$((NOW + 3600)); round 3
[ "$(git -C "$T/w0.git" rev-list --count main)" -gt "$before" ] || fail "no commit while the server was down"
rl -C "$T/w0.git" status --remotes --json >"$T/st.json"
jq -e '.[0].errors >= 1 and .[0].ahead >= 1 and .[0].next_try != null' "$T/st.json" >/dev/null ||
	{ cat "$T/st.json"; fail "status does not show the failed push"; }
rl -C "$T/w0.git" status >"$T/st.txt"
assert_contains "$T/st.txt" "refs/heads/shards/0-of-4"
ok "server down: commits go on, the push failure is recorded, status shows the remote behind"

# Back, but stalled (SIGSTOP): a worker's push hangs, is killed mid-push,
# and the worker's cycle is not held up beyond its push timeout.
start_daemon
kill -STOP "$DAEMON"
"$REDLINE" -C "$T/w1.git" push origin >/dev/null 2>&1 &
P=$!
sleep 0.5
kill -9 "$P"; wait "$P" 2>/dev/null || true
git -C "$T/w2.git" config redline.pushTimeout 2
page s01 4; page s02 4; page s03 4; page s04 4; page s05 4; page s06 4
NOW=$((NOW + 3600))
start=$(date +%s)
REDLINE_NOW=$NOW "$REDLINE" -C "$T/w2.git" run >>"$T/w2.out" 2>"$T/w2.stall" || fail "worker with a stalled server"
took=$(( $(date +%s) - start ))
[ "$took" -le 8 ] || fail "a stalled push held the worker for $took s"
assert_contains "$T/w2.stall" "push still running after 2 s"
rl -C "$T/w2.git" status --remotes --json | jq -e '.[0].errors >= 1 and (.[0].last_error | test("pushTimeout"))' >/dev/null ||
	fail "a push stopped for its timeout is not recorded as a failure"
git -C "$T/w2.git" config --unset redline.pushTimeout # 2 s is too tight on a loaded machine
kill -CONT "$DAEMON"
ok "a push killed mid-way and a stalled server do not hold up a worker"

# Everyone retries on the next cycle (an hour later on the test clock: the
# backoff has run out by then).
NOW=$((NOW + 3600)); round 5
rl -C "$C" merge >/dev/null
for k in 0 1 2 3; do
	rl -C "$T/w$k.git" status --remotes --json | jq -e '.[0].errors == 0 and .[0].ahead == 0' >/dev/null ||
		{ rl -C "$T/w$k.git" status --remotes; fail "worker $k did not catch up"; }
done
ok "after the outage every worker's push went through"

# Every snapshot every worker committed is in main, exactly once.
total=0
for k in 0 1 2 3; do
	n=$(git -C "$T/w$k.git" rev-list --count main)
	total=$((total + n))
	git -C "$T/w$k.git" rev-list main >"$T/w$k.commits"
	git -C "$C" rev-list main >"$T/central.commits"
	missing=$(sort "$T/w$k.commits" | comm -23 - <(sort "$T/central.commits") | wc -l)
	[ "$missing" = 0 ] || fail "$missing commits of worker $k are not in main"
done
got=$(git -C "$C" rev-list --no-merges --count main)
[ "$got" = "$total" ] || fail "main has $got snapshot commits, the workers made $total"
dups=$(git -C "$C" log --no-merges --format='%s %(trailers:key=Snapshot-Time,valueonly)' main | sed '/^$/d' | sort | uniq -d | wc -l)
[ "$dups" = 0 ] || fail "a snapshot is in main twice"
[ "$(git -C "$C" ls-tree --name-only main | grep -c '^s[0-9]')" = 12 ] || fail "main lacks a source"
ok "main holds all $total snapshot commits of the 4 workers, each once"

git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "fsck --strict on the server"; }
git clone -q "git://127.0.0.1:$PORT/central.git" "$T/clone" || fail "clone"
git -C "$T/clone" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "fsck --strict in a clone"; }
[ -f "$T/clone/s07/INDEX" ] || fail "the clone does not check out main"
git -C "$T/clone" log -p -- s07/ >"$T/log"
assert_contains "$T/log" "Version 5 of the text."
assert_contains "$T/log" "+Version 5 of the text."
rl -C "$C" log s07 >"$T/rlog"
assert_not_contains "$T/rlog" "merge"
[ "$(grep -c 's07:' "$T/rlog")" -ge 3 ] || { cat "$T/rlog"; fail "redline log on main"; }
rl -C "$C" diff "s07 second" >"$T/diff" || fail "redline diff on main"
assert_contains "$T/diff" "Version"
rl -C "$C" show "s07 second" >"$T/show" || fail "redline show on main"
assert_contains "$T/show" "Version 5 of the text."
ok "fsck --strict clean on the server and in a fresh clone; git log -p and redline log/diff/show work on main"
done_testing
