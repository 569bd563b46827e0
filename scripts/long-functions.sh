#!/bin/sh
# Lists the C functions longer than N lines (default 100), longest first:
# "LINES FILE:LINE NAME", counted from the first line of a function's
# signature to its closing brace.  Relies on the project's layout (a
# definition starts at column 0, its body opens with "{" alone on a line and
# closes with "}" at column 0), which every file in src/ follows.
#
#   sh scripts/long-functions.sh [-n N] [DIR...]   (default: src)
set -eu
max=100
if [ "${1:-}" = "-n" ]; then
	max=$2
	shift 2
fi
if [ $# -eq 0 ]; then
	cd "$(dirname "$0")/.."
	set -- src
fi
find "$@" -name '*.c' | sort | xargs awk -v max="$max" '
	FNR == 1 { sig = 0; start = 0 }
	/^[A-Za-z_]/ && !start { if (!sig) { sig = FNR; text = "" } text = text " " $0 }
	/^[^A-Za-z_{]/ && !start && sig && !/^[ \t]/ { sig = 0 }
	/;[ \t]*$/ && !start && /^[A-Za-z_]/ { sig = 0 }
	/^\{/ && sig && !start { start = sig; name = text; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name) }
	/^\}/ && start {
		n = FNR - start + 1
		if (n > max) printf "%d %s:%d %s\n", n, FILENAME, start, name
		start = 0; sig = 0
	}
' | sort -rn
