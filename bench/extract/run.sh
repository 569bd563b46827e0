#!/bin/sh
# bench/extract/run.sh - article extraction scored on public labelled pages,
# with readability-lxml (Debian python3-readability) measured in the same
# run on the same pages.  Two sets, each used when it is given:
#
# 1. Mozilla Readability's test pages (Apache-2.0; source.html = the page,
#    expected.html = the hand-checked main text), scored by score.py:
#      sh bench/extract/run.sh [PAGES_DIR]
#    PAGES_DIR holds one folder per page (a checkout's test/test-pages);
#    else $REDLINE_BENCH_PAGES, else a git clone of mozilla/readability named
#    by $READABILITY_GIT is exported to a temporary folder.
# 2. The Scrapinghub/Zyte article-extraction-benchmark (MIT; 181 news pages,
#    html/*.html.gz and ground-truth.json), scored by its own evaluate.py
#    (aeb.py): $REDLINE_AEB names a folder holding html/, ground-truth.json
#    and evaluate.py, or $AEB_GIT a git clone of
#    scrapinghub/article-extraction-benchmark to export them from.
#
# The data is never copied into this repository.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pages=${1:-${REDLINE_BENCH_PAGES:-}}
if [ -z "$pages" ] && [ -n "${READABILITY_GIT:-}" ]; then
	git -C "$READABILITY_GIT" archive HEAD test/test-pages | tar -x -C "$tmp"
	pages=$tmp/test/test-pages
fi
aeb=${REDLINE_AEB:-}
if [ -z "$aeb" ] && [ -n "${AEB_GIT:-}" ]; then
	mkdir "$tmp/aeb"
	git -C "$AEB_GIT" archive HEAD html ground-truth.json evaluate.py | tar -x -C "$tmp/aeb"
	aeb=$tmp/aeb
fi
if [ -z "$pages" ] && [ -z "$aeb" ]; then
	echo "usage: sh bench/extract/run.sh PAGES_DIR, or set READABILITY_GIT, REDLINE_AEB or AEB_GIT" >&2
	exit 2
fi
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice cmake --build "$root/build" --target rl_extract_dump -j2 >/dev/null
if [ -n "$pages" ]; then
	/usr/bin/python3 "$here/score.py" "$root/build/rl_extract_dump" "$pages"
fi
if [ -n "$aeb" ]; then
	[ -z "$pages" ] || echo
	/usr/bin/python3 "$here/aeb.py" "$root/build/rl_extract_dump" "$aeb"
fi
