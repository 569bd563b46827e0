#!/bin/bash
# bench/history/verify.sh - is synth_archive's archive the one `redline
# ingest` writes?  One stream, both ways:
#   A: synth_archive --rss writes the RSS files and list.tsv, and its
#      fast-import stream goes into archive B;
#   `redline ingest --list list.tsv` of those files writes archive A.
# Then, commit by commit in order: the messages (capture uuids aside: they
# are random), the files each commit changed outside .captures/ (paths and
# blob ids), the capture paths up to their uuid (and the folder of its
# first random digit), the capture files
# gunzipped (uuids aside); the final trees outside .captures/; and
# `redline log`, `show`, `diff` of SAMPLE (150) story paths spread over all (commit ids mapped to
# their place in the history, since the capture names differ).
#
#   bench/history/verify.sh            STORIES=600 SOURCES=3 (a few seconds)
#   STORIES=5000 SOURCES=22 bench/history/verify.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
SYNTH=${SYNTH:-$ROOT/build/synth_archive}
STORIES=${STORIES:-600}
SOURCES=${SOURCES:-3}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-history-verify-XXXXXX")
trap '[ "${KEEP:-0}" = 1 ] && echo "# kept $TMP" >&2 || rm -rf "$TMP"' EXIT
A=$TMP/ingested B=$TMP/synth
"$REDLINE" init "$A" >/dev/null
"$REDLINE" init "$B" >/dev/null
"$SYNTH" --archive "$B" --stories "$STORIES" --sources "$SOURCES" --rss "$TMP/rss" \
	>"$TMP/stream" 2>"$TMP/counts"
git -C "$B" fast-import --quiet <"$TMP/stream"
(cd "$TMP/rss" && "$REDLINE" -C "$A" ingest --no-hooks --format rss --new-sources \
	--list list.tsv >/dev/null)
echo "# synth_archive: $(cat "$TMP/counts") (stories versions commits)"
python3 - "$A" "$B" "$REDLINE" <<'PY'
import gzip, re, subprocess, sys
A, B, redline = sys.argv[1:4]
UUID = re.compile(rb"urn:uuid:[0-9a-f-]{36}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                  rb"|(?<=^\.captures/\d{4}-\d\d/\d\d/\d\d/)[0-9a-f](?=/)")
def git(repo, *a):
    return subprocess.run(["git", "-C", repo, *a], check=True, capture_output=True).stdout
def commits(repo):
    return git(repo, "rev-list", "--reverse", "--first-parent", "main").decode().split()
ca, cb = commits(A), commits(B)
assert len(ca) == len(cb), f"commit count: ingest {len(ca)}, synth {len(cb)}"
bad = 0
def fail(what):
    global bad
    bad += 1
    if bad <= 10:
        print("DIFFERS:", what)
def changed(repo, c):
    out = git(repo, "diff-tree", "-r", "--root", "--no-commit-id", c)
    files, caps = [], []
    for line in out.splitlines():
        meta, path = line.split(b"\t", 1)
        (caps if path.startswith(b".captures/") else files).append(
            UUID.sub(b"U", path) if path.startswith(b".captures/") else line)
        if path.startswith(b".captures/"):
            caps[-1] = (caps[-1], meta.split()[3])
    return files, caps
for i, (a, b) in enumerate(zip(ca, cb)):
    ma = UUID.sub(b"U", b"\n".join(l for l in git(A, "cat-file", "commit", a).split(b"\n")
                                if not l.startswith((b"tree ", b"parent "))))
    mb = UUID.sub(b"U", b"\n".join(l for l in git(B, "cat-file", "commit", b).split(b"\n")
                                if not l.startswith((b"tree ", b"parent "))))
    if ma != mb:
        fail(f"message of commit {i}:\n{ma.decode()}\n---\n{mb.decode()}")
    fa, capa = changed(A, a)
    fb, capb = changed(B, b)
    if fa != fb:
        fail(f"files of commit {i}: {fa} vs {fb}")
    if [p for p, _ in capa] != [p for p, _ in capb]:
        fail(f"capture paths of commit {i}: {capa} vs {capb}")
    for (_, ba), (_, bb) in zip(capa, capb):
        wa = UUID.sub(b"U", gzip.decompress(git(A, "cat-file", "blob", ba.decode())))
        wb = UUID.sub(b"U", gzip.decompress(git(B, "cat-file", "blob", bb.decode())))
        if wa != wb:
            fail(f"capture of commit {i}")
def outside(repo):
    return b"\n".join(l for l in git(repo, "ls-tree", "-r", "main").splitlines()
                      if not l.split(b"\t", 1)[1].startswith(b".captures/"))
ta, tb = outside(A), outside(B)
if ta != tb:
    fail("final tree outside .captures/")
paths = [l.split(b"\t", 1)[1].decode() for l in ta.splitlines() if l.endswith(b".txt")]
# commit ids in the commands' output, mapped to their place in the history
def mapper(cs):
    full = {c: i for i, c in enumerate(cs)}
    def sub(m):
        t = m.group(0).decode()
        hits = [i for c, i in full.items() if c.startswith(t)] if len(t) < 40 else \
            ([full[t]] if t in full else [])
        return f"C{hits[0]}".encode() if len(hits) == 1 else m.group(0)
    return lambda s: re.sub(rb"\b[0-9a-f]{7,40}\b", sub, s)
na, nb = mapper(ca), mapper(cb)
compared = 0
for p in paths[:: max(1, len(paths) // int(__import__("os").environ.get("SAMPLE", "150")))]:
    for cmd in (["log"], ["show"], ["diff"], ["show", "--json"]):
        oa = subprocess.run([redline, "-C", A, *cmd, p], capture_output=True)
        ob = subprocess.run([redline, "-C", B, *cmd, p], capture_output=True)
        if oa.returncode != ob.returncode or na(oa.stdout) != nb(ob.stdout):
            fail(f"redline {' '.join(cmd)} {p}")
        compared += 1
print(f"# {len(ca)} commits, {len(paths)} stories, {compared} log/show/diff outputs compared: "
      + ("SAME" if bad == 0 else f"{bad} DIFFERENCES"))
sys.exit(1 if bad else 0)
PY
