# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures for the sealing tests (SPEC section 8): everything runs under
tests/token/with-etc-twofa, so /etc/twofa (where the record key lives by
default) is a private, empty directory; logins go through the real
libpam with tests/tools/pamrun, as in tests/module, whose helpers are
reused: codes from Python's hmac, the clock from libfaketime."""

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "module_conftest", HERE.parent / "module" / "conftest.py")
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)

T0 = mc.T0
SECRET_HEX = mc.SECRET_HEX
totp = mc.totp
ADMIN = os.environ.get("TWOFA_ADMIN", str(mc.BUILD / "twofa-admin"))
KEYDIR = Path("/etc/twofa")
KEY = KEYDIR / "record.key"


def private_etc():
    """Refuse to touch an /etc/twofa that is not the private one."""
    assert os.environ.get("TWOFA_ETC_OUTER_PID"), \
        "run under tests/token/with-etc-twofa"


def admin(*args, store=None, stdin=None):
    cmd = [ADMIN] + (["--store", str(store)] if store else []) + \
        [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin,
                          timeout=60)


def status(store, user=None):
    r = admin("status", "--json", *([user] if user else []), store=store)
    return r, (json.loads(r.stdout) if r.stdout.strip() else None)


def key_ids():
    return [l.split()[1] for l in KEY.read_text().splitlines()
            if l.startswith("key ")]


def empty_keydir():
    for p in KEYDIR.iterdir():
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


@pytest.fixture
def nokey():
    """No record key file (and none left behind)."""
    private_etc()
    empty_keydir()
    yield
    empty_keydir()


@pytest.fixture
def key(nokey):
    """A fresh record key file; yields its one key id."""
    r = admin("keygen", "--records")
    assert r.returncode == 0, r.stderr
    yield key_ids()[0]


@pytest.fixture
def env():
    """A private store and PAM config dir (tests/module's Env), with the
    services twofa-test (plain), nullok and req (require_encrypted)."""
    base = tempfile.mkdtemp(prefix="twofa-seal.", dir="/run")
    os.chmod(base, 0o700)
    e = mc.Env(base)
    e.service("nullok", "nullok")
    e.service("req", "require_encrypted")
    try:
        yield e
    finally:
        shutil.rmtree(base, ignore_errors=True)
