#!/usr/bin/env python3
"""Reads and writes redline/states.log (docs/archive-format.md) for the e2e
tests: the last record of each source is its state.

  states.py ARCHIVE                  every source's state, by source, one a line
  states.py ARCHIVE SOURCE           SOURCE's state (exit 1 when it has none)
  states.py ARCHIVE SOURCE --put F   appends F's text as SOURCE's state
  states.py ARCHIVE --count          the number of sources with a state
"""
import re
import sys


def records(path):
    last = {}
    try:
        data = open(path, "rb").read()
    except FileNotFoundError:
        return last
    pos = 0
    head = re.compile(rb"S (\d{1,10}) ([a-z0-9._-]{1,64})\n")
    while pos < len(data):
        m = head.match(data, pos)
        if not m:
            break  # a torn tail
        start = m.end()
        end = start + int(m.group(1))
        if end + 1 > len(data):
            break
        last[m.group(2).decode()] = data[start:end]
        pos = end + 1
    return last


def main(argv):
    log = argv[1] + "/redline/states.log"
    if len(argv) == 4 and argv[3] == "--put":
        raise SystemExit("usage: states.py ARCHIVE SOURCE --put FILE")
    if len(argv) == 5 and argv[3] == "--put":
        text = open(argv[4], "rb").read()
        with open(log, "ab") as f:
            f.write(b"S %d %s\n" % (len(text), argv[2].encode()) + text + b"\n")
        return 0
    last = records(log)
    if len(argv) == 3 and argv[2] == "--count":
        print(len(last))
        return 0
    if len(argv) == 3:
        if argv[2] not in last:
            return 1
        sys.stdout.buffer.write(last[argv[2]])
        return 0
    for name in sorted(last):
        sys.stdout.buffer.write(last[name] + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
