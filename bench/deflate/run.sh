#!/bin/bash
# bench/deflate/run.sh - zlib against libdeflate on what redline compresses:
# the story files of a first `redline run` over bench/cycle's generated
# pages (git objects, level 1) and the pages themselves (WARC gzip members,
# level 6), and the real pages of ../shared/corpus when it is there.  Prints
# a table per kind, each from one run.
#
#   bench/deflate/run.sh            # P=60 pages, ROUNDS=20
# Environment: P, ROUNDS, REDLINE (default build/redline), KEEP=1,
# CORPUS (default ../shared/corpus beside the project).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
P=${P:-60}; ROUNDS=${ROUNDS:-20}; REDLINE=${REDLINE:-$ROOT/build/redline}
CORPUS=${CORPUS:-$ROOT/../shared/corpus}
TMP=$(mktemp -d /tmp/bench-deflate-XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$TMP"' EXIT

cc -O2 -o "$TMP/deflate_bench" "$HERE/deflate_bench.c" -lz -ldeflate
python3 "$ROOT/bench/cycle/gen_pages.py" --out "$TMP/www" -n "$P" 2>/dev/null
"$REDLINE" init "$TMP/a" >/dev/null
for f in "$TMP"/www/*.html; do
	"$REDLINE" -C "$TMP/a" add "$(basename "$f" .html)" "file://$f" --format html >/dev/null
done
"$REDLINE" -C "$TMP/a" run >/dev/null
mkdir "$TMP/stories"
git -C "$TMP/a" ls-tree -r HEAD | awk '$4 ~ /\.txt$/ {print $3}' | while read -r id; do
	git -C "$TMP/a" cat-file blob "$id" >"$TMP/stories/$id"
done
echo "Story files (git objects):"
"$TMP/deflate_bench" "$ROUNDS" 1 0 "$TMP"/stories/*
echo
echo "Pages (WARC records):"
"$TMP/deflate_bench" "$ROUNDS" 6 1 "$TMP"/www/*.html
mkdir "$TMP/real"
[ -d "$CORPUS" ] && find "$CORPUS" -type f -name '*.html' -size +2k |
	while read -r f; do cp "$f" "$TMP/real/$(printf '%s' "$f" | sha1sum | cut -c1-12).html"; done
if [ -n "$(ls "$TMP/real")" ]; then
	echo
	echo "Real pages ($CORPUS, WARC records):"
	"$TMP/deflate_bench" "$ROUNDS" 6 1 "$TMP"/real/*.html
fi
