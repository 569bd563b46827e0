#!/bin/sh
# The README's first command: installs what is missing, builds redline, and
# runs its main job on the bundled example (examples/): two snapshots of an
# ANP news page, an hour apart, ingested into a fresh archive.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh

R="$PWD/build/redline"
A="${REDLINE_DEMO_ARCHIVE:-$PWD/build/demo-archive}"
rm -rf "$A"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "redline init $A"
"$R" init "$A"
cp hooks/alert-figures "$A/hooks/post-snapshot"

step "ingest the page as it was at 09:00, then at 10:00"
"$R" -C "$A" ingest anp examples/anp-buitenland-1.txt --at 2026-11-28T09:00:00Z \
	--url https://www.example.nl/buitenland
"$R" -C "$A" ingest anp examples/anp-buitenland-2.txt --at 2026-11-28T10:00:00Z \
	--url https://www.example.nl/buitenland

step "ingest the 10:00 page again: nothing changes, nothing is written"
"$R" -C "$A" ingest anp examples/anp-buitenland-2.txt --at 2026-11-28T10:05:00Z

step "redline log anp"
"$R" -C "$A" log anp

step "redline diff Noord-Koreaanse"
"$R" -C "$A" diff Noord-Koreaanse

step "plain git: git log -p --word-diff -1 -- anp/INDEX"
git -C "$A" --no-pager log -1 -p --word-diff --format='%h %s' -- anp/INDEX

step "git fsck --strict"
git -C "$A" fsck --strict && echo "archive is clean: $A"
