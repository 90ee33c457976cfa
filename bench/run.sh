#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make bench: pam_twofa against pam_google_authenticator and pam_oath, in
# the same run, on the same machine, with the same users and codes.
#
#   sh bench/run.sh BUILD [--smoke] [--out DIR]
#
# Runs as root in a private mount namespace (unshare -m): /dev there is a
# tmpfs with the few device nodes needed bound back in, and /dev/log is
# our own drain (bench-logsink), so every module logs at the cost of a
# real syslog socket instead of the ~3.5 ms /dev/console fallback. The
# system's /etc/pam.d and /dev are never touched. Scratch data lives on the
# real disk in /var/lib/twofa-bench.XXXXXX (0700 root) and is removed at the
# end. --smoke: 1,000 users and a few logins per module, for `make check`.
# --out: where the raw results go (default BUILD/bench/out).
#
# The machine may be shared with other work. A login sleeps in fdatasync or
# fsync, and on a busy machine the woken process then waits for a CPU: a
# few milliseconds that belong to the neighbours, not to the module. So
# the latency series and the (short) parallel throughput runs go under
# SCHED_FIFO priority 1 (chrt; the kernel's RT throttling still leaves the
# CPUs 5% to others); generation, the race runs, the memory run and the
# admin enrollments run at normal priority. The load average
# at each measurement is recorded and shown in the report.
set -eu

if [ "$(id -u)" != 0 ]; then
	echo "bench: must run as root (PAM modules, mount namespace)" >&2
	exit 1
fi
BUILD=$(cd "$1" && pwd)
shift
REPO=$(pwd)
SMOKE=0
OUT=$BUILD/bench/out
ARGS="$*"
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) SMOKE=1 ;;
	--out) OUT=$2; shift ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

if [ "${BENCH_NS:-}" != inside ]; then
	# shellcheck disable=SC2086
	BENCH_NS=inside exec unshare -m --propagation private \
		sh "$0" "$BUILD" $ARGS
fi

B=$BUILD/bench
MODULE=$BUILD/pam_twofa.so
ADMIN=$BUILD/twofa-admin
W=$(mktemp -d /var/lib/twofa-bench.XXXXXX)
chmod 0700 "$W"
# Raw outputs (results.txt, strace and perf summaries) stay in the build
# tree; bench/report.py turns results.txt into bench/RESULTS.md.
rm -rf "$OUT"
mkdir -p "$OUT/raw"
R=$OUT/results.txt
SINK_PID=
T0=$(date +%s)

