# Shared helpers for the end-to-end scripts (sourced, not run).
# Each script gets a fresh temporary directory $T, removed on exit.
set -eu
: "${REDLINE:?REDLINE must point at the built binary}"
: "${REDLINE_SOURCE_DIR:?}"
export NO_COLOR=1
T=$(mktemp -d /tmp/redline-e2e-XXXXXX)
SERVER=""
EXTRA_PIDS=""
cleanup() {
	[ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
	for p in $EXTRA_PIDS; do kill "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
EXAMPLES="$REDLINE_SOURCE_DIR/examples"
HOOKS="$REDLINE_SOURCE_DIR/hooks"
n_ok=0
n_skip=0

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { n_ok=$((n_ok + 1)); echo "ok $n_ok - $*"; }
rl() { "$REDLINE" "$@"; }
commits() { git -C "$1" rev-list --count HEAD 2>/dev/null || echo 0; }
# story_log ARCHIVE [REV]: the history as its stories see it, to compare two
# archives made apart: each commit's dates, message and story files (blob
# ids), without the raw captures (each has a record id and a WARC-Date of its
# own, so commit and top tree ids differ from run to run); the number of
# Capture trailers of each commit stays in.  A revert names the commit it
# returns to ("reverted to <id>"), an id that differs for the same reason:
# the line stays, the id goes (t1460 checks which commit it names).
story_log() {
	git -C "$1" log --format='%at %ct%n%B' --raw "${2:-HEAD}" -- ':!.captures' |
		sed -e 's/^Capture: <urn:uuid:[0-9a-f-]*>$/Capture: …/' \
		    -e 's/^    reverted to [0-9a-f]\{12\}$/    reverted to …/'
}
# states ARCHIVE [SOURCE [--put FILE] | --count]: the source states in
# ARCHIVE's redline/states.log (tests/e2e/states.py).
states() { python3 "$REDLINE_SOURCE_DIR/tests/e2e/states.py" "$@"; }
# story_tree ARCHIVE [REV]: the top-level tree, less .captures/.
story_tree() { git -C "$1" ls-tree "${2:-HEAD}" | grep -v "	\.captures\$"; }
# killed_group_commit ARCHIVE TOOK_MS COMMITS CMD...: CMD (a writer into
# ARCHIVE that takes TOOK_MS uninterrupted and makes COMMITS in one group
# commit) SIGKILLed at a random point, its last tenth (the group commit)
# twice as likely; then ARCHIVE must be `git fsck --strict` clean and hold
# all of the commits or none.  $delay says when it was killed.
killed_group_commit() {
	local a=$1 took=$2 want=$3 pid c
	shift 3
	if [ $((RANDOM % 3)) = 0 ]; then delay=$((took * 9 / 10 + RANDOM % (took / 5 + 1)))
	else delay=$((RANDOM % (took + 1))); fi
	"$@" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' $((delay % 1000)))"
	[ "$delay" -lt 1000 ] || sleep $((delay / 1000))
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if git -C "$a" rev-parse -q --verify main >/dev/null; then
		git -C "$a" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; fail "fsck after a kill at ${delay} ms"; }
	fi
	c=$(git -C "$a" rev-list --count main 2>/dev/null || echo 0)
	[ "$c" = 0 ] || [ "$c" = "$want" ] || fail "a kill at ${delay} ms left $c of $want commits"
}
# rewrite_head ARCHIVE PATH FILE: HEAD made again with PATH holding FILE,
# same message and parent, and main moved to it (an edit after the fact).
rewrite_head() {
	local blob tree new
	blob=$(git -C "$1" hash-object -w "$3")
	GIT_INDEX_FILE="$T/rewrite.index" git -C "$1" read-tree HEAD
	GIT_INDEX_FILE="$T/rewrite.index" git -C "$1" update-index --cacheinfo "100644,$blob,$2"
	tree=$(GIT_INDEX_FILE="$T/rewrite.index" git -C "$1" write-tree)
	new=$(git -C "$1" log -1 --format=%B HEAD | git -C "$1" commit-tree "$tree" -p HEAD~1)
	git -C "$1" update-ref refs/heads/main "$new"
}
# expect_status N CMD...: runs CMD, fails unless it exits with N; output in $T/out, $T/err
expect_status() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/out" "$T/err" >&2; fail "'$*' exited $got, expected $want"; }
}
assert_contains() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' lacks '$2'"; }; }
assert_not_contains() { ! grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$1' has '$2'"; }; }
# check DESCRIPTION CMD...: one named check; the script stops at the first that fails.
check() { what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# skip WHY: part of the test cannot run here (no corpus, no server).  The
# script goes on; done_testing then exits 77, which ctest shows as Skipped.
# Under REDLINE_REQUIRE_ALL=1 (scripts/test.sh, so CI) a skip is a failure.
skip() {
	[ "${REDLINE_REQUIRE_ALL:-}" != 1 ] ||
		fail "would skip ($*), but REDLINE_REQUIRE_ALL=1 wants every test to run"
	n_skip=$((n_skip + 1))
	echo "# skip: $*"
}
done_testing() {
	echo "$n_ok passed, 0 failed, $n_skip skipped"
	[ "$n_skip" = 0 ] || exit 77
}

. "$REDLINE_SOURCE_DIR/tests/e2e/lib_net.sh"

# start_server [LIFETIME] [testserver options...]: the test HTTP server on
# 127.0.0.1 (tests/server/testserver.py), killed on exit; sets $B to its base
# URL and logs requests to $T/server.log.
# A server's LIFETIME only bounds one left behind (it also leaves when the
# script does): never under ctest's 300 s timeout, since on a loaded machine
# a test can outlive a shorter one and fail for a server that left early.
SERVER_LIFETIME_FLOOR=300
server_lifetime() { [ "${1:-0}" -gt "$SERVER_LIFETIME_FLOOR" ] && echo "$1" || echo "$SERVER_LIFETIME_FLOOR"; }

start_server() {
	lifetime=$(server_lifetime "${1:-0}")
	[ $# -gt 0 ] && shift
	"${PY:-python3}" "$REDLINE_SOURCE_DIR/tests/server/testserver.py" --port-file "$T/port" \
		--lifetime "$lifetime" --verbose "$@" 2>"$T/server.log" &
	SERVER=$!
	for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.1; done
	[ -s "$T/port" ] || fail "test server did not start"
	B="http://127.0.0.1:$(head -n1 "$T/port")"
}

# start_elsewhere [LIFETIME]: a second test server on 127.0.0.2 ("another
# host" on loopback), killed on exit; sets $B2, logs to $T/server2.log.
start_elsewhere() {
	"${PY:-python3}" "$REDLINE_SOURCE_DIR/tests/server/testserver.py" --host 127.0.0.2 \
		--port-file "$T/port2" --lifetime "$(server_lifetime "${1:-0}")" --verbose 2>"$T/server2.log" &
	EXTRA_PIDS="$EXTRA_PIDS $!"
	for _ in $(seq 100); do [ -s "$T/port2" ] && break; sleep 0.1; done
	[ -s "$T/port2" ] || fail "second server did not start"
	B2="http://127.0.0.2:$(head -n1 "$T/port2")"
}

# rss_feed FILE ITEM...: a small RSS snapshot; ITEM = "guid|title|description"
# (guid and link become https://example.nl/<guid>).  Bash only.
rss_feed() {
	local f=$1; shift
	{
		echo '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
		for it in "$@"; do
			IFS='|' read -r g ti de <<<"$it"
			printf '<item><guid>https://example.nl/%s</guid><link>https://example.nl/%s</link><title>%s</title><description>%s</description></item>\n' "$g" "$g" "$ti" "$de"
		done
		echo '</channel></rss>'
	} >"$f"
}
