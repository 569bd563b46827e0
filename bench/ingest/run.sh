#!/bin/bash
# bench/ingest/run.sh - redline ingest vs a `git add -A && git commit` loop on
# the same generated stream of RSS snapshots (bench/ingest/gen.py).
#
#   bench/ingest/run.sh                 # S=200 sources, N=50 stories, K=20 snapshots
#   S=20 K=10 bench/ingest/run.sh       # smaller
#
# Environment: S, N, K, EDIT (0.05), SEED (1), MODE (list|per-source|per-snapshot),
# REDLINE (binary, default build/redline), TIMEOUT (seconds per side, 900),
# KEEP=1 keeps the temporary directory, PEER=0 skips the git loop.
#
# redline side: ONE `redline -C A ingest --list LIST --new-sources` process
# for the whole stream (MODE=list, the default: what an archivist backfilling
# many sources runs; the list, SOURCE<TAB>FILE<TAB>TIME a line, is written
# untimed, as the archivist has it), one `redline -C A ingest SRC snap_000
# ... snap_K-1 --at t0 ...` process per source (MODE=per-source), or one
# process per snapshot (MODE=per-snapshot: what a cron job that fetches each
# feed would do).
# git side: each snapshot is pre-rendered by gen.py (untimed) into a tar of
# per-story files (one sentence per line) + INDEX; the timed loop unpacks it
# into a work tree and runs `git add -A`, `git diff --cached --quiet ||
# git commit -q`. Rendering is free for git here: this favours git.
# Both sides walk the stream in the same order (source by source) and are
# timed as one process tree under /usr/bin/time -v (peak RSS = the largest
# process in the tree).
set -euo pipefail

S=${S:-200}; N=${N:-50}; K=${K:-20}; EDIT=${EDIT:-0.05}; SEED=${SEED:-1}
MODE=${MODE:-list}; TIMEOUT=${TIMEOUT:-900}; PEER=${PEER:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
case $MODE in list|per-source|per-snapshot) ;; *) echo "MODE must be list, per-source or per-snapshot" >&2; exit 2;; esac

if [ ! -x "$REDLINE" ]; then
	[ -d "$ROOT/build" ] || cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$ROOT/build" -j2 >/dev/null
