# SPDX-License-Identifier: BSD-2-Clause
"""twofa-admin keygen, token, verify-token and jwks, run where /etc/twofa
is a private tmpfs (tests/token/with-etc-twofa). Codes come from Python's
hmac, tokens are checked with PyJWT against our jwks output, and forged
tokens are made by PyJWT or by hand."""
import base64
import grp
import hashlib
import hmac
import json
import os
import shutil
import stat
import struct
import subprocess
import tempfile
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from conftest import (HOST, LEEWAY, b64url, b64url_decode, hs256_forgery,
                      private_key, rfc7638_thumbprint)

ADMIN = os.environ.get("TWOFA_ADMIN", "build/twofa-admin")
ETC = "/etc/twofa"
KEY = ETC + "/jwt.key"
SECRET = bytes(range(1, 21))
SECRET_B32 = base64.b32encode(SECRET).decode()


def totp(t, offset=0):
    """RFC 6238 (SHA1, 6 digits, 30 s), written out independently."""
    mac = hmac.new(SECRET, struct.pack(">Q", t // 30 + offset),
                   hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** 6).zfill(6)


@pytest.fixture(scope="module", autouse=True)
def private_etc():
    # Never run against the real /etc/twofa: we must be in a mount
    # namespace of our own, made by the wrapper outside of it.
    outer = os.environ.get("TWOFA_ETC_OUTER_PID")
    if (not outer or os.readlink("/proc/self/ns/mnt") ==
            os.readlink("/proc/%s/ns/mnt" % outer)):
        pytest.fail("run under tests/token/with-etc-twofa")


class Admin:
    def __init__(self, root):
        self.store = os.path.join(root, "store")

    def run(self, *args, stdin=None):
        return subprocess.run([ADMIN, "--store", self.store, *args],
                              input=stdin, capture_output=True, text=True,
                              timeout=60)

    def enroll(self, user):
        r = self.run("enroll", user, "--no-confirm", "--qr", "none",
                     "--secret", SECRET_B32)
        assert r.returncode == 0, r.stderr

    def keygen(self, *args):
        r = self.run("keygen", "--force", *args)
        assert r.returncode == 0, r.stderr
        return r

    def jwk(self):
        r = self.run("jwks")
        assert r.returncode == 0, r.stderr
        keys = json.loads(r.stdout)["keys"]
        assert len(keys) == 1
        return keys[0]


@pytest.fixture
def admin():
    root = tempfile.mkdtemp(prefix="twofa-token-admin.", dir="/run")
    os.chmod(root, 0o700)
    try:
        yield Admin(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        for name in ("jwt.key", "jwt.pub"):
            if os.path.lexists(os.path.join(ETC, name)):
                os.unlink(os.path.join(ETC, name))


def fresh_code(wait_for_next=False):
    """A code of the current step (not one that expires in a moment)."""
    t = int(time.time())
    if t % 30 > 27:
        time.sleep(30 - t % 30)
        t = int(time.time())
    return totp(t)


def test_keygen_files_and_no_silent_replace(admin):
    r = admin.run("keygen")
    assert r.returncode == 0, r.stderr
    st = os.lstat(KEY)
    assert stat.S_ISREG(st.st_mode) and st.st_uid == 0
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert stat.S_IMODE(os.stat(ETC + "/jwt.pub").st_mode) == 0o644
    key = private_key(ETC)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 3072
    with open(KEY, "rb") as f:
        before = f.read()
    r = admin.run("keygen", "--alg", "ES256")
    assert r.returncode == 1 and "--force" in r.stderr
    with open(KEY, "rb") as f:
        assert f.read() == before
    kid = admin.jwk()["kid"]
    admin.keygen("--alg", "ES256")
    assert isinstance(private_key(ETC), ec.EllipticCurvePrivateKey)
    jwk = admin.jwk()
    assert jwk["kid"] != kid and jwk["kid"] == rfc7638_thumbprint(jwk)
    assert admin.run("keygen", "--alg", "HS256").returncode == 2
    assert admin.run("keygen", "--bits", "1024").returncode == 2


@pytest.mark.parametrize("alg", ["RS256", "ES256"])
def test_token_after_code_verifies_with_pyjwt(admin, alg):
    admin.keygen("--alg", alg, *(["--bits", "2048"] if alg == "RS256"
                                  else []))
    admin.enroll("root")
    code = fresh_code()
    r = admin.run("token", "root", "--audience", "ci.example", "--ttl",
                  "120", stdin=code + "\n")
    assert r.returncode == 0, r.stderr
    token = r.stdout.strip()
    assert r.stdout == token + "\n"
    jwk = admin.jwk()
    assert jwt.get_unverified_header(token) == {
        "alg": alg, "typ": "JWT", "kid": jwk["kid"]}
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=[alg],
                        audience="ci.example", issuer=HOST)
    assert claims["sub"] == "root"
    assert claims["exp"] - claims["iat"] == 120
    assert claims["nbf"] == claims["iat"]
    assert abs(claims["iat"] - time.time()) < 30
    assert claims["amr"] == ["otp"]
    assert claims["groups"] == [grp.getgrgid(g).gr_name
                                for g in os.getgrouplist("root", 0)]
    assert len(b64url_decode(claims["jti"])) == 16

    # verify-token agrees, from the argument and from standard input.
    for args, stdin in (([token], None), ([], token + "\n")):
        v = admin.run("verify-token", "--audience", "ci.example", *args,
                      stdin=stdin)
        assert v.returncode == 0, v.stderr
        assert json.loads(v.stdout) == claims
    v = admin.run("verify-token", token)
    assert v.returncode == 1 and v.stdout == ""

    # The code was used up, as by a login: replayed, no token.
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 1
    assert r.stdout == ""


def test_wrong_codes_count_and_lock(admin):
    admin.keygen("--alg", "ES256")
    admin.enroll("root")
    code = fresh_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):  # deny=5, as the module's default
        r = admin.run("token", "root", stdin=wrong + "\n")
        assert r.returncode == 1
        assert r.stdout == ""
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 1 and r.stdout == ""
    assert "locked" in r.stderr


