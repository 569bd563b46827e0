#!/bin/bash
# Hooks run by `redline ingest` (docs/hooks.md): the post-snapshot payload
# field by field, the REDLINE_* environment, a failing hook that cannot undo
# the commit, and --no-hooks.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
P1="$EXAMPLES/anp-buitenland-1.txt"
P2="$EXAMPLES/anp-buitenland-2.txt"
T1=2026-11-28T09:00:00Z T2=2026-11-28T10:00:00Z
rl init "$A" >/dev/null
A=$(cd "$A" && pwd -P)
export OUT="$T/hookout"
mkdir -p "$OUT"
cat >"$A/hooks/post-snapshot" <<'HOOK'
#!/bin/sh
n=$(ls "$OUT" | grep -c '^payload') || true
cat >"$OUT/payload$n.json"
env >"$OUT/env$n"
pwd -P >"$OUT/cwd$n"
HOOK
cat >"$A/hooks/post-commit" <<'HOOK'
#!/bin/sh
echo "post-commit $REDLINE_HOOK $REDLINE_COMMIT" >>"$OUT/post-commit.log"
HOOK
chmod +x "$A/hooks/post-snapshot" "$A/hooks/post-commit"

expect_status 0 rl -C "$A" ingest anp "$P1" --at $T1
[ -f "$OUT/payload0.json" ] || fail "post-snapshot did not run"
head1=$(git -C "$A" rev-parse HEAD)
# XXH3-128 of each story file at HEAD, as xxhsum prints it
hashes() { git -C "$A" ls-tree -r --name-only HEAD -- anp | grep '\.txt$' | while read -r p; do
	echo "$p $(git -C "$A" show "HEAD:$p" | xxh128sum | cut -d' ' -f1)"; done; }
command -v xxh128sum >/dev/null || fail "xxh128sum (package xxhash) is needed"
hashes >"$T/hashes1"
python3 - "$OUT/payload0.json" "$A" "$head1" "$T/hashes1" <<'PY' || fail "first payload"
import json, re, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
arc, head = sys.argv[2], sys.argv[3]
files = dict(l.split() for l in open(sys.argv[4]))
assert set(p) == {"version","source","source_url","archive","commit","parent","time","counts","items","empty_bodies"}, sorted(p)
assert p["empty_bodies"] == 0, p["empty_bodies"]
assert p["version"] == 1 and p["source"] == "anp", p
assert p["archive"] == arc, (p["archive"], arc)
assert p["commit"] == head and p["parent"] is None, p
assert p["time"] == "2026-11-28T09:00:00Z", p["time"]
assert p["source_url"].startswith("file:///") and p["source_url"].endswith("/anp-buitenland-1.txt"), p["source_url"]
assert p["counts"] == {"edited":0,"new":8,"gone":0,"back":0,"moved":0,"removed":0}, p["counts"]
assert len(p["items"]) == 8
for it in p["items"]:
    assert re.fullmatch(r"[0-9a-f]{12}", it["id"]), it
    assert it["change"] == "new" and it["old_hash"] is None and it["url"] is None, it
    assert re.fullmatch(r"anp/2026-11/[a-z0-9-]+-" + it["id"] + r"\.txt", it["path"]), it["path"]
    assert files[it["path"]] == it["new_hash"], (it["path"], it["new_hash"], files[it["path"]])
    assert it.get("figures", []) == [], it
print("payload 1 ok")
PY
ok "first payload: version, source, archive, commit = HEAD, parent null, time, counts, 8 new items with hashes"

expect_status 0 rl -C "$A" ingest anp "$P2" --at $T2
head2=$(git -C "$A" rev-parse HEAD)
hashes >"$T/hashes2"
python3 - "$OUT/payload0.json" "$OUT/payload1.json" "$head1" "$head2" "$T/hashes2" "$T/hashes1" <<'PY' || fail "second payload"
import json, sys
p1 = json.load(open(sys.argv[1], encoding="utf-8"))
p = json.load(open(sys.argv[2], encoding="utf-8"))
head1, head2 = sys.argv[3], sys.argv[4]
now = dict(l.split() for l in open(sys.argv[5]))
before = dict(l.split() for l in open(sys.argv[6]))
assert p["commit"] == head2 and p["parent"] == head1, (p["commit"], p["parent"])
assert p["time"] == "2026-11-28T10:00:00Z"
assert p["counts"] == {"edited":1,"new":1,"gone":1,"back":0,"moved":0,"removed":0}, p["counts"]
kinds = [it["change"] for it in p["items"]]
assert sorted(kinds) == ["edited","gone","new"], kinds
ed = next(it for it in p["items"] if it["change"] == "edited")
assert ed["title"] == "VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000", ed["title"]
# headline and body, as log --json and the commit message say them
assert ed["figures"] == [{"old": "3000", "new": "10.000", "context": "soldaten in Rusland"},
                         {"old": "3000", "new": "10.000", "context": "militairen"}], ed["figures"]
assert ed["old_hash"] == before[ed["path"]] and ed["new_hash"] == now[ed["path"]], ed
assert ed["old_hash"] != ed["new_hash"]
assert ed["id"] in [it["id"] for it in p1["items"]]
new = next(it for it in p["items"] if it["change"] == "new")
assert "Zelensky" in new["title"] and new["old_hash"] is None and new["new_hash"] == now[new["path"]], new
gone = next(it for it in p["items"] if it["change"] == "gone")
assert "Wereldgezondheidsorganisatie" in gone["title"], gone
assert gone["new_hash"] is None, gone
print("payload 2 ok")
PY
ok "second payload: parent, counts, edited item with figures [{old 3000, new 10.000}] x2, new and gone hashes"

