#!/usr/bin/env python3
"""synth.py - the history of a NewsEdits-sized archive written directly, as
a `git fast-import` stream, so that story history (`redline log/show/diff
STORY`) can be measured at sizes that ingesting would take hours to reach
on this machine.

It is NOT ingest: no page is parsed, no capture is kept (.captures/ is
absent) and the archive comes out as one pack (an ingested one holds up
to gc.autoPackLimit packs).  What it keeps is what story history reads:
the tree layout (<source>/<YYYY-MM>/<slug>-<id>.txt and <source>/INDEX),
story files in redline's format (headers, blank line, one sentence a
line), one commit per source snapshot that changed something, with
redline's message ("<source>: N edited, N new, N gone from page", then
"new|edited|gone <id> <title>" lines and the trailers), and the model of
gen.py: PAGE stories on a page, NEW new ones a snapshot a source, EDITS
edits in a story's life (3.6 versions a story), snapshots an hour apart.

    synth.py --stories N [--sources 22] | git -C ARCHIVE fast-import --quiet
    (then: git -C ARCHIVE update-ref refs/heads/main refs/heads/main)

Prints "stories versions commits" to stderr at the end.  Deterministic:
the same arguments give the same stream.
"""
import argparse
import random
import sys
from datetime import datetime, timedelta, timezone

WORDS = ("budget bridge harbour school rail energy vaccination flood wage "
         "subsidy programme strike repair defence expansion fund deal").split()
CITIES = ("Utrecht Porto Lyon Gdansk Aarhus Bilbao Leipzig Rotterdam Cork "
          "Tartu Brno Graz Turku Split").split()
ACTORS = ("City Council", "Ministry Of Finance", "Central Bank", "Court Of Audit",
          "University Hospital", "Rail Operator", "National Statistics Office")


class Story:
    __slots__ = ("uid", "id", "title", "path", "header", "body", "rng")

    def __init__(self, seed, src, uid, t):
        rng = random.Random(f"{seed}:{src}:{uid}")
        self.rng = rng
        self.uid = uid
        self.id = "%012x" % rng.getrandbits(48)
        what, city = rng.choice(WORDS), rng.choice(CITIES)
        self.title = (f"{rng.choice(ACTORS)} {rng.choice(('approved', 'postponed', 'announced'))} "
                      f"{city} {what} plan after {rng.randint(2, 900)} complaints")
        slug = "-".join(w.lower() for w in self.title.split()[:8])
        self.path = f"{src}/{t:%Y-%m}/{slug}-{self.id}.txt"
        self.header = (f"Title: {self.title}\nURL: https://{src}.example.org/news/{uid}\n"
                       f"GUID: tag:{src}.example.org,2026:{uid}\nSource: {src}\n"
                       f"First-Seen: {t:%Y-%m-%dT%H:%M:%SZ}\nId: {self.id}\n\n")
        self.body = [self.sentence(city, what) for _ in range(rng.randint(5, 9))]

    def sentence(self, city, what):
        r = self.rng
        return r.choice((
            f"The {what} in {city} will cost {r.randint(2, 990)} million euros, officials said.",
            f"About {r.randint(100, 9000)} people attended the meeting in {city} on the {what}.",
            f"The figure is {r.randint(1, 60)}.{r.randint(0, 9)} percent higher than last year.",
            f"Critics said the estimate of {r.randint(10, 900)} million was misleading.",
            f"The {what} follows a report that found {r.randint(2, 400)} problems in "
            f"{r.randint(2, 12)} districts."))

    def edit(self):
        r, city, what = self.rng, self.title.split()[-6], self.title.split()[-5]
        i = r.randrange(len(self.body))
        if r.random() < 0.7:
            self.body[i] = self.sentence(city, what)   # a figure or a sentence replaced
        else:
            self.body.insert(i, self.sentence(city, what))  # a sentence added

    def text(self):
        return self.header + "\n".join(self.body) + "\n"


def data(out, s):
    b = s.encode()
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stories", type=int, required=True)
    ap.add_argument("--sources", type=int, default=22)
    ap.add_argument("--page", type=int, default=40)
    ap.add_argument("--new", type=int, default=2)
    ap.add_argument("--edits", type=float, default=2.6)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    out = sys.stdout.buffer
    life = a.page // a.new
    p_edit = min(1.0, a.edits / life)
    t0 = datetime(2023, 1, 1, tzinfo=timezone.utc)
    pages = [dict() for _ in range(a.sources)]
    rng = random.Random(a.seed)
    stories = versions = commits = 0
    k = 0
    first = True
    while stories < a.stories:
        t = t0 + timedelta(hours=k)
        for s in range(a.sources):
            src = f"s{s:02d}"
            page = pages[s]
            new, edited, gone = [], [], []
            for uid in [u for u in page if page[u][1] < k - life]:
                gone.append(page.pop(uid)[0])
            for st, born in page.values():
                if rng.random() < p_edit:
                    st.edit()
                    edited.append(st)
            for j in range(a.new):
                uid = k * a.new + j
                st = Story(a.seed, src, uid, t)
                page[uid] = (st, k)
                new.append(st)
            stories += len(new)
            versions += len(new) + len(edited)
            commits += 1
            ts = int(t.timestamp())
            msg = [f"{src}: " + ", ".join(x for x in (
                f"{len(edited)} edited" if edited else "", f"{len(new)} new",
                f"{len(gone)} gone from page" if gone else "") if x), ""]
            msg += [f"new {st.id} {st.title}" for st in new]
            msg += [f"edited {st.id} {st.title}" for st in edited]
            msg += [f"gone {st.id} {st.title}" for st in gone]
            msg += ["", f"Source-URL: https://{src}.example.org/news/",
                    f"Snapshot-Time: {t:%Y-%m-%dT%H:%M:%SZ}"]
            out.write(b"commit refs/heads/main\n")
            out.write(b"committer redline <redline@localhost> %d +0000\n" % ts)
            data(out, "\n".join(msg) + "\n")
            if first:
                out.write(b"M 100644 inline .gitattributes\n")
                data(out, "*.txt diff=redline\nINDEX diff=redline\n")
                first = False
            for st in new + edited:
                out.write(b"M 100644 inline %s\n" % st.path.encode())
                data(out, st.text())
            out.write(b"M 100644 inline %s/INDEX\n" % src.encode())
            data(out, "".join(f"{st.id} {st.title}\n" for st, _ in
                              sorted(page.values(), key=lambda x: -x[1])))
            out.write(b"\n")
        k += 1
    print(f"{stories} {versions} {commits}", file=sys.stderr)


if __name__ == "__main__":
    main()
