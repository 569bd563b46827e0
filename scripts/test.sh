#!/bin/sh
# The whole test suite: installs missing packages, builds normally and with
# AddressSanitizer + UndefinedBehaviorSanitizer, runs every unit suite and
# end-to-end script in both builds, and the concurrency tests (the worker
# pool, run cycles that parse on it) in a ThreadSanitizer build.  Exits
# non-zero on any failure.
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
echo "== concurrency tests (ThreadSanitizer build)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DREDLINE_TSAN=ON >/dev/null
cmake --build build-tsan -j "$jobs" --target redline test_pool test_run
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R 'test_pool|test_run|t5400'
