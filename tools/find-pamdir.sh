#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Print the directory holding the system's PAM modules: where pam_unix.so
# lives (the native multiarch directory first, so a foreign-architecture
# libpam does not win), else the multiarch default, else /usr/lib64/security.
triplet=""
if command -v dpkg-architecture >/dev/null 2>&1; then
	triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
fi
[ -n "$triplet" ] || triplet=$(${CC:-cc} -print-multiarch 2>/dev/null)
for d in ${triplet:+/lib/$triplet/security /usr/lib/$triplet/security} \
	 /lib/*-linux-gnu*/security /usr/lib/*-linux-gnu*/security \
	 /usr/lib64/security /lib64/security /lib/security /usr/lib/security; do
	if [ -e "$d/pam_unix.so" ]; then
		echo "$d"
		exit 0
	fi
done
if [ -n "$triplet" ]; then
	echo "/lib/$triplet/security"
else
	echo /usr/lib64/security
fi
