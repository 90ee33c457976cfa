# SPDX-License-Identifier: BSD-2-Clause
"""Tokens from the core (through tests/token/token_driver) against PyJWT:
what we issue verifies independently, and what PyJWT or a hand forges is
refused by our verifier, while the same forging with honest inputs passes
(so each refusal is for the reason it names)."""
import json
import os
import shutil
import tempfile
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from conftest import (DRIVER, HOST, LEEWAY, b64url, b64url_decode,
                      hs256_forgery, private_key, rfc7638_thumbprint, run)


def test_thumbprint_helper_matches_rfc7638_example():
    # RFC 7638 section 3.1: the helper the tests trust is itself right.
    jwk = {"kty": "RSA", "e": "AQAB", "alg": "RS256",
           "kid": "2011-04-29",
           "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAt"
                "VT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn6"
                "4tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FD"
                "W2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9"
                "1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINH"
                "aQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
    assert rfc7638_thumbprint(jwk) == \
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def jwks_of(d):
    r = run([DRIVER, "jwks", d])
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def issue(d, user, now, ttl=None, aud=None, env=None):
    args = [DRIVER, "issue", d, user, str(now)]
    if ttl is not None or aud is not None:
        args.append(str(ttl or 0))
    if aud is not None:
        args.append(aud)
    r = run(args, env=env)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def verify(d, token, now=None, aud=None):
    args = [DRIVER, "verify", d, str(now or int(time.time()))]
    if aud is not None:
        args.append(aud)
    return run(args, input=token + "\n")


def test_issued_token_verifies_with_pyjwt(keydir, nss):
    alg, d = keydir
    keys = jwks_of(d)
    assert len(keys["keys"]) == 1
    jwk = keys["keys"][0]
    assert jwk["alg"] == alg and jwk["use"] == "sig"
    assert jwk["kid"] == rfc7638_thumbprint(jwk)
    public = jwt.PyJWK(jwk).key

    now = int(time.time())
    token = issue(d, "alice", now, ttl=120, aud="git.example", env=nss)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": alg, "typ": "JWT", "kid": jwk["kid"]}
    claims = jwt.decode(token, public, algorithms=[alg],
                        audience="git.example", issuer=HOST,
                        options={"require": ["exp", "nbf", "iat", "iss",
                                             "sub", "jti", "aud"]})
    assert claims["sub"] == "alice"
    assert claims["iss"] == HOST
    assert claims["aud"] == "git.example"
    assert claims["iat"] == now and claims["nbf"] == now
    assert claims["exp"] == now + 120
    assert claims["amr"] == ["otp"]
    assert sorted(claims["groups"]) == ["alice", "dev-ops", "wheel"]
    assert len(b64url_decode(claims["jti"])) == 16
    assert set(claims) == {"iss", "sub", "aud", "iat", "nbf", "exp", "jti",
                           "amr", "groups"}

    # jwt.pub is the same public key as the JWKS.
    with open(os.path.join(d, "jwt.pub"), "rb") as f:
        pub = serialization.load_pem_public_key(f.read())
    assert pub.public_numbers() == public.public_numbers()
    if alg == "RS256":
        assert pub.key_size == 3072  # the default
    else:
        assert pub.curve.name == "secp256r1"

    # Our own verifier accepts it and prints the claims.
    r = verify(d, token, now, aud="git.example")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == claims


def test_defaults_and_unique_jti(keydir, nss):
    alg, d = keydir
    now = int(time.time())
    t1 = issue(d, "alice", now, env=nss)
    t2 = issue(d, "alice", now, env=nss)
    public = jwt.PyJWK(jwks_of(d)["keys"][0]).key
    c1 = jwt.decode(t1, public, algorithms=[alg])
    c2 = jwt.decode(t2, public, algorithms=[alg])
    assert c1["exp"] - c1["iat"] == 300
    assert "aud" not in c1
    assert c1["jti"] != c2["jti"]
    # A user NSS does not know has no groups (and still a token).
    c3 = jwt.decode(issue(d, "nosuchuser", now, env=nss), public,
                    algorithms=[alg])
    assert c3["groups"] == []


def good_claims(now, **over):
    c = {"iss": HOST, "sub": "alice", "iat": now, "nbf": now,
         "exp": now + 300, "jti": "abc", "amr": ["otp"], "groups": []}
    c.update(over)
    return c


def sign(d, alg, claims, key=None, kid=None, headers=None):
    """A token made by PyJWT (with our private key unless another)."""
    h = {"kid": kid or jwks_of(d)["keys"][0]["kid"]}
    h.update(headers or {})
    return jwt.encode(claims, key or private_key(d), algorithm=alg,
                      headers=h)


def assert_refused(d, token, reason, now=None, aud=None):
    r = verify(d, token, now, aud)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert reason in r.stderr


def test_pyjwt_signed_token_accepted(keydir):
    # The control for every refusal below: honest PyJWT tokens pass.
    alg, d = keydir
    now = int(time.time())
    assert verify(d, sign(d, alg, good_claims(now))).returncode == 0
    assert verify(d, sign(d, alg, good_claims(now, aud="svc")),
                  aud="svc").returncode == 0
    assert verify(d, sign(d, alg, good_claims(now)),
                  now=now + 300 + LEEWAY - 1).returncode == 0


def test_alg_none_refused(keydir):
    alg, d = keydir
    claims = good_claims(int(time.time()))
    token = jwt.encode(claims, None, algorithm="none")
    assert_refused(d, token, "malformed")  # empty signature part
    head, body, _ = token.split(".")
    assert_refused(d, head + "." + body + ".AAAA", "algorithm not allowed")
    # A valid signature of ours does not make "none" acceptable either.
    _, _, sig = sign(d, alg, claims).split(".")
    none = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    assert_refused(d, none + "." + body + "." + sig, "algorithm not allowed")


def test_hs256_with_public_pem_refused(keydir):
    _, d = keydir
    with open(os.path.join(d, "jwt.pub"), "rb") as f:
        pem = f.read()
    now = int(time.time())
    for secret in (pem, pem.strip()):
        for alg in ("HS256",):
            assert_refused(d, hs256_forgery(good_claims(now), secret,
                                            {"alg": alg, "typ": "JWT"}),
                           "algorithm not allowed")


def test_hmac_algorithms_refused(keydir):
    _, d = keydir
    now = int(time.time())
    for alg in ("HS256", "HS384", "HS512"):
        token = jwt.encode(good_claims(now), "secret" * 8, algorithm=alg)
        assert_refused(d, token, "algorithm not allowed")


def test_other_algorithm_with_our_key_refused(rsa_keydir):
    d = rsa_keydir
    now = int(time.time())
    for alg in ("RS512", "RS384"):
        assert_refused(d, sign(d, alg, good_claims(now)),
                       "algorithm not allowed")
    # libjwt 1.10 does not know PS256: refused before any check.
    assert_refused(d, sign(d, "PS256", good_claims(now)), "invalid token")


def test_es256_key_refuses_rs256(keydir):
    alg, d = keydir
    other = "RS256" if alg == "ES256" else "ES256"
    key = (rsa.generate_private_key(65537, 2048) if other == "RS256"
           else ec.generate_private_key(ec.SECP256R1()))
    assert_refused(d, sign(d, other, good_claims(int(time.time())), key=key),
                   "algorithm not allowed")


def test_expired_and_not_yet_valid_refused(keydir):
    alg, d = keydir
    now = int(time.time())
    assert_refused(d, sign(d, alg, good_claims(now - 1000, exp=now - LEEWAY)),
                   "expired")
    assert_refused(d, sign(d, alg, good_claims(0, exp=1)), "expired")
    assert_refused(d, sign(d, alg, good_claims(now, nbf=now + 2 * LEEWAY)),
                   "not yet valid")
    assert_refused(d, sign(d, alg, good_claims(now, iat=now + 2 * LEEWAY)),
                   "future")
    # Missing or non-integer times are refused, not taken as "no limit".
    c = good_claims(now)
    del c["exp"]
    assert_refused(d, sign(d, alg, c), "exp, nbf or iat")
    assert_refused(d, sign(d, alg, good_claims(now, exp=str(now + 300))),
                   "exp, nbf or iat")
    assert_refused(d, sign(d, alg, good_claims(now, exp=now + 300.5)),
                   "exp, nbf or iat")


def test_issuer_and_audience_checked(keydir):
    alg, d = keydir
    now = int(time.time())
    assert_refused(d, sign(d, alg, good_claims(now, iss="evil")), "issuer")
    assert_refused(d, sign(d, alg, good_claims(now, aud="other")),
                   "wrong audience", aud="svc")
    assert_refused(d, sign(d, alg, good_claims(now)), "wrong audience",
                   aud="svc")
    assert_refused(d, sign(d, alg, good_claims(now, aud="svc")),
                   "audience")
    assert_refused(d, sign(d, alg, good_claims(now, aud=["svc"])),
                   "wrong audience", aud="svc")
    assert_refused(d, sign(d, alg, good_claims(now, sub="../x")), "subject")


def test_tampered_token_refused(keydir, nss):
    alg, d = keydir
    token = issue(d, "alice", int(time.time()), env=nss)
    head, body, sig = token.split(".")
    claims = json.loads(b64url_decode(body))
    claims["sub"] = "root"
    forged = b64url(json.dumps(claims, separators=(",", ":")).encode())
    assert_refused(d, head + "." + forged + "." + sig, "bad signature")
    header = json.loads(b64url_decode(head))
    header["x"] = 1
    h2 = b64url(json.dumps(header).encode())
    assert_refused(d, h2 + "." + body + "." + sig, "bad signature")
    assert_refused(d, head + "." + body + "." + sig[:-4] + "AAAA",
                   "bad signature")


def test_token_signed_by_another_key_refused(keydir):
    alg, d = keydir
    key = (rsa.generate_private_key(65537, 2048) if alg == "RS256"
           else ec.generate_private_key(ec.SECP256R1()))
    now = int(time.time())
    # Claiming our kid, and claiming none.
    assert_refused(d, sign(d, alg, good_claims(now), key=key),
                   "bad signature")
    token = jwt.encode(good_claims(now), key, algorithm=alg)
    assert_refused(d, token, "bad signature")


def test_bad_key_gives_no_token(keydir):
    _, d = keydir
    bad = tempfile.mkdtemp(prefix="twofa-token-bad.", dir="/run")
    try:
        for content, mode in ((b"not a key\n", 0o600), (None, 0o600)):
            path = os.path.join(bad, "jwt.key")
            if content is None:
                shutil.copy(os.path.join(d, "jwt.key"), path)
                os.chmod(path, 0o644)
            else:
                with open(path, "wb") as f:
                    f.write(content)
                os.chmod(path, mode)
            r = run([DRIVER, "issue", bad, "alice", str(int(time.time()))])
            assert r.returncode == 3
            assert r.stdout == ""
            os.unlink(path)
        r = run([DRIVER, "issue", bad, "alice", str(int(time.time()))])
        assert r.returncode == 3 and r.stdout == ""
    finally:
        shutil.rmtree(bad)
