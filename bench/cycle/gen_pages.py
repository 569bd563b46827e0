#!/usr/bin/env python3
"""gen_pages.py - deterministic HTML listing pages for bench/cycle.

    gen_pages.py --out DIR -n 1000              # writes DIR/p0000.html ...
    gen_pages.py --out DIR -n 1000 --change 0.10 --round 1

Each page is a news section front (~25 KB): a header and navigation, ~30
<article> elements (h2 > a[href] and a <p> lead of four to nine sentences with
figures, a <time>) and a footer. The first form writes every page in its
round-0 version. The second rewrites only the pages picked for ROUND (CHANGE
of them, seeded), in which one to three leads get a new figure or sentence
and sometimes a new story appears at the top; the other files are not
touched, so their mtime, and nginx's ETag and Last-Modified, stay the same.
Page content is a pure function of (seed, page, round).
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ingest"))
from gen import Story  # noqa: E402  (the same sentence generator as bench/ingest)

SECTIONS = ["Politics", "Economy", "World", "Science", "Culture", "Sport", "Local", "Opinion"]


def page_stories(seed, page, rnd):
    rng = random.Random(f"{seed}/page{page}")
    uid = page * 10_000
    stories = []
    for _ in range(30):
        stories.append(Story(rng, f"site{page}", uid))
        uid += 1
    for r in range(1, rnd + 1):
        erng = random.Random(f"{seed}/page{page}/round{r}")
        for s in erng.sample(stories, erng.randint(1, 3)):
            s.edit(erng)
        if erng.random() < 0.5:
            stories.pop()
            stories.insert(0, Story(erng, f"site{page}", page * 10_000 + 1000 + r))
    return stories


def render(page, stories):
    sec = SECTIONS[page % len(SECTIONS)]
    out = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
           f"<title>{sec} - The Example Courier (page {page})</title>\n",
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
           '<link rel="stylesheet" href="/static/site.css">\n</head>\n<body>\n',
           '<header class="site-header"><a class="logo" href="/">The Example Courier</a>\n<nav><ul>\n']
    out += [f'<li><a href="/{s.lower()}/">{s}</a></li>\n' for s in SECTIONS]
    out.append('</ul></nav>\n<form class="search" action="/search"><input name="q"></form>\n</header>\n')
    out.append(f'<main id="content">\n<h1>{sec}</h1>\n<section class="listing">\n')
    for i, s in enumerate(stories):
        href = f"/{sec.lower()}/{s.uid}-{'-'.join(s.title.lower().split()[:6])}"
        href = "".join(c for c in href if c.isalnum() or c in "/-")
        lead = " ".join(s.sentences)
        out.append(f'<article class="teaser" data-id="{s.uid}">\n'
                   f'<h2 class="teaser__title"><a href="{href}">{s.title}</a></h2>\n'
                   f'<p class="teaser__lead">{lead}</p>\n'
                   f'<footer><span class="byline">By {s.ctx["person"]}</span> '
                   f'<time datetime="2026-03-02T{6 + i % 12:02d}:{(7 * i) % 60:02d}:00Z">'
                   f'{6 + i % 12:02d}:{(7 * i) % 60:02d}</time></footer>\n</article>\n')
        if i % 10 == 9:
            out.append('<aside class="ad" data-slot="listing"><a href="/subscribe">'
                       'Subscribe for unlimited access</a></aside>\n')
    out.append('</section>\n</main>\n<footer class="site-footer"><p>&copy; 2026 The Example Courier. '
               'All rights reserved.</p>\n<ul><li><a href="/about">About</a></li>'
               '<li><a href="/privacy">Privacy</a></li><li><a href="/contact">Contact</a></li></ul>\n'
               '</footer>\n</body>\n</html>\n')
    return "".join(out)


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", "--pages", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--change", type=float, default=None, help="share of pages to change")
    ap.add_argument("--round", type=int, default=1)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.change is None:
        pages, rnd = range(a.pages), 0
    else:
        rng = random.Random(f"{a.seed}/change/{a.round}")
        pages, rnd = sorted(rng.sample(range(a.pages), round(a.change * a.pages))), a.round
    total = 0
    for p in pages:
        html = render(p, page_stories(a.seed, p, rnd))
        total += len(html)
        write(os.path.join(a.out, f"p{p:04d}.html"), html)
    print(f"wrote {len(pages)} pages, {total // max(1, len(pages))} bytes on average", file=sys.stderr)


if __name__ == "__main__":
    main()
