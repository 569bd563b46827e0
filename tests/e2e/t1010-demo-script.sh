#!/bin/bash
# The README's first command, end to end (without its package and build
# steps): offline ingest, then a live cycle against a server on 127.0.0.1,
# the hook's alert, a 304 that writes nothing, and clean archives.
. "$(dirname "$0")/lib.sh"
export REDLINE REDLINE_DEMO_ARCHIVE="$T/demo"
cd "$REDLINE_SOURCE_DIR"
expect_status 0 timeout 120 sh scripts/demo.sh
cat "$T/out" "$T/err" >"$T/all"
assert_contains "$T/all" "anp: 1 edited, 1 new, 1 gone from page"
assert_contains "$T/all" "figures: soldaten in Rusland: 3000 → 10.000"
ok "offline: one story edited, 3000 → 10.000"
assert_contains "$T/all" 'ALERT anp: "VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000" figures 3000 → 10.000 ('
ok "live: the post-snapshot hook alerts on the figure"
assert_contains "$T/all" "-> 304, 0 bytes"
[ "$(git -C "$T/demo-live" rev-list --count HEAD)" = 2 ] || fail "live archive should have 2 commits"
ok "live: the unchanged page is a 304 and writes nothing"
assert_contains "$T/all" "archive is clean: $T/demo"
assert_contains "$T/all" "live archive is clean: $T/demo-live"
ok "both archives pass git fsck --strict"
done_testing
