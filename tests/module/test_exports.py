"""Only pam_sm_* leave the module (version script)."""

import ctypes
import subprocess

from conftest import MODULE


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
