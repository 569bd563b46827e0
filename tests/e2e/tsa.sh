# tsa.sh - sourced by the evidence tests: `start_tsa` makes a throwaway CA
# and TSA certificate in $T/tsa with openssl and starts tests/server/
# tsa_server.py on 127.0.0.1 (killed on exit); sets $TSA_URL and $TSA_CA.
start_tsa() {
	D="$T/tsa"; mkdir -p "$D"
	ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	# shellcheck disable=SC2086
	openssl req -x509 $ec -keyout "$D/ca.key" -out "$D/ca.crt" -subj "/CN=redline test CA" -days 2 \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
	# shellcheck disable=SC2086
	openssl req $ec -keyout "$D/tsa.key" -out "$D/tsa.csr" -subj "/CN=redline test TSA" 2>/dev/null
	printf 'extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n' >"$D/ext"
	openssl x509 -req -in "$D/tsa.csr" -CA "$D/ca.crt" -CAkey "$D/ca.key" -CAcreateserial \
		-out "$D/tsa.crt" -days 2 -extfile "$D/ext" 2>/dev/null
	echo 01 >"$D/serial"
	cat >"$D/ts.cnf" <<CNF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = $D/serial
crypto_device = builtin
signer_cert = $D/tsa.crt
certs = $D/ca.crt
signer_key = $D/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
	python3 "$REDLINE_SOURCE_DIR/tests/server/tsa_server.py" --dir "$D" --port-file "$D/port" --lifetime "$(server_lifetime 0)" &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	for _ in $(seq 100); do [ -s "$D/port" ] && break; sleep 0.1; done
	[ -s "$D/port" ] || fail "the test TSA did not start"
	TSA_URL="http://127.0.0.1:$(head -n1 "$D/port")/tsa"
	TSA_CA="$D/ca.crt"
}
