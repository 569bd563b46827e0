#!/bin/bash
# Reading the archive (issue 11): edit kinds, readable diffs, log --kind,
# reverts, clear messages.  Snapshots are small RSS feeds ingested here.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8
A="$T/a.git"
rl init "$A" >/dev/null

ing() { rl -C "$A" ingest "$@" >/dev/null; }

P1="Luis Muñoz Marín was the first elected governor of Puerto Rico. The New York Times reported on the election in 1948. Turnout was high across the island. Officials counted 3000 ballots by noon on 29 November."
P2="A short new introduction opens the story now. The New York Times reported extensively on the election in 1948. Turnout was high across the island. Officials counted 10.000 ballots by noon on 30 November. Luis Muñoz Marín was the first elected governor of the island."
OTHER="other|Another story entirely|Nothing in this one changes at all."
rss_feed "$T/1.xml" "gov|Governor elected in Puerto Rico|$P1" "$OTHER"
rss_feed "$T/2.xml" "gov|Governor elected in Puerto Rico, officials say|$P2" "$OTHER"
ing src "$T/1.xml" --at 2026-11-28T09:00:00Z
ing src "$T/2.xml" --at 2026-11-28T10:00:00Z

# --- diff: sentences matched first, then word by word -------------------
rl -C "$A" diff Governor >"$T/d"
assert_contains "$T/d" "headline: Governor elected in Puerto Rico{+, officials say+}"
assert_contains "$T/d" "kinds: headline, added, edited, moved, figures"
assert_contains "$T/d" "figures: ballots: 3000 → 10.000"
assert_contains "$T/d" "+ {+A short new introduction opens the story now.+}"
assert_contains "$T/d" "~ The New York Times reported {+extensively +}on the election in 1948."
assert_contains "$T/d" "> (moved from sentence 1) Luis Muñoz Marín was the first elected governor of [-Puerto Rico-]{+the island+}."
assert_contains "$T/d" "~ Officials counted [-3000-]{+10.000+} ballots by noon on [-29-]{+30+} November."
assert_not_contains "$T/d" "[-Luis-]"
ok "diff matches sentences: an edited sentence against its old self, a move as a move, no word soup"
assert_not_contains "$T/d" "29 →"
assert_not_contains "$T/d" "1948 →"
ok "the figures line leaves out dates and years"
rl -C "$A" diff Governor -U 0 >"$T/d0"
assert_not_contains "$T/d0" "  Turnout was high"
rl -C "$A" diff Governor -U 1 >"$T/d1"
assert_contains "$T/d1" "  Turnout was high across the island."
ok "-U N shows N unchanged sentences around a change"
from=$(git -C "$A" rev-parse HEAD~1 | cut -c1-12)
head -1 "$T/d" | grep -q "\.\.$(git -C "$A" rev-parse HEAD | cut -c1-12)$" || fail "diff header"
grep -q " $from\.\." "$T/d" || fail "from is not the story's previous revision"
rl -C "$A" diff Governor --json >"$T/d.json"
python3 - "$T/d.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["kinds"] == ["headline", "added", "edited", "moved", "figures"], d["kinds"]
assert d["headline"]["old"] == "Governor elected in Puerto Rico", d["headline"]
ops = [s["op"] for s in d["sentences"]]
assert ops == ["added", "edited", "same", "edited", "moved"], ops
assert d["sentences"][4]["old_no"] == 1 and d["sentences"][4]["new_no"] == 5
assert {"old": "3000", "new": "10.000", "context": "ballots"} in d["figures"], d["figures"]
assert d["sentences_moved"] == 1 and d["reverted_to"] is None
PY
ok "diff --json has the same structure: headline, kinds, sentences with ops, figures"

# --- the kinds at ingest: in the commit message and the hook payload ------
D="$T/d.git"
rl init "$D" >/dev/null
printf '#!/bin/sh\ncat >"%s"\n' "$T/payload.json" >"$D/hooks/post-snapshot"
chmod +x "$D/hooks/post-snapshot"
rl -C "$D" ingest src "$T/1.xml" --at 2026-11-28T09:00:00Z >/dev/null
rl -C "$D" ingest src "$T/2.xml" --at 2026-11-28T10:00:00Z >/dev/null
git -C "$D" log -1 --format=%B >"$T/msg"
assert_contains "$T/msg" "    headline changed; 2 sentences edited, 1 added, 1 moved; figures ballots: 3000 → 10.000"
python3 - "$T/payload.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ed = [i for i in d["items"] if i["change"] == "edited"][0]
assert ed["kinds"] == ["headline", "added", "edited", "moved", "figures"], ed
assert ed["edit"].startswith("headline changed; 2 sentences edited"), ed
PY
rl -C "$D" log src >"$T/l"
[ "$(grep -c '^[0-9a-f]\{12\} ' "$T/l")" = 2 ] || { cat "$T/l"; fail "log reads the message with its kinds line"; }
ok "ingest writes the kinds into the commit message and the hook payload"

