#!/bin/bash
# bench/shards/run.sh - the same N-page workload run by 1, 2 and 4 workers
# on shards, pushing to a central bare repository served by git daemon on
# 127.0.0.1, merged with `redline merge`.
#
#   bench/shards/run.sh                 # N=200 WORKERS="1 2 4"
#   N=1000 bench/shards/run.sh
#   TRANSPORT=ssh WORKERS=4 bench/shards/run.sh    # git (default) | ssh | https
#
# Pages: bench/cycle/gen_pages.py (~25 KB, 30 <article>s each), served by
# nginx on 127.0.0.1 as in bench/cycle.  For each worker count W: W empty
# worker archives, one shared source list (include.path), --shard K/W each.
# Two rounds: "first" (every page new) and "10%" (a tenth of the pages
# changed, all re-fetched conditionally).  Per round, timed separately:
#   cycle   the W workers' `redline run --no-push` in parallel (wall time)
#   push    the W workers' `redline push` in parallel (wall time)
#   merge   `redline merge` in the central repository
# and the central repository's size after the round (du -sk, objects).
# TRANSPORT=ssh pushes to OpenSSH's sshd (key file, known_hosts), https to
# nginx with TLS + git http-backend (http.sslCAInfo, credential.helper
# store), both set up by the end-to-end tests' own helpers in a HOME of the
# bench's own (tests/e2e/lib_ssh.sh, lib_tls.sh, lib_githttp.sh).
# Binds only 127.0.0.1; kills its servers and removes its files on exit.
set -euo pipefail

N=${N:-200}; WORKERS=${WORKERS:-"1 2 4"}; TRANSPORT=${TRANSPORT:-git}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
GIT_DAEMON="$(git --exec-path)/git-daemon"
. "$ROOT/bench/lib.sh"
for tool in python3 curl git bc "$NGINX" "$GIT_DAEMON"; do
	command -v "$tool" >/dev/null || { echo "bench/shards: needs $tool" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-shards-XXXXXX")
PIDS=""
NGINX_PID=
EXTRA_PIDS=""
cleanup() {
	bench_nginx_stop
	for p in $PIDS $EXTRA_PIDS; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- pages and nginx (as bench/cycle) ------------------------------------------
WWW=$TMP/www
mkdir -p "$WWW" "$TMP/r0" "$TMP/r1"
python3 "$ROOT/bench/cycle/gen_pages.py" --out "$TMP/r0" -n "$N" 2>/dev/null
touch -d '2026-03-02 06:00:00Z' "$TMP/r0/"*
python3 "$ROOT/bench/cycle/gen_pages.py" --out "$TMP/r1" -n "$N" --change 0.10 --round 1 2>/dev/null
touch -d '2026-03-02 07:00:00Z' "$TMP/r1/"*
PORT=$(bench_free_port)
bench_nginx_start "$TMP" off '' "server { listen 127.0.0.1:$PORT; root $WWW; }" "http://127.0.0.1:$PORT/"
BASE=http://127.0.0.1:$PORT
# shellcheck disable=SC2046
bench_sources "$BASE" $(cd "$TMP/r0" && ls | sed 's/\.html$//') >"$TMP/sources.conf"

# ---- the central repositories' server, for ssh and https ------------------------
if [ "$TRANSPORT" != git ]; then
	# What the end-to-end helpers expect from tests/e2e/lib.sh.
	T=$TMP
	fail() { echo "bench/shards: $*" >&2; exit 2; }
	skip() { fail "$*"; }
	done_testing() { exit 2; }
	. "$ROOT/tests/e2e/lib_net.sh" # free_port, wait_port
	export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1
	mkdir -p "$HOME/.ssh"
	chmod 700 "$HOME/.ssh"
fi
case $TRANSPORT in
git) ;;
ssh)
	. "$ROOT/tests/e2e/lib_ssh.sh"
	start_sshd
	make_key "$HOME/.ssh/id_ed25519"
	authorize "$HOME/.ssh/id_ed25519.pub"
	printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$SSH_HOST_PUB" >"$HOME/.ssh/known_hosts"
	;;