# One figure change, one JSON object: the payload's items and log --json's
# changes of the same commit agree on figures and kinds.
rl -C "$A" log --json anp >"$T/log.json"
python3 - "$OUT/payload1.json" "$T/log.json" <<'PY' || fail "payload and log --json disagree"
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
log = json.load(open(sys.argv[2], encoding="utf-8"))
entry = next(e for e in log if e["commit"] == p["commit"])
changes = {c["id"]: c for c in entry["changes"]}
n = 0
for it in p["items"]:
    if it["change"] != "edited":
        continue
    c = changes[it["id"]]
    assert it["figures"] == c["edit"]["figures"], (it["figures"], c["edit"]["figures"])
    assert it.get("kinds", []) == c["edit"]["kinds"], (it.get("kinds"), c["edit"]["kinds"])
    n += len(it["figures"])
assert n == 2, n
PY
ok "the payload's figures and kinds are log --json's, object for object"

E="$OUT/env1"
for kv in REDLINE_HOOK=post-snapshot "REDLINE_ARCHIVE=$A" REDLINE_SOURCE=anp "REDLINE_COMMIT=$head2" \
	REDLINE_SNAPSHOT_TIME=$T2 REDLINE_EDITED=1 REDLINE_NEW=1 REDLINE_GONE=1 REDLINE_REMOVED=0 "GIT_DIR=$A" "OUT=$OUT"; do
	grep -qxF -- "$kv" "$E" || { grep -E '^(REDLINE|GIT)' "$E" >&2; fail "hook env lacks $kv"; }
done
grep -qx "$A" "$OUT/cwd1" || fail "hook cwd should be the archive"
[ "$(grep -c "^post-commit post-commit $head2\$" "$OUT/post-commit.log")" = 1 ] || fail "post-commit after the 2nd commit"
[ "$(wc -l <"$OUT/post-commit.log")" = 2 ] || fail "post-commit once per commit"
ok "REDLINE_* and GIT_DIR in the environment, cwd the archive, post-commit after each commit"

# No commit, no hook.
expect_status 0 rl -C "$A" ingest anp "$P2" --at 2026-11-28T10:30:00Z
assert_contains "$T/out" "no change"
[ ! -e "$OUT/payload2.json" ] || fail "a snapshot without commit ran the hook"
ok "an unchanged snapshot runs no hook"

# A failing hook: warned about, the commit stands.
sed 's/10\.000/11.000/g' "$P2" >"$T/p3.txt"
printf '#!/bin/sh\ncat >/dev/null\necho "hook says no" >&2\nexit 3\n' >"$A/hooks/post-snapshot"
expect_status 0 rl -C "$A" ingest anp "$T/p3.txt" --at 2026-11-28T11:00:00Z
assert_contains "$T/err" "hook 'post-snapshot' exited with status 3"
assert_contains "$T/err" "the commit stands"
cat "$T/out" "$T/err" | grep -q "hook says no" || fail "the hook's output should be shown"
[ "$(commits "$A")" = 3 ] || fail "the commit must stand after a failing hook"
[ "$(wc -l <"$OUT/post-commit.log")" = 3 ] || fail "post-commit runs even when post-snapshot failed"
ok "a hook exiting 3: warning on stderr, exit 0, the commit stands, post-commit still runs"

# --no-hooks runs none.
printf '#!/bin/sh\ntouch "$OUT/ran"\n' >"$A/hooks/post-snapshot"
sed 's/10\.000/12.000/g' "$P2" >"$T/p4.txt"
expect_status 0 rl -C "$A" ingest anp "$T/p4.txt" --at 2026-11-28T12:00:00Z --no-hooks
[ "$(commits "$A")" = 4 ] || fail "--no-hooks should still commit"
[ ! -e "$OUT/ran" ] || fail "--no-hooks ran post-snapshot"
[ "$(wc -l <"$OUT/post-commit.log")" = 3 ] || fail "--no-hooks ran post-commit"
ok "--no-hooks runs neither hook"

# docs/hooks.md: old_hash is null only for `new`; a gone story's file is unchanged,
# so its old_hash is the hash of that file.
python3 - "$OUT/payload1.json" "$T/hashes2" <<'PY' || fail "gone item: old_hash must be the file's hash, not null"
import json, sys
p = json.load(open(sys.argv[1], encoding="utf-8"))
now = dict(l.split() for l in open(sys.argv[2]))
gone = next(it for it in p["items"] if it["change"] == "gone")
assert gone["old_hash"] == now[gone["path"]], gone
PY
ok "gone item: old_hash is the hash of its (unchanged) file"

# A hung hook is killed at its time limit (--hook-timeout, or the archive's
# redline.hook-timeout); the commit stands and redline says so.
printf '#!/bin/sh\nsleep 60\n' >"$A/hooks/post-snapshot"
chmod +x "$A/hooks/post-snapshot"
sed 's/10\.000/13.000/g' "$P2" >"$T/p5.txt"
start=$(date +%s)
expect_status 0 rl -C "$A" ingest anp "$T/p5.txt" --at 2026-11-28T13:00:00Z --hook-timeout 1s
[ $(( $(date +%s) - start )) -lt 20 ] || fail "a hung hook must be killed at its time limit"
assert_contains "$T/err" "timed out"
[ "$(commits "$A")" = 5 ] || fail "the commit stands when a hook hangs"
git config -f "$A/config" redline.hook-timeout 1s
sed 's/10\.000/14.000/g' "$P2" >"$T/p6.txt"
expect_status 0 rl -C "$A" ingest anp "$T/p6.txt" --at 2026-11-28T14:00:00Z
assert_contains "$T/err" "timed out"
ok "a hung hook is killed at --hook-timeout or redline.hook-timeout; the commit stands"
git -C "$A" fsck --strict >/dev/null 2>&1 || fail "git fsck --strict"
done_testing
