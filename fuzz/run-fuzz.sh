#!/bin/sh
# Run libFuzzer targets: run-fuzz.sh BUILDDIR SECONDS MODE TARGET...
#   MODE check: replay fuzz/regressions/T and fuzz/corpus/T, then fuzz a
#               scratch copy of the corpus for SECONDS (nothing committed
#               changes); any crash, leak, timeout or sanitizer report fails.
#   MODE grow:  fuzz for SECONDS and merge new inputs into fuzz/corpus/T.
# One line per target gives executions, time and coverage for the report.
set -u
build=$1 secs=$2 mode=$3
shift 3
fail=0
for t in "$@"; do
	bin=$build/fuzz_$t
	work=$build/work/$t
	art=$build/artifacts/$t
	rm -rf "$work"
	mkdir -p "$work" "$art" "fuzz/corpus/$t"
	if [ -d "fuzz/regressions/$t" ] &&
	    [ -n "$(ls -A "fuzz/regressions/$t" 2>/dev/null)" ]; then
		if ! "$bin" -runs=0 "fuzz/regressions/$t"/* \
		    >"$build/$t.replay.log" 2>&1; then
			echo "fuzz $t: a saved regression input fails:"
			tail -n 30 "$build/$t.replay.log"
			fail=1
			continue
		fi
	fi
	cp -R "fuzz/corpus/$t/." "$work/" 2>/dev/null
	start=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$art/" \
	    "$work" >"$build/$t.log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$build/$t.log" | tail -n 1)
	echo "fuzz $t: ${execs:-?} executions in $((end - start)) s, ${cov:-cov: ?}, rc=$rc"
	if [ "$rc" -ne 0 ]; then
		echo "fuzz $t: FAILED; input saved under $art/:"
		grep -E 'ERROR|SUMMARY|INVARIANT|==[0-9]+==' "$build/$t.log" |
		    head -n 20
		ls "$art"
		fail=1
		continue
	fi
	if [ "$mode" = grow ]; then
		"$bin" -merge=1 "fuzz/corpus/$t" "$work" \
		    >"$build/$t.merge.log" 2>&1 ||
		    { echo "fuzz $t: merge failed"; fail=1; }
	fi
done
exit "$fail"