cleanup() {
	[ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
	# Two million small files: with online discard each unlink waits
	# for the disk, so many run at once (a plain rm -rf takes minutes).
	# Only regular files directly in our two directories; then rm -rf
	# --one-file-system, which never crosses into anything mounted below.
	if [ -d "$W" ]; then
		for d in store ga admin; do
			[ -d "$W/$d" ] || continue
			(cd "$W/$d" && find . -maxdepth 1 -type f -print0 |
				xargs -0 -r -P 16 -n 2000 rm -f) &
		done
		wait
		rm -rf --one-file-system "$W"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

log() { echo "bench: [$(( $(date +%s) - T0 )) s] $*" >&2; }
# A result line: key=value pairs, one measurement.
put() { echo "$*" >>"$R"; }

# --- A private /dev with our own /dev/log --------------------------------
# A fresh tmpfs with fresh device nodes (mknod), a new devpts instance and
# a new /dev/shm: nothing of the system's /dev is reachable from here, so
# no clean-up can ever reach into it.
mount -t tmpfs -o mode=0755,size=1m bench-dev /dev
mknod -m 0666 /dev/null c 1 3
mknod -m 0666 /dev/zero c 1 5
mknod -m 0666 /dev/full c 1 7
mknod -m 0666 /dev/random c 1 8
mknod -m 0666 /dev/urandom c 1 9
mknod -m 0666 /dev/tty c 5 0
mkdir /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
ln -s pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,size=64m bench-shm /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
"$B/bench-logsink" /dev/log "$OUT/syslog" >"$W/sink.out" &
SINK_PID=$!
while ! grep -q ready "$W/sink.out" 2>/dev/null; do sleep 0.01; done
# Messages received so far (the drain prints its count on SIGUSR1).
logcount() {
	before=$(grep -c '^count=' "$W/sink.out" || true)
	kill -USR1 "$SINK_PID"
	while [ "$(grep -c '^count=' "$W/sink.out" || true)" = "$before" ]; do
		sleep 0.01
	done
	tail -n 1 "$W/sink.out" | sed 's/^count=\([0-9]*\).*/\1/'
}

# --- The three modules, configured alike --------------------------------
# Same users, same secrets, TOTP SHA1 6 digits 30 s, one step either side,
# replay guard on in all three. google-authenticator: one file per user
# (user=root: the files are root's, as our records are; no passwd entry
# needed), with rate limiting as its tool sets up by default. pam_oath: one
# usersfile for everybody.
mkdir -m 0700 "$W/store" "$W/ga" "$W/oath" "$W/pam.d"
C=$W/pam.d
echo "auth required $MODULE store=$W/store" >"$C/twofa"
echo "auth required pam_google_authenticator.so secret=$W/ga/\${USER} user=root" >"$C/ga"
echo "auth required pam_oath.so usersfile=$W/oath/users window=1 digits=6" >"$C/oath"
echo "auth required pam_permit.so" >"$C/permit"
# The floor under every module that keeps the durability promise: one
# checked, in-place write and fdatasync of a file on the same disk
# (pam_floor.c) and one log line, nothing else.
head -c 4096 /dev/zero >"$W/floor.slot"
chmod 0600 "$W/floor.slot"
sync "$W/floor.slot"
echo "auth required $B/pam_bench_floor.so file=$W/floor.slot" >"$C/floor"
# The module with libnettle.so.8 (NETTLE_LINK=shared) on a copy of the
# store made at the first size (fresh_link in fresh()), so that its replay
# guard is its own.
echo "auth required $B/pam_twofa-nettle-shared.so store=$W/store2" >"$C/twofa_shared"
# libpam reads "other" as the fallback of every service; without one each
# pam_start() logs an error line (empty: no module to load for it).
: >"$C/other"
: >"$W/oath/users"
chmod 0600 "$W/oath/users"

fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

login() { $RT "$B/bench-login" --confdir "$C" "$@"; }
RT=

# Enroll users [from, to) for all three, on both cores, then one sync so
# that writeback does not run under the timed logins.
generate() {
	from=$1 to=$2
	mid=$(( (from + to) / 2 ))
	t=$(date +%s.%N)
	"$B/bench-gen" "$W" "$from" "$mid" & p1=$!
	"$B/bench-gen" "$W" "$mid" "$to" & p2=$!
	wait "$p1"; wait "$p2"
	cat "$W"/oath.* >>"$W/oath/users"
	rm -f "$W"/oath.*
	t2=$(date +%s.%N)
	sync
	t3=$(date +%s.%N)
	put "phase=gen users=$to added=$((to - from))" \
		"write_s=$(fsub "$t2" "$t") sync_s=$(fsub "$t3" "$t2")"
}

# One timed series: bench-login's line plus the syslog lines it caused.
# rtseries: the same under SCHED_FIFO (single-process latency series).
rtseries() {
	RT="chrt -f 1"
	series "$@"
	RT=
}
series() {
	phase=$1
	shift
	c0=$(logcount)
	line=$(login "$@")
	c1=$(logcount)
	put "phase=$phase $line log_lines=$((c1 - c0)) load=$(cut -d' ' -f1 /proc/loadavg)"
	log "$phase: $line"
}

# Successful then failed logins for each module at one store size. The
# users are spread over the newest part of the store (first + k*stride),
# each logs in once: the failed logins reuse them after their success. The
# modules take turns in ROUNDS rounds, so a burst of other load on the
# machine hits all of them alike (the floor module, pam_floor.c: successful
# logins only, it accepts anything); every latency goes to a raw file from which
# report.py takes the percentiles.
latency() {
	size=$1 first=$2 stride=$3
	chunk=$((N_OURS / ROUNDS))
	r=0
	while [ $r -lt $ROUNDS ]; do
		f=$((first + r * chunk * stride))
		for svc in twofa ga oath floor; do
			modes="ok bad"
			case $svc in
			twofa) ok="--count $chunk" bad="--count $chunk" ;;
			floor) ok="--count $chunk" modes=ok ;;
			ga) ok="--count $chunk"
			    bad="--count $((N_GA_BAD / ROUNDS))" ;;
			oath) ok="--count $chunk --budget $((3 / ROUNDS + 1)) --min 3"
			      bad="$ok" ;;
			esac
			for mode in $modes; do
				eval "args=\$$mode"
				# shellcheck disable=SC2086
				rtseries latency --service $svc --first "$f" \
					--stride "$stride" --mode $mode \
					--label "users=$size" $args \
					--raw "$OUT/raw/latency.$size.$svc.$mode"
			done
		done
		r=$((r + 1))
	done
}

