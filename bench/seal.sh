#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Sealed against plain records (SPEC section 8), in the same run on the same
# users and codes: called by bench/run.sh inside its namespace, after the
# store has been generated.
#
#   sh bench/seal.sh BUILD W CONFDIR RESULTS OUT USERS ROUNDS
#
# USERS fresh users' records (bench-gen, as for the store) are copied
# twice, W/seal-plain and W/seal-sealed; the second copy is sealed
# by `twofa-admin rekey` with a record key made by `keygen --records` in
# a private /etc/twofa (tests/token/with-etc-twofa: a mount namespace of
# its own, so the system's /etc/twofa is never touched). Then the two
# take turns in ROUNDS rounds, each round
# USERS/ROUNDS users logging in once into each copy (separate replay
# guards, so the same code is good for both). Every latency goes to
# OUT/raw/seal.{plain,sealed}; report.py compares the medians.
set -eu
if [ "${SEAL_ETC:-}" != inside ]; then
	exec sh "$(pwd)/tests/token/with-etc-twofa" env SEAL_ETC=inside \
		sh "$0" "$@"
fi
BUILD=$(cd "$1" && pwd) W=$2 C=$3 R=$4 OUT=$5 N=$6 ROUNDS=$7
B=$BUILD/bench
ADMIN=$BUILD/twofa-admin
MODULE=$BUILD/pam_twofa.so

put() { echo "$*" >>"$R"; }

# Users of their own (never logged in, far above the store's): made by
# bench-gen like the others, then copied twice.
BASE=5000000
G=$W/seal-gen
mkdir -m 0700 "$G" "$G/store" "$G/ga" "$W/seal-plain" "$W/seal-sealed"
"$B/bench-gen" "$G" $BASE $((BASE + N))
cp -p "$G/store"/* "$W/seal-sealed/"
"$ADMIN" keygen --records >/dev/null
"$ADMIN" --store "$W/seal-sealed" rekey >/dev/null
# rekey wrote each sealed record as a new file, synced and renamed into
# place; the plain copy is written the same way, because where a file's
# blocks land changes what its fdatasync costs (measured: 10% between
# `cp` and write-sync-rename copies of the same plain records).
for f in "$G/store"/*; do
	u=${f##*/}
	cp -p "$f" "$W/seal-plain/.tmp.$u"
	sync "$W/seal-plain/.tmp.$u"
	mv "$W/seal-plain/.tmp.$u" "$W/seal-plain/$u"
done
rm -rf "$G"
sync
sealed=$(grep -l '^twofa-record 2$' "$W/seal-sealed"/* | wc -l)
plain=$(grep -l '^twofa-record 1$' "$W/seal-plain"/* | wc -l)
put "phase=seal_setup users=$N sealed=$sealed plain=$plain"

echo "auth required $MODULE store=$W/seal-plain" >"$C/seal-plain"
echo "auth required $MODULE store=$W/seal-sealed" >"$C/seal-sealed"
rm -f "$OUT/raw/seal.plain" "$OUT/raw/seal.sealed"
chunk=$((N / ROUNDS))
r=0
while [ $r -lt "$ROUNDS" ]; do
	# Which goes first alternates: neither always follows the other's
	# writeback.
	order="plain sealed"
	[ $((r % 2)) = 1 ] && order="sealed plain"
	for kind in $order; do
		line=$(chrt -f 1 "$B/bench-login" --confdir "$C" \
			--service "seal-$kind" --first $((BASE + r * chunk)) \
			--count "$chunk" --mode ok --label "users=$N" \
			--raw "$OUT/raw/seal.$kind")
		put "phase=seal kind=$kind round=$r $line"
	done
	r=$((r + 1))
done
[ -n "${SEAL_KEEP:-}" ] || rm -f "$C/seal-plain" "$C/seal-sealed"
