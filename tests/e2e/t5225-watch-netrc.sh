#!/bin/bash
# A long-running `watch` sees ~/.netrc change: it looks for $HOME/.netrc
# again before every cycle (device, inode, size, mtime), so a .netrc made
# while it runs gives its login from the next cycle on, an edited one its
# new login, and a removed one none.  The server wants HTTP basic auth.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 90
WATCH=
trap '[ -z "$WATCH" ] || kill $WATCH 2>/dev/null || true; cleanup' EXIT
PA=$(head -n1 "$T/port")
# setpage PATH BODY USER:PASSWORD: a page behind basic auth
setpage() { curl -sf -X POST --data-binary "$2" "$B/admin/set?path=$1&auth=$3" >/dev/null || fail "cannot set $1"; }
wait_for() { # wait_for SECONDS CMD...: polls CMD every 0.1 s
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
has_commits() { [ "$(commits "$A")" -ge "$1" ]; }
# answers STATUS N: the server answered the listing with STATUS at least N times
answers() { [ "$(grep -cF "\"GET /n/list HTTP/1.1\" $1" "$T/server.log")" -ge "$2" ]; }
page() { printf '<html><body><article><h2>%s</h2><p>%s, the whole story told here.</p></article></body></html>\n' "$1" "$1"; }
netrc() { printf 'machine 127.0.0.1\nlogin reader\npassword %s\n' "$1" >"$T/home/.netrc.new"; chmod 600 "$T/home/.netrc.new"; mv "$T/home/.netrc.new" "$T/home/.netrc"; }

setpage /n/list "$(page "First story")" reader:pw-one
rl init "$A" >/dev/null
rl -C "$A" add site "http://127.0.0.1:$PA/n/list" --every 1s >/dev/null
mkdir -p "$T/home"

HOME="$T/home" "$REDLINE" -C "$A" watch --max-sleep 1 --no-push >"$T/watch.out" 2>"$T/watch.err" &
WATCH=$!
wait_for 20 answers 401 1 || { cat "$T/watch.err"; fail "watch did not ask for the listing"; }
[ "$(commits "$A")" = 0 ] || fail "a page behind a login was committed without one"
ok "no .netrc when watch starts: the server says 401, nothing committed"

netrc pw-one
wait_for 20 has_commits 1 || { cat "$T/watch.err"; fail "a .netrc made while watch runs was not used"; }
assert_contains "$T/watch.err" "~/.netrc is new or changed"
ok "a .netrc made while watch runs: its login is sent on a later cycle"

# The server wants another password now; the .netrc is edited in place.
setpage /n/list "$(page "Second story")" reader:pw-two
n401=$(grep -cF '"GET /n/list HTTP/1.1" 401' "$T/server.log")
wait_for 20 answers 401 $((n401 + 1)) || fail "the old password was not refused"
printf 'machine 127.0.0.1\nlogin reader\npassword pw-two\n' >"$T/home/.netrc"
wait_for 20 has_commits 2 || { cat "$T/watch.err"; fail "the edited .netrc was not used"; }
ok "a .netrc edited while watch runs: its new password is sent"

setpage /n/list "$(page "Third story")" reader:pw-three
netrc pw-three
wait_for 20 has_commits 3 || { cat "$T/watch.err"; fail "a replaced .netrc was not used"; }
ok "a .netrc replaced (new inode) while watch runs: its password is sent"

rm "$T/home/.netrc"
wait_for 20 grep -qF "~/.netrc is gone" "$T/watch.err" || fail "watch did not see the .netrc go"
n=$(grep -c '"GET /n/list HTTP/1.1"' "$T/server.log")
wait_for 20 answers 401 $(($(grep -cF '"GET /n/list HTTP/1.1" 401' "$T/server.log") + 1)) ||
	fail "the listing was not fetched again after the .netrc went"
last=$(grep -F '"GET /n/list HTTP/1.1"' "$T/server.log" | tail -n1)
case "$last" in *secrets=*) fail "credentials sent after the .netrc went: $last" ;; esac
[ "$(grep -c '"GET /n/list HTTP/1.1"' "$T/server.log")" -gt "$n" ] || fail "no fetch after removal"
ok "a .netrc removed while watch runs: no credentials sent"

for f in "$T/watch.out" "$T/watch.err"; do assert_not_contains "$f" "pw-"; done
git -C "$A" log -p | grep -q "pw-" && fail "a password reached the archive"
kill -TERM "$WATCH"; wait "$WATCH" || true; WATCH=
ok "no password in watch's output or the archive"
done_testing
