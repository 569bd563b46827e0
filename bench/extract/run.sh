#!/bin/sh
# bench/extract/run.sh - article extraction scored on Mozilla Readability's
# test pages (Apache-2.0; source.html = the page, expected.html = the
# hand-checked main text), with readability-lxml (Debian python3-readability)
# measured in the same run on the same pages.
#
#   sh bench/extract/run.sh [PAGES_DIR]
#
# PAGES_DIR holds one folder per page with source.html and expected.html
# (a checkout's test/test-pages).  Without it, $REDLINE_BENCH_PAGES, else a
# git clone of mozilla/readability named by $READABILITY_GIT is exported to
# a temporary folder.  The data is never copied into this repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pages=${1:-${REDLINE_BENCH_PAGES:-}}
if [ -z "$pages" ]; then
	git=${READABILITY_GIT:?set READABILITY_GIT to a git clone of mozilla/readability, or pass PAGES_DIR}
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	git -C "$git" archive HEAD test/test-pages | tar -x -C "$tmp"
	pages=$tmp/test/test-pages
fi
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice cmake --build "$root/build" --target rl_extract_dump -j2 >/dev/null
/usr/bin/python3 "$here/score.py" "$root/build/rl_extract_dump" "$pages"
