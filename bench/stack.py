#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Time real su and sudo logins with each module in the stack (see
bench/stack.sh, which prepares the PAM file variants and restores the
system's files afterwards).

    /usr/bin/python3 bench/stack.py STACKDIR BASE32SECRET N

For each of su and sudo, N rounds; in each round the three modules take
turns (a rotating order): the variant's file is renamed into place as
/etc/pam.d/su or sudo (outside the timed part), then the command runs with
the next HOTP code on its standard input, timed from spawn to exit. HOTP
codes come from Python's hmac, independently of the modules. Prints one
key=value line per command and module.
"""
import base64
import hashlib
import hmac
import os
import statistics
import struct
import subprocess
import sys
import time

MODULES = ["twofa", "ga", "permit"]
ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
COMMANDS = {
    # run by root, to the user nobody (whose shell is nologin)
    "su": (["su", "-s", "/bin/sh", "-c", "true", "nobody"], None),
    # run by nobody; -S: the code comes on stdin, -k: no cached credential
    "sudo": (["sudo", "-S", "-k", "-p", "", "/usr/bin/true"], "nobody"),
}


def hotp(key, counter):
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return "%06d" % (v % 1000000)


def install(src, name):
    tmp = "/etc/pam.d/.twofa-bench.tmp"
    with open(src, "rb") as f, open(tmp, "wb") as g:
        g.write(f.read())
    os.chmod(tmp, 0o644)
    os.replace(tmp, "/etc/pam.d/" + name)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))] if v else 0


def run(argv, user, code):
    """One command with code on its stdin: (microseconds, exit status,
    stderr)."""
    t0 = time.perf_counter()
    p = subprocess.run(argv, input=code + "\n", text=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       env=ENV, user=user, group=user and "nogroup",
                       extra_groups=[] if user else None)
    t1 = time.perf_counter()
    return (t1 - t0) * 1e6, p.returncode, p.stderr


def main():
    stack, secret, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    # Next counter each module will accept: ours starts at 0 (enrolled
    # with --no-confirm), google-authenticator's file says HOTP_COUNTER 1.
    counter = {"twofa": 0, "ga": 1, "permit": 0}
    for cmd, (argv, user) in COMMANDS.items():
        times = {m: [] for m in MODULES}
        ok = {m: 0 for m in MODULES}
        for k in range(n):
            for j in range(len(MODULES)):
                m = MODULES[(k + j) % len(MODULES)]
                install(os.path.join(stack, f"{cmd}.{m}"), cmd)
                us, rc, err = run(argv, user, hotp(key, counter[m]))
                times[m].append(us)
                if rc == 0:
                    ok[m] += 1
                    counter[m] += 1
                else:
                    print(f"stack: {cmd} {m}: exit {rc}: "
                          + err.strip().replace("\n", " | ")[-200:],
                          file=sys.stderr)
        for m in MODULES:
            v = times[m]
            print(f"phase=stack cmd={cmd} service={m} logins={len(v)} "
                  f"accepted={ok[m]} median_us={pct(v, 0.5):.1f} "
                  f"p10_us={pct(v, 0.1):.1f} p90_us={pct(v, 0.9):.1f} "
                  f"mean_us={statistics.mean(v):.1f} "
                  f"min_us={min(v):.1f} max_us={max(v):.1f}", flush=True)
    # The control, after all timed logins (google-authenticator moves its
    # HOTP counter on a failure too): a wrong code is refused, which shows
    # that the module decided, not pam_rootok or the rest of the stack.
    for cmd, (argv, user) in COMMANDS.items():
        for m in ("twofa", "ga"):
            install(os.path.join(stack, f"{cmd}.{m}"), cmd)
            wrong = next(c for c in ("000000", "111111", "222222")
                         if all(c != hotp(key, counter[m] + i)
                                for i in range(12)))
            _, rc, _ = run(argv, user, wrong)
            print(f"phase=stack_control cmd={cmd} service={m} "
                  f"refused={int(rc != 0)}", flush=True)

if __name__ == "__main__":
    main()
