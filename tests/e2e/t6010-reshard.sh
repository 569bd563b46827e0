#!/bin/bash
# Changing N: going from 2 to 3 shards moves only the sources that now rank
# the new shard first (here a5).  A new worker started empty would begin a5
# from nothing, and merge refuses that, naming the source; a worker that
# first takes main (`merge --remote origin --into-worker`) carries a5's
# history on: its next snapshot is an edit, not 2 new stories.  The remote
# here is a plain path (libgit2's local transport); t6000 uses git://.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/www"
start_server 280 --root "$T/www"
C="$T/central.git"
SOURCES="a1 a2 a3 a4 a5 a6"
page() { printf "%s" "<article><h2><a href=\"/$1/1\">$1 lead</a></h2><p>Lead of $1.</p></article><article><h2><a href=\"/$1/2\">$1 second</a></h2><p>Version $2 of the second story of $1.</p></article>" >"$T/www/$1.html"; }
for s in $SOURCES; do printf '[source "%s"]\n\turl = %s/files/%s.html\n' "$s" "$B" "$s"; done >"$T/sources.conf"
worker() { # worker NAME: an empty worker archive with the shared sources and the remote
	rl init "$T/$1.git" >/dev/null
	git -C "$T/$1.git" config include.path "$T/sources.conf"
	git -C "$T/$1.git" remote add origin "$C"
}
NOW=1790000000 # in the past: the watch at the end runs on the real clock, and ingest is forward-only
cycle() { # cycle VERSION WORKER:SHARD...
	v=$1; shift
	for s in $SOURCES; do page "$s" "$v"; done
	NOW=$((NOW + 3600))
	for w in "$@"; do
		REDLINE_NOW=$NOW rl -C "$T/${w%%:*}.git" run --shard "${w#*:}" --push origin >/dev/null ||
			fail "worker $w"
	done
}
git init -q --bare -b main "$C"
worker w0; worker w1
cycle 1 w0:0/2 w1:1/2
cycle 2 w0:0/2 w1:1/2
rl -C "$C" merge >/dev/null || fail "merge of 2 shards"
git -C "$T/w0.git" cat-file -e main:a5/INDEX || fail "a5 should be on shard 0 of 2"
ok "two shards merged; a5 is on shard 0/2"

# N = 3, the new worker started empty: a5 starts from nothing on shard 2.
worker bad
cycle 3 bad:2/3
git -C "$T/bad.git" log -1 --format=%s -- a5/ | grep -q "0 edited, 2 new" || fail "expected a fresh a5"
expect_status 1 rl -C "$C" merge
assert_contains "$T/err" "source 'a5' is written by shards/2-of-3"
assert_contains "$T/err" "nothing merged"

git -C "$C" update-ref -d refs/heads/shards/2-of-3
ok "a new shard that starts a moved source afresh is refused, naming the source"

# Done right: every worker takes main first, then runs with --shard K/3.
for w in w0 w1 w2; do
	[ -d "$T/$w.git" ] || worker "$w"
	rl -C "$T/$w.git" merge --remote origin --into-worker >"$T/out" || fail "into-worker $w"
done
cycle 4 w0:0/3 w1:1/3 w2:2/3
rl -C "$C" merge >"$T/out" || { cat "$T/err" 2>/dev/null; fail "merge after changing N"; }
git -C "$C" log -1 --format=%s main -- a5/ >"$T/a5"
assert_contains "$T/a5" "a5: 1 edited, 0 new"
# Only a5 moved: w0 did not touch it in cycle 4; w2 touched only a5.
git -C "$T/w2.git" log -1 --format=%s main | grep -q '^a5:' || fail "w2 should commit a5"
n=$(git -C "$C" log --format=%s main -- a5/ | grep -c "^a5:"); [ "$n" = 3 ] || fail "a5 has $n commits in main, expected 3 (cycles 1, 2, 4)"
git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "fsck"; }
ok "after --into-worker, the moved source goes on with its history (an edit, not new stories)"

# watch pushes by itself after a cycle that committed (in a child process).
for s in $SOURCES; do page "$s" 5; done
git -C "$T/w2.git" config redline.shard 2/3
rm -f "$T/w2.git/redline/fetch.json" # due now by the real clock (the cycles above ran at REDLINE_NOW)
before=$(git -C "$C" rev-parse refs/heads/shards/2-of-3)
"$REDLINE" -C "$T/w2.git" watch --push origin --max-sleep 1 >"$T/watch.out" 2>"$T/watch.err" &
WATCH=$!
EXTRA_PIDS="$EXTRA_PIDS $WATCH"
for _ in $(seq 100); do
	[ "$(git -C "$C" rev-parse refs/heads/shards/2-of-3)" != "$before" ] && break
	sleep 0.1
done
kill -TERM "$WATCH"; wait "$WATCH" || fail "watch exited non-zero"
[ "$(git -C "$C" rev-parse refs/heads/shards/2-of-3)" = "$(git -C "$T/w2.git" rev-parse main)" ] ||
	{ cat "$T/watch.err"; fail "watch did not push its new commit"; }
assert_contains "$T/watch.out" "a5:"
assert_not_contains "$T/watch.out" "a1:"
ok "watch --shard pushes after each cycle by itself"
done_testing
