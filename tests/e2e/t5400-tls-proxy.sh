#!/bin/bash
# TLS, HTTP/2 and proxies against real servers on 127.0.0.1: Debian's nginx
# (TLS with HTTP/2, a wrong-host certificate, an expired one, a server that
# wants a client certificate) with a CA made here by openssl, and Debian's
# tinyproxy, whose log proves that fetches went through it.  Settings come
# as git users give them: http.* in ~/.gitconfig or the archive's config,
# per source in [source "NAME"], SSL_CERT_FILE and http_proxy from the
# environment.  Every failure has its clear message and backs off; secrets
# (a proxy password, a key passphrase) appear nowhere redline writes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tls.sh"
A="$T/archive"
# Our own home: the machine's ~/.gitconfig must not change the outcome, and
# one step writes a global setting.
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config"
mkdir -p "$HOME"
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY \
	CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR

make_ca
make_cert server 2 "IP:127.0.0.1,DNS:localhost" serverAuth
make_cert wronghost 2 "DNS:wrong.example" serverAuth
make_cert expired -1 "IP:127.0.0.1" serverAuth
make_cert client 2 "DNS:client.test" clientAuth
KEYPASS=kiwi-passphrase-7781
printf '%s\n' "$KEYPASS" >"$T/keypass"
openssl pkey -in "$PKI/client.key" -aes256 -passout "file:$T/keypass" -out "$PKI/client-enc.key"
start_nginx
page() {
	printf '<html><body>'
	for t in "$@"; do printf '<article><h2><a href="/a/%s">%s</a></h2><p>%s is news.</p></article>' "${t// /-}" "$t" "$t"; done
	printf '</body></html>\n'
}
for i in $(seq 12); do page "Story $i" "Other $i" >"$T/www/p$i.html"; done
field() { rl -C "$A" status --json 2>/dev/null | jq -r ".[] | select(.source==\"$1\") | .$2"; }
later() { [ "$(date -u -d "$(field "$1" next_due)" +%s)" -gt "$(date +%s)" ]; }
# Everything redline printed, for the secret check at the end.
keep() { cat "$T/out" "$T/err" >>"$T/printed"; }
failed_once() { # failed_once SOURCE TEXT: its error, counted once, and a backoff
	[ "$(field "$1" errors)" = 1 ] || fail "$1: one error expected, got $(field "$1" errors)"
	field "$1" last_error | grep -qF -- "$2" || fail "$1: last error '$(field "$1" last_error)' lacks '$2'"
	later "$1" || fail "$1: not backed off"
}
cfg() { git config -f "$A/config" "$@"; }

rl init "$A" >/dev/null
rl -C "$A" add h2 "https://127.0.0.1:$H2/p1.html" >/dev/null
expect_status 4 rl -C "$A" run h2
keep
assert_contains "$T/err" "h2: cannot fetch 'https://127.0.0.1:$H2/p1.html': TLS error (SSL certificate problem: unable to get local issuer certificate); if you trust its CA, name it in http.sslCAInfo"
failed_once h2 "unable to get local issuer certificate"
[ "$(commits "$A")" = 0 ] || fail "nothing may be committed"
ok "a private CA is refused with a clear message, backs off; every source failed: exit 4"

SSL_CERT_FILE="$PKI/ca.pem" expect_status 0 rl -C "$A" run h2
keep
assert_contains "$T/out" "h2: 0 edited, 2 new"
grep -q "^GET /p1.html 200 HTTP/2.0 " "$T/nginx/h2.log" || { cat "$T/nginx/h2.log"; fail "not fetched over HTTP/2"; }
mkdir "$T/cadir" && cp "$PKI/ca.pem" "$T/cadir/" && openssl rehash "$T/cadir"
SSL_CERT_DIR="$T/cadir" expect_status 0 rl -C "$A" run h2
[ "$(field h2 errors)" = 0 ] || fail "SSL_CERT_DIR"
ok "SSL_CERT_FILE and SSL_CERT_DIR are honoured; HTTP/2 over TLS by ALPN"

git config --global http.sslCAInfo "$PKI/ca.pem"
expect_status 0 rl -C "$A" run h2
cfg http.sslCAInfo "$T/no-such-ca.pem"
expect_status 4 rl -C "$A" run h2
keep
assert_contains "$T/err" "no-such-ca.pem"
cfg source.h2.sslCAInfo "$PKI/ca.pem"
rl -C "$A" add h2 "https://127.0.0.1:$H2/p1.html" --every 5m >/dev/null # keeps sslCAInfo
expect_status 0 rl -C "$A" run h2
[ "$(field h2 errors)" = 0 ] || fail "the source's own sslCAInfo"
cfg --unset http.sslCAInfo
ok "http.sslCAInfo from ~/.gitconfig; the archive's config over it; the source's over both"

