#!/usr/bin/env python3
"""gen.py - a NewsEdits-sized stream of RSS snapshots for bench/scale, made
in chunks so that it never sits on disk whole.

The model (defaults give the corpus' shape: 1.28 M stories, ~4.6 M versions,
22 sources): each source's page shows its PAGE newest stories; every
snapshot (one simulated hour apart) brings NEW new stories per source, and
each story on the page is edited with the probability that gives EDITS
edits in its life on the page (versions per story = 1 + EDITS, 3.6 by
default).  Story texts and edits (a figure changed, a sentence replaced or
added) come from bench/ingest/gen.py, so edit sizes are those of real
corrections.  Everything follows from --seed and the chunk: the same
arguments always give byte-identical files.

    gen.py --out DIR --from-snapshot A --to-snapshot B

writes DIR/<source>/snap_<K>.xml for snapshots A..B-1 of every source and
DIR/times.txt, and prints "stories versions raw_bytes" made by them (raw_bytes: the
title and text of each new version, counted once).  The
state of the page before snapshot A is rebuilt deterministically (each
story's text depends only on its id and the edits it had), so chunks can be
made one after another by separate processes.
"""
import argparse
import os
import random
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ingest"))
import gen as base  # noqa: E402  (bench/ingest/gen.py: Story, rss)


def story_rng(seed, source, uid, k):
    return random.Random(f"{seed}:{source}:{uid}:{k}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sources", type=int, default=22)
    ap.add_argument("--page", type=int, default=40)
    ap.add_argument("--new", type=int, default=2, help="new stories per snapshot per source")
    ap.add_argument("--edits", type=float, default=2.6, help="edits in a story's life")
    ap.add_argument("--from-snapshot", type=int, required=True)
    ap.add_argument("--to-snapshot", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    life = a.page / a.new                      # snapshots a story stays on the page
    p_edit = min(1.0, a.edits / life)
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    os.makedirs(a.out, exist_ok=True)
    stories = versions = raw = 0
    with open(os.path.join(a.out, "times.txt"), "w") as tf:
        for k in range(a.from_snapshot, a.to_snapshot):
            tf.write((t0 + timedelta(hours=k)).strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    for s in range(a.sources):
        src = f"s{s:02d}"
        d = os.path.join(a.out, src)
        os.makedirs(d, exist_ok=True)
        # The page just before the first snapshot: stories born in the
        # `life` snapshots before it, each with the edits it had by then.
        page = {}
        first = max(0, a.from_snapshot - int(life) - 1)
        for k in range(first, a.to_snapshot):
            for j in range(a.new):
                uid = k * a.new + j
                page[uid] = [base.Story(story_rng(a.seed, src, uid, "birth"), src, uid), k]
                if k >= a.from_snapshot:
                    st = page[uid][0]
                    stories += 1
                    versions += 1
                    raw += len(st.title) + len(" ".join(st.sentences))
            for uid in sorted(page):
                if uid // a.new < k - life:
                    del page[uid]
            for uid in sorted(page):
                st, born = page[uid]
                if born < k and story_rng(a.seed, src, uid, k).random() < p_edit:
                    st.edit(story_rng(a.seed, src, uid, f"e{k}"))
                    if k >= a.from_snapshot:
                        versions += 1
                        raw += len(st.title) + len(" ".join(st.sentences))
            if k >= a.from_snapshot:
                t = t0 + timedelta(hours=k)
                newest = [page[u][0] for u in sorted(page, reverse=True)]
                text = base.rss(src, t, newest)
                with open(os.path.join(d, f"snap_{k:07d}.xml"), "w") as f:
                    f.write(text)
    print(stories, versions, raw)


if __name__ == "__main__":
    main()
