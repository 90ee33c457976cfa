#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""make bench-fleet (also run by make bench): a fleet login (store = ldap)
against the file store and google-authenticator in one run, on the same
users and codes, with the directory durable on this machine's disk and on
loopback; then logins per second with 2 and 8 concurrent "hosts" and
exactly-once counted under racing logins.

    /usr/bin/python3 bench/fleet.py BUILD [--smoke] [--out FILE]

The directory is the tests' provider + chaining consumer
(tests/ldap/slapd.py: back-mdb, no dbnosync, under /var/tmp on disk).
Users, secrets and codes are bench/common.h's (bench-gen writes the file
records and google-authenticator files; twofa-admin import store moves the
records into the directory). Logins are timed by bench-login (libpam,
pam_start_confdir, one process) under a private /dev/log
(tests/tools/with-syslog). Results: a Markdown report (--out, default
bench/FLEET.md) with the raw bench-login lines below it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ldap"))
import slapd  # noqa: E402


def sh(*cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True,
                          capture_output=True, text=True, **kw)


def kv(line):
    return dict(w.split("=", 1) for w in line.split() if "=" in w)


class Bench:
    def __init__(self, build, smoke):
        self.build = Path(build).resolve()
        self.smoke = smoke
        self.login = self.build / "bench" / "bench-login"
        self.lines = []
        self.next_user = 0

    def users(self, n):
        """n users nobody has logged in as yet (codes stay fresh)."""
        first = self.next_user
        self.next_user += n
        return first

    def setup(self):
        self.fleet = slapd.Fleet()
        w = Path(tempfile.mkdtemp(prefix="twofa-fleet-bench.",
                                  dir="/var/lib"))
        os.chmod(w, 0o700)
        self.w = w
        total = 900 if self.smoke else 9000
        for d in ("store", "ga", "oath"):
            (w / d).mkdir(mode=0o700)
        sh(self.build / "bench" / "bench-gen", w, 0, total)
        sh("sync")
        c = w / "pam.d"
        c.mkdir()
        self.confdir = c
        mod = self.build / "pam_twofa.so"
        confs = {}
        for name, server, uri in (
                ("host-a", self.fleet.provider, self.fleet.provider.ldapi),
                ("host-a-tls", self.fleet.provider, self.fleet.provider.uri),
                ("host-b", self.fleet.consumer, self.fleet.consumer.uri)):
            svc = name.split("-tls")[0]
            pw = w / f"{svc}.pw"
            pw.write_text(f"pw-{svc}\n")
            os.chmod(pw, 0o600)
            conf = w / f"{name}.conf"
            conf.write_text(
                f"store = ldap\nldap_uri = {uri}\nldap_base = {slapd.BASE}\n"
                f"ldap_binddn = cn={svc},{slapd.SERVICES}\n"
                f"ldap_bindpw_file = {pw}\n"
                f"ldap_tls_cacert = {self.fleet.ca.cacert}\n"
                f"ldap_timeout = 5\n")
            os.chmod(conf, 0o600)
            confs[name] = conf
            (c / f"fleet-{name}").write_text(
                f"auth required {mod} conf={conf}\n")
        (c / "file").write_text(f"auth required {mod} store={w}/store\n")
        (c / "ga").write_text("auth required pam_google_authenticator.so "
                              f"secret={w}/ga/${{USER}} user=root\n")
        (c / "other").write_text("")
        t = time.monotonic()
        sh(self.build / "twofa-admin", "--conf", confs["host-a"], "import",
           "store", w / "store")
        self.import_s = time.monotonic() - t
        self.fleet.wait_replicated(
            f"cn=u{total - 1:07d},{slapd.BASE}", timeout=120)

    def run(self, service, n, *extra, label=None):
        first = self.users(n)
        p = sh(self.login, "--confdir", self.confdir, "--service", service,
               "--first", first, "--count", n, "--label", label or service,
               *extra)
        line = p.stdout.strip().splitlines()[-1]
        self.lines.append(line)
        return kv(line)

    def concurrent(self, hosts, procs_each, n_each, race):
        """len(hosts) bench-login processes at once (one per "host"),
        each with procs_each logins in flight. race: all of them on the
        same users (the same code at the same moment)."""
        first = self.users(n_each if race else n_each * len(hosts))
        procs = []
        if race:
            # bench-login offers the code of the moment: a race that ran
            # into the next time step would offer two codes per user, both
            # rightly accepted. Start at the beginning of a step, and say
            # so if it did not end in the same one.
            wait = 30 - time.time() % 30
            if wait < 29:
                time.sleep(wait + 0.05)
        step0 = int(time.time()) // 30
        start = time.monotonic()
        for i, svc in enumerate(hosts):
            f = first if race else first + i * n_each
            args = [self.login, "--confdir", self.confdir, "--service", svc,
                    "--first", f, "--count", n_each, "--procs", procs_each,
                    "--label", f"{'race' if race else 'tput'}-{svc}"]
            if race:
                args.append("--race")
            procs.append(subprocess.Popen([str(a) for a in args],
                                          stdout=subprocess.PIPE, text=True))
        outs = [kv(p.communicate()[0].strip().splitlines()[-1])
                for p in procs]
        wall = time.monotonic() - start
        for o in outs:
            self.lines.append(" ".join(f"{k}={v}" for k, v in o.items()))
        logins = sum(int(o["logins"]) for o in outs)
        accepted = sum(int(o["accepted"]) for o in outs)
        return {"logins": logins, "accepted": accepted, "wall": wall,
                "per_s": logins / wall, "distinct": n_each if race else
                logins, "one_step": int(time.time()) // 30 == step0}

    def start_daemon(self, host):
        sock = Path("/run/pam_twofa/ldap.sock")
        self.daemon = subprocess.Popen(
            [str(self.build / "twofa-ldap"), "--daemon", "--conf",
             str(self.w / f"{host}.conf")])
        deadline = time.monotonic() + 10
        while not sock.exists():
            assert time.monotonic() < deadline, "daemon did not start"
            time.sleep(0.02)
        time.sleep(0.5)  # its spares connect

    def close(self):
        if getattr(self, "daemon", None):
            self.daemon.terminate()
            self.daemon.wait()
        if getattr(self, "fleet", None):
            self.fleet.close()
        if getattr(self, "w", None):
            shutil.rmtree(self.w, ignore_errors=True)


def main():
    build = sys.argv[1]
    smoke = "--smoke" in sys.argv
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in \
        sys.argv else ROOT / "bench" / "FLEET.md"
    b = Bench(build, smoke)
    n = 60 if smoke else 500
    try:
        b.setup()
        lat = {}
        # Interleaved in rounds, so all see the same disk and CPU load.
        rounds = 2 if smoke else 5
        for r in range(rounds):
            for svc in ("file", "ga", "fleet-host-a", "fleet-host-a-tls",
                        "fleet-host-b"):
                res = b.run(svc, n // rounds, label=f"{svc}.{r}")
                lat.setdefault(svc, []).append(res)
        tput, race = {}, {}
        for procs in (1, 4):
            tput[("helper", 2 * procs)] = b.concurrent(
                ["fleet-host-a-tls", "fleet-host-b"], procs,
                n // 2 if smoke else 400, race=False)
        for procs in (1, 4):
            race[("helper", 2 * procs)] = b.concurrent(
                ["fleet-host-a-tls", "fleet-host-b"], procs,
                30 if smoke else 100, race=True)
        # The same host with twofa-ldap --daemon running (its spares
        # hold connections made with host-a-tls's settings).
        b.start_daemon("host-a-tls")
        for r in range(rounds):
            for svc in ("file", "fleet-host-a-tls"):
                res = b.run(svc, n // rounds, label=f"{svc}.daemon.{r}")
                lat.setdefault(svc + "+daemon" if svc != "file" else
                               "file.2", []).append(res)
        for procs in (1, 4):
            tput[("daemon", 2 * procs)] = b.concurrent(
                ["fleet-host-a-tls", "fleet-host-a-tls"], procs,
                n // 2 if smoke else 400, race=False)
            race[("daemon", 2 * procs)] = b.concurrent(
                ["fleet-host-a-tls", "fleet-host-a-tls"], procs,
                30 if smoke else 100, race=True)
    finally:
        b.close()
    write_report(out, b, lat, tput, race, smoke)
    bad = [k for k, v in race.items()
           if v["one_step"] and v["accepted"] != v["distinct"]]
    print(f"bench-fleet: report in {out}")
    return 1 if bad else 0


def med(rs, key):
    vals = sorted(float(r[key]) for r in rs)
    return vals[len(vals) // 2]


def write_report(out, b, lat, tput, race, smoke):
    names = {"file": "pam_twofa, file store (one fdatasync)",
             "ga": "google-authenticator",
             "fleet-host-a": "pam_twofa, store = ldap, provider over ldapi",
             "fleet-host-a-tls": "pam_twofa, store = ldap, provider over "
                                 "StartTLS (127.0.0.1)",
             "fleet-host-b": "pam_twofa, store = ldap, consumer (StartTLS) "
                             "chaining to the provider",
             "file.2": "pam_twofa, file store (again, beside the daemon "
                       "rounds)",
             "fleet-host-a-tls+daemon": "pam_twofa, store = ldap, provider "
                                        "over StartTLS, with twofa-ldap "
                                        "--daemon"}
    L = ["# Fleet mode: measured", "",
         f"`make bench-fleet`{' --smoke' if smoke else ''}, "
         f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
         f"load average {os.getloadavg()[0]:.2f} at the end. slapd 2.5 "
         "back-mdb, durable, on this machine's disk; everything on "
         "loopback. Each login: `pam_start_confdir` + `pam_authenticate` + "
         "`pam_end` in one process (bench-login), successful, a fresh "
         "code each. Rounds interleave the modules so they share the "
         "machine's load. Microseconds.", "",
         "| login | n | median | p90 | p99 |", "|---|---|---|---|---|"]
    for svc, rs in lat.items():
        n = sum(int(r["logins"]) for r in rs)
        L.append(f"| {names[svc]} | {n} | {med(rs, 'median_us'):.0f} | "
                 f"{med(rs, 'p90_us'):.0f} | {med(rs, 'p99_us'):.0f} |")
    L += ["", "(median, p90 and p99 are the medians over the rounds of "
          "each round's percentile.)", "",
          "Throughput, disjoint users. helper: two \"hosts\" (one on the "
          "provider, one on the consumer), each login starting twofa-ldap; "
          "daemon: one host's logins through its twofa-ldap --daemon.", "",
          "| mode | concurrent logins | logins | wall s | logins/s | "
          "accepted |", "|---|---|---|---|---|---|"]
    for (mode, k), v in tput.items():
        L.append(f"| {mode} | {k} | {v['logins']} | {v['wall']:.2f} | "
                 f"{v['per_s']:.0f} | {v['accepted']} |")
    L += ["", "Exactly once: the same users on both hosts at the same "
          "moment, every login of a user offering the same code (each "
          "race starts at the beginning of a 30 s time step and must end "
          "in it, so that every user has one code).", "",
          "| mode | concurrent logins | users | attempts | accepted | "
          "exactly once |", "|---|---|---|---|---|---|"]
    for (mode, k), v in race.items():
        verdict = ("yes" if v["accepted"] == v["distinct"] else "NO") \
            if v["one_step"] else "inconclusive (ran into the next step)"
        L.append(f"| {mode} | {k} | {v['distinct']} | {v['logins']} | "
                 f"{v['accepted']} | {verdict} |")
    L += ["", f"Importing {b.next_user and 'the'} file store into the "
          f"directory (`twofa-admin import store`): {b.import_s:.1f} s.",
          "", "Raw bench-login lines:", "", "```", *b.lines, "```", ""]
    out.write_text("\n".join(L))


if __name__ == "__main__":
    sys.exit(main())
