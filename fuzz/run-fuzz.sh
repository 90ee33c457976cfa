#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run libFuzzer targets: run-fuzz.sh BUILDDIR SECONDS MODE TARGET...
#   MODE check: replay fuzz/regressions/T, then fuzz a scratch copy of
#               fuzz/corpus/T for SECONDS (nothing committed changes); any
#               crash, leak, timeout or sanitizer report fails.
#   MODE grow:  fuzz for SECONDS and merge new inputs into fuzz/corpus/T.
# FUZZ_JOBS targets run at once (default: the number of CPUs). One line
# per target gives executions, time and coverage, for the record.
set -u
build=$1 secs=$2 mode=$3
shift 3
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}

run_one() {
	t=$1
	bin=$build/fuzz_$t
	work=$build/work/$t
	art=$build/artifacts/$t
	sum=$build/$t.summary
	rm -rf "$work"
	mkdir -p "$work" "$art" "fuzz/corpus/$t"
	if [ -n "$(ls -A "fuzz/regressions/$t" 2>/dev/null)" ]; then
		if ! "$bin" -runs=0 "fuzz/regressions/$t"/* \
		    >"$build/$t.replay.log" 2>&1; then
			{
				echo "fuzz $t: a saved regression input fails:"
				tail -n 30 "$build/$t.replay.log"
			} >"$sum"
			return 1
		fi
	fi
	cp -R "fuzz/corpus/$t/." "$work/" 2>/dev/null
	start=$(date +%s)
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$art/" \
	    "$work" >"$build/$t.log" 2>&1
	rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$build/$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$build/$t.log" | tail -n 1)
	echo "fuzz $t: ${execs:-?} executions in $((end - start)) s," \
	    "${cov:-cov: ?}, corpus $(ls "$work" | wc -l), rc=$rc" >"$sum"
	if [ "$rc" -ne 0 ]; then
		{
			echo "fuzz $t: FAILED; input saved under $art/:"
			grep -E 'ERROR|SUMMARY|INVARIANT|==[0-9]+==' \
			    "$build/$t.log" | head -n 20
			ls "$art"
		} >>"$sum"
		return 1
	fi
	if [ "$mode" = grow ]; then
		"$bin" -merge=1 "fuzz/corpus/$t" "$work" \
		    >"$build/$t.merge.log" 2>&1 || {
			echo "fuzz $t: merge failed" >>"$sum"
			return 1
		}
	fi
	return 0
}

fail=0
set -- "$@"
while [ $# -gt 0 ]; do
	batch=""
	i=0
	while [ $# -gt 0 ] && [ "$i" -lt "$jobs" ]; do
		t=$1
		shift
		rm -f "$build/$t.summary" "$build/$t.rc"
		(run_one "$t"; echo $? >"$build/$t.rc") &
		batch="$batch $t"
		i=$((i + 1))
	done
	wait
	for t in $batch; do
		cat "$build/$t.summary"
		[ "$(cat "$build/$t.rc")" = 0 ] || fail=1
	done
done
exit "$fail"
