# SPDX-License-Identifier: BSD-2-Clause
"""keygen --force never leaves a key and a public key that do not belong
together: when the public half cannot be put in place, the old pair stays
(issue 13). Runs where /etc/twofa is private (tests/token/with-etc-twofa)."""
import os
import shutil
import subprocess
import tempfile

import pytest
from cryptography.hazmat.primitives import serialization

from conftest import private_key

ADMIN = os.environ.get("TWOFA_ADMIN", "build/twofa-admin")
ETC = "/etc/twofa"


@pytest.fixture(autouse=True)
def private_etc():
    outer = os.environ.get("TWOFA_ETC_OUTER_PID")
    if (not outer or os.readlink("/proc/self/ns/mnt") ==
            os.readlink("/proc/%s/ns/mnt" % outer)):
        pytest.fail("run under tests/token/with-etc-twofa")
    yield
    for name in os.listdir(ETC):
        p = os.path.join(ETC, name)
        if os.path.isdir(p) and not os.path.islink(p):
            shutil.rmtree(p)
        else:
            os.unlink(p)


def keygen(*args):
    return subprocess.run([ADMIN, "keygen", *args], capture_output=True,
                          text=True, timeout=120)


def read(name):
    with open(os.path.join(ETC, name), "rb") as f:
        return f.read()


def pub_of_key():
    return private_key(ETC).public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)


def test_forced_keygen_keeps_the_old_pair_when_pub_cannot_be_placed():
    r = keygen("--alg", "ES256")
    assert r.returncode == 0, r.stderr
    key, pub = read("jwt.key"), read("jwt.pub")
    assert pub == pub_of_key()
    # A non-empty directory where jwt.pub goes: no rename can replace it.
    os.unlink(os.path.join(ETC, "jwt.pub"))
    os.makedirs(os.path.join(ETC, "jwt.pub", "x"))
    r = keygen("--alg", "ES256", "--force")
    assert r.returncode == 3
    assert "jwt.pub" in r.stderr and "left as it was" in r.stderr
    assert read("jwt.key") == key
    # Nothing staged is left behind.
    assert sorted(os.listdir(ETC)) == ["jwt.key", "jwt.pub"]
    # With the way clear, --force replaces both, and they match.
    shutil.rmtree(os.path.join(ETC, "jwt.pub"))
    r = keygen("--alg", "ES256", "--force")
    assert r.returncode == 0, r.stderr
    assert read("jwt.key") != key
    assert read("jwt.pub") == pub_of_key()


def test_first_keygen_leaves_no_key_when_pub_cannot_be_placed():
    os.makedirs(os.path.join(ETC, "jwt.pub", "x"))
    r = keygen("--alg", "ES256")
    assert r.returncode == 3
    assert sorted(os.listdir(ETC)) == ["jwt.pub"]
