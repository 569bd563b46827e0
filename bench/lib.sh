# bench/lib.sh - the set-up the benchmark scripts share, sourced by
# bench/cycle/run.sh, bench/cycle/http2.sh and bench/shards/run.sh:
# a free port on 127.0.0.1, Debian's nginx serving static pages from a
# directory, and the [source] sections that `redline add NAME URL --format
# html` would write (one `cat` instead of one process per page).
#
# Needs NGINX (the binary) set by the caller.  bench_nginx_start sets
# NGINX_PID; the caller's EXIT trap stops it with bench_nginx_stop.

bench_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_nginx_start DIR LOG_FORMAT HTTP_EXTRA SERVERS PROBE_URL
#   DIR          its config, pid, logs and temp files go in DIR/nginx/
#   LOG_FORMAT   the access log's format (to DIR/nginx/access.log), or "off"
#   HTTP_EXTRA   more directives of the http block (may be empty)
#   SERVERS      the server blocks
#   PROBE_URL    a URL that answers once nginx is up
# Only 127.0.0.1 is ever listened on (the server blocks say so).
bench_nginx_start() {
	local dir=$1 log_format=$2 extra=$3 servers=$4 probe=$5 user="" log
	mkdir -p "$dir/nginx/tmp"
	if [ "$(id -u)" = 0 ]; then
		# A root master hands requests to workers running as nobody.
		user="user nobody nogroup;"
		chmod 755 "$dir"
	fi
	if [ "$log_format" = off ]; then
		log="access_log off;"
	else
		log="log_format bench '$log_format'; access_log $dir/nginx/access.log bench;"
		: >"$dir/nginx/access.log"
	fi
	cat >"$dir/nginx/nginx.conf" <<EOF
$user
worker_processes 1;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 2048; }
http {
	$log
	client_body_temp_path $dir/nginx/tmp/body;
	proxy_temp_path $dir/nginx/tmp/proxy;
	fastcgi_temp_path $dir/nginx/tmp/fastcgi;
	uwsgi_temp_path $dir/nginx/tmp/uwsgi;
	scgi_temp_path $dir/nginx/tmp/scgi;
	types { text/html html; }
	default_type application/octet-stream;
	keepalive_requests 100000;
	$extra
	$servers
}
EOF
	"$NGINX" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" &
	NGINX_PID=$!
	for _ in $(seq 50); do
		curl -sk -o /dev/null "$probe" && return 0
		kill -0 "$NGINX_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench: nginx did not start:" >&2
	cat "$dir/nginx/error.log" >&2
	return 1
}

bench_nginx_stop() {
	if [ -n "${NGINX_PID:-}" ]; then
		kill "$NGINX_PID" 2>/dev/null || true
		wait "$NGINX_PID" 2>/dev/null || true
		NGINX_PID=
	fi
}

# bench_sources BASE NAME... : what `redline add NAME BASE/NAME.html
# --format html [--every E]` writes into the archive's config, for every
# NAME (BENCH_EVERY: the interval, none by default).
bench_sources() {
	local base=$1 p
	shift
	for p in "$@"; do
		printf '[source "%s"]\n\turl = %s/%s.html\n\tformat = html\n' "$p" "$base" "$p"
		[ -z "${BENCH_EVERY:-}" ] || printf '\tevery = %s\n' "$BENCH_EVERY"
	done
}
