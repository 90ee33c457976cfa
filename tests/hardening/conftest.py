# SPDX-License-Identifier: BSD-2-Clause
"""Shared fixtures for the hardening tests.

The tests drive the core library through build/tests/hardening/twofa_drive
(one store operation per process, so it can be killed, traced or raced),
and compute every code with pyotp, never with the code under test.
"""
import os
import shutil
import subprocess
import tempfile

import pyotp
import pytest

BUILD = os.environ.get("BUILD", "build")
DRIVE = os.path.abspath(os.path.join(BUILD, "tests/hardening/twofa_drive"))
SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
NOW = 1700000000
BACKUP = ["12345678", "87654321"]


def totp(t, secret=SECRET):
    return pyotp.TOTP(secret).at(t)


def hotp(n, secret=SECRET):
    return pyotp.HOTP(secret).at(n)


class Store:
    """A scratch store under /run (a world-writable /tmp is refused)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="twofa-test.", dir="/run")
        os.chmod(self.path, 0o700)

    def record(self, user="alice"):
        return os.path.join(self.path, user)

    def run(self, *args, timeout=20, stdin=None, prefix=()):
        return subprocess.run(
            list(prefix) + [DRIVE, self.path] + list(args),
            capture_output=True, text=True, timeout=timeout, input=stdin)

    def create(self, user="alice", kind="totp", secret=SECRET,
               backup=BACKUP, force=False):
        args = [user, "create", secret, kind]
        if force:
            args.append("--force")
        r = self.run(*args, *backup)
        assert r.returncode == 0, r.stdout + r.stderr
        return r

    def auth(self, code, now=NOW, user="alice", **kw):
        return self.run(user, "auth", code, str(now), **kw)

    def dump(self, user="alice"):
        """The parsed record as a dict, or None if it does not open."""
        r = self.run(user, "dump")
        if r.returncode != 0:
            return None
        return dict(kv.split("=", 1) for kv in r.stdout.split())

    def leftovers(self):
        return sorted(n for n in os.listdir(self.path) if n != "alice")

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)


@pytest.fixture
def store():
    s = Store()
    yield s
    s.remove()
