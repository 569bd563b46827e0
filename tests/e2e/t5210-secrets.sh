#!/bin/bash
# Secrets stay home.  A source's custom headers (here X-Api-Key and Cookie)
# go to its own origin only: a followed link on another host, or a link of
# the source's own that redirects to one, gets none.  `follow` keeps to the
# source's site unless follow-host names more.  The password in a source URL
# never reaches a commit, a hook payload, `sources` or a log.
# Two loopback servers: the source on 127.0.0.1, "elsewhere" on 127.0.0.2.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
start_server 90
start_elsewhere 90
PA=$(head -n1 "$T/port")
setpage() { curl -sf -X POST --data-binary "$3" "$1/admin/set?path=$2" >/dev/null || fail "cannot set $2"; }
article() { printf '<html><body><article><h1>%s</h1><p>%s is the whole story, told at length here.</p></article></body></html>\n' "$1" "$1"; }
# requests SERVERLOG PATH: its log lines ("... secrets=X-Api-Key,Cookie" when sent)
requests() { grep -F "\"GET $2 HTTP/1.1\"" "$1" || true; }

setpage "$B" /a/home "$(article "Home story")"
setpage "$B" /a/local "$(article "Local story")"
setpage "$B2" /b/away "$(article "Away story")"
setpage "$B2" /b/moved "$(article "Moved story")"
setpage "$B" /list "<html><body>
<article><h2><a href=\"/a/home\">Home story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"$B2/b/away\">Away story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"http://localhost:$PA/a/local\">Local story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"/go?to=$B2/b/moved\">Moved story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"http://169.254.169.254/latest/meta-data/\">Metadata</a></h2><p>Lead.</p></article>
</body></html>"

rl init "$A" >/dev/null
mkdir -p "$T/hookout"
printf '#!/bin/sh\ncat >"%s/hookout/payload.json"\n' "$T" >"$A/hooks/post-snapshot"
chmod +x "$A/hooks/post-snapshot"
rl -C "$A" add feed "http://user:s3cret-pw@127.0.0.1:$PA/list" --follow \
	--header 'X-Api-Key: k-123' --header 'Cookie: session=c-789' >"$T/add.out"
assert_not_contains "$T/add.out" "s3cret-pw"
expect_status 0 rl -C "$A" -v run
assert_not_contains "$T/err" "s3cret-pw"

requests "$T/server.log" /list | grep -q "secrets=.*X-Api-Key" || fail "the listing gets its headers"
requests "$T/server.log" /a/home | grep -q "secrets=.*X-Api-Key" || fail "a same-origin article gets them"
ok "the source's own origin gets its headers"

[ -z "$(requests "$T/server2.log" /b/away)" ] || fail "a link to another host is followed by default"
[ -z "$(requests "$T/server.log" /a/local)" ] || fail "localhost is another site than 127.0.0.1"
ok "follow keeps to the source's site"

moved=$(requests "$T/server2.log" /b/moved)
[ -n "$moved" ] || fail "the same-origin link that redirects is followed"
case "$moved" in *secrets=*) fail "headers crossed a redirect to 127.0.0.2: $moved" ;; esac
ok "no header crosses a redirect to another origin"

rl -C "$A" add feed "http://user:s3cret-pw@127.0.0.1:$PA/list" --follow --follow-host 127.0.0.2 \
	--header 'X-Api-Key: k-123' --header 'Cookie: session=c-789' >/dev/null
setpage "$B" /list "<html><body>
<article><h2><a href=\"/a/home\">Home story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"$B2/b/away\">Away story</a></h2><p>Lead, changed.</p></article>
<article><h2><a href=\"http://localhost:$PA/a/local\">Local story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"/go?to=$B2/b/moved\">Moved story</a></h2><p>Lead.</p></article>
<article><h2><a href=\"http://169.254.169.254/latest/meta-data/\">Metadata</a></h2><p>Lead.</p></article>
</body></html>"
REDLINE_NOW=$(( $(date +%s) + 60 )) expect_status 0 rl -C "$A" run feed
away=$(requests "$T/server2.log" /b/away)
[ -n "$away" ] || fail "follow-host lets the link be followed"
case "$away" in *secrets=*) fail "headers reached 127.0.0.2: $away" ;; esac
ok "follow-host allows another host, still without the headers"

git -C "$A" log --format=%B >"$T/log"
assert_contains "$T/log" "Source-URL: http://127.0.0.1:$PA/list"
assert_not_contains "$T/log" "s3cret-pw"
assert_not_contains "$T/hookout/payload.json" "s3cret-pw"
assert_contains "$T/hookout/payload.json" "\"source_url\": \"http://127.0.0.1:$PA/list\""
rl -C "$A" sources >"$T/sources"
rl -C "$A" sources --json >>"$T/sources"
rl -C "$A" status >>"$T/sources" 2>&1
rl -C "$A" status --json >>"$T/sources" 2>&1
assert_not_contains "$T/sources" "s3cret-pw"
ok "the password stays in the config: not in commits, payloads, sources, status or logs"
done_testing
