#!/usr/bin/env python3
"""gen.py - a deterministic stream of RSS 2.0 snapshots for bench/ingest.

For S sources x N stories x K snapshots it writes OUT/src_NNN/snap_KKK.xml
(RSS 2.0; each item has <guid>, <link>, <title>, <description> of a few
news-like sentences with figures, <pubDate>) and OUT/times.txt (one ISO 8601
UTC time per snapshot, shared by every source).

From one snapshot to the next, ~EDIT (default 5 %) of the stories on the page
are edited (a figure changes or a sentence is replaced or added), and now and
then one or two new stories appear at the top while as many drop off the
bottom, so the page keeps N stories. Everything follows from --seed: the same
arguments always give byte-identical files.

With --peer it also writes OUT/peer/src_NNN/snap_KKK.tar: the same snapshot
rendered the way a git-scraping loop would store it (one file per story, one
sentence per line, plus an INDEX), so that the timed peer loop only unpacks
and commits. Only the stdlib is used.
"""
import argparse
import io
import os
import random
import re
import sys
import tarfile
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

PLACES = ["Rotterdam", "Utrecht", "Brussels", "Lyon", "Leipzig", "Porto", "Gdansk",
          "Turin", "Bilbao", "Aarhus", "Graz", "Cork", "Tampere", "Brno", "Malmo"]
ORGS = ["the ministry of finance", "the city council", "the central bank",
        "the port authority", "the national statistics office", "the health agency",
        "the transport union", "the energy regulator", "the university hospital",
        "the court of audit", "the water board", "the rail operator"]
PEOPLE = ["Anna de Vries", "Marc Dubois", "Jonas Keller", "Sofia Marques",
          "Piotr Nowak", "Elena Rossi", "Lars Jensen", "Ines Garcia",
          "Tomas Horak", "Claire Martin", "Niamh Byrne", "Mikko Virtanen"]
TOPICS = [("budget", "euros"), ("housing plan", "homes"), ("wage deal", "workers"),
          ("flood defence", "metres of dike"), ("vaccination drive", "doses"),
          ("rail strike", "trains"), ("tax reform", "households"),
          ("school programme", "pupils"), ("energy subsidy", "households"),
          ("harbour expansion", "containers"), ("bridge repair", "cars a day"),
          ("emergency fund", "euros")]
VERBS = ["announced", "confirmed", "revised", "approved", "rejected", "postponed"]
TEMPLATES = [
    "{Org} {verb} a {topic} worth {n1} million {unit} on {day}.",
    "The figure is {pct} percent higher than last year, when {n2} {unit} were counted.",
    "{Person}, who leads the talks in {place}, said the plan would take {n3} months.",
    "About {n4} people attended the meeting in {place}, according to {org}.",
    "Critics said the estimate of {n1} million was {adj} and asked for an audit.",
    "A spokesperson for {org} declined to comment on the {n5} pending cases.",
    "The vote is expected on {day}, with {n3} of {n6} members in favour so far.",
    "In {place}, {n2} {unit} are affected, up from {n4} in the spring.",
    "{Person} told reporters that {pct} percent of the money had already been spent.",
    "The measure follows a report that found {n5} problems in {n3} districts.",
]
ADJ = ["optimistic", "too low", "misleading", "realistic", "outdated", "premature"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
HEADS = ["{Place} {topic}: {org_short} {verb} {n1} million plan",
         "{Person} defends {topic} as costs reach {n1} million",
         "{N2} {unit} hit as {topic} stalls in {place}",
         "{Org_short} {verb} {topic} after {n5} complaints",
         "Vote on {place} {topic} set for {day}"]


def fill(rng, tpl, ctx):
    """Fill template TPL with the story's context CTX plus fresh figures."""
    v = dict(ctx)
    v.update(n1=rng.randint(2, 950), n2=f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}",
             n3=rng.randint(2, 48), n4=f"{rng.randint(1, 40) * 50}",
             n5=rng.randint(3, 400), n6=rng.randint(50, 150),
             pct=f"{rng.randint(1, 40)}.{rng.randint(0, 9)}",
             adj=rng.choice(ADJ), day=rng.choice(DAYS), verb=rng.choice(VERBS))
    v["N2"] = v["n2"]
    s = tpl.format(**v)
    return s[0].upper() + s[1:]


class Story:
    __slots__ = ("uid", "ctx", "title", "sentences")

    def __init__(self, rng, source, uid):
        self.uid = uid
        topic, unit = rng.choice(TOPICS)
        org = rng.choice(ORGS)
        self.ctx = dict(place=rng.choice(PLACES), org=org,
                        Org=org[0].upper() + org[1:],
                        org_short=org.replace("the ", "").title(),
                        person=rng.choice(PEOPLE), topic=topic, unit=unit)
        self.ctx["Place"] = self.ctx["place"]
        self.ctx["Person"] = self.ctx["person"]
        self.ctx["Org_short"] = self.ctx["org_short"]
        self.title = fill(rng, rng.choice(HEADS), self.ctx)
        self.sentences = [fill(rng, t, self.ctx)
                          for t in rng.sample(TEMPLATES, rng.randint(4, 7))]

    def edit(self, rng):
        """Change one figure, replace a sentence or add one; never a no-op."""
        before = list(self.sentences)
        while self.sentences == before:
            r = rng.random()
            i = rng.randrange(len(self.sentences))
            if r < 0.6:
                nums = list(re.finditer(r"\d+", self.sentences[i]))
                if nums:
                    m = rng.choice(nums)
                    s = self.sentences[i]
                    self.sentences[i] = s[:m.start()] + str(int(m.group()) + rng.randint(1, 9)) + s[m.end():]
            elif r < 0.85 or len(self.sentences) >= 9:
                self.sentences[i] = fill(rng, rng.choice(TEMPLATES), self.ctx)
            else:
                self.sentences.append(fill(rng, rng.choice(TEMPLATES), self.ctx))


