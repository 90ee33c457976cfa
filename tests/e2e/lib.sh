# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the end-to-end tests (sourced by run.sh): results, saving and
# restoring the machine's state, test users, codes from oathtool.
# shellcheck shell=bash

E2E_GECOS="pam_twofa e2e test user"
# Survives a killed run (and a reboot): the next run restores from it first.
E2E_SAVED=/var/lib/twofa-e2e.saved

# --- results ---------------------------------------------------------------

E2E_PASS=0
E2E_FAIL=0
E2E_FAILED=""

note() { printf '  .. %s\n' "$*"; }
pass() {
	E2E_PASS=$((E2E_PASS + 1))
	printf '  ok   %s\n' "$1"
}
fail() {
	E2E_FAIL=$((E2E_FAIL + 1))
	E2E_FAILED="$E2E_FAILED
    $1"
	printf '  FAIL %s\n' "$1"
	shift
	for line in "$@"; do printf '       %s\n' "$line"; done
}
# check NAME COMMAND...: pass if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "command: $*"; fi
}
die() {
	printf 'e2e: %s\n' "$*" >&2
	exit 1
}

# --- saved machine state -----------------------------------------------------
# Every path the tests change is recorded before the first change as
# "present" (copied to $E2E_SAVED/files) or "absent", and put back exactly
# as it was by restore_state, which the EXIT trap runs.

saved_name() { printf '%s' "$1" | sed 's|/|%|g'; }

save_path() {
	local p=$1
	if grep -qxF -e "present $p" -e "absent $p" "$E2E_SAVED/manifest"; then
		return 0
	fi
	if [ -e "$p" ] || [ -L "$p" ]; then
		cp -a "$p" "$E2E_SAVED/files/$(saved_name "$p")" ||
			die "cannot save $p"
		echo "present $p" >>"$E2E_SAVED/manifest"
	else
		echo "absent $p" >>"$E2E_SAVED/manifest"
	fi
	sync "$E2E_SAVED/manifest"
}

begin_state() {
	mkdir -m 0700 "$E2E_SAVED" "$E2E_SAVED/files" || die "cannot create $E2E_SAVED"
	: >"$E2E_SAVED/manifest"
}

