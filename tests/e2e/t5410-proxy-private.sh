#!/bin/bash
# Through a proxy curl never resolves the target: the only socket it opens
# goes to the proxy, here tinyproxy on loopback.  redline looks the target up
# itself before every hop and refuses, for followed links and redirects of
# a public source, what it would refuse without a proxy: loopback,
# link-local (169.254.169.254, cloud metadata), private addresses.
#
# The source must be public for that, and the tests have only loopback: the
# source is http://203.0.113.10 (TEST-NET-3, a public address that routes
# nowhere), which tinyproxy hands to the test server on 127.0.0.1 as its
# upstream.  "Elsewhere" is a second server on 127.0.0.2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tls.sh"
A="$T/archive"
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME"
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
start_server 90
start_elsewhere 90
PA=$(head -n1 "$T/port")
PUB="http://203.0.113.10"
start_tinyproxy proxy "Upstream http 127.0.0.1:$PA \"203.0.113.10\""
setpage() { curl -sf -X POST --data-binary "$3" "$1/admin/set?path=$2" >/dev/null || fail "cannot set $2"; }
article() { printf '<html><body><article><h1>%s</h1><p>%s is the whole story, told at length here.</p></article></body></html>\n' "$1" "$1"; }
listing() {
	printf '<html><body>\n'
	printf '<article><h2><a href="/a/home">Home story</a></h2><p>Lead%s.</p></article>\n' "$1"
	printf '<article><h2><a href="%s/b/away">Away story</a></h2><p>Lead%s.</p></article>\n' "$B2" "$1"
	printf '<article><h2><a href="/go?to=%s/b/moved">Moved story</a></h2><p>Lead%s.</p></article>\n' "$B2" "$1"
	printf '<article><h2><a href="http://169.254.169.254/latest/meta-data/">Metadata</a></h2><p>Lead%s.</p></article>\n' "$1"
	printf '</body></html>\n'
}
proxied() { grep -cF "$1" "$T/proxy.log" || true; }

setpage "$B" /a/home "$(article "Home story")"
setpage "$B2" /b/away "$(article "Away story")"
setpage "$B2" /b/moved "$(article "Moved story")"
setpage "$B" /list "$(listing "")"

rl init "$A" >/dev/null
git config -f "$A/config" http.proxy "127.0.0.1:$PROXY_PORT"
rl -C "$A" add feed "$PUB/list" --follow --follow-host 127.0.0.2 \
	--follow-host 169.254.169.254 >/dev/null
expect_status 0 rl -C "$A" -v run
cat "$T/out" "$T/err" >"$T/run1"
[ "$(proxied "GET $PUB/list")" -ge 1 ] || { cat "$T/proxy.log"; fail "the source went through the proxy"; }
[ "$(proxied "GET $PUB/a/home")" -ge 1 ] || { cat "$T/run1"; fail "a same-site link went through the proxy"; }
git -C "$A" grep -q "Home story is the whole story" HEAD || fail "the followed article is in the archive"
ok "a public source and its own links go through the proxy (the proxy on loopback)"

[ "$(proxied "GET $B2/")" = 0 ] || { cat "$T/proxy.log"; fail "a link to 127.0.0.2 reached the proxy"; }
[ "$(proxied "GET http://169.254.169.254")" = 0 ] || { cat "$T/proxy.log"; fail "a link to 169.254.169.254 reached the proxy"; }
[ -z "$(grep -F "GET /b/away" "$T/server2.log")" ] || { cat "$T/server2.log"; fail "127.0.0.2 was fetched"; }
assert_contains "$T/run1" "refused to connect to private address 127.0.0.2"
assert_contains "$T/run1" "refused to connect to private address 169.254.169.254"
ok "followed links to 127.0.0.2 and 169.254.169.254 are refused before the proxy sees them"

[ "$(proxied "GET $PUB/go?to=")" -ge 1 ] || { cat "$T/proxy.log"; fail "the redirecting link went through the proxy"; }
[ -z "$(grep -F "GET /b/moved" "$T/server2.log")" ] || fail "a redirect to 127.0.0.2 was followed"
grep -F "go?to=" "$T/run1" | grep -qF "refused to connect to private address 127.0.0.2" ||
	{ cat "$T/run1"; fail "the redirect's refusal is reported"; }
ok "a redirect to 127.0.0.2 is refused at its hop"

# The control: with redline.allow-private-addresses the same links go
# through the proxy, so it is the check that kept them back above.
git config -f "$A/config" redline.allow-private-addresses true
setpage "$B" /list "$(listing ", changed")"
REDLINE_NOW=$(( $(date +%s) + 3600 )) expect_status 0 rl -C "$A" -v run feed
[ "$(proxied "GET $B2/b/away")" -ge 1 ] || { cat "$T/proxy.log" "$T/err"; fail "allowed: the link goes through the proxy"; }
[ -n "$(grep -F "GET /b/moved" "$T/server2.log")" ] || { cat "$T/err"; fail "allowed: the redirect is followed"; }
ok "redline.allow-private-addresses lets them through the proxy"
done_testing
