#!/usr/bin/env python3
"""report.py - bench/cycle's table from the runner's results.tsv.

Rows of results.tsv: N, tool, run, wall s, peak RSS KiB, objects written
(or na), store growth KiB, HTTP 200s, HTTP 304s, exit code, packs in the
repository after the run (or na); a wall time of
"pending" marks a tool that could not run yet. Ratios are redline / peer:
below 1 means redline took less time, memory or space.
"""
import os

rows = {}
order_n = []
for line in open(os.environ["RESULTS"]):
    f = line.rstrip("\n").split("\t")
    n, tool, run = f[0], f[1], f[2]
    if n not in order_n:
        order_n.append(n)
    rows[(n, tool, run)] = f[3:]

RUNS = ["first", "304", "full-GET", "10%"]
TOOLS = ["redline", "urlwatch", "git"]
METRICS = [("wall time (s)", 0, lambda v: float(v)),
           ("peak RSS (MiB)", 1, lambda v: int(v) / 1024),
           ("objects written", 2, lambda v: int(v)),
           ("store growth (KiB)", 3, lambda v: int(v)),
           ("packs after the run", 7, lambda v: int(v)),
           ("HTTP 200 / 304", None, None)]


def cell(n, tool, run, idx, conv):
    r = rows.get((n, tool, run))
    if r is None:
        return None, "skipped"
    if r[0] == "pending":
        return None, "pending"
    if idx is None:
        return None, f"{r[4]} / {r[5]}"
    if idx >= len(r) or r[idx] in ("na", ""):
        return None, "n/a"
    v = conv(r[idx])
    return v, (f"{v:,.2f}" if isinstance(v, float) else f"{v:,}")


def ratio(a, b):
    if a is None or b is None or b == 0:
        return ""
    return f"{a / b:.2f}"


print(f"bench/cycle  {os.environ.get('DATE', '')}  nproc={os.environ.get('NPROC', '?')}")
print("ratio = redline / peer (below 1: redline took less time, memory or space)")
for n in order_n:
    print(f"\nN = {n} pages\n")
    print("| run | metric | redline | urlwatch | git scraping | redline/urlwatch | redline/git |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for run in RUNS:
        for name, idx, conv in METRICS:
            vals = {t: cell(n, t, run, idx, conv) for t in TOOLS}
            print(f"| {run} | {name} | {vals['redline'][1]} | {vals['urlwatch'][1]} | "
                  f"{vals['git'][1]} | {ratio(vals['redline'][0], vals['urlwatch'][0])} | "
                  f"{ratio(vals['redline'][0], vals['git'][0])} |")
bad = [k for k, r in rows.items() if r[0] != "pending" and r[6] not in ("0", "1" if k[1] == "urlwatch" else "0")]
if bad:
    print("\nnon-zero exit: " + ", ".join("/".join(k) + f" rc={rows[k][6]}" for k in bad))
