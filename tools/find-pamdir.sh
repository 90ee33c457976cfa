#!/bin/sh
# Print the directory holding the system's PAM modules: where pam_unix.so
# lives, else the multiarch default, else /usr/lib64/security.
for d in /lib/*-linux-gnu*/security /usr/lib/*-linux-gnu*/security \
	 /usr/lib64/security /lib64/security /lib/security /usr/lib/security; do
	if [ -e "$d/pam_unix.so" ]; then
		echo "$d"
		exit 0
	fi
done
if command -v dpkg-architecture >/dev/null 2>&1; then
	echo "/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/security"
else
	echo /usr/lib64/security
fi
