#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every tracked source file names its licence (LICENSE: BSD-2-Clause) in
# an SPDX line near its top, so a file copied out of the tree still says
# under what terms. Data (fuzz corpora), prose and packaging metadata are
# not source files.
set -eu
cd "$(dirname "$0")/.."
missing=$(git ls-files -- '*.c' '*.h' '*.py' '*.sh' '*.mk' '*.exp' \
	'Makefile' '.ci/run' 'man/*.[1-8]' 'tests/tools/with-*' |
	while read -r f; do
		[ -f "$f" ] || continue
		head -3 "$f" | grep -q 'SPDX-License-Identifier: BSD-2-Clause' ||
			echo "$f"
	done)
if [ -n "$missing" ]; then
	echo "check-spdx: no SPDX-License-Identifier line in:" >&2
	echo "$missing" >&2
	exit 1
fi
echo "check-spdx: every source file carries BSD-2-Clause"
