# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures for the fleet tests: one provider + chaining consumer pair per
test module (tests/ldap/slapd.py), stopped and removed afterwards."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import slapd  # noqa: E402


@pytest.fixture(scope="module")
def fleet():
    f = slapd.Fleet()
    try:
        yield f
    finally:
        f.close()


import hashlib  # noqa: E402
import hmac  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BUILD", ROOT / "build")).resolve()
DRIVE = BUILD / "tests" / "ldap" / "fleet-drive"
MODULE = BUILD / "pam_twofa.so"
ADMIN = BUILD / "twofa-admin"
PAMRUN = BUILD / "tests" / "tools" / "pamrun"


def _faketime():
    import glob
    found = glob.glob("/usr/lib/*/faketime/libfaketime.so.1")
    return found[0] if found else None


FAKETIME_LIB = _faketime()
SECRET_HEX = "3132333435363738393031323334353637383930"


def hotp(counter, key_hex=SECRET_HEX, digits=6):
    """RFC 4226 with Python's hmac: independent of the code under test."""
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter),
                   hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(v % 10 ** digits).zfill(digits)


def totp(t, key_hex=SECRET_HEX, period=30):
    return hotp(t // period, key_hex)


class Host:
    """One machine of the fleet: its own service DN, password file and
    directory URI (host A talks to the provider, host B to the
    consumer), as its twofa.conf would name them."""

    def __init__(self, fleet, secrets_dir, name, server, uri=None,
                 timeout=2):
        self.fleet, self.name, self.server = fleet, name, server
        self.uri = uri or server.uri
        self.binddn = f"cn={name},{slapd.SERVICES}"
        self.pwfile = Path(secrets_dir) / f"{name}.pw"
        self.pwfile.write_text(f"pw-{name}\n")
        os.chmod(self.pwfile, 0o600)
        self.cacert = fleet.ca.cacert
        self.timeout = timeout
        self.dir = Path(secrets_dir)
        self.conf = self.write_conf()

    def write_conf(self, name=None, **over):
        """This host's /etc/twofa/twofa.conf (a private copy); over
        changes keys (value None: left out)."""
        keys = {"store": "ldap", "ldap_uri": self.uri,
                "ldap_base": slapd.BASE, "ldap_binddn": self.binddn,
                "ldap_bindpw_file": str(self.pwfile),
                "ldap_tls_cacert": str(self.cacert),
                "ldap_timeout": str(self.timeout)}
        keys.update(over)
        path = self.dir / (name or f"{self.name}.conf")
        path.write_text("".join(f"{k} = {v}\n" for k, v in keys.items()
                                if v is not None))
        os.chmod(path, 0o600)
        return path

    def service(self, confdir, options="", conf=None, then=()):
        """A PAM service named after the host: pam_twofa.so with its
        conf=FILE, then the lines in then."""
        (Path(confdir) / self.name).write_text("\n".join(
            [f"auth required {MODULE} conf={conf or self.conf} {options}",
             *then]) + "\n")
        return self.name

    def login_cmd(self, confdir, user, *answers, at=None, parallel=None,
                  env=None):
        """pamrun's argv and environment for a login on this host."""
        cmd = [str(PAMRUN), "-c", str(confdir), "-s", self.name, "-u", user]
        if parallel:
            cmd += ["-p", str(parallel)]
        cmd += list(answers)
        penv = dict(env if env is not None else {"PATH": "/usr/bin:/bin"})
        if at is not None:
            penv.update({"LD_PRELOAD": FAKETIME_LIB,
                         "FAKETIME": "@" + time.strftime(
                             "%Y-%m-%d %H:%M:%S", time.gmtime(at)),
                         "TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                         "NO_FAKE_STAT": "1"})
        return cmd, penv

    def login(self, confdir, user, *answers, at=None, parallel=None,
              env=None, cwd=None, timeout=60):
        """A login through the real libpam (tests/tools/pamrun)."""
        cmd, penv = self.login_cmd(confdir, user, *answers, at=at,
                                   parallel=parallel, env=env)
        start = time.monotonic()
        p = subprocess.run(cmd, capture_output=True, text=True, env=penv,
                           cwd=cwd, timeout=timeout)
        p.seconds = time.monotonic() - start
        p.result = ([l.split(": ", 1)[1] for l in p.stdout.splitlines()
                     if l.startswith("result: ")] or [None])[-1]
        return p

    def admin(self, *args, input=None, env=None, conf=None):
        """twofa-admin --conf this host's file (or conf)."""
        return subprocess.run([str(ADMIN), "--conf", str(conf or self.conf),
                               *map(str, args)], input=input,
                              capture_output=True, text=True,
                              env=env or {"PATH": "/usr/bin:/bin"})

    def settings(self):
        return {"uri": self.uri, "base": slapd.BASE, "binddn": self.binddn,
                "pwfile": str(self.pwfile), "cacert": str(self.cacert),
                "timeout": str(self.timeout)}

    def command(self, *args, **over):
        """fleet-drive's argv for this host's settings (over: changed)."""
        s = self.settings()
        s.update(over)
        cmd = [str(DRIVE)]
        for k, v in s.items():
            cmd += [f"--{k}", v]
        return cmd + [str(a) for a in args]

    def drive(self, *args, env=None, cwd=None, timeout=60, **over):
        cmd = self.command(*args, **over)
        return subprocess.run(cmd, capture_output=True, text=True,
                              env=env if env is not None else
                              {"PATH": "/usr/bin:/bin"}, cwd=cwd,
                              timeout=timeout)

    def dump(self, user):
        p = self.drive("dump", user)
        assert p.returncode == 0, p.stderr
        return dict(l.split("=", 1) for l in p.stdout.split())

    def auth(self, user, code, now, **kw):
        p = self.drive("auth", user, code, now, **kw)
        return p


@pytest.fixture(scope="module")
def secrets_dir():
    d = tempfile.mkdtemp(prefix="twofa-12.", dir="/run")
    os.chmod(d, 0o700)
    try:
        yield Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def hosts(fleet, secrets_dir):
    """Host A on the provider, host B on the chaining consumer."""
    return (Host(fleet, secrets_dir, "host-a", fleet.provider),
            Host(fleet, secrets_dir, "host-b", fleet.consumer))


_users = iter(range(10 ** 6))


@pytest.fixture
def user(request):
    """A fresh user name per test."""
    return f"u{os.getpid() % 1000}x{next(_users)}"


@pytest.fixture(scope="module")
def pamdir(secrets_dir):
    """A private PAM configuration directory (pam_start_confdir)."""
    d = secrets_dir / "pam.d"
    d.mkdir(exist_ok=True)
    (d / "other").write_text("auth required pam_deny.so\n")
    return d
