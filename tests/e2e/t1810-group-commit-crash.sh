#!/bin/bash
# A group commit killed (SIGKILL) at random points: the archive stays
# `git fsck --strict` clean, no lock is left behind (the next ingest does not
# wait for one, and removes a ref lock the kill left), and running the same ingest again converges to the tree an
# uninterrupted run gives; a killed run leaves all of its commits or none.  Bounded: KILLS runs (default 6).
. "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-6}

feed() { # feed I: the page at step I (30 stories, a few edited each step)
	i=$1
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<rss version="2.0"><channel><title>Crash</title><link>https://example.nl/</link>'
	for s in $(seq 1 30); do
		[ $(((i + s) % 7)) = 0 ] && continue
		v=$(((i + s) / 4))
		echo "<item><guid isPermaLink=\"false\">tag:example.nl,2026:$s</guid>"
		echo "<link>https://example.nl/nieuws/$s</link><title>Bericht $s</title>"
		echo "<description>Versie $v van bericht $s. Er waren $((v * 100 + s)) mensen. $(printf 'Zin %d. ' $(seq 1 30))</description></item>"
	done
	echo '</channel></rss>'
}
N=16
set --
for i in $(seq 1 $N); do
	feed "$i" >"$T/f$i.xml"
	set -- "$@" "$T/f$i.xml" --at "2026-11-28T00:$(printf %02d $i):00Z"
done

rl init "$T/ref" >/dev/null
start=$(date +%s%N)
rl -C "$T/ref" ingest --no-hooks feed "$@" >/dev/null
took_ms=$((($(date +%s%N) - start) / 1000000))
ref_commits=$(git -C "$T/ref" rev-list --count main)
ref_tree=$(git -C "$T/ref" rev-parse 'main^{tree}')

for k in $(seq 1 "$KILLS"); do
	A="$T/a$k"
	rl init "$A" >/dev/null
	# Kill somewhere in the run, the last tenth (the group commit) twice as likely.
	r=$((RANDOM % 3))
	if [ $r = 0 ]; then delay=$((took_ms * 9 / 10 + RANDOM % (took_ms / 5 + 1)))
	else delay=$((RANDOM % (took_ms + 1))); fi
	"$REDLINE" -C "$A" ingest --no-hooks feed "$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' $((delay % 1000)))"
	[ "$delay" -lt 1000 ] || sleep $((delay / 1000))
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if git -C "$A" rev-parse -q --verify main >/dev/null; then
		git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; fail "fsck after kill $k at ${delay} ms"; }
	fi
	# One group commit: all of its commits or none.
	c=$(git -C "$A" rev-list --count main 2>/dev/null || echo 0)
	[ "$c" = 0 ] || [ "$c" = "$ref_commits" ] || fail "kill $k left $c of $ref_commits commits"
	# A kill inside the ref move may leave refs/heads/main.lock: the next
	# writer removes it under the flock (archive_lock.c).
	# The same ingest again, not waiting for any lock: converges.
	expect_status 0 rl -C "$A" ingest --no-hooks --wait 1 feed "$@"
	got=$(git -C "$A" rev-parse 'main^{tree}')
	[ "$got" = "$ref_tree" ] || fail "kill $k at ${delay} ms of ${took_ms}: tree $got, expected $ref_tree"
	git -C "$A" fsck --strict 2>&1 || fail "fsck after the rerun $k"
	[ ! -e "$A/refs/heads/main.lock" ] || fail "rerun $k left refs/heads/main.lock"
done
ok "$KILLS runs killed at random points: fsck clean, no lock left, the rerun gives the same tree"
done_testing
