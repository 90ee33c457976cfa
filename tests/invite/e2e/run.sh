#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End-to-end self-enrollment (SPEC 9) with the real sshd (keyboard-
# interactive), su and sudo on pseudo-terminals, through the pam_twofa.so
# of this build:
#
#   flock /run/lock/twofa-e2e.lock tests/tools/with-syslog LOG -- \
#       tests/token/with-etc-twofa bash tests/invite/e2e/run.sh BUILD
#
# (make check-invite-e2e does exactly that.) Everything runs in a mount
# namespace with a private copy of /etc and a private /dev/log, so the
# test users, PAM services and sudoers entry never reach the machine's
# /etc; the store and sshd's files live in a scratch directory under /run
# that is removed at the end. sshd listens on loopback in this issue's
# port range (36000-36999). Codes come from oathtool, the QR code is read
# back with zbarimg.
set -u -o pipefail
BUILD=$(cd "${1:?usage: run.sh BUILD}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
MOD=$BUILD/pam_twofa.so
ADMIN=$BUILD/twofa-admin
export PATH="/usr/sbin:/usr/bin:/sbin:/bin"
unset SSH_AUTH_SOCK
[ "$(id -u)" = 0 ] || { echo "e2e: needs root" >&2; exit 1; }
[ -n "${TWOFA_ETC_OUTER_PID:-}" ] || {
	echo "e2e: run inside tests/token/with-etc-twofa (a private /etc)" >&2
	exit 1
}
[ -n "${SYSLOG:-}" ] || { echo "e2e: SYSLOG (the with-syslog file) unset" >&2; exit 1; }

# with-syslog's /dev binds the host's ptmx node, which opens the devpts
# beside it in the host's /dev; here that is not mounted, so expect and
# sshd get no pty. A devpts instance of our own, in our namespace only:
umount /dev/ptmx 2>/dev/null; rm -f /dev/ptmx
umount -l /dev/pts 2>/dev/null
mkdir -p /dev/pts
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts /dev/pts &&
	ln -s pts/ptmx /dev/ptmx || { echo "e2e: cannot mount a devpts" >&2; exit 1; }

PASS=0 FAIL=0 FAILED=""
pass() { PASS=$((PASS + 1)); echo "ok   $1"; }
fail() {
	FAIL=$((FAIL + 1)); FAILED="$FAILED
  $1"; echo "FAIL $1"; shift
	for l in "$@"; do printf '       %s\n' "$l"; done
}

W=$(mktemp -d /run/twofa-16-e2e.XXXXXX)
chmod 0755 "$W"
S=$W/store
mkdir -m 0700 "$S" "$W/home"
made_run_sshd=""
[ -e /run/sshd ] || { mkdir -m 0755 /run/sshd; made_run_sshd=1; }
cleanup() {
	[ -f "$W/sshd.pid" ] && kill "$(cat "$W/sshd.pid")" 2>/dev/null
	[ -n "$made_run_sshd" ] && rmdir /run/sshd 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

pw() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
declare -A PASSWORD
for u in twofa16-ssh twofa16-su twofa16-sudo twofa16-other; do
	PASSWORD[$u]=$(pw)
	useradd -M -d "$W/home" -s /bin/sh "$u" && echo "$u:${PASSWORD[$u]}" | chpasswd ||
		{ echo "e2e: cannot add $u (in the private /etc)" >&2; exit 1; }
done

# The PAM stack of every service here: password, then the code (or the
# ticket, then the enrollment), and the account phase that commits it.
stack() {
	printf '%s\n' \
		"auth     requisite pam_unix.so" \
		"auth     required  $MOD store=$S enroll" \
		"account  required  $MOD store=$S" \
		"account  required  pam_unix.so" \
		"session  required  pam_unix.so"
}
logged() { # NAME REGEX
	if grep -qE -- "$2" "$SYSLOG"; then pass "$1"; else
		fail "$1" "no log line matches: $2" "$(grep pam_twofa "$SYSLOG" | tail -n 4)"
	fi
}
status_of() { "$ADMIN" --store "$S" status "$1" --json; }
enrolled() { status_of "$1" | /usr/bin/python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["pending"])'; }
invite() { "$ADMIN" --store "$S" invite "$1" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket"])'; }
drive() { # LOG TICKET COMMAND...: transcript in $W/LOG.out, CRs dropped in $OUT
	local log=$1 ticket=$2
	shift 2
	E2E_PASSWORD=$PW LC_ALL=C.UTF-8 "$HERE/enroll.exp" 40 "$ticket" "$@" >"$W/$log.out" 2>&1
	OUT=$(tr -d '\r' <"$W/$log.out")
	tr -d '\r' <"$W/$log.out" >"$W/$log.txt"
}
has() { grep -qE -- "$1" <<<"$OUT"; }

# --- sshd, keyboard-interactive ----------------------------------------------
echo "--- sshd (keyboard-interactive)"
port=""
for p in $(shuf -i 36000-36999 -n 20); do
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { port=$p; break; }
done
[ -n "$port" ] || { echo "e2e: no free port" >&2; exit 1; }
ssh-keygen -q -t ed25519 -N '' -f "$W/hostkey"
stack >/etc/pam.d/sshd-twofa16
ln -s /usr/sbin/sshd "$W/sshd-twofa16"
cat >"$W/sshd.conf" <<EOC
ListenAddress 127.0.0.1:$port
HostKey $W/hostkey
PidFile none
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthenticationMethods keyboard-interactive
AllowUsers twofa16-*
UseDNS no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
EOC
"$W/sshd-twofa16" -D -f "$W/sshd.conf" -E "$W/sshd.log" &
echo $! >"$W/sshd.pid"
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done
ssh_enroll() { # LOG TICKET
	drive "$1" "$2" ssh -F /dev/null -o UserKnownHostsFile=/dev/null \
		-o StrictHostKeyChecking=no -o LogLevel=ERROR \
		-o PreferredAuthentications=keyboard-interactive \
		-o NumberOfPasswordPrompts=1 -p "$port" -l twofa16-ssh 127.0.0.1 \
		'echo E2E-SSH-OK'
}
u=twofa16-ssh PW=${PASSWORD[twofa16-ssh]}
ticket=$(invite $u)
ssh_enroll ssh-enroll "$ticket"
if has '^E2E-SSH-OK$' && has 'DRIVE: password=1 ticket=1 code=1 '; then
	pass "ssh: password, ticket, QR code in the prompt, first code -> in"
else
	fail "ssh: enrollment over keyboard-interactive" "$(tail -n 6 "$W/ssh-enroll.txt")"
fi
if out=$(/usr/bin/python3 "$HERE/qrcheck.py" "$W/ssh-enroll.txt" 2>&1); then
	pass "ssh: the QR code arrives intact (UTF-8 locale) and reads as the URI"
else
	fail "ssh: the QR code arrives intact" "$out"
fi
if has $'\\\\0?33|\\\\342'; then
	fail "ssh: no escaped bytes in what the client showed" "$(grep -m2 -E '\\\\' "$W/ssh-enroll.txt")"
else
	pass "ssh: no escaped bytes in what the client showed"
fi
enrolled $u && pass "ssh: the enrollment is committed" || fail "ssh: the enrollment is committed" "$(status_of $u)"
logged "log: ssh ticket accepted" "user=$u service=sshd-twofa16 rhost=127.0.0.1 method=ticket outcome=accepted"
logged "log: ssh enrollment committed" "user=$u service=sshd-twofa16 rhost=127.0.0.1 method=enroll outcome=success"
ssh_enroll ssh-again "$ticket"
if ! has '^E2E-SSH-OK$' && has 'DRIVE: password=1 ticket=1 code=0 '; then
	pass "ssh: the spent ticket is refused"
else
	fail "ssh: the spent ticket is refused" "$(tail -n 6 "$W/ssh-again.txt")"
fi

# --- su on a pty -------------------------------------------------------------
echo "--- su"
stack >/etc/pam.d/su
u=twofa16-su PW=${PASSWORD[twofa16-su]}
ticket=$(invite $u)
drive su-enroll "$ticket" runuser -u twofa16-other -- su $u -c 'echo E2E-SU-OK'
if has '^E2E-SU-OK$' && has 'DRIVE: password=1 ticket=1 code=1 '; then
	pass "su: password, ticket, enrollment prompt, first code -> in"
else
	fail "su: enrollment" "$(tail -n 6 "$W/su-enroll.txt")"
fi
/usr/bin/python3 "$HERE/qrcheck.py" "$W/su-enroll.txt" >/dev/null 2>&1 &&
	pass "su: the QR code reads as the URI" || fail "su: the QR code reads as the URI"
enrolled $u && pass "su: committed" || fail "su: committed" "$(status_of $u)"
logged "log: su enrollment committed" "user=$u service=su .*method=enroll outcome=success"

# --- sudo (PAM_SILENT) --------------------------------------------------------
echo "--- sudo"
stack >/etc/pam.d/sudo
printf '%s\n' "Defaults:twofa16-sudo timestamp_timeout=0, passwd_tries=1, !lecture" \
	"twofa16-sudo ALL=(root) /usr/bin/id" >/etc/sudoers.d/twofa16
chmod 0440 /etc/sudoers.d/twofa16
u=twofa16-sudo PW=${PASSWORD[twofa16-sudo]}
ticket=$(invite $u)
drive sudo-enroll "$ticket" runuser -u $u -- sudo -k /usr/bin/id -un
if has '^root$' && has 'DRIVE: password=1 ticket=1 code=1 '; then
	pass "sudo: the enrollment prompt reaches the user despite PAM_SILENT -> root"
else
	fail "sudo: enrollment" "$(tail -n 6 "$W/sudo-enroll.txt")"
fi
/usr/bin/python3 "$HERE/qrcheck.py" "$W/sudo-enroll.txt" >/dev/null 2>&1 &&
	pass "sudo: the QR code reads as the URI" || fail "sudo: the QR code reads as the URI"
enrolled $u && pass "sudo: committed" || fail "sudo: committed" "$(status_of $u)"

echo "e2e (self-enrollment): $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ] || { printf 'failed:%s\n' "$FAILED"; exit 1; }
