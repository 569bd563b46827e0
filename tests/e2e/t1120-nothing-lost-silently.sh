#!/bin/bash
# Nothing lost silently: a page from which no main text comes is refused
# (exit 1, nothing written, the reason said) unless --allow-empty, which
# records it with a warning line and "empty_bodies" in the hook payload.  A
# live source held by the mass-removal guard shows why in `status` and is
# released by `run --force NAME`.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
mkdir -p "$T/hookout"
cat >"$A/hooks/post-snapshot" <<HOOK
#!/bin/sh
cat >"$T/hookout/payload.json"
HOOK
chmod +x "$A/hooks/post-snapshot"

# a page with a title and nothing else: a consent wall, a script-built page
printf '<!DOCTYPE html><html><head><title>Kop - Site</title></head><body><div id="app"></div></body></html>\n' >"$T/empty.html"
expect_status 1 rl -C "$A" ingest page "$T/empty.html"
assert_contains "$T/err" "no main text found"
assert_contains "$T/err" "--allow-empty"
[ "$(commits "$A")" = 0 ] || fail "an empty page was committed"
ok "a page without main text is refused, exit 1, nothing written"

expect_status 0 rl -C "$A" ingest page "$T/empty.html" --allow-empty
assert_contains "$T/err" "warning"
assert_contains "$T/err" "empty body"
[ "$(commits "$A")" = 1 ] || fail "--allow-empty should commit"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["empty_bodies"] == 1, p' "$T/hookout/payload.json" ||
	fail "payload lacks empty_bodies = 1"
ok "--allow-empty records it, with a warning line and empty_bodies in the hook payload"

printf '<!DOCTYPE html><html><head><title>Kop</title></head><body><p>Een echte alinea met tekst.</p></body></html>\n' >"$T/full.html"
expect_status 0 rl -C "$A" ingest page "$T/full.html"
assert_not_contains "$T/err" "empty body"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); assert p["empty_bodies"] == 0, p' "$T/hookout/payload.json" ||
	fail "payload should say empty_bodies = 0"
ok "a page with text: no warning, empty_bodies 0"

# the same page later built by script only (its text no longer in the HTML):
# refused, not committed as "its story deleted"
head1=$(git -C "$A" rev-parse HEAD)
expect_status 1 rl -C "$A" ingest page "$T/empty.html"
assert_contains "$T/err" "no main text found"
[ "$(git -C "$A" rev-parse HEAD)" = "$head1" ] || fail "an empty snapshot after a full one was committed"
[ "$(git -C "$A" show HEAD:page/INDEX | wc -l)" = 1 ] || fail "the story should still be there"
ok "a page whose text is gone is refused, its story kept, nothing written"
rm "$A/hooks/post-snapshot"

# the guard: a live listing that suddenly drops most of its stories
start_server 60
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
page() {
	printf '<html><body>'
	for t in "$@"; do printf '<article><h2><a href="/a/%s">%s</a></h2><p>%s is news.</p></article>' "${t// /-}" "$t" "$t"; done
	printf '</body></html>\n'
}
setpage /front "$(page "one story" "two story" "three story" "four story" "five story" "six story")"
rl -C "$A" add front "$B/front" >/dev/null
expect_status 0 rl -C "$A" run front
head1=$(git -C "$A" rev-parse HEAD)
setpage /front "$(page "one story")"
expect_status 4 rl -C "$A" run front   # 4: every source of the cycle failed
[ "$(git -C "$A" rev-parse HEAD)" = "$head1" ] || fail "the guard let a mass removal through"
rl -C "$A" status >"$T/status"
assert_contains "$T/status" "would drop 5 of 6 stories"
assert_contains "$T/status" "--force"
ok "status says why a source is held by the guard"

expect_status 2 rl -C "$A" run --force
assert_contains "$T/err" "NAME"
expect_status 0 rl -C "$A" run --force front
[ "$(git -C "$A" rev-parse HEAD)" != "$head1" ] || fail "run --force front did not release the source"
[ "$(git -C "$A" show HEAD:front/INDEX | wc -l)" = 1 ] || fail "one story should be left on the page"
rl -C "$A" status >"$T/status"
assert_not_contains "$T/status" "would drop"
ok "run --force NAME releases the held source; its error is gone from status"
done_testing
