# warcio.sh - sourced by the evidence tests: `warc_check FILE...` reads WARC
# files with warcio (webrecorder's reader, from the npm registry), not with
# redline, and checks their digests (tools/warc_check.mjs).  warcio is
# installed once with npm into a cache folder (REDLINE_NPM_CACHE, default
# ~/.cache/redline-tests); without node and npm the check is skipped, loudly.
WARCIO_DIR="${REDLINE_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redline-tests}"
have_warcio() {
	command -v node >/dev/null 2>&1 || return 1
	[ -d "$WARCIO_DIR/node_modules/warcio" ] && return 0
	command -v npm >/dev/null 2>&1 || return 1
	mkdir -p "$WARCIO_DIR"
	npm install --silent --no-audit --no-fund --prefix "$WARCIO_DIR" warcio@2.4 >/dev/null 2>&1 ||
		fail "npm could not install warcio into $WARCIO_DIR"
}
warc_check() {
	WARCIO_DIR="$WARCIO_DIR" node "$(dirname "$0")/tools/warc_check.mjs" "$@"
}
