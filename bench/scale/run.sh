#!/bin/bash
# bench/scale/run.sh - a NewsEdits-sized stream ingested end to end, in stages.
#
#   bench/scale/run.sh                         # STAGES="10000 100000 1000000 1280000"
#   STAGES=10000 LAT_SAMPLES=100 bench/scale/run.sh    # a quick look (minutes)
#
# gen.py makes the stream chunk by chunk (CHUNK snapshots of every source at
# a time; 22 sources, pages of 40 stories, 2 new stories a source a
# snapshot, 3.6 versions a story); the chunk goes in one `redline ingest
# --list` process (INGEST=list, the default: the chunk's snapshots of all
# sources in time order, group-committed 1,000 at a time), or one `redline
# ingest SRC ...` per source (INGEST=per-source), and the chunk is deleted.
# Each time the number of stories passes a stage, it prints: versions/s of
# ingest (wall time of the ingest processes only, generation excluded), the
# total ingest time, the archive's size on disk against the raw text of the
# versions, the peak RSS of any ingest process so far, the pack count, and
# the latency (median, p99) of `redline log STORY`, `show` and `diff` over
# LAT_SAMPLES random stories (process start included), beside `git log
# --format=%H -- <path>` of the same stories on the same archive and the
# ratio of the medians (git ÷ redline log: above 1, redline is faster).
# `git log -- path` walks the whole history (~22 s a story at 1.28 M
# stories), so it runs on the first GIT_LAT_SAMPLES (20) stories of the
# sample only; FSCK=0 skips the final `git fsck --strict` (~minutes at
# full size).
#
# Environment: STAGES, CHUNK (50), LAT_SAMPLES (1000), GIT_LAT_SAMPLES (20),
# FSCK (1), REDLINE, KEEP=1, INGEST,
# PROGRESS=1 (a line a chunk on stderr);
# ARCHIVE=DIR measures the latencies of an existing (kept) archive only
# (no fsck: on a large archive it takes longer than the measurement).
# Beside each latency row: the ingest's CPU time (user + sys: on a loaded
# machine wall time mostly measures the scheduler) and the start-up of one
# process alone (`redline --version`), the part of every command that is no
# work on the archive.
#
# For story history at sizes ingesting would take hours to reach,
# bench/history/build.sh writes an archive of exactly ingest's commits
# (synth_archive.c through git fast-import, checked against ingest by
# bench/history/verify.sh) and bench/history/run.sh measures it.  synth.py,
# older, slower and not checked against ingest, is kept for the figures
# measured on it; ARCHIVE= measures such an archive here:
#   redline init /tmp/a && bench/scale/synth.py --stories 100000 | git -C /tmp/a fast-import --quiet
#   ARCHIVE=/tmp/a LAT_SAMPLES=100 bench/scale/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
STAGES=${STAGES:-"10000 100000 1000000 1280000"}
CHUNK=${CHUNK:-50}
INGEST=${INGEST:-list}
case $INGEST in list|per-source) ;; *) echo "INGEST must be list or per-source" >&2; exit 2;; esac
LAT_SAMPLES=${LAT_SAMPLES:-1000}
GIT_LAT_SAMPLES=${GIT_LAT_SAMPLES:-20}
SOURCES=22
TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-scale-XXXXXX")
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "# kept $TMP" >&2 || rm -rf "$TMP"; }
trap cleanup EXIT
A=$TMP/archive
if [ -n "${ARCHIVE:-}" ]; then A=$ARCHIVE; STAGES=0; else "$REDLINE" init "$A" >/dev/null; fi

