#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# End-to-end tests: real logins through the installed Debian package.
#
#   tests/e2e/run.sh PATH/TO/libpam-twofa_VERSION_ARCH.deb [RESULTS-DIR]
#
# Installs the package into this machine, enrolls test users with
# twofa-admin, and logs in with the real programs over pseudo-terminals
# driven by expect (drive.exp): the OpenSSH server on a loopback port with
# its own config and PAM service, sudo, su and login. Codes come from oathtool,
# tokens are checked by twofa-admin verify-token and by PyJWT.
#
# Everything it changes is saved first and put back by an EXIT trap (also
# on failure or Ctrl-C): PAM files, sudoers entry, pam-auth-update state,
# /etc/twofa, /var/lib/twofa, test users, sshd processes, the package. A
# run that was killed (SIGKILL, power loss) is cleaned up by the next one.
# Transcripts and logs (syslog of the private /dev/log, sshd's own log) are
# copied to RESULTS-DIR at the end. Needs root; make check-e2e skips it with
# a message otherwise.
set -u -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$HERE/lib.sh"
DRIVE="$HERE/drive.exp"
PY=/usr/bin/python3

DEB=${1:-}
[ -n "$DEB" ] && [ -f "$DEB" ] || die "usage: run.sh PATH/TO/libpam-twofa_VERSION_ARCH.deb"
DEB=$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")
RESULTS=${2:-}
if [ -n "$RESULTS" ]; then
	mkdir -p "$RESULTS" && RESULTS=$(cd "$RESULTS" && pwd) || die "cannot create $RESULTS"
fi
[ "$(id -u)" = 0 ] || die "needs root"
for tool in sshd ssh ssh-keygen sudo su runuser expect oathtool dpkg useradd \
	userdel chpasswd pam-auth-update visudo unshare mountpoint flock shuf; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 ||
		die "$tool not found"
done
export PATH="/usr/sbin:/usr/bin:/sbin:/bin"
unset SSH_AUTH_SOCK
# Run in a mount namespace of our own, where /dev/log can be ours.
if [ -z "${E2E_IN_NAMESPACE:-}" ]; then
	exec unshare --mount --propagation private env E2E_IN_NAMESPACE=1 bash "$0" "$DEB" "$RESULTS"
fi

T0=$(date +%s)
# One run at a time per machine (two would undo each other's changes). The
# lock is not passed on to the daemons started below, so a killed run's
# leftovers cannot keep the next run waiting.
exec 9>/run/lock/twofa-e2e.lock || die "cannot open /run/lock/twofa-e2e.lock"
if ! flock -n 9; then
	echo "e2e: another end-to-end run holds /run/lock/twofa-e2e.lock; waiting (at most 10 min)"
	flock -w 600 9 || die "another end-to-end run is still going"
fi
if [ -d "$E2E_SAVED" ]; then
	echo "e2e: $E2E_SAVED exists: an earlier run was interrupted; restoring its state first"
	restore_state
fi
# (grep -q reads here-strings, not pipes: under pipefail, a writer cut off by
# grep's early exit would turn a match into a failure.)
if grep -q 'ok installed' <<<"$(dpkg-query -W -f='${Status}' libpam-twofa 2>/dev/null)"; then
	die "libpam-twofa is already installed on this machine; the test installs and purges its own build, so purge it first"
fi

