#!/bin/bash
# bench/cycle/http2.sh - redline run over HTTP/2 vs HTTP/1.1 keep-alive, on
# TLS, against Debian's nginx serving N generated listing pages from one
# host on 127.0.0.1 (plain HTTP/1.1 alongside, for the cost of TLS).
#
#   bench/cycle/http2.sh            # N=500
#   N=200 REPEAT=3 bench/cycle/http2.sh
#
# A CA and a certificate for 127.0.0.1 are made with openssl; the archive
# trusts the CA through http.sslCAInfo. For each protocol redline starts
# from an empty archive and makes three runs of every page (all named, so
# all fetched): first (every page new: fetch, parse, commit), 304
# (conditional requests, nothing changed) and full-GET (REDLINE_NO_CONDITIONAL:
# every body fetched and hashed again). Each run: wall time and peak RSS
# (/usr/bin/time -v), and from nginx's log the requests, the protocol and
# the number of distinct connections. The per-host cap is redline's default
# (2 connections), the HTTP/2 stream cap too (10 a connection).
#
# Environment: N, REPEAT (the 304 and full-GET runs, each this many
# times: 1), REDLINE, KEEP=1 keeps the temporary directory.
set -euo pipefail
N=${N:-500}
REPEAT=${REPEAT:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
. "$ROOT/bench/lib.sh"
for tool in python3 curl openssl /usr/bin/time "$NGINX" "$REDLINE"; do
	command -v "$tool" >/dev/null || { echo "bench/cycle/http2: needs $tool" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-h2-XXXXXX")
NGINX_PID=
cleanup() {
	bench_nginx_stop
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
TLS_PORT=$(bench_free_port); PLAIN_PORT=$(bench_free_port)
PKI=$TMP/pki; mkdir -p "$PKI" "$TMP/www"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=bench CA" \
	-keyout "$PKI/ca.key" -out "$PKI/ca.pem" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$PKI/ext"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$PKI/server.key" -out "$PKI/server.csr" 2>/dev/null
openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -CAcreateserial \
	-days 2 -extfile "$PKI/ext" -out "$PKI/server.pem" 2>/dev/null

bench_nginx_start "$TMP" '$status $server_protocol $connection' '' "
	server {
		listen 127.0.0.1:$TLS_PORT ssl http2;
		ssl_certificate $PKI/server.pem;
		ssl_certificate_key $PKI/server.key;
		root $TMP/www;
	}
	server { listen 127.0.0.1:$PLAIN_PORT; root $TMP/www; }" "http://127.0.0.1:$PLAIN_PORT/"

echo "# generating $N pages ..." >&2
python3 "$HERE/gen_pages.py" --out "$TMP/www" -n "$N" 2>/dev/null
NAMES=$(cd "$TMP/www" && ls | sed 's/\.html$//')

printf '| protocol | run | wall s | pages/s | peak RSS MB | requests | connections | protocol seen |\n'
printf '|---|---|---:|---:|---:|---:|---:|---|\n'
row() { # row LABEL RUN CMD...
	local label=$1 run=$2 t0 t1 l0 rss stats; shift 2
	l0=$(wc -l <"$TMP/nginx/access.log")
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	/usr/bin/time -v -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || {
		echo "bench/cycle/http2: $label $run failed:" >&2; tail -3 "$TMP/err" >&2; }
	t1=$(date +%s.%N)
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$TMP/time")
	stats=$(tail -n +"$((l0 + 1))" "$TMP/nginx/access.log" | awk '
		{ n++; c[$3] = 1; p[$2] = 1 } END { for (k in c) nc++; for (k in p) ps = ps (ps ? "," : "") k; print n + 0, nc + 0, ps }')
	read -r reqs conns protos <<<"$stats"
	printf '| %s | %s | %.2f | %.0f | %.0f | %s | %s | %s |\n' "$label" "$run" "$(echo "$t1 - $t0" | bc)" \
		"$(echo "$N / ($t1 - $t0)" | bc -l)" "$(echo "${rss:-0} / 1024" | bc -l)" "$reqs" "$conns" "$protos"
}
for proto in "HTTP/2 TLS" "HTTP/1.1 TLS" "HTTP/1.1 plain"; do
	A=$TMP/archive-${proto//[ \/.]/-}
	"$REDLINE" init "$A" >/dev/null
	git config -f "$A/config" http.sslCAInfo "$PKI/ca.pem"
	case $proto in
	"HTTP/2 TLS") git config -f "$A/config" http.version HTTP/2; base=https://127.0.0.1:$TLS_PORT ;;
	"HTTP/1.1 TLS") git config -f "$A/config" http.version HTTP/1.1; base=https://127.0.0.1:$TLS_PORT ;;
	*) base=http://127.0.0.1:$PLAIN_PORT ;;
	esac
	# shellcheck disable=SC2086
	bench_sources "$base" $NAMES >>"$A/config"
	# shellcheck disable=SC2086
	row "$proto" first "$REDLINE" -C "$A" run $NAMES
	for _ in $(seq "$REPEAT"); do
		# shellcheck disable=SC2086
		row "$proto" 304 "$REDLINE" -C "$A" run $NAMES
		# shellcheck disable=SC2086
		row "$proto" full-GET env REDLINE_NO_CONDITIONAL=1 "$REDLINE" -C "$A" run $NAMES
	done
done
echo "# N=$N pages of ~25 KB on one host; nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
