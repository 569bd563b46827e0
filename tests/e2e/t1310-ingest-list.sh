#!/bin/bash
# `redline ingest --list FILE|-`: a backfill of many sources in one process.
# A list across 3 sources (interleaved, with a comment, a blank line and a
# CRLF line) gives the very story history of separate `ingest` calls, in one
# pack; from standard input too.  The whole list is checked before anything
# is ingested: a bad line (each kind of mistake, a path out of the base
# directory, a missing file, line 5,000 of 5,000) ingests nothing and says
# LIST:LINE; a snapshot that fails while ingesting is skipped, the rest
# stays committed.
. "$(dirname "$0")/lib.sh"

D="$T/snaps" # the archivist's directory of dated snapshots
mkdir -p "$D/anp" "$D/nos" "$D/rtl"
for s in anp nos rtl; do
	for k in 1 2 3 4; do
		v=$(( k < 3 ? 1 : k )) # snapshot 2 repeats 1's stories: an unchanged page mid-batch
		rss_feed "$D/$s/2026-11-28T0${k}00.xml" \
			"$s-1|$s bericht een|Versie $v van het eerste bericht van $s. Er waren $((v * 100)) mensen." \
			"$s-2|$s bericht twee|Het tweede bericht van $s blijft staan." \
			"$s-$((v + 2))|$s bericht $((v + 2))|Nieuw bericht nummer $((v + 2)) van $s."
		echo "<!-- fetched at $k -->" >>"$D/$s/2026-11-28T0${k}00.xml" # other bytes, same stories
	done
done
# Interleaved in time, as a chronological backfill lists them.
{
	echo "# SOURCE	FILE	TIME: the 28th, hour by hour"
	for k in 1 2 3 4; do
		for s in anp nos rtl; do
			printf '%s\t%s/2026-11-28T0%s00.xml\t2026-11-28T0%s:00:00Z\n' "$s" "$s" "$k" "$k"
		done
		echo
	done
} >"$D/list.tsv"
sed -i '5s/$/\r/' "$D/list.tsv" # one line written on Windows

A="$T/a.git" B="$T/b.git" C="$T/c.git"
for x in "$A" "$B" "$C"; do rl init "$x" >/dev/null; done

expect_status 0 rl -C "$A" ingest --list "$D/list.tsv" --new-sources
for k in 1 2 3 4; do
	for s in anp nos rtl; do
		rl -C "$B" ingest "$s" "$D/$s/2026-11-28T0${k}00.xml" --at "2026-11-28T0$k:00:00Z" >/dev/null
	done
done
[ "$(commits "$A")" = 9 ] || fail "3 sources x 4 snapshots, one unchanged each: 9 commits, got $(commits "$A")"
story_log "$A" >"$T/a.log"
story_log "$B" >"$T/b.log"
diff "$T/a.log" "$T/b.log" >&2 || fail "the list's history differs from separate ingests"
for s in anp nos rtl; do
	[ "$(git -C "$A" rev-parse "HEAD:$s")" = "$(git -C "$B" rev-parse "HEAD:$s")" ] ||
		fail "tree of $s differs"
done
git -C "$A" fsck --strict --no-progress 2>&1 || fail "git fsck --strict"
[ "$(find "$A/objects" -name '*.pack' | wc -l)" = 1 ] || fail "not one pack: $(find "$A/objects" -name '*.pack')"
ok "a list over 3 sources = separate ingests (messages, times, trees), in one pack, fsck clean"

# From standard input: FILE paths are relative to the current directory.
(cd "$D" && rl -C "$C" ingest --list - --new-sources <list.tsv >"$T/out" 2>"$T/err") ||
	{ cat "$T/err" >&2; fail "--list - exited $?"; }
story_log "$C" >"$T/c.log"
diff "$T/a.log" "$T/c.log" >&2 || fail "--list - differs from --list FILE"
ok "--list - reads standard input (paths relative to the current directory)"