# --- a story from another source with the same id; a revert; a notice ----
rss_feed "$T/3.xml" "gov|Governor elected in Puerto Rico|$P1" "$OTHER"
ing src "$T/3.xml" --at 2026-11-28T11:00:00Z
rl -C "$A" diff Governor >"$T/d"
assert_contains "$T/d" "kinds: revert"
assert_contains "$T/d" "reverted to $(git -C "$A" rev-parse HEAD~2 | cut -c1-12)"
rl -C "$A" log Governor >"$T/l"
grep -q "^    reverted to $(git -C "$A" rev-parse HEAD~2 | cut -c1-12)$" "$T/l" || { cat "$T/l"; fail "log: revert"; }
ok "text equal to an earlier revision is a revert, in diff and log"
rss_feed "$T/4.xml" "gov|Governor elected in Puerto Rico|$P1 Correction: An earlier version of this story misstated the turnout." "$OTHER"
ing src "$T/4.xml" --at 2026-11-28T12:00:00Z
rl -C "$A" diff Governor >"$T/d"
assert_contains "$T/d" "kinds: added, correction"
assert_contains "$T/d" "notice: Correction: An earlier version of this story misstated the turnout."
rss_feed "$T/5.xml" "gov|Governor elected in Puerto Rico.|$P1 Correction: An earlier version of this story misstated the turnout." "$OTHER"
ing src "$T/5.xml" --at 2026-11-28T13:00:00Z
rl -C "$A" diff Governor >"$T/d"
assert_contains "$T/d" "kinds: minor"
ok "a correction notice added; a punctuation-only edit is minor"

rl -C "$A" log --kind figures >"$T/l"
[ "$(grep -c '^[0-9a-f]\{12\} ' "$T/l")" = 1 ] || { cat "$T/l"; fail "log --kind figures"; }
rl -C "$A" log --kind revert,correction Governor >"$T/l"
[ "$(grep -c '^[0-9a-f]\{12\} ' "$T/l")" = 2 ] || { cat "$T/l"; fail "log --kind revert,correction"; }
expect_status 2 rl -C "$A" log --kind figure
assert_contains "$T/err" "unknown kind 'figure'"
ok "log --kind keeps the revisions of those kinds; an unknown kind is a usage error"
rl -C "$A" log src --json >"$T/l.json"
python3 - "$T/l.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert all(e["summary"] is None for e in d), [e["summary"] for e in d]
ed = [c for e in d for c in e["changes"] if c["kind"] == "edited"]
assert "figures" in ed[-1]["edit"]["kinds"], ed[-1]
PY
ok "log --json: no summary repeating the subject; each edited story with its kinds"

# --- diff SOURCE: the last snapshot, INDEX as stories added/removed/moved --
rss_feed "$T/6.xml" "new1|A brand new story arrives|It has one sentence only." "$OTHER" "gov|Governor elected in Puerto Rico.|$P1 Correction: An earlier version of this story misstated the turnout."
ing src "$T/6.xml" --at 2026-11-28T14:00:00Z
rl -C "$A" diff src >"$T/d"
assert_contains "$T/d" "snapshot $(git -C "$A" rev-parse HEAD | cut -c1-12) of src: 2 files changed"
assert_contains "$T/d" "diff src/INDEX"
assert_contains "$T/d" "added    #1"
assert_contains "$T/d" "moved    #1 → #3"
assert_not_contains "$T/d" "[-Governor"
ok "diff SOURCE: the last snapshot's stories, and INDEX as stories added and moved"

# --- log order equals git's for equal times -----------------------------
B="$T/b.git"
rl init "$B" >/dev/null
for i in 1 2 3 4 5; do
	rss_feed "$T/e.xml" "x|Same time story|Version $i of this text."
	rl -C "$B" ingest s "$T/e.xml" --at 2026-11-28T09:00:00Z >/dev/null
done
[ "$(rl -C "$B" log | grep -v '^ ' | cut -c1-12)" = "$(git -C "$B" log --format=%H | cut -c1-12)" ] ||
	fail "log order differs from git log's"
ok "log lists commits of equal times in git log's order"

# --- messages -------------------------------------------------------------
expect_status 1 rl -C "$A" show Governor@nonsense
assert_contains "$T/err" "unknown revision 'nonsense'"
expect_status 1 rl -C "$A" log nosuchsource
assert_contains "$T/err" "no source or story named 'nosuchsource' (sources: src)"
ok "clear messages for a bad revision and an unknown source"
C="$T/c.git"
rl init "$C" >/dev/null
rss_feed "$T/s.xml" "shared|Shared wire story|Same text in two sources."
rl -C "$C" ingest one "$T/s.xml" --at 2026-11-28T09:00:00Z >/dev/null
rl -C "$C" ingest two "$T/s.xml" --at 2026-11-28T09:00:00Z >/dev/null
id=$(git -C "$C" show HEAD:two/INDEX | cut -c1-12)
expect_status 1 rl -C "$C" show "$id"
assert_contains "$T/err" "matches 2 stories"
assert_contains "$T/err" "one/$id"
assert_contains "$T/err" "pick one by SOURCE/ID or by its path"
rl -C "$C" show "two/$id" | grep -q "^Source: two$" || fail "SOURCE/ID does not pick"
ok "an id two sources share: candidates listed, SOURCE/ID picks one"
rl -C "$C" ingest one "$T/s.xml" --at 2026-11-28T10:00:00Z >"$T/out"
assert_contains "$T/out" "(1 story, identical snapshot)"
ok "'1 story', not '1 stories'"
rl -C "$C" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T09:00:00Z >/dev/null
title=$(git -C "$C" show HEAD:anp/INDEX | grep Zelensky | cut -d" " -f2-)
case "$title" in *[a-z]…) ;; *) fail "title not cut with an ellipsis: $title" ;; esac
case "$title" in *oorlog*) fail "title not cut: $title" ;; esac
ok "a title cut at the limit ends on a word with '…'"
done_testing
