#!/bin/bash
# Failures never drop stories: a source that answered before and now gives
# 500, 404, no answer (/hang), a reset, an empty 200, a slow drip, an endless
# body or a gzip bomb leaves the archive as it was (HEAD, INDEX), is shown by
# `status` with its error and count, backs off, and never stops the others.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 300 # ASan under load runs this script for over 90 s
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1${3:-}" >/dev/null || fail "cannot set $1"; }
page() {
	printf '<html><body>'
	for t in "$@"; do printf '<article><h2><a href="/a/%s">%s</a></h2><p>%s is news.</p></article>' "${t// /-}" "$t" "$t"; done
	printf '</body></html>\n'
}
fetches() { grep -c "\"GET $1 HTTP/1.1\"" "$T/server.log" || true; }
# fetched PATH N: the server logs a request after answering it, so under load
# the line may come after redline exited; wait (at most 5 s) for the N-th.
fetched() { for _ in $(seq 50); do [ "$(fetches "$1")" -ge "$2" ] && break; sleep 0.1; done; fetches "$1"; }
field() { rl -C "$A" status --json | jq -r ".[] | select(.source==\"$1\") | .$2"; }
epoch() { date -u -d "$1" +%s; }

rl init "$A" >/dev/null
bad="e500 e404 hang reset empty drip endless bomb"
for s in $bad good; do
	setpage "/p/$s" "$(page "$s first story" "$s second story")"
	rl -C "$A" add "$s" "$B/p/$s" --timeout 4 >/dev/null
done
expect_status 0 rl -C "$A" run
[ "$(commits "$A")" = 9 ] || fail "nine sources, nine commits"
ok "nine sources fetched and committed"

# Now every source but `good` fails, each in its own way; `good` changes.
setpage /p/e500 "oops" "&status=500"
rl -C "$A" add e500 "$B/p/e500" --every 60 >/dev/null
rl -C "$A" add e404 "$B/status/404" >/dev/null
rl -C "$A" add hang "$B/hang" --timeout 2 >/dev/null
rl -C "$A" add reset "$B/reset" >/dev/null
rl -C "$A" add empty "$B/empty" >/dev/null
rl -C "$A" add drip "$B/slow-drip" --timeout 4 >/dev/null
rl -C "$A" add endless "$B/endless" >/dev/null
rl -C "$A" add bomb "$B/gzip-bomb" >/dev/null
setpage /p/good "$(page "good first story" "good second story" "good third story")"
for s in $bad; do git -C "$A" show "HEAD:$s/INDEX" >"$T/index-$s"; done
before=$(git -C "$A" rev-parse HEAD)
# The cycle's clock is pinned, so a slow machine (ASan under load) cannot make
# a source due again before the backoff checks below.
t0=$(date +%s)
REDLINE_NOW=$t0 expect_status 3 rl -C "$A" run $bad good
assert_contains "$T/out" "good: 0 edited, 1 new, 0 gone from page"
assert_contains "$T/err" "redline: 8 of 9 sources failed (see 'redline status')"
[ "$(git -C "$A" rev-list --count "$before"..HEAD)" = 1 ] || fail "only the good source may commit"
git -C "$A" diff --name-only "$before" HEAD | grep -v '^\.captures/' | grep -qv '^good/' &&
	fail "a failing source changed the archive"
[ "$(git -C "$A" diff --name-only "$before" HEAD -- .captures | wc -l)" = 1 ] ||
	fail "the good source's commit should add its one capture"
for s in $bad; do
	git -C "$A" show "HEAD:$s/INDEX" | cmp -s - "$T/index-$s" || fail "INDEX of $s changed"
done
ok "8 failures and 1 good source: one commit (the good one), every INDEX intact, exit 3 (some failed)"

