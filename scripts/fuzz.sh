#!/bin/sh
# libFuzzer runs of every harness in tests/fuzz (see tests/fuzz/README.md).
#
#   sh scripts/fuzz.sh                  each harness 10 minutes
#   sh scripts/fuzz.sh 3600 fuzz_url    one harness for an hour
#   sh scripts/fuzz.sh --ci             each harness 5 s (scripts/test.sh runs this)
#
# Builds build-fuzz/ with clang-14 (-fsanitize=fuzzer,address,undefined).
# Each harness first replays tests/fuzz/regressions/<harness>/ (inputs that
# once crashed), then fuzzes from its working corpus build-fuzz/corpus/<h>/,
# seeded from the project's examples and tests and from ../shared/corpus
# (read in place, never copied into the project).  A crash leaves its input
# in build-fuzz/crashes/<harness>/ and makes this script fail: add the input
# to tests/fuzz/regressions/<harness>/ with the fix.
set -eu
cd "$(dirname "$0")/.."
seconds=600
max_len=1048576
if [ "${1:-}" = "--ci" ]; then
	seconds=${REDLINE_FUZZ_SECONDS:-5}
	max_len=65536 # short inputs: many runs in a few seconds
	shift
elif [ $# -gt 0 ] && [ "$1" -eq "$1" ] 2>/dev/null; then
	seconds=$1
	shift
fi
cc=${CC:-clang-14}
command -v "$cc" >/dev/null || { echo "fuzz.sh: $cc not found (apt-get install clang-14)" >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
CC=$cc cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREDLINE_FUZZ=ON \
	-DREDLINE_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "$jobs" >/dev/null

shared=${REDLINE_SHARED_DIR:-../shared}/corpus
# seeds HARNESS: the read-only seed folders of a harness (those that exist).
seeds() {
	case $1 in
	fuzz_extract|fuzz_article|fuzz_charset) set -- examples "$shared" ;;
	fuzz_story|fuzz_sentence|fuzz_deflate) set -- examples ;;
	*) set -- ;;
	esac
	for d in "$@"; do [ -d "$d" ] && printf '%s\n' "$d"; done
	return 0
}
status=0
harnesses=${*:-$(cd build-fuzz/fuzz && ls fuzz_*)}
for h in $harnesses; do
	bin=build-fuzz/fuzz/$h
	reg=tests/fuzz/regressions/$h
	mkdir -p "build-fuzz/corpus/$h" "build-fuzz/crashes/$h"
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		echo "== $h: regressions"
		"$bin" -rss_limit_mb=2048 "$reg"/* >"build-fuzz/crashes/$h/regressions.log" 2>&1 ||
			{ echo "FAIL: $h regressions (build-fuzz/crashes/$h/regressions.log)"; status=1; continue; }
	fi
	echo "== $h: $seconds s"
	# shellcheck disable=SC2046
	if ! "$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len="$max_len" \
		-print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$h/" \
		"build-fuzz/corpus/$h" $(seeds "$h") >"build-fuzz/crashes/$h/run.log" 2>&1; then
		tail -n 30 "build-fuzz/crashes/$h/run.log"
		echo "FAIL: $h found a crash: build-fuzz/crashes/$h/"
		status=1
	else
		grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "build-fuzz/crashes/$h/run.log" |
			tr '\n' ' '
		echo
	fi
done
exit $status
