#!/bin/bash
# redline site: the static site of the demo archive, loaded in a real browser
# (Debian's chromium, headless) from file:// and from a static web server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/warcio.sh"
export LC_ALL=C.UTF-8
command -v chromium >/dev/null || fail "chromium is missing (scripts/deps.sh installs it)"
OUT="${REDLINE_TEST_OUTPUT:-$(dirname "$REDLINE")/test-output}"
mkdir -p "$OUT"
A="$T/a.git"
rl init "$A" >/dev/null
rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z --url https://www.example.nl/buitenland >/dev/null
rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-2.txt" --at 2026-11-28T10:00:00Z --url https://www.example.nl/buitenland >/dev/null
S="$T/site"
rl -C "$A" site "$S" >"$T/out"
assert_contains "$T/out" "full build, 9 story pages, 1 source page"
rl -C "$A" site "$S" >"$T/out"
assert_contains "$T/out" "up to date, nothing written"
ok "a full build, then nothing to do"

path=$(git -C "$A" ls-tree -r --name-only HEAD | grep noord-koreaanse)
id=$(basename "$path" .txt | grep -o '[0-9a-f]\{12\}$')
page="$S/anp/$id.html"
[ -f "$page" ] || fail "no story page $page"

# every relative link of every page resolves, anchors included
python3 - "$S" <<'PY'
import html.parser, os, sys, urllib.parse
root = sys.argv[1]
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.links = []; self.ids = set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        for k in ("href", "src"):
            if k in a: self.links.append(a[k])
pages = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith(".html"):
            p = P(); p.feed(open(os.path.join(d, f), encoding="utf-8").read()); pages[os.path.join(d, f)] = p
bad, n = [], 0
for path, p in pages.items():
    for l in p.links:
        u = urllib.parse.urlsplit(l)
        if u.scheme in ("http", "https"):
            continue
        n += 1
        target = os.path.normpath(os.path.join(os.path.dirname(path), u.path)) if u.path else path
        if not os.path.isfile(target):
            bad.append((path, l)); continue
        if u.fragment and target in pages and u.fragment not in pages[target].ids:
            bad.append((path, l))
assert not bad, bad[:5]
assert n > 50, n
PY
ok "every relative link and anchor resolves"

# each revision links the raw capture it was read from: the WARC file
# exactly as committed (what `redline capture` writes) and its body
[ "$(grep -c '<p class="capture">' "$page")" = 2 ] || fail "the story page does not link one capture per revision"
for c in $(git -C "$A" log --format=%H -- anp); do
	uuid=$(rl -C "$A" capture --list "$c" | sed -n 's/^<urn:uuid:\([0-9a-f-]*\)>.*/\1/p')
	[ -n "$uuid" ] || fail "commit $c has no capture"
	rl -C "$A" capture -o "$T/c.warc.gz" "$c"
	cmp -s "$T/c.warc.gz" "$S/_captures/$uuid.warc.gz" || fail "_captures/$uuid.warc.gz is not the committed capture"
	grep -q "href=\"../_captures/$uuid.warc.gz\"" "$page" || fail "no link to capture $uuid"
	grep -q "href=\"../_captures/$uuid.txt\"" "$page" || fail "no link to the body of capture $uuid"
done
cmp -s "$S/_captures/$uuid.txt" "$EXAMPLES/anp-buitenland-1.txt" || fail "the body is not the file ingested"
ok "each revision links its capture (WARC as committed) and the body it holds"

chrome() { # chrome OUTFILE ARGS... : headless chromium, console messages kept
	local o=$1; shift
	timeout 90 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chrome" \
		--enable-logging=stderr --v=0 "$@" >"$o" 2>"$o.log" || true
	if grep ':CONSOLE' "$o.log" >&2; then fail "console messages in $*"; fi
}

# the story page, served by a static web server
python3 -m http.server 0 --bind 127.0.0.1 --directory "$S" >"$T/http.log" 2>&1 &
EXTRA_PIDS="$!"
for _ in $(seq 50); do port=$(grep -o 'port [0-9]*' "$T/http.log" | grep -o '[0-9]*$') && [ -n "$port" ] && break; sleep 0.1; done
[ -n "${port:-}" ] || fail "static server did not start"
chrome "$T/story.dom" --dump-dom "http://127.0.0.1:$port/anp/$id.html"
assert_contains "$T/story.dom" '<del><mark class="fig">3000</mark></del><ins><mark class="fig">10.000</mark></ins>'
assert_contains "$T/story.dom" '<span class="badge k-figures">figures</span>'
assert_contains "$T/story.dom" '<table class="rd-sbs">'
grep -q '"GET /style.css HTTP/1.[01]" 200' "$T/http.log" || { cat "$T/http.log"; fail "style.css not loaded from the server"; }
ok "story page over HTTP in chromium: 3000 → 10.000 highlighted, badges, side by side, no console errors"

