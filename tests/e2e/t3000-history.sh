#!/bin/bash
# redline log / diff / show against a small archive built here with plain
# git, in the documented format (docs/archive-format.md): three snapshots of
# source "anp", one of "nos".
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8
tmp=$T

S1=anp/2026-11/vs-schatten-aantal-noord-koreaanse-soldaten-3fa2c1d0e9ab.txt
S2=anp/2026-11/kyiv-anp-de-oekraiense-president-8d1e0a77c2f4.txt
S3=anp/2026-11/washington-anp-ministerie-51c9e2d0a3b7.txt
S4=nos/2026-11/rusland-meldt-aanval-0a1b2c3d4e5f.txt
T1_OLD="VS schatten aantal Noord-Koreaanse soldaten in Rusland op 3000"
T1_NEW="VS schatten aantal Noord-Koreaanse soldaten in Rusland op 10.000"
T2="KYIV (ANP) - De Oekraïense president Volodymyr Zelensky zegt iets"
T3="WASHINGTON (ANP) - Ministerie van Justitie waarschuwt"
T4="Rusland meldt aanval op Koersk"

story() { # story FILE TITLE ID SOURCE BODY...
	local file=$1 title=$2 id=$3 source=$4; shift 4
	mkdir -p "$(dirname "$file")"
	{
		printf 'Title: %s\nURL: https://example.nl/%s\nSource: %s\n' "$title" "$id" "$source"
		printf 'First-Seen: 2026-11-28T09:00:00Z\nId: %s\n\n' "$id"
		printf '%s\n' "$@"
	} >"$file"
}
snapshot() { # snapshot TIME MESSAGE
	git -C "$tmp/wt" add -A &&
	GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 \
	git -C "$tmp/wt" -c user.name=redline -c user.email=redline@localhost commit -q -m "$2" &&
	git -C "$tmp/wt" push -q origin HEAD:main 2>/dev/null
}

git init -q --bare -b main "$tmp/archive" && git init -q -b main "$tmp/wt" &&
git -C "$tmp/wt" remote add origin "$tmp/archive" || fail "git init"
cd "$tmp/wt"
mkdir -p anp nos
printf '3fa2c1d0e9ab %s\n8d1e0a77c2f4 %s\n' "$T1_OLD" "$T2" >anp/INDEX
story "$S1" "$T1_OLD" 3fa2c1d0e9ab anp \
	"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 3000 militairen naar Rusland gestuurd." \
	"Dat schat het Pentagon."
story "$S2" "$T2" 8d1e0a77c2f4 anp "KYIV (ANP) - Er zijn conceptdocumenten."
snapshot 2026-11-28T09:00:00Z "anp: 2 new

new 3fa2c1d0e9ab $T1_OLD
new 8d1e0a77c2f4 $T2

Source-URL: https://example.nl/buitenland
Snapshot-Time: 2026-11-28T09:00:00Z" || fail "snapshot 1"

printf '3fa2c1d0e9ab %s\n51c9e2d0a3b7 %s\n8d1e0a77c2f4 %s\n' "$T1_NEW" "$T3" "$T2" >anp/INDEX
story "$S1" "$T1_NEW" 3fa2c1d0e9ab anp \
	"WASHINGTON (ANP/AFP) - Noord-Korea heeft inmiddels 10.000 militairen naar Rusland gestuurd." \
	"Dat schat het Pentagon."
story "$S3" "$T3" 51c9e2d0a3b7 anp "Niet alles moet geloofd worden."
snapshot 2026-11-28T10:00:00Z "anp: 1 edited, 1 new

edited 3fa2c1d0e9ab $T1_NEW
new 51c9e2d0a3b7 $T3

Source-URL: https://example.nl/buitenland
Snapshot-Time: 2026-11-28T10:00:00Z" || fail "snapshot 2"

printf '3fa2c1d0e9ab %s\n8d1e0a77c2f4 %s\n' "$T1_NEW" "$T2" >anp/INDEX
printf '0a1b2c3d4e5f %s\n' "$T4" >nos/INDEX
story "$S4" "$T4" 0a1b2c3d4e5f nos "Er waren 12 aanvallen."
snapshot 2026-11-28T11:00:00Z "anp: 1 gone from page

gone 51c9e2d0a3b7 $T3

Source-URL: https://example.nl/buitenland
Snapshot-Time: 2026-11-28T11:00:00Z" || fail "snapshot 3"
cd "$tmp"