# Twelve pages on one host: HTTP/2 multiplexes them over one or two
# connections (2 a host, 10 streams each); HTTP/1.1 keeps 2 alive.
names=""
for i in $(seq 12); do rl -C "$A" add "m$i" "https://127.0.0.1:$H2/p$i.html" >/dev/null; names="$names m$i"; done
: >"$T/nginx/h2.log"
# shellcheck disable=SC2086
expect_status 0 rl -C "$A" run $names
conns() { awk '{ print $5 }' "$T/nginx/h2.log" | sort -u | wc -l; }
[ "$(grep -c ' 200 HTTP/2.0 ' "$T/nginx/h2.log")" = 12 ] || { cat "$T/nginx/h2.log"; fail "12 requests over HTTP/2"; }
[ "$(conns)" -le 2 ] || { cat "$T/nginx/h2.log"; fail "HTTP/2: more than 2 connections"; }
h2conns=$(conns)
cfg http.version HTTP/1.1
: >"$T/nginx/h2.log"
# shellcheck disable=SC2086
expect_status 0 rl -C "$A" run $names
[ "$(grep -c ' 304 HTTP/1.1 ' "$T/nginx/h2.log")" = 12 ] || { cat "$T/nginx/h2.log"; fail "12 conditional requests over HTTP/1.1"; }
[ "$(conns)" -le 2 ] || { cat "$T/nginx/h2.log"; fail "HTTP/1.1: more than 2 connections"; }
cfg --unset http.version
ok "12 pages: HTTP/2 on $h2conns connection(s), HTTP/1.1 (http.version) on $(conns) kept alive"

rl -C "$A" add wrong "https://127.0.0.1:$WRONG/p1.html" >/dev/null
rl -C "$A" add expired "https://127.0.0.1:$EXPIRED/p1.html" >/dev/null
expect_status 4 rl -C "$A" run wrong expired
keep
assert_contains "$T/err" "wrong: cannot fetch 'https://127.0.0.1:$WRONG/p1.html': TLS error (SSL: no alternative certificate subject name matches target host name '127.0.0.1')"
assert_contains "$T/err" "expired: cannot fetch 'https://127.0.0.1:$EXPIRED/p1.html': TLS error (SSL certificate problem: certificate has expired)"
failed_once wrong "no alternative certificate subject name"
failed_once expired "certificate has expired"
ok "a wrong-host and an expired certificate: clear messages, backoff"

cfg source.wrong.sslVerify false
expect_status 0 rl -C "$A" run wrong
assert_contains "$T/err" "warning: wrong: TLS certificate verification is OFF (http.sslVerify = false)"
expect_status 0 rl -C "$A" status
assert_contains "$T/err" "warning: wrong: TLS certificate verification is OFF"
assert_not_contains "$T/err" "warning: expired"
[ "$(field wrong tls_verify)" = false ] && [ "$(field h2 tls_verify)" = true ] || fail "status --json tls_verify"
ok "sslVerify=false fetches, with a warning in every run and in status"

rl -C "$A" add client "https://127.0.0.1:$CLIENT/p3.html" >/dev/null
expect_status 4 rl -C "$A" run client
keep
assert_contains "$T/err" "client: cannot fetch 'https://127.0.0.1:$CLIENT/p3.html': HTTP 400 (No required SSL certificate was sent)"
failed_once client "No required SSL certificate was sent"
cfg source.client.sslCert "$PKI/client.pem"
cfg source.client.sslKey "$PKI/client-enc.key"
printf 'not-the-passphrase\n' >"$T/badpass"
cfg source.client.sslKeyPasswordFile "$T/badpass"
expect_status 4 rl -C "$A" run client
keep
assert_contains "$T/err" "client: cannot fetch 'https://127.0.0.1:$CLIENT/p3.html': TLS error ("
cfg source.client.sslKeyPasswordFile "$T/keypass"
expect_status 0 rl -C "$A" run client
keep
assert_contains "$T/out" "client: 0 edited, 2 new"
ok "a client certificate: refused without one, a wrong passphrase fails, the right one (from a file) gets in"

