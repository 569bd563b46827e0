#!/bin/bash
# The corpus as tests (cases as data in tests/corpus/): every real article
# page gives one story with its real title, canonical URL and body, without
# comments or navigation; every labelled before/after pair behaves as
# labelled (a false positive commits nothing, a true positive is an edit of
# the right story).  The corpus stays in $REDLINE_SHARED_DIR, never here.
. "$(dirname "$0")/lib.sh"
if [ -z "${REDLINE_SHARED_DIR:-}" ] || [ ! -d "$REDLINE_SHARED_DIR/corpus" ]; then
	skip "corpus not available (REDLINE_SHARED_DIR unset or without corpus/)"
	done_testing
fi
C="$REDLINE_SHARED_DIR/corpus"
CASES="$REDLINE_SOURCE_DIR/tests/corpus"
A="$T/archive"
rl init "$A" >/dev/null
n=0

while IFS='|' read -r file title url holds lacks; do
	case "$file" in ''|'#'*) continue ;; esac
	n=$((n + 1)); src="page$n"
	expect_status 0 rl -C "$A" ingest "$src" "$C/$file" --at 2026-11-28T09:00:00Z
	[ "$(git -C "$A" show "HEAD:$src/INDEX" | wc -l)" = 1 ] || fail "$file: not one story: $(git -C "$A" show "HEAD:$src/INDEX")"
	story=$(git -C "$A" ls-tree -r --name-only HEAD -- "$src" | grep -v '/INDEX$')
	git -C "$A" show "HEAD:$story" >"$T/story"
	[ "$(sed -n 's/^Title: //p' "$T/story")" = "$title" ] || fail "$file: title is '$(sed -n 's/^Title: //p' "$T/story")'"
	[ "$url" = - ] || [ "$(sed -n 's/^URL: //p' "$T/story")" = "$url" ] || fail "$file: URL is '$(sed -n 's/^URL: //p' "$T/story")'"
	assert_contains "$T/story" "$holds"
	[ "$lacks" = - ] || assert_not_contains "$T/story" "$lacks"
	ok "$file: one story, '$title'"
done <"$CASES/pages.txt"

while IFS='|' read -r before after label; do
	case "$before" in ''|'#'*) continue ;; esac
	n=$((n + 1)); src="pair$n"
	expect_status 0 rl -C "$A" ingest "$src" "$C/$before" --at 2026-11-28T09:00:00Z
	head1=$(git -C "$A" rev-parse HEAD)
	expect_status 0 rl -C "$A" ingest "$src" "$C/$after" --at 2026-11-28T10:00:00Z
	case "$label" in
	nochange)
		[ "$(git -C "$A" rev-parse HEAD)" = "$head1" ] || { cat "$T/out"; fail "$before: a false positive made a commit"; }
		assert_contains "$T/out" "no change"
		ok "$before: labelled false positive, no commit" ;;
	edited:*)
		[ "$(git -C "$A" rev-parse HEAD)" != "$head1" ] || fail "$before: a true positive made no commit"
		assert_contains "$T/out" "1 edited, 0 new, 0 gone"
		assert_contains "$T/out" "edited"
		assert_contains "$T/out" "${label#edited:}"
		ok "$before: labelled true positive, an edit of '${label#edited:}'" ;;
	*) fail "$before: unknown label '$label'" ;;
	esac
done <"$CASES/pairs.txt"
done_testing
