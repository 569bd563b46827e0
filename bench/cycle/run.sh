#!/bin/bash
# bench/cycle/run.sh - live fetch cycles: redline run vs urlwatch vs a
# "git scraping" loop, against nginx serving generated listing pages on
# 127.0.0.1.
#
#   bench/cycle/run.sh                  # NS="100 1000"
#   NS=100 bench/cycle/run.sh
#
# For each N in NS, N pages (~25 KB, 30 <article>s each, gen_pages.py) are
# served by Debian's nginx (static files: ETag and Last-Modified are nginx's
# defaults). Each tool starts from an empty store and makes four runs:
#   first      every page is new
#   304        nothing changed; conditional requests (If-None-Match/-Since)
#   full-GET   nothing changed; conditional requests switched off
#   10%        10 % of the pages changed; conditional requests
# Each run is timed as one process tree under /usr/bin/time -v (wall time,
# peak RSS), counted in nginx's access log (200s, 304s) and in objects
# written to the tool's git repository.
#
# The tools:
#   redline   `redline add pNNNN URL --format html` per page (untimed), then
#             `redline run` (first run: everything is due) and
#             `redline run pNNNN...` (named: regardless of due time).
#             Full GETs: REDLINE_NO_CONDITIONAL=1 (a benchmark-only switch of redline run).
#   urlwatch  one job per page, filters `css: article` + `html2text`; its
#             default threaded run; full GETs: the same jobs with
#             `ignore_cached: true`. Its store is a cache database, not git:
#             "objects" is n/a, store growth is the cache file's.
#   git       sequential shell loop per page: curl | sed normaliser (the
#             <article> blocks, tags stripped, one sentence per line) >
#             pNNNN.txt; git add; git commit if it changed. 304 runs use
#             curl --etag-compare/--etag-save and skip 304s.
#
# GZIP_PAGES=1 serves every page gzip'd as well (pre-compressed, nginx's
# gzip_static), as most news sites do: redline and urlwatch ask for gzip,
# the git loop's curl does not.
#
# Environment: NS, RUN_TIMEOUT (seconds per run, 600), REDLINE, TOOLS, GZIP_PAGES
# (default "redline urlwatch git"; "redline-capture" is redline with
# redline.capture = all, for docs/evidence.md), KEEP=1 keeps the temporary directory.
# Binds only 127.0.0.1; kills its nginx and removes its files on exit.
set -euo pipefail

NS=${NS:-"100 1000"}; RUN_TIMEOUT=${RUN_TIMEOUT:-600}; GZIP_PAGES=${GZIP_PAGES:-0}
TOOLS=${TOOLS:-"redline urlwatch git"}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REDLINE=${REDLINE:-$ROOT/build/redline}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
. "$ROOT/bench/lib.sh"

for tool in python3 curl git /usr/bin/time timeout "$NGINX"; do
	command -v "$tool" >/dev/null || {
		echo "bench/cycle: needs $tool (apt-get install -y nginx-light curl git time)" >&2; exit 2; }
