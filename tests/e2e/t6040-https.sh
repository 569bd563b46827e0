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
. "$(dirname "$0")/lib_push.sh"
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

push_worker "$URL"
# no_password_anywhere WORD: not in what redline printed, nor in status, nor in its state files.
no_password_anywhere() {
	rl -C "$W" status --remotes >"$T/st.txt" 2>&1
	rl -C "$W" status --remotes --json >>"$T/st.txt" 2>&1
	for f in "$T/out" "$T/err" "$T/run.err" "$T/st.txt" "$W"/redline/push/*; do
		[ ! -f "$f" ] || assert_not_contains "$f" "$1"
	done
}

# The test CA is in no system store: without http.sslCAInfo, refused.
cycle
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
next_page
REDLINE_NOW=$((NOW + 1)) rl -C "$W" run a1 </dev/null >/dev/null 2>&1 || fail "run"
git -C "$W" remote set-url origin "https://worker:$PASS@localhost:$GIT_HTTP_PORT/central.git"
rl -C "$W" push >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "push with the password in the URL"; }
on_server || fail "the URL's credentials did not push"
no_password_anywhere "$PASS"
ok "user:password in the URL: a wrong one fails without showing it, the right one pushes"

# merge --remote over https, with the helper.
git config --global credential.helper "store --file $HOME/creds"
merge_remote
ok "merge --remote fetches the shard branches and pushes main over https"

# http.sslVerify=false, as in git, takes the certificate unchecked.
git config --global --unset http.sslCAInfo
git -C "$W" config http.sslVerify false
rl -C "$W" push || fail "push with http.sslVerify=false"
git -C "$W" config --unset http.sslVerify
git config --global http.sslCAInfo "$PKI/ca.pem"
ok "http.sslVerify=false"

git -C "$W" remote set-url origin "$URL"
server_down stop_git_http
pushes() { grep -c 'POST /central.git/git-receive-pack HTTP/1.1" 200' "$GH/access.log" || true; }
p0=$(pushes)
restart() { start_git_http "$T/srv" "$PASS" "$PKI/server.pem" "$PKI/server.key"; }
server_back restart
# One group commit, one push (the merge's push of main is one more).
[ "$(pushes)" = $((p0 + 2)) ] || fail "the cycle and the merge made $(( $(pushes) - p0 )) pushes, not 2"
# A cycle that commits nothing pushes nothing.
p1=$(pushes)
NOW=$((NOW + 3600))
REDLINE_NOW=$NOW rl -C "$W" run </dev/null >/dev/null 2>&1 || fail "run, unchanged"
[ "$(pushes)" = "$p1" ] || fail "a cycle without a commit pushed"
ok "the server back: the next cycle pushes once; main has every snapshot; fsck clean; no commit, no push"
done_testing
