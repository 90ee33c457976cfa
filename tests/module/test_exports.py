# SPDX-License-Identifier: BSD-2-Clause
"""Only pam_sm_* leave the module (version script)."""

import ctypes
import subprocess

import pytest

from conftest import BUILD, MODULE, ROOT, T0, totp


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


ENV_READERS = ("getenv", "secure_getenv", "pam_getenv", "pam_getenvlist",
               "environ", "__environ")


def undefined(path, dynamic=False):
    """The symbols path refers to and does not define (its dynamic symbol
    table with dynamic=True), as name@VERSION where they have a version."""
    out = subprocess.run(["nm", *(["-D"] if dynamic else []),
                          "--undefined-only", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return {l.split()[-1] for l in out.splitlines()
            if l.strip() and not l.endswith(":")}


def names(symbols):
    """The symbols without their versions."""
    return {sym.split("@")[0] for sym in symbols}


def test_module_reads_no_environment():
    """Our code takes nothing from the environment (SPEC 3): no object of
    the module or the core even refers to getenv."""
    objs = sorted((BUILD / "pam_module").glob("*.o"))
    assert objs
    for path in objs + [BUILD / "libtwofa.a"]:
        refs = names(undefined(path))
        for name in ENV_READERS:
            assert name not in refs, (path, name)


def test_only_nettle_reads_the_environment():
    """The module's only environment readers are Nettle's, linked in from
    libnettle.a as libnettle.so.8 has them: NETTLE_FAT_VERBOSE (getenv:
    diagnostics on stderr) and NETTLE_FAT_OVERRIDE (secure_getenv, so not
    in setuid su or sudo: which CPU instructions compute the same
    result). Neither can change a decision (README, "Dependencies")."""
    imported = names(undefined(MODULE, dynamic=True))
    assert "pam_sm_authenticate" not in imported
    readers = {n for n in ENV_READERS if n in imported}
    assert readers <= {"getenv", "secure_getenv"}
    assert readers <= names(undefined(
        "/lib/x86_64-linux-gnu/libnettle.so.8", dynamic=True))


def test_nettle_verbose_changes_no_decision(env):
    """With Nettle's diagnostics asked for, a right code is still accepted
    once and a wrong one refused."""
    u = env.user()
    env.record(u)
    wrong = "000000" if totp(T0) != "000000" else "111111"
    r = env.login(u, wrong, at=T0, wrap=("env", "NETTLE_FAT_VERBOSE=1",
                                        "NETTLE_FAT_OVERRIDE=none"))
    assert r.result == "PAM_AUTH_ERR", r
    r = env.login(u, totp(T0), at=T0, wrap=("env", "NETTLE_FAT_VERBOSE=1",
                                           "NETTLE_FAT_OVERRIDE=none"))
    assert r.result == "PAM_SUCCESS", r
    assert "libnettle:" in r.err  # the variable reached Nettle


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


SANITIZER_RUNTIMES = ("libasan.", "libubsan.", "liblsan.", "libtsan.")


def needed(module):
    """The shared objects a module names in its NEEDED entries, but for
    the sanitizers' runtimes (check-asan builds with them)."""
    out = subprocess.run(["readelf", "-d", str(module)],
                         capture_output=True, text=True, check=True).stdout
    libs = (l.split("[", 1)[1].rstrip("]") for l in out.splitlines()
            if "(NEEDED)" in l)
    return sorted(l for l in libs if not l.startswith(SANITIZER_RUNTIMES))


def test_module_needs_only_libpam_and_libc():
    """The login path's cryptography is Nettle's (lib/crypto/), its
    objects linked in from libnettle.a (NETTLE_LINK=static, the default):
    loading libnettle.so.8 at every pam_start() cost a fresh su/sudo login
    more than the rest of the module (bench/RESULTS.md). Loading and
    initialising libcrypto cost more still; OpenSSL is loaded only for
    token_env (lib/token/ossl_lib.c)."""
    assert needed(MODULE) == ["libc.so.6", "libpam.so.0"]
    imported = undefined(MODULE, dynamic=True)
    for tag in ("@OPENSSL_", "@NETTLE_", "nettle_"):
        assert not [sym for sym in imported if tag in sym], tag


def test_nettle_is_linked_in():
    """Nettle's objects are inside the module (from Debian's libnettle.a),
    under Nettle's own names and local: its fat-binary CPU dispatch, the
    HMAC, PBKDF2 and AES-GCM the core calls."""
    out = subprocess.run(["nm", str(MODULE)], capture_output=True,
                         text=True, check=True).stdout
    local = {l.split()[-1] for l in out.splitlines()
             if len(l.split()) == 3 and l.split()[1] in "tdrb"}
    for name in ("fat_init", "nettle_sha1_compress",
                 "nettle_hmac_sha1_digest", "nettle_pbkdf2_hmac_sha256",
                 "nettle_gcm_aes256_decrypt"):
        assert name in local, name


def test_nettle_link_shared_builds_a_working_module(env, tmp_path):
    """NETTLE_LINK=shared (for distributions without libnettle.a, and the
    RPM spec) links libnettle.so.8 instead, from the same objects, and
    logs in alike; a value that is neither is refused by make."""
    so = tmp_path / "pam_twofa.so"
    subprocess.run(["make", "-s", "-C", str(ROOT), f"BUILD={BUILD}",
                    "NETTLE_LINK=shared", f"MODULE_SO={so}", str(so)],
                   check=True, capture_output=True)
    assert needed(so) == ["libc.so.6", "libnettle.so.8", "libpam.so.0"]
    u = env.user()
    env.record(u)
    env.service("shared", lines=[f"auth required {so} store={env.store}"])
    r = env.login(u, totp(T0), service="shared", at=T0)
    assert r.result == "PAM_SUCCESS", r
    r = env.login(u, totp(T0), service="shared", at=T0)
    assert r.result == "PAM_AUTH_ERR", r  # the replay guard, as ever
    bad = subprocess.run(["make", "-s", "-C", str(ROOT), f"BUILD={BUILD}",
                          "NETTLE_LINK=both", f"MODULE_SO={so}", str(so)],
                         capture_output=True, text=True)
    assert bad.returncode != 0
    assert "NETTLE_LINK must be static or shared" in bad.stderr


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
    # The channel works: the module is seen being loaded; Nettle is in it.
    assert any("pam_twofa.so" in l for l in loaded), r.err[-2000:]
    assert not any("libnettle.so" in l for l in loaded), loaded
    assert not any("libcrypto" in l or "libssl" in l for l in loaded), loaded
    assert not any("libqrencode" in l or "libjwt" in l for l in loaded), \
        loaded