# A re-run adds nothing: a snapshot that made a commit is a no-op, one that
# changed nothing is older than the source's last commit and refused (the
# order check of ingest), which is exit 1.
expect_status 1 rl -C "$A" ingest --list "$D/list.tsv"
[ "$(commits "$A")" = 9 ] || fail "a re-run of the list added commits"
assert_contains "$T/err" "list.tsv:6: "
assert_contains "$T/err" "is older than its last one"
ok "a re-run of the list adds nothing"
# The sources are known now: a later list needs no --new-sources.
rss_feed "$D/nos/2026-11-28T0500.xml" "nos-9|nos bericht negen|Later."
printf 'nos\tnos/2026-11-28T0500.xml\t2026-11-28T05:00:00Z\n' >"$D/later.tsv"
expect_status 0 rl -C "$A" ingest --list "$D/later.tsv"
[ "$(commits "$A")" = 10 ] || fail "the later list: one more commit expected"
ok "sources in the archive are known to a later list"

# ---- bad lines: nothing ingested, LIST:LINE said -------------------------
E="$T/e.git"
rl init "$E" >/dev/null
f=anp/2026-11-28T0100.xml
bad() { # bad WHAT LINE EXPECTED [OPTIONS...]: a list whose line 3 is LINE
	local what=$1 line=$2 expect=$3
	shift 3
	printf 'anp\t%s\t2026-11-28T01:00:00Z\n# fine so far\n%s\nnos\tnos/2026-11-28T0100.xml\n' \
		"$f" "$line" >"$D/bad.tsv"
	expect_status 2 rl -C "$E" ingest --list "$D/bad.tsv" --new-sources "$@"
	assert_contains "$T/err" "bad.tsv:3: $expect"
	assert_contains "$T/err" "nothing ingested: 1 bad line"
	[ "$(commits "$E")" = 0 ] || fail "$what: something was ingested"
	ok "bad line refused, nothing ingested: $what"
}
bad "no TAB" "anp $f" "no TAB"
bad "four fields" "anp	$f	2026-11-28T02:00:00Z	x" "more than 3 fields"
bad "empty FILE" "anp		2026-11-28T02:00:00Z" "empty FILE"
bad "empty TIME (trailing TAB)" "anp	$f	" "empty TIME"
bad "bad source name" "../anp	$f" "bad source name '../anp'"
bad "bad time" "anp	$f	gisteren" "bad TIME 'gisteren'"
bad "time going back within a source" "anp	anp/2026-11-28T0200.xml	2026-11-28T00:30:00Z" \
	"TIME '2026-11-28T00:30:00Z' is before line 1's, of the same source 'anp'"
bad "path traversal" "anp	../../etc/hostname" "'../../etc/hostname' is outside"
bad "absolute path outside the base" "anp	/etc/hostname" "'/etc/hostname' is outside"
ln -s /etc "$D/out"
bad "a symbolic link out of the base" "anp	out/hostname" "'out/hostname' is outside"
bad "a missing file" "anp	anp/2026-11-29T0100.xml" "no such file 'anp/2026-11-29T0100.xml'"
bad "a directory" "anp	anp" "'anp' is not a regular file"
bad "standard input as FILE" "anp	-" "'-' (standard input) cannot be a snapshot"
bad "a line over the cap" "anp	$(head -c 9000 /dev/zero | tr '\0' a)" "line longer than 8192 bytes"
printf 'anp\t%s\n\0\tx\n' "$f" >"$D/nul.tsv"
expect_status 2 rl -C "$E" ingest --list "$D/nul.tsv" --new-sources
assert_contains "$T/err" "nul.tsv:2: NUL byte in the line"
ok "a NUL byte in a line is refused"

# An unknown source (a typo) needs --new-sources; one message for all its lines.
printf 'anp\t%s\nanpp\t%s\nanpp\t%s\n' "$f" "$f" "$f" >"$D/typo.tsv"
expect_status 2 rl -C "$A" ingest --list "$D/typo.tsv"
[ "$(commits "$A")" = 10 ] || fail "typo list ingested something"
assert_contains "$T/err" "typo.tsv:2: unknown source 'anpp'"
assert_not_contains "$T/err" "typo.tsv:3:"
assert_contains "$T/err" "nothing ingested: 2 bad lines"
ok "an unknown source is refused (once, its other lines counted)"

