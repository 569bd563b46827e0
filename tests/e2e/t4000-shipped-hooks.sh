#!/bin/bash
# The hooks we ship, fed the payload redline writes to post-snapshot's stdin:
# alert-figures prints one alert line per story whose figures changed and
# nothing otherwise; webhook POSTs the payload byte for byte to a real HTTP
# server on 127.0.0.1 (started here) and fails when the POST fails.
. "$(dirname "$0")/lib.sh"

SRC=$REDLINE_SOURCE_DIR
ALERT="$SRC/hooks/alert-figures"
WEBHOOK="$SRC/hooks/webhook"
TMP=$T

command -v jq >/dev/null || fail "jq is required for this test (apt-get install jq)"
command -v curl >/dev/null || fail "curl is required for this test"

ARROW=$(printf '\342\206\222')
ESC=$(printf '\033')

payload() { # payload ITEMS_JSON
	printf '{"version":1,"source":"anp","source_url":"https://example.nl/buitenland","archive":"/srv/news.git","commit":"0123456789abcdef0123456789abcdef01234567","parent":"89abcdef0123456789abcdef0123456789abcdef","time":"2026-11-28T10:00:00Z","counts":{"edited":1,"new":1,"gone":1,"back":0,"moved":0,"removed":0},"items":%s}\n' "$1"
}

# --- alert-figures -----------------------------------------------------------

payload '[{"id":"3fa2c1d0e9ab","path":"anp/2026-11/vs-schatten-3fa2c1d0e9ab.txt","title":"VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000","url":"https://example.nl/nieuws/123","change":"edited","old_hash":"0f6c3e00000000000000000000000001","new_hash":"0f6c3e00000000000000000000000002","figures":[{"old":"3000","new":"10.000"}]},
 {"id":"8d1e0a77c2f4","path":"anp/2026-11/kyiv-8d1e0a77c2f4.txt","title":"KYIV (ANP) - Zelensky zegt","url":null,"change":"new","old_hash":null,"new_hash":"0f6c3e00000000000000000000000003","figures":[]},
 {"id":"51c9e2d0a3b7","path":"anp/2026-11/washington-51c9e2d0a3b7.txt","title":"WASHINGTON (ANP)","url":null,"change":"gone","old_hash":"0f6c3e00000000000000000000000004","new_hash":null}]' >"$TMP/figures.json"

"$ALERT" <"$TMP/figures.json" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
printf 'ALERT anp: "VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000" figures 3000 %s 10.000 (anp/2026-11/vs-schatten-3fa2c1d0e9ab.txt)\n' "$ARROW" >"$TMP/expect"
check "alert-figures exits 0 on a payload with a changed figure" test "$rc" -eq 0
check "alert-figures prints exactly one alert line for the one story whose figures changed" cmp -s "$TMP/expect" "$TMP/out"
check "alert-figures says nothing on stderr" test ! -s "$TMP/err"

payload '[{"id":"3fa2c1d0e9ab","path":"anp/2026-11/a-3fa2c1d0e9ab.txt","title":"Twee cijfers","url":null,"change":"edited","old_hash":null,"new_hash":null,"figures":[{"old":"3,5","new":"4,2"},{"old":null,"new":"1.200.000"},{"old":"7","new":null}]}]' >"$TMP/several.json"
"$ALERT" <"$TMP/several.json" >"$TMP/out"
printf 'ALERT anp: "Twee cijfers" figures 3,5 %s 4,2, - %s 1.200.000, 7 %s - (anp/2026-11/a-3fa2c1d0e9ab.txt)\n' "$ARROW" "$ARROW" "$ARROW" >"$TMP/expect"
check "alert-figures lists every changed figure of a story on its line, '-' for a missing side" cmp -s "$TMP/expect" "$TMP/out"

payload '[{"id":"3fa2c1d0e9ab","path":"anp/2026-11/b-3fa2c1d0e9ab.txt","title":"Kop en tekst","url":null,"change":"edited","old_hash":null,"new_hash":null,"figures":[{"old":"3000","new":"10.000","context":"soldaten"},{"old":"3000","new":"10.000","context":"militairen"},{"old":"5","new":"6","context":null}]}]' >"$TMP/repeat.json"
"$ALERT" <"$TMP/repeat.json" >"$TMP/out"
printf 'ALERT anp: "Kop en tekst" figures 3000 %s 10.000, 5 %s 6 (anp/2026-11/b-3fa2c1d0e9ab.txt)\n' "$ARROW" "$ARROW" >"$TMP/expect"
check "alert-figures says a change the headline and the body repeat once" cmp -s "$TMP/expect" "$TMP/out"

