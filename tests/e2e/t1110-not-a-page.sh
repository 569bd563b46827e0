#!/bin/bash
# Not a page: binary data and format mismatches are refused before anything
# is extracted ("redline: snapshot is not ...: it is ..."), exit 1, nothing
# written.  One row per case: file maker | ingest options | expected words.
. "$(dirname "$0")/lib.sh"
A="$T/archive"
rl init "$A" >/dev/null
rl -C "$A" ingest anp "$EXAMPLES/anp-buitenland-1.txt" --at 2026-11-28T09:00:00Z >/dev/null
head0=$(git -C "$A" rev-parse HEAD)

html='<!DOCTYPE html><html><head><title>Nieuws</title></head><body><h1>Kop</h1><p>Tekst.</p></body></html>'
rss='<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>T</title><link>https://x.example/1</link></item></channel></rss>'
mk_random() { head -c 4096 /dev/urandom >"$1"; }
mk_gzip() { gzip -c "$EXAMPLES/anp-buitenland-1.txt" >"$1"; }
mk_zip() { printf 'PK\003\004\024\000\000\000rest of a zip' >"$1"; }
mk_pdf() { printf '%%PDF-1.7\n%%\342\343\317\323\n1 0 obj\n' >"$1"; }
mk_png() { printf '\211PNG\r\n\032\n\000\000\000\rIHDR' >"$1"; }
mk_jpeg() { printf '\377\330\377\340\000\020JFIF' >"$1"; }
mk_gif() { printf 'GIF89a\001\000\001\000' >"$1"; }
mk_webp() { printf 'RIFF\044\000\000\000WEBPVP8 ' >"$1"; }
mk_elf() { cp "$REDLINE" "$1"; }
mk_pe() { printf 'MZ\220\000\003\000\000\000\004\000' >"$1"; }
mk_nul() { head -c 2000 /dev/zero >"$1"; printf 'a little text' >>"$1"; }
mk_html() { printf '%s\n' "$html" >"$1"; }
mk_rss() { printf '%s\n' "$rss" >"$1"; }

while IFS='|' read -r maker opts words; do
	[ -n "$maker" ] || continue
	f="$T/$maker.in"
	"mk_$maker" "$f"
	# shellcheck disable=SC2086
	expect_status 1 rl -C "$A" ingest anp "$f" $opts
	assert_contains "$T/err" "redline: "; assert_contains "$T/err" ": snapshot is not"
	assert_contains "$T/err" "$words"
	[ "$(git -C "$A" rev-parse HEAD)" = "$head0" ] || fail "$maker: the archive changed"
	[ -z "$(git -C "$A" for-each-ref --format=x refs/heads | sed 1d)" ] || fail "$maker: a new ref"
	ok "$maker ${opts:-(sniffed)}: refused ($words)"
done <<'CASES'
random||binary data
gzip||gzip-compressed data
zip||a zip archive
pdf||a PDF document
png||a PNG image
jpeg||a JPEG image
gif||a GIF image
webp||a WebP image
elf||an ELF executable
pe||a Windows executable
nul||binary data
html|--format text|is not text: it is HTML
html|--format rss|is not an RSS feed: it is HTML
html|--format atom|is not an Atom feed: it is HTML
rss|--format text|is not text: it is an RSS feed
CASES

# and the right format still goes through
mk_html "$T/page.html"
expect_status 0 rl -C "$A" ingest page "$T/page.html" --format html
ok "HTML read as html is accepted"
done_testing