start_tinyproxy proxy
rl -C "$A" add plain "http://127.0.0.1:$PLAIN/p4.html" >/dev/null
cfg http.proxy "127.0.0.1:$PROXY_PORT"
page "Proxied story" >"$T/www/p1.html"
expect_status 0 rl -C "$A" run plain h2
grep -qF "GET http://127.0.0.1:$PLAIN/p4.html" "$T/proxy.log" || { cat "$T/proxy.log"; fail "http not through the proxy"; }
grep -qF "CONNECT 127.0.0.1:$H2" "$T/proxy.log" || { cat "$T/proxy.log"; fail "https not tunnelled through the proxy"; }
cfg --unset http.proxy
via() { grep -c "GET http://127.0.0.1:$PLAIN/p4.html" "$T/proxy.log" || true; }
n=$(via)
http_proxy="http://127.0.0.1:$PROXY_PORT" expect_status 0 rl -C "$A" run plain
[ "$(via)" = $((n + 1)) ] || fail "http_proxy from the environment"
cfg source.plain.proxy ""
http_proxy="http://127.0.0.1:$PROXY_PORT" expect_status 0 rl -C "$A" run plain
[ "$(via)" = $((n + 1)) ] || fail "proxy = \"\" must go direct"
http_proxy="http://127.0.0.1:$PROXY_PORT" no_proxy=127.0.0.1 expect_status 0 rl -C "$A" run h2
cfg --unset source.plain.proxy
dead=$(free_port)
cfg http.proxy "http://127.0.0.1:$dead"
expect_status 4 rl -C "$A" run plain
keep
assert_contains "$T/err" "plain: cannot fetch 'http://127.0.0.1:$PLAIN/p4.html': proxy 'http://127.0.0.1:$dead': connection refused"
failed_once plain "proxy 'http://127.0.0.1:$dead': connection refused"
ok "http.proxy and http_proxy: fetches go through tinyproxy (its log), proxy=\"\" and no_proxy go direct, a dead proxy backs off"

PROXYPASS=pr0xy-s3cret-9931
start_tinyproxy authproxy "BasicAuth redline $PROXYPASS"
mkdir -p "$A/hooks"
printf '#!/bin/sh\ncat >>"%s/hook.out"\nenv | grep ^REDLINE >>"%s/hook.out"\n' "$T" "$T" >"$A/hooks/post-snapshot"
chmod +x "$A/hooks/post-snapshot"
cfg http.proxy "http://redline:wrong-pass-5512@127.0.0.1:$PROXY_PORT"
expect_status 4 rl -C "$A" -v run plain h2
keep
# tinyproxy 1.11 refuses a bad password with 401, where RFC 9110 says 407.
assert_contains "$T/err" "plain: cannot fetch 'http://127.0.0.1:$PLAIN/p4.html': HTTP 401 (Unauthorized)"
assert_contains "$T/err" "h2: cannot fetch 'https://127.0.0.1:$H2/p1.html': proxy 'http://redline:***@127.0.0.1:$PROXY_PORT' answered CONNECT with HTTP 401"
assert_not_contains "$T/err" "wrong-pass-5512"
cfg http.proxy "http://redline:$PROXYPASS@127.0.0.1:$PROXY_PORT"
page "Story 4" "Other 4" "Second proxied story" >"$T/www/p4.html"
page "Proxied story" "Another proxied story" >"$T/www/p1.html"
expect_status 0 rl -C "$A" -v run plain h2
keep
assert_contains "$T/out" "plain: 0 edited, 1 new"
assert_contains "$T/out" "h2: 0 edited, 1 new"
grep -qF "GET http://127.0.0.1:$PLAIN/p4.html" "$T/authproxy.log" || fail "not through the proxy with a password"
[ -s "$T/hook.out" ] || fail "the hook did not run"
rl -C "$A" status >>"$T/printed" 2>&1
rl -C "$A" status --json >>"$T/printed" 2>&1
rl -C "$A" sources >>"$T/printed" 2>&1 || true
assert_contains "$T/printed" "\"proxy\": \"http://redline:***@127.0.0.1:$PROXY_PORT\""
git -C "$A" log -p --all >"$T/gitlog"
for secret in "$PROXYPASS" wrong-pass-5512 "$KEYPASS"; do
	for f in "$T/printed" "$T/gitlog" "$T/hook.out"; do
		assert_not_contains "$f" "$secret"
	done
	grep -rqF "$secret" "$A/redline" && fail "'$secret' is in the archive's state"
done
ok "a proxy with a password: a refusal is clear, the right one goes through; no secret in output, status, commits, state or hook payloads"

git -C "$A" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
ok "git fsck --strict"
done_testing
