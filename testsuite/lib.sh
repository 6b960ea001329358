# Shared by the test runners: where things are, and how one result is judged.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
TAPC=$top_builddir/translator/tapc
TAPIO=$top_builddir/tapio/tapio
TAPVM=$top_srcdir/testsuite/vm/tapvm
failures=0
passes=0

# check NAME EXPECTED_DIR ACTUAL_OUT ACTUAL_ERR ACTUAL_RC
# Expected: NAME.out (exact stdout), NAME.rc (exit status, default 0),
# NAME.err (each line must appear somewhere in stderr), NAME.errexact (all of stderr).
check() {
	local name=$1 dir=$2 out=$3 err=$4 rc=$5 want_rc=0 ok=1
	[ -f "$dir/$name.rc" ] && want_rc=$(cat "$dir/$name.rc")
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL $name: exit status $rc, expected $want_rc"
		ok=0
	fi
	if [ ! -f "$dir/$name.out" ]; then
		echo "FAIL $name: no $name.out (every test states its exact stdout); it printed:"
		head -100 "$out"
		ok=0
	elif ! cmp -s "$dir/$name.out" "$out"; then
		echo "FAIL $name: stdout differs (expected, actual):"
		diff "$dir/$name.out" "$out" | head -20
		ok=0
	fi
	if [ -f "$dir/$name.err" ]; then
		while IFS= read -r line; do
			if ! grep -qF -- "$line" "$err"; then
				echo "FAIL $name: stderr lacks: $line"
				ok=0
			fi
		done < "$dir/$name.err"
	fi
	if [ -f "$dir/$name.errexact" ] && ! cmp -s "$dir/$name.errexact" "$err"; then
		echo "FAIL $name: stderr differs (expected, actual):"
		diff "$dir/$name.errexact" "$err" | head -20
		ok=0
	fi
	if [ $ok = 0 ]; then
		echo "  stderr was:"; head -10 "$err" | sed 's/^/    /'
		failures=$((failures + 1))
	else
		passes=$((passes + 1))
	fi
}

# Extra tapc options and script arguments for a test, from NAME.args if present.
test_args() {
	local f=${1%.stp}.args
	[ -f "$f" ] && cat "$f"
}

finish() {
	echo "$1: $passes passed, $failures failed"
	[ $failures = 0 ]
}
