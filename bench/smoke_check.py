#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check the results of `bench/run.sh BUILD --smoke` (make check-bench).

The smoke run is too short to say anything about speed; it checks what the
benchmark relies on and what the module promises under it: every good
code accepted and every bad one refused by all three modules, one log line
per decision from ours, exactly one fdatasync (and no fsync or rename) per
login of ours, and exactly-once acceptance when logins race; the same for
the fresh-process logins (also through the module built with
NETTLE_LINK=shared, and through the durable-write floor module), and real
su and sudo logins through each module (with a wrong code refused, so the
module really decided).
"""
import sys


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            d = {}
            for word in line.split():
                if "=" in word:
                    k, v = word.split("=", 1)
                    d.setdefault(k, v)
            rows.append(d)
    return rows


def main():
    rows = load(sys.argv[1])
    bad = []

    def need(cond, what):
        if not cond:
            bad.append(what)

    lat = [r for r in rows if r.get("phase") == "latency"]
    need(len(lat) == 7, f"7 latency series, got {len(lat)}")
    need(any(r["service"] == "floor" for r in lat),
         "no durable-write floor series")
    for r in lat:
        n, acc = int(r["logins"]), int(r["accepted"])
        tag = f"{r['service']} {r['mode']}"
        need(n > 0, f"{tag}: no logins")
        if r["mode"] == "ok":
            need(acc == n, f"{tag}: {acc} of {n} good codes accepted")
        else:
            need(acc == 0, f"{tag}: {acc} bad codes accepted")
        if r["service"] == "twofa":
            need(int(r["log_lines"]) == n,
                 f"{tag}: {r['log_lines']} log lines for {n} logins")
    # Sealed against plain (bench/seal.sh): every copy sealed or plain
    # as meant, every good code accepted by both.
    setup = [r for r in rows if r.get("phase") == "seal_setup"]
    need(len(setup) == 1, "no sealed-records setup")
    for r in setup:
        need(r["sealed"] == r["users"] and r["plain"] == r["users"],
             f"sealed copy {r['sealed']}, plain copy {r['plain']} of "
             f"{r['users']} records")
    seal = [r for r in rows if r.get("phase") == "seal"]
    need({r["kind"] for r in seal} == {"plain", "sealed"},
         "no sealed against plain series")
    for r in seal:
        need(int(r["logins"]) > 0 and r["accepted"] == r["logins"],
             f"seal {r['kind']}: {r['accepted']} of {r['logins']} accepted")
    sc = [r for r in rows if r.get("phase") == "syscalls"
          and r.get("service") == "twofa"]
    need(len(sc) == 1, "no strace summary of our module")
    for r in sc:
        need(float(r.get("fdatasync", 0)) == 1.0,
             f"fdatasync per login {r.get('fdatasync')}, want 1")
        for k in ("fsync", "rename", "renameat", "renameat2"):
            need(float(r.get(k, 0)) == 0.0, f"{k} per login {r.get(k)}")
    races = [r for r in rows if r.get("phase") == "race"
             and r.get("service") == "twofa"]
    need(len(races) == 2, "no race runs of our module")
    for r in races:
        need(r["accepted"] == r["distinct"] and int(r["accepted"]) > 0,
             f"race with {r['procs']} processes: {r['accepted']} accepted "
             f"for {r['distinct']} distinct codes")
    par = [r for r in rows if r.get("phase") == "parallel"
           and r.get("service") == "twofa"]
    for r in par:
        need(r["accepted"] == r["logins"],
             f"parallel {r['procs']}: {r['accepted']} of {r['logins']}")
    for r in rows:
        if r.get("phase") in ("cold", "warm", "warm_libs", "floor") and \
                r.get("mode") == "ok" and r.get("service") != "oath":
            need(r["accepted"] == r["logins"],
                 f"{r['phase']} {r['service']}: {r['accepted']} of "
                 f"{r['logins']} accepted")
    mem = [r for r in rows if r.get("phase") == "memory"
           and r.get("service") == "twofa"]
    for r in mem:
        need(r["accepted"] == r["logins"],
             f"memory run: {r['accepted']} of {r['logins']} accepted")
    fresh = [r for r in rows if r.get("phase") == "fresh"]
    need(len(fresh) == 7, f"7 fresh-process series, got {len(fresh)}")
    link = [r for r in rows if r.get("phase") == "fresh_link"]
    need({r["service"] for r in link} == {"twofa", "twofa_shared",
                                          "permit"},
         "no static against shared Nettle series")
    for r in fresh + link:
        n, acc = int(r["logins"]), int(r["accepted"])
        tag = f"{r['phase']} {r['service']} {r['mode']}"
        need(n > 0, f"{tag}: no logins")
        if r["mode"] == "ok" or r["service"] == "permit":
            need(acc == n, f"{tag}: {acc} of {n} accepted")
        else:
            need(acc == 0, f"{tag}: {acc} bad codes accepted")
        need(float(r["in_us"]) > 0, f"{tag}: no time inside the process")
    stack = [r for r in rows if r.get("phase") == "stack"]
    need(len(stack) == 6, f"6 su/sudo series, got {len(stack)}")
    for r in stack:
        need(int(r["logins"]) > 0 and r["accepted"] == r["logins"],
             f"{r['cmd']} {r['service']}: {r['accepted']} of "
             f"{r['logins']} logins succeeded")
    ctl = [r for r in rows if r.get("phase") == "stack_control"]
    need(len(ctl) == 4 and all(r["refused"] == "1" for r in ctl),
         "su/sudo: a wrong code was not refused by every module")
    for what in bad:
        print(f"check-bench: FAIL: {what}")
    print(f"check-bench: {len(bad)} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