payload '[{"id":"8d1e0a77c2f4","path":"anp/2026-11/kyiv-8d1e0a77c2f4.txt","title":"Kyiv","url":null,"change":"edited","old_hash":null,"new_hash":null,"figures":[]},{"id":"51c9e2d0a3b7","path":"anp/2026-11/w-51c9e2d0a3b7.txt","title":"W","url":null,"change":"moved","old_hash":null,"new_hash":null}]' >"$TMP/nofigures.json"
"$ALERT" <"$TMP/nofigures.json" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
check "alert-figures exits 0 when no figure changed" test "$rc" -eq 0
check "alert-figures prints nothing when no figure changed" test ! -s "$TMP/out"
check "alert-figures says nothing on stderr when no figure changed" test ! -s "$TMP/err"

payload '[]' >"$TMP/empty.json"
"$ALERT" <"$TMP/empty.json" >"$TMP/out" && rc=0 || rc=$?
check "alert-figures prints nothing for a payload without items" test "$rc" -eq 0 -a ! -s "$TMP/out"

# A hostile page: escape sequences and newlines in a title stay out of the terminal.
payload '[{"id":"3fa2c1d0e9ab","path":"anp/2026-11/x-3fa2c1d0e9ab.txt","title":"Rood \u001b[31mALERT\nfake: \"x\"","url":null,"change":"edited","old_hash":null,"new_hash":null,"figures":[{"old":"1\u001b[2J","new":"2"}]}]' >"$TMP/hostile.json"
"$ALERT" <"$TMP/hostile.json" >"$TMP/out"
check "alert-figures keeps a hostile title on one line" test "$(wc -l <"$TMP/out")" -eq 1
check "alert-figures drops escape characters from titles and figures" bash -c '! grep -q "$1" "$2"' _ "$ESC" "$TMP/out"

printf 'this is not json' | "$ALERT" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
check "alert-figures fails on a payload that is not JSON" test "$rc" -ne 0
check "alert-figures says why it failed" grep -q "not a JSON object" "$TMP/err"

printf '{"version":2,"items":[]}' | "$ALERT" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
check "alert-figures refuses a payload version it does not know" test "$rc" -ne 0
check "alert-figures names the unknown version" grep -q "unsupported payload version '2'" "$TMP/err"

mkdir "$TMP/emptybin"
env PATH="$TMP/emptybin" /bin/sh "$ALERT" <"$TMP/figures.json" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
check "alert-figures fails without jq" test "$rc" -ne 0
check "alert-figures says jq is missing" grep -q "jq is required" "$TMP/err"

# --- webhook -----------------------------------------------------------------

mkdir "$TMP/sink"
timeout 120 python3 "$SRC/tests/server/webhook_sink.py" --port-file "$TMP/port" \
	--out-dir "$TMP/sink" --max-requests 10 --timeout 100 &
EXTRA_PIDS="$EXTRA_PIDS $!"
SINK_PID=$!
for _ in $(seq 1 200); do
	[ -s "$TMP/port" ] && break
	kill -0 "$SINK_PID" 2>/dev/null || break
	sleep 0.05
done
[ -s "$TMP/port" ] || fail "webhook_sink.py did not start"
PORT=$(cat "$TMP/port")
BASE="http://127.0.0.1:$PORT"
requests() { find "$TMP/sink" -name '*.body' | wc -l; }

REDLINE_WEBHOOK_URL="$BASE/hook" "$WEBHOOK" <"$TMP/figures.json" >"$TMP/out" 2>"$TMP/err" && rc=0 || rc=$?
check "webhook exits 0 when the POST succeeds" test "$rc" -eq 0
check "webhook: the server received exactly the payload" cmp -s "$TMP/figures.json" "$TMP/sink/1.body"
check "webhook POSTs to the configured path" grep -qx "POST /hook" "$TMP/sink/1.meta"
check "webhook sends Content-Type: application/json" grep -qx "Content-Type: application/json" "$TMP/sink/1.meta"
check "webhook does not print the URL (it may hold a secret)" bash -c '! grep -q "$1" "$2" "$3"' _ "$PORT" "$TMP/out" "$TMP/err"

