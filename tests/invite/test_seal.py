# SPDX-License-Identifier: BSD-2-Clause
"""With a record key (SPEC 8), the record a self-enrollment commits is
sealed; the invitation itself has no secret to seal. Runs in the
private /etc of tests/token/with-etc-twofa (make check-invite)."""
import os
import time

import pytest

from conftest import totp_b32

KEY = "/etc/twofa/record.key"


@pytest.fixture
def record_key(env):
    if not os.environ.get("TWOFA_PRIVATE_ETC"):
        pytest.skip("needs the private /etc of tests/token/with-etc-twofa")
    env.admin("keygen", "--records")
    try:
        yield
    finally:
        os.unlink(KEY)


def test_enrollment_is_sealed_when_a_record_key_exists(env, record_key):
    user = env.user()
    ticket = env.invite(user)
    assert "twofa-pending 1" in env.record_text(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code")
    assert (r["auth"], r["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), r
    body = env.record_text(user)
    assert body.startswith("twofa-record 2\n"), body
    assert "\nsealed " in body and "\nsecret " not in body
    assert r["secret"] not in body
    assert env.status(user)["sealed_with"]
    plain = env.service("plain", auth="require_encrypted", account=False)
    code = totp_b32(r["secret"], int(time.time()), 1)
    assert env.login(user, "=" + code, service=plain)["auth"] == \
        "PAM_SUCCESS"


def test_pending_user_with_require_encrypted(env, record_key):
    """An invitation holds no secret: require_encrypted does not refuse
    it as unsealed; its answers are judged as a ticket's."""
    user = env.user()
    ticket = env.invite(user)
    env.service(auth="enroll require_encrypted")
    r = env.login(user, "=" + ticket, "@code")
    assert r["acct"] == "PAM_SUCCESS", r
    assert "\nsealed " in env.record_text(user)


def test_token_env_after_the_first_code(env):
    """token_env: the enrollment's first code is an accepted code, so the
    session gets a token as after any code (PyJWT checks it)."""
    if not os.environ.get("TWOFA_PRIVATE_ETC"):
        pytest.skip("needs the private /etc of tests/token/with-etc-twofa")
    try:
        import jwt
    except ImportError:
        pytest.skip("python3-jwt not installed")
    env.admin("keygen")
    try:
        user = env.user()
        ticket = env.invite(user)
        env.service(auth="enroll token_env=TWOFA_TOKEN")
        r = env.login(user, "=" + ticket, "@code",
                      extra=("--env", "TWOFA_TOKEN"))
        assert (r["auth"], r["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), r
        tok = r["env"]["TWOFA_TOKEN"]
        assert tok, r
        pub = open("/etc/twofa/jwt.pub").read()
        alg = jwt.get_unverified_header(tok)["alg"]
        claims = jwt.decode(tok, pub, algorithms=[alg],
                            options={"verify_aud": False})
        assert claims["sub"] == user
    finally:
        for f in ("/etc/twofa/jwt.key", "/etc/twofa/jwt.pub"):
            if os.path.exists(f):
                os.unlink(f)
