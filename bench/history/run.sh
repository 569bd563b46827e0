#!/bin/bash
# bench/history/run.sh - story history (`redline log/show/diff STORY`) at
# 10 k, 100 k, 1 M stories and beyond, on archives of ingest's commits
# written by build.sh (synth_archive + git fast-import; verify.sh checks
# that they are the commits `redline ingest` writes).
#
#   bench/history/run.sh                               STAGES="10000 100000 1000000"
#   STAGES="10000 100000 1000000 1310000" bench/history/run.sh   (1.31 M: 4.6 M versions)
#   DIR=/tmp/keep KEEP=1 bench/history/run.sh          archives kept in DIR (and reused)
#
# For each stage: the build's figures (build.sh), then for LAT_SAMPLES
# (1000) random story paths of the archive each command run once, process
# start included: wall time median/p99, CPU time (user + sys) median/p99,
# and the peak RSS of any of them.  A/B: REDLINE_B=other/redline adds the
# same runs of another binary, interleaved story by story (same minute).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
STAGES=${STAGES:-"10000 100000 1000000"}
LAT_SAMPLES=${LAT_SAMPLES:-1000}
DIR=${DIR:-$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-history-XXXXXX")}
mkdir -p "$DIR"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$DIR"' EXIT
for n in $STAGES; do
	A=$DIR/a$n
	[ -d "$A" ] || "$HERE/build.sh" "$A" "$n"
	git -C "$A" ls-tree -r --name-only main | grep '\.txt$' |
		shuf -n "$LAT_SAMPLES" --random-source=<(yes) >"$DIR/sample"
	echo "# $n stories: $(git -C "$A" rev-list --count main) commits, $(du -smL "$A" | cut -f1) MiB;" \
		"load average $(cut -d' ' -f1-3 /proc/loadavg)"
	python3 - "$A" "$DIR/sample" "$REDLINE" ${REDLINE_B:-} <<'PY'
import os, resource, subprocess, sys, time
archive, sample, *bins = sys.argv[1:]
paths = [l.strip() for l in open(sample) if l.strip()]
def stats(v):
    v = sorted(v)
    return v[len(v) // 2], v[min(len(v) - 1, int(len(v) * 0.99))]
res = {}
for p in paths:
    for b in bins:
        for cmd in ("log", "show", "diff"):
            pid = os.fork()
            if pid == 0:
                fd = os.open(os.devnull, os.O_WRONLY)
                os.dup2(fd, 1); os.dup2(fd, 2)
                os.execv(b, [b, "-C", archive, cmd, p])
            t = time.monotonic()
            _, status, ru = os.wait4(pid, 0)
            wall = (time.monotonic() - t) * 1000
            r = res.setdefault((b, cmd), ([], [], [0]))
            r[0].append(wall)
            r[1].append((ru.ru_utime + ru.ru_stime) * 1000)
            r[2][0] = max(r[2][0], ru.ru_maxrss)
            if status != 0:
                print(f"# {b} {cmd} {p}: exit status {status}")
print(f"{'binary':<40} {'cmd':<5} {'wall ms med/p99':>16} {'CPU ms med/p99':>16} {'peak RSS MiB':>13}")
for (b, cmd), (w, c, m) in res.items():
    wm, wp = stats(w); cm, cp = stats(c)
    print(f"{b[-40:]:<40} {cmd:<5} {wm:>7.1f}/{wp:<8.1f} {cm:>7.1f}/{cp:<8.1f} {m[0] / 1024:>13.1f}")
PY
done
