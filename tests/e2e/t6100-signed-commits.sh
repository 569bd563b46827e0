#!/bin/bash
# Signed commits, configured as in git (commit.gpgSign, gpg.format,
# user.signingKey): plain `git verify-commit` and `git log --show-signature`
# accept what redline signed, with a throwaway SSH key and a throwaway
# OpenPGP key; a signer that fails stops the commit instead of leaving it
# unsigned.  A `redline merge` of signed shards signs its merge commit too,
# and with a TSA configured (a local one) gets a token over the merged tip.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tsa.sh"
A="$T/archive"
rl init "$A" >/dev/null
ssh-keygen -q -t ed25519 -N '' -C throwaway -f "$T/key"
echo "redline@localhost $(cat "$T/key.pub")" >"$T/allowed"
git -C "$A" config commit.gpgSign true
git -C "$A" config gpg.format ssh
git -C "$A" config user.signingKey "$T/key"
git -C "$A" config gpg.ssh.allowedSignersFile "$T/allowed"
expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z --no-hooks
git -C "$A" verify-commit HEAD 2>"$T/v" || { cat "$T/v"; fail "git verify-commit refuses redline's SSH signature"; }
assert_contains "$T/v" 'Good "git" signature for redline@localhost'
git -C "$A" log --show-signature -1 >"$T/log" 2>&1
assert_contains "$T/log" 'Good "git" signature'
ok "ssh: git verify-commit and git log --show-signature accept the commit"

git -C "$A" config user.signingKey "$T/no-such-key"
expect_status 1 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --no-hooks
assert_contains "$T/err" "could not sign the commit"
[ "$(commits "$A")" = 1 ] || fail "a failed signature must not leave an unsigned commit"
ok "a signer that fails: no commit, a clear error"

# A group commit (several snapshots, one pack, one ref move): each of its
# commits is signed, and git verify-commit accepts every one.
G="$T/group"; rl init "$G" >/dev/null
for k in commit.gpgSign gpg.format user.signingKey gpg.ssh.allowedSignersFile; do
	git -C "$G" config "$k" "$(git -C "$A" config "$k")"
done
git -C "$G" config user.signingKey "$T/key"
expect_status 0 rl -C "$G" ingest anp "$EXAMPLES/anp-buitenland-1.txt" "$EXAMPLES/anp-buitenland-2.txt" \
	--at 2026-11-28T09:00:00Z --at 2026-11-28T10:00:00Z --no-hooks
[ "$(commits "$G")" = 2 ] || fail "the batch should make two commits"
[ "$(git -C "$G" reflog show main | wc -l)" = 1 ] || fail "a group commit moves the ref once"
for c in $(git -C "$G" rev-list main); do
	git -C "$G" verify-commit "$c" 2>"$T/v" || { cat "$T/v"; fail "commit $c of the batch is not signed"; }
done
expect_status 0 rl -C "$G" verify
assert_contains "$T/out" "2 signed commits good"
ok "a group commit: every commit of the batch signed, git verify-commit and redline verify accept them"

# Two signed shards, merged in a signing central archive that has a TSA:
# the merge commit is signed and timestamped like the commits of a run.
start_tsa
sign_like_a() { local key; for key in commit.gpgSign gpg.format user.signingKey gpg.ssh.allowedSignersFile; do
	git -C "$1" config "$key" "$(git -C "$A" config "$key")"; done; git -C "$1" config user.signingKey "$T/key"; }
M="$T/central"; rl init "$M" >/dev/null; sign_like_a "$M"
git -C "$M" config redline.tsaUrl "$TSA_URL"
git -C "$M" config redline.tsaCAFile "$TSA_CA"
k=0
for src in anp reuters; do
	W="$T/w$k"; rl init "$W" >/dev/null; sign_like_a "$W"
	expect_status 0 rl -C "$W" ingest "$src" "$EXAMPLES/anp-buitenland-$((k + 1)).txt" \
		--at 2026-11-28T0$((k + 1)):00:00Z --no-hooks
	git -C "$W" push -q "$M" "main:refs/heads/shards/$k-of-2" || fail "cannot push shard $k"
	k=$((k + 1))
done
expect_status 0 rl -C "$M" merge
assert_contains "$T/out" "merged 2 shards into main"
[ "$(git -C "$M" rev-list --parents -1 main | wc -w)" = 3 ] || fail "the merge has both shards as parents"
git -C "$M" verify-commit main 2>"$T/v" || { cat "$T/v"; fail "the merge commit is not signed"; }
assert_contains "$T/v" 'Good "git" signature for redline@localhost'
git -C "$M" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "git fsck --strict after the merge"; }
git -C "$M" notes --ref=timestamps show main >"$T/note" || fail "no timestamp note on the merged tip"
printf %s "$(git -C "$M" rev-parse main)" >"$T/id"
sed -n '/^-----BEGIN/,/^-----END/p' "$T/note" | grep -v -- ----- | base64 -d >"$T/reply.tsr"
openssl ts -verify -data "$T/id" -in "$T/reply.tsr" -CAfile "$TSA_CA" >"$T/ossl" 2>&1 ||
	{ cat "$T/ossl"; fail "openssl refuses the token on the merged tip"; }
expect_status 0 rl -C "$M" verify
assert_contains "$T/out" "3 signed commits good, 0 unsigned, 1 timestamps good: ok"
ok "merge of signed shards: the merge commit signed (git verify-commit), its tip timestamped, verify passes"

if command -v gpg >/dev/null; then
	export GNUPGHOME="$T/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --quiet --passphrase '' --quick-gen-key "redline test <redline@localhost>" ed25519 sign never 2>/dev/null
	fpr=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ {print $10; exit}')
	git -C "$A" config gpg.format openpgp
	git -C "$A" config user.signingKey "$fpr"
	expect_status 0 rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --no-hooks
	git -C "$A" verify-commit HEAD 2>"$T/v" || { cat "$T/v"; fail "git verify-commit refuses redline's OpenPGP signature"; }
	assert_contains "$T/v" "Good signature"
	ok "openpgp: git verify-commit accepts the commit"
fi
done_testing