done
HAVE_URLWATCH=0; command -v urlwatch >/dev/null && HAVE_URLWATCH=1
HAVE_RUN=0
if [ -x "$REDLINE" ] && "$REDLINE" run --help >/dev/null 2>&1; then HAVE_RUN=1; fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/redline-bench-cycle-XXXXXX")
NGINX_PID=
cleanup() {
	bench_nginx_stop
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- nginx --------------------------------------------------------------------

PORT=$(bench_free_port)
WWW=$TMP/www
mkdir -p "$WWW"
# urlwatch sends the time of its last check as If-Modified-Since; with
# nginx's default "exact" that never matches Last-Modified, and nginx 1.22
# does not let a matching If-None-Match win, so urlwatch would never see a
# 304. "before" is the usual (Apache-like) reading.
NGINX_EXTRA='if_modified_since before;'
[ "$GZIP_PAGES" = 1 ] && NGINX_EXTRA="$NGINX_EXTRA gzip_static on;"
bench_nginx_start "$TMP" '$status $body_bytes_sent' "$NGINX_EXTRA" \
	"server { listen 127.0.0.1:$PORT; root $WWW; }" "http://127.0.0.1:$PORT/"
BASE=http://127.0.0.1:$PORT
echo "# nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on $BASE (pid $NGINX_PID)" >&2

RESULTS=$TMP/results.tsv
: >"$RESULTS"

now() { date +%s.%N; }
objects() { # loose + packed objects in git repository $1
	git -C "$1" count-objects -v | awk '/^count:|^in-pack:/ { n += $2 } END { print n + 0 }'; }
packs() { ls "$1"/objects/pack/*.pack 2>/dev/null | wc -l; }
log_lines() { wc -l <"$TMP/nginx/access.log"; }

# measure N TOOL RUN STORE REPO COMMAND... : time one run and append a result row
measure() {
	local n=$1 tool=$2 run=$3 store=$4 repo=$5; shift 5
	local obj0=0 obj1=0 kib0 kib1 l0 t0 t1 rc=0
	[ -n "$repo" ] && obj0=$(objects "$repo")
	kib0=$(du -sk "$store" | cut -f1)
	l0=$(log_lines)
	t0=$(now)
	timeout "$RUN_TIMEOUT" /usr/bin/time -v -o "$TMP/time.txt" "$@" >"$TMP/out.txt" 2>"$TMP/err.txt" || rc=$?
	t1=$(now)
	if [ "$rc" != 0 ] && ! { [ "$tool" = urlwatch ] && [ "$rc" = 1 ]; }; then
		echo "bench/cycle: $tool $run (N=$n) exited $rc:" >&2; tail -5 "$TMP/err.txt" >&2
	fi
	[ -n "$repo" ] && obj1=$(objects "$repo")
	kib1=$(du -sk "$store" | cut -f1)
	local rss ok304 ok200
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$TMP/time.txt")
	read -r ok200 ok304 < <(tail -n +"$((l0 + 1))" "$TMP/nginx/access.log" |
		awk '$1 == 200 { a++ } $1 == 304 { b++ } END { print a + 0, b + 0 }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$run" \
		"$(echo "$t1 - $t0" | bc)" "${rss:-0}" "$([ -n "$repo" ] && echo $((obj1 - obj0)) || echo na)" \
		"$((kib1 - kib0))" "$ok200" "$ok304" "$rc" "$([ -n "$repo" ] && packs "$repo" || echo na)" >>"$RESULTS"
	echo "#   $tool $run: $(tail -1 "$RESULTS" | cut -f4)s" >&2
}

# fresh_pages N: the round-0 pages, with fixed mtimes (stable ETags)
fresh_pages() {
	rm -rf "$WWW"/*
	cp -p "$TMP/pages-$1/r0/"* "$WWW/"
}
change_pages() {
	cp -p "$TMP/pages-$1/r1/"* "$WWW/"
}

# ---- the git scraping loop -----------------------------------------------------
cat >"$TMP/gitscrape.sh" <<'EOF'
# gitscrape.sh REPO BASE N MODE(cond|full): one pass over every page.
set -u
repo=$1 base=$2 n=$3 mode=$4
cd "$repo"
for ((i = 0; i < n; i++)); do
	p=$(printf 'p%04d' "$i")
	if [ "$mode" = cond ]; then
		code=$(curl -s -o body.tmp --etag-compare ".etag/$p" --etag-save ".etag/$p" \
			-w '%{http_code}' "$base/$p.html")
	else
		code=$(curl -s -o body.tmp -w '%{http_code}' "$base/$p.html")
	fi
	[ "$code" = 200 ] || continue
	# normaliser: the <article> blocks, tags stripped, one sentence per line
	sed -n '/<article/,/<\/article>/p' body.tmp | sed -e 's/<[^>]*>//g' -e 's/&amp;/\&/g' \
		-e 's/\([.!?]\) \([A-Z"]\)/\1\n\2/g' | sed -e 's/^[[:space:]]*//' -e '/^$/d' >"$p.txt"
	git add "$p.txt"
	git diff --cached --quiet || git commit -q -m "$p: snapshot"
done
rm -f body.tmp
EOF

# ---- the runs ----------------------------------------------------------------------
for N in $NS; do
	echo "# N=$N: generating pages ..." >&2
	mkdir -p "$TMP/pages-$N/r0" "$TMP/pages-$N/r1tmp" "$TMP/pages-$N/r1"
	python3 "$HERE/gen_pages.py" --out "$TMP/pages-$N/r0" -n "$N" 2>/dev/null
	touch -d '2026-03-02 06:00:00Z' "$TMP/pages-$N/r0/"*
	python3 "$HERE/gen_pages.py" --out "$TMP/pages-$N/r1" -n "$N" --change 0.10 --round 1 2>/dev/null
	touch -d '2026-03-02 07:00:00Z' "$TMP/pages-$N/r1/"*
	if [ "$GZIP_PAGES" = 1 ]; then
		for d in r0 r1; do
			(cd "$TMP/pages-$N/$d" && for f in *.html; do
				gzip -6 -k -n "$f" && touch -r "$f" "$f.gz" || exit 1; done) || exit 1
		done
	fi
	NAMES=$(cd "$TMP/pages-$N/r0" && ls -- *.html | sed 's/\.html$//')

	for tool in $TOOLS; do
		fresh_pages "$N"
		case $tool in
		redline|redline-capture|redline-nocapture)
			if [ "$HAVE_RUN" != 1 ]; then
				for run in first 304 full-GET 10%; do
					printf '%s\tredline\t%s\tpending\t\t\t\t\t\t\n' "$N" "$run" >>"$RESULTS"
				done
				echo "#   redline: 'redline run' not available yet (pending)" >&2
				continue
			fi
			A=$TMP/$tool-$N
			"$REDLINE" init "$A" >/dev/null
			# redline: the default, captures of the fetches that commit (WARC
			# in the commit); redline-capture: every fetch kept (capture = all);
			# redline-nocapture: none (capture = off).  docs/evidence.md
			[ "$tool" = redline-capture ] && git -C "$A" config redline.capture all
			[ "$tool" = redline-nocapture ] && git -C "$A" config redline.capture off
			# What `redline add pNNNN URL --format html --every 1m` writes,
			# without one process per page (untimed either way).
			# shellcheck disable=SC2086
			BENCH_EVERY=1m bench_sources "$BASE" $NAMES >>"$A/config"
			# shellcheck disable=SC2086
			measure "$N" "$tool" first "$A" "$A" "$REDLINE" -C "$A" run
			measure "$N" "$tool" 304 "$A" "$A" "$REDLINE" -C "$A" run $NAMES
			measure "$N" "$tool" full-GET "$A" "$A" env REDLINE_NO_CONDITIONAL=1 "$REDLINE" -C "$A" run $NAMES
			change_pages "$N"
			measure "$N" "$tool" 10% "$A" "$A" "$REDLINE" -C "$A" run $NAMES
			git -C "$A" fsck --strict --no-progress >/dev/null 2>&1 ||
				echo "bench/cycle: git fsck --strict FAILED on redline's archive" >&2
			echo "#   $tool: $(git -C "$A" rev-list --count HEAD) commits, fsck --strict done" >&2
			[ -d "$A/redline/warc" ] && echo "#   $tool: redline/warc/ $(du -sk "$A/redline/warc" | cut -f1) KiB" >&2
			;;
		urlwatch)
			if [ "$HAVE_URLWATCH" != 1 ]; then
				echo "#   urlwatch not installed (apt-get install -y urlwatch): skipped" >&2
				continue
			fi
			U=$TMP/urlwatch-$N
			mkdir -p "$U"
			for p in $NAMES; do
				printf -- '---\nname: %s\nurl: %s/%s.html\nfilter:\n  - css: article\n  - html2text\n' \
					"$p" "$BASE" "$p"
			done >"$U/urls.yaml"
			sed 's/^filter:$/ignore_cached: true\nfilter:/' "$U/urls.yaml" >"$U/urls-full.yaml"
			echo 'def noop(): pass' >"$U/hooks.py"
			# writes the default config (untimed)
			urlwatch --config "$U/urlwatch.yaml" --hooks "$U/hooks.py" --cache "$U/cache.db" \
				--urls "$U/urls.yaml" --list >/dev/null
			measure "$N" urlwatch first "$U" "" urlwatch --config "$U/urlwatch.yaml" --hooks "$U/hooks.py" --cache "$U/cache.db" --urls "$U/urls.yaml"
			measure "$N" urlwatch 304 "$U" "" urlwatch --config "$U/urlwatch.yaml" --hooks "$U/hooks.py" --cache "$U/cache.db" --urls "$U/urls.yaml"
			measure "$N" urlwatch full-GET "$U" "" urlwatch --config "$U/urlwatch.yaml" --hooks "$U/hooks.py" --cache "$U/cache.db" --urls "$U/urls-full.yaml"
			change_pages "$N"
			measure "$N" urlwatch 10% "$U" "" urlwatch --config "$U/urlwatch.yaml" --hooks "$U/hooks.py" --cache "$U/cache.db" --urls "$U/urls.yaml"
			;;
		git)
			G=$TMP/git-$N
			git init -q "$G"
			git -C "$G" config user.name bench
			git -C "$G" config user.email bench@localhost
			git -C "$G" config gc.auto 0
			mkdir -p "$G/.etag"
			echo .etag/ >"$G/.git/info/exclude"
			measure "$N" git first "$G/.git" "$G/.git" bash "$TMP/gitscrape.sh" "$G" "$BASE" "$N" cond
			measure "$N" git 304 "$G/.git" "$G/.git" bash "$TMP/gitscrape.sh" "$G" "$BASE" "$N" cond
			measure "$N" git full-GET "$G/.git" "$G/.git" bash "$TMP/gitscrape.sh" "$G" "$BASE" "$N" full
			change_pages "$N"
			measure "$N" git 10% "$G/.git" "$G/.git" bash "$TMP/gitscrape.sh" "$G" "$BASE" "$N" cond
			echo "#   git scraping: $(git -C "$G" rev-list --count HEAD) commits" >&2
			;;
		esac
	done
done

# ---- report ------------------------------------------------------------------------
export RESULTS DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) NPROC=$(nproc)
python3 "$HERE/report.py"
