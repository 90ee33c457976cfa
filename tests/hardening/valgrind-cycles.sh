#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# valgrind-cycles.sh BUILD N: N pam_start/pam_authenticate/pam_end cycles
# of the real pam_twofa.so in one process under valgrind memcheck, as sshd
# and sudo load the module once per login. Users take turns, eight logins
# a round: an enrolled HOTP user typing a wrong code (failure counted and
# written), an enrolled HOTP user typing the next right code (from
# oathtool: every one of its logins succeeds), a user whose record is
# broken, and five logins of unknown users (the cheapest path under
# valgrind, which keeps 10,000 cycles within about four minutes).
# Any memcheck error or leak (definite, indirect or possible) fails, and
# so does any PAM result other than the expected one.
# For time (10,000 cycles in about three minutes), valgrind's JIT does not
# optimise (--vex-iropt-level=0, same checks) and uses of undefined values
# are not tracked here: check-valgrind's module tests run the same code
# paths with full definedness checking; this run is about leaks and
# invalid accesses that build up across loads of the module.
set -eu
build=$1
n=$2
here=$(cd "$(dirname "$0")" && pwd)
base=$(mktemp -d /run/twofa-vg.XXXXXX)
trap 'rm -rf "$base"' EXIT
chmod 700 "$base"
mkdir -m 700 "$base/store" "$base/pam.d"
module=$(cd "$build" && pwd)/pam_twofa.so
key=3132333435363738393031323334353637383930
echo "auth required pam_deny.so" >"$base/pam.d/other"
echo "auth required $module store=$base/store deny=0 window=1" >"$base/pam.d/cycles"
"$build/tests/tools/twofa-testrec" create "$base/store" alice --type hotp \
	--secret-hex "$key"
"$build/tests/tools/twofa-testrec" create "$base/store" dave --type hotp \
	--secret-hex "$key"
"$build/tests/tools/twofa-testrec" create "$base/store" eve --type hotp \
	--secret-hex "$key"
echo "not a record line" >>"$base/store/eve"
# Alice's counter never moves: a code outside her look-ahead is wrong for
# every login.
oathtool --hotp -c 0 -w 1 "$key" >"$base/alice.window"
wrong=000000
while grep -qx "$wrong" "$base/alice.window"; do
	wrong=$(printf '%06d' $((${wrong#0*} + 1)))
done
oathtool --hotp -c 0 -w $((n / 8 + 1)) "$key" >"$base/dave.codes"

status=0
SYSLOG_SINK=$(cd "$build" && pwd)/tests/tools/syslog-sink \
"$here/../tools/with-syslog" "$base/syslog.log" -- \
	valgrind -q --tool=memcheck --leak-check=full \
	--vex-iropt-level=0 --undef-value-errors=no \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible \
	--error-exitcode=99 --log-file="$base/valgrind.log" \
	"$build/tests/hardening/pam_cycles" "$base/pam.d" cycles "$n" \
	"alice:$wrong" "dave:@$base/dave.codes" "eve:$wrong" "bob:$wrong" \
	"carl:$wrong" "bob:123" "nobody:" "bob:1234567" >"$base/out" ||
	status=$?
cat "$base/out"
if [ "$status" -ne 0 ] || [ -s "$base/valgrind.log" ]; then
	echo "valgrind-cycles: valgrind reported (exit $status):"
	head -n 80 "$base/valgrind.log"
	exit 1
fi
# Each of the 8 pairs ran n/8 times with one result: PAM_SUCCESS (0) for
# dave, PAM_AUTHINFO_UNAVAIL (9) for eve, PAM_AUTH_ERR (7) for the rest.
q=$((n / 8))
[ "$(grep -c '^pair ' "$base/out")" -eq 8 ] || exit 1
while read -r _ user _ result _; do
	case $user in
	dave) want="0=$q" ;;
	eve) want="9=$q" ;;
	*) want="7=$q" ;;
	esac
	[ "$result" = "$want" ] || {
		echo "valgrind-cycles: $user: $result, expected $want"
		exit 1
	}
done <"$base/out"
echo "valgrind-cycles: $n cycles, no memcheck error, no leak"
