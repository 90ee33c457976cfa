#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The wall time of real `su -s /bin/sh -c true nobody` (run by root) and
# `sudo -S -k /usr/bin/true` (run by nobody), with pam_twofa,
# google-authenticator and pam_permit in turn as the authentication of
# /etc/pam.d/su and /etc/pam.d/sudo, login by login (bench/stack.py).
#
#   bash bench/stack.sh BUILD WORKDIR N RESULTS
#
# This changes the system's PAM files, so it does what tests/e2e does: it
# holds /run/lock/twofa-e2e.lock, records every path it touches in the
# same saved-state directory as the end-to-end tests (/var/lib/twofa-e2e.
# saved, tests/e2e/lib.sh) before changing it, and puts all of it back
# exactly on exit; after a kill -9 the next bench or e2e run restores it
# before doing anything else. The lines put in front of the files apply
# to the user nobody only (su: and only when root runs su), so a run
# killed half-way changes nothing for anybody else:
#
#   auth [success=ignore default=1] pam_succeed_if.so quiet user = nobody ...
#   auth [success=done default=die] MODULE ARGS
#
# The rest of each file (account and session, and auth for other users) is
# the system's own. One user means one code per login: both modules get an
# HOTP enrollment with the same secret (counters move on by one per login),
# ours made by twofa-admin, google-authenticator's file without RATE_LIMIT
# (which would refuse the fourth login in 30 s).
set -eu
BUILD=$(cd "$1" && pwd)
W=$2 N=$3 R=$4
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/e2e/lib.sh
. "$HERE/../tests/e2e/lib.sh"
export PATH="/usr/sbin:/usr/bin:/sbin:/bin"

for tool in su sudo visudo flock; do
	command -v "$tool" >/dev/null || { echo "stack: $tool not found" >&2; exit 1; }
done
exec 9>/run/lock/twofa-e2e.lock
if ! flock -n 9; then
	echo "stack: waiting for /run/lock/twofa-e2e.lock (an end-to-end run)" >&2
	flock -w 600 9 || { echo "stack: lock not granted" >&2; exit 1; }
fi
if [ -d "$E2E_SAVED" ]; then
	echo "stack: $E2E_SAVED exists: restoring an interrupted run's state first" >&2
	restore_state
fi
begin_state
for p in /etc/pam.d/su /etc/pam.d/sudo /etc/sudoers.d/twofa-bench \
	/etc/pam.d/.twofa-bench.tmp /run/sudo/ts/nobody \
	/var/lib/sudo/lectured/nobody; do
	save_path "$p"
done
trap restore_state EXIT
trap 'exit 130' INT TERM HUP

S=$W/stack
mkdir -m 0700 "$S" "$S/store" "$S/ga"
SECRET=$(head -c 20 /dev/urandom | base32 | tr -d '=')
echo "$SECRET" | "$BUILD/twofa-admin" --store "$S/store" enroll nobody \
	--type hotp --secret - --no-confirm --qr none >/dev/null
printf '%s\n" WINDOW_SIZE 3\n" HOTP_COUNTER 1\n' "$SECRET" >"$S/ga/nobody"
chmod 0600 "$S/ga/nobody"

cat >"$S/sudoers" <<EOT
# pam_twofa bench/stack.sh (removed when it ends)
Defaults:nobody timestamp_timeout=0, passwd_tries=1, !lecture
nobody ALL=(root) /usr/bin/true
EOT
visudo -cqf "$S/sudoers"
install -m 0440 "$S/sudoers" /etc/sudoers.d/twofa-bench

# One variant of each file per module, from the saved originals.
for svc in su sudo; do
	cond="user = nobody"
	[ $svc = su ] && cond="user = nobody ruser = root"
	orig="$E2E_SAVED/files/$(saved_name /etc/pam.d/$svc)"
	for m in twofa ga permit; do
		case $m in
		twofa) line="$BUILD/pam_twofa.so store=$S/store" ;;
		ga) line="pam_google_authenticator.so secret=$S/ga/\${USER} user=root" ;;
		permit) line="pam_permit.so" ;;
		esac
		{
			echo "# pam_twofa bench/stack.sh: $m for nobody (restored when it ends)"
			echo "auth [success=ignore default=1] pam_succeed_if.so quiet $cond"
			echo "auth [success=done default=die] $line"
			cat "$orig"
		} >"$S/$svc.$m"
	done
done

/usr/bin/python3 "$HERE/stack.py" "$S" "$SECRET" "$N" >>"$R"
