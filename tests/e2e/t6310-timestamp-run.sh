#!/bin/bash
# Trusted timestamps on `redline run` (t6300 covers ingest): a cycle that
# commits gets one RFC 3161 token from the TSA (a local one, made by the
# test) over its new tip in refs/notes/timestamps, which plain openssl and
# `redline verify` accept; a cycle that commits nothing asks for none; a
# token moved to another commit and a token over the right commit from a
# TSA the archive does not trust are each rejected by verify (exit 1).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tsa.sh"
start_server 90
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
page() { printf '<html><body><article><h2>%s</h2><p>%s</p></article></body></html>' "$1" "$2"; }
start_tsa
A="$T/archive"
rl init "$A" >/dev/null
git -C "$A" config redline.tsaUrl "$TSA_URL"
git -C "$A" config redline.tsaCAFile "$TSA_CA"
setpage /one "$(page "Dam breaks" "The dam broke at noon.")"
setpage /two "$(page "Vote delayed" "The vote was delayed by a week.")"
rl -C "$A" add one "$B/one" --format html >/dev/null
rl -C "$A" add two "$B/two" --format html >/dev/null
t0=$(date +%s)

# checks_out REV: the note on REV is a token over REV's id, by the test TSA.
checks_out() {
	git -C "$A" notes --ref=timestamps show "$1" >"$T/note" || fail "no timestamp note on $1"
	printf %s "$(git -C "$A" rev-parse "$1")" >"$T/id"
	sed -n '/^-----BEGIN/,/^-----END/p' "$T/note" | grep -v -- ----- | base64 -d >"$T/reply.tsr"
	openssl ts -verify -data "$T/id" -in "$T/reply.tsr" -CAfile "$TSA_CA" >"$T/ossl" 2>&1 ||
		{ cat "$T/ossl"; fail "openssl refuses the token on $1"; }
}

REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run
[ "$(commits "$A")" = 2 ] || fail "two sources, two commits in one cycle"
checks_out HEAD
[ "$(git -C "$A" notes --ref=timestamps list | wc -l)" = 1 ] || fail "one token a cycle, on its tip"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "timestamped by the TSA at"
assert_contains "$T/out" "1 timestamps good: ok"
ok "a run cycle that commits: one token over its new tip, accepted by openssl and verify"

REDLINE_NOW=$((t0 + 700)) expect_status 0 rl -C "$A" run
[ "$(commits "$A")" = 2 ] || fail "nothing changed"
[ "$(git -C "$A" notes --ref=timestamps list | wc -l)" = 1 ] || fail "a cycle that commits nothing asks for no token"
setpage /two "$(page "Vote delayed" "The vote was delayed by two weeks.")"
REDLINE_NOW=$((t0 + 1400)) expect_status 0 rl -C "$A" run
[ "$(commits "$A")" = 3 ] || fail "the edit is a commit"
checks_out HEAD
checks_out HEAD~1
[ "$(git -C "$A" notes --ref=timestamps list | wc -l)" = 2 ] || fail "a token for each cycle that committed"
expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "2 timestamps good: ok"
ok "an unchanged cycle asks for no token; the next cycle that commits gets its own over its tip"

# A token moved onto another commit.
X="$T/moved"; cp -r "$A" "$X"
git -C "$X" notes --ref=timestamps add -f -C "$(git -C "$X" notes --ref=timestamps list HEAD~1)" HEAD 2>/dev/null
expect_status 1 rl -C "$X" verify
assert_contains "$T/out" "timestamp: the timestamp token does not hold"
ok "a token moved to the run's new tip from another commit is rejected"

# A token over the right commit, from a TSA the archive does not trust.
good_url=$TSA_URL; good_ca=$TSA_CA
T="$T/rogue" start_tsa
rogue_url=$TSA_URL; rogue_ca=$TSA_CA; TSA_URL=$good_url; TSA_CA=$good_ca
[ "$rogue_ca" != "$good_ca" ] || fail "the rogue TSA has its own CA"
Y="$T/forged"; cp -r "$A" "$Y"
git -C "$Y" config redline.tsaUrl "$rogue_url"
git -C "$Y" config redline.tsaCAFile "$rogue_ca"
expect_status 0 rl -C "$Y" timestamp HEAD
git -C "$Y" config redline.tsaCAFile "$good_ca"
expect_status 1 rl -C "$Y" verify
assert_contains "$T/out" "FAIL"
assert_contains "$T/out" "certificate verify error"
assert_contains "$T/out" "1 timestamps good"
ok "a token over the tip from an untrusted TSA is rejected"
done_testing
