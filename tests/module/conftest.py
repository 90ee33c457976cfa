# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures for pam_twofa.so tests: a private store and PAM config dir,
codes from Python's hmac (an implementation independent of ours), logins
through the real libpam with tests/tools/pamrun, the clock from
libfaketime, and syslog lines from the private /dev/log set up by
tests/tools/with-syslog (its file is $TWOFA_SYSLOG)."""

import hashlib
import hmac
import os
import secrets
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BUILD", ROOT / "build")).resolve()
MODULE = BUILD / "pam_twofa.so"
PAMRUN = BUILD / "tests" / "tools" / "pamrun"
TESTREC = BUILD / "tests" / "tools" / "twofa-testrec"
SYSLOG = os.environ.get("TWOFA_SYSLOG")

# RFC 6238's test key; any 20 bytes would do.
SECRET_HEX = "3132333435363738393031323334353637383930"
# 1700000010 is the first second of TOTP step 56666667 (period 30).
T0 = 1700000010
# Bounds on how long a refusal may take ("never hangs") are stretched by
# this factor where every login runs many times slower (check-valgrind).
TIME_SCALE = float(os.environ.get("TWOFA_TEST_TIME_SCALE", "1"))


def find_faketime():
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
              "/usr/lib64", "/usr/lib"):
        p = Path(d) / "faketime" / "libfaketime.so.1"
        if p.exists():
            return str(p)
    found = subprocess.run(
        ["sh", "-c", "ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null"],
        capture_output=True, text=True).stdout.split()
    if found:
        return found[0]
    raise RuntimeError("libfaketime not found (apt-get install libfaketime)")


FAKETIME_LIB = find_faketime()

ALGS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256,
        "SHA512": hashlib.sha512}


def hotp(counter, key_hex=SECRET_HEX, digits=6, alg="SHA1"):
    """RFC 4226, written out here so the module is checked against
    something that is not itself."""
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter),
                   ALGS[alg]).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def totp(t, key_hex=SECRET_HEX, digits=6, alg="SHA1", period=30, offset=0):
    """The TOTP code of time t, offset steps away from it."""
    return hotp(t // period + offset, key_hex, digits, alg)


def step(t, period=30):
    return t // period


def syslog_text():
    """Everything logged so far. The sink writes asynchronously, so first
    send a marker through /dev/log and wait for it: datagrams keep their
    order, so every earlier message is then in the file."""
    assert SYSLOG, "run the tests under tests/tools/with-syslog"
    marker = "twofa-test-sync-" + secrets.token_hex(8)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(f"<191>{marker}".encode(), "/dev/log")
    deadline = time.monotonic() + 10
    while True:
        with open(SYSLOG, errors="replace") as f:
            text = f.read()
        if marker in text:
            return text
        assert time.monotonic() < deadline, "syslog sink not writing"
        time.sleep(0.005)


class Result:
    def __init__(self, proc, seconds):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.seconds = seconds
        self.lines = proc.stdout.splitlines()
        results = [l.split(": ", 1)[1] for l in self.lines
                   if l.startswith("result: ")]
        self.result = results[-1] if results else None
        self.prompts = [l for l in self.lines if l.startswith("prompt-")]
        self.infos = [l[len("info: "):] for l in self.lines
                      if l.startswith("info: ")]
        self.errors = [l[len("error: "):] for l in self.lines
                       if l.startswith("error: ")]
        self.successes = None
        for l in self.lines:
            if l.startswith("successes: "):
                self.successes = int(l.split()[1])

    def __repr__(self):
        return f"Result({self.result!r}, out={self.out!r}, err={self.err!r})"


class Env:
    """One test's store, PAM services and users."""

    def __init__(self, base):
        self.base = Path(base)
        self.store = self.base / "store"
        self.conf = self.base / "pam.d"
        self.store.mkdir(mode=0o700)
        self.conf.mkdir()
        # libpam complains about a config dir without "other".
        (self.conf / "other").write_text("auth required pam_deny.so\n")
        self.service("twofa-test")

    def user(self, prefix="u"):
        """A fresh user name, so log lines can be told apart."""
        return f"{prefix}{secrets.token_hex(4)}"

    def service(self, name, options="", lines=None, store=True):
        """Write a PAM service: by default one line,
        auth required pam_twofa.so store=STORE OPTIONS."""
        if lines is None:
            lines = [f"auth required {MODULE} "
                     + (f"store={self.store} " if store else "") + options]
        (self.conf / name).write_text("\n".join(lines) + "\n")
        return name

    def record(self, user, *args, store=None):
        """Write a record over the core (twofa-testrec create)."""
        subprocess.run([str(TESTREC), "create", str(store or self.store),
                        user, *map(str, args)], check=True)
        return self.store / user

    def dump(self, user):
        p = subprocess.run([str(TESTREC), "dump", str(self.store), user],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return None
        return {k: (v if k == "type" else int(v)) for k, v in
                (l.split("=", 1) for l in p.stdout.splitlines())}

    def login(self, user, *answers, service="twofa-test", at=None,
              rhost=None, parallel=None, env=(), silent=False, wrap=(),
              setcred=False, timeout=30):
        """Log in through libpam with pamrun; at= fakes the clock."""
        cmd = [*wrap, str(PAMRUN), "-c", str(self.conf), "-s", service]
        if user is not None:
            cmd += ["-u", user]
        if rhost:
            cmd += ["-r", rhost]
        if parallel:
            cmd += ["-p", str(parallel)]
        if silent:
            cmd += ["-q"]
        if setcred:
            cmd += ["-C"]
        for name in env:
            cmd += ["-e", name]
        cmd += list(answers)
        penv = dict(os.environ)
        if at is not None:
            penv.update({
                "LD_PRELOAD": FAKETIME_LIB,
                "FAKETIME": "@" + time.strftime("%Y-%m-%d %H:%M:%S",
                                                time.gmtime(at)),
                "TZ": "UTC",
                # The lock's deadline uses the monotonic clock: keep it.
                "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "NO_FAKE_STAT": "1",
            })
        start = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=penv,
                              timeout=timeout)
        return Result(proc, time.monotonic() - start)

    def log(self, user):
        """The syslog lines of pam_twofa about user."""
        return [l for l in syslog_text().splitlines()
                if "pam_twofa(" in l and f"user={user} " in l]


@pytest.fixture
def env():
    base = tempfile.mkdtemp(prefix="twofa-test.", dir="/run")
    os.chmod(base, 0o700)
    try:
        yield Env(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