# the capture links of the page Chromium shows, fetched from the server: a
# WARC that an independent reader (warcio) parses with every digest right,
# and the body served as text/plain
links=$(grep -o 'href="../_captures/[0-9a-f-]*\.\(warc\.gz\|txt\)"' "$T/story.dom" | sed 's/^href="..\///; s/"$//' | sort -u)
[ "$(echo "$links" | grep -c 'warc.gz$')" = 2 ] || fail "chromium shows no two WARC links: $links"
for l in $links; do
	curl -sS -o "$T/got" -D "$T/head" "http://127.0.0.1:$port/$l" || fail "$l does not resolve over HTTP"
	grep -q '^HTTP/1.[01] 200' "$T/head" || fail "$l: $(head -1 "$T/head")"
	cmp -s "$T/got" "$S/$l" || fail "$l served differently"
	case $l in
	*.txt) grep -qi '^content-type: text/plain' "$T/head" || fail "$l is not served as text/plain" ;;
	*) have_warcio || fail "node and npm are needed to read the WARC independently"
	   warc_check "$T/got" >"$T/check" || { cat "$T/check"; fail "$l is not a valid WARC"; }
	   grep -q '^resource <urn:uuid:.*> https://www.example.nl/buitenland block=ok payload=ok' "$T/check" ||
		{ cat "$T/check"; fail "$l holds no resource record of the page"; }
	   grep -q '^metadata .* block=ok' "$T/check" || fail "$l holds no metadata record" ;;
	esac
done
ok "capture links resolve over HTTP; warcio reads each WARC, digests right; bodies are text/plain"

# the search from file://: a plain list, filtered by the script
chrome "$T/stories.dom" --dump-dom "file://$S/stories.html?q=noord"
grep -q '<li class=""><a href="anp/'"$id"'.html">VS schatten' "$T/stories.dom" || { grep -o '<li[^>]*><a[^>]*>VS[^<]*' "$T/stories.dom"; fail "search did not keep the story"; }
grep -q '<li class="hidden">' "$T/stories.dom" || fail "search hid nothing"
grep -c '<li><a href="anp/' "$S/stories.html" | grep -qx 9 || fail "the plain list has not every story"
ok "search by title: a plain list without JS, filtered with JS from file://, no console errors"

chrome "$T/shot.out" --screenshot="$OUT/t3300-story.png" --window-size=1200,1400 "file://$page"
[ "$(stat -c %s "$OUT/t3300-story.png" 2>/dev/null || echo 0)" -gt 20000 ] || fail "no screenshot"
echo "# screenshot of the story page: $OUT/t3300-story.png"
ok "screenshot kept in the test output"

# incremental: one story edited, only its page and its source's are rewritten
other=$(ls "$S/anp" | grep -v "^$id.html$" | grep '[0-9a-f]\{12\}.html' | head -1)
touch -d '2000-01-01' "$S/anp/$other"
sed 's/10.000 militairen/11.000 militairen/' "$EXAMPLES/anp-buitenland-2.txt" >"$T/3.txt"
rl -C "$A" ingest anp "$T/3.txt" --at 2026-11-28T11:00:00Z >/dev/null
rl -C "$A" site "$S" >"$T/out"
assert_contains "$T/out" "incremental build, 1 story page, 1 source page"
[ "$(stat -c %Y "$S/anp/$other")" = "$(date -d 2000-01-01 +%s)" ] || fail "an unchanged story page was rewritten"
grep -q '11.000' "$page" || fail "the edited story's page was not rewritten"
grep -q "redline-site 1" "$S/.redline-site" || fail "no record of the build"
ok "incremental: only the edited story's page and its source's are rewritten"

# captures are written once: the new commit's only, the others untouched
grep -q "1 capture," "$T/out" || fail "the incremental build did not export exactly the new capture"
[ "$(ls "$S/_captures" | grep -c 'warc.gz$')" = 3 ] || fail "not one WARC per capture: $(ls "$S/_captures")"
ok "incremental: only the new capture is exported"

# a captured page's scripts never run in the site's origin: its body is
# text/plain, shown as text by Chromium (a console message fails chrome())
cat >"$T/p.html" <<'HTML'
<!DOCTYPE html><html><head><title>Nieuws</title>
<script>console.log("script of the capture ran"); document.title = "pwned";</script></head>
<body><main><article><h2><a href="https://www.example.nl/a/1">Brand in haven van Rotterdam</a></h2>
<p>Bij een brand in de haven raakten 3 mensen gewond, meldt de brandweer.</p></article>
<img src="x.gif" onerror="console.log('onerror of the capture ran')"></main></body></html>
HTML
rl -C "$A" ingest web "$T/p.html" --at 2026-11-28T12:00:00Z --url https://www.example.nl/ >/dev/null
rl -C "$A" site "$S" >/dev/null
wpage=$(ls "$S"/web/*.html | grep -v index.html | head -1)
body=$(grep -o '_captures/[0-9a-f-]*\.txt' "$wpage" | head -1)
[ -n "$body" ] || fail "the HTML source's story page links no body"
chrome "$T/body.dom" --dump-dom "file://$S/$body"
grep -q '&lt;script&gt;console.log' "$T/body.dom" || { head -c 600 "$T/body.dom"; fail "the captured markup is not shown as text"; }
if grep -q '<title>pwned\|<script>console.log' "$T/body.dom"; then fail "the captured page ran as HTML"; fi
ok "a captured page with scripts is shown as text in chromium, never run"
done_testing
