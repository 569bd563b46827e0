#!/bin/bash
# Story files rendered and packed on the parse workers (run.c,
# rl_snapshot_render_ahead): one thread and four give the very same commits
# and the very same packs, byte for byte (pack names are the SHA-1 of their
# bytes), which git verify-pack and fsck --strict accept - over a first
# cycle (every story new, every blob packed ahead), a cycle of edits, and a
# cycle in which the fetch state is gone, so that the workers pack ahead
# again for stories the archive knows: a story that returns to its first
# text (its blob is in an older pack), a story back on the page, unkeyed
# stories with one title (the second id is salted: the guessed header is
# wrong), and a source that follows its articles (nothing packed ahead).
# Captures are off: their record ids differ from run to run.
. "$(dirname "$0")/lib.sh"
start_server 200
setpage() { curl -sf -X POST --data-binary @- "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
listing() { # listing SOURCE VERSION...: one keyed story per version, plus two unkeyed
	s=$1
	shift
	printf '<html><body>'
	i=0
	for v in "$@"; do
		i=$((i + 1))
		[ "$v" = - ] && continue
		printf '<article><h2><a href="/a/%s-%s">Bericht %s van %s</a></h2>' "$s" "$i" "$i" "$s"
		printf '<p>Versie %s. Er waren %s mensen bij. Zin een. Zin twee.</p></article>' "$v" "$((i * 37))"
	done
	printf '<article><h2>Zonder link</h2><p>Eerste van %s.</p></article>' "$s"
	printf '<article><h2>Zonder link</h2><p>Tweede van %s.</p></article>' "$s"
	printf '</body></html>\n'
}
article() { printf '<html><body><article><h1>%s</h1><p>%s</p></article></body></html>\n' "$1" "$2"; }
round() { # round N: the pages of round N
	case $1 in
	1) listing s1 1 1 1 | setpage /s1; listing s2 1 1 1 | setpage /s2; listing s3 1 1 | setpage /s3
	   article "Vervolg een" "Eerste tekst." | setpage /a/f-1 ;;
	2) listing s1 1 2 1 | setpage /s1; listing s2 1 - 1 | setpage /s2; listing s3 1 1 1 | setpage /s3
	   article "Vervolg een" "Tweede tekst." | setpage /a/f-1 ;;
	3) listing s1 1 1 1 | setpage /s1; listing s2 1 1 1 | setpage /s2
	   article "Vervolg een" "Eerste tekst." | setpage /a/f-1 ;;
	esac
}
round 1
printf '<html><body><article><h2><a href="/a/f-1">Vervolg een</a></h2><p>Kort.</p></article></body></html>\n' | setpage /f
for j in 1 4; do
	rl init "$T/a$j" >/dev/null
	git -C "$T/a$j" config redline.capture off
	for s in s1 s2 s3; do rl -C "$T/a$j" add "$s" "$B/$s" --format html >/dev/null; done
	rl -C "$T/a$j" add f "$B/f" --format html --follow >/dev/null
done
same() { # same WHAT: a1 and a4 hold the same commits and packs, and git accepts them
	[ "$(git -C "$T/a1" rev-parse main)" = "$(git -C "$T/a4" rev-parse main)" ] ||
		{ diff -u <(story_log "$T/a1" main) <(story_log "$T/a4" main) >&2; fail "$1: 1 and 4 threads made different commits"; }
	(cd "$T/a1/objects/pack" && ls pack-*.pack) >"$T/packs1"
	(cd "$T/a4/objects/pack" && ls pack-*.pack) >"$T/packs4"
	diff -u "$T/packs1" "$T/packs4" >&2 || fail "$1: 1 and 4 threads wrote different packs"
	for j in 1 4; do
		(cd "$T/a$j/objects/pack" && for p in pack-*.pack; do git verify-pack "$p" || exit 1; done) >&2 ||
			fail "$1: git verify-pack refuses a pack"
		git -C "$T/a$j" fsck --strict >&2 2>"$T/fsck" || { cat "$T/fsck" >&2; fail "$1: git fsck --strict"; }
	done
}
now=1795856400
for j in 1 4; do
	REDLINE_NOW=$now expect_status 0 rl -C "$T/a$j" run --no-hooks --threads $j
	assert_not_contains "$T/err" "failed"
done
[ "$(commits "$T/a1")" = 4 ] || fail "a first cycle of 4 sources is 4 commits, not $(commits "$T/a1")"
[ "$(git -C "$T/a1" ls-tree -r --name-only main -- s1 | grep -c -- '-.*\.txt$')" = 5 ] || fail "s1 has 5 stories"
same "first cycle"
ok "first cycle (every blob packed ahead): 1 and 4 threads, the same commits and packs"

round 2
for j in 1 4; do
	REDLINE_NOW=$((now + 3600)) expect_status 0 rl -C "$T/a$j" run --no-hooks --threads $j
	assert_not_contains "$T/err" "failed"
done
git -C "$T/a1" log -1 --format=%B main -- s1 >"$T/msg"
assert_contains "$T/msg" "s1: 1 edited"
same "edits"
ok "edited, gone, new and a followed article: the same commits and packs"

round 3
for j in 1 4; do
	rm -f "$T/a$j/redline/fetch.json" # the workers pack ahead again
	REDLINE_NOW=$((now + 7200)) expect_status 0 rl -C "$T/a$j" run --no-hooks --threads $j
	assert_not_contains "$T/err" "failed"
done
git -C "$T/a1" log -1 --format=%B main -- s1 >"$T/msg"
assert_contains "$T/msg" "reverted to"
git -C "$T/a1" log -1 --format=%B main -- s2 >"$T/msg"
assert_contains "$T/msg" "1 back"
# The returning text is the blob of the first cycle again.
s1b=$(git -C "$T/a1" ls-tree -r --name-only main -- s1 | grep -- '-.*\.txt$' | sed -n 2p)
first=$(git -C "$T/a1" log --reverse --format=%H main -- "$s1b" | head -1)
[ "$(git -C "$T/a1" rev-parse "main:$s1b")" = "$(git -C "$T/a1" rev-parse "$first:$s1b")" ] ||
	fail "a story back to its first text has its first blob again"
same "fetch state gone"
ok "a story back to its first text, a story back on the page, packed ahead again: the same commits and packs"
done_testing
