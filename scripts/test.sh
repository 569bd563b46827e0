#!/bin/sh
# The whole test suite: installs missing packages, builds normally and with
# AddressSanitizer + UndefinedBehaviorSanitizer, runs every unit suite and
# end-to-end script in both builds.  Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh --asan
jobs=$(nproc 2>/dev/null || echo 2)

echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j "$jobs"
echo "== tests (ASan + UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure -j "$jobs"
echo "== fuzzing (each harness a few seconds; scripts/fuzz.sh for long runs)"
sh scripts/fuzz.sh --ci
