#!/bin/bash
# Hostile and broken snapshots: each gets a clear error and loses nothing.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z >/dev/null
head0=$(git -C "$A" rev-parse HEAD)
unchanged() { [ "$(git -C "$A" rev-parse HEAD)" = "$head0" ] || fail "$1 changed the archive"; }

: >"$T/empty.txt"
expect_status 1 rl -C "$A" ingest anp "$T/empty.txt"
assert_contains "$T/err" "redline: "
assert_contains "$T/err" "no stories"
unchanged "an empty file"
ok "empty file: refused, nothing marked gone"

printf 'Koptekst\n\n\n   \n' >"$T/blank.txt"
expect_status 1 rl -C "$A" ingest anp "$T/blank.txt"
unchanged "a page without stories"
ok "a page that lost all its stories is refused"

head -c 3 "$EXAMPLES/anp-buitenland-1.txt" >"$T/cut.txt"
printf '\nWASHINGTON (ANP) - Eén bericht.\n' >>"$T/cut.txt"
expect_status 1 rl -C "$A" ingest anp "$T/cut.txt"
assert_contains "$T/err" "--force"
unchanged "a page that lost most stories"
ok "a page that lost most stories is refused, with a hint"

F="$T/forced"; rl init "$F" >/dev/null
rl -C "$F" ingest anp "$EXAMPLES/anp-buitenland-1.txt" >/dev/null
expect_status 0 rl -C "$F" ingest anp "$T/empty.txt" --force
assert_contains "$T/out" "0 edited, 0 new, 8 gone from page"
[ "$(git -C "$F" show HEAD:anp/INDEX | wc -c)" = 0 ] || fail "forced empty page: INDEX should be empty"
ok "--force accepts a page that really was emptied: every story gone, files kept"

printf 'Titel met NUL\nAMSTERDAM (ANP) - Tekst met een \000 NUL-byte erin. En nog een zin.\n' >"$T/nul.txt"
printf 'Titel over Oekra\303\257ne \377\376 ongeldig\nAMSTERDAM (ANP) - Ongeldige \300\200 UTF-8 tekst.\n' >"$T/bad-utf8.txt"
printf 'Caf\351 in Li\350ge\nLUIK (ANP) - Een oude pagina in windows-1252: \223aanhalingstekens\224.\n' >"$T/cp1252.txt"
B="$T/b"; rl init "$B" >/dev/null
expect_status 0 rl -C "$B" ingest nul "$T/nul.txt"
expect_status 0 rl -C "$B" ingest badutf8 "$T/bad-utf8.txt"
expect_status 0 rl -C "$B" ingest cp1252 "$T/cp1252.txt"
git -C "$B" grep -qP '\x00' HEAD -- ':!.captures' && fail "a NUL byte reached a story file"
# The raw capture is evidence: it keeps the file's bytes as they were, NUL and all.
rl -C "$B" capture HEAD~2 -o "$T/nul.warc.gz" >/dev/null || fail "capture of the NUL page"
gzip -dc "$T/nul.warc.gz" | grep -qaP 'Tekst met een \x00 NUL' || fail "the capture lost the NUL byte"
git -C "$B" show HEAD:badutf8/INDEX | iconv -f UTF-8 -t UTF-8 >/dev/null || fail "invalid UTF-8 reached the archive"
git -C "$B" show HEAD:badutf8/INDEX | grep -q "Oekraïne �" || fail "invalid bytes should become U+FFFD"
git -C "$B" show HEAD:cp1252/INDEX | grep -q "Café in Liège" || fail "windows-1252 text should be decoded"
git -C "$B" grep -q "“aanhalingstekens”" HEAD -- cp1252 || fail "cp1252 quotes"
ok "NUL bytes dropped, invalid UTF-8 replaced with U+FFFD, windows-1252 decoded"

head -c 50000000 /dev/zero | tr '\0' 'a' >"$T/big.txt"
expect_status 1 rl -C "$A" ingest anp "$T/big.txt"
assert_contains "$T/err" "larger than the limit"
unchanged "a 50 MB file"
ok "a 50 MB snapshot: clear error over the documented cap"

printf '../../../etc/passwd\nAMSTERDAM (ANP) - Een titel die een pad wil zijn.\n' >"$T/trav.txt"
printf '.git\nAMSTERDAM (ANP) - Nog een poging.\n' >"$T/dotgit.txt"
printf '\033[31mrood\001\nAMSTERDAM (ANP) - Stuurtekens in de titel.\n' >"$T/ctrl.txt"
for f in trav dotgit ctrl; do expect_status 0 rl -C "$B" ingest "t$f" "$T/$f.txt"; done
git -C "$B" ls-tree -r --name-only HEAD >"$T/paths"
grep -E '(^|/)\.\.(/|$)|(^|/)\.git(/|$)|[[:cntrl:]]' "$T/paths" && fail "unsafe path in the archive"
git -C "$B" fsck --strict >/dev/null 2>&1 || fail "fsck after hostile titles"
ok "titles that try path traversal or control characters give safe paths"

expect_status 1 rl -C "$B" ingest '../evil' "$T/nul.txt"
assert_contains "$T/err" "source"
expect_status 1 rl -C "$B" ingest anp "$T/does-not-exist.txt"
assert_contains "$T/err" "cannot open"
expect_status 2 rl -C "$B" ingest
expect_status 2 rl -C "$B" ingest anp "$T/nul.txt" --at yesterday
expect_status 1 rl -C "$T/nowhere" ingest anp "$T/nul.txt"
assert_contains "$T/err" "redline init"
ok "bad source name, missing file, usage errors, missing archive"

# A second writer waits, then gives up with a clear message.
mkdir -p "$A/redline"
flock "$A/redline/lock" sleep 4 &
sleep 0.5
expect_status 1 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --wait 1
assert_contains "$T/err" "locked"
wait
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt"
ok "a second writer gets a clear message; the next run works"
git -C "$A" fsck --strict >/dev/null 2>&1 || fail "fsck"
done_testing
