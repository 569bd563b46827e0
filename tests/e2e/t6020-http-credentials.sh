#!/bin/bash
# Pushing over smart HTTP with the credentials git users already have: a
# central repository behind nginx + fcgiwrap + git http-backend on
# 127.0.0.1, with HTTP basic auth.  Without credentials the push fails at
# once (no prompt, no hang) and is recorded; with a credential helper in the
# user's git config (`credential.helper store`) it goes through; a wrong
# password fails within the bounded number of attempts; and
# `merge --remote` fetches and pushes main through the same server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_githttp.sh"
mkdir -p "$T/www" "$T/srv" "$T/home"
start_server 280 --root "$T/www"
git init -q --bare -b main "$T/srv/central.git"
git -C "$T/srv/central.git" config http.receivepack true
start_git_http "$T/srv" s3cret
PORT=$GIT_HTTP_PORT
URL="http://127.0.0.1:$PORT/central.git"

# One worker with one source, its git config in a HOME of its own.
printf '%s' '<article><h2><a href="/x/1">Story</a></h2><p>First text.</p></article>' >"$T/www/a.html"
W="$T/w0.git"
rl init "$W" >/dev/null
rl -C "$W" add a1 "$B/files/a.html" >/dev/null
git -C "$W" remote add origin "$URL"
export HOME="$T/home" GIT_CONFIG_NOSYSTEM=1
rl -C "$W" run --no-push >/dev/null

start=$(date +%s)
expect_status 1 rl -C "$W" push origin --shard 0/1
[ $(( $(date +%s) - start )) -le 10 ] || fail "a push without credentials took too long"
assert_contains "$T/err" "cannot push to 'origin'"
rl -C "$W" status --remotes --json | jq -e '.[0].errors == 1 and .[0].ahead == 1' >/dev/null ||
	fail "the refused push is not recorded"
ok "no credentials: the push fails at once, without a prompt, and is recorded"

git config --global credential.helper "store --file $T/home/creds"
printf 'http://worker:wrong@127.0.0.1:%s\n' "$PORT" >"$T/home/creds"
expect_status 1 rl -C "$W" push origin --shard 0/1
ok "a wrong password from the helper fails (bounded attempts)"

printf 'http://worker:s3cret@127.0.0.1:%s\n' "$PORT" >"$T/home/creds"
rl -C "$W" push origin --shard 0/1 || fail "push with the credential helper"
[ "$(git -C "$T/srv/central.git" rev-parse refs/heads/shards/0-of-1)" = "$(git -C "$W" rev-parse main)" ] ||
	fail "the shard branch is not on the server"
rl -C "$W" status --remotes --json | jq -e '.[0].errors == 0 and .[0].ahead == 0' >/dev/null ||
	fail "status after the push"
assert_contains "$GH/access.log" "git-receive-pack HTTP/1.1\" 200"
ok "credential.helper store: the push goes through git http-backend"

rl init "$T/merger.git" >/dev/null
git -C "$T/merger.git" remote add origin "$URL"
rl -C "$T/merger.git" merge --remote origin >"$T/out" || fail "merge --remote over http"
assert_contains "$T/out" "merged 1 shard"
[ "$(git -C "$T/srv/central.git" rev-parse main)" = "$(git -C "$T/merger.git" rev-parse main)" ] ||
	fail "merge did not push main"
git -C "$T/srv/central.git" fsck --strict >/dev/null 2>&1 || fail "fsck on the server"
ok "merge --remote fetches the shard branches and pushes main over http"
done_testing
