#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Turn build/bench/out (results.txt and raw latencies) into RESULTS.md.

    /usr/bin/python3 bench/report.py OUTDIR RESULTS.md
"""
import os
import statistics
import sys

MODS = [("twofa", "pam_twofa"), ("ga", "google-auth"), ("oath", "pam_oath")]


NOTES = """## Notes on method and on the anchors

- Enrollment for the latency runs is set-up, not measured: `bench/gen.c`
  writes our records (formatted by the core, ten backup-code entries each
  so they are as long as a default enrollment's; random bytes, never
  hashed, since no login here types an 8-digit code), the
  google-authenticator files (`RATE_LIMIT 3 30`, `WINDOW_SIZE 3`,
  `DISALLOW_REUSE`, `TOTP_AUTH`, five scratch codes, as its tool writes
  them) and the pam_oath usersfile directly, without an fsync per file,
  then one `sync` before anything is timed. The page cache is warm.
- google-authenticator runs with `secret=DIR/${USER} user=root` (no
  passwd entries needed) and pam_oath with `usersfile=... window=1
  digits=6`; ours with `store=DIR` and its defaults (`deny=5`, backup
  codes accepted). The PAM configuration directory is private
  (`pam_start_confdir`), with an empty `other` so libpam does not log a
  missing default for every `pam_start()`.
- What strace shows each anchor doing per successful login (`strace -f
  -y`): google-authenticator reads the file, writes `FILE~XXXXXX`, fsyncs
  it and renames it over the old one, with no lock and no fsync of the
  directory: racing logins each read the old state and each accept the
  same code (the race table). pam_oath creates `usersfile.lock` with
  `O_EXCL`, rewrites the whole usersfile to `usersfile.new` (a million
  users: ~60 MB), fsyncs and renames it; a login that finds the lock file
  present fails at once (EEXIST) instead of waiting, which is why its
  parallel runs refuse most good codes; and since it reads and checks the
  file before taking that lock, two racing logins can still both accept
  one code. Ours locks the one record with `flock`,
  writes one 137-byte state slot in place and fdatasyncs it.
- A failed login in ours costs a durable write too (the failure count,
  for `deny=`); pam_oath writes nothing on a failure; google-authenticator
  writes its rate-limit state (fsync and rename, as on a success) but
  first searches ±25 minutes of codes for clock skew, which is where its
  ~3 ms go.
- Tokens: a profile of `bench-tokens` (perf) is dominated by OpenSSL 3's
  key decoding (decoder and provider look-ups, locks, string compares):
  libjwt 1.10 parses the PEM key again for every signature and every
  verification, so an ES256 token costs ~1 ms against 20 µs for the
  signature itself.
- Raw data: `build/bench/out/` (results.txt, one latency per line in
  `raw/`, the syslog lines the modules sent, strace summaries).
