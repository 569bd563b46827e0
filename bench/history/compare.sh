#!/bin/bash
# bench/history/compare.sh - do two redline binaries tell the same story
# history?  For SAMPLE (200) random story paths of ARCHIVE: `log`, `show`
# and `diff`, plain and --json, by path, by SOURCE/ID and by id, each
# compared byte for byte (stdout, stderr and exit status) between A and B
# (the archive's revision index is brought to HEAD first, by A).
#
#   bench/history/compare.sh ARCHIVE A/redline B/redline
#   SAMPLE=20 SPECS="path id" CMDS="log show" bench/history/compare.sh ...
# SPECS: path, source-id, id (all three by default); CMDS: any of log,
# show, diff, log-json, show-json, diff-json (all six by default).
set -euo pipefail
A=$1 X=$2 Y=$3
SAMPLE=${SAMPLE:-200}
SPECS=${SPECS:-"path source-id id"}
CMDS=${CMDS:-"log show diff log-json show-json diff-json"}
T=$(mktemp -d "${TMPDIR:-/tmp}/redline-history-compare-XXXXXX")
trap 'rm -rf "$T"' EXIT
git -C "$A" ls-tree -r --name-only main | grep -v '^\.' | grep '\.txt$' |
	shuf -n "$SAMPLE" --random-source=<(yes) >"$T/sample"
run() { # binary out
	local b=$1 out=$2 p id src kind spec cmd
	: >"$out"
	while read -r p; do
		id=${p: -16:12} src=${p%%/*}
		for kind in $SPECS; do
			case $kind in path) spec=$p ;; source-id) spec=$src/$id ;; *) spec=$id ;; esac
			for cmd in $CMDS; do
				json=
				[ "$cmd" = "${cmd%-json}" ] || json=--json
				# shellcheck disable=SC2086
				{ echo "== $cmd $spec"; "$b" -C "$A" ${cmd%-json} $json "$spec" 2>&1
				  echo "exit $?"; } >>"$out"
			done
		done
	done <"$T/sample"
}
"$X" -C "$A" log "$(head -1 "$T/sample")" >/dev/null
run "$X" "$T/x"
run "$Y" "$T/y"
n=$(grep -c '^== ' "$T/x")
if cmp -s "$T/x" "$T/y"; then
	echo "# $n runs over $SAMPLE stories: identical"
else
	echo "# $n runs over $SAMPLE stories: DIFFERENT" >&2
	diff "$T/x" "$T/y" | head -40 >&2
	exit 1
fi