git init -q --bare "$TMP/archive.git"
git config -f "$TMP/archive.git/config" redline.webhook-url "$BASE/from-config"
(unset REDLINE_WEBHOOK_URL; REDLINE_ARCHIVE="$TMP/archive.git" "$WEBHOOK" <"$TMP/nofigures.json" >/dev/null 2>"$TMP/err") && rc=0 || rc=$?
check "webhook reads redline.webhook-url from the archive's config" test "$rc" -eq 0
check "webhook: the configured URL got the payload" grep -qx "POST /from-config" "$TMP/sink/2.meta"
check "webhook: the second payload arrived intact" cmp -s "$TMP/nofigures.json" "$TMP/sink/2.body"

REDLINE_WEBHOOK_URL="$BASE/status/500" "$WEBHOOK" <"$TMP/figures.json" >/dev/null 2>"$TMP/err" && rc=0 || rc=$?
check "webhook exits non-zero when the server answers 500" test "$rc" -ne 0
check "webhook reports the failed POST on stderr" grep -q "webhook: POST failed" "$TMP/err"

CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
REDLINE_WEBHOOK_URL="http://127.0.0.1:$CLOSED/hook" "$WEBHOOK" <"$TMP/figures.json" >/dev/null 2>"$TMP/err" && rc=0 || rc=$?
check "webhook exits non-zero when nothing listens at the URL" test "$rc" -ne 0

before=$(requests)
(unset REDLINE_WEBHOOK_URL; REDLINE_ARCHIVE="$TMP/nowhere" "$WEBHOOK" <"$TMP/figures.json" >"$TMP/out" 2>"$TMP/err") && rc=0 || rc=$?
check "webhook exits 0 when no URL is configured" test "$rc" -eq 0
check "webhook notes on stderr that nothing was sent" grep -q "no URL configured" "$TMP/err"
check "webhook sends nothing when no URL is configured" test "$(requests)" -eq "$before"

REDLINE_WEBHOOK_URL="file://$TMP/written-by-webhook" "$WEBHOOK" <"$TMP/figures.json" >/dev/null 2>&1 && rc=0 || rc=$?
check "webhook refuses a file:// URL" test "$rc" -ne 0 -a ! -e "$TMP/written-by-webhook"

# --- the dispatcher documented in docs/hooks.md --------------------------------

awk '/^### More than one hook/{f=1} f&&/^```sh$/{if(!done){p=1;next}} p&&/^```$/{p=0;done=1} p' \
	"$SRC/docs/hooks.md" >"$TMP/archive.git/hooks/post-snapshot"
chmod +x "$TMP/archive.git/hooks/post-snapshot"
mkdir "$TMP/archive.git/hooks/post-snapshot.d"
ln -s "$ALERT" "$TMP/archive.git/hooks/post-snapshot.d/"
ln -s "$WEBHOOK" "$TMP/archive.git/hooks/post-snapshot.d/"
before=$(requests)
(cd "$TMP/archive.git" && REDLINE_ARCHIVE="$TMP/archive.git" REDLINE_WEBHOOK_URL="$BASE/both" \
	"$TMP/archive.git/hooks/post-snapshot" <"$TMP/figures.json" >"$TMP/out" 2>"$TMP/err") && rc=0 || rc=$?
check "the documented dispatcher runs both shipped hooks and succeeds" test "$rc" -eq 0
check "the dispatcher passes the payload to alert-figures" grep -q "^ALERT anp: \"VS schatten" "$TMP/out"
n=$((before + 1))
check "the dispatcher passes the same payload to webhook" cmp -s "$TMP/figures.json" "$TMP/sink/$n.body"
(cd "$TMP/archive.git" && REDLINE_ARCHIVE="$TMP/archive.git" REDLINE_WEBHOOK_URL="http://127.0.0.1:$CLOSED/" \
	"$TMP/archive.git/hooks/post-snapshot" <"$TMP/figures.json" >"$TMP/out" 2>"$TMP/err") && rc=0 || rc=$?
check "the dispatcher fails when one of its hooks fails" test "$rc" -ne 0
check "the dispatcher still ran the other hook" grep -q "^ALERT anp:" "$TMP/out"

done_testing
