#!/bin/bash
# Pushing over smart HTTP with the credentials git users already have: a
# central repository behind nginx + fcgiwrap + git http-backend on
# 127.0.0.1, with HTTP basic auth.  Without credentials the push fails at
# once (no prompt, no hang) and is recorded; with a credential helper in the
# user's git config (`credential.helper store`) it goes through; a wrong
# password fails within the bounded number of attempts; and
# `merge --remote` fetches and pushes main through the same server.
. "$(dirname "$0")/lib.sh"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
FCGIWRAP=$(command -v fcgiwrap || echo /usr/sbin/fcgiwrap)
[ -x "$NGINX" ] && [ -x "$FCGIWRAP" ] && command -v openssl >/dev/null ||
	{ echo "skip: needs nginx, fcgiwrap and openssl"; exit 0; }
chmod 755 "$T"   # nginx's workers run as nobody
mkdir -p "$T/www" "$T/srv" "$T/nginx/tmp" "$T/home"
start_server 280 --root "$T/www"
git init -q --bare -b main "$T/srv/central.git"
git -C "$T/srv/central.git" config http.receivepack true
printf 'worker:%s\n' "$(openssl passwd -apr1 s3cret)" >"$T/htpasswd"
chmod 644 "$T/htpasswd"

"$FCGIWRAP" -s "unix:$T/fcgi.sock" &
EXTRA_PIDS="$EXTRA_PIDS $!"
for _ in $(seq 50); do [ -S "$T/fcgi.sock" ] && break; sleep 0.1; done
chmod 666 "$T/fcgi.sock"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user nobody nogroup;"
cat >"$T/nginx/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 64; }
http {
	access_log $T/nginx/access.log;
	client_body_temp_path $T/nginx/tmp/body;
	fastcgi_temp_path $T/nginx/tmp/fastcgi;
	proxy_temp_path $T/nginx/tmp/proxy;
	uwsgi_temp_path $T/nginx/tmp/uwsgi;
	scgi_temp_path $T/nginx/tmp/scgi;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$PORT;
		location / {
			auth_basic "redline";
			auth_basic_user_file $T/htpasswd;
			include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$T/fcgi.sock;
			fastcgi_param SCRIPT_FILENAME $(git --exec-path)/git-http-backend;
			fastcgi_param GIT_PROJECT_ROOT $T/srv;
			fastcgi_param GIT_HTTP_EXPORT_ALL "";
			fastcgi_param PATH_INFO \$uri;
			fastcgi_param REMOTE_USER \$remote_user;
		}
	}
}
EOF
"$NGINX" -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" &
EXTRA_PIDS="$EXTRA_PIDS $!"
URL="http://127.0.0.1:$PORT/central.git"
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done

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
assert_contains "$T/nginx/access.log" "git-receive-pack HTTP/1.1\" 200"
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
