#!/bin/bash
# Pushing and merging over HTTPS: nginx with TLS (a certificate of a test CA
# made here) in front of git http-backend through fcgiwrap, on 127.0.0.1,
# with HTTP basic auth.  The CA is trusted only through git's own
# http.sslCAInfo (in the test's ~/.gitconfig); credentials come from git's
# credential helpers (`credential.helper store`) or from the URL; a wrong
# password fails with a message that names the user and where the password
# came from, and the password is printed nowhere (output, status, state).
# With the server down, cycles still fetch and commit, the push backs off,
# and goes through once the server is back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tls.sh"
. "$(dirname "$0")/lib_githttp.sh"
mkdir -p "$T/www" "$T/srv" "$T/home"
export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
unset GIT_ASKPASS SSH_ASKPASS
start_server 280 --root "$T/www"
make_ca
make_cert server 2 "IP:127.0.0.1,DNS:localhost" serverAuth
C="$T/srv/central.git"
git init -q --bare -b main "$C"
git -C "$C" config http.receivepack true
PASS=Corr3ct-h0rse
WRONG=Wr0ng-b4ttery
start_git_http "$T/srv" "$PASS" "$PKI/server.pem" "$PKI/server.key"
URL="https://localhost:$GIT_HTTP_PORT/central.git"