# Logins as su, sudo and login(1) make them: each in a new process that
# links only libpam (bench-fresh-login), ours, google-authenticator's and
# pam_permit's interleaved login by login (bench-fresh), same users, same
# codes. Run before the size's latency series on users of that series: the
# successes on one half, the failures on the other, so that no user makes
# more than three attempts in 30 s (google-authenticator's RATE_LIMIT 3 30)
# or two failures (our deny=5); then wait for the next TOTP step, so that
# the latency series' codes are new to the users that succeeded here.
fresh() {
	size=$1 first=$2 stride=$3
	RT="chrt -f 1"
	for mode in ok bad; do
		f=$first
		[ $mode = bad ] && f=$((first + N_FRESH * stride))
		c0=$(logcount)
		svcs=twofa,ga,permit
		[ $mode = ok ] && svcs=$svcs,floor
		lines=$($RT "$B/bench-fresh" --confdir "$C" \
			--child "$B/bench-fresh-login" --services $svcs \
			--first "$f" --stride "$stride" --count "$N_FRESH" \
			--mode $mode --label "users=$size" \
			--raw "$OUT/raw/fresh.$size.$mode")
		c1=$(logcount)
		load=$(cut -d' ' -f1 /proc/loadavg)
		echo "$lines" | while read -r line; do
			put "phase=fresh $line log_lines=$((c1 - c0)) load=$load"
			log "fresh: $line"
		done
	done
	# Nettle linked in (the default) against libnettle.so.8: the same
	# users and codes, interleaved, on users the two series above left
	# alone; the shared build's store is a copy made now.
	if [ "$size" = "${SIZES%% *}" ]; then
		rm -rf "$W/store2"
		cp -a "$W/store" "$W/store2"
		lines=$($RT "$B/bench-fresh" --confdir "$C" \
			--child "$B/bench-fresh-login" \
			--services twofa,twofa_shared,permit \
			--first $((first + 2 * N_FRESH * stride)) \
			--stride "$stride" --count "$N_FRESH" --mode ok \
			--label "users=$size" --raw "$OUT/raw/fresh_link.$size.ok")
		load=$(cut -d' ' -f1 /proc/loadavg)
		echo "$lines" | while read -r line; do
			put "phase=fresh_link $line load=$load"
			log "fresh_link: $line"
		done
	fi
	RT=
	sleep $((30 - $(date +%s) % 30 + 1))
}

# Which system calls a login makes, and whether its update is durable:
# strace -f -c over a few successful logins of each module.
syscalls() {
	size=$1 first=$2 stride=$3 n=$4
	for svc in twofa ga oath; do
		strace -f -c -w -o "$W/strace.$svc" "$B/bench-login" \
			--confdir "$C" --service $svc --first "$first" \
			--stride "$stride" --count "$n" --mode ok \
			--label "users=$size" >/dev/null
		# calls per login of the calls that matter for durability
		awk -v svc=$svc -v n="$n" '
			$NF ~ /^(fsync|fdatasync|sync_file_range|rename|renameat|renameat2|openat|flock|fcntl|pwrite64|write|unlink|sendto|connect|fstat|newfstatat|read|pread64|mmap|munmap)$/ {
				calls = ($4 ~ /^[0-9]+$/) ? $4 : 0
				# columns: %time seconds usecs/call calls [errors] syscall
				printf " %s=%.2f", $NF, calls / n
			}
			END { }' "$W/strace.$svc" >"$W/strace.$svc.calls"
		put "phase=syscalls service=$svc users=$size logins=$n$(cat "$W/strace.$svc.calls")"
		cp "$W/strace.$svc" "$OUT/strace-c-w.$svc.txt"
	done
}

