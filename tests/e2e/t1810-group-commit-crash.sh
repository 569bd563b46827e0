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
ref_tree=$(story_tree "$T/ref" main)

for k in $(seq 1 "$KILLS"); do
	A="$T/a$k"
	rl init "$A" >/dev/null
	killed_group_commit "$A" "$took_ms" "$ref_commits" "$REDLINE" -C "$A" ingest --no-hooks feed "$@"
	# A kill inside the ref move may leave refs/heads/main.lock: the next
	# writer removes it under the flock (archive_lock.c).
	# The same ingest again, not waiting for any lock: converges.
	expect_status 0 rl -C "$A" ingest --no-hooks --wait 1 feed "$@"
	got=$(story_tree "$A" main)
	[ "$got" = "$ref_tree" ] || fail "kill $k at ${delay} ms of ${took_ms}: tree $got, expected $ref_tree"
	[ "$(git -C "$A" ls-tree -r --name-only main -- .captures | wc -l)" = "$ref_commits" ] ||
		fail "kill $k: the rerun's commits should hold one capture each"
	git -C "$A" fsck --strict 2>&1 || fail "fsck after the rerun $k"
	[ ! -e "$A/refs/heads/main.lock" ] || fail "rerun $k left refs/heads/main.lock"
done
ok "$KILLS runs killed at random points: fsck clean, no lock left, the rerun gives the same tree"
done_testing
