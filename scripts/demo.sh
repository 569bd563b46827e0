#!/bin/sh
# The README's first command: installs what is missing, builds redline, and
# runs its main job on the bundled example (examples/): two snapshots of an
# ANP news page, an hour apart, ingested into a fresh archive.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${REDLINE:-}" ]; then
	sh scripts/deps.sh
	sh scripts/build.sh
fi

R="${REDLINE:-$PWD/build/redline}"
A="${REDLINE_DEMO_ARCHIVE:-$PWD/build/demo-archive}"
L="$A-live"
rm -rf "$A" "$L"

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

# --- live: the same page served over HTTP on 127.0.0.1 -----------------------
W=$(mktemp -d /tmp/redline-demo-XXXXXX)
server=""
stop_server() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$W"; }
trap stop_server EXIT INT TERM
cp examples/anp-buitenland-1.txt "$W/anp.txt"
python3 tests/server/testserver.py --root "$W" --port-file "$W/port" --lifetime 120 >/dev/null 2>&1 &
server=$!
i=0
while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$W/port" ] || { echo "redline demo: the local HTTP server did not start" >&2; exit 1; }
URL="http://127.0.0.1:$(head -1 "$W/port")/files/anp.txt"

step "live: redline add anp $URL; redline run"
"$R" init "$L" >/dev/null
cp hooks/alert-figures "$L/hooks/post-snapshot"
"$R" -C "$L" add anp "$URL" --format text --every 10m
"$R" -C "$L" -v run

step "live: the server now serves the page of an hour later; redline run anp"
cp examples/anp-buitenland-2.txt "$W/anp.txt"
"$R" -C "$L" -v run anp

step "live: redline run anp again: 304 Not Modified, nothing written"
"$R" -C "$L" -v run anp

step "live: redline status; redline diff Noord-Koreaanse"
"$R" -C "$L" status
"$R" -C "$L" diff Noord-Koreaanse
git -C "$L" fsck --strict && echo "live archive is clean: $L"
