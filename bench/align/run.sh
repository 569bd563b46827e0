#!/bin/sh
# Accuracy of the sentence aligner (align_eval.c) and of the figures line
# (figures_eval.c) on labelled pairs built from the corpus's articles.
# Usage: sh bench/align/run.sh [PAIRS_PER_ARTICLE [FIGURE_PAIRS]]
set -eu
cd "$(dirname "$0")/../.."
cmake -S . -B build >/dev/null
cmake --build build --target align_eval figures_eval >/dev/null
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
python3 bench/align/paragraphs.py ../shared/corpus >"$tmp"
build/align_eval "$tmp" "${1:-100}"
echo
echo "# figures changed"
build/figures_eval tests/corpus/figures.tsv "$tmp" "${2:-4000}"
