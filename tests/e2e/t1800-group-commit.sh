#!/bin/bash
# Group commit: `redline ingest SRC f1 ... f12` writes the twelve snapshots as
# twelve commits - the very commits (ids, trees, messages, times) that twelve
# separate ingests make - in ONE pack with ONE ref move; the state caches end
# the same; hooks run after the ref move, one payload per commit, in order.
# Stories appear, change, leave the page and come back within the batch.
. "$(dirname "$0")/lib.sh"

feed() { # feed I: the page at step I
	i=$1
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<rss version="2.0"><channel><title>Groep</title><link>https://example.nl/</link>'
	for s in 1 2 3 4 5 6; do
		# story s is on the page at step i unless (i + s) % 5 == 0 (it leaves, then comes back)
		[ $(((i + s) % 5)) = 0 ] && continue
		[ "$s" -gt $((i / 2 + 2)) ] && continue # stories 5 and 6 appear later
		v=$(((i + s) / 3)) # edited every few steps
		echo "<item><guid isPermaLink=\"false\">tag:example.nl,2026:$s</guid>"
		echo "<link>https://example.nl/nieuws/$s</link><title>Bericht $s</title>"
		echo "<description>Versie $v van bericht $s. Er waren $((v * 100)) mensen.</description></item>"
	done
	echo '</channel></rss>'
}
N=12
files="" ats=""
for i in $(seq 1 $N); do
	feed "$i" >"$T/f$i.xml"
	files="$files $T/f$i.xml"
	ats="$ats --at 2026-11-28T$(printf %02d $((i + 6))):00:00Z"
done

hooks() { # hooks ARCHIVE: a post-snapshot hook that records each payload's commit
	cat >"$1/hooks/post-snapshot" <<'HOOK'
#!/bin/sh
c=$(sed -n 's/^ *"commit": "\([0-9a-f]*\)".*/\1/p')
echo "$c $REDLINE_COMMIT $(git rev-parse main)" >>"$GIT_DIR/../hooks.log"
HOOK
	chmod +x "$1/hooks/post-snapshot"
}

# One at a time.
rl init "$T/one/a" >/dev/null
hooks "$T/one/a"
for i in $(seq 1 $N); do
	rl -C "$T/one/a" ingest feed "$T/f$i.xml" --at "2026-11-28T$(printf %02d $((i + 6))):00:00Z" >/dev/null
done
# All in one group commit.
rl init "$T/group/a" >/dev/null
hooks "$T/group/a"
# shellcheck disable=SC2086
expect_status 0 rl -C "$T/group/a" ingest feed $files $ats
[ "$(grep -c ' new, ' "$T/out")" = "$N" ] || fail "expected one result line per file"

story_log "$T/one/a" main >"$T/one.log"
story_log "$T/group/a" main >"$T/group.log"
n=$(git -C "$T/one/a" rev-list --count main)
[ "$n" -ge 10 ] || fail "the sequence should make about one commit a step, made $n"
diff -u "$T/one.log" "$T/group.log" >&2 || fail "the group commit differs from one-at-a-time commits"
grep -q '^back ' "$T/one.log" || fail "the sequence should bring a story back"
ok "$n snapshots in one group commit: the same commits (story files, messages, times; captures aside) as one at a time"

packs() { ls "$1"/objects/pack/*.pack 2>/dev/null | wc -l; }
[ "$(packs "$T/group/a")" = 1 ] || fail "a group commit writes one pack, found $(packs "$T/group/a")"
[ "$(git -C "$T/group/a" reflog show main | wc -l)" = 1 ] || fail "a group commit moves the ref once"
[ "$(find "$T/group/a/objects" -type f -path '*/objects/[0-9a-f][0-9a-f]/*' | wc -l)" = 0 ] ||
	fail "no loose objects"
git -C "$T/group/a" fsck --strict 2>&1 || fail "fsck"
ok "one pack, one reflog entry, no loose objects, fsck --strict clean"

# The state names the known list's inode (and so its sum differs) in each archive.
noino() { states "$1" feed | sed -E 's/^\{"sum":"[0-9a-f]+",//; s/"known":"[0-9]+:/"known":"/'; }
noino "$T/one/a" >"$T/one.state"
noino "$T/group/a" >"$T/group.state"
[ -s "$T/one.state" ] || fail "no state of feed"
cmp "$T/one.state" "$T/group.state" || fail "the state of feed differs from the one-at-a-time one"
cmp "$T/one/a/redline/known.ids" "$T/group/a/redline/known.ids" ||
	fail "the known ids differ from the one-at-a-time ones"
[ ! -e "$T/group/a/redline/state/feed.ids" ] || fail "no list of known ids per source"
ok "the state caches end the same"

[ "$(wc -l <"$T/group/hooks.log")" = "$n" ] || fail "one post-snapshot payload per commit"
cut -d' ' -f1 "$T/group/hooks.log" >"$T/hook-commits"
git -C "$T/group/a" rev-list --reverse main >"$T/commits"
diff -u "$T/commits" "$T/hook-commits" >&2 || fail "payloads are not one per commit in commit order"
awk '$1 != $2 { exit 1 }' "$T/group/hooks.log" || fail "REDLINE_COMMIT differs from the payload's commit"
tip=$(git -C "$T/group/a" rev-parse main)
awk -v tip="$tip" '$3 != tip { exit 1 }' "$T/group/hooks.log" || fail "a hook ran before the ref moved"
cmp "$T/one/hooks.log" "$T/group/hooks.log" >/dev/null 2>&1 && fail "one-at-a-time hooks should see other tips"
# Commit ids differ (each capture is its own); the payloads name the same snapshots.
payloads() { cut -d' ' -f1 "$1/hooks.log" | while read -r c; do git -C "$1/a" log -1 --format='%s %(trailers:key=Snapshot-XXH3,valueonly)' "$c"; done; }
payloads "$T/one" >"$T/one.payloads"; payloads "$T/group" >"$T/group.payloads"
diff -u "$T/one.payloads" "$T/group.payloads" >&2 || fail "the payloads differ from one-at-a-time"
ok "hooks after the ref move, one payload per commit, in order"

# A file that fails (guard: an empty page) does not stop the others.
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>' >"$T/empty.xml"
feed 13 >"$T/f13.xml"
expect_status 1 rl -C "$T/group/a" ingest feed "$T/empty.xml" "$T/f13.xml" --at 2026-11-28T20:00:00Z
assert_contains "$T/err" "no stories"
[ "$(git -C "$T/group/a" rev-list --count main)" = $((n + 1)) ] || fail "f13 should be committed"
[ "$(packs "$T/group/a")" = 2 ] || fail "the second group commit writes one more pack"
ok "a refused file in a batch leaves the others to be committed"
done_testing
