#!/usr/bin/python3
"""Scores main-text extraction: token precision, recall and F1 of each
extractor's text against the page's expected.html, averaged over pages
(the measure of the trafilatura and Scrapinghub evaluations: bags of words,
each word counted as often as it occurs).  Also counts pages whose body came
out empty while the truth has text, and pages that came out as more than one
story (redline only: readability always gives one block).

usage: score.py RL_EXTRACT_DUMP PAGES_DIR [--worst N]
"""
import collections, os, re, sys

from common import html_text, peer, redline

WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text):
    return collections.Counter(w.lower() for w in WORD.findall(text or ""))


def prf(got, want):
    if not want:
        return None
    common = sum((got & want).values())
    p = common / sum(got.values()) if got else 0.0
    r = common / sum(want.values())
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main():
    tool, pages = sys.argv[1], sys.argv[2]
    worst = int(sys.argv[sys.argv.index("--worst") + 1]) if "--worst" in sys.argv else 0
    rows = []
    for name in sorted(os.listdir(pages)):
        src = os.path.join(pages, name, "source.html")
        exp = os.path.join(pages, name, "expected.html")
        if not (os.path.exists(src) and os.path.exists(exp)):
            continue
        with open(exp, encoding="utf-8", errors="replace") as f:
            want = tokens(html_text(f.read()))
        if not want:
            continue
        with open(src, encoding="utf-8", errors="replace") as f:
            html = f.read()
        rl_text, n = redline(tool, src, "https://example.org/page")
        rows.append((name, prf(tokens(rl_text), want), n, prf(tokens(peer(html)), want)))
    print(f"pages: {len(rows)} (Mozilla Readability test pages with a non-empty expected text)")
    print(f"{'extractor':<22}{'precision':>10}{'recall':>8}{'F1':>8}{'empty':>7}{'multi':>7}")
    for label, idx in (("redline", 1), ("readability-lxml 0.8", 3)):
        m = [r[idx] for r in rows]
        p = sum(x[0] for x in m) / len(m)
        r = sum(x[1] for x in m) / len(m)
        f = sum(x[2] for x in m) / len(m)
        empty = sum(1 for x in m if x[1] == 0)
        multi = sum(1 for row in rows if row[2] > 1) if idx == 1 else 0
        print(f"{label:<22}{p:>10.3f}{r:>8.3f}{f:>8.3f}{empty:>7}{multi:>7}")
    if worst:
        print("\nworst pages for redline (F1 redline / peer, stories):")
        for name, m, n, pm in sorted(rows, key=lambda r: r[1][2])[:worst]:
            print(f"  {name:<40} {m[2]:.3f} / {pm[2]:.3f}  P {m[0]:.2f} R {m[1]:.2f}  {n}")


main()