def rfc822(t):
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


def rss(source, t, stories):
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n')
    out.write(f"<title>{source} news</title>\n<link>https://{source}.example.org/</link>\n")
    out.write(f"<description>Latest news from {source}</description>\n")
    out.write(f"<lastBuildDate>{rfc822(t)}</lastBuildDate>\n")
    for s in stories:
        url = f"https://{source}.example.org/news/{s.uid}"
        out.write("<item>\n")
        out.write(f"<title>{escape(s.title)}</title>\n<link>{url}</link>\n")
        out.write(f'<guid isPermaLink="false">tag:{source}.example.org,2026:{s.uid}</guid>\n')
        out.write(f"<description>{escape(' '.join(s.sentences))}</description>\n")
        out.write("</item>\n")
    out.write("</channel>\n</rss>\n")
    return out.getvalue()


def peer_tar(source, t, stories, first_seen):
    """The snapshot as a git scraper would keep it: a file per story + INDEX."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        def add(name, text):
            data = text.encode()
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = int(t.timestamp())
            tf.addfile(ti, io.BytesIO(data))
        index = []
        for s in stories:
            sid = f"{s.uid:08d}"
            index.append(f"{sid} {s.title}\n")
            body = (f"Title: {s.title}\nURL: https://{source}.example.org/news/{s.uid}\n"
                    f"Source: {source}\nFirst-Seen: {first_seen[s.uid]}\n\n"
                    + "".join(x + "\n" for x in s.sentences))
            add(f"{source}/{sid}.txt", body)
        add(f"{source}/INDEX", "".join(index))
    return bio.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", "-S", type=int, default=200)
    ap.add_argument("--stories", "-N", type=int, default=50)
    ap.add_argument("--snapshots", "-K", type=int, default=20)
    ap.add_argument("--edit", type=float, default=0.05, help="share of stories edited per snapshot")
    ap.add_argument("--churn", type=float, default=0.3,
                    help="chance per snapshot that 1-2 stories drop off and new ones appear")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2026-03-02T06:00:00Z")
    ap.add_argument("--interval-min", type=int, default=30)
    ap.add_argument("--peer", action="store_true", help="also write the peer's tar files")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    t0 = datetime.strptime(a.start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    times = [t0 + timedelta(minutes=a.interval_min * k) for k in range(a.snapshots)]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "times.txt"), "w") as f:
        f.writelines(t.strftime("%Y-%m-%dT%H:%M:%SZ") + "\n" for t in times)

    total_items = edits = news = 0
    for si in range(a.sources):
        source = f"src{si:03d}"
        rng = random.Random(f"{a.seed}/{source}")
        next_uid = si * 1_000_000
        stories = []
        first_seen = {}
        for _ in range(a.stories):
            stories.append(Story(rng, source, next_uid))
            first_seen[next_uid] = times[0].strftime("%Y-%m-%dT%H:%M:%SZ")
            next_uid += 1
        sdir = os.path.join(a.out, source)
        os.makedirs(sdir, exist_ok=True)
        if a.peer:
            pdir = os.path.join(a.out, "peer", source)
            os.makedirs(pdir, exist_ok=True)
        for k, t in enumerate(times):
            if k > 0:
                # Expected share exactly EDIT: round down or up at random.
                frac = a.edit * len(stories) - int(a.edit * len(stories))
                n_edit = int(a.edit * len(stories)) + (1 if rng.random() < frac else 0)
                for s in rng.sample(stories, n_edit):
                    s.edit(rng)
                edits += n_edit
                if rng.random() < a.churn:
                    n_new = rng.randint(1, 2)
                    for _ in range(n_new):
                        stories.pop()
                        s = Story(rng, source, next_uid)
                        first_seen[next_uid] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
                        next_uid += 1
                        stories.insert(0, s)
                    news += n_new
            total_items += len(stories)
            with open(os.path.join(sdir, f"snap_{k:03d}.xml"), "w") as f:
                f.write(rss(source, t, stories))
            if a.peer:
                with open(os.path.join(pdir, f"snap_{k:03d}.tar"), "wb") as f:
                    f.write(peer_tar(source, t, stories, first_seen))
    print(f"sources={a.sources} snapshots={a.sources * a.snapshots} "
          f"story_snapshots={total_items} edits={edits} new={news}", file=sys.stderr)


if __name__ == "__main__":
    main()
