# SPDX-License-Identifier: BSD-2-Clause
"""Shared helpers for the token tests: an independent view (PyJWT,
cryptography, hashlib) of what our code issues and what it must refuse."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import tempfile

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

DRIVER = os.environ.get("TOKEN_DRIVER", "build/tests/token/token_driver")
NSS_WRAPPER = "/usr/lib/x86_64-linux-gnu/libnss_wrapper.so"
HOST = socket.gethostname()
LEEWAY = 60


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def rfc7638_thumbprint(jwk: dict) -> str:
    """RFC 7638 section 3: required members, sorted, no whitespace."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}
    members = {k: jwk[k] for k in required[jwk["kty"]]}
    canon = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canon.encode()).digest())


def hs256_forgery(payload: dict, secret: bytes, header=None) -> str:
    """An HS256 token made by hand (PyJWT refuses a PEM as HMAC key)."""
    header = header or {"alg": "HS256", "typ": "JWT"}
    signing = (b64url(json.dumps(header).encode()) + "." +
               b64url(json.dumps(payload).encode()))
    mac = hmac.new(secret, signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64url(mac)


def private_key(keydir):
    with open(os.path.join(keydir, "jwt.key"), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=60,
                          **kw)


@pytest.fixture(scope="session")
def nss(tmp_path_factory):
    """nss_wrapper files: alice in groups alice, wheel, dev-ops."""
    d = tmp_path_factory.mktemp("nss")
    (d / "passwd").write_text(
        "alice:x:2001:2001:Alice:/home/alice:/bin/sh\n"
        "root:x:0:0:root:/root:/bin/sh\n")
    (d / "group").write_text(
        "alice:x:2001:\nwheel:x:2002:alice\ndev-ops:x:2003:bob,alice\n"
        "other:x:2004:bob\nroot:x:0:\n")
    env = dict(os.environ)
    env.update(LD_PRELOAD=NSS_WRAPPER,
               NSS_WRAPPER_PASSWD=str(d / "passwd"),
               NSS_WRAPPER_GROUP=str(d / "group"))
    return env


def _keydir(alg):
    # /run, not /tmp: every directory above the key must be root's and
    # not writable by others.
    d = tempfile.mkdtemp(prefix="twofa-token-test.", dir="/run")
    r = run([DRIVER, "keygen", d, alg])
    assert r.returncode == 0, r.stderr
    return d


@pytest.fixture(scope="session", params=["RS256", "ES256"])
def keydir(request):
    d = _keydir(request.param)
    yield request.param, d
    shutil.rmtree(d)


@pytest.fixture(scope="session")
def rsa_keydir():
    d = _keydir("RS256")
    yield d
    shutil.rmtree(d)
