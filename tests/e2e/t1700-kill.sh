#!/bin/bash
# SIGKILL at random points of `ingest` and `run` (against the loopback test
# server).  After every kill: `git fsck --strict` is clean; then the same
# step run to the end succeeds without any repair and leaves no stray file
# (temporary packs, locks, "*.tmp.PID"); at the end the history equals that
# of an uninterrupted run (the same HEAD for ingest, the same tree and commit
# count for run) and a `git clone` of the archive is complete.
#
# CI runs a few kills per step (30 in all, under a minute).  The
# long mode runs hundreds:
#   REDLINE_KILL_ROUNDS=50 ctest -R t1700 --timeout 3600    (kills per step)
. "$(dirname "$0")/lib.sh"
ROUNDS=${REDLINE_KILL_ROUNDS:-3}
STEPS=5
python3 - "$T" "$STEPS" <<'PY'
import random, sys
out, steps = sys.argv[1], int(sys.argv[2])
random.seed(7)
stories = [f"Story {i} about topic {random.randint(1, 999)}" for i in range(400)]
for src in range(3):
    for step in range(steps):
        with open(f"{out}/p{src}-{step}.html", "w") as f:
            f.write("<html><body>")
            for i, t in enumerate(stories[src * 10:300 + step * 10]):
                n = step if i % 37 == step else 0
                f.write(f'<article><h2><a href="/a/{src}/{i}">{t}</a></h2>'
                        f'<p>{t} is news in step {n}. More words follow for the sentence.</p></article>')
            f.write("</body></html>\n")
PY
at() { printf '2026-11-28T%02d:00:00Z' $((9 + $1)); }
ms() { date +%s%3N; }
stray() { find "$1" \( -name 'pack_git2_*' -o -name '*.lock' -o -name '*.tmp.*' \) -print; }
kills=0
# kill_at_random MAX_MS CMD...: starts CMD (a program, not a shell function:
# the pid killed must be redline's own), kills it with SIGKILL after a random
# 0..MAX_MS ms (it may have finished), then checks the archive $K.
kill_at_random() {
	max=$1; shift
	"$@" >/dev/null 2>&1 &
	victim=$!
	sleep "$(awk -v r="$RANDOM" -v m="$max" 'BEGIN { printf "%.3f", r / 32768 * m / 1000 }')"
	kill -9 "$victim" 2>/dev/null || true
	wait "$victim" 2>/dev/null || true
	kills=$((kills + 1))
	git --git-dir "$K" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; fail "fsck after kill $kills"; }
}
# finish CMD...: the step run to its end must succeed and leave nothing stray.
finish() {
	expect_status 0 "$@"
	[ -z "$(stray "$K")" ] || { stray "$K" >&2; fail "stray files after kill $kills"; }
}

# --- ingest -----------------------------------------------------------------
REF="$T/ref" K="$T/archive"
rl init "$REF" >/dev/null
rl init "$K" >/dev/null
t0=$(ms)
for s in $(seq 0 $((STEPS - 1))); do
	rl -C "$REF" ingest src "$T/p0-$s.html" --at "$(at "$s")" >/dev/null
done
span=$(( ($(ms) - t0) / STEPS + 20 ))
for s in $(seq 0 $((STEPS - 1))); do
	for _ in $(seq "$ROUNDS"); do
		kill_at_random "$span" "$REDLINE" -C "$K" ingest src "$T/p0-$s.html" --at "$(at "$s")"
	done
	finish rl -C "$K" ingest src "$T/p0-$s.html" --at "$(at "$s")"
done
story_log "$REF" >"$T/ref.log"; story_log "$K" >"$T/k.log"
diff -u "$T/ref.log" "$T/k.log" >&2 || fail "history after $kills kills differs from an uninterrupted ingest"
[ "$(git -C "$K" rev-list --count HEAD)" = "$(git -C "$K" log --format=%B | grep -c '^Capture: ')" ] ||
	fail "a commit after the kills lacks its capture"
ok "ingest: $kills kills, fsck clean after each, the same history (stories, messages, one capture a commit) as without kills"

# --- run --------------------------------------------------------------------
start_server 600
setpage() { curl -sf -X POST --data-binary "@$2" "$B/admin/set?path=$1" >/dev/null || fail "cannot set $1"; }
REF="$T/run-ref" K="$T/run"
for a in "$REF" "$K"; do
	rl init "$a" >/dev/null
	for src in 0 1 2; do rl -C "$a" add "s$src" "$B/p/s$src" >/dev/null; done
done
cycle() { # cycle ARCHIVE STEP: the pages of STEP, one run at its hour
	env REDLINE_NOW="$(date -u -d "$(at "$2")" +%s)" "$REDLINE" -C "$1" run s0 s1 s2
}
t0=$(ms)
for s in $(seq 0 $((STEPS - 1))); do
	for src in 0 1 2; do setpage "/p/s$src" "$T/p$src-$s.html"; done
	cycle "$REF" "$s" >/dev/null
done
span=$(( ($(ms) - t0) / STEPS + 20 ))
before=$kills
for s in $(seq 0 $((STEPS - 1))); do
	for src in 0 1 2; do setpage "/p/s$src" "$T/p$src-$s.html"; done
	for _ in $(seq "$ROUNDS"); do
		kill_at_random "$span" env REDLINE_NOW="$(date -u -d "$(at "$s")" +%s)" \
			"$REDLINE" -C "$K" run s0 s1 s2
	done
	finish cycle "$K" "$s"
done
[ "$(story_tree "$K")" = "$(story_tree "$REF")" ] ||
	fail "tree after kills differs from an uninterrupted run"
[ "$(commits "$K")" = "$(commits "$REF")" ] || fail "commit count $(commits "$K") != $(commits "$REF")"
ok "run: $((kills - before)) kills, fsck clean after each, same tree and commit count"

packs=$(find "$K/objects/pack" -name '*.pack' | wc -l)
[ "$packs" -le 65 ] || fail "$packs packs: roll-ups did not bound them"
git clone -q --bare "$K" "$T/clone"
git --git-dir "$T/clone" fsck --strict >/dev/null 2>&1 || fail "fsck of the clone"
[ "$(git --git-dir "$T/clone" rev-parse HEAD)" = "$(git --git-dir "$K" rev-parse HEAD)" ] ||
	fail "the clone has another HEAD"
ok "a clone is complete ($packs packs)"
done_testing