R() { "$REDLINE" -C "$tmp/archive" "$@"; }
json_ok() { python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

# --- log
out=$(R log | grep -v '^ ')
check "log lists every snapshot, newest first" \
	test "$(printf '%s\n' "$out" | cut -d' ' -f4-)" = "anp: 1 gone from page
anp: 1 edited, 1 new
anp: 2 new"
out=$(R log -n 1)
check "log -n 1 shows one snapshot" test "$(printf '%s\n' "$out" | wc -l)" = 1
out=$(R log 3fa2)
check "log of a story says what changed" \
	grep -qF "edited: headline changed; 1 sentence edited; figures soldaten in Rusland: 3000 → 10.000" <<<"$out"
check "log of a story lists only its revisions" test "$(grep -c '^[0-9a-f]\{12\} ' <<<"$out")" = 2
out=$(R log justitie)
check "log of a story gone from the page" grep -q "^    gone from page$" <<<"$out"
hash=$(git -C "$tmp/archive" rev-parse HEAD)
R log anp --json >log.json
check "log --json of a source" json_ok \
	'd[0]["commit"]=="'"$hash"'" and len(d)==3 and d[0]["changes"][0]=={"kind":"gone","id":"51c9e2d0a3b7","title":"'"$T3"'"} and d[0]["time"]=="2026-11-28T11:00:00Z" and len(d[0]["commit"])==40' <log.json
R log 3fa2c1d0e9ab --json >log.json
check "log --json of a story has summaries" json_ok \
	'[e["summary"] for e in d][1]=="new" and "figures soldaten in Rusland: 3000" in d[0]["summary"]' <log.json

# --- diff
out=$(R diff 3fa2)
check "diff shows the last change word by word" \
	grep -qF "op [-3000-]{+10.000+}" <<<"$out"
check "diff prints the changed figures with their context" grep -qxF "figures: soldaten in Rusland: 3000 → 10.000" <<<"$out"
out0=$(R diff 3fa2 -U 0)
check "diff -U 0 leaves out unchanged sentences" bash -c '! grep -q Pentagon <<<"$1"' _ "$out0"
out=$(R diff "$S1" HEAD~2 HEAD~1)
check "diff between two revisions" grep -qF "{+10.000+}" <<<"$out"
out=$(R diff 3fa2 HEAD~1)
check "diff of one revision against HEAD: nothing changed" \
	bash -c '! grep -qF "figures:" <<<"$1"' _ "$out"
out=$(R diff 3fa2 --color=always)
check "diff --color=always colours" grep -qF $'\033[32m10.000' <<<"$out"
out=$(R diff 3fa2)
check "no colour when stdout is no terminal" bash -c '! grep -qF $'"'"'\033'"'"' <<<"$1"' _ "$out"
R diff 3fa2 --json >diff.json
check "diff --json" json_ok \
	'd["item"]=="3fa2c1d0e9ab" and d["path"]=="'"$S1"'" and d["figures"]==[{"old":"3000","new":"10.000","context":"soldaten in Rusland"},{"old":"3000","new":"10.000","context":"militairen"}] and {"kind":"removed","text":"3000"} in d["segments"] and d["to"]!=d["from"]' <diff.json

# --- show
R show 3fa2@HEAD~2 >show.txt
check "show ITEM@REV prints the file as it was" \
	cmp -s show.txt <(git -C "$tmp/archive" show "HEAD~2:$S1")
R show 3fa2 >show.txt
check "show ITEM prints the file at HEAD" \
	cmp -s show.txt <(git -C "$tmp/archive" show "HEAD:$S1")
R show oekraïense --json >show.json
check "show --json" json_ok \
	'd["item"]=="8d1e0a77c2f4" and d["headers"]["Title"]=="'"$T2"'" and d["body"]==["KYIV (ANP) - Er zijn conceptdocumenten."] and d["commit"]=="'"$hash"'"' <show.json

# --- errors
expect_status 1 R show nothing-like-this
check "unknown story: message" grep -qxF "redline: no source or story named 'nothing-like-this' (sources: anp, nos)" "$T/err"
expect_status 1 R diff rusland
check "ambiguous story: candidates listed" grep -qF "redline: 'rusland' matches 2 stories:" "$T/err"
expect_status 1 R diff 3fa2 no-such-rev
check "unknown revision: message" grep -qxF "redline: unknown revision 'no-such-rev'" "$T/err"
expect_status 1 R show 51c9@HEAD~2
ok "story not there yet: exit 1"
expect_status 2 R log --bogus
check "unknown option: usage line" grep -q "^usage: redline log" "$T/err"
expect_status 2 R diff
expect_status 2 R show a b
expect_status 2 R log -n zero
expect_status 2 R diff 3fa2 --color=sometimes
ok "usage errors exit 2: diff without a story, show with two, log -n zero, --color=sometimes"
for c in log diff show; do
	expect_status 0 R $c --help
	check "$c --help prints usage" grep -q "^usage: redline $c" "$T/out"
done
git init -q --bare -b main "$tmp/empty"
expect_status 1 "$REDLINE" -C "$tmp/empty" log
check "empty archive: exit 1 with a message" grep -qF "no snapshots yet" "$T/err"
done_testing
