# TLS helpers for the end-to-end scripts (sourced after lib.sh, not run):
# a test CA made here with openssl, certificates signed by it, Debian's
# nginx (TLS, HTTP/2) and tinyproxy started as plain processes with their
# own config in $T, on 127.0.0.1 only, killed on exit with the rest.
for tool in openssl nginx tinyproxy; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		{ echo "skip: $tool is not installed (sh scripts/deps.sh)"; exit 0; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TINYPROXY=$(command -v tinyproxy || echo /usr/sbin/tinyproxy)
PKI="$T/pki"
mkdir -p "$PKI"
chmod 755 "$T" # nginx's workers and tinyproxy run as nobody when we are root

# make_ca: $PKI/ca.pem and ca.key, a CA that exists only for this test.
make_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=redline test CA" -keyout "$PKI/ca.key" -out "$PKI/ca.pem" 2>/dev/null ||
		fail "openssl: cannot make the test CA"
}

# make_cert NAME DAYS SAN USAGE: $PKI/NAME.pem and NAME.key signed by the
# test CA; DAYS -1 makes one that has already expired.
make_cert() {
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=%s\n' "$3" "$4" \
		>"$PKI/$1.ext"
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
		-keyout "$PKI/$1.key" -out "$PKI/$1.csr" 2>/dev/null &&
	openssl x509 -req -in "$PKI/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
		-CAcreateserial -days "$2" -extfile "$PKI/$1.ext" -out "$PKI/$1.pem" 2>/dev/null ||
		fail "openssl: cannot make certificate $1"
	chmod 644 "$PKI/$1.key"
}

# start_nginx: serves $T/www on five ports, each logging protocol and
# connection number to $T/nginx/<name>.log:
#   $H2   TLS + HTTP/2, certificate for 127.0.0.1 and localhost
#   $WRONG TLS, a certificate for wrong.example only
#   $EXPIRED TLS, an expired certificate
#   $CLIENT TLS, a client certificate signed by the test CA required
#   $PLAIN  plain HTTP/1.1
start_nginx() {
	H2=$(free_port); WRONG=$(free_port); EXPIRED=$(free_port); CLIENT=$(free_port); PLAIN=$(free_port)
	mkdir -p "$T/nginx/tmp" "$T/www"
	user=""
	[ "$(id -u)" = 0 ] && user="user nobody nogroup;"
	server() { # server PORT NAME CERT EXTRA
		printf '\tserver {\n\t\tlisten 127.0.0.1:%s%s;\n\t\taccess_log %s/nginx/%s.log t;\n' \
			"$1" "${3:+ ssl}" "$T" "$2"
		[ -z "$3" ] || printf '\t\thttp2 on;\n\t\tssl_certificate %s/%s.pem;\n\t\tssl_certificate_key %s/%s.key;\n' \
			"$PKI" "$3" "$PKI" "$3"
		printf '\t\troot %s/www;\n\t\t%s\n\t}\n' "$T" "$4"
	}
	{
		printf '%s\nworker_processes 1;\ndaemon off;\npid %s/nginx/nginx.pid;\n' "$user" "$T"
		printf 'error_log %s/nginx/error.log warn;\nevents { worker_connections 256; }\nhttp {\n' "$T"
		printf '\tlog_format t "$request_method $uri $status $server_protocol c$connection";\n'
		for d in client_body proxy fastcgi uwsgi scgi; do
			printf '\t%s_temp_path %s/nginx/tmp/%s;\n' "$d" "$T" "$d"
		done
		printf '\ttypes { text/html html; }\n\tdefault_type text/html;\n'
		server "$H2" h2 server ""
		server "$WRONG" wrong wronghost ""
		server "$EXPIRED" expired expired ""
		server "$CLIENT" client server "ssl_verify_client on; ssl_client_certificate $PKI/ca.pem;"
		server "$PLAIN" plain "" ""
		printf '}\n'
	} >"$T/nginx/nginx.conf"
	# "http2 on" is nginx 1.25; Debian 12's 1.22 wants "listen ... ssl http2".
	if ! "$NGINX" -t -p "$T/nginx" -c "$T/nginx/nginx.conf" >/dev/null 2>&1; then
		sed -i -e '/http2 on;/d' -e 's/^\(\t\tlisten 127.0.0.1:[0-9]* ssl\);/\1 http2;/' "$T/nginx/nginx.conf"
	fi
	"$NGINX" -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" 2>>"$T/nginx/error.log" &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$PLAIN/" && return 0
		sleep 0.1
	done
	cat "$T/nginx/error.log" >&2
	fail "nginx did not start"
}

# start_tinyproxy NAME [BasicAuth line]: an HTTP proxy on $PROXY_PORT
# logging each request it forwards to $T/NAME.log.
start_tinyproxy() {
	PROXY_PORT=$(free_port)
	: >"$T/$1.log"
	chmod 666 "$T/$1.log"
	{
		printf 'Port %s\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\n' "$PROXY_PORT"
		printf 'LogFile "%s/%s.log"\nLogLevel Info\nDisableViaHeader Yes\n' "$T" "$1"
		[ "$(id -u)" = 0 ] && printf 'User nobody\nGroup nogroup\n'
		[ -z "${2:-}" ] || printf '%s\n' "$2"
	} >"$T/$1.conf"
	"$TINYPROXY" -d -c "$T/$1.conf" >>"$T/$1.out" 2>&1 &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	wait_port "$PROXY_PORT" && return 0
	cat "$T/$1.out" "$T/$1.log" >&2
	fail "tinyproxy did not start"
}
