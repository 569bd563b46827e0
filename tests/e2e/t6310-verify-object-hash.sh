#!/bin/bash
# Reads skip libgit2's hash check of every object (as git's own reads do:
# archive.c), so `redline verify` turns it on for its walk: a story file
# whose stored bytes no longer match its object id is caught (exit 1).
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z --no-hooks
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --no-hooks
expect_status 0 rl -C "$A" verify
# every object loose, then one story blob's bytes replaced under its id
mkdir "$T/packs"
mv "$A"/objects/pack/* "$T/packs/"
for p in "$T"/packs/*.pack; do git -C "$A" unpack-objects -q <"$p"; done
P=$(git -C "$A" ls-tree -r --name-only HEAD | grep '\.txt$' | grep -v INDEX | head -1)
B=$(git -C "$A" rev-parse "HEAD:$P")
F="$A/objects/${B:0:2}/${B:2}"
python3 -c 'import sys, zlib
d = b"tampered text\n"
open(sys.argv[1], "wb").write(zlib.compress(b"blob %d\0" % len(d) + d))' "$F.new"
chmod u+w "$F" && mv "$F.new" "$F"
expect_status 1 rl -C "$A" verify
assert_contains "$T/out" "hash mismatch"
ok "verify checks each object's hash although reads elsewhere do not"
done_testing
