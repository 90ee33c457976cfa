#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Run each named make target as one check; print what passed and failed and
# a closing "N passed, N failed" line. Exit non-zero if any failed.
pass=0
fail=0
failed=""
for t in "$@"; do
	echo "=== $t"
	start=$(date +%s)
	if ${MAKE:-make} --no-print-directory "$t"; then
		pass=$((pass + 1))
		echo "=== $t: ok ($(( $(date +%s) - start )) s)"
	else
		fail=$((fail + 1))
		failed="$failed $t"
		echo "=== $t: FAILED ($(( $(date +%s) - start )) s)"
	fi
done
[ -n "$failed" ] && echo "failed check targets:$failed"
echo "check targets: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
