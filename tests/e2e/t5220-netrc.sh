#!/bin/bash
# Credentials from ~/.netrc: `run` looks for $HOME/.netrc once when it
# starts (the library reads no environment) and hands it to libcurl, which
# sends the login of the listing's host; without the file nothing is sent
# (and libcurl is told not to look for it at every request).
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 60
PA=$(head -n1 "$T/port")
setpage() { curl -sf -X POST --data-binary "$3" "$1/admin/set?path=$2" >/dev/null || fail "cannot set $2"; }
# the server's log line of the Nth GET of PATH ("... secrets=Authorization" when sent)
nth_request() { grep -F "\"GET $1 HTTP/1.1\"" "$T/server.log" | sed -n "${2}p"; }
page() { printf '<html><body><article><h2>%s</h2><p>%s, the whole story told here.</p></article></body></html>\n' "$1" "$1"; }

setpage "$B" /n/list "$(page "First story")"
rl init "$A" >/dev/null
rl -C "$A" add site "http://127.0.0.1:$PA/n/list" >/dev/null
mkdir -p "$T/home"

HOME="$T/home" expect_status 0 rl -C "$A" run site
first=$(nth_request /n/list 1)
[ -n "$first" ] || fail "the listing was fetched"
case "$first" in *secrets=*) fail "credentials sent without a .netrc: $first" ;; esac
ok "no .netrc: no credentials"

printf 'machine 127.0.0.1\nlogin reader\npassword n3trc-pw\n' >"$T/home/.netrc"
chmod 600 "$T/home/.netrc"
setpage "$B" /n/list "$(page "Second story")"
HOME="$T/home" expect_status 0 rl -C "$A" run site
second=$(nth_request /n/list 2)
case "$second" in *secrets=Authorization*) ;; *) fail "the .netrc login was not sent: $second" ;; esac
assert_not_contains "$T/err" "n3trc-pw"
git -C "$A" log -p | grep -q "n3trc-pw" && fail "the password reached the archive"
ok "\$HOME/.netrc: its login for the host is sent"

printf 'machine 127.0.0.9\nlogin other\npassword x\n' >"$T/home/.netrc"
setpage "$B" /n/list "$(page "Third story")"
HOME="$T/home" expect_status 0 rl -C "$A" run site
third=$(nth_request /n/list 3)
case "$third" in *secrets=*) fail "another host's login was sent: $third" ;; esac
ok "a .netrc without the host: nothing sent"
done_testing
