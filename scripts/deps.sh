#!/bin/sh
# Installs the Debian packages redline needs to build and test, if missing.
# Idempotent and quiet when everything is there; needs root (or sudo) otherwise.
set -eu

PACKAGES="build-essential cmake pkg-config git ca-certificates
libgit2-dev libcurl4-openssl-dev libxxhash-dev libxml2-dev libpcre2-dev
libutf8proc-dev libjansson-dev libcmocka-dev zlib1g-dev libdeflate-dev libssl-dev libpsl-dev libidn2-dev
libjemalloc-dev
xxhash jq curl python3 python3-brotli python3-feedparser chromium
nginx tinyproxy openssl openssh-client openssh-server gnupg nodejs clang-14 libclang-rt-14-dev fcgiwrap"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# The tests read WARC files with warcio from the npm registry: Debian's
# nodejs ships npm as a package of its own, some images' nodejs bundles it.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
[ -z "$missing" ] && exit 0

echo "redline: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