W=$(mktemp -d /run/twofa-e2e.XXXXXX) || die "mktemp failed"
begin_state
echo "workdir $W" >>"$E2E_SAVED/manifest"
save_results() {
	[ -n "$RESULTS" ] || return 0
	rm -f "$RESULTS"/*
	cp "$W"/*.out "$W"/*.log "$W"/syslog "$RESULTS"/ 2>/dev/null
}
trap 'save_results; restore_state' EXIT
trap 'exit 130' INT TERM HUP
private_devlog "$W" || die "cannot set up a private /dev/log"

PAMFILES="/etc/pam.d/sudo /etc/pam.d/su /etc/pam.d/common-auth \
	/etc/pam.d/common-account /etc/pam.d/common-password \
	/etc/pam.d/common-session /etc/pam.d/common-session-noninteractive"
for p in $PAMFILES /var/lib/pam /etc/sudoers.d/twofa-e2e /etc/twofa \
	/var/lib/twofa /etc/pam.d/sshd-twofa-test /etc/pam.d/sshd-twofa-pk \
	/etc/pam.d/sshd-twofa-fp /etc/pam.d/sshd-twofa-ex /etc/pam.d/sshd-twofa-net \
	/etc/pam.d/sshd-twofa-mi /etc/pam.d/sshd-twofa-mo /run/motd.dynamic; do
	save_path "$p"
done
# sshd's privilege separation directory: made if missing (and removed at
# the end), never touched if the system's sshd has it.
[ -e /run/sshd ] || save_path /run/sshd
# A fresh installation: no store or key left by an earlier `make install`.
rm -rf /etc/twofa /var/lib/twofa

# --- the package -------------------------------------------------------------

echo "--- install $(basename "$DEB")"
echo "installed libpam-twofa" >>"$E2E_SAVED/manifest"
if ! dpkg -i "$DEB" >"$W/dpkg.log" 2>&1; then
	cat "$W/dpkg.log"
	die "dpkg -i failed"
fi
PAMDIR=$(dirname "$(dpkg -L libpam-twofa | grep '/security/pam_twofa\.so$')")
check "package installs pam_twofa.so in the PAM module directory" \
	test -f "$PAMDIR/pam_twofa.so" -a -e "$PAMDIR/pam_unix.so"
check "package installs /usr/sbin/twofa-admin" test -x /usr/sbin/twofa-admin
check "store /var/lib/twofa is a 0700 root:root directory" \
	test "$(stat -c '%a %U %G %F' /var/lib/twofa)" = "700 root root directory"
check "man pages installed" test -f /usr/share/man/man8/pam_twofa.8.gz \
	-a -f /usr/share/man/man8/twofa-admin.8.gz -a -f /usr/share/man/man5/twofa.5.gz
check "pam-auth-update profile is shipped" grep -q '^Default: no' /usr/share/pam-configs/twofa
if grep -q pam_twofa /etc/pam.d/common-auth; then
	fail "installing does not enable pam_twofa" "$(grep pam_twofa /etc/pam.d/common-auth)"
else
	pass "installing does not enable pam_twofa (common-auth unchanged)"
fi

check "twofa-admin keygen makes the token key" sh -c \
	'twofa-admin keygen >/dev/null && test "$(stat -c %a /etc/twofa/jwt.key)" = 600'

# --- users -------------------------------------------------------------------

declare -A PASSWORD SECRET BACKUP
enroll() { # USER [hotp]: an enrollment confirmed with a current code
	local u=$1 type=${2:-totp} out
	SECRET[$u]=$(random_secret)
	if [ "$type" = hotp ]; then hotp_code "$u" "${SECRET[$u]}"; else totp_code "$u" "${SECRET[$u]}"; fi
	# The secret from stdin (--secret -), the line before the code.
	out=$(printf '%s\n%s\n' "${SECRET[$u]}" "$CODE" |
		twofa-admin enroll "$u" --type "$type" --secret - --qr none 2>&1) ||
		die "twofa-admin enroll $u failed: $out"
	out=$(twofa-admin backup-codes "$u" --count 3 2>&1) ||
		die "twofa-admin backup-codes $u failed: $out"
	BACKUP[$u]=$(printf '%s\n' "$out" | grep -oE '\b[0-9]{4} ?[0-9]{4}\b' | head -n 1)
	[ -n "${BACKUP[$u]}" ] || die "no backup code in: $out"
}
for u in twofa-e2e-ssh twofa-e2e-pk twofa-e2e-fp twofa-e2e-sudo twofa-e2e-su twofa-e2e-plain \
	twofa-e2e-ex twofa-e2e-net twofa-e2e-ma; do
	PASSWORD[$u]=$(random_password)
	add_user "$u" "${PASSWORD[$u]}"
done
for u in twofa-e2e-ssh twofa-e2e-pk twofa-e2e-fp twofa-e2e-sudo twofa-e2e-net twofa-e2e-ma; do
	enroll "$u"
done
enroll twofa-e2e-su hotp
check "twofa-admin status lists the enrolled users" sh -c \
	'twofa-admin status | grep -q twofa-e2e-ssh && ! twofa-admin status | grep -q twofa-e2e-plain'

# drive NAME-OF-LOG PASSWORD CODE COMMAND...: one login over a pty; the
# transcript (without CRs) is left in $OUT.
SENT_CODES=()
drive() {
	local log=$1
	[ -n "$3" ] && SENT_CODES+=("$3")
	E2E_PASSWORD=$2 E2E_CODE=$3 "$DRIVE" 40 "${@:4}" >"$W/$log.out" 2>&1
	OUT=$(tr -d '\r' <"$W/$log.out")
}
has() { grep -qE -- "$1" <<<"$OUT"; }
# logged NAME REGEX: the module logged a line matching REGEX (the part
# after "pam_twofa(SERVICE:auth): ").
logged() {
	if grep -qE -- "$2" <<<"$(grep -o 'pam_twofa([^)]*): .*' "$W/syslog")"; then
		pass "$1"
	else
		fail "$1" "no log line matches: $2" "pam_twofa lines:" \
			"$(grep 'pam_twofa' "$W/syslog" | tail -n 5)"
	fi
}

# expect_in NAME MARKER [PROMPTS]: the login got as far as running the
# command that prints MARKER, after exactly the prompts PROMPTS (the DRIVE
# line, e.g. "password=1 code=1").
# expect_out NAME MARKER PROMPTS: it did not, and it was refused after those
# prompts (not before them: a broken setup must not pass as a refusal).
expect_in() {
	if has "^$2\$" && { [ -z "${3:-}" ] || has "^DRIVE: $3 "; }; then
		pass "$1"
	else
		fail "$1" "transcript:" "$(printf '%s\n' "$OUT" | tail -n 8)"
		{ echo "--- $(date +%s) after: $1"; twofa-admin status "$u" --json; } >>"$W/diag.log" 2>&1
	fi
}
expect_out() {
	if has "^$2\$"; then
		fail "$1" "the command ran:" "$(printf '%s\n' "$OUT" | tail -n 8)"
	elif ! has "^DRIVE: $3 "; then
		fail "$1" "refused, but not after the expected prompts ($3):" \
			"$(printf '%s\n' "$OUT" | tail -n 8)"
	else
		pass "$1"
	fi
}

# --- sshd ------------------------------------------------------------------

[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -C e2e-host -f "$W/hostkey" || die "ssh-keygen failed"

free_port() { # [LO HI]: a free loopback port in LO..HI (20000-29999)
	local p
	for p in $(shuf -i "${1:-20000}-${2:-29999}" -n 20); do
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	die "no free port"
}

# start_sshd NAME METHODS PUBKEY PAM-STACK [MATCH-BLOCK [PORT-LO PORT-HI]]:
# sshd named sshd-twofa-NAME, so its PAM service is
# /etc/pam.d/sshd-twofa-NAME; MATCH-BLOCK ends its config; sets PORT[NAME].
declare -A PORT
start_sshd() {
	local name=$1 methods=$2 pubkey=$3 stack=$4 port svc=sshd-twofa-$1 pid try up=0
	printf '%s\n' "# pam_twofa e2e test service (removed by the test)" "$stack" >"/etc/pam.d/$svc"
	ln -sf /usr/sbin/sshd "$W/$svc"
	# A port nobody listens on can still be taken (the ranges overlap the
	# kernel's ephemeral ports, which outgoing connections use): when sshd
	# cannot bind it and exits, try another.
	for try in 1 2 3 4 5; do
		port=$(free_port "${6:-20000}" "${7:-29999}")
		cat >"$W/$svc.conf" <<-EOF
			ListenAddress 127.0.0.1:$port
			HostKey $W/hostkey
			PidFile none
			UsePAM yes
			KbdInteractiveAuthentication yes
			PasswordAuthentication no
			PubkeyAuthentication $pubkey
			AuthenticationMethods $methods
			PermitRootLogin no
			AllowUsers twofa-e2e-*
			UseDNS no
			PrintMotd no
			PrintLastLog no
			X11Forwarding no
			AllowTcpForwarding no
			MaxAuthTries 6
			LogLevel VERBOSE
		EOF
		[ -z "${5:-}" ] || printf '%s\n' "$5" >>"$W/$svc.conf"
		"$W/$svc" -t -f "$W/$svc.conf" || die "sshd rejects its config"
		"$W/$svc" -D -f "$W/$svc.conf" -E "$W/$svc.log" 9>&- &
		pid=$!
		echo $pid >"$W/$svc.pid"
		for _ in $(seq 50); do
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { up=1; break; }
			kill -0 "$pid" 2>/dev/null || break # it could not bind: exited
			sleep 0.1
		done
		[ "$up" = 1 ] && break
		note "$svc could not listen on port $port (try $try): $(tail -n 1 "$W/$svc.log")"
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ "$up" = 1 ] || die "$svc did not start listening: $(tail -n 5 "$W/$svc.log")"
	PORT[$name]=$port
}

SSH_OPTS=(-F /dev/null -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null
	-o StrictHostKeyChecking=no -o LogLevel=ERROR -o NumberOfPasswordPrompts=1
	-o ConnectTimeout=10 -o BatchMode=no)
ssh_pw() { # USER PASSWORD CODE LOG [SSH-OPTION...]: password + code through keyboard-interactive
	drive "$4" "$2" "$3" ssh "${SSH_OPTS[@]}" "${@:5}" -o PreferredAuthentications=keyboard-interactive \
		-o PubkeyAuthentication=no -p "${PORT[test]}" -l "$1" 127.0.0.1 \
		'echo E2E-SSH-OK; echo "TOKEN=${TWOFA_TOKEN:-}"'
}

echo "--- sshd: password + code (keyboard-interactive)"
start_sshd test keyboard-interactive no "auth     required  pam_unix.so
auth     required  pam_twofa.so token_env=TWOFA_TOKEN
account  required  pam_unix.so
session  required  pam_unix.so"

u=twofa-e2e-ssh
totp_code $u "${SECRET[$u]}"
code=$CODE
ssh_pw $u "${PASSWORD[$u]}" "$code" ssh-right
expect_in "ssh: password + right code -> the command runs" E2E-SSH-OK "password=1 code=1"
TOKEN=$(printf '%s\n' "$OUT" | sed -n 's/^TOKEN=//p' | head -n 1)
TOKEN_OUT=$OUT

ssh_pw $u "${PASSWORD[$u]}" "$code" ssh-replay
expect_out "ssh: the same code again (replay) -> refused" E2E-SSH-OK "password=1 code=1"

ssh_pw $u "${PASSWORD[$u]}" "$(wrong_code "${SECRET[$u]}")" ssh-wrong
expect_out "ssh: wrong code -> refused" E2E-SSH-OK "password=1 code=1"

ssh_pw $u "wrong-${PASSWORD[$u]}" "$(wrong_code "${SECRET[$u]}")" ssh-wrongpw
expect_out "ssh: wrong password -> refused, the code still asked (no oracle)" E2E-SSH-OK "password=1 code=1"

# (sshd shows the module's "Backup code accepted; N left" only to
# interactive shells, with the motd; su checks the message below.)
ssh_pw $u "${PASSWORD[$u]}" "${BACKUP[$u]}" ssh-backup
expect_in "ssh: backup code -> accepted" E2E-SSH-OK "password=1 code=1"
ssh_pw $u "${PASSWORD[$u]}" "${BACKUP[$u]}" ssh-backup2
expect_out "ssh: the same backup code again -> refused" E2E-SSH-OK "password=1 code=1"

u=twofa-e2e-plain
ssh_pw $u "${PASSWORD[$u]}" 123456 ssh-plain
expect_out "ssh: user without a record (no nullok) -> refused after the same code prompt" E2E-SSH-OK "password=1 code=1"

R="service=sshd-twofa-test rhost=127.0.0.1"
logged "log: ssh TOTP success with user, service, rhost, method" \
	"user=twofa-e2e-ssh $R method=totp outcome=success"
logged "log: ssh backup code success" "user=twofa-e2e-ssh $R method=backup outcome=success"
logged "log: ssh refused code" "user=twofa-e2e-ssh $R method=[a-z]+ outcome=failure"
logged "log: ssh user without a record" "user=twofa-e2e-plain $R method=[a-z]+ outcome=no-record"

echo "--- sshd: token_env"
if [ -n "$TOKEN" ]; then
	pass "ssh: the session sees \$TWOFA_TOKEN"
	if out=$(twofa-admin verify-token "$TOKEN" 2>&1) &&
		printf '%s' "$out" | $PY -c 'import json,sys; c=json.load(sys.stdin); sys.exit(c["sub"] != "twofa-e2e-ssh")'; then
		pass "ssh: twofa-admin verify-token accepts the session's token (sub = the user)"
	else
		fail "ssh: twofa-admin verify-token accepts the session's token" "$out"
	fi
	if out=$($PY - "$TOKEN" /etc/twofa/jwt.pub <<-'EOF' 2>&1
		import sys, jwt
		tok, pub = sys.argv[1], open(sys.argv[2]).read()
		alg = jwt.get_unverified_header(tok)["alg"]
		assert alg in ("RS256", "ES256"), alg
		c = jwt.decode(tok, pub, algorithms=[alg], options={"verify_aud": False})
		assert c["sub"] == "twofa-e2e-ssh" and c["amr"] == ["otp"], c
		EOF
	); then
		pass "ssh: PyJWT verifies the session's token with /etc/twofa/jwt.pub"
	else
		fail "ssh: PyJWT verifies the session's token" "$out"
	fi
else
	fail "ssh: the session sees \$TWOFA_TOKEN" "transcript:" "$(printf '%s\n' "$TOKEN_OUT" | tail -n 5)"
fi

echo "--- sshd: publickey + code (AuthenticationMethods publickey,keyboard-interactive)"
start_sshd pk publickey,keyboard-interactive yes "auth     required  pam_twofa.so deny=2 unlock_time=0
account  required  pam_unix.so
session  required  pam_unix.so"
u=twofa-e2e-pk
ssh-keygen -q -t ed25519 -N '' -C e2e-user -f "$W/userkey" || die "ssh-keygen failed"
install -d -m 0700 -o $u -g $u "/home/$u/.ssh"
install -m 0600 -o $u -g $u "$W/userkey.pub" "/home/$u/.ssh/authorized_keys"
ssh_pk() { # CODE LOG [KEY]
	drive "$2" "" "$1" ssh "${SSH_OPTS[@]}" -o PreferredAuthentications=publickey,keyboard-interactive \
		-o IdentitiesOnly=yes -i "${3:-$W/userkey}" -p "${PORT[pk]}" -l $u 127.0.0.1 'echo E2E-PK-OK'
}
totp_code $u "${SECRET[$u]}"
ssh_pk "$CODE" pk-right
expect_in "ssh: key + right code -> the command runs, no password asked" E2E-PK-OK "password=0 code=1"
ssh_pk "$(wrong_code "${SECRET[$u]}")" pk-wrong
expect_out "ssh: key + wrong code -> refused" E2E-PK-OK "password=0 code=1"
ssh-keygen -q -t ed25519 -N '' -C e2e-other -f "$W/otherkey" || die "ssh-keygen failed"
ssh_pk 000000 pk-nokey "$W/otherkey"
expect_out "ssh: unknown key -> refused before any code is asked" E2E-PK-OK "password=0 code=0"

echo "--- sshd: lockout (deny=2 unlock_time=0) and twofa-admin unlock"
ssh_pk "$(wrong_code "${SECRET[$u]}")" pk-wrong2
expect_out "ssh: second wrong code in a row -> refused" E2E-PK-OK "password=0 code=1"
logged "log: the second failure locks the account" \
	"user=$u service=sshd-twofa-pk rhost=127.0.0.1 method=[a-z]+ outcome=failure reason=wrong failures=2 locked_until="
ssh_pk "${BACKUP[$u]}" pk-locked
expect_out "ssh: locked account -> a valid backup code is refused" E2E-PK-OK "password=0 code=1"
logged "log: the locked attempt" "user=$u service=sshd-twofa-pk rhost=127.0.0.1 method=[a-z]+ outcome=locked"
check "twofa-admin unlock" sh -c "twofa-admin unlock $u >/dev/null"
ssh_pk "${BACKUP[$u]}" pk-unlocked
expect_in "ssh: after unlock, the same backup code works (it was not checked while locked)" \
	E2E-PK-OK "password=0 code=1"

echo "--- sshd: one prompt for password and code (forward_pass)"
start_sshd fp keyboard-interactive no "auth     required  pam_twofa.so forward_pass
auth     required  pam_unix.so use_first_pass
account  required  pam_unix.so
session  required  pam_unix.so"
u=twofa-e2e-fp
ssh_fp() { # PASSWORD CODE LOG
	drive "$3" "$1" "$2" ssh "${SSH_OPTS[@]}" -o PreferredAuthentications=keyboard-interactive \
		-o PubkeyAuthentication=no -p "${PORT[fp]}" -l $u 127.0.0.1 'echo E2E-FP-OK'
}
ssh_fp "wrong-${PASSWORD[$u]}" "${BACKUP[$u]}" fp-wrongpw
expect_out "ssh forward_pass: wrong password + valid backup code -> refused" E2E-FP-OK \
	"password=0 code=0 combined=1"
totp_code $u "${SECRET[$u]}"
ssh_fp "${PASSWORD[$u]}" "$(wrong_code "${SECRET[$u]}")" fp-wrong
expect_out "ssh forward_pass: password + wrong code -> refused" E2E-FP-OK "password=0 code=0 combined=1"
ssh_fp "${PASSWORD[$u]}" "$CODE" fp-right
expect_in "ssh forward_pass: password and code in one answer -> the command runs" E2E-FP-OK \
	"password=0 code=0 combined=1"

# --- exemptions by recipe (README "Exemptions") --------------------------------
# Issue 13's sshd instances listen on its own port range, 33000-33999.

echo "--- exemption: a group that needs no code (pam_succeed_if ingroup)"
groupadd twofa-e2e-exempt || die "groupadd twofa-e2e-exempt failed"
usermod -aG twofa-e2e-exempt twofa-e2e-ex || die "usermod failed"
start_sshd ex keyboard-interactive no "auth     required  pam_unix.so
auth     [success=1 default=ignore] pam_succeed_if.so quiet user ingroup twofa-e2e-exempt
auth     required  pam_twofa.so
account  required  pam_unix.so
session  required  pam_unix.so" "" 33000 33999
ssh_kbd() { # NAME USER PASSWORD CODE LOG: password (+ code) through keyboard-interactive
	drive "$5" "$3" "$4" ssh "${SSH_OPTS[@]}" -o PreferredAuthentications=keyboard-interactive \
		-o PubkeyAuthentication=no -p "${PORT[$1]}" -l "$2" 127.0.0.1 'echo E2E-EX-OK'
}
u=twofa-e2e-ex
ssh_kbd ex $u "${PASSWORD[$u]}" "" ex-member
expect_in "exempt group: a member (no record, no nullok) logs in with the password alone" \
	E2E-EX-OK "password=1 code=0"
u=twofa-e2e-net
totp_code $u "${SECRET[$u]}"
ssh_kbd ex $u "${PASSWORD[$u]}" "$CODE" ex-other
expect_in "exempt group: anyone else is asked for the code" E2E-EX-OK "password=1 code=1"

echo "--- exemption: trusted networks (pam_access, numeric CIDR)"
# nodns where the installed Linux-PAM has it (1.5.3+), as the README says.
NODNS=""
pam_access_so=$(dirname "$(readlink -f "$PAMDIR/pam_unix.so")")/pam_access.so
grep -aq nodns "$pam_access_so" && NODNS=nodns
start_sshd net keyboard-interactive no "auth     required  pam_unix.so
auth     [success=1 default=ignore] pam_access.so accessfile=$W/access-twofa.conf $NODNS
auth     required  pam_twofa.so
account  required  pam_unix.so
session  required  pam_unix.so" "" 33000 33999
printf '%s\n' "+:ALL:127.0.0.0/8" "-:ALL:ALL" >"$W/access-twofa.conf"
ssh_kbd net $u "${PASSWORD[$u]}" "" net-trusted
expect_in "trusted network: from 127.0.0.0/8 the password alone (pam_access${NODNS:+ nodns})" \
	E2E-EX-OK "password=1 code=0"
printf '%s\n' "+:ALL:192.0.2.0/24" "-:ALL:ALL" >"$W/access-twofa.conf"
totp_code $u "${SECRET[$u]}"
ssh_kbd net $u "${PASSWORD[$u]}" "$CODE" net-other
expect_in "trusted network: from elsewhere the code is asked" E2E-EX-OK "password=1 code=1"
ssh_kbd net $u "${PASSWORD[$u]}" "$(wrong_code "${SECRET[$u]}")" net-wrong
expect_out "trusted network: from elsewhere a wrong code is refused" E2E-EX-OK "password=1 code=1"

echo "--- exemption: sshd Match Address (a key alone from listed networks)"
u=twofa-e2e-ma
install -d -m 0700 -o $u -g $u "/home/$u/.ssh"
install -m 0600 -o $u -g $u "$W/userkey.pub" "/home/$u/.ssh/authorized_keys"
for net in mi:127.0.0.0/8 mo:192.0.2.0/24; do
	start_sshd "${net%%:*}" publickey,keyboard-interactive yes "auth     required  pam_twofa.so
account  required  pam_unix.so
session  required  pam_unix.so" "Match Address ${net#*:}
	AuthenticationMethods publickey" 33000 33999
done
ssh_ma() { # NAME CODE LOG
	drive "$3" "" "$2" ssh "${SSH_OPTS[@]}" -o PreferredAuthentications=publickey,keyboard-interactive \
		-o IdentitiesOnly=yes -i "$W/userkey" -p "${PORT[$1]}" -l $u 127.0.0.1 'echo E2E-EX-OK'
}
ssh_ma mi "" ma-in
expect_in "Match Address: from a listed network a key alone logs in" E2E-EX-OK "password=0 code=0"
totp_code $u "${SECRET[$u]}"
ssh_ma mo "$CODE" ma-out
expect_in "Match Address: from elsewhere key + code" E2E-EX-OK "password=0 code=1"
ssh_ma mo "$(wrong_code "${SECRET[$u]}")" ma-out-wrong
expect_out "Match Address: from elsewhere key + wrong code is refused" E2E-EX-OK "password=0 code=1"

# --- sudo --------------------------------------------------------------------

echo "--- sudo: /etc/pam.d/sudo with pam_twofa after common-auth"
u=twofa-e2e-sudo
cat >"$W/sudoers" <<EOF
# pam_twofa e2e test (removed by the test)
Defaults:$u timestamp_timeout=0, passwd_tries=1, !lecture
$u ALL=(root) /usr/bin/id
EOF
visudo -cqf "$W/sudoers" || die "sudoers entry does not parse"
install -m 0440 "$W/sudoers" /etc/sudoers.d/twofa-e2e
# The deployment line from the README, scoped to the test user so that a
# run killed before its cleanup cannot change sudo for anyone else.
awk -v u=$u '{ print } /^@include common-auth/ {
	print "auth [success=1 default=ignore] pam_succeed_if.so quiet user notin " u
	print "auth required pam_twofa.so" }' "$E2E_SAVED/files/$(saved_name /etc/pam.d/sudo)" >"$W/pam.sudo"
grep -q pam_twofa "$W/pam.sudo" || die "no @include common-auth in /etc/pam.d/sudo"
install -m 0644 "$W/pam.sudo" /etc/pam.d/sudo
sudo_run() { # PASSWORD CODE LOG
	drive "$3" "$1" "$2" runuser -u $u -- sudo -k /usr/bin/id -un
}
totp_code $u "${SECRET[$u]}"
sudo_run "${PASSWORD[$u]}" "$CODE" sudo-right
expect_in "sudo: password + right code -> the command runs as root" root "password=1 code=1"
sudo_run "${PASSWORD[$u]}" "$(wrong_code "${SECRET[$u]}")" sudo-wrong
expect_out "sudo: password + wrong code -> refused" root "password=1 code=1"
sudo_run "${PASSWORD[$u]}" "$(totp_last_code $u "${SECRET[$u]}")" sudo-replay
expect_out "sudo: replayed code -> refused" root "password=1 code=1"
logged "log: sudo success" "user=twofa-e2e-sudo service=sudo rhost=[^ ]* method=totp outcome=success"
logged "log: sudo failure" "user=twofa-e2e-sudo service=sudo rhost=[^ ]* method=[a-z]+ outcome=failure"

echo "--- sudo: what a sudo user sees (PAM_SILENT: no message from pam_twofa)"
# Two failures so far (wrong, replay); three more lock (deny=5, 600 s).
for _ in 1 2 3; do
	echo "$(wrong_code "${SECRET[$u]}")" | twofa-admin verify $u >/dev/null 2>&1
done
check "sudo: the user is locked now" sh -c "twofa-admin status $u --json | grep -q '\"locked\":true'"
sudo_run "${PASSWORD[$u]}" "${BACKUP[$u]}" sudo-locked
expect_out "sudo: locked -> refused, even with a valid backup code" root "password=1 code=1"
check "sudo: the locked user reads sudo's own words" has "incorrect password attempt|Sorry, try again"
if has "locked|[Vv]erification codes"; then
	fail "sudo: the locked user is not told it is locked (PAM_SILENT)" "$(tail -n 5 <<<"$OUT")"
else
	pass "sudo: the locked user is not told it is locked (PAM_SILENT), as the README says"
fi
logged "log: sudo locked attempt" "user=$u service=sudo rhost=[^ ]* method=[a-z]+ outcome=locked reason=locked"
check "twofa-admin unlock (sudo user)" sh -c "twofa-admin unlock $u >/dev/null"
sudo_run "${PASSWORD[$u]}" "${BACKUP[$u]}" sudo-backup
expect_in "sudo: backup code -> the command runs" root "password=1 code=1"
if has "Backup code accepted"; then
	fail "sudo: no \"Backup code accepted; N left\" (PAM_SILENT)" "$(tail -n 5 <<<"$OUT")"
else
	pass "sudo: no \"Backup code accepted; N left\" (PAM_SILENT), as the README says"
fi
logged "log: sudo backup code, with what is left" \
	"user=$u service=sudo rhost=[^ ]* method=backup outcome=success backup_left=2"
# Defaults !pam_silent: only sudo 1.9.16 and later know it (README).
printf 'Defaults !pam_silent\n' >"$W/sudoers.silent"
sudo_v=$(sudo -V | sed -n 's/^Sudo version \([0-9.]*\).*/\1/p' | head -n 1)
if printf '%s\n' 1.9.16 "$sudo_v" | sort -V -C; then
	check "sudo $sudo_v: visudo accepts Defaults !pam_silent" visudo -cqf "$W/sudoers.silent"
else
	check "sudo $sudo_v (< 1.9.16): visudo refuses Defaults !pam_silent, as the README says" \
		sh -c "! visudo -cqf '$W/sudoers.silent' 2>/dev/null"
fi

# --- su, through the pam-auth-update profile ---------------------------------

echo "--- su (HOTP user): pam-auth-update --enable twofa (common-auth)"
pam-auth-update --enable twofa >"$W/pam-auth-update.log" 2>&1 ||
	die "pam-auth-update --enable twofa failed: $(cat "$W/pam-auth-update.log")"
check "profile puts pam_twofa.so nullok into common-auth" \
	grep -qE '^auth[[:space:]].*pam_twofa\.so nullok' /etc/pam.d/common-auth
su_run() { # TARGET PASSWORD CODE LOG
	drive "$4" "$2" "$3" runuser -u twofa-e2e-plain -- su "$1" -c 'echo E2E-SU-OK'
}
u=twofa-e2e-su
hotp_code $u "${SECRET[$u]}"
su_run $u "${PASSWORD[$u]}" "$CODE" su-right
expect_in "su: password + right HOTP code -> in" E2E-SU-OK "password=1 code=1"
su_run $u "${PASSWORD[$u]}" "$CODE" su-replay
expect_out "su: the same HOTP code again -> out" E2E-SU-OK "password=1 code=1"
su_run $u "${PASSWORD[$u]}" "$(wrong_code "${SECRET[$u]}")" su-wrong
expect_out "su: password + wrong code -> out" E2E-SU-OK "password=1 code=1"
check "su: the refusal is reported" has "Authentication failure"
su_run $u "${PASSWORD[$u]}" "${BACKUP[$u]// /}" su-backup
expect_in "su: backup code typed without its space -> in" E2E-SU-OK "password=1 code=1"
check "su: told how many backup codes are left" has "Backup code accepted; 2 left"
su_run twofa-e2e-plain "${PASSWORD[twofa-e2e-plain]}" "" su-nullok
expect_in "su: user without a record under nullok -> in with the password alone" E2E-SU-OK "password=1 code=0"

echo "--- console login (login(1) on a pseudo-terminal, same profile)"
if [ -e /etc/nologin ] || [ -e /run/nologin ]; then
	note "SKIP login(1): /etc/nologin or /run/nologin refuses every non-root login on this machine"
else
	login_run() { # CODE LOG
		E2E_SHELL_CMD='echo E2E-LOGIN-OK; exit' drive "$2" "${PASSWORD[$u]}" "$1" login $u
	}
	hotp_code $u "${SECRET[$u]}"
	login_run "$(wrong_code "${SECRET[$u]}")" login-wrong
	expect_out "login: password + wrong code -> asked again, no shell" E2E-LOGIN-OK "password=1 code=1"
	login_run "$CODE" login-right
	expect_in "login: password + right code -> a shell" E2E-LOGIN-OK "password=1 code=1"
fi

logged "log: su success" "user=twofa-e2e-su service=su rhost=[^ ]* method=hotp outcome=success"
logged "log: su backup code" "user=twofa-e2e-su service=su rhost=[^ ]* method=backup outcome=success"
logged "log: su nullok pass-through" "user=twofa-e2e-plain service=su rhost=[^ ]* method=[a-z]+ outcome=ignore"

leaked=""
twofa_lines=$(grep 'pam_twofa' "$W/syslog")
for c in "${SENT_CODES[@]}" "${SECRET[@]}"; do
	grep -qwF -- "$c" <<<"$twofa_lines" && leaked="$leaked $c"
	grep -qwF -- "${c// /}" <<<"$twofa_lines" && leaked="$leaked ${c// /}"
done
if [ -z "$leaked" ] && grep -q pam_twofa "$W/syslog"; then
	pass "log: no code, backup code or secret in any pam_twofa line (${#SENT_CODES[@]} codes sent)"
else
	fail "log: no code, backup code or secret in any pam_twofa line" "found:$leaked"
fi

# --- removal -----------------------------------------------------------------

echo "--- purge"
remove_test_users
if dpkg --purge libpam-twofa >"$W/purge.log" 2>&1; then
	pass "dpkg --purge libpam-twofa"
else
	fail "dpkg --purge libpam-twofa" "$(cat "$W/purge.log")"
fi
if grep -q pam_twofa /etc/pam.d/common-auth; then
	fail "removal takes the enabled profile out of common-auth first" "$(grep pam_twofa /etc/pam.d/common-auth)"
else
	pass "removal takes the enabled profile out of common-auth first"
fi
# The lines added by hand (sudo, the sshd services) are still there: prerm
# names each file, and not common-auth (the profile went first).
if grep -q 'WARNING: these PAM files still use pam_twofa.so' "$W/purge.log" &&
	grep -qx '    /etc/pam.d/sudo' "$W/purge.log" &&
	grep -qx '    /etc/pam.d/sshd-twofa-test' "$W/purge.log" &&
	! grep -q '/etc/pam.d/common-auth' "$W/purge.log"; then
	pass "removal warns, naming the PAM files that still use pam_twofa.so"
else
	fail "removal warns, naming the PAM files that still use pam_twofa.so" "$(cat "$W/purge.log")"
fi
for p in "$PAMDIR/pam_twofa.so" /usr/sbin/twofa-admin /var/lib/twofa /etc/twofa/jwt.key; do
	check "purge removes $p" test ! -e "$p"
done

save_results
restore_state
trap - EXIT
# What the cleanup promises, checked.
if getent passwd | awk -F: -v g="$E2E_GECOS" '$5 == g { f = 1 } END { exit !f }'; then
	fail "cleanup: no test user left"
else
	pass "cleanup: no test user left"
fi
check "cleanup: package not installed" sh -c \
	"! dpkg-query -W -f='\${Status}' libpam-twofa 2>/dev/null | grep -q 'ok installed'"
check "cleanup: no test sshd left" sh -c "! pgrep -f '[s]shd-twofa-' >/dev/null"
check "cleanup: no test PAM service or sudoers entry left" sh -c \
	"! ls /etc/pam.d/sshd-twofa-* /etc/sudoers.d/twofa-e2e >/dev/null 2>&1"
check "cleanup: work directory and saved state removed" sh -c "! test -e $W && ! test -e $E2E_SAVED"
echo "e2e: machine restored; $E2E_PASS passed, $E2E_FAIL failed ($(($(date +%s) - T0)) s)"
[ "$E2E_FAIL" = 0 ] || {
	printf 'failed:%s\n' "$E2E_FAILED"
	exit 1
}
