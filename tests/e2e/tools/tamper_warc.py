#!/usr/bin/env python3
"""tamper_warc.py IN OUT OLD NEW - rewrites a .warc.gz with OLD replaced by NEW
(same length) in its records, one gzip member per record as before, leaving
every WARC header (and so every digest) as it was: a tampered capture."""
import gzip
import sys
import zlib

data = open(sys.argv[1], "rb").read()
old, new = sys.argv[3].encode(), sys.argv[4].encode()
assert len(old) == len(new)
out, found = b"", False
while data:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    rec = d.decompress(data)
    data = d.unused_data
    if old in rec:
        rec, found = rec.replace(old, new, 1), True
    out += gzip.compress(rec)
if not found:
    sys.exit("tamper_warc.py: %r not found" % old)
open(sys.argv[2], "wb").write(out)
