# SPDX-License-Identifier: BSD-2-Clause
"""Shared fixtures of the twofa-admin tests.

Codes come from oathtool (or pyotp), never from our code. Stores live
under /run, not /tmp: a world-writable ancestor is refused by design.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

# twofa-admin leaves a signal that was ignored when it started ignored, as
# a background job should (cmd_enroll.c). Several tests send one as a user
# at a terminal would (Ctrl-C, a hang-up): when make check itself was
# started in the background (SIGINT, SIGQUIT ignored) or under nohup
# (SIGHUP), its children would inherit that. Give them a terminal user's
# defaults; exec resets a handler, not an ignored signal.
for _sig in (signal.SIGHUP, signal.SIGQUIT):
    if signal.getsignal(_sig) == signal.SIG_IGN:
        signal.signal(_sig, signal.SIG_DFL)
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

ADMIN = os.environ.get(
    "TWOFA_ADMIN",
    os.path.join(os.path.dirname(__file__), "..", "..", "build", "twofa-admin"))
ADMIN = os.path.abspath(ADMIN)


class Admin:
    """Runs twofa-admin against one scratch store."""

    def __init__(self, root):
        self.root = root
        self.store = os.path.join(root, "store")

    def run(self, *args, stdin=None, store=None, env=None):
        cmd = [ADMIN, "--store", store or self.store, *args]
        return subprocess.run(cmd, input=stdin, capture_output=True,
                              text=True, timeout=60, env=env)

    def record(self, user):
        return os.path.join(self.store, user)

    def files(self):
        """Every file under the scratch root, relative."""
        out = []
        for d, _, names in os.walk(self.root):
            for n in names:
                out.append(os.path.relpath(os.path.join(d, n), self.root))
        return sorted(out)


@pytest.fixture
def admin():
    root = tempfile.mkdtemp(prefix="twofa-admin-test.", dir="/run")
    os.chmod(root, 0o700)
    try:
        yield Admin(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def oathtool(secret_b32, *, hotp=None, digits=6, period=30, alg="sha1",
             at=None):
    """A code from oathtool for a base32 secret."""
    args = ["oathtool", "-b", "-d", str(digits)]
    if hotp is not None:
        args += ["--hotp", "-c", str(hotp)]
    else:
        args += ["--totp=" + alg.upper(), "-s", "%ds" % period]
        if at is not None:
            args += ["-N", "@%d" % at]
    if hotp is not None and alg != "sha1":
        raise ValueError("oathtool HOTP is SHA1 only")
    args.append(secret_b32)
    return subprocess.run(args, capture_output=True, text=True,
                          check=True).stdout.strip()


def oathtool_hex(secret_hex, **kw):
    import base64
    b32 = base64.b32encode(bytes.fromhex(secret_hex)).decode().rstrip("=")
    return oathtool(b32, **kw)


def now():
    return int(time.time())


def parse_enroll(out):
    """URI, secret (no spaces) and backup codes from enroll's stdout."""
    uri = re.search(r"^URI: (otpauth://\S+)$", out, re.M).group(1)
    secret = re.search(r"^Secret: ([A-Z2-7 ]+)$", out, re.M).group(1)
    codes = re.findall(r"^  (\d{4} \d{4})$", out, re.M)
    return uri, secret.replace(" ", ""), codes
