#!/bin/bash
# bench/history/build.sh - an archive of N stories as `redline ingest` would
# write it, built in minutes: synth_archive's commits through git
# fast-import (one pack), then redline's own caches (the revision index) by
# one `redline log` of a story, as any first reader builds them.
#
#   bench/history/build.sh ARCHIVE STORIES [synth_archive options...]
#
# Prints the build's wall and CPU times, peak memory and the archive's size.
# glibc's heap trimming is off for fast-import: with it on, fast-import's
# brk calls (grow, trim, grow for each object) took 5x its user time in sys.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
SYNTH=${SYNTH:-$ROOT/build/synth_archive}
A=$1 N=$2
shift 2
[ -e "$A" ] && { echo "build.sh: $A exists" >&2; exit 2; }
"$REDLINE" init "$A" >/dev/null
T=$(mktemp -d "${TMPDIR:-/tmp}/redline-history-build-XXXXXX")
trap 'rm -rf "$T"' EXIT
t0=$(date +%s.%N)
/usr/bin/time -f "%e %U %S %M" -o "$T/gen" "$SYNTH" --archive "$A" --stories "$N" "$@" 2>"$T/counts" |
	GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=268435456 \
		/usr/bin/time -f "%e %U %S %M" -o "$T/fi" git -C "$A" fast-import --quiet
t1=$(date +%s.%N)
path=$(git -C "$A" ls-tree -r --name-only main s00 | awk '/\.txt$/ && !p { print; p = 1 }')
/usr/bin/time -f "%e %U %S %M" -o "$T/idx" "$REDLINE" -C "$A" log "$path" >/dev/null
read -r s v c <"$T/counts"
read -r ge gu gs gm <"$T/gen"
read -r fe fu fs fm <"$T/fi"
read -r ie iu is im <"$T/idx"
printf '# %s stories, %s versions, %s commits: generated and imported in %.0f s wall\n' "$s" "$v" "$c" \
	"$(echo "$t1 - $t0" | bc)"
printf '#   synth_archive CPU %.1f s, %d MiB peak; git fast-import CPU %.1f s, %d MiB peak\n' \
	"$(echo "$gu + $gs" | bc)" $((gm / 1024)) "$(echo "$fu + $fs" | bc)" $((fm / 1024))
printf '#   revision index built by the first `redline log`: %.1f s wall, %.1f s CPU, %d MiB peak\n' \
	"$ie" "$(echo "$iu + $is" | bc)" $((im / 1024))
printf '#   archive %s MiB on disk (%s packs)\n' "$(du -sm "$A" | cut -f1)" "$(ls "$A"/objects/pack/*.pack | wc -l)"
