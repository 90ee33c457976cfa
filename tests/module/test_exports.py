# SPDX-License-Identifier: BSD-2-Clause
"""Only pam_sm_* leave the module (version script)."""

import ctypes
import subprocess

import pytest

from conftest import MODULE, T0, totp


def test_only_pam_sm_symbols_exported():
    out = subprocess.run(["nm", "-D", "--defined-only", str(MODULE)],
                         capture_output=True, text=True, check=True).stdout
    names = sorted(l.split()[-1] for l in out.splitlines() if l.strip())
    assert names == ["pam_sm_acct_mgmt", "pam_sm_authenticate",
                     "pam_sm_setcred"]


def test_dlsym_finds_entry_points_only():
    lib = ctypes.CDLL(str(MODULE))  # dlopen
    for name in ("pam_sm_authenticate", "pam_sm_setcred",
                 "pam_sm_acct_mgmt"):
        assert getattr(lib, name)  # dlsym
    for name in ("twofa_authenticate", "twofa_options_parse",
                 "twofa_store_open", "twofa_hotp", "log_decision"):
        try:
            getattr(lib, name)
        except AttributeError:
            continue
        raise AssertionError(f"{name} is exported")


def test_module_reads_no_environment():
    """The module takes nothing from the environment (SPEC 3): it does
    not even import getenv."""
    out = subprocess.run(["nm", "-D", "--undefined-only", str(MODULE)],
                         capture_output=True, text=True, check=True).stdout
    imported = {l.split()[-1].split("@")[0] for l in out.splitlines()
                if l.strip()}
    assert "pam_sm_authenticate" not in imported
    for name in ("getenv", "secure_getenv", "pam_getenv", "pam_getenvlist",
                 "environ"):
        assert name not in imported, name


def test_token_library_not_loaded_with_the_module():
    """libjwt (and jansson, libb64 behind it) is loaded only when
    token_env makes a token (lib/token/jwt_lib.c): a plain login must not pay
    for mapping it on every pam_start()."""
    out = subprocess.run(["readelf", "-d", str(MODULE)],
                         capture_output=True, text=True, check=True).stdout
    needed = [l for l in out.splitlines() if "(NEEDED)" in l]
    assert needed, out
    for lib in ("libjwt", "libjansson", "libb64"):
        assert not any(lib in l for l in needed), needed


def test_qr_library_not_loaded_with_the_module():
    """libqrencode is loaded only when a self-enrollment at the login
    draws its QR code (lib/qr/qrencode.c); every other login would pay for
    mapping it at pam_start() (bench/RESULTS.md)."""
    out = subprocess.run(["readelf", "-d", str(MODULE)],
                         capture_output=True, text=True, check=True).stdout
    needed = [l for l in out.splitlines() if "(NEEDED)" in l]
    assert needed, out
    assert not any("libqrencode" in l for l in needed), needed


def test_libcrypto_not_linked():
    """The login path's cryptography is Nettle's (lib/crypto/): loading and
    initialising libcrypto in every fresh su/sudo/login process cost more
    than the rest of the login (bench/RESULTS.md). OpenSSL is loaded only
    for token_env (lib/token/ossl_lib.c)."""
    out = subprocess.run(["readelf", "-d", str(MODULE)],
                         capture_output=True, text=True, check=True).stdout
    needed = [l for l in out.splitlines() if "(NEEDED)" in l]
    assert any("libnettle.so" in l for l in needed), needed
    for lib in ("libcrypto", "libssl", "libgnutls", "libhogweed"):
        assert not any(lib in l for l in needed), needed
    out = subprocess.run(["nm", "-D", "--undefined-only", str(MODULE)],
                         capture_output=True, text=True, check=True).stdout
    assert "@OPENSSL_" not in out, [l for l in out.splitlines()
                                    if "@OPENSSL_" in l]


def libraries_loaded(result):
    """Which shared objects the dynamic linker loaded (LD_DEBUG=libs)."""
    return {l.split("calling init: ", 1)[1].strip()
            for l in result.err.splitlines() if "calling init: " in l}


@pytest.mark.parametrize("kind", ["totp", "wrong", "backup", "unknown"])
def test_login_does_not_load_libcrypto(env, kind):
    """A login in a fresh process (pamrun links only libpam, as su and
    sudo's front ends do) never maps libcrypto: not for an accepted code, a
    refused one, a backup code (PBKDF2) or a user without a record (the
    decoy work)."""
    u = env.user()
    if kind != "unknown":
        env.record(u, "--backup", "12345678")
    answer = {"totp": totp(T0), "wrong": "000000" if totp(T0) != "000000"
              else "111111", "backup": "12345678",
              "unknown": totp(T0)}[kind]
    r = env.login(u, answer, at=T0, wrap=("env", "LD_DEBUG=libs"))
    want = "PAM_SUCCESS" if kind in ("totp", "backup") else "PAM_AUTH_ERR"
    assert r.result == want, r
    loaded = libraries_loaded(r)
    # The channel works: the module and Nettle are seen being loaded.
    assert any("pam_twofa.so" in l for l in loaded), r.err[-2000:]
    assert any("libnettle.so" in l for l in loaded), loaded
    assert not any("libcrypto" in l or "libssl" in l for l in loaded), loaded
    assert not any("libqrencode" in l or "libjwt" in l for l in loaded), \
        loaded