stories=0 versions=0 raw=0 ingest_s=0 ingest_cpu=0 peak_kib=0 snap=0
last=${STAGES##* }

latency() { # latency: prints "log_med log_p99 show_med show_p99 diff_med diff_p99 git_med git_p99" in ms
	git -C "$A" ls-tree -r --name-only main | grep '\.txt$' | shuf -n "$LAT_SAMPLES" --random-source=<(yes) >"$TMP/sample"
	python3 - "$REDLINE" "$A" "$TMP/sample" "$GIT_LAT_SAMPLES" <<'PY'
import resource, subprocess, sys, time
redline, archive, sample, git_samples = sys.argv[1:5]
paths = [l.strip() for l in open(sample) if l.strip()]
out, cpu = [], {}
# redline's three commands, then the comparison: plain git's log of the same
# file on the same archive (a walk of the whole history with a path filter)
# then process start-up alone (`redline --version`: loading, library init),
# the part of each command that is no work on the archive
for argv in (["log"], ["show"], ["diff"], None, ["--version"]):
    ts = []
    for p in (paths if argv else paths[:max(1, int(git_samples))]):
        cmd = ([redline, "--version"] if argv == ["--version"] else
               [redline, "-C", archive] + argv + [p] if argv else
               ["git", "-C", archive, "log", "--format=%H", "--", p])
        t = time.monotonic()
        c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        ts.append((time.monotonic() - t) * 1000)
        cpu.setdefault(len(out), []).append(
            (c1.ru_utime - c0.ru_utime + c1.ru_stime - c0.ru_stime) * 1000)
    ts.sort()
    out += [ts[len(ts) // 2], ts[min(len(ts) - 1, int(len(ts) * 0.99))]]
# CPU time (user + sys) medians of the same runs: on a loaded machine the
# wall time mostly measures the scheduler
med = [sorted(v)[len(v) // 2] for _, v in sorted(cpu.items())]
print(" ".join(f"{x:.1f}" for x in out + med))
PY
}

printf '%-10s %-10s %-12s %-10s %-12s %-12s %-10s %-6s %-12s %-12s %-12s %-14s %-8s\n' stories versions versions/s ingest_s "archive_MiB" "raw_MiB" peak_MiB packs "log ms" "show ms" "diff ms" "git-log ms" "git/log"
# gen_chunk DIR SNAP: snapshots SNAP..SNAP+CHUNK-1 of every source in DIR,
# with DIR/counts ("stories versions raw_bytes") and DIR/list.tsv, the
# chunk as a backfill list in time order across the sources (ingest --list).
gen_chunk() {
	rm -rf "$1"
	python3 "$HERE/gen.py" --out "$1" --sources $SOURCES --from-snapshot "$2" \
		--to-snapshot $(($2 + CHUNK)) >"$1.counts"
	mv "$1.counts" "$1/counts"
	mapfile -t times <"$1/times.txt"
	for ((k = 0; k < ${#times[@]}; k++)); do
		for d in "$1"/s*; do
			printf '%s\t%s/snap_%07d.xml\t%s\n' "${d##*/}" "${d##*/}" $(($2 + k)) "${times[$k]}"
		done
	done >"$1/list.tsv"
}
# The next chunk is generated (by python, on the other core) while this one
# is ingested: end to end, the stream takes about the ingest's time, not
# the ingest's plus the generator's.  The ingest's own figures (versions/s,
# CPU) are measured on the ingest processes alone either way.
gen_pid=
cleanup_gen() { [ -z "$gen_pid" ] || wait "$gen_pid" 2>/dev/null || true; gen_pid=; }
trap 'cleanup_gen; cleanup' EXIT
t_start=$(date +%s%N)
[ -n "${ARCHIVE:-}" ] || gen_chunk "$TMP/chunk.0" 0
for stage in $STAGES; do
	while [ "$stories" -lt "$stage" ]; do
		cleanup_gen
		rm -rf "$TMP/chunk"
		mv "$TMP/chunk.$snap" "$TMP/chunk"
		read -r s v r <"$TMP/chunk/counts"
		stories=$((stories + s)); versions=$((versions + v)); raw=$((raw + r))
		snap=$((snap + CHUNK))
		if [ "$stories" -lt "$last" ]; then
			gen_chunk "$TMP/chunk.$snap" "$snap" &
			gen_pid=$!
		fi
		if [ "$INGEST" = list ]; then
			t0=$(date +%s%N)
			/usr/bin/time -f "%M %U %S" -o "$TMP/rss" "$REDLINE" -C "$A" ingest --no-hooks --format rss \
				--new-sources --list "$TMP/chunk/list.tsv" >/dev/null
			t1=$(date +%s%N)
			ingest_s=$(echo "$ingest_s + ($t1 - $t0) / 1000000000" | bc -l)
			read -r kib us ss <"$TMP/rss"; [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
			ingest_cpu=$(echo "$ingest_cpu + $us + $ss" | bc -l)
		fi
		for d in "$TMP/chunk"/s*; do
			[ "$INGEST" = per-source ] || break
			src=$(basename "$d")
			set --
			while read -r t; do set -- "$@" --at "$t"; done <"$TMP/chunk/times.txt"
			t0=$(date +%s%N)
			/usr/bin/time -f "%M %U %S" -o "$TMP/rss" "$REDLINE" -C "$A" ingest --no-hooks --format rss \
				"$src" "$d"/snap_*.xml "$@" >/dev/null
			t1=$(date +%s%N)
			ingest_s=$(echo "$ingest_s + ($t1 - $t0) / 1000000000" | bc -l)
			read -r kib us ss <"$TMP/rss"; [ "$kib" -gt "$peak_kib" ] && peak_kib=$kib
			ingest_cpu=$(echo "$ingest_cpu + $us + $ss" | bc -l)
		done
		# PROGRESS=1: one line a chunk on stderr, so that a run stopped
		# before its stage still gives its figures so far
		if [ "${PROGRESS:-0}" = 1 ]; then
			echo "# progress $(date -u +%H:%M:%S): $stories stories, $versions versions, ingest CPU" \
				"$(printf %.1f "$ingest_cpu") s, peak $((peak_kib / 1024)) MiB, load $(cut -d' ' -f1 /proc/loadavg)" >&2
		fi
	done
	arc_kib=$(du -sk "$A" | cut -f1)
	packs=$(ls "$A"/objects/pack/*.pack | wc -l)
	read -r lm lp sm sp dm dp gm gp vm vp lc sc dc gc vc < <(latency)
	printf '%-10s %-10s %-12.1f %-10.1f %-12.1f %-12.1f %-10.1f %-6s %-12s %-12s %-12s %-14s %-8.2f\n' \
		"$stories" "$versions" "$(echo "if ($ingest_s > 0) $versions / $ingest_s else 0" | bc -l)" "$ingest_s" \
		"$(echo "$arc_kib / 1024" | bc -l)" "$(echo "$raw / 1048576" | bc -l)" \
		"$(echo "$peak_kib / 1024" | bc -l)" "$packs" "$lm/$lp" "$sm/$sp" "$dm/$dp" "$gm/$gp" \
		"$(echo "$gm / $lm" | bc -l)"
	echo "#   ingest CPU (user+sys) $(printf %.1f "$ingest_cpu") s: $(echo "if ($ingest_cpu > 0) $versions / $ingest_cpu else 0" | bc -l | cut -d. -f1) versions per CPU-second; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "#   CPU ms (user+sys, median): log $lc, show $sc, diff $dc, git log -- path $gc; git/log $(echo "$gc / $lc" | bc -l | cut -c1-5)"
	echo "#   process start-up alone (redline --version): wall $vm/$vp ms (median/p99), CPU $vc ms (median)"
done
if [ -z "${ARCHIVE:-}" ] && [ "${FSCK:-1}" = 1 ]; then
	git -C "$A" fsck --strict --no-progress >/dev/null 2>&1 && echo "# git fsck --strict: ok" ||
		echo "# git fsck --strict: FAILED"
fi
t_end=$(date +%s%N)
[ -n "${ARCHIVE:-}" ] || echo "# end to end (generation overlapped, latency samples and fsck included):" \
	"$(((t_end - t_start) / 1000000000)) s wall; ingest alone $(printf %.1f "$ingest_s") s"
echo "# $(git -C "$A" rev-list --count main) commits; latency columns are median/p99 over $LAT_SAMPLES stories" \
	"(git log -- path: the first $GIT_LAT_SAMPLES of them)"
