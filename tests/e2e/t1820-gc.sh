#!/bin/bash
# Pack maintenance outside the write path: each `ingest` process writes one
# pack; between them (never inside a group commit) packs are rolled up once
# there are more than gc.autoPackLimit (8 here, 64 by default); `redline gc` rolls them all into one, and
# `git fsck --strict` agrees that nothing was lost.
. "$(dirname "$0")/lib.sh"
A="$T/a"
rl init "$A" >/dev/null
git -C "$A" config gc.autoPackLimit 8
page() { # page I
	echo '<?xml version="1.0"?><rss version="2.0"><channel><title>gc</title>'
	echo "<item><guid>tag:gc,2026:1</guid><link>https://gc.example/1</link><title>Een</title>"
	echo "<description>Stand $1 van de telling.</description></item></channel></rss>"
}
packs() { ls "$A"/objects/pack/*.pack | wc -l; }
max=0
for i in $(seq 1 20); do
	page "$i" >"$T/p.xml"
	rl -C "$A" ingest --no-hooks feed "$T/p.xml" --at "2026-11-28T$(printf %02d:%02d $((10 + i / 60)) $((i % 60))):00Z" >/dev/null
	n=$(packs)
	[ "$n" -gt "$max" ] && max=$n
done
[ "$(git -C "$A" rev-list --count main)" = 20 ] || fail "20 commits expected"
[ "$max" -le 9 ] || fail "packs should be rolled up between ingests, saw $max"
[ "$max" -ge 5 ] || fail "packs should pile up to the limit first, saw at most $max"
ok "20 ingests: at most $max packs at any time (limit 8)"

expect_status 0 rl -C "$A" gc
[ "$(packs)" = 1 ] || fail "gc should leave one pack, left $(packs)"
assert_contains "$T/out" "rolled"
git -C "$A" fsck --strict --no-dangling 2>&1 || fail "fsck after gc"
[ "$(git -C "$A" rev-list --count main)" = 20 ] || fail "gc lost commits"
expect_status 0 rl -C "$A" gc
[ ! -s "$T/out" ] || fail "a second gc has nothing to do"
expect_status 2 rl -C "$A" gc --max-packs 0
ok "redline gc rolls every pack into one; fsck clean; a second gc does nothing"
done_testing