page() { printf '%s' "<article><h2><a href=\"/x/1\">Story</a></h2><p>Version $1 of the text.</p></article>" >"$T/www/a.html"; }
W="$T/w0.git"
rl init "$W" >/dev/null
rl -C "$W" add a1 "$B/files/a.html" >/dev/null
git -C "$W" remote add origin "$URL"
git -C "$W" config redline.shard 0/1
git -C "$W" config redline.pushRemote origin
NOW=1796000000
cycle() { # cycle VERSION: the page changes, an hour passes, one run
	page "$1"
	NOW=$((NOW + 3600))
	REDLINE_NOW=$NOW rl -C "$W" run </dev/null >>"$T/run.out" 2>"$T/run.err" ||
		{ cat "$T/run.err"; fail "run $1"; }
}
status_is() { rl -C "$W" status --remotes --json | jq -e "$1" >/dev/null || { rl -C "$W" status --remotes; fail "status: $2"; }; }
on_server() { [ "$(git -C "$C" rev-parse -q --verify refs/heads/shards/0-of-1)" = "$(git -C "$W" rev-parse main)" ]; }
# no_password_anywhere WORD: not in what redline printed, nor in status, nor in its state files.
no_password_anywhere() {
	rl -C "$W" status --remotes >"$T/st.txt" 2>&1
	rl -C "$W" status --remotes --json >>"$T/st.txt" 2>&1
	for f in "$T/out" "$T/err" "$T/run.err" "$T/st.txt" "$W"/redline/push/*; do
		[ -f "$f" ] && assert_not_contains "$f" "$1"
	done
}

# The test CA is in no system store: without http.sslCAInfo, refused.
cycle 1
assert_contains "$T/run.err" "the TLS certificate of 'localhost' is not trusted"
status_is '.[0].errors == 1 and .[0].ahead == 1' "the refused push"
git -C "$W" config http.sslCAInfo "$PKI/ca.pem"
git -C "$W" remote set-url origin "https://127.0.0.1:$GIT_HTTP_PORT/central.git"
expect_status 1 rl -C "$W" push
assert_contains "$T/err" "never matches an IP address in a certificate"
git -C "$W" remote set-url origin "$URL"
git -C "$W" config --unset http.sslCAInfo
ok "a certificate of an unknown CA is refused (the cycle still committed); an IP address is explained"

git config --global http.sslCAInfo "$PKI/ca.pem"
expect_status 1 rl -C "$W" push
assert_contains "$T/err" "wants credentials and none were found"
ok "http.sslCAInfo from ~/.gitconfig is trusted; no credentials fails at once, no prompt"

# Credentials from git's credential helpers.
git config --global credential.helper "store --file $HOME/creds"
printf 'https://worker:%s@localhost:%s\n' "$WRONG" "$GIT_HTTP_PORT" >"$HOME/creds"
expect_status 1 rl -C "$W" push
assert_contains "$T/err" "refused the credentials of 'worker' (from git's credential helpers)"
no_password_anywhere "$WRONG"
ok "a wrong password from the helper fails clearly, and is printed nowhere"

printf 'https://worker:%s@localhost:%s\n' "$PASS" "$GIT_HTTP_PORT" >"$HOME/creds"
rl -C "$W" push || fail "push with the credential helper"
on_server || fail "the shard branch is not on the server"
status_is '.[0].errors == 0 and .[0].ahead == 0' "after the push"
assert_contains "$GH/access.log" "git-receive-pack HTTP/1.1\" 200"
no_password_anywhere "$PASS"
ok "credential.helper store: the push goes through https"

# Credentials in the URL (no helper).
git config --global --unset credential.helper
git -C "$W" remote set-url origin "https://worker:$WRONG@localhost:$GIT_HTTP_PORT/central.git"
expect_status 1 rl -C "$W" push
assert_contains "$T/err" "refused the credentials of 'worker' (the password in the URL)"
assert_contains "$T/err" "https://worker@localhost:$GIT_HTTP_PORT/central.git"
no_password_anywhere "$WRONG"
page 2
REDLINE_NOW=$((NOW + 1)) rl -C "$W" run a1 </dev/null >/dev/null 2>&1 || fail "run"
git -C "$W" remote set-url origin "https://worker:$PASS@localhost:$GIT_HTTP_PORT/central.git"
rl -C "$W" push >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "push with the password in the URL"; }
on_server || fail "the URL's credentials did not push"
no_password_anywhere "$PASS"
ok "user:password in the URL: a wrong one fails without showing it, the right one pushes"

# merge --remote over https, with the helper.
git config --global credential.helper "store --file $HOME/creds"
rl init "$T/merger.git" >/dev/null
git -C "$T/merger.git" remote add origin "$URL"
rl -C "$T/merger.git" merge --remote origin </dev/null >"$T/out" || fail "merge --remote over https"
assert_contains "$T/out" "merged 1 shard"
[ "$(git -C "$C" rev-parse main)" = "$(git -C "$T/merger.git" rev-parse main)" ] || fail "merge did not push main"
ok "merge --remote fetches the shard branches and pushes main over https"

# http.sslVerify=false, as in git, takes the certificate unchecked.
git config --global --unset http.sslCAInfo
git -C "$W" config http.sslVerify false
rl -C "$W" push || fail "push with http.sslVerify=false"
git -C "$W" config --unset http.sslVerify
git config --global http.sslCAInfo "$PKI/ca.pem"
ok "http.sslVerify=false"

# The server goes away: cycles fetch and commit, pushes fail and back off.
git -C "$W" remote set-url origin "$URL"
stop_git_http
before=$(commits "$W")
cycle 3
[ "$(commits "$W")" -gt "$before" ] || fail "no commit while the server was down"
assert_contains "$T/run.err" "cannot push to 'origin'"
status_is '.[0].errors == 1 and .[0].ahead == 1 and .[0].next_try != null' "the failed push"
page 4
REDLINE_NOW=$((NOW + 10)) rl -C "$W" run a1 </dev/null >>"$T/run.out" 2>"$T/run.err" || fail "run during the backoff"
[ "$(commits "$W")" -gt "$((before + 1))" ] || fail "no commit during the backoff"
assert_not_contains "$T/run.err" "cannot push"
status_is '.[0].errors == 1 and .[0].ahead == 2' "the backoff"
ok "server down: cycles commit, the push fails once and then backs off"

start_git_http "$T/srv" "$PASS" "$PKI/server.pem" "$PKI/server.key"
pushes() { grep -c 'POST /central.git/git-receive-pack HTTP/1.1" 200' "$GH/access.log" || true; }
p0=$(pushes)
cycle 5
# One group commit, one push.
[ "$(pushes)" = $((p0 + 1)) ] || fail "cycle 5 made $(( $(pushes) - p0 )) pushes, not 1"
status_is '.[0].errors == 0 and .[0].ahead == 0' "after the server came back"
on_server || fail "the server does not have the worker's main"
rl -C "$T/merger.git" merge --remote origin </dev/null >/dev/null || fail "second merge"
git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "fsck --strict on the server"; }
git -C "$W" rev-list main | sort >"$T/w.commits"
git -C "$C" rev-list main | sort >"$T/c.commits"
[ -z "$(comm -23 "$T/w.commits" "$T/c.commits")" ] || fail "main lacks snapshots of the worker"
# A cycle that commits nothing pushes nothing.
p1=$(pushes)
NOW=$((NOW + 3600))
REDLINE_NOW=$NOW rl -C "$W" run </dev/null >/dev/null 2>&1 || fail "run, unchanged"
[ "$(pushes)" = "$p1" ] || fail "a cycle without a commit pushed"
ok "the server back: the next cycle pushes once; main has every snapshot; fsck clean; no commit, no push"
done_testing
