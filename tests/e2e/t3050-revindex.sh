#!/bin/bash
# The per-story revision index (redline/revindex/): `redline log STORY --json`
# lists exactly the commits the real git finds for the story -- those that
# changed its file (`git log -- <path>`) and those whose message names its id
# ("gone", "back", "moved") -- when the index is fresh, deleted, behind a
# commit made by plain git, truncated, garbage, or about a rewritten history.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8
A=$T/archive
rl init "$A" >/dev/null || fail "init"

feed_at() { # feed_at N: snapshot N of a feed whose stories come, change and go
	local n=$1 items=()
	for i in 1 2 3 4 5 6 7 8; do
		# story i is on the page in snapshots i..i+4, except every third snapshot for even i
		[ "$n" -ge "$i" ] && [ "$n" -le $((i + 4)) ] || continue
		[ $((i % 2)) = 0 ] && [ $((n % 3)) = 0 ] && continue
		items+=("s$i|Verhaal $i versie $(( (n + i) / 2 ))|Er waren $(( (n + i) / 2 * 100 )) mensen bij verhaal $i.")
	done
	rss_feed "$T/f$n.xml" "${items[@]}"
}
at() { printf '2026-11-28T%02d:00:00Z' "$1"; }
for n in $(seq 1 10); do
	feed_at "$n"
	rl -C "$A" ingest anp "$T/f$n.xml" --at "$(at "$n")" --force >/dev/null || fail "ingest $n"
done
[ -s "$A/redline/revindex/records" ] && [ -s "$A/redline/revindex/table" ] ||
	fail "the writer left no revision index"
ok "ingest writes the revision index after the ref moved"

paths() { git -C "$A" ls-tree -r --name-only HEAD | grep -E '^[a-z]+/[0-9]{4}-[0-9]{2}/.*\.txt$'; }
# What git says: commits that changed the file, and those naming its id.
expected() { # expected PATH
	local id=${1%.txt}; id=${id##*-}
	{ git -C "$A" log --no-merges --format=%H -- "$1"
	  git -C "$A" log --no-merges --format=%H -E --grep="^(edited|new|gone|back|moved|removed) $id( |\$)"
	} | sort -u
}
compare_all() { # compare_all WHAT
	local p got want count=0 all
	all=$(git -C "$A" log --format=%H)
	for p in $(paths); do
		got=$(rl -C "$A" log "$p" --json | jq -r '.[].commit') || fail "$1: log $p"
		# the same commits in git log's order, newest first
		want=$(grep -Fx -f <(expected "$p") <<<"$all")
		[ -n "$want" ] || fail "$1: git finds no commit for $p"
		[ "$got" = "$want" ] || { echo "got: $got"; echo "want: $want"; fail "$1: $p"; }
		count=$((count + 1))
	done
	[ "$count" -ge 8 ] || fail "$1: only $count stories"
	# the reads used (and saved) an index complete up to HEAD: the
	# records file's header holds HEAD's id at byte 16
	[ "$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read()[16:36].hex())' "$A/redline/revindex/records")" = \
	  "$(git -C "$A" rev-parse HEAD)" ] || fail "$1: the index is not complete up to HEAD"
	ok "$1: log of each of $count stories = git's commits, in git log's order"
}
compare_all "fresh index"

rm -rf "$A/redline/revindex"
compare_all "index deleted"
[ -s "$A/redline/revindex/records" ] || fail "a read did not rebuild the index"

# a commit made by plain git: the index catches up by walking only it
git clone -q "$A" "$T/wt" && p=$(cd "$T/wt" && paths_wt=$(git ls-tree -r --name-only HEAD | grep '\.txt$' | head -n1); echo "$paths_wt") &&
printf 'Een zin die een mens met plain git toevoegde.\n' >>"$T/wt/$p" &&
git -C "$T/wt" -c user.name=x -c user.email=x@y commit -qam "hand edit" &&
git -C "$T/wt" push -q origin HEAD:main || fail "plain git commit"
compare_all "after a commit made by plain git"
got=$(rl -C "$A" log "$p" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["commit"])')
[ "$got" = "$(git -C "$A" rev-parse HEAD)" ] || fail "the hand edit is not the story's newest commit"
ok "the plain git commit is the edited story's newest revision"

# a truncated records file, then a table of garbage: rebuilt, never trusted
truncate -s 100 "$A/redline/revindex/records"
compare_all "truncated records file"
head -c 4096 /dev/urandom >"$A/redline/revindex/table"
compare_all "table of garbage"
# a rewritten history: main back three commits, then other snapshots
git -C "$A" update-ref refs/heads/main HEAD~3 || fail "rewind"
for n in 11 12; do
	feed_at "$n"
	rl -C "$A" ingest anp "$T/f$n.xml" --at "$(at "$n")" --force >/dev/null || fail "ingest $n after rewind"
done
compare_all "after a rewritten history"

# diff and show of a story agree with git on its last change
p=$(paths | head -n1)
rl -C "$A" diff "$p" --json >"$T/diff.json" || fail "diff"
to=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["to"])' "$T/diff.json")
[ "$to" = "$(git -C "$A" log -n1 --format=%H -- "$p")" ] || fail "diff's commit $to"
ok "diff STORY compares git's last change of the story"
rl -C "$A" show "$p@HEAD~1" >"$T/show.txt" || fail "show"
git -C "$A" show "HEAD~1:$p" >"$T/show.git" 2>/dev/null && assert_contains "$T/show.txt" "$(sed -n 1p "$T/show.git")"
ok "show STORY@REV"
done_testing