fi
for tool in git python3 /usr/bin/time timeout tar du; do
	command -v "$tool" >/dev/null || { echo "bench/ingest: needs $tool" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-ingest-XXXXXX")
cleanup() { if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi; }
trap cleanup EXIT
STREAM=$TMP/stream A=$TMP/archive W=$TMP/peer

echo "# generating S=$S N=$N K=$K edit=$EDIT seed=$SEED ..." >&2
python3 "$HERE/gen.py" -S "$S" -N "$N" -K "$K" --edit "$EDIT" --seed "$SEED" \
	$([ "$PEER" = 1 ] && echo --peer) --out "$STREAM" 2>"$TMP/gen.txt"
cat "$TMP/gen.txt" >&2
mapfile -t TIMES <"$STREAM/times.txt"

count_commits() { git -C "$1" rev-list --count HEAD 2>/dev/null || echo 0; }
now() { date +%s.%N; }

# ---- redline ----------------------------------------------------------------
"$REDLINE" init "$A" >/dev/null
rl_before=$(count_commits "$A")
# The backfill list (MODE=list), source by source like the git side.
for dir in "$STREAM"/src*; do
	for ((k = 0; k < ${#TIMES[@]}; k++)); do
		printf '%s\t%s/snap_%03d.xml\t%s\n' "${dir##*/}" "${dir##*/}" "$k" "${TIMES[$k]}"
	done
done >"$STREAM/list.tsv"
cat >"$TMP/rl.sh" <<'EOF'
set -eu
REDLINE=$1 A=$2 STREAM=$3 MODE=$4
mapfile -t TIMES <"$STREAM/times.txt"
LOG=$5
if [ "$MODE" = list ]; then
	exec "$REDLINE" -C "$A" ingest --no-hooks --format rss --new-sources --list "$STREAM/list.tsv" >/dev/null
fi
for dir in "$STREAM"/src*; do
	src=${dir##*/}
	start=$EPOCHREALTIME
	files=() ats=()
	for ((k = 0; k < ${#TIMES[@]}; k++)); do
		f=$(printf '%s/snap_%03d.xml' "$dir" "$k")
		if [ "$MODE" = per-snapshot ]; then
			"$REDLINE" -C "$A" ingest --no-hooks --format rss "$src" "$f" --at "${TIMES[$k]}" >/dev/null
		else
			files+=("$f"); ats+=(--at "${TIMES[$k]}")
		fi
	done
	if [ "$MODE" = per-source ]; then
		"$REDLINE" -C "$A" ingest --no-hooks --format rss "$src" "${files[@]}" "${ats[@]}" >/dev/null
	fi
	echo "$src $start $EPOCHREALTIME" >>"$LOG"
done
EOF
echo "# redline ingest ($MODE) ..." >&2
t0=$(now)
rl_rc=0
timeout "$TIMEOUT" /usr/bin/time -v -o "$TMP/rl.time" \
	bash "$TMP/rl.sh" "$REDLINE" "$A" "$STREAM" "$MODE" "$TMP/rl-sources.txt" || rl_rc=$?
t1=$(now)
[ "$rl_rc" = 124 ] && echo "# redline side TIMED OUT after $TIMEOUT s" >&2
[ -s "$TMP/rl.time" ] || printf "User time (seconds): 0\nSystem time (seconds): 0\nMaximum resident set size (kbytes): 0\n" >"$TMP/rl.time"
rl_wall=$(echo "$t1 - $t0" | bc)
rl_commits=$(( $(count_commits "$A") - rl_before ))
rl_stories=$(git -C "$A" ls-tree -r --name-only HEAD 2>/dev/null | grep -c '\.txt$' || true)
rl_fsck=ok
git -C "$A" fsck --strict --no-progress >"$TMP/rl.fsck" 2>&1 || rl_fsck=FAILED
rl_kb=$(du -sk "$A" | cut -f1)

# ---- git add + commit loop --------------------------------------------------
if [ "$PEER" = 1 ]; then
	git init -q "$W"
	git -C "$W" config user.name bench
	git -C "$W" config user.email bench@localhost
	git -C "$W" config gc.auto 0   # redline never packs during ingest either
	cat >"$TMP/peer.sh" <<'EOF'
set -eu
W=$1 STREAM=$2
mapfile -t TIMES <"$STREAM/times.txt"
cd "$W"
for dir in "$STREAM"/peer/src*; do
	src=${dir##*/}
	for ((k = 0; k < ${#TIMES[@]}; k++)); do
		tar -xf "$(printf '%s/snap_%03d.tar' "$dir" "$k")"
		git add -A
		git diff --cached --quiet ||
			GIT_AUTHOR_DATE=${TIMES[$k]} GIT_COMMITTER_DATE=${TIMES[$k]} \
			git commit -q -m "$src: snapshot ${TIMES[$k]}"
	done
done
EOF
	echo "# git add -A && git commit loop ..." >&2
	t0=$(now)
	peer_rc=0
	timeout "$TIMEOUT" /usr/bin/time -v -o "$TMP/peer.time" bash "$TMP/peer.sh" "$W" "$STREAM" || peer_rc=$?
	t1=$(now)
	[ "$peer_rc" = 124 ] && echo "# git side TIMED OUT after $TIMEOUT s" >&2
	[ -s "$TMP/peer.time" ] || printf "User time (seconds): 0\nSystem time (seconds): 0\nMaximum resident set size (kbytes): 0\n" >"$TMP/peer.time"
	peer_wall=$(echo "$t1 - $t0" | bc)
	peer_commits=$(count_commits "$W")
	peer_stories=$(git -C "$W" ls-tree -r --name-only HEAD | grep -c '\.txt$' || true)
	peer_fsck=ok
	git -C "$W" fsck --strict --no-progress >"$TMP/peer.fsck" 2>&1 || peer_fsck=FAILED
	peer_kb=$(du -sk "$W/.git" | cut -f1)
fi

# ---- report -------------------------------------------------------------------
field() { sed -n "s/^[[:space:]]*$2: //p" "$1"; }
cpu() { echo "$(field "$1" 'User time (seconds)') + $(field "$1" 'System time (seconds)')" | bc; }
export S N K MODE rl_rc rl_wall rl_commits rl_stories rl_fsck rl_kb
export rl_cpu=$(cpu "$TMP/rl.time") rl_rss=$(field "$TMP/rl.time" 'Maximum resident set size (kbytes)')
export story_snapshots=$(sed -n 's/.*story_snapshots=\([0-9]*\).*/\1/p' "$TMP/gen.txt")
if [ "$PEER" = 1 ]; then
	export peer_rc peer_wall peer_commits peer_stories peer_fsck peer_kb
	export peer_cpu=$(cpu "$TMP/peer.time") peer_rss=$(field "$TMP/peer.time" 'Maximum resident set size (kbytes)')
fi
export PEER NPROC=$(nproc) DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) RL_SOURCES=$TMP/rl-sources.txt
export BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$REDLINE")/CMakeCache.txt" 2>/dev/null || true)
python3 - <<'EOF'
import os
e = os.environ
S, N, K = int(e["S"]), int(e["N"]), int(e["K"])
snaps, items = S * K, int(e["story_snapshots"])
peer = e["PEER"] == "1"
def side(p):
    wall, cpu = float(e[p + "_wall"]), float(e[p + "_cpu"])
    c = int(e[p + "_commits"])
    return {"stories/s": items / wall, "snapshots/s": snaps / wall, "commits/s": c / wall,
            "wall time (s)": wall, "CPU time user+sys (s)": cpu,
            "peak RSS (MiB)": int(e[p + "_rss"]) / 1024,
            "archive size (MiB, du -sk)": int(e[p + "_kb"]) / 1024,
            "commits": c, "story files in HEAD": int(e[p + "_stories"]),
            "git fsck --strict": e[p + "_fsck"]}
rl = side("rl")
pg = side("peer") if peer else None
print(f"bench/ingest  {e['DATE']}  nproc={e['NPROC']}  S={S} N={N} K={K}  "
      f"snapshots={snaps} story-snapshots={items}  redline mode={e['MODE']} "
      f"build={e.get('BUILD_TYPE') or '?'}")
print("ratio = redline / git  (rates: >1 means redline is faster; costs: <1 means redline uses less)")
print()
print(f"| {'metric':<28} | {'redline':>12} | {'git add+commit':>14} | {'ratio':>7} |")
print(f"|{'-'*30}|{'-'*14}|{'-'*16}|{'-'*9}|")
for k, v in rl.items():
    g = pg[k] if pg else None
    fmt = (lambda x: str(x)) if isinstance(v, (str, int)) else (lambda x: f"{x:,.1f}")
    r = f"{v / g:.2f}" if isinstance(v, float) and g else ""
    print(f"| {k:<28} | {fmt(v):>12} | {fmt(g) if g is not None else 'skipped':>14} | {r:>7} |")
print()
try:
    per = [float(l.split()[2]) - float(l.split()[1]) for l in open(e["RL_SOURCES"])]
except (OSError, ValueError, IndexError):
    per = []
if len(per) >= 20:
    # Every source adds K commits: does a source cost more as the archive grows?
    print(f"redline seconds per source ({K} snapshots each): first 10 sources "
          f"{sum(per[:10]) / 10:.3f}, last 10 sources {sum(per[-10:]) / 10:.3f}")
ok = True
for p, name in (("rl", "redline"), ("peer", "git")):
    if e.get(p + "_rc", "0") not in ("0", ""):
        why = "timed out" if e[p + "_rc"] == "124" else "exited " + e[p + "_rc"]
        print(f"FAIL: the {name} side {why}: figures cover only the part it finished"); ok = False
if rl["git fsck --strict"] != "ok":
    print("FAIL: git fsck --strict on redline's archive"); ok = False
if peer and rl["commits"] != pg["commits"]:
    print(f"FAIL: commit counts differ (redline {rl['commits']}, git {pg['commits']})"); ok = False
if peer and rl["story files in HEAD"] != pg["story files in HEAD"]:
    print(f"FAIL: story counts differ (redline {rl['story files in HEAD']}, git {pg['story files in HEAD']})"); ok = False
print("checks: " + ("same commits and stories on both sides, fsck clean" if ok else "FAILED"))
raise SystemExit(0 if ok else 1)
EOF
