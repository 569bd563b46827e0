# A git server over smart HTTP(S) for the end-to-end scripts (sourced after
# lib.sh, not run): Debian's nginx in front of `git http-backend` through
# fcgiwrap, as plain processes with their config in $T, on 127.0.0.1 only,
# with HTTP basic auth (user "worker", the password given), killed on exit.
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
FCGIWRAP=$(command -v fcgiwrap || echo /usr/sbin/fcgiwrap)
[ -x "$NGINX" ] && [ -x "$FCGIWRAP" ] && command -v openssl >/dev/null ||
	{ skip "needs nginx, fcgiwrap and openssl (sh scripts/deps.sh)"; done_testing; }
GH="$T/githttp"
GIT_HTTP_PID=""

# start_git_http ROOT PASSWORD [CERT KEY]: serves the repositories under ROOT
# on $GIT_HTTP_PORT (chosen on the first call, kept on restarts), with TLS
# when CERT and KEY are given.  nginx logs requests to $GH/access.log.
start_git_http() {
	mkdir -p "$GH/tmp"
	chmod 755 "$T" # nginx's workers run as nobody when we are root
	if [ -z "${GIT_HTTP_PORT:-}" ]; then
		GIT_HTTP_PORT=$(free_port)
		printf 'worker:%s\n' "$(openssl passwd -apr1 "$2")" >"$GH/htpasswd"
		chmod 644 "$GH/htpasswd"
		"$FCGIWRAP" -s "unix:$GH/fcgi.sock" &
		EXTRA_PIDS="$EXTRA_PIDS $!"
		for _ in $(seq 50); do [ -S "$GH/fcgi.sock" ] && break; sleep 0.1; done
		chmod 666 "$GH/fcgi.sock"
	fi
	user=""
	[ "$(id -u)" = 0 ] && user="user nobody nogroup;"
	tls=""
	[ -z "${3:-}" ] || tls=" ssl;
		ssl_certificate $3;
		ssl_certificate_key $4"
	cat >"$GH/nginx.conf" <<EOF
$user
worker_processes 1;
daemon off;
pid $GH/nginx.pid;
error_log $GH/error.log warn;
events { worker_connections 64; }
http {
	access_log $GH/access.log;
	client_body_temp_path $GH/tmp/body;
	fastcgi_temp_path $GH/tmp/fastcgi;
	proxy_temp_path $GH/tmp/proxy;
	uwsgi_temp_path $GH/tmp/uwsgi;
	scgi_temp_path $GH/tmp/scgi;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$GIT_HTTP_PORT$tls;
		location / {
			auth_basic "redline";
			auth_basic_user_file $GH/htpasswd;
			include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$GH/fcgi.sock;
			fastcgi_param SCRIPT_FILENAME $(git --exec-path)/git-http-backend;
			fastcgi_param GIT_PROJECT_ROOT $1;
			fastcgi_param GIT_HTTP_EXPORT_ALL "";
			fastcgi_param PATH_INFO \$uri;
			fastcgi_param REMOTE_USER \$remote_user;
		}
	}
}
EOF
	"$NGINX" -p "$GH" -e "$GH/error.log" -c "$GH/nginx.conf" &
	GIT_HTTP_PID=$!
	EXTRA_PIDS="$EXTRA_PIDS $GIT_HTTP_PID"
	wait_port "$GIT_HTTP_PORT" && return 0
	cat "$GH/error.log" >&2
	fail "nginx did not start"
}
stop_git_http() { kill "$GIT_HTTP_PID" 2>/dev/null || true; wait "$GIT_HTTP_PID" 2>/dev/null || true; }
