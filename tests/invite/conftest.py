# SPDX-License-Identifier: BSD-2-Clause
"""Fixtures of the invitation tests: a scratch store and PAM service
directory under /run, twofa-admin invite for the ticket, logins through
the real libpam by drive.py (a Python conversation that reads the new
secret out of the enrollment prompt and answers with codes from Python's
hmac), the clock from libfaketime and syslog from tests/tools/with-syslog.
"""
import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BUILD", ROOT / "build")).resolve()
MODULE = BUILD / "pam_twofa.so"
ADMIN = BUILD / "twofa-admin"
DRIVE = Path(__file__).resolve().parent / "drive.py"
PYTHON = "/usr/bin/python3"

# The module tests' helpers: codes from hmac, syslog, libfaketime.
_spec = importlib.util.spec_from_file_location(
    "module_conftest", ROOT / "tests" / "module" / "conftest.py")
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)
hotp = mc.hotp
syslog_text = mc.syslog_text
FAKETIME_LIB = mc.FAKETIME_LIB

BACKUP_RE = re.compile(r"^  (\d{4} \d{4})", re.M)


def totp_b32(secret_b32, t, offset=0):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return hotp(t // 30 + offset, key.hex())


def backup_codes(prompt):
    """The backup codes shown in the enrollment prompt ("  NNNN NNNN"
    five to a line)."""
    part = prompt.split("Backup codes", 1)[1].split("Code from your app",
                                                    1)[0]
    return re.findall(r"\d{4} \d{4}", part)


class Env:
    def __init__(self, base):
        self.base = Path(base)
        self.store = self.base / "store"
        self.conf = self.base / "pam.d"
        self.store.mkdir(mode=0o700)
        self.conf.mkdir()
        (self.conf / "other").write_text("auth required pam_deny.so\n")

    def user(self, prefix="inv"):
        """A fresh user name, so log lines can be told apart."""
        import secrets
        return f"{prefix}{secrets.token_hex(4)}"

    def admin(self, *args, check=True):
        r = subprocess.run([str(ADMIN), "--store", str(self.store), *args],
                           capture_output=True, text=True, timeout=60)
        if check:
            assert r.returncode == 0, r.stderr
        return r

    def invite(self, user, *args):
        r = self.admin("invite", user, "--json", *args)
        return json.loads(r.stdout)["ticket"]

    def service(self, name="svc", auth="enroll", account=True, before=(),
                account_opts=""):
        lines = list(before)
        lines.append(f"auth required {MODULE} store={self.store} {auth}")
        if account:
            lines.append(f"account required {MODULE} store={self.store} "
                         f"{account_opts}")
        (self.conf / name).write_text("\n".join(lines) + "\n")
        return name

    def login(self, user, *answers, service="svc", faketime=None,
              extra=(), wait=True):
        env = dict(os.environ)
        if faketime is not None:
            import time as _t
            stamp = _t.strftime("%Y-%m-%d %H:%M:%S", _t.gmtime(faketime))
            env.update(LD_PRELOAD=FAKETIME_LIB, FAKETIME=f"@{stamp}",
                       TZ="UTC", FAKETIME_DONT_FAKE_MONOTONIC="1")
        cmd = [PYTHON, str(DRIVE), str(self.conf), service, user, *extra,
               *answers]
        if not wait:
            return subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                    env=env)
        r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    def record_text(self, user):
        return (self.store / user).read_text()

    def status(self, user):
        r = self.admin("status", user, "--json")
        return json.loads(r.stdout)


def prompts(res):
    return [t for s, t in res["messages"] if s in (1, 2)]


@pytest.fixture
def env():
    base = tempfile.mkdtemp(prefix="twofa-invite.", dir="/run")
    os.chmod(base, 0o755)
    try:
        yield Env(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def qr_decode(text, dark=None):
    """Draw the QR code of a prompt's text as an image and read it back
    with zbarimg. UTF-8 half blocks draw the light modules (for a dark
    terminal): a glyph's painted half is light. ASCII: dark="#" ("##"
    per dark module)."""
    from PIL import Image
    lines = text.split("\n")
    if dark is None:
        rows = [l for l in lines if l and set(l) <= set(" \u2580\u2584\u2588")]
        grid = []
        for l in rows:
            top = [c in "\u2580\u2588" for c in l]       # light = True
            bottom = [c in "\u2584\u2588" for c in l]
            grid += [top, bottom]
    else:
        rows = [l for l in lines if l and set(l) <= {" ", dark}
                and dark in l]
        grid = [[l[i] != dark for i in range(0, len(l), 2)] for l in rows]
    assert grid, "no QR code in the text"
    w = max(len(g) for g in grid)
    scale, pad = 8, 8
    img = Image.new("L", ((w + 2 * pad) * scale, (len(grid) + 2 * pad)
                          * scale), 255)
    for y, row in enumerate(grid):
        for x, light in enumerate(row):
            if not light:
                for dy in range(scale):
                    for dx in range(scale):
                        img.putpixel(((x + pad) * scale + dx,
                                      (y + pad) * scale + dy), 0)
    path = tempfile.mktemp(suffix=".png", dir="/run")
    try:
        img.save(path)
        # zbarimg is not ours: none of a sanitizer run's preloads.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        out = subprocess.run(["zbarimg", "-q", "--raw", path],
                             capture_output=True, text=True, env=env,
                             timeout=60)
    finally:
        os.unlink(path)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()