# Throughput with P processes at once (disjoint users), then the race:
# P processes offering every user's current code at the same moment.
parallel() {
	size=$1 first=$2 stride=$3
	off=0
	for p in 2 8; do
		for svc in twofa ga oath; do
			n=$N_PAR
			[ $svc = oath ] && n=$N_PAR_OATH
			off=$((off + 1))
			rtseries parallel --service $svc --procs $p --count $n \
				--first $((first + off)) --stride "$stride" \
				--mode ok --label "users=$size"
			off=$((off + 1))
			series race --service $svc --procs $p --race \
				--count $N_RACE --first $((first + off)) \
				--stride "$stride" --mode ok --label "users=$size"
		done
	done
}

machine() {
	cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
	fs=$(findmnt -n -o FSTYPE,OPTIONS --target "$W" | tr ' ' ' ')
	put "phase=machine date=$(date -u +%Y-%m-%dT%H:%MZ) cpus=$(nproc)" \
		"cpu=$(echo "$cpu" | tr ' ' '_') mem=$(echo "$mem" | tr ' ' '_')" \
		"kernel=$(uname -r) fs=$(echo "$fs" | tr ' ' '_' | cut -c1-60)" \
		"debian=$(cat /etc/debian_version)" \
		"ga=$(dpkg-query -W -f='${Version}' libpam-google-authenticator)" \
		"oath=$(dpkg-query -W -f='${Version}' libpam-oath)" \
		"libpam=$(dpkg-query -W -f='${Version}' libpam0g)" \
		"commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo -)"
}

# --- The run -----------------------------------------------------------
if [ $SMOKE = 1 ]; then
	SIZES="1000"
	ROUNDS=1
	N_OURS=50 N_GA_BAD=20 N_PAR=20 N_PAR_OATH=10 N_RACE=20 N_FRESH=10
	LIBLOAD_RUNS=20
else
	SIZES="1000 10000 100000 1000000"
	ROUNDS=4
	N_OURS=1000 N_GA_BAD=300 N_PAR=1000 N_PAR_OATH=100 N_RACE=200
	N_FRESH=300 LIBLOAD_RUNS=500
fi
machine
rtseries floor --service permit --first 0 --count 2000 --mode ok --label floor

prev=0
for size in $SIZES; do
	log "enrolling users $prev..$size"
	generate "$prev" "$size"
	# timed users: N_OURS spread over the users just added
	stride=$(( (size - prev) / N_OURS ))
	[ "$stride" -ge 1 ] || stride=1
	if [ "$size" -le 100000 ]; then
		log "fresh processes with $size users"
		fresh "$size" "$prev" "$stride"
	fi
	log "latency with $size users"
	latency "$size" "$prev" "$stride"
	if [ "$size" = 100000 ] || [ $SMOKE = 1 ]; then
		# Spare users between the timed ones (offsets 1..) serve the
		# other measurements at this size.
		syscalls "$size" $((prev + 1)) "$stride" 20
		parallel "$size" $((prev + 1)) "$stride"
	fi
	prev=$size
done

# Sealed against plain records, same users and codes (bench/seal.sh).
log "sealed against plain records"
if [ $SMOKE = 1 ]; then n=40 rounds=2; else n=4000 rounds=20; fi
sh "$REPO/bench/seal.sh" "$BUILD" "$W" "$C" "$R" "$OUT" $n $rounds

# Memory: one process running 100,000 successful logins (a leak shows as
# growth between the first 10,000 and the end). google-authenticator runs
# 20,000 (a minute and a half less), pam_oath none: a login against a
# million-line usersfile takes a quarter of a second.
if [ $SMOKE = 1 ]; then
	# spare users at offset 17 of the smoke grid (stride 20)
	n=50 n_ga=50 m1=17 m2=17 ms=20
