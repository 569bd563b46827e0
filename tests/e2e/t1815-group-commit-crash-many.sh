#!/bin/bash
# A group commit of many sources killed (SIGKILL) at random points: their
# state files are made on helper threads while the batch is built, and the
# ids and states are written on helpers after the ref move while the
# revision index is updated (ingest_save.c).  Whatever the point, the
# archive stays `git fsck --strict` clean, holds all of the commits or
# none, the same ingest again converges to the tree of an uninterrupted
# run, and every state file then says what that run's says.  Bounded:
# KILLS runs (default 5).
. "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-5}
S=80 # sources: enough for the helpers (32 states each)

D="$T/snaps"
mkdir -p "$D"
{
	for k in 1 2; do
		for s in $(seq -w 1 $S); do
			rss_feed "$D/s$s-$k.xml" \
				"s$s-1|Bericht een van $s|Versie $k van het eerste bericht van $s." \
				"s$s-2|Bericht twee van $s|Het tweede bericht van $s blijft staan." \
				"s$s-$((k + 2))|Bericht $((k + 2)) van $s|Nieuw bericht $((k + 2)) van $s."
			printf 's%s\ts%s-%s.xml\t2026-11-28T0%s:00:00Z\n' "$s" "$s" "$k" "$k"
		done
	done
} >"$D/list.tsv"

# the states without their sum, the known list's mark (inode, size) and
# the time of the source's last commit, which a state rebuilt from HEAD
# leaves to be found (ingest_order.c): a kill among the saves leaves some
# states unwritten, and the rerun's no-op snapshots write them rebuilt
states_bare() {
	states "$1" | sed -E 's/"sum":"[0-9a-f]*",//; s/"known":"[0-9:]*",//; s/"last_time":[0-9]*,//'
}

rl init "$T/ref" >/dev/null
start=$(date +%s%N)
expect_status 0 rl -C "$T/ref" ingest --no-hooks --list "$D/list.tsv" --new-sources
took_ms=$((($(date +%s%N) - start) / 1000000))
ref_commits=$(git -C "$T/ref" rev-list --count main)
[ "$ref_commits" = $((2 * S)) ] || fail "the uninterrupted run made $ref_commits commits"
ref_tree=$(story_tree "$T/ref" main)
states_bare "$T/ref" >"$T/ref.states"
[ "$(states "$T/ref" --count)" = $S ] || fail "not one state a source"
ok "an uninterrupted run: $ref_commits commits, $S states, ${took_ms} ms"

for k in $(seq 1 "$KILLS"); do
	A="$T/a$k"
	rl init "$A" >/dev/null
	killed_group_commit "$A" "$took_ms" "$ref_commits" \
		"$REDLINE" -C "$A" ingest --no-hooks --list "$D/list.tsv" --new-sources
	# The same ingest again: the commits a kill kept are re-runs (no-ops).
	expect_status 0 rl -C "$A" ingest --no-hooks --wait 1 --list "$D/list.tsv" --new-sources
	[ "$(story_tree "$A" main)" = "$ref_tree" ] || fail "kill $k at ${delay} ms of ${took_ms}: another tree"
	[ "$(git -C "$A" rev-list --count main)" = "$ref_commits" ] || fail "kill $k: not $ref_commits commits after the rerun"
	states_bare "$A" >"$T/a$k.states"
	cmp -s "$T/ref.states" "$T/a$k.states" || fail "kill $k at ${delay} ms: state files differ from the uninterrupted run's"
	git -C "$A" fsck --strict 2>&1 || fail "fsck after the rerun $k"
done
ok "$KILLS runs of $S sources killed at random points: fsck clean, all commits or none, the rerun gives the same tree and states"
done_testing
