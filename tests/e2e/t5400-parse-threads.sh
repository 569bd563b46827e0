#!/bin/bash
# Parsing on a pool of threads: listings fetched in one cycle are parsed by
# --threads N workers, and the snapshots are committed in the order of the
# sources whatever the order of the responses: one thread and four give the
# very same commits (ids), over a first cycle and one where pages changed.
# Normalisation runs on the workers too: the pages carry relative times,
# counters, tracking parameters and text an ignore pattern removes, which
# change between the rounds without making a revision.
. "$(dirname "$0")/lib.sh"
start_server 280
setpage() { curl -sf -X POST --data-binary @- "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
page() { # page SOURCE ROUND: a listing whose size differs per source
	s=$1 r=$2
	printf '<html><body>'
	for i in $(seq 1 $(((s * 7) % 40 + 3))); do
		v=$(((i + r * s) % 5 == 0 ? r : 0))
		printf '<article><h2><a href="/a/%s-%s?utm_source=r%s">Bericht %s van bron %s</a></h2>' "$s" "$i" "$r" "$i" "$s"
		printf '<p>Versie %s. Er waren %s mensen bij. %s</p>' "$v" "$((i * 37 + v))" "$(printf 'Zin %s. ' $(seq 1 $((i % 9 + 1))))"
		printf '<p>%s uur geleden | %s reacties</p><p>Advertentie %s</p></article>' "$((r + i % 3 + 1))" "$((r * 7 + i))" "$((r + i))"
	done
	printf '</body></html>\n'
}
S=8
for s in $(seq 1 $S); do page "$s" 0 | setpage "/p$s"; done
for j in 1 4; do
	rl init "$T/a$j" >/dev/null
	for s in $(seq 1 $S); do
		rl -C "$T/a$j" add "s$(printf %02d "$s")" "$B/p$s" --format html --ignore 'Advertentie [0-9]+' >/dev/null
	done
done
for j in 1 4; do
	REDLINE_NOW=1795856400 expect_status 0 rl -C "$T/a$j" run --no-hooks --threads $j
	assert_not_contains "$T/err" "failed"
done
git -C "$T/a1" log --format='%s' main >"$T/log1"
[ "$(wc -l <"$T/log1")" = $S ] || fail "expected $S commits, got $(wc -l <"$T/log1")"
git -C "$T/a4" grep -h -e 'geleden' -e 'reacties' -e 'utm_source' -e 'Advertentie' main -- 's*/' >"$T/volatile" &&
	fail "volatile text reached the story files: $(head -3 "$T/volatile")"
story_log "$T/a1" main >"$T/story1"; story_log "$T/a4" main >"$T/story4"
diff -u "$T/story1" "$T/story4" >&2 || fail "1 and 4 threads made different commits"
sed 's/^\(s[0-9]*\):.*/\1/' "$T/log1" | tac >"$T/order"
seq 1 $S | sed 's/^/s0/; s/^s0\(..\)$/s\1/' | diff -u - "$T/order" >&2 || fail "commits are not in the order of the sources"
ok "first cycle: 1 and 4 threads give the same $S commits, in the order of the sources"

for s in $(seq 1 $S); do page "$s" 1 | setpage "/p$s"; done
for j in 1 4; do
	REDLINE_NOW=1795860000 expect_status 0 rl -C "$T/a$j" run --no-hooks --threads $j
	assert_not_contains "$T/err" "failed"
done
git -C "$T/a1" log --format='%H' main >"$T/log1"
story_log "$T/a1" main >"$T/story1"; story_log "$T/a4" main >"$T/story4"
[ "$(wc -l <"$T/log1")" -gt $S ] || fail "the second cycle should commit"
# Only the stories whose "Versie" moved changed, none for the volatile bits alone.
want=0
for s in $(seq 1 $S); do
	for i in $(seq 1 $(((s * 7) % 40 + 3))); do [ $(((i + s) % 5)) = 0 ] && want=$((want + 1)); done
done
got=$(git -C "$T/a1" diff --name-only main~$S main -- 's*/*.txt' | wc -l)
[ "$got" = "$want" ] || fail "$got story files changed, want $want: volatile text made revisions"
diff -u "$T/story1" "$T/story4" >&2 || fail "1 and 4 threads made different commits in the second cycle"
[ "$(ls "$T/a4"/objects/pack/*.pack | wc -l)" = 2 ] || fail "one pack a cycle"
ok "changed pages: the same commits again, one pack a cycle"
expect_status 2 rl -C "$T/a1" run --threads 0
done_testing