else
	n=100000 n_ga=20000 m1=$((prev * 3 / 5)) m2=$((prev * 2 / 5)) ms=1
fi
series memory --service twofa --first $m1 --stride $ms --count $n \
	--mode ok --label "users=$prev"
series memory --service ga --first $m2 --stride $ms --count $n_ga \
	--mode ok --label "users=$prev"
# the same driver and libpam with pam_permit, for comparison
series memory --service permit --first 0 --count $n --mode ok \
	--label "users=$prev"
log "done measuring logins"

# Where our login's time goes: the core's steps without libpam, and the
# same logins with the module kept loaded (no dlopen per login).
breakdown() {
	size=$1 first=$2 stride=$3 n=$4
	put "$(chrt -f 1 "$B/bench-core" "$W/store" "$first" "$n" "$stride") users=$size"
	for svc in twofa ga oath permit; do
		case $svc in
		twofa) so=$MODULE ;;
		ga) so=pam_google_authenticator.so ;;
		oath) so=pam_oath.so ;;
		permit) so=pam_permit.so ;;
		esac
		case $so in /*) ;; *) so=$(sh "$REPO/tools/find-pamdir.sh")/$so ;; esac
		extra=
		[ $svc = oath ] && extra="--budget 2 --min 3"
		# loaded at every login, then kept loaded: back to back, so
		# that both see the same machine
		# shellcheck disable=SC2086
		rtseries cold --service $svc --first $((first + 5 * n * stride)) \
			--count "$n" --stride "$stride" --mode ok \
			--label "users=$size" $extra
		# shellcheck disable=SC2086
		rtseries warm --service $svc --first $((first + n * stride)) \
			--count "$n" --stride "$stride" --mode ok \
			--preload "$so" --label "users=$size" $extra
	done
	# Our module with only the libraries it links kept loaded (Nettle; no
	# libcrypto or libjwt, which only token_env loads): what loading them
	# costs a login.
	deps=$(ldd "$MODULE" | awk '$1 ~ /^lib(nettle|crypto|jwt|jansson|b64)/ { print $3 }')
	if [ -n "$deps" ]; then
		pre=
		for d in $deps; do pre="$pre --preload $d"; done
		# shellcheck disable=SC2086
		rtseries warm_libs --service twofa \
			--first $((first + 3 * n * stride)) --count "$n" \
			--stride "$stride" --mode ok --label "users=$size" $pre
		put "phase=module_libs libs=$(echo $deps | tr ' ' ',')"
	fi
	# What a fresh process pays to load a crypto library and compute its
	# first HMAC: Nettle (ours now), libcrypto (ours before, and what
	# token_env loads), nothing (the floor).
	chrt -f 1 hyperfine -N --warmup 20 --runs "$LIBLOAD_RUNS" \
		--export-json "$OUT/hyperfine-libload.json" \
		"$B/bench-libload none" "$B/bench-libload nettle" \
		"$B/bench-libload crypto" >"$OUT/hyperfine-libload.txt" 2>&1 || true
	# perf: where the CPU time of our logins goes, by object and symbol.
	if command -v perf >/dev/null 2>&1; then
		chrt -f 1 perf record -q -o "$W/perf.data" "$B/bench-login" \
			--confdir "$C" --service twofa \
			--first $((first + 4 * n * stride)) --count "$n" \
			--stride "$stride" --mode ok >/dev/null 2>&1 &&
		perf report -i "$W/perf.data" --no-children --sort dso \
			2>/dev/null | grep '%' | grep -v '^#' | head -12 \
			>"$OUT/perf-dso.txt" &&
		perf report -i "$W/perf.data" --no-children --sort sym \
			2>/dev/null | grep -E '^ +[0-9]' | head -25 \
			>"$OUT/perf-sym.txt" || true
	fi
	# strace -c -w of our module alone: wall time per system call.
	strace -f -c -w -o "$OUT/strace-c-w.twofa.detail" "$B/bench-login" \
		--confdir "$C" --service twofa --first $((first + 2 * n * stride)) \
		--stride "$stride" --count "$n" --mode ok >/dev/null
}
log "where the time goes"
if [ $SMOKE = 1 ]; then
	breakdown 1000 15 20 8
else
	breakdown "$prev" $((prev / 2)) 7 300
fi

# Real su and sudo, each module in turn in /etc/pam.d (bench/stack.sh
# holds the end-to-end tests' lock and restores the files exactly).
log "su and sudo"
if [ $SMOKE = 1 ]; then n=3; else n=200; fi
chrt -f 1 bash "$REPO/bench/stack.sh" "$BUILD" "$W" $n "$R"

# Admin: enrolling N users with the defaults (ten backup codes, each a
# PBKDF2 hash by design), two at a time on the two cores; then what one
# enrollment costs without backup codes, the bare process, and a QR code.
admin() {
	if [ ! -x "$ADMIN" ]; then
		put "phase=admin missing=1"
		return
	fi
	S=$W/admin
	mkdir -m 0700 "$S"
	n=$1
	/usr/bin/time -f "phase=admin what=enroll_default n=$n procs=2 wall_s=%e user_s=%U sys_s=%S" \
		-a -o "$R" sh -c 'seq 0 $(($2 - 1)) |
		xargs -P 2 -I{} "$0" --store "$1" enroll e{} --no-confirm \
			--qr none >/dev/null' "$ADMIN" "$S" "$n"
	m=$(( n / 20 ))
	[ $m -ge 5 ] || m=5
	/usr/bin/time -f "phase=admin what=enroll_no_backup n=$m procs=1 wall_s=%e user_s=%U sys_s=%S" \
		-a -o "$R" sh -c 'seq 0 $(($2 - 1)) |
		xargs -I{} "$0" --store "$1" enroll n{} --no-confirm --qr none \
			--backup-codes 0 >/dev/null' "$ADMIN" "$S" "$m"
	/usr/bin/time -f "phase=admin what=process n=$m procs=1 wall_s=%e user_s=%U sys_s=%S" \
		-a -o "$R" sh -c 'seq 0 $(($2 - 1)) |
		xargs -I{} "$0" --store "$1" status e{} >/dev/null' \
		"$ADMIN" "$S" "$m"
	strace -f -c -o "$OUT/strace-c.enroll" "$ADMIN" --store "$S" enroll \
		s1 --no-confirm --qr none >/dev/null
	put "phase=admin what=enroll_syscalls$(awk '$NF ~ /^(fsync|fdatasync|rename|renameat|renameat2|getrandom|openat)$/ { printf " %s=%s", $NF, $4 }' "$OUT/strace-c.enroll")"
	chrt -f 1 hyperfine -N --warmup 5 --runs "$2" --export-json "$OUT/hyperfine-qr.json" \
		"$ADMIN --store $S qr e0 --qr none" \
		"$ADMIN --store $S qr e0 --qr utf8" >"$OUT/hyperfine-qr.txt" 2>&1 || true
	awk '/±/ && /Time/ { print }' "$OUT/hyperfine-qr.txt" >&2 || true
}
if [ -x "$B/bench-qr" ]; then
	"$B/bench-qr" 500 >>"$R"
fi
log "admin"
if [ $SMOKE = 1 ]; then admin 20 10; else admin 10000 200; fi

# Tokens: issued and verified per second, next to openssl speed for the
# same key types (the ceiling).
if [ -x "$B/bench-tokens" ]; then
	log "tokens"
	if [ $SMOKE = 1 ]; then secs=1; else secs=2; fi
	"$B/bench-tokens" $secs >>"$R"
	openssl speed -seconds $secs rsa3072 ecdsap256 2>/dev/null |
		awk '/^rsa 3072/ { print "phase=openssl alg=RS256 bits=3072 sign_per_s=" $(NF-1) " verify_per_s=" $NF }
		     /ecdsa \(nistp256\)/ { print "phase=openssl alg=ES256 bits=256 sign_per_s=" $(NF-1) " verify_per_s=" $NF }' >>"$R"
fi
put "phase=end total_s=$(( $(date +%s) - T0 ))"
log "done"