https)
	. "$ROOT/tests/e2e/lib_tls.sh"
	. "$ROOT/tests/e2e/lib_githttp.sh"
	make_ca
	make_cert server 2 "DNS:localhost" serverAuth
	start_git_http "$TMP" bench-pw "$PKI/server.pem" "$PKI/server.key"
	git config --global http.sslCAInfo "$PKI/ca.pem"
	git config --global credential.helper "store --file $HOME/creds"
	printf 'https://worker:bench-pw@localhost:%s\n' "$GIT_HTTP_PORT" >"$HOME/creds"
	;;
*) echo "bench/shards: TRANSPORT is git, ssh or https" >&2; exit 2 ;;
esac

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc; }
parallel() { # parallel FUNCTION: runs FUNCTION K for every worker K at once; fails if one fails
	local pids="" k
	for ((k = 0; k < W; k++)); do "$@" "$k" & pids="$pids $!"; done
	for p in $pids; do wait "$p" || { echo "bench/shards: a worker failed:" >&2; tail -5 "$DIR/err" >&2; return 1; }; done
}
# run exits 3 or 4 when sources failed (recorded; they are retried): not a bench failure.
cycle_one() { REDLINE_NOW=$CLOCK "$REDLINE" -C "$DIR/w$1.git" run --no-push --shard "$1/$W" >/dev/null 2>>"$DIR/err" || [ $? -ge 3 ]; }
push_one() { "$REDLINE" -C "$DIR/w$1.git" push origin --shard "$1/$W" 2>>"$DIR/err"; }
objects() { git -C "$1" count-objects -v | awk '/^count:|^in-pack:/ { n += $2 } END { print n + 0 }'; }

printf 'workers\tround\tcycle_s\tpush_s\tmerge_s\tcentral_kib\tcentral_objects\tcommits\n' >"$TMP/results.tsv"
for W in $WORKERS; do
	DIR=$TMP/w$W
	mkdir -p "$DIR"
	git init -q --bare -b main "$DIR/central.git"
	DPID=""
	case $TRANSPORT in
	git)
		GPORT=$(bench_free_port)
		"$GIT_DAEMON" --reuseaddr --listen=127.0.0.1 --port="$GPORT" --base-path="$DIR" --export-all \
			--enable=receive-pack "$DIR" 2>"$DIR/daemon.log" &
		DPID=$!
		PIDS="$PIDS $DPID"
		URL="git://127.0.0.1:$GPORT/central.git"
		for _ in $(seq 50); do git ls-remote "$URL" >/dev/null 2>&1 && break; sleep 0.1; done
		;;
	ssh) URL="ssh://$SSH_USER@127.0.0.1:$SSH_PORT$DIR/central.git" ;;
	https)
		git -C "$DIR/central.git" config http.receivepack true
		URL="https://localhost:$GIT_HTTP_PORT/w$W/central.git"
		;;
	esac
	for ((k = 0; k < W; k++)); do
		"$REDLINE" init "$DIR/w$k.git" >/dev/null
		git -C "$DIR/w$k.git" config include.path "$TMP/sources.conf"
		git -C "$DIR/w$k.git" remote add origin "$URL"
	done
	CLOCK=1796000000
	for round in first 10%; do
		rm -f "$WWW"/*
		cp -p "$TMP/r0/"* "$WWW/"
		[ "$round" = first ] || cp -p "$TMP/r1/"* "$WWW/"
		CLOCK=$((CLOCK + 3600))
		t=$(now); parallel cycle_one; tc=$(elapsed "$t")
		t=$(now); parallel push_one; tp=$(elapsed "$t")
		t=$(now); "$REDLINE" -C "$DIR/central.git" merge >/dev/null; tm=$(elapsed "$t")
		kib=$(du -sk "$DIR/central.git" | cut -f1)
		printf '%s\t%s\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\n' "$W" "$round" "$tc" "$tp" "$tm" "$kib" \
			"$(objects "$DIR/central.git")" "$(git -C "$DIR/central.git" rev-list --count main)" \
			>>"$TMP/results.tsv"
		echo "# W=$W $round: cycle ${tc}s push ${tp}s merge ${tm}s" >&2
	done
	git -C "$DIR/central.git" fsck --strict >/dev/null 2>&1 || echo "bench/shards: fsck failed for W=$W" >&2
	[ -z "$DPID" ] || { kill "$DPID"; wait "$DPID" 2>/dev/null || true; }
done
echo "# N=$N pages, $(nproc) cores, $(date -u +%Y-%m-%d), pushed over $TRANSPORT"
column -t -s "$(printf '\t')" "$TMP/results.tsv"
