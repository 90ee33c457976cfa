#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make demo: the whole pam_twofa flow in a sandbox.
#
#   tools/demo.sh BUILD_DIR
#
# A scratch store and a private PAM configuration directory under /run
# (the system's /etc/pam.d and /var/lib/twofa are never touched); logins
# go through the real libpam (tests/tools/pamrun, pam_start_confdir) into
# the built pam_twofa.so; codes come from oathtool, as from a phone. The
# module's syslog lines are caught on a private /dev/log and shown at the
# end. The last step signs tokens with a key made in a private copy of
# /etc (tests/token/with-etc-twofa), not the system's /etc/twofa.
# Everything is removed afterwards.
set -eu

build=${1:-build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
admin=$build/twofa-admin
module=$build/pam_twofa.so
pamrun=$build/tests/tools/pamrun
here=$(cd "$(dirname "$0")" && pwd)

for f in "$admin" "$module" "$pamrun"; do
	[ -x "$f" ] || [ -f "$f" ] || {
		echo "demo: $f is missing (run make first)" >&2
		exit 3
	}
done
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (records and the store are root's, 0600/0700)" >&2
	exit 3
fi

# Under a private /dev/log, so the module's log lines can be shown.
if [ "${TWOFA_DEMO_INNER:-}" != 1 ]; then
	sandbox=$(mktemp -d /run/twofa-demo.XXXXXX)
	trap 'rm -rf "$sandbox"' EXIT INT TERM
	export TWOFA_DEMO_INNER=1 TWOFA_DEMO_SANDBOX="$sandbox"
	"$here/../tests/tools/with-syslog" "$sandbox/syslog" -- \
		sh "$0" "$build"
	echo
	echo "== The module's log lines (authpriv; never a code or a secret):"
	sed 's/^/   /' "$sandbox/syslog"
	echo
	echo "Sandbox $sandbox removed; nothing outside it was changed."
	exit 0
fi

sandbox=$TWOFA_DEMO_SANDBOX
store=$sandbox/store
conf=$sandbox/pam.d
user=demo
mkdir -m 0700 "$store"
mkdir "$conf"
echo "auth required pam_deny.so" >"$conf/other"
echo "auth required $module store=$store" >"$conf/demo-login"

step() {
	echo
	echo "== $*"
}
show() {
	echo "\$ $*"
}
login() {
	show "login as $user, typing: $1"
	"$pamrun" -c "$conf" -s demo-login -u "$user" "$1" |
		sed 's/^/   /' || true
}

# A UTF-8 terminal gets half blocks; anything else colour blocks.
qr=ansi
case $(locale charmap 2>/dev/null) in UTF-8) qr=utf8 ;; esac

step "1. Enroll '$user' in the scratch store $store"
show "twofa-admin --store $store enroll $user --issuer pam_twofa-demo --qr $qr"
mkfifo "$sandbox/answer"
"$admin" --store "$store" enroll "$user" --issuer pam_twofa-demo --qr "$qr" \
	<"$sandbox/answer" >"$sandbox/enroll.out" &
pid=$!
exec 3>"$sandbox/answer"
i=0
until grep -q '^Secret:' "$sandbox/enroll.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 500 ] || { echo "demo: enroll printed no secret" >&2; exit 3; }
	sleep 0.02
done
sleep 0.1
cat "$sandbox/enroll.out"
secret=$(sed -n 's/^Secret: //p' "$sandbox/enroll.out" | tr -d ' ')
backup=$(sed -n 's/^  \([0-9]\{4\} [0-9]\{4\}\)$/\1/p' "$sandbox/enroll.out" |
	head -n 1)
code=$(oathtool --totp -b "$secret")
echo "Enter a code from the app to confirm: $code   (the phone, here oathtool)"
echo "$code" >&3
exec 3>&-
wait "$pid"
sed -n '/^Enrolled/p' "$sandbox/enroll.out"

step "2. Log in through the real PAM stack with the phone's next code"
echo "   (PAM config: $conf/demo-login: auth required pam_twofa.so store=...)"
code=$(oathtool --totp -b -N "@$(($(date +%s) + 30))" "$secret")
login "$code"

step "3. The same code again: a replay, refused"
login "$code"

step "4. A backup code, then the same one again"
login "$backup"
login "$backup"

step "5. What the admin sees"
show "twofa-admin --store $store status $user"
"$admin" --store "$store" status "$user"

step "6. A signed token (JWT) after 2FA"
echo "   (/etc/twofa is a private copy in this step: tests/token/with-etc-twofa)"
codes=$(sed -n 's/^  \([0-9]\{4\} [0-9]\{4\}\)$/\1/p' "$sandbox/enroll.out")
echo "auth required $module store=$store token_env=TWOFA_TOKEN" \
	>"$conf/demo-token"
export admin pamrun conf store user
"$here/../tests/token/with-etc-twofa" sh -eu -c '
	show() { echo "\$ $*"; }
	show "twofa-admin keygen --alg ES256"
	"$admin" keygen --alg ES256 | sed "s/^/   /"
	show "twofa-admin jwks"
	"$admin" jwks | sed "s/^/   /"
	echo "   With token_env=TWOFA_TOKEN, a login leaves the token in the PAM"
	echo "   environment (sshd hands it to the session):"
	show "login as $user, typing the backup code $1"
	"$pamrun" -c "$conf" -s demo-token -u "$user" -e TWOFA_TOKEN "$1" |
		sed "s/^/   /"
	show "twofa-admin --store $store token $user --audience git.example   (typing $2)"
	token=$(echo "$2" | "$admin" --store "$store" token "$user" \
		--audience git.example)
	echo "   $token"
	show "twofa-admin verify-token --audience git.example TOKEN"
	"$admin" verify-token --audience git.example "$token" | sed "s/^/   /"
	show "twofa-admin verify-token TOKEN   (for git.example, not for anyone)"
	"$admin" verify-token "$token" 2>&1 | sed "s/^/   /" || true
' demo "$(echo "$codes" | sed -n 2p)" "$(echo "$codes" | sed -n 3p)"