check_error() { # check_error SOURCE TEXT
	[ "$(field "$1" errors)" = 1 ] || fail "$1: one consecutive error expected"
	field "$1" last_error | grep -qF -- "$2" || fail "$1: last error '$(field "$1" last_error)' lacks '$2'"
	[ "$(field "$1" items)" = 2 ] || fail "$1: the items of the last success stay"
}
check_error e500 "HTTP 500"
check_error e404 "HTTP 404"
check_error hang "no response within"
check_error reset "connection reset"
check_error empty "empty body (HTTP 200)"
check_error drip "too slow"
check_error endless "larger than 16777216 bytes"
check_error bomb "larger than 16777216 bytes"
[ "$(field e500 http_status)" = 500 ] || fail "status shows the HTTP status"
[ "$(field good errors)" = 0 ] && [ "$(field good last_error)" = null ] || fail "good has no error"
[ "$(field good items)" = 3 ] || fail "good has 3 stories"
ok "status --json: each error class, its count, the last good item count"

rl -C "$A" status >"$T/table"
assert_contains "$T/table" "SOURCE"
grep -E '^e500 +[0-9]+[sm] ago +500 +2 ' "$T/table" >/dev/null || { cat "$T/table"; fail "table row of e500"; }
grep -E '^e500 .* 1  cannot fetch .*HTTP 500$' "$T/table" >/dev/null || { cat "$T/table"; fail "table shows errors and last error"; }
ok "status table: fetched, HTTP status, items, errors, last error"

# Backoff: not retried before it is due unless named; the delay doubles.
n=$(fetches /p/e500)
REDLINE_NOW=$t0 expect_status 0 rl -C "$A" run
[ "$(fetches /p/e500)" = "$n" ] || fail "a failing source was retried before it was due"
now=$(date +%s)
REDLINE_NOW=$now expect_status 4 rl -C "$A" run e500
[ "$(fetched /p/e500 $((n + 1)))" = $((n + 1)) ] || fail "a named source is fetched even when not due"
[ "$(field e500 errors)" = 2 ] || fail "two consecutive errors"
d2=$(( $(epoch "$(field e500 next_due)") - now ))
[ "$d2" = 120 ] || fail "second failure: next due in 2 x 60 s, got $d2"
REDLINE_NOW=$((now + 121)) expect_status 4 rl -C "$A" run
[ "$(fetched /p/e500 $((n + 2)))" = $((n + 2)) ] || fail "due again after the backoff"
d3=$(( $(epoch "$(field e500 next_due)") - now - 121 ))
[ "$d3" = 240 ] || fail "third failure: next due in 4 x 60 s, got $d3"
ok "backoff: not retried early, named runs retry, 60 -> 120 -> 240 s; nothing due exits 0, all due failed exits 4"

rl -C "$A" add busy "$B/retry-after" --every 60 >/dev/null
REDLINE_NOW=$now expect_status 4 rl -C "$A" run busy
[ $(( $(epoch "$(field busy next_due)") - now )) = 120 ] || fail "Retry-After: 120 must be honoured"
ok "Retry-After is honoured over a shorter backoff"

# Recovery: a success resets the count and error, and the stories stay.
setpage /p/e500 "$(page "e500 first story" "e500 second story")"
expect_status 0 rl -C "$A" run e500
[ "$(field e500 errors)" = 0 ] && [ "$(field e500 last_error)" = null ] || fail "a success clears the error"
git -C "$A" show HEAD:e500/INDEX | cmp -s - "$T/index-e500" || fail "e500 stories changed after recovery"
ok "recovery clears errors; no story was ever dropped"

# A source whose settings went bad (edited by hand) stops only itself.
git config -f "$A/config" source.e404.every "every now and then"
setpage /p/good "$(page "good first story" "good second story" "good late story")"
before=$(commits "$A")
expect_status 3 rl -C "$A" run good e404
[ "$(commits "$A")" = $((before + 1)) ] || fail "the good source must still commit"
assert_contains "$T/err" "e404"
assert_contains "$T/err" "source.e404.every"
[ "$(field e404 last_error)" != null ] && field e404 last_error | grep -q "every now and then" ||
	fail "status shows why the broken source failed"
expect_status 0 rl -C "$A" sources
assert_contains "$T/err" "source 'e404' is not usable"
expect_status 1 rl -C "$A" ingest e404 "$EXAMPLES/anp-buitenland-1.txt"
assert_contains "$T/err" "source.e404.every"
ok "a source with a bad setting fails alone, says why, and stops nothing else"

git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
ok "git fsck --strict"
done_testing