# Kill the sshd daemons and the syslog receiver a run started, by the pids it wrote, and only if the
# pid still names one of our test daemons (pids get reused).
stop_daemons() {
	local dir=$1 pidf pid
	for pidf in "$dir"/*.pid; do
		[ -f "$pidf" ] || continue
		pid=$(cat "$pidf")
		case $pid in '' | *[!0-9]*) continue ;; esac
		if grep -q -e 'sshd-twofa-' -e 'twofa-e2e-syslog' <<<"$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"; then
			kill "$pid" 2>/dev/null
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -9 "$pid" 2>/dev/null
		fi
		rm -f "$pidf"
	done
}

remove_test_users() {
	local u
	for u in $(getent passwd | awk -F: -v g="$E2E_GECOS" '$5 == g { print $1 }'); do
		userdel -r -f "$u" >/dev/null 2>&1 || note "userdel $u failed"
		rm -f "/run/sudo/ts/$u" "/var/lib/sudo/lectured/$u"
	done
	# The exemption recipe's group (run.sh), once its members are gone.
	if getent group twofa-e2e-exempt >/dev/null; then
		groupdel twofa-e2e-exempt >/dev/null 2>&1 || note "groupdel twofa-e2e-exempt failed"
	fi
}

# Put everything back. Safe to run twice and after a run that was killed.
restore_state() {
	[ -d "$E2E_SAVED" ] || return 0
	local workdir state p
	workdir=$(sed -n 's/^workdir //p' "$E2E_SAVED/manifest" | tail -n 1)
	[ -n "$workdir" ] && [ -d "$workdir" ] && stop_daemons "$workdir"
	remove_test_users
	if grep -qx 'installed libpam-twofa' "$E2E_SAVED/manifest" &&
		grep -q installed <<<"$(dpkg-query -W -f='${Status}' libpam-twofa 2>/dev/null)"; then
		dpkg --purge libpam-twofa >/dev/null 2>&1 || note "dpkg --purge libpam-twofa failed"
	fi
	while read -r state p; do
		case $state in
		present)
			rm -rf "$p"
			cp -a "$E2E_SAVED/files/$(saved_name "$p")" "$p" || note "cannot restore $p"
			;;
		absent) rm -rf "$p" ;;
		esac
	done <"$E2E_SAVED/manifest"
	[ -n "$workdir" ] && case $workdir in /run/twofa-e2e.*) rm -rf "$workdir" ;; esac
	rm -rf "$E2E_SAVED"
}

# --- users and codes ---------------------------------------------------------

random_password() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
random_secret() { head -c 20 /dev/urandom | base32 | tr -d '='; }

add_user() {
	local u=$1 pw=$2
	useradd -m -s /bin/sh -c "$E2E_GECOS" "$u" || die "useradd $u failed"
	echo "$u:$pw" | chpasswd || die "chpasswd $u failed"
}

# TOTP codes from oathtool, one time step per accepted login: the module
# refuses a step at or before the last one it accepted (the replay guard),
# and accepts one step ahead of now (the default window of 1). A step
# already used by this user is never handed out again; when the next unused
# step is more than one ahead, wait for the clock.
# Sets CODE (not printed: a command substitution would lose LAST_STEP).
declare -A LAST_STEP
totp_code() { # USER SECRET -> CODE, a fresh code; marks its step used
	local u=$1 secret=$2 now step
	now=$(($(date +%s) / 30))
	step=$now
	if [ -n "${LAST_STEP[$u]:-}" ] && [ "$step" -le "${LAST_STEP[$u]}" ]; then
		step=$((LAST_STEP[$u] + 1))
	fi
	while [ "$step" -gt $((now + 1)) ]; do
		note "waiting for the next TOTP step ($u)"
		sleep $((30 - $(date +%s) % 30))
		now=$(($(date +%s) / 30))
	done
	LAST_STEP[$u]=$step
	CODE=$(oathtool --totp -b -N "@$((step * 30))" "$secret")
	echo "$(date +%T) $(date +%s) totp $u step=$step now=$now code=$CODE" >>"$W/codes.log"
}
# The code of the step most recently handed out (for replay tests).
totp_last_code() {
	oathtool --totp -b -N "@$((LAST_STEP[$1] * 30))" "$2"
}
# HOTP codes: the counter moves on by one per accepted code (enrollment's
# confirmation takes counter 0).
declare -A HOTP_NEXT
hotp_code() { # USER SECRET -> CODE for the user's next counter
	local u=$1
	CODE=$(oathtool --hotp -b -c "${HOTP_NEXT[$u]:-0}" "$2")
	echo "$(date +%T) hotp $u counter=${HOTP_NEXT[$u]:-0} code=$CODE" >>"$W/codes.log"
	HOTP_NEXT[$u]=$((${HOTP_NEXT[$u]:-0} + 1))
}
# A 6-digit code that is none of the TOTP codes around now and none of the
# first 40 HOTP codes for this secret.
wrong_code() {
	local secret=$1 now c valid
	now=$(($(date +%s) / 30))
	valid=$(for i in -3 -2 -1 0 1 2 3; do
		oathtool --totp -b -N "@$(((now + i) * 30))" "$secret"
	done; oathtool --hotp -b -w 40 -c 0 "$secret")
	for c in 000000 111111 222222 333333 444444 555555; do
		grep -qx "$c" <<<"$valid" || { echo "$c"; return; }
	done
	die "no wrong code found"
}

# --- a private /dev/log --------------------------------------------------------
# Replace /dev, in this process's own mount namespace only, by a copy with a
# /dev/log socket served by syslog.py, so the module's log lines (and sshd's,
# sudo's, su's) land in $W/syslog where the tests can read them.
private_devlog() {
	local w=$1 e d=$1/dev
	mkdir "$d" && mount -t tmpfs -o mode=0755,nosuid tmpfs "$d" || die "cannot mount a tmpfs for /dev"
	for e in /dev/* /dev/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		if mountpoint -q "$e"; then
			mkdir "$d/${e#/dev/}" && mount --rbind "$e" "$d/${e#/dev/}" || die "cannot bind $e"
		else
			cp -a "$e" "$d/" || die "cannot copy $e"
		fi
	done
	: >"$w/syslog"
	/usr/bin/python3 "$HERE/syslog.py" "$d/log" "$w/syslog" twofa-e2e-syslog 9>&- &
	echo $! >"$w/syslog.pid"
	for _ in $(seq 50); do
		[ -S "$d/log" ] && break
		sleep 0.1
	done
	[ -S "$d/log" ] || die "syslog receiver did not start"
	mount --move "$d" /dev || die "cannot move the private /dev into place"
}
