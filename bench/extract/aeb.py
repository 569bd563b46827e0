#!/usr/bin/python3
"""Runs redline and readability-lxml on the Scrapinghub/Zyte article
extraction benchmark (181 news pages, html/*.html.gz, hand-made
ground-truth.json; MIT licence) and scores both with the benchmark's OWN
evaluate.py (4-gram shingle precision/recall/F1), run in a temporary copy of
the benchmark so that nothing of it lands in this repository.  Also counts,
per extractor, pages with an empty body, pages redline split into several
stories, and pages under 0.5 F1 (per-page shingle F1, computed here).

usage: aeb.py RL_EXTRACT_DUMP AEB_DIR [--worst N]
"""
import collections, gzip, json, os, re, shutil, subprocess, sys, tempfile

from common import peer, redline

WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text, n=4):
    toks = WORD.findall(text or "")
    return collections.Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])


def page_f1(got, want):
    g, w = shingles(got), shingles(want)
    tp = sum((g & w).values())
    if not w:
        return 1.0 if not g else 0.0
    p = tp / sum(g.values()) if g else 0.0
    r = tp / sum(w.values())
    return 2 * p * r / (p + r) if p + r else 0.0


def main():
    tool, aeb = sys.argv[1], sys.argv[2]
    worst = int(sys.argv[sys.argv.index("--worst") + 1]) if "--worst" in sys.argv else 0
    with open(os.path.join(aeb, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    tmp = tempfile.mkdtemp(prefix="aeb.")
    try:
        shutil.copy(os.path.join(aeb, "evaluate.py"), tmp)
        shutil.copy(os.path.join(aeb, "ground-truth.json"), tmp)
        os.mkdir(os.path.join(tmp, "output"))
        rl_out, peer_out, rows = {}, {}, []
        for key in sorted(truth):
            with gzip.open(os.path.join(aeb, "html", key + ".html.gz"), "rb") as f:
                raw = f.read()
            page = os.path.join(tmp, "page.html")
            with open(page, "wb") as f:
                f.write(raw)
            text, n = redline(tool, page, truth[key].get("url") or "https://example.org/page")
            ptext = peer(raw.decode("utf-8", "replace"), block_lines=True)
            rl_out[key] = {"articleBody": text}
            peer_out[key] = {"articleBody": ptext}
            want = truth[key].get("articleBody", "")
            rows.append((key, truth[key].get("url", ""), page_f1(text, want), n, page_f1(ptext, want), not text.strip(), not ptext.strip()))
        for name, out in (("redline", rl_out), ("readability-lxml", peer_out)):
            with open(os.path.join(tmp, "output", name + ".json"), "w", encoding="utf-8") as f:
                json.dump(out, f)
        print(f"pages: {len(rows)} (Scrapinghub/Zyte article-extraction-benchmark; scored by its evaluate.py)")
        sys.stdout.flush()
        subprocess.run(["/usr/bin/python3", "evaluate.py", "--n-bootstrap", "200"], cwd=tmp, check=True)
        print(f"\n{'extractor':<20}{'empty':>7}{'multi':>7}{'<0.5 F1':>9}")
        print(f"{'redline':<20}{sum(r[5] for r in rows):>7}{sum(r[3] > 1 for r in rows):>7}{sum(r[2] < 0.5 for r in rows):>9}")
        print(f"{'readability-lxml':<20}{sum(r[6] for r in rows):>7}{0:>7}{sum(r[4] < 0.5 for r in rows):>9}")
        if worst:
            print("\nworst pages for redline (F1 redline / peer, stories, url):")
            for key, url, f1, n, pf1, _, _ in sorted(rows, key=lambda r: r[2] - r[4])[:worst]:
                print(f"  {key[:12]} {f1:.3f} / {pf1:.3f}  {n:>3}  {url[:90]}")
    finally:
        shutil.rmtree(tmp)


main()
