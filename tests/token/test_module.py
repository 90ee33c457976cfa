# SPDX-License-Identifier: BSD-2-Clause
"""pam_twofa.so token_env=NAME through the real libpam (tests/tools/pamrun):
after an accepted code the PAM environment holds a token PyJWT verifies
with our jwks; after a refused code, or with a missing or unsafe key, it
holds none and the login's answer is unchanged. Runs with a private
/etc/twofa (with-etc-twofa) and a private /dev/log (with-syslog)."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

import jwt
import pytest

from conftest import HOST

BUILD = os.environ.get("BUILD_DIR", "build")
ADMIN = os.path.join(BUILD, "twofa-admin")
MODULE = os.path.join(BUILD, "pam_twofa.so")
PAMRUN = os.path.join(BUILD, "tests", "tools", "pamrun")
SYSLOG = os.environ.get("TWOFA_SYSLOG")
ETC = "/etc/twofa"
SECRET = bytes(range(40, 60))
VAR = "TWOFA_TOKEN"


def totp(t):
    mac = hmac.new(SECRET, struct.pack(">Q", t // 30), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** 6).zfill(6)


def fresh_code():
    t = int(time.time())
    if t % 30 > 27:
        time.sleep(30 - t % 30)
        t = int(time.time())
    return totp(t)


@pytest.fixture(scope="module", autouse=True)
def private_etc():
    outer = os.environ.get("TWOFA_ETC_OUTER_PID")
    if (not outer or os.readlink("/proc/self/ns/mnt") ==
            os.readlink("/proc/%s/ns/mnt" % outer)):
        pytest.fail("run under tests/token/with-etc-twofa")
    assert SYSLOG, "run under tests/tools/with-syslog"


class Setup:
    def __init__(self, root):
        self.store = os.path.join(root, "store")
        self.conf = os.path.join(root, "pam.d")
        os.mkdir(self.conf)
        with open(os.path.join(self.conf, "other"), "w") as f:
            f.write("auth required pam_deny.so\n")
        self.service("tok", f"token_env={VAR}")
        self.service("plain", "")

    def service(self, name, options):
        with open(os.path.join(self.conf, name), "w") as f:
            f.write(f"auth required {MODULE} store={self.store} {options}\n")

    def admin(self, *args):
        return subprocess.run([ADMIN, "--store", self.store, *args],
                              capture_output=True, text=True, timeout=60)

    def login(self, user, code, service="tok"):
        p = subprocess.run([PAMRUN, "-c", self.conf, "-s", service, "-u",
                            user, "-e", VAR, code], capture_output=True,
                           text=True, timeout=60)
        lines = p.stdout.splitlines()
        result = [l.split(": ", 1)[1] for l in lines
                  if l.startswith("result: ")][-1]
        env = [l[len("env "):] for l in lines if l.startswith("env ")]
        assert len(env) == 1
        value = None
        if env[0].startswith(VAR + "="):
            value = env[0][len(VAR) + 1:]
        else:
            assert env[0] == VAR + " unset"
        return result, value


@pytest.fixture
def setup():
    root = tempfile.mkdtemp(prefix="twofa-token-module.", dir="/run")
    os.chmod(root, 0o700)
    try:
        s = Setup(root)
        for user in ("root", "daemon"):
            r = s.admin("enroll", user, "--no-confirm", "--qr", "none",
                        "--secret", base64.b32encode(SECRET).decode())
            assert r.returncode == 0, r.stderr
        yield s
    finally:
        shutil.rmtree(root, ignore_errors=True)
        for name in ("jwt.key", "jwt.pub"):
            if os.path.lexists(os.path.join(ETC, name)):
                os.unlink(os.path.join(ETC, name))


def logged(*texts, timeout=5.0):
    """Is there a pam_twofa line with all texts? The sink writes the file
    a moment after the datagram is sent, so wait a little for it."""
    deadline = time.monotonic() + timeout
    while True:
        with open(SYSLOG, errors="replace") as f:
            if any("pam_twofa(" in l and all(t in l for t in texts)
                   for l in f):
                return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_token_in_pam_env_after_success(setup, alg):
    assert setup.admin("keygen", "--force", "--alg", alg,
                       *(["--bits", "2048"] if alg == "RS256" else [])
                       ).returncode == 0
    jwk = jwt.PyJWK(json.loads(setup.admin("jwks").stdout)["keys"][0])
    code = fresh_code()
    result, token = setup.login("root", "000000" if code != "000000"
                                else "111111")
    assert result == "PAM_AUTH_ERR" and token is None
    result, token = setup.login("root", code)
    assert result == "PAM_SUCCESS"
    assert token is not None
    claims = jwt.decode(token, jwk.key, algorithms=[alg], issuer=HOST)
    assert jwt.get_unverified_header(token)["kid"] == jwk.key_id
    assert claims["sub"] == "root" and claims["amr"] == ["otp"]
    assert claims["exp"] - claims["iat"] == 300
    assert "root" in claims["groups"]
    # Replayed: refused, and no token.
    result, token = setup.login("root", code)
    assert result == "PAM_AUTH_ERR" and token is None


def test_no_option_no_token(setup):
    assert setup.admin("keygen", "--force", "--alg", "ES256").returncode == 0
    result, token = setup.login("root", fresh_code(), service="plain")
    assert result == "PAM_SUCCESS" and token is None


def test_missing_or_unsafe_key_logged_login_unaffected(setup):
    code = fresh_code()
    result, token = setup.login("root", code)
    assert result == "PAM_SUCCESS" and token is None
    assert logged("user=root ", "token_env=" + VAR, "no signing key")
    # A key others can read: refused as unsafe, the login still succeeds.
    assert setup.admin("keygen", "--force", "--alg", "ES256").returncode == 0
    os.chmod(os.path.join(ETC, "jwt.key"), 0o644)
    result, token = setup.login("daemon", code)
    assert result == "PAM_SUCCESS" and token is None
    assert logged("user=daemon ", "want 0600")