def test_bad_key_no_token_and_code_kept(admin):
    admin.enroll("root")
    code = fresh_code()
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 3 and r.stdout == ""
    assert KEY in r.stderr
    for cmd in (["jwks"], ["verify-token", "a.b.c"]):
        r = admin.run(*cmd)
        assert r.returncode == 3 and r.stdout == ""

    admin.keygen("--alg", "ES256")
    good = open(KEY, "rb").read()
    # Group-readable, not root's, a symlink, garbage: all exit 3.
    os.chmod(KEY, 0o640)
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 3 and r.stdout == ""
    os.chmod(KEY, 0o600)
    os.chown(KEY, 65534, 0)
    assert admin.run("token", "root", stdin=code + "\n").returncode == 3
    os.unlink(KEY)
    real = os.path.join(ETC, "real.key")
    with open(real, "wb") as f:
        f.write(good)
    os.chmod(real, 0o600)
    os.symlink(real, KEY)
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 3 and r.stdout == ""
    os.unlink(KEY)
    os.unlink(real)
    fd = os.open(KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"-----BEGIN PRIVATE KEY-----\nnot a key\n")
    os.close(fd)
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 3 and r.stdout == ""

    # None of that used the code up: with a good key it still works.
    os.unlink(KEY)
    admin.keygen("--alg", "ES256")
    r = admin.run("token", "root", stdin=code + "\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(".") == 2


def good_claims(now, **over):
    c = {"iss": HOST, "sub": "alice", "iat": now, "nbf": now,
         "exp": now + 300, "jti": "x1", "amr": ["otp"], "groups": []}
    c.update(over)
    return c


def test_verify_token_refuses_forgeries(admin):
    admin.keygen("--bits", "2048")
    kid = admin.jwk()["kid"]
    key = private_key(ETC)
    now = int(time.time())

    def signed(claims, alg="RS256", k=key):
        return jwt.encode(claims, k, algorithm=alg, headers={"kid": kid})

    ok = admin.run("verify-token", signed(good_claims(now)))
    assert ok.returncode == 0, ok.stderr  # the control
    assert json.loads(ok.stdout)["sub"] == "alice"

    with open(ETC + "/jwt.pub", "rb") as f:
        pem = f.read()
    body = signed(good_claims(now)).split(".")[1]
    none = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    tampered_claims = good_claims(now, sub="root")
    head, _, sig = signed(good_claims(now)).split(".")
    forged = {
        "hs256 with public pem": hs256_forgery(good_claims(now), pem),
        "alg none": jwt.encode(good_claims(now), None, algorithm="none"),
        "alg none with a signature": none + "." + body + ".AAAA",
        "expired": signed(good_claims(now - 900, exp=now - LEEWAY - 1)),
        "not yet valid": signed(good_claims(now, nbf=now + 2 * LEEWAY)),
        "wrong audience": signed(good_claims(now, aud="other")),
        "tampered payload": head + "." + b64url(json.dumps(
            tampered_claims).encode()) + "." + sig,
        "another key": signed(good_claims(now),
                              k=rsa.generate_private_key(65537, 2048)),
        "RS512 with our key": signed(good_claims(now), alg="RS512"),
        "wrong issuer": signed(good_claims(now, iss="elsewhere")),
    }
    for what, token in forged.items():
        r = admin.run("verify-token", "--audience", "svc", token) \
            if what == "wrong audience" else admin.run("verify-token", token)
        assert r.returncode == 1, what
        assert r.stdout == "", what
        assert "invalid token" in r.stderr, what


def test_usage_errors(admin):
    admin.keygen("--alg", "ES256")
    assert admin.run("token").returncode == 2
    assert admin.run("token", "root", "--ttl", "0").returncode == 2
    assert admin.run("token", "root", "--ttl", "86401").returncode == 2
    assert admin.run("token", "../x").returncode == 2
    assert admin.run("verify-token", "a", "b").returncode == 2
    assert admin.run("jwks", "extra").returncode == 2
    r = admin.run("verify-token", stdin="")
    assert r.returncode == 1 and r.stdout == ""
