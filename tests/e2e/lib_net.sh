# Loopback ports, for the end-to-end scripts and the benches (sourced).

# free_port: a TCP port free on 127.0.0.1 right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_port PORT: 0 once something listens on 127.0.0.1:PORT (5 s at most).
wait_port() {
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
