#!/bin/sh
# The house rules that a compiler does not check (STYLE.md, issue 6), as a
# test: exits 1 and names each place that breaks one.
#
#  1. Every function declared in include/redline/*.h has a comment right
#     above it (a comment may serve a group of declarations only by being
#     repeated: each prototype is looked at alone).
#  2. Every such function carries its module's prefix: rl_<header>_ or
#     rl_<header>, or one of the prefixes listed for its header below.
#  3. No getenv() in src/ outside src/cli: the library reads no environment.
#  4. No file in src/ over 800 lines.
#
#   sh scripts/check-source.sh
set -eu
cd "$(dirname "$0")/.."

# Prefixes a header may use besides rl_<header>_: the types it is about.
prefixes() {
	case "$1" in
	align) echo "rl_alignment_" ;;
	buf) echo "rl_strvec_ rl_array_ rl_strdup rl_strndup" ;;
	classify) echo "rl_edit_" ;;
	config) echo "rl_http_config_ rl_source_config_" ;;
	edits) echo "rl_revisions_ rl_commit_edits_" ;;
	evidence) echo "rl_verify rl_timestamp rl_timestamp_ rl_reextract" ;;
	fetch) echo "rl_fetcher_" ;;
	figures) echo "rl_figure_" ;;
	hash) echo "rl_hash64_ rl_hash128_" ;;
	normalise) echo "rl_normaliser_" ;;
	readdiff) echo "rl_rdiff_ rl_rdiffs_ rl_html_" ;;
	remote) echo "rl_push_state_" ;;
	timeutil) echo "rl_time_" ;;
	esac
}

status=0
fail() {
	echo "check-source: $*" >&2
	status=1
}

for h in include/redline/*.h; do
	module=$(basename "$h" .h)
	allowed="rl_${module}_ rl_${module} $(prefixes "$module")"
	# "LINE NAME commented|bare" for each prototype: a line at column 0
	# with a "(" that is no preprocessor line, typedef or definition.
	awk '
		FNR == 1 { prev = "" }
		/^[A-Za-z_].*\(/ && !/^#/ && !/^typedef/ && !/^(struct|enum|union)[^(]*\{/ {
			s = $0
			sub(/\(.*/, "", s)
			n = split(s, w, /[ *]+/)
			print FNR, w[n], (prev ~ /\*\/[ \t]*$/ ? "commented" : "bare")
		}
		/[^ \t]/ { prev = $0 }
	' "$h" | { while read -r line name comment; do
		[ "$comment" = commented ] || fail "$h:$line: $name has no comment above it"
		ok=0
		for p in $allowed; do
			case "$p" in
			*_) case "$name" in "$p"*) ok=1 ;; esac ;;
			*) [ "$name" = "$p" ] && ok=1 ;;
			esac
		done
		[ "$ok" = 1 ] || fail "$h:$line: $name lacks the prefix of $module.h ($allowed)"
	done; exit $status; } || status=1
done

# (comment lines, which may name getenv, do not count)
if grep -rn --include='*.c' --include='*.h' 'getenv *(' src | grep -v '^src/cli/' |
	grep -Ev '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)'; then
	fail "getenv() in the library (above): only src/cli reads the environment"
fi

for f in $(find src -name '*.[ch]' | sort); do
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || fail "$f: $n lines, over 800 (split it)"
done

exit $status
