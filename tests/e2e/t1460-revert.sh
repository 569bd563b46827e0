#!/bin/bash
# A flip-flop is told as such at ingest: a story whose new text is one of
# its earlier versions is "reverted to <rev>" in the commit message and in
# the hook payload (kind "revert", no figures), so that the shipped
# alert-figures hook alerts once for 3000 -> 10.000 and not again when the
# page flips back and forth.  Found through the revision index, also when
# the index is deleted or a group commit holds the flips.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
ln -s "$REDLINE_SOURCE_DIR/hooks/alert-figures" "$A/hooks/post-snapshot"
page() { printf 'Troepen\n\nDe VS schatten het aantal soldaten op %s. Dat zei het ministerie.\n' "$1" >"$T/$2"; }
page 3000 p1.txt; page 10.000 p2.txt; page 3000 p3.txt; page 10.000 p4.txt
expect_status 0 rl -C "$A" ingest src "$T/p1.txt" --at 2026-11-28T10:00:00Z
expect_status 0 rl -C "$A" ingest src "$T/p2.txt" --at 2026-11-28T11:00:00Z
grep -c "^ALERT" "$T/out" | grep -qx 1 || fail "the first edit alerts: $(cat "$T/out")"
c1=$(git -C "$A" rev-parse HEAD~1); c2=$(git -C "$A" rev-parse HEAD)
expect_status 0 rl -C "$A" ingest src "$T/p3.txt" --at 2026-11-28T12:00:00Z
grep -q "^ALERT" "$T/out" && fail "a flip back must not alert: $(cat "$T/out")"
assert_contains "$T/out" "reverted to ${c1:0:12}"
git -C "$A" log -1 --format=%B >"$T/msg"
grep -qx "    reverted to ${c1:0:12}" "$T/msg" || fail "message: $(cat "$T/msg")"
ok "a flip back is 'reverted to' the first version, in the message and on stdout, with no alert"

# Again, with the index deleted: it is rebuilt from git.
rm -rf "$A/redline/revindex"
expect_status 0 rl -C "$A" ingest src "$T/p4.txt" --at 2026-11-28T13:00:00Z
grep -q "^ALERT" "$T/out" && fail "a second flip must not alert: $(cat "$T/out")"
git -C "$A" log -1 --format=%B | grep -qx "    reverted to ${c2:0:12}" || fail "reverted to the second version"
ok "and again with the revision index deleted (rebuilt from git)"

# The payload, field by field, and two flips in one group commit.
rm "$A/hooks/post-snapshot"
cat >"$A/hooks/post-snapshot" <<HOOK
#!/bin/sh
cat >>"$T/payloads"
echo >>"$T/payloads"
HOOK
chmod +x "$A/hooks/post-snapshot"
expect_status 0 rl -C "$A" ingest src "$T/p1.txt" "$T/p2.txt" --at 2026-11-28T14:00:00Z --at 2026-11-28T15:00:00Z
# 3000 was last the text of HEAD~3 (the first flip back), 10.000 of HEAD~2.
python3 - "$T/payloads" "$(git -C "$A" rev-parse HEAD~3)" "$(git -C "$A" rev-parse HEAD~2)" <<'PY' || fail "payloads of a group commit's reverts"
import json, sys
text, docs, dec, at = open(sys.argv[1]).read(), [], json.JSONDecoder(), 0
while text[at:].strip():
    at += len(text[at:]) - len(text[at:].lstrip())
    d, at = dec.raw_decode(text, at)
    docs.append(d)
assert len(docs) == 2, len(docs)
for d, want in zip(docs, sys.argv[2:]):
    it = d["items"][0]
    assert it["change"] == "edited" and it["kinds"] == ["revert"], it
    assert it["figures"] == [], it
    assert it["edit"] == "reverted to " + want[:12], (it["edit"], want)
PY
ok "payloads: kinds [revert], no figures, each reverted to the right commit, also inside one group commit"

# A flip back to a version that only this group commit holds: the revision
# index has only what a ref points at, the batch's own commits are looked
# at first.
page 5 p5.txt; page 6 p6.txt; cp "$T/p5.txt" "$T/p7.txt"
: >"$T/payloads"
expect_status 0 rl -C "$A" ingest src "$T/p5.txt" "$T/p6.txt" "$T/p7.txt" \
	--at 2026-11-28T16:00:00Z --at 2026-11-28T17:00:00Z --at 2026-11-28T18:00:00Z
git -C "$A" log -1 --format=%B | grep -qx "    reverted to $(git -C "$A" rev-parse --short=12 HEAD~2)" ||
	fail "reverted to the batch's own first commit: $(git -C "$A" log -1 --format=%B)"
git -C "$A" log -1 --format=%B HEAD~1 | grep -q "reverted" && fail "the middle one is an edit, not a revert"
ok "a flip back to a version committed earlier in the same group commit"
done_testing