"""


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            d = {}
            for word in line.split():
                if "=" in word:
                    k, v = word.split("=", 1)
                    if k == "label" and "=" in v:
                        k2, v2 = v.split("=", 1)
                        d[k2] = v2
                    d.setdefault(k, v)
            rows.append(d)
    return rows


def pct(v, p):
    v = sorted(v)
    if not v:
        return None
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def raw_series(out, name):
    """The latencies (µs, one a line) run.sh wrote to raw/NAME; [] if none."""
    path = os.path.join(out, "raw", name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [float(x) for x in f if x.strip()]


def raw(out, size, svc, mode):
    return raw_series(out, f"latency.{size}.{svc}.{mode}")


def us(x):
    if x is None:
        return "–"
    if x >= 10000:
        return f"{x / 1000:,.1f} ms"
    return f"{x:,.0f}"


def diff_us(a, b):
    """a - b, or 'within noise' when that is not clearly positive."""
    if a is None or b is None:
        return "–"
    d = a - b
    if d < 0.03 * a:
        return "within noise"
    return us(d)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


def rows_of(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]


def loading_note(rows, out, ga):
    """What loading our module (and libjwt) at every pam_start costs."""
    warm = rows_of(rows, phase="warm", service="twofa")
    wl = rows_of(rows, phase="warm_libs", service="twofa")
    if not warm:
        return ""
    cr = rows_of(rows, phase="cold", service="twofa")
    if not cr:
        return ""
    cold = float(cr[0]["median_us"])
    w = float(warm[0]["median_us"])
    if cold - w < 0.03 * cold:
        return (" Loading and unloading our module at every `pam_start()`/"
                "`pam_end()` costs nothing measurable here.")
    text = (f" Loading and unloading our module at every `pam_start()`/"
            f"`pam_end()` costs {cold - w:.0f} µs of {cold:.0f} µs (a "
            f"back-to-back run of the same logins)")
    if wl:
        text += (f", {cold - float(wl[0]['median_us']):.0f} µs of it for "
                 f"the libraries it links (Nettle)")
    text += (f"; with the module kept loaded a login takes {w:.0f} µs, "
             f"{w / ga:.2f}× google-authenticator's")
    wga = rows_of(rows, phase="warm", service="ga")
    if wga:
        text += (f" ({w / float(wga[0]['median_us']):.2f}× when "
                 f"google-authenticator is kept loaded too)")
    del out
    text += "."
    return text


def slope(points):
    """Least-squares slope of (users, µs): µs per 100,000 users."""
    if len(points) < 2:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    num = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    den = sum((x - mx) ** 2 for x in xs)
    return num / den * 100000 if den else None

def raw_fresh(out, size, mode, svc):
    return raw_series(out, f"fresh.{size}.{mode}.{svc}")


FRESH = [("twofa", "pam_twofa"), ("ga", "google-auth"),
         ("permit", "pam_permit")]


def link_section(rows, out, p):
    """Nettle linked into the module against loaded as libnettle.so.8."""
    fl = rows_of(rows, phase="fresh_link")
    if not fl:
        return
    size = int(fl[0]["users"])
    med = {svc: pct(raw_series(out, f"fresh_link.{size}.ok.{svc}"), 0.5)
           for svc in ("twofa", "twofa_shared", "permit")}
    if None in med.values():
        return
    refused = [r["service"] for r in fl if r["service"] != "permit"
               and r["accepted"] != r["logins"]]
    p(f"How Nettle is linked (the same successful logins in fresh "
      f"processes, {size:,} users, {fl[0]['logins']} each, interleaved): "
      f"with Nettle's objects linked into the module from Debian's "
      f"`libnettle.a` (the default) a login takes {us(med['twofa'])} µs, "
      f"with `libnettle.so.8` loaded beside it (`NETTLE_LINK=shared`) "
      f"{us(med['twofa_shared'])} µs; pam_permit {us(med['permit'])} µs. "
      f"Linking it in saves **{med['twofa_shared'] - med['twofa']:,.0f} "
      f"µs** of every such login"
      + (f" (NOT every good code was accepted: {', '.join(refused)})"
         if refused else "") + ".\n")


def fresh_section(rows, out, p):
    """Logins one process each; returns the verdict lines."""
    fr = rows_of(rows, phase="fresh")
    if not fr:
        return []
    verdicts = []
    p("## Logins in a fresh process (as su, sudo and login(1) make them)\n")
    p("Each login is a new process (`bench/fresh_login.c`, which links "
      "libpam and nothing else), timed by its parent from `posix_spawn()` "
      "to `waitpid()`: exec, loading libpam, loading the module and its "
      "libraries, the login, exit. Ours, google-authenticator and "
      "pam_permit take turns login by login (`bench/fresh.c`), the same "
      "users and codes, under SCHED_FIFO. Median µs (p90 in brackets); "
      "\"added\" is the median minus pam_permit's, what the module itself "
      "costs such a login; \"durable floor\" is the stand-in module that makes "
      "one durable write and one log line (`bench/pam_floor.c`, successful "
      "logins only), so floor/GA is the best ratio a module keeping the "
      "durability promise can reach here. Target: a successful login ≤ "
      "0.80× google-authenticator's.\n")
    p("| enrolled users | login | pam_twofa | google-auth | pam_permit | "
      "durable floor | ours/GA | floor/GA | added: ours / GA | inside the "
      "process: ours / GA | target met |")
    p("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|:---|")
    sizes = sorted({int(r["users"]) for r in fr})
    for mode, name in (("ok", "successful"), ("bad", "failed")):
        for size in sizes:
            med, cells = {}, []
            for svc, _ in FRESH:
                v = raw_fresh(out, size, mode, svc)
                med[svc] = pct(v, 0.5)
                cells.append(f"{us(med[svc])} ({us(pct(v, 0.9))}) "
                             f"<sub>n={len(v)}</sub>")
            fv = raw_fresh(out, size, mode, "floor")
            med["floor"] = pct(fv, 0.5)
            cells.append(f"{us(med['floor'])} <sub>n={len(fv)}</sub>"
                         if fv else "–")
            inside = {r["service"]: float(r["in_us"])
                      for r in rows_of(fr, users=str(size), mode=mode)}
            r_ga = (med["twofa"] / med["ga"]
                    if med["twofa"] and med["ga"] else None)
            f_ga = (med["floor"] / med["ga"]
                    if med["floor"] and med["ga"] else None)
            add = ("–" if None in (med["twofa"], med["ga"], med["permit"])
                   else f"{med['twofa'] - med['permit']:,.0f} / "
                        f"{med['ga'] - med['permit']:,.0f}")
            ins = (f"{inside['twofa']:,.0f} / {inside['ga']:,.0f}"
                   if "twofa" in inside and "ga" in inside else "–")
            met = ""
            if mode == "ok":
                ok = r_ga is not None and r_ga <= 0.80
                below = f_ga is not None and f_ga > 0.80
                met = (f"{'yes' if ok else 'NO'} (≤ 0.80×"
                       + (", below the floor" if below else "") + ")")
                verdicts.append(
                    f"- successful login in a fresh process, {size:,} "
                    f"users: {ratio(r_ga, 1)} of google-authenticator's "
                    f"time — {'target met' if ok else 'target missed'}"
                    + (f" (the durable-write floor alone is "
                       f"{ratio(f_ga, 1)})" if f_ga is not None else "")
                    + ".")
            p(f"| {size:,} | {name} | " + " | ".join(cells) +
              f" | **{ratio(med['twofa'], med['ga'])}** | "
              f"{ratio(med['floor'], med['ga'])} | {add} | {ins} | "
              f"{met} |")
    acc = [r for r in fr if r["mode"] == "ok" and r["service"] != "permit"
           and r["accepted"] != r["logins"]]
    bad = [r for r in fr if r["mode"] == "bad"
           and r["service"] not in ("permit", "floor")
           and r["accepted"] != "0"]
    p(f"\nEvery good code accepted: {'yes' if not acc else 'NO'}; every "
      f"bad one refused: {'yes' if not bad else 'NO'}.\n")
    link_section(rows, out, p)
    hf = os.path.join(out, "hyperfine-libload.json")
    if os.path.exists(hf):
        import json
        with open(hf) as fh:
            res = {r["command"].split()[-1]: r
                   for r in json.load(fh)["results"]}
        if {"none", "nettle", "crypto"} <= set(res):
            n0 = res["none"]["median"] * 1e6
            nn = res["nettle"]["median"] * 1e6 - n0
            nc = res["crypto"]["median"] * 1e6 - n0
            p(f"What loading the crypto library costs such a process "
              f"(`bench/libload.c`, hyperfine, {len(res['none']['times'])} "
              f"runs each, medians over a bare process of {n0:,.0f} µs): "
              f"`dlopen` of libnettle and one HMAC-SHA1 **{nn:,.0f} µs**; "
              f"`dlopen` of libcrypto and one HMAC-SHA1 (OpenSSL's "
              f"initialisation: its configuration file and the default "
              f"provider) **{nc:,.0f} µs**. That difference is why the "
              f"login path is on Nettle.\n")
    return verdicts


def stack_section(rows, p):
    st = rows_of(rows, phase="stack")
    if not st:
        return []
    verdicts = []
    p("## Real su and sudo\n")
    p("`su -s /bin/sh -c true nobody` run by root and `sudo -S -k "
      "/usr/bin/true` run by nobody, the system's own binaries and PAM "
      "files, with the authentication for nobody replaced by one module "
      "(`bench/stack.sh`: two lines put in front of `/etc/pam.d/su` and "
      "`sudo`, the rest of each file the system's own; the files are put "
      "back exactly afterwards). The three modules take turns login by "
      "login; one user, so both modules hold an HOTP enrollment with the "
      "same secret (google-authenticator's without `RATE_LIMIT`, which "
      "would refuse the fourth login in 30 s). Timed by the Python driver "
      "from spawn to exit (its own overhead is in every number, "
      "pam_permit's included). Median µs (p90).\n")
    p("| command | pam_twofa | google-auth | pam_permit | ours/GA | "
      "added: ours / GA | a wrong code refused |")
    p("|---|---:|---:|---:|---:|---:|:---|")
    ctl = rows_of(rows, phase="stack_control")
    for cmd in ("su", "sudo"):
        med = {}
        cells = []
        for svc, _ in FRESH:
            r = rows_of(st, cmd=cmd, service=svc)
            if not r:
                cells.append("–")
                med[svc] = None
                continue
            r = r[0]
            med[svc] = float(r["median_us"])
            cells.append(f"{us(med[svc])} ({us(float(r['p90_us']))}) "
                         f"<sub>n={r['logins']}, {r['accepted']} in</sub>")
        add = ("–" if None in med.values() else
               f"{med['twofa'] - med['permit']:,.0f} / "
               f"{med['ga'] - med['permit']:,.0f}")
        refused = all(r["refused"] == "1" for r in rows_of(ctl, cmd=cmd))
        p(f"| {cmd} | " + " | ".join(cells) +
          f" | **{ratio(med['twofa'], med['ga'])}** | {add} | "
          f"{'yes' if refused and rows_of(ctl, cmd=cmd) else 'NO'} |")
        verdicts.append(f"- real `{cmd}`: {ratio(med['twofa'], med['ga'])} "
                        f"of google-authenticator's time.")
    p("")
    return verdicts


def seal_section(rows, out, p):
    """Sealed against plain records (bench/seal.sh): the same users and
    codes, the two stores taking turns; the goal is at most 5% slower."""
    setup = rows_of(rows, phase="seal_setup")
    if not setup:
        return
    lat = {kind: raw_series(out, f"seal.{kind}")
           for kind in ("plain", "sealed")}
    if not lat["plain"] or not lat["sealed"]:
        return
    series = rows_of(rows, phase="seal")
    acc = all(r["accepted"] == r["logins"] for r in series)
    mp, ms = pct(lat["plain"], 0.5), pct(lat["sealed"], 0.5)
    p("## Sealed records against plain ones\n")
    p(f"{setup[0]['users']} users' records copied twice, one copy sealed "
      f"by `twofa-admin rekey` (AES-256-GCM, the key read from "
      f"`/etc/twofa/record.key` at each login), the two taking turns in "
      f"{len(series) // 2} rounds, each user logging in once into each "
      f"(`bench/seal.sh`). Median µs per successful login (p90 in "
      f"brackets):\n")
    p("| plain | sealed | sealed / plain | p10 sealed / plain | goal |")
    p("|---:|---:|---:|---:|:---|")
    r = ms / mp
    r10 = pct(lat["sealed"], 0.1) / pct(lat["plain"], 0.1)
    p(f"| {us(mp)} ({us(pct(lat['plain'], 0.9))}) | {us(ms)} "
      f"({us(pct(lat['sealed'], 0.9))}) | {r:.3f}× | {r10:.3f}× | "
      f"median ≤ 1.05× {'met' if r <= 1.05 else 'NOT met'} |")
    p("\nWhat a sealed login adds: reading the key file (a safe walk to "
      "`/etc/twofa`, one open, fstat and read: about a dozen more system calls), its "
      "check, and one AES-256-GCM open of the secret — a few µs of CPU; "
      "the rest of any difference is the disk and the machine's other "
      "load, which is why both copies are written alike (each file "
      "synced and renamed into place).")
    p(f"\nEvery good code accepted in both: {'yes' if acc else 'NO'}.\n")


def main():
    out, dest = sys.argv[1], sys.argv[2]
    rows = load(os.path.join(out, "results.txt"))
    extra = load(os.path.join(out, "extra.txt")) if os.path.exists(
        os.path.join(out, "extra.txt")) else []
    rows += extra
    mach = rows_of(rows, phase="machine")[0]
    end = (rows_of(rows, phase="end") or [{}])[0]
    w = []
    p = w.append

    p("# make bench: pam_twofa against google-authenticator and pam_oath\n")
    p(f"Measured {mach['date'].replace('T', ' ')} UTC on {mach['cpus']} × "
      f"{mach['cpu'].replace('_', ' ')}, {mach['mem'].replace('_', ' ')} RAM, "
      f"Debian {mach['debian']}, kernel {mach['kernel']}, store on "
      f"{mach['fs'].split('_')[0]} (the real disk), commit {mach['commit']}; "
      f"libpam {mach['libpam']}, libpam-google-authenticator {mach['ga']}, "
      f"libpam-oath {mach['oath']}. The measurements took "
      f"{end.get('total_s', '?')} s (plus removing the scratch files).\n")
    p("Every number is from the same run: the same users (fake names, no "
      "passwd entries), the same 160-bit secrets and the same codes "
      "(TOTP SHA1, 6 digits, 30 s, one step either side, replay guard on in "
      "all three; codes computed by the driver with OpenSSL HMAC). A login is "
      "`pam_start_confdir()` + `pam_authenticate()` + `pam_end()` in "
      "`bench/login.c`, timed around the three calls; each user logs in "
      "once per time step. The modules take turns in rounds so that other "
      "load on the machine hits all of them alike, and the single-process "
      "latency series run under SCHED_FIFO (`chrt -f 1`), so that a login "
      "woken from its fsync does not wait behind other work for a CPU. "
      "All three log to a `/dev/log` drain of our own in a private mount "
      "namespace.\n")

    # ---- latency ----
    sizes = sorted({int(r["users"]) for r in rows_of(rows, phase="latency")})
    floor = rows_of(rows, phase="floor")
    p("## Per-login latency\n")
    p("Median µs per login (p90 in brackets), in one driver process that "
      "loads each module at `pam_start()` (as sshd does, which has "
      "libcrypto mapped already). Ratios are ours / anchor; the "
      "target is ≤ 0.50× google-authenticator for a successful login and "
      "≤ 0.10× for a failed one. The logins su, sudo and login(1) make, one "
      "process each, are in the next section.\n")
    p("\"Durable floor\" is `bench/pam_floor.c`, a stand-in module that asks for "
      "the code, checks the file's owner and mode, rewrites 137 bytes of it "
      "in place, fdatasyncs it and logs one line: the least any module "
      "that makes the accepted code or the failure count durable before "
      "answering (SPEC 2) and logs its decision (SPEC 3) can cost, on the "
      "same disk in the same rounds. Its ratio to GA is therefore the best "
      "ratio such a module can reach in this run; a target below it cannot "
      "be met here by any module that keeps those promises.\n")
    p("| enrolled users | pam_twofa | google-auth | pam_oath | durable "
      "floor | ours/GA | floor/GA | ours/oath | target met |")
    p("|---:|---:|---:|---:|---:|---:|---:|---:|:---|")
    verdicts = []
    points = {s: {"ok": [], "bad": []} for s, _ in MODS}
    for mode, goal, name in (("ok", 0.50, "successful"),
                             ("bad", 0.10, "failed")):
        for size in sizes:
            med = {}
            cells = []
            for svc, _ in MODS:
                v = raw(out, size, svc, mode)
                med[svc] = pct(v, 0.5)
                if med[svc] is not None:
                    points[svc][mode].append((size, med[svc]))
                cells.append(f"{us(med[svc])} ({us(pct(v, 0.9))}) "
                             f"<sub>n={len(v)}</sub>")
            fv = raw(out, size, "floor", "ok")
            med["floor"] = pct(fv, 0.5)
            cells.append(f"{us(med['floor'])} <sub>n={len(fv)}</sub>"
                         if fv else "–")
            r_ga = (med["twofa"] / med["ga"]
                    if med.get("twofa") and med.get("ga") else None)
            f_ga = (med["floor"] / med["ga"]
                    if med.get("floor") and med.get("ga") else None)
            met = r_ga is not None and r_ga <= goal
            verdicts.append((name, size, r_ga, met, f_ga))
            p(f"| {size:,} {name} | " + " | ".join(cells) +
              f" | **{ratio(med['twofa'], med['ga'])}** | "
              f"{ratio(med['floor'], med['ga'])} | "
              f"{ratio(med['twofa'], med['oath'])} | "
              f"{'yes' if met else 'NO'} (≤ {goal:.2f}×"
              + (", below the floor" if f_ga is not None and f_ga > goal
                 else "") + ") |")
    if floor:
        f = floor[0]
        p(f"\nThe libpam floor (`pam_permit.so` alone, same driver): "
          f"{float(f['median_us']):.0f} µs median.\n")

    fresh_verdicts = fresh_section(rows, out, p)
    fresh_verdicts += stack_section(rows, p)

    # ---- scaling ----
    p("## Scaling with the number of enrolled users\n")
    p("Least-squares slope of the median against the number of enrolled "
      "users (1,000 … 1,000,000), in µs per 100,000 users.\n")
    p("| | pam_twofa | google-auth | pam_oath |")
    p("|---|---:|---:|---:|")
    for mode, name in (("ok", "successful"), ("bad", "failed")):
        cells = []
        for svc, _ in MODS:
            s = slope(points[svc][mode])
            cells.append("–" if s is None else f"{s:+,.1f}")
        p(f"| {name} | " + " | ".join(cells) + " |")
    p("")

    # ---- durability ----
    sc = rows_of(rows, phase="syscalls")
    if sc:
        p("## Durability (strace -f -c, calls per successful login)\n")
        p("| | fsync | fdatasync | rename | directory fsync | flock/fcntl "
          "lock | durable before the answer? |")
        p("|---|---:|---:|---:|---:|---:|:---|")
        verdict = {
            "twofa": "yes: the state slot is written in place and "
                     "fdatasync'd before PAM is answered",
            "ga": "file data yes (fsync of the new file), the rename no: "
                  "no fsync of the directory, and no lock",
            "oath": "file data yes (fsync of usersfile.new), the rename "
                    "no: no fsync of the directory",
        }
        for svc, name in MODS:
            r = rows_of(sc, service=svc)
            if not r:
                continue
            r = r[0]
            g = lambda k: float(r.get(k, 0))
            dirsync = r.get("dir_fsync", "0")
            p(f"| {name} | {g('fsync'):.2f} | {g('fdatasync'):.2f} | "
              f"{g('rename') + g('renameat') + g('renameat2'):.2f} | "
              f"{dirsync} | {g('flock') + g('fcntl'):.2f} | "
              f"{verdict[svc]} |")
        p("")

    # ---- parallel ----
    par = rows_of(rows, phase="parallel")
    race = rows_of(rows, phase="race")
    if par:
        p("## Parallel logins\n")
        p(f"Throughput with P processes logging in at once (different "
          f"users; {int(par[0]['users']):,} enrolled; under SCHED_FIFO like "
          f"the latency series), logins per second, and the "
          f"race: P processes offering every user's current code at the "
          f"same moment. Logins per second count refused logins too (see "
          f"accepted of offered). Exactly-once means accepted = distinct "
          f"(user, code) pairs.\n")
        p("| P | module | logins/s | ours / anchor (higher: ours faster) | accepted of "
          "offered (throughput run) | race: accepted / distinct | "
          "exactly-once |")
        p("|---:|---|---:|---:|---:|---:|:---|")
        for procs in ("2", "8"):
            ours = rows_of(par, procs=procs, service="twofa")
            for svc, name in MODS:
                r = rows_of(par, procs=procs, service=svc)
                rr = rows_of(race, procs=procs, service=svc)
                if not r:
                    continue
                r = r[0]
                rate = float(r["per_s"])
                rat = (f"{float(ours[0]['per_s']) / rate:.2f}×"
                       if ours and svc != "twofa" else "")
                rc = (f"{rr[0]['accepted']} / {rr[0]['distinct']}"
                      if rr else "–")
                once = ("yes" if rr and rr[0]["accepted"] ==
                        rr[0]["distinct"] else "NO")
                p(f"| {procs} | {name} | {rate:,.0f} | {rat} | "
                  f"{r['accepted']} / {r['logins']} | {rc} | {once} |")
        p("")

    # ---- memory ----
    mem = rows_of(rows, phase="memory")
    if mem:
        p("## Memory\n")
        p("Peak RSS (getrusage) of one process running many successful "
          "logins, after the first 10% and at the end.\n")
        p("| module | logins | peak RSS after 10% | at the end | growth |")
        p("|---|---:|---:|---:|---:|")
        for r in mem:
            name = dict(MODS + [("permit", "pam_permit (libpam, driver)")])[r["service"]]
            a, b = int(r["rss_early_kb"]), int(r["rss_end_kb"])
            p(f"| {name} | {int(r['logins']):,} | {a:,} KiB | {b:,} KiB | "
              f"{b - a:+,} KiB |")
        p("")

    # ---- where the time goes ----
    core = rows_of(rows, phase="core")
    warm = rows_of(rows, phase="warm")
    if core or warm:
        p("## Where a login's time goes\n")
    if core:
        c = core[0]
        f = lambda k: float(c[k])
        p(f"Our core without libpam (`bench/core.c`, {c['logins']} logins "
          f"with {int(c['users']):,} users, medians): opening the store "
          f"(the O_NOFOLLOW walk from `/`) {f('store_open_us'):.0f} µs, "
          f"opening + locking + reading + parsing the record "
          f"{f('record_open_us'):.0f} µs, checking the code "
          f"{f('code_check_us'):.0f} µs, the durable commit (one pwrite "
          f"and one fdatasync) **{f('commit_us'):.0f} µs**, closing "
          f"{f('close_us'):.0f} µs; {f('total_us'):.0f} µs in all.\n")
    if warm:
        p("The same logins with each module kept loaded by the driver "
          "(`--preload`), so `pam_end()` does not unload it and the next "
          "`pam_start()` does not load it again (median µs):\n")
        p("| module | loaded per login | kept loaded | loading costs |")
        p("|---|---:|---:|---:|")
        cold = {r["service"]: float(r["median_us"])
                for r in rows_of(rows, phase="cold")}
        for svc, name in MODS + [("permit", "pam_permit (floor)")]:
            r = rows_of(warm, service=svc)
            if not r:
                continue
            wv = float(r[0]["median_us"])
            cv = cold.get(svc)
            p(f"| {name} | {us(cv)} | {us(wv)} | "
              f"{diff_us(cv, wv)} |")
        wl = rows_of(rows, phase="warm_libs")
        libs = rows_of(rows, phase="module_libs")
        if wl and libs and cold.get("twofa"):
            names = ", ".join(os.path.basename(x).split(".so")[0]
                              for x in libs[0]["libs"].split(","))
            wv = float(wl[0]["median_us"])
            p(f"| pam_twofa, only {names} kept loaded | "
              f"{us(cold['twofa'])} | {us(wv)} | "
              f"{diff_us(cold['twofa'], wv)} |")
            p(f"\nOur module links {names} (libcrypto and libjwt are "
              f"loaded only by `token_env`); every `pam_start()` loads "
              f"and relocates it and every `pam_end()` unloads it again: "
              f"{cold['twofa'] - wv:.0f} µs of each login here.")
        p("")
    pd, ps = (os.path.join(out, f"perf-{k}.txt") for k in ("dso", "sym"))
    if os.path.exists(pd) and os.path.getsize(pd) > 0:
        with open(pd) as fh:
            dso = fh.read().rstrip()
        sym = ""
        if os.path.exists(ps):
            with open(ps) as fh:
                sym = "\n".join(fh.read().splitlines()[:12])
        p("`perf record` (CPU samples) over our module's logins, by object "
          "and by symbol: the kernel's share is the I/O path of the "
          "fdatasync and the mmap/munmap/page faults of loading and "
          "unloading the module and its libraries; `ld-linux` is the "
          "dynamic linker doing the same in user space.\n")
        p("```")
        p(dso)
        p("")
        p(sym)
        p("```\n")
    path = os.path.join(out, "strace-c-w.twofa.detail")
    if os.path.exists(path):
        with open(path) as fh:
            lines = fh.read().splitlines()
        p("`strace -f -c -w` over our module's logins (wall time per "
          "system call; strace slows every call, so read the shares, not "
          "the absolute numbers):\n")
        p("```")
        p("\n".join(lines[:14]))
        p("```\n")

    # ---- admin ----
    adm = rows_of(rows, phase="admin")
    if adm and not rows_of(adm, missing="1"):
        p("## Admin\n")
        get = lambda w: (rows_of(adm, what=w) or [None])[0]
        d, nb, pr = get("enroll_default"), get("enroll_no_backup"), \
            get("process")
        if d:
            n = int(d["n"])
            cpu = (float(d["user_s"]) + float(d["sys_s"])) / n * 1000
            p(f"Enrolling {n:,} users with the defaults (`twofa-admin "
              f"enroll USER --no-confirm --qr none`, ten backup codes "
              f"each), two at a time on the two cores: "
              f"**{float(d['wall_s']):.1f} s**, "
              f"{float(d['wall_s']) / n * 1000:.1f} ms per enrollment of "
              f"wall time, {cpu:.1f} ms of CPU per enrollment.")
            parts = []
            if nb:
                m = int(nb["n"])
                nbc = (float(nb["user_s"]) + float(nb["sys_s"])) / m * 1000
                nbw = float(nb["wall_s"]) / m * 1000
                parts.append(f"the same enrollment without backup codes "
                             f"(`--backup-codes 0`) takes {nbw:.1f} ms "
                             f"({nbc:.1f} ms CPU)")
                parts.append(f"so the ten PBKDF2 hashes (16,000 "
                             f"iterations each, by design) are "
                             f"{cpu - nbc:.1f} ms, "
                             f"{(cpu - nbc) / 10:.1f} ms per code, "
                             f"{(cpu - nbc) / cpu * 100:.0f}% of the CPU")
            if pr:
                m = int(pr["n"])
                parts.append(f"starting `twofa-admin` and reading one "
                             f"record (`status USER`) is "
                             f"{float(pr['wall_s']) / m * 1000:.1f} ms")
            sy = get("enroll_syscalls")
            if sy:
                parts.append(f"each enrollment makes {sy.get('fsync', '?')} "
                             f"fsync calls (the new file and the directory) "
                             f"and {sy.get('renameat2', '?')} rename")
            if parts:
                p("Where it goes: " + "; ".join(parts) + ".\n")
        hf = os.path.join(out, "hyperfine-qr.json")
        if os.path.exists(hf):
            import json
            with open(hf) as fh:
                res = json.load(fh)["results"]
            if len(res) == 2:
                a0, a1 = res[0], res[1]
                qr = (rows_of(rows, phase="qr") or [None])[0]
                inproc = ""
                if qr:
                    inproc = (f" In-process (`bench/qr.c`, median of "
                              f"{qr['runs']}): encoding the "
                              f"{qr['uri_bytes']}-byte otpauth URI with "
                              f"libqrencode (a {qr['width']}×{qr['width']} "
                              f"matrix) takes {float(qr['encode_us']):.0f} "
                              f"µs and rendering it as UTF-8 half blocks "
                              f"{float(qr['render_us']):.0f} µs: "
                              f"**{float(qr['total_us']):.0f} µs** for one "
                              f"QR code.")
                p(f"QR code: with hyperfine ({len(a1['times'])} runs, "
                  f"medians) `twofa-admin qr USER --qr utf8` takes "
                  f"{a1['median'] * 1000:.2f} ms and `--qr none` "
                  f"{a0['median'] * 1000:.2f} ms: the QR code and writing "
                  f"it out add {(a1['median'] - a0['median']) * 1000:.2f} "
                  f"ms to the process start-up.{inproc}\n")

    # ---- tokens ----
    tok = rows_of(rows, phase="tokens")
    ossl = rows_of(rows, phase="openssl")
    if tok:
        p("## Tokens\n")
        p("Through the core (`lib/token/token.c` over libjwt 1.10), one process, "
          "fresh keys of the default sizes; `twofa_token_issue()` checks "
          "every token it signs before returning it. The ceiling is "
          "`openssl speed` for the same key type on the same machine.\n")
        p("| alg | issued/s | openssl sign/s | verified/s | openssl "
          "verify/s | issue / ceiling | verify / ceiling |")
        p("|---|---:|---:|---:|---:|---:|---:|")
        for t in tok:
            o = rows_of(ossl, alg=t["alg"])
            si = float(o[0]["sign_per_s"]) if o else None
            sv = float(o[0]["verify_per_s"]) if o else None
            iss, ver = float(t["issue_per_s"]), float(t["verify_per_s"])
            # issuing = one signature + one verification
            ceil_i = 1 / (1 / si + 1 / sv) if si and sv else None
            p(f"| {t['alg']} ({t['bits']} bits) | {iss:,.0f} | "
              f"{si:,.0f} | {ver:,.0f} | {sv:,.0f} | "
              f"{iss / ceil_i:.2f}× | {ver / sv:.2f}× |"
              if si and sv else
              f"| {t['alg']} | {iss:,.0f} | – | {ver:,.0f} | – | – | – |")
        p("\n(The issue ceiling is one signature plus one verification.)\n")

    p(NOTES)

    p("## Verdict\n")
    loads = [float(r["load"]) for r in rows_of(rows, phase="latency")
             if "load" in r]
    if loads:
        p(f"Load average during the latency series: "
          f"{min(loads):.1f} to {max(loads):.1f} on {mach['cpus']} CPUs "
          f"(other work shared the machine; the latency series run under "
          f"SCHED_FIFO and the modules take turns, but flushes of other "
          f"processes still queue on the disk with ours).\n")
    for name, size, r_ga, met, f_ga in verdicts:
        p(f"- {name} login, {size:,} users: {ratio(r_ga, 1)} of "
          f"google-authenticator's time — "
          f"{'target met' if met else 'target missed'}"
          + (f" (the durable-write floor alone is {ratio(f_ga, 1)})"
             if f_ga is not None else "") + ".")
    for line in fresh_verdicts:
        p(line)
    races = rows_of(rows, phase="race", service="twofa")
    if races:
        ok = all(r["accepted"] == r["distinct"] for r in races)
        p(f"- exactly-once under {', '.join(r['procs'] for r in races)} "
          f"racing processes: {'intact' if ok else 'BROKEN'}.")
    p("")
    if core and floor and not all(v[3] for v in verdicts):
        c = core[0]
        fl = float(floor[0]["median_us"])
        commit = float(c["commit_us"])
        ga_ok = [pct(raw(out, sz, "ga", "ok"), 0.5) for sz in sizes]
        ga_ok = [x for x in ga_ok if x]
        if ga_ok:
            g = statistics.median(ga_ok)
            p(f"Where the time goes, against the target: google-"
              f"authenticator's successful login is {g:.0f} µs here, so "
              f"0.5× is {0.5 * g:.0f} µs. The libpam floor (pam_start, "
              f"loading one module, pam_authenticate, pam_end) is "
              f"{fl:.0f} µs and one in-place state commit — a pwrite and "
              f"an fdatasync, the least a durable update can cost — is "
              f"{commit:.0f} µs on this disk: together "
              f"{fl + commit:.0f} µs, {(fl + commit) / g:.2f}× before our "
              f"module has opened anything. The rest of our core (store "
              f"walk, open + lock + parse, code check, close) is "
              f"{float(c['total_us']) - commit:.0f} µs."
              + loading_note(rows, out, g) +
              f" On this "
              f"file system (ext4 without a journal, `i_version` on) an "
              f"fdatasync of a rewritten block is two device writes, the "
              f"block and the inode whose mtime changed (perf: "
              f"`ext4_fsync_nojournal` → `ext4_write_inode`); a journalled "
              f"ext4 would skip the inode. A failed login commits the "
              f"failure count just as durably (the spec asks for it), so "
              f"it costs the same; google-authenticator's failed login is "
              f"slow because it searches ±25 minutes of codes for clock "
              f"skew.\n")

    seal_section(rows, out, p)

    with open(dest, "w") as f:
        f.write("\n".join(w) + "\n")


if __name__ == "__main__":
    main()
