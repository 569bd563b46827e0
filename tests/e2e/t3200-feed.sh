#!/bin/bash
# redline feed: Atom 1.0 of the edits, read back by an independent parser
# (Debian's python3-feedparser).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8
PYF=/usr/bin/python3
"$PYF" -c 'import feedparser' 2>/dev/null || fail "python3-feedparser is missing (scripts/deps.sh installs it)"
A="$T/a.git"
rl init "$A" >/dev/null
rss_feed "$T/1.xml" "a|Soldiers: 3000 &amp; counting|The Pentagon counted 3000 soldiers. Others disagree." "b|Second story &lt;b&gt;|Nothing changes here."
rss_feed "$T/2.xml" "a|Soldiers: 10.000 &amp; counting|The Pentagon counted 10.000 soldiers. Others disagree." "b|Second story &lt;b&gt;|Nothing changes here, really."
rl -C "$A" ingest one "$T/1.xml" --at 2026-11-28T09:00:00Z >/dev/null
rl -C "$A" ingest one "$T/2.xml" --at 2026-11-28T10:00:00Z >/dev/null
rl -C "$A" ingest two "$T/1.xml" --at 2026-11-28T11:00:00Z >/dev/null
head=$(git -C "$A" rev-parse HEAD~1)

rl -C "$A" feed one -o "$T/one.xml"
rl -C "$A" feed >"$T/all.xml"
rl -C "$A" feed one --kind figures >"$T/fig.xml"
"$PYF" - "$T" "$head" <<'PY'
import feedparser, sys
T, head = sys.argv[1], sys.argv[2]
one = feedparser.parse(T + "/one.xml")
assert not one.bozo, one.bozo_exception
assert one.version == "atom10", one.version
assert one.feed.title == "redline: one", one.feed.title
assert len(one.entries) == 4, [e.title for e in one.entries]   # 2 edits, 2 new
e = one.entries[0] if "figures" in [t.term for t in one.entries[0].tags] else one.entries[1]
assert e.title == "Soldiers: 10.000 & counting", e.title
assert e.link == "https://example.nl/a", e.link
kinds = [t.term for t in e.tags]
assert kinds == ["headline", "edited", "figures"], kinds
assert e.rl_commit == head, (e.rl_commit, head)
assert "figures 3000 → 10.000" in e.summary, e.summary
html = e.content[0].value
assert "<del>3000</del>" in html and "<ins>10.000</ins>" in html, html  # feedparser's sanitizer drops <mark>
assert e.updated == "2026-11-28T10:00:00Z"
b = [x for x in one.entries if x.link == "https://example.nl/b"][0]
assert b.title == "Second story", b.title
allf = feedparser.parse(T + "/all.xml")
assert not allf.bozo and len(allf.entries) == 6, len(allf.entries)
fig = feedparser.parse(T + "/fig.xml")
assert not fig.bozo and [x.title for x in fig.entries] == ["Soldiers: 10.000 & counting"], fig.entries
PY
assert_contains "$T/one.xml" "&lt;mark class=&quot;fig&quot;&gt;10.000&lt;/mark&gt;"
ok "Atom 1.0 read by feedparser: titles, links, kinds as categories, HTML diff with figures marked, commit id"
expect_status 1 rl -C "$A" feed nosuch
assert_contains "$T/err" "no source named 'nosuch'"
expect_status 2 rl -C "$A" feed --kind nope
ok "unknown source and kind refused"
E="$T/e.git"
rl init "$E" >/dev/null
rl -C "$E" feed >"$T/empty.xml"
"$PYF" -c 'import feedparser,sys; d=feedparser.parse(sys.argv[1]); assert not d.bozo and d.version=="atom10" and not d.entries' "$T/empty.xml"
ok "an empty archive gives an empty, valid feed"
done_testing
