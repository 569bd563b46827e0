#!/bin/bash
# Timestamp tokens (refs/notes/timestamps) travel with the stories: `push`
# sends a worker's notes beside its branch (refs/notes/shards/NAME), `push
# --if-due` also when only a token is new, `merge` (in place, and --remote
# from elsewhere) unites them into the central refs/notes/timestamps with
# its own token over the merge, and the real git finds every token on the
# commit it covers.  The remote is a bare repository over file://.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tsa.sh"
start_tsa
C="$T/central.git"
git init -q --bare -b main "$C"
git -C "$C" config redline.tsaUrl "$TSA_URL"
git -C "$C" config redline.tsaCAFile "$TSA_CA"
worker() { # worker NAME: an archive that timestamps its batches, pushing to origin as NAME
	rl init "$T/$1.git" >/dev/null
	git -C "$T/$1.git" config redline.tsaUrl "$TSA_URL"
	git -C "$T/$1.git" config redline.tsaCAFile "$TSA_CA"
	git -C "$T/$1.git" config redline.worker "$1"
	git -C "$T/$1.git" remote add origin "file://$C"
}
# token_on REPO NOTESREF REV: REPO's notes ref holds a token over REV (by the test TSA)
# (why it failed in $T/why, which the test prints: it failed once in a
# loaded ASan run and passed on every run alone)
token_on() {
	git -C "$1" notes --ref="$2" show "$3" >"$T/note" 2>"$T/why" ||
		{ git -C "$1" for-each-ref >>"$T/why"; return 1; }
	printf %s "$(git -C "$1" rev-parse "$3")" >"$T/id"
	sed -n '/^-----BEGIN/,/^-----END/p' "$T/note" | grep -v -- ----- | base64 -d >"$T/reply.tsr"
	openssl ts -verify -data "$T/id" -in "$T/reply.tsr" -CAfile "$TSA_CA" >"$T/why" 2>&1 ||
		{ cat "$T/note" >>"$T/why"; return 1; }
}
P1="$EXAMPLES/anp-buitenland-1.txt"
P2="$EXAMPLES/anp-buitenland-2.txt"

worker w1; worker w2
expect_status 0 rl -C "$T/w1.git" ingest anp "$P1" --at 2026-11-28T09:00:00Z
w1=$(git -C "$T/w1.git" rev-parse main)
token_on "$T/w1.git" timestamps "$w1" || { cat "$T/err" "$T/why"; fail "w1 has no token over its commit"; }
expect_status 0 rl -C "$T/w2.git" ingest nos "$P2" --at 2026-11-28T09:30:00Z
w2=$(git -C "$T/w2.git" rev-parse main)
expect_status 0 rl -C "$T/w1.git" push origin
expect_status 0 rl -C "$T/w2.git" push origin
[ "$(git -C "$C" rev-parse refs/heads/shards/w1)" = "$w1" ] || fail "w1's branch"
[ "$(git -C "$C" rev-parse refs/notes/shards/w1)" = "$(git -C "$T/w1.git" rev-parse refs/notes/timestamps)" ] ||
	fail "w1's notes did not arrive beside its branch"
token_on "$C" shards/w1 "$w1" || fail "git finds no token over w1's commit in refs/notes/shards/w1"
token_on "$C" shards/w2 "$w2" || fail "git finds no token over w2's commit in refs/notes/shards/w2"
ok "push sends the worker's timestamp notes beside its branch: refs/notes/shards/NAME"

expect_status 0 rl -C "$C" merge
m1=$(git -C "$C" rev-parse main)
for c in "$w1" "$w2" "$m1"; do
	token_on "$C" timestamps "$c" || fail "central refs/notes/timestamps lacks a token over $c"
done
git -C "$C" merge-base --is-ancestor refs/notes/shards/w1 refs/notes/timestamps || fail "w1's notes are not merged in"
git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
ok "merge unites the shards' notes in refs/notes/timestamps, with its own token over the merge"

# A token stored after the push (by hand here; a cycle's comes after its
# commit): main did not move, yet the next --if-due push sends it.
git -C "$T/w1.git" config redline.pushRemote origin
expect_status 0 rl -C "$T/w1.git" timestamp HEAD~0
before=$(git -C "$C" rev-parse refs/notes/shards/w1)
expect_status 0 rl -C "$T/w1.git" -v push --if-due origin
assert_contains "$T/err" "pushed"
[ "$(git -C "$C" rev-parse refs/notes/shards/w1)" = "$(git -C "$T/w1.git" rev-parse refs/notes/timestamps)" ] ||
	fail "push --if-due did not send a token stored after the last push"
[ "$(git -C "$C" rev-parse refs/notes/shards/w1)" != "$before" ] || fail "the notes ref did not move"
expect_status 0 rl -C "$T/w1.git" -v push --if-due origin
assert_not_contains "$T/err" "pushed"
ok "push --if-due sends notes that moved alone, and nothing when nothing moved"

# merge --remote from a third archive: fetches the shards' and main's
# notes, merges, pushes main and refs/notes/timestamps back (fast-forward).
expect_status 0 rl -C "$T/w2.git" ingest nos "$P1" --at 2026-11-28T10:30:00Z
w2b=$(git -C "$T/w2.git" rev-parse main)
expect_status 0 rl -C "$T/w2.git" push origin
rl init "$T/m.git" >/dev/null
git -C "$T/m.git" config redline.tsaUrl "$TSA_URL"
git -C "$T/m.git" config redline.tsaCAFile "$TSA_CA"
git -C "$T/m.git" remote add origin "file://$C"
expect_status 0 rl -C "$T/m.git" merge --remote origin
m2=$(git -C "$C" rev-parse main)
[ "$m2" != "$m1" ] || fail "merge --remote merged nothing"
for c in "$w1" "$w2" "$m1" "$w2b" "$m2"; do
	token_on "$C" timestamps "$c" || fail "after merge --remote, central refs/notes/timestamps lacks a token over $c"
done
git -C "$C" merge-base --is-ancestor "$(git -C "$T/m.git" rev-parse refs/remotes/origin/notes/timestamps)" \
	refs/notes/timestamps || fail "the central notes were not fast-forwarded"
git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict"; }
ok "merge --remote takes the new notes too and pushes refs/notes/timestamps back, tokens on every commit"
done_testing
