#!/bin/bash
# Signed commits, configured as in git (commit.gpgSign, gpg.format,
# user.signingKey): plain `git verify-commit` and `git log --show-signature`
# accept what redline signed, with a throwaway SSH key and a throwaway
# OpenPGP key; a signer that fails stops the commit instead of leaving it
# unsigned.
. "$(dirname "$0")/lib.sh"
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
