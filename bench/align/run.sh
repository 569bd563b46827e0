#!/bin/sh
# Accuracy of the sentence aligner on labelled pairs built from the corpus's
# articles (see align_eval.c).  Usage: sh bench/align/run.sh [PAIRS_PER_ARTICLE]
set -eu
cd "$(dirname "$0")/../.."
cmake -S . -B build >/dev/null
cmake --build build --target align_eval >/dev/null
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
python3 bench/align/paragraphs.py ../shared/corpus >"$tmp"
build/align_eval "$tmp" "${1:-100}"
