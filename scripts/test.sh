#!/bin/sh
# The whole test suite: installs missing packages, builds normally and with
# AddressSanitizer + UndefinedBehaviorSanitizer, runs every unit suite and
# end-to-end script in both builds, and the concurrency tests (the worker
# pool, run cycles that parse on it) in a ThreadSanitizer build.  Exits
# non-zero on any failure, when
# ctest finds no tests, and when any test was skipped: REDLINE_REQUIRE_ALL=1
# turns every skip-point (tu_skip() in the unit suites, skip in
# tests/e2e/lib.sh: no test server, no ../shared corpus) into a failure, and
# a test ctest still reports as skipped fails the run too.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh --asan
jobs=$(nproc 2>/dev/null || echo 2)
export REDLINE_REQUIRE_ALL=1

# run_ctest BUILD_DIR: every test must run and pass.
run_ctest() {
	log="$1/ctest.log"
	rm -f "$1/ctest.rc"
	# (set -e would end the group at a failing ctest, before its status is kept)
	{
		rc=0
		ctest --test-dir "$1" --output-on-failure --no-tests=error -j "$jobs" || rc=$?
		echo "$rc" >"$1/ctest.rc"
	} 2>&1 | tee "$log"
	if grep -q -e '(Skipped)' -e '\*\*\*Not Run' -e '\*\*\*Skipped' "$log"; then
		echo "scripts/test.sh: tests were skipped (see above); every test must run" >&2
		exit 1
	fi
	[ "$(cat "$1/ctest.rc")" = 0 ] || exit 1
}

echo "== tests (release build)"
run_ctest build
echo "== tests (ASan + UBSan build)"
LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_ctest build-asan
echo "== concurrency tests (ThreadSanitizer build)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DREDLINE_TSAN=ON >/dev/null
cmake --build build-tsan -j "$jobs" --target redline test_pool test_run test_state_store test_ingest_batch
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	ctest --test-dir build-tsan --output-on-failure --no-tests=error -j "$jobs" \
	-R 'test_pool|test_run|test_state_store|test_ingest_batch|t5400-parse-threads|t5420-packed-ahead'

echo "== fuzzing (each harness a few seconds; scripts/fuzz.sh for long runs)"
sh scripts/fuzz.sh --ci
