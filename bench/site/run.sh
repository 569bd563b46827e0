#!/bin/bash
# bench/site/run.sh - how long `redline site` takes: a full build, an
# incremental build after one more snapshot of one source, and a build with
# nothing new, on archives of STORIES stories (bench/ingest/gen.py's RSS
# stream: N stories a source, K snapshots, 5 % edited per snapshot).
#
#   bench/site/run.sh                        # STORIES="200 2000"
#   STORIES=200 bench/site/run.sh
#   BEFORE=/path/to/old/redline bench/site/run.sh   # the same builds with another binary too
#
# Environment: STORIES (list), N (50), K (20), REDLINE (build/redline),
# BEFORE (a second binary to compare, optional), TIMEOUT (seconds per build, 300),
# KEEP=1 keeps the temporary directory.
# Not a test: it asserts nothing; its figures go to docs/benchmarks.md.
set -euo pipefail

STORIES=${STORIES:-"200 2000"}; N=${N:-50}; K=${K:-20}; TIMEOUT=${TIMEOUT:-300}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
BEFORE=${BEFORE:-}
[ -x "$REDLINE" ] || { echo "bench/site: build redline first ($REDLINE)" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-site-XXXXXX")
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

# one timed build: prints "wall cpu maxrss(MB) what-redline-said"
timed() { # BINARY ARCHIVE DIR [--full]
	local bin=$1 a=$2 dir=$3; shift 3
	local t0 t1 rc=0
	t0=$EPOCHREALTIME
	timeout "$TIMEOUT" /usr/bin/time -f "%U %S %M" -o "$TMP/time" "$bin" -C "$a" site "$dir" "$@" >"$TMP/said" 2>&1 || rc=$?
	t1=$EPOCHREALTIME
	local cpu mb
	read -r u s m <"$TMP/time" || { u=0; s=0; m=0; }
	cpu=$(echo "$u + $s" | bc)
	mb=$((m / 1024))
	if [ "$rc" = 124 ]; then
		printf '%8s %8s %6s  %s\n' ">$TIMEOUT" "$cpu" "$mb" "stopped after $TIMEOUT s"
	else
		printf '%8.1f %8.1f %6s  %s\n' "$(echo "$t1 - $t0" | bc)" "$cpu" "$mb" "$(tail -1 "$TMP/said")"
	fi
}

for stories in $STORIES; do
	S=$(( (stories + N - 1) / N ))
	W=$TMP/s$stories
	mkdir -p "$W"
	python3 "$ROOT/bench/ingest/gen.py" -S "$S" -N "$N" -K $((K + 1)) --out "$W/stream" 2>/dev/null
	mapfile -t TIMES <"$W/stream/times.txt"
	A=$W/a.git
	"$REDLINE" init "$A" >/dev/null
	# K snapshots of every source; snapshot K+1 of the first source comes later
	for dir in "$W/stream"/src*; do
		src=${dir##*/} files=() ats=()
		for ((k = 0; k < K; k++)); do
			files+=("$(printf '%s/snap_%03d.xml' "$dir" "$k")"); ats+=(--at "${TIMES[$k]}")
		done
		"$REDLINE" -C "$A" ingest --no-hooks --format rss "$src" "${files[@]}" "${ats[@]}" >/dev/null
	done
	files=$(git -C "$A" ls-tree -r --name-only HEAD | grep -c '\.txt$')
	commits=$(git -C "$A" rev-list --count HEAD)
	echo "## STORIES=$stories: $S sources x $N stories, $K snapshots: $commits commits, $files story files"
	printf '%-10s %-22s %8s %8s %6s  %s\n' binary build wall_s cpu_s MB said
	for which in after before; do
		bin=$REDLINE
		if [ "$which" = before ]; then
			[ -n "$BEFORE" ] || continue
			bin=$BEFORE
		fi
		rm -rf "$W/site"
		A2=$W/a-$which.git
		rm -rf "$A2"; cp -a "$A" "$A2"
		printf '%-10s %-22s ' "$which" "full"; timed "$bin" "$A2" "$W/site"
		printf '%-10s %-22s ' "$which" "nothing new"; timed "$bin" "$A2" "$W/site"
		src=$(basename "$(ls -d "$W/stream"/src* | head -1)")
		"$REDLINE" -C "$A2" ingest --no-hooks --format rss "$src" \
			"$(printf '%s/snap_%03d.xml' "$W/stream/$src" "$K")" --at "${TIMES[$K]}" >/dev/null
		printf '%-10s %-22s ' "$which" "1 snapshot since"; timed "$bin" "$A2" "$W/site"
		rm -rf "$A2"
	done
	rm -rf "$W"
done
