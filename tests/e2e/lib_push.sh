# One worker pushing to a central repository, for the transport tests
# (sourced after lib.sh and start_server, not run): the worker $W watches
# one page on the test server, is shard 0/1 and pushes to origin after each
# cycle; the central repository is $C.

# next_page: the page changes (its story's text gets the next version).
V=0
next_page() {
	V=$((V + 1))
	printf '%s' "<article><h2><a href=\"/x/1\">Story</a></h2><p>Version $V of the text.</p></article>" >"$T/www/a.html"
}

# push_worker URL: makes $W, its remote origin at URL.
push_worker() {
	W="$T/w0.git"
	rl init "$W" >/dev/null
	rl -C "$W" add a1 "$B/files/a.html" >/dev/null
	git -C "$W" remote add origin "$1"
	git -C "$W" config redline.shard 0/1
	git -C "$W" config redline.pushRemote origin
	NOW=1796000000
}

# cycle: the page changes, an hour passes (test clock), one run.
cycle() {
	next_page
	NOW=$((NOW + 3600))
	REDLINE_NOW=$NOW rl -C "$W" run </dev/null >>"$T/run.out" 2>"$T/run.err" ||
		{ cat "$T/run.err"; fail "run with version $V"; }
}

# status_is JQ WHAT: the remote's row in `status --remotes --json` passes JQ.
status_is() { rl -C "$W" status --remotes --json | jq -e "$1" >/dev/null || { rl -C "$W" status --remotes; fail "status: $2"; }; }

on_server() { [ "$(git -C "$C" rev-parse -q --verify refs/heads/shards/0-of-1)" = "$(git -C "$W" rev-parse main)" ]; }

# server_down STOP: with the server stopped (the function STOP), cycles go
# on fetching and committing; the first push fails and is recorded, and a
# cycle within the backoff (10 s later on the test clock, backoff 30 s)
# commits without trying to push.
server_down() {
	"$1"
	before=$(commits "$W")
	cycle
	[ "$(commits "$W")" -gt "$before" ] || fail "no commit while the server was down"
	assert_contains "$T/run.err" "cannot push to 'origin'"
	status_is '.[0].errors == 1 and .[0].ahead == 1 and .[0].next_try != null' "the failed push"
	next_page
	REDLINE_NOW=$((NOW + 10)) rl -C "$W" run a1 </dev/null >>"$T/run.out" 2>"$T/run.err" ||
		fail "run during the backoff"
	[ "$(commits "$W")" -gt "$((before + 1))" ] || fail "no commit during the backoff"
	assert_not_contains "$T/run.err" "cannot push"
	status_is '.[0].errors == 1 and .[0].ahead == 2' "the backoff"
	ok "server down: cycles commit, the push fails once and then backs off"
}

# server_back START: once the server is back (START), the next cycle pushes
# everything; after a merge (in $T/merger.git) main holds every snapshot of
# the worker, exactly once, and fsck --strict is clean.
server_back() {
	"$1"
	cycle
	status_is '.[0].errors == 0 and .[0].ahead == 0' "after the server came back"
	on_server || fail "the server does not have the worker's main"
	rl -C "$T/merger.git" merge --remote origin </dev/null >/dev/null || fail "merge after the outage"
	git -C "$C" fsck --strict >"$T/fsck" 2>&1 || { cat "$T/fsck"; fail "fsck --strict on the server"; }
	git -C "$W" rev-list main | sort >"$T/w.commits"
	git -C "$C" rev-list main | sort >"$T/c.commits"
	[ -z "$(comm -23 "$T/w.commits" "$T/c.commits")" ] || fail "main lacks snapshots of the worker"
	[ "$(git -C "$C" log --format=%s main | grep -c '^a1:')" = "$(commits "$W")" ] ||
		fail "a snapshot is in main twice"
}

# merge_remote: `merge --remote origin` from a fresh archive, $T/merger.git.
merge_remote() {
	rl init "$T/merger.git" >/dev/null
	git -C "$T/merger.git" remote add origin "$URL"
	rl -C "$T/merger.git" merge --remote origin </dev/null >"$T/out" || { cat "$T/out"; fail "merge --remote"; }
	assert_contains "$T/out" "merged 1 shard"
	[ "$(git -C "$C" rev-parse main)" = "$(git -C "$T/merger.git" rev-parse main)" ] || fail "merge did not push main"
}
