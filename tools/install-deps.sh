#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian packages named as arguments that are not installed yet.
# `make check` calls this so a fresh Debian 12 machine needs nothing by hand.
set -eu
missing=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Answers for packages that would otherwise configure the system
# (tools/preseed/*.debconf, e.g. slapd without a database).
for f in "$(dirname "$0")"/preseed/*.debconf; do
	[ -e "$f" ] && debconf-set-selections "$f"
done
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
