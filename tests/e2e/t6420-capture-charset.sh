#!/bin/bash
# A page whose charset only its HTTP Content-Type declares (KOI8-R, which
# the windows-1252 fallback would turn into mojibake), on a plain source and
# as a followed article: verify re-derives the stories from the captures
# with the charset the fetch used, and reextract applies a rule change in
# the right script.
. "$(dirname "$0")/lib.sh"
start_server 60
koi8() { python3 -c 'import sys; sys.stdout.buffer.write(sys.argv[1].encode("koi8-r"))' "$1" >"$T/page"; }
setkoi8() {
	koi8 "$2"
	curl -sf -X POST --data-binary @"$T/page" "$B/admin/set?path=$1&type=text/html;%20charset=koi8-r" >/dev/null ||
		fail "cannot set $1"
}
setkoi8 /p '<html><body><article><h2>Кафе закрывается</h2><p>Кафе на площади закрывается. Спасибо за всё.</p></article></body></html>'
setkoi8 /list '<html><body><article><h2><a href="/a/1">Мост открыт</a></h2><p>Коротко.</p></article></body></html>'
setkoi8 /a/1 '<html><body><article><h1>Мост открыт</h1><p>Новый мост открыт сегодня. Спасибо за всё.</p></article></body></html>'
A="$T/archive"
rl init "$A" >/dev/null
rl -C "$A" add p "$B/p" --format html >/dev/null
rl -C "$A" add f "$B/list" --follow >/dev/null
expect_status 0 rl -C "$A" run
git -C "$A" grep -q "Кафе на площади закрывается" HEAD -- p/ || fail "the plain page is read as KOI8-R"
git -C "$A" grep -q "Новый мост открыт сегодня" HEAD -- f/ || fail "the article is read as KOI8-R"
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
assert_contains "$T/out" "2 of 2 story files re-derived"
ok "verify decodes each capture with the charset its HTTP header declared"

git -C "$A" config --add source.p.ignore ' ?Спасибо за всё\.'
git -C "$A" config --add source.f.ignore ' ?Спасибо за всё\.'
expect_status 0 rl -C "$A" reextract
assert_contains "$T/out" "p: re-extracted from"
assert_contains "$T/out" "f: re-extracted from"
[ "$(commits "$A")" = 4 ] || fail "one re-extraction per source"
git -C "$A" grep -q "Спасибо" HEAD -- p/ f/ && fail "the rule applies"
git -C "$A" grep -q "Кафе на площади закрывается" HEAD -- p/ || fail "the plain page keeps its script"
git -C "$A" grep -q "Новый мост открыт сегодня" HEAD -- f/ || fail "the article keeps its script"
git -C "$A" diff HEAD~2 HEAD -- p/ f/ | grep '^[-+][^-+]' | grep -v 'Спасибо за всё' && fail "nothing else changes"
expect_status 0 rl -C "$A" verify
assert_not_contains "$T/out" "FAIL"
ok "reextract decodes the captures as the fetch did: only the rule's text goes"
done_testing