# Many bad lines: the first 20 are listed, then a count.
for i in $(seq 30); do echo "nonsense $i"; done >"$D/many.tsv"
expect_status 2 rl -C "$E" ingest --list "$D/many.tsv"
[ "$(grep -c 'many.tsv:[0-9]*: no TAB' "$T/err")" = 20 ] || fail "not 20 bad lines listed"
assert_contains "$T/err" "10 more bad lines not shown"
ok "30 bad lines: 20 listed, 10 counted"

# Line 5,000 of 5,000 bad: nothing ingested; fixed, the list goes in.
{
	awk 'BEGIN { split("anp nos rtl", s, " ")
		for (i = 1; i <= 4999; i++)
			printf "%s\t%s/2026-11-28T0100.xml\t2026-11-28T01:00:00Z\n", s[i % 3 + 1], s[i % 3 + 1] }'
	printf 'rtl\trtl/2026-11-28T0900.xml\t2026-11-28T09:00:00Z\n'
} >"$D/long.tsv"
expect_status 2 rl -C "$E" ingest --list "$D/long.tsv" --new-sources
assert_contains "$T/err" "long.tsv:5000: no such file 'rtl/2026-11-28T0900.xml'"
[ "$(commits "$E")" = 0 ] || fail "line 5,000 bad, yet something was ingested"
cp "$D/rtl/2026-11-28T0200.xml" "$D/rtl/2026-11-28T0900.xml"
expect_status 0 rl -C "$E" ingest --list "$D/long.tsv" --new-sources
[ "$(commits "$E")" = 3 ] || fail "the fixed list: 3 commits expected, got $(commits "$E")"
ok "line 5,000 bad: nothing ingested; fixed: all of it"

# A list over the line cap is refused before anything is read further.
{ echo "anp	$f"; yes '#' | head -n 10000000; } >"$D/huge.tsv"
expect_status 2 rl -C "$E" ingest --list "$D/huge.tsv"
assert_contains "$T/err" "huge.tsv:10000001: more than 10000000 lines"
rm -f "$D/huge.tsv"
ok "more than 10,000,000 lines: refused"

# ---- a snapshot failing while ingesting: skipped, the rest committed --------
F="$T/f.git"
rl init "$F" >/dev/null
printf 'nothing but text, not a feed\n' >"$D/nos/broken.xml"
printf 'anp\t%s\t2026-11-28T01:00:00Z\nnos\tnos/broken.xml\t2026-11-28T01:00:00Z\nrtl\trtl/2026-11-28T0100.xml\t2026-11-28T01:00:00Z\n' \
	"$f" >"$D/fails.tsv"
expect_status 1 rl -C "$F" ingest --list "$D/fails.tsv" --new-sources --format rss
assert_contains "$T/err" "fails.tsv:2: '"
assert_contains "$T/err" "fails.tsv: 1 of 3 snapshots failed; the others are ingested"
[ "$(commits "$F")" = 2 ] || fail "the two good snapshots must be committed, got $(commits "$F")"
ok "a snapshot refused while ingesting: reported as LIST:LINE, skipped, exit 1, the rest committed"

# ---- usage ----------------------------------------------------------------
expect_status 2 rl -C "$A" ingest --list "$D/list.tsv" anp
assert_contains "$T/err" "--list takes no SOURCE"
expect_status 2 rl -C "$A" ingest --list "$D/list.tsv" --at 2026-11-28
expect_status 2 rl -C "$A" ingest anp "$D/$f" --new-sources
assert_contains "$T/err" "go with --list"
expect_status 1 rl -C "$A" ingest --list "$D/none.tsv"
assert_contains "$T/err" "cannot open '$D/none.tsv'"
expect_status 2 rl -C "$A" ingest --list "$D/list.tsv" --base "$D/none"
expect_status 0 rl -C "$A" ingest --help
assert_contains "$T/out" "--list FILE"
ok "usage errors: operands, --at or --url with --list; --base without it; a missing list"

done_testing
