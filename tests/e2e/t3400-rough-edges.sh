#!/bin/bash
# The rough edges a new user hits (issue 11): options explained, redline help,
# man pages installed, run with nothing due, intervals with units.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

# every long option of every command is explained in its --help (on a line
# of its own, not only in the usage line): the options of a command's table
# (src/cli/options.h: CLI_FLAG("name", ...), CLI_COLOR: --color, CLI_KINDS:
# --kind, RUN_WORKER_OPTIONS: those of run_worker.h), or of a struct option
# array where a command still has one
long_options() {
	{
		grep -o '{ "[a-z-]*", \(no\|required\|optional\)_argument' "$1" || true
		grep -o 'CLI_[A-Z]*("[a-z-]*"' "$1" || true
		! grep -q 'CLI_COLOR(' "$1" || echo '"color"'
		! grep -q 'CLI_KINDS(' "$1" || echo '"kind"'
		! grep -q 'RUN_WORKER_OPTIONS(' "$1" ||
			grep -o 'CLI_[A-Z]*("[a-z-]*"' "$REDLINE_SOURCE_DIR/src/cli/run_worker.h"
	} | grep -o '"[a-z-]*"' | tr -d '"'
}
missing=""
n_options=0
for f in "$REDLINE_SOURCE_DIR"/src/cli/cmd_*.c; do
	c=$(basename "$f" .c); c=${c#cmd_}
	[ "$c" = version ] && continue
	help=$(rl "$c" --help | grep '^ ' || true)
	for o in $(long_options "$f"); do
		[ "$o" = help ] && continue
		n_options=$((n_options + 1))
		grep -q -- "--$o" <<<"$help" || missing="$missing $c:--$o"
	done
done
[ -z "$missing" ] || fail "options not explained in --help:$missing"
# (the count keeps the check from passing on no options at all)
[ "$n_options" -ge 50 ] || fail "only $n_options long options found in src/cli/cmd_*.c"
ok "every option of every command is explained in its --help ($n_options options)"

rl help diff >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "redline help diff"; }
assert_contains "$T/out" "REDLINE-DIFF(1)"
tr -s ' \n' '  ' <"$T/out" >"$T/flat"  # the pager's line breaks move as the page changes
assert_contains "$T/flat" "Sentences are matched across the two versions first"
rl help >"$T/out"
assert_contains "$T/out" "REDLINE(1)"
expect_status 2 rl help nosuch
assert_contains "$T/err" "'nosuch' is not a redline command"
ok "redline help [COMMAND] shows the man page"

BUILD=$(dirname "$REDLINE")
if [ -f "$BUILD/cmake_install.cmake" ]; then
	cmake --install "$BUILD" --prefix "$T/prefix" >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "cmake --install"; }
	[ -x "$T/prefix/bin/redline" ] || fail "redline not installed in bin/"
	for p in redline redline-diff redline-log redline-feed redline-site redline-help; do
		[ -f "$T/prefix/share/man/man1/$p.1" ] || fail "$p.1 not installed"
	done
	MANPATH="$T/prefix/share/man" man -w redline-site >/dev/null 2>&1 || fail "man does not find the installed page"
	"$T/prefix/bin/redline" version | grep -q "^redline " || fail "installed redline does not run"
	ok "cmake --install puts redline in bin/ and the roff pages in share/man/man1"
else
	fail "no cmake_install.cmake next to $REDLINE"
fi

A="$T/a.git"
rl init "$A" >/dev/null
printf 'Kop\nEen bericht over iets.\n' >"$T/page.txt"
rl -C "$A" add pagina "file://$T/page.txt" --every 10m >/dev/null
rl -C "$A" sources >"$T/out"
assert_contains "$T/out" "every 10m"
ok "sources prints intervals with their unit"
rl -C "$A" run >/dev/null 2>&1 || true
rl -C "$A" run >"$T/out"
grep -Eq '^nothing due; next: pagina in (9|10|11)m$' "$T/out" || { cat "$T/out"; fail "run with nothing due"; }
rl -C "$A" -v run >"$T/out"
grep -Eq '^pagina: next fetch in (9|10|11)m$' "$T/out" || { cat "$T/out"; fail "run -v with nothing due"; }
rl -C "$A" run -v >"$T/out"
grep -Eq '^pagina: next fetch in (9|10|11)m$' "$T/out" || { cat "$T/out"; fail "run -v (after the command) with nothing due"; }
expect_status 2 rl -C "$A" run -x
assert_contains "$T/err" "unknown option '-x'"
ok "run with nothing due says which source is next and when (-v: each source)"
done_testing
