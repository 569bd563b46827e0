# SSH helpers for the end-to-end scripts (sourced after lib.sh, not run):
# Debian's OpenSSH sshd started as a plain process on 127.0.0.1 and a free
# high port, with a host key, an authorized_keys file and a config of its
# own in $T (never the machine's /etc/ssh or anyone's ~/.ssh), killed on
# exit with the rest; and an ssh-agent of the test's own.
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
for tool in "$SSHD" ssh-keygen ssh-agent ssh-add; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ skip "$tool is not installed (sh scripts/deps.sh: openssh-server)"; done_testing; }
done
SSHD_DIR="$T/sshd"
SSH_USER=$(id -un)
SSHD_PID=""
mkdir -p "$SSHD_DIR"

# make_key FILE [PASSPHRASE]: an ed25519 key pair FILE and FILE.pub.
make_key() {
	ssh-keygen -q -t ed25519 -N "${2:-}" -C "redline-test-$(basename "$1")" -f "$1" ||
		fail "ssh-keygen: cannot make $1"
}

# fingerprint FILE: the SHA256 fingerprint sshd logs for the key FILE(.pub).
fingerprint() { ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'; }

# start_sshd: sshd on $SSH_PORT (chosen on the first call, kept on restarts),
# accepting the keys in $SSHD_DIR/authorized_keys for this user only, no
# passwords; its log (-e: to stderr) in $SSHD_DIR/log.  $SSH_HOST_PUB is
# its public host key, as a known_hosts line wants it ("type base64").
start_sshd() {
	[ -n "${SSH_PORT:-}" ] || SSH_PORT=$(free_port)
	if [ ! -f "$SSHD_DIR/host_ed25519" ]; then
		ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519" || fail "ssh-keygen: host key"
		touch "$SSHD_DIR/authorized_keys"
		chmod 600 "$SSHD_DIR/authorized_keys"
		cat >"$SSHD_DIR/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys
AllowUsers $SSH_USER
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserRC no
PermitUserEnvironment no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
MaxStartups 20
EOF
	fi
	SSH_HOST_PUB=$(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")
	# sshd run as root wants its privilege separation directory.
	[ "$(id -u)" != 0 ] || mkdir -p /run/sshd
	"$SSHD" -D -e -f "$SSHD_DIR/sshd_config" 2>>"$SSHD_DIR/log" &
	SSHD_PID=$!
	EXTRA_PIDS="$EXTRA_PIDS $SSHD_PID"
	wait_port "$SSH_PORT" && return 0
	cat "$SSHD_DIR/log" >&2
	fail "sshd did not start"
}
stop_sshd() { kill "$SSHD_PID" 2>/dev/null || true; wait "$SSHD_PID" 2>/dev/null || true; SSHD_PID=""; }

# authorize FILE.pub: lets the key log in.
authorize() { cat "$1" >>"$SSHD_DIR/authorized_keys"; }

# start_agent: an ssh-agent on $T/agent.sock (SSH_AUTH_SOCK exported).
start_agent() {
	eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null || fail "ssh-agent did not start"
	EXTRA_PIDS="$EXTRA_PIDS $SSH_AGENT_PID"
	export SSH_AUTH_SOCK
}
