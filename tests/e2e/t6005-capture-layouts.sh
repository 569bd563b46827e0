#!/bin/bash
# The two layouts of .captures/: a capture made now has a time-ordered
# (version 7) id and sits in the folder of its UTC hour (split 16 ways by
# its first random hex digit X), .captures/YYYY-MM/DD/HH/X/<uuid>.warc.gz; one written before (a version 4
# id) sits at .captures/<2 hex>/<uuid>.warc.gz.  An archive holding both
# (its first commit made again as the old code wrote it) is read whole:
# capture, verify (which re-derives the stories from both), site and
# reextract find both.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null

expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z --no-hooks
id=$(git -C "$A" log -1 --format=%B | sed -n 's/^Capture: //p'); uuid=${id#<urn:uuid:}; uuid=${uuid%>}
[ "${uuid:14:1}" = 7 ] || fail "a new capture id is a version 7 uuid: $uuid"
# its first 48 bits: the capture's time in Unix milliseconds (RFC 9562)
[ "${uuid:0:8}${uuid:9:4}" = "$(printf %012x $(( $(date -u -d 2026-11-28T09:00:00Z +%s) * 1000 )))" ] ||
	fail "the id's time is the snapshot's: $uuid"
git -C "$A" ls-tree -r --name-only HEAD -- .captures >"$T/paths"
[ "$(cat "$T/paths")" = ".captures/2026-11/28/09/${uuid:15:1}/$uuid.warc.gz" ] || { cat "$T/paths"; fail "the capture goes in the folder of its hour"; }
ok "a new capture: a version 7 id with the snapshot's time, in .captures/YYYY-MM/DD/HH/X/"

# The same commit as the code before wrote it: a version 4 id (the same
# uuid with version 4), .captures/<2 hex>/, the trailer and the records'
# ids changed to match.
old=${uuid:0:14}4${uuid:15}
git -C "$A" cat-file blob "HEAD:.captures/2026-11/28/09/${uuid:15:1}/$uuid.warc.gz" >"$T/new.warc.gz"
python3 "$REDLINE_SOURCE_DIR/tests/e2e/tools/tamper_warc.py" "$T/new.warc.gz" "$T/old.warc.gz" "$uuid" "$old"
blob=$(git -C "$A" hash-object -w "$T/old.warc.gz")
GIT_INDEX_FILE="$T/idx" git -C "$A" --work-tree="$T" read-tree HEAD
printf '0 %040d\t%s\n100644 %s\t%s\n' 0 ".captures/2026-11/28/09/${uuid:15:1}/$uuid.warc.gz" "$blob" ".captures/${old:0:2}/$old.warc.gz" |
	GIT_INDEX_FILE="$T/idx" git -C "$A" --work-tree="$T" update-index --index-info
tree=$(GIT_INDEX_FILE="$T/idx" git -C "$A" --work-tree="$T" write-tree)
first=$(git -C "$A" log -1 --format=%B HEAD | sed "s/$uuid/$old/" |
	GIT_AUTHOR_DATE="$(git -C "$A" log -1 --format=%ad HEAD)" GIT_COMMITTER_DATE="$(git -C "$A" log -1 --format=%cd HEAD)" \
	git -C "$A" commit-tree "$tree")
git -C "$A" update-ref refs/heads/main "$first"
git -C "$A" ls-tree -r --name-only HEAD -- .captures >"$T/paths"
[ "$(cat "$T/paths")" = ".captures/${old:0:2}/$old.warc.gz" ] || { cat "$T/paths"; fail "the old layout"; }

expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --no-hooks
id2=$(git -C "$A" log -1 --format=%B | sed -n 's/^Capture: //p'); new=${id2#<urn:uuid:}; new=${new%>}
git -C "$A" ls-tree -r --name-only HEAD -- .captures >"$T/paths"
printf '%s\n' ".captures/${old:0:2}/$old.warc.gz" ".captures/2026-11/28/10/${new:15:1}/$new.warc.gz" | cmp - "$T/paths" ||
	{ cat "$T/paths"; fail "both layouts in one tree"; }
ok "an archive with a capture of each layout"

expect_status 0 rl -C "$A" capture HEAD~1 -o "$T/c1.warc.gz"
cmp "$T/c1.warc.gz" "$T/old.warc.gz" || fail "capture finds the old layout"
expect_status 0 rl -C "$A" capture HEAD -o "$T/c2.warc.gz"
git -C "$A" cat-file blob "HEAD:.captures/2026-11/28/10/${new:15:1}/$new.warc.gz" | cmp - "$T/c2.warc.gz" || fail "capture finds the new layout"
ok "redline capture writes back either layout exactly"

expect_status 0 rl -C "$A" verify
assert_contains "$T/out" "2 captures"
ok "verify checks the captures of both layouts"

rl -C "$A" site "$T/site" >"$T/site.out" 2>&1 || { cat "$T/site.out"; fail "redline site"; }
cmp "$T/site/_captures/$old.warc.gz" "$T/old.warc.gz" || fail "the site has the old-layout capture"
[ -f "$T/site/_captures/$new.warc.gz" ] || fail "the site has the new-layout capture"
ok "site copies the captures of both layouts"

git -C "$A" config --add source.anp.ignore 'militairen'
expect_status 0 rl -C "$A" reextract anp
assert_contains "$T/out" "re-extracted from"
ok "reextract reads a capture (the newest) after an archive with both layouts"
done_testing
